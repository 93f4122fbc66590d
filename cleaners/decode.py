"""Bytes to text: BOM, then UTF-8, then a declared charset, then charset-normalizer.

Scraped files are mostly UTF-8; the rest are legacy Windows pages (cp1252), UTF-16 exports and
UTF-8 pages with a few stray cp1252 bytes pasted in. Each case gets its own cheap test, in the
order that makes the common case fastest, and the chosen encoding is returned so it can be
recorded on the document.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Control bytes that never appear in text (tab, newline, carriage return and form feed do).
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32), 127])

_BOMS = (  # longest first: the UTF-32-LE BOM starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# A well-formed UTF-8 multi-byte sequence; legacy single-byte text almost never forms one.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")

# charset-normalizer often names cp1250 or another Latin code page for plain cp1252 text
# (they agree on the common letters); when cp1252 gives the very same text we report cp1252,
# the code page the web actually uses.
_LATIN_FAMILY = re.compile(r"^(cp125\d|iso8859_\d+|latin_1|mac_.*|cp8\d\d|ascii)$")

_SNIFF_BYTES = 256 * 1024    # charset-normalizer looks at this much at most


class NotText(ValueError):
    """The bytes are not text in any encoding we accept; the message is the human reason."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def control_ratio(data: bytes) -> float:
    """Share of bytes that are control characters (NUL, escape ...), never found in text."""
    if not data:
        return 0.0
    return (len(data) - len(data.translate(None, _CONTROL_BYTES))) / len(data)


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _control_chars(text: str) -> float:
    return len(_CONTROL_CHARS.findall(text)) / len(text) if text else 0.0


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    """Error handler: a byte that is not UTF-8 inside UTF-8 text is read as cp1252."""
    bad = err.object[err.start:err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("newsclean-cp1252", _cp1252_fallback)


def _from_bom(data: bytes) -> Decoded | None:
    for bom, name in _BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(name, errors="replace"), name)
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text with no BOM shows NUL bytes in every other position (for Latin text)."""
    sample = data[:4096]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few broken bytes (a cp1252 quote pasted into a UTF-8 page)."""
    multibyte = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    non_ascii = len(_NON_ASCII.findall(data))
    return multibyte > 0 and multibyte >= 0.5 * non_ascii


def _normalise_name(name: str) -> str:
    return codecs.lookup(name).name.replace("_", "-")


def _legacy(data: bytes) -> Decoded | None:
    best = charset_normalizer.from_bytes(data[:_SNIFF_BYTES]).best()
    if best is None:
        return None
    name = best.encoding
    if _LATIN_FAMILY.match(name):
        try:
            as_cp1252 = data.decode("cp1252")
        except UnicodeDecodeError:
            as_cp1252 = None
        if as_cp1252 is not None and as_cp1252 == data.decode(name, errors="replace"):
            return Decoded(as_cp1252, "cp1252")
    return Decoded(data.decode(name, errors="replace"), _normalise_name(name))


def decode_bytes(data: bytes, declared: str | None = None, max_control_ratio: float = 0.10) -> Decoded:
    """Decode `data`; `declared` is a charset the content names (an HTML meta tag).

    Raises NotText when the bytes are binary. The caller rejects empty input before this.
    """
    found = _from_bom(data)
    if found is not None:
        return found
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            text = None
        # NUL bytes in every other place are UTF-16 only if the characters they make are text
        if text is not None and _control_chars(text) <= max_control_ratio:
            return Decoded(text, utf16)
    ratio = control_ratio(data)
    if ratio > max_control_ratio:
        raise NotText(f"not text: {ratio:.0%} control bytes")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        decoded = _declared(data, declared)
        if decoded is not None:
            return decoded
    if _mostly_utf8(data):
        return Decoded(data.decode("utf-8", errors="newsclean-cp1252"), "utf-8+cp1252")
    legacy = _legacy(data)
    if legacy is None:
        raise NotText("not text: no character encoding fits the bytes")
    return legacy


def _declared(data: bytes, declared: str) -> Decoded | None:
    """Use the page's own charset when it decodes cleanly (latin-1 means cp1252 on the web)."""
    try:
        name = codecs.lookup(declared.strip().strip("'\"")).name
    except LookupError:
        return None
    if name in ("latin-1", "iso8859-1", "ascii"):
        name = "cp1252"
    if name.startswith("utf-16") or name.startswith("utf-32"):
        return None     # a UTF-16 page would have been caught by the BOM or NUL tests
    try:
        return Decoded(data.decode(name), _normalise_name(name))
    except (UnicodeDecodeError, LookupError):
        return None
