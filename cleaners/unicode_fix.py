"""Stage "unicode": character-level repair, every fix logged as its own edit.

Rules (rule id = unicode.<rule>):
  mojibake, html_entity, control_char, c1_control, ligature, char_width, surrogate,
  terminal_escape, inconsistent_utf8, normalize
                     ftfy's fixes, one rule per kind of step ftfy reports (fix_and_explain);
                     typographic quotes, dashes and line-break characters are left to us.
  invisible_char     zero-width spaces, soft hyphens, BOMs, word joiners removed.
  odd_space          no-break, narrow, ideographic and other odd spaces become one plain space.
  homoglyph          a Cyrillic/Greek look-alike inside an otherwise Latin word (and the reverse)
                     becomes the letter of the word's own script.
  straighten_quotes  only with `unicode.straighten_quotes`: curly quotes to straight ones.
  straighten_dashes  only with `unicode.straighten_dashes`: en/em dashes to "-".

Speed: ftfy costs ~2.5 ms per article, mostly in its mojibake test. A paragraph made only of
printable ASCII (no "&") and the common typographic marks in `_TYPOGRAPHIC` cannot be changed by
any rule here (ftfy's mojibake patterns all need some other character; see tests), so it is
skipped without calling ftfy. A paragraph that also has accented letters or Latin-1/cp1252 signs
(`_LATIN_EXTRA`: "José", "Zoë", "€") is skipped too when ftfy's own mojibake test finds nothing:
no other ftfy fixer and no rule of ours touches those characters (see tests), and the test is run
only in short windows around the other non-ASCII characters, where any of its matches must lie.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import ftfy
from ftfy.badness import BADNESS_RE

from cleaners import structure
from cleaners.document import Document, Edit, Origin, Paragraph
from cleaners.textedit import Change, apply_changes, diff_changes, looks_like_code, protected_spans
from cleaners.wordlists import load_toml

STAGE = "unicode"
MAX_PASSES = 3

# Marks that appear in clean English news text and that none of ftfy's mojibake patterns can
# match on their own or next to ASCII: ’ ‘ “ ” – — … • « ».
_TYPOGRAPHIC = "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022\u00ab\u00bb"
_NEEDS_WORK = re.compile(r"[^\t\x20-\x25\x27-\x7e" + _TYPOGRAPHIC + "]")
# Latin-1 and Latin Extended-A letters and signs, and the cp1252 signs above U+0100, that no ftfy
# fixer but the mojibake repair can change and no rule of ours looks at: not the soft hyphen
# (invisible_char), not the ligatures Ĳ ĳ ŉ (ftfy's fix_latin_ligatures); each is its own NFC
# form and composes with none of its neighbours (see tests). Mojibake is made of these same
# characters ("JosÃ©"), so text using them is skipped only when ftfy's mojibake test is negative.
_LATIN_EXTRA = ("\u00a1-\u00ac\u00ae-\u0131\u0134-\u0148\u014a-\u017f"
                "\u0192\u02c6\u02dc\u201a\u201e\u2020\u2021\u2030\u2039\u203a\u20ac\u2122\ufffd")
_NEEDS_MORE_THAN_MOJIBAKE_TEST = re.compile(
    r"[^\t\x20-\x25\x27-\x7e" + _TYPOGRAPHIC + _LATIN_EXTRA + "]")
# Every match of ftfy's mojibake test (BADNESS_RE) holds a character that is neither ASCII nor
# one of `_TYPOGRAPHIC` (a `_NEEDS_WORK` character), and is at most this long plus one (see
# tests): it lies within this many characters either side of such a character.
_BADNESS_REACH = 6
# ... and holds one of the few characters that are mojibake on their own or next to ASCII
# ("Ã ", "Â£", "œ.", C1 controls), or two non-ASCII characters in a row ("Ã©", "é“x"): text
# with neither is not mojibake to ftfy (see tests), which the common accented name is.
_MOJIBAKE_SIGN = re.compile(r"[\x80-\x9f\u0152\u0153\u00c3\u00c2]|[^\x00-\x7f]{2}")

# ftfy steps -> our rule names. Encoding steps (encode/transcode/decode) are one "mojibake" fix.
_FTFY_RULES = {
    "unescape_html": "html_entity",
    "remove_control_chars": "control_char",
    "fix_c1_controls": "c1_control",
    "fix_latin_ligatures": "ligature",
    "fix_character_width": "char_width",
    "fix_surrogates": "surrogate",
    "remove_terminal_escapes": "terminal_escape",
    "decode_inconsistent_utf8": "inconsistent_utf8",
}
# Line-break characters are ours (odd_space): ftfy would turn them into "\n" inside a paragraph.
# Paragraphs are text already taken out of any HTML, so entities are unescaped even next to a
# "<" (ftfy's "auto" mode would leave "a < b &amp; c" alone, guessing it is HTML source).
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, unescape_html=True)
# In program text only the encoding is repaired: "&#39;" or a full-width "（" may be meant there.
_FTFY_CODE_CONFIG = _FTFY_CONFIG._replace(unescape_html=False, fix_character_width=False,
                                          fix_latin_ligatures=False)
# Chinese, Japanese and Korean text sets its punctuation full width ("日期：", "（注）") on purpose.
_FTFY_CJK_CONFIG = _FTFY_CONFIG._replace(fix_character_width=False)
_CJK = re.compile(r"[぀-ヿ㐀-䶿一-鿿가-힯]")

# Always invisible junk inside running text.
_INVISIBLE = re.compile(r"[\u200b\u00ad\ufeff\u2060-\u2064\u180e]"
                        # joiners matter in Arabic, Indic scripts and emoji: only between Latin letters
                        r"|(?<=[A-Za-z])[\u200c\u200d]+(?=[A-Za-z])")
_ODD_SPACE = re.compile(r"[ \t]*[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2028\u2029\x85\r]"
                        r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\u2028\u2029\x85\r]*")
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u0400-\u052f]")
_LETTERS = re.compile(r"[^\W\d_]+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "‘": "'", "’": "'", "‚": "'",
                         "‛": "'"})
_CURLY = re.compile(r"[“”„‟‘’‚‛]+")
_DASHES = re.compile(r"[\u2013\u2014]")


def apply(doc: Document, ctx) -> None:
    cfg = ctx.config.unicode
    if not cfg.enabled:
        return
    if not doc.paragraphs and doc.raw_text:
        # Text inputs get their paragraphs from the structure stage; if this stage runs first,
        # split now so every edit can name its paragraph (structure then only tidies).
        structure.apply(doc, ctx)
    for i, para in enumerate(doc.paragraphs):
        if needs_nothing(para.text, cfg.straighten_quotes, cfg.straighten_dashes):
            continue
        fix_paragraph(doc, i, cfg, keep_spacing=para.kind == "pre")
    fix_metadata_text(doc)


def fix_metadata_text(doc: Document) -> None:
    """Titles and bylines read from HTML or JSON fields never pass through the paragraphs, but
    they carry the same mojibake and invisible characters ("SofÃ­a"): repair them the same way."""
    for name in ("title", "byline"):
        value = getattr(doc, name)
        # not needs_nothing(): a field with an accented letter is still stripped below
        if not value or _plain_marks_only(value):
            continue
        fixed = repaired_text(value).strip()
        if fixed and fixed != value:
            doc.edit(STAGE, "metadata_text", "replace", before=value, after=fixed, note=name)
            setattr(doc, name, fixed)


def repaired_text(text: str) -> str:
    """ftfy and invisible characters, without an edit log: for metadata fields and for the
    template pre-pass, which must see the text the way this stage will leave it."""
    return _INVISIBLE.sub("", ftfy.fix_text(text, config=_FTFY_CONFIG))


def without_lookalikes(text: str) -> str:
    """`text` without invisible characters and with the homoglyph repairs made, without an
    edit log (the template pre-pass's story ids must not depend on a copy's slipped-in soft
    hyphen or lookalike letter)."""
    text = _INVISIBLE.sub("", text)
    for c in sorted(homoglyph_changes(text), key=lambda c: c.start, reverse=True):
        text = text[:c.start] + c.new + text[c.end:]
    return text


def needs_nothing(text: str, straighten_quotes: bool = False,
                  straighten_dashes: bool = False) -> bool:
    """Fast path: no rule of this stage can change `text`."""
    if "&" in text:
        return False
    if _NEEDS_WORK.search(text) and (_NEEDS_MORE_THAN_MOJIBAKE_TEST.search(text)
                                     or may_be_mojibake(text)):
        return False
    if straighten_quotes and _CURLY.search(text):
        return False
    return not (straighten_dashes and _DASHES.search(text))


def _plain_marks_only(text: str) -> bool:
    """Printable ASCII without "&" and the marks of `_TYPOGRAPHIC`: nothing to repair."""
    return "&" not in text and not _NEEDS_WORK.search(text)


def may_be_mojibake(text: str) -> bool:
    """ftfy.badness.is_bad(text), searched only in windows around the characters that are
    neither ASCII nor typographic marks (a few short searches instead of one over the whole
    paragraph: ~5x cheaper)."""
    if not _MOJIBAKE_SIGN.search(text):
        return False
    start = end = -1
    for m in _NEEDS_WORK.finditer(text):
        at = m.start()
        if at - _BADNESS_REACH > end:  # the next window does not touch the current one
            if end >= 0 and BADNESS_RE.search(text, start, end):
                return True
            start = max(0, at - _BADNESS_REACH)
        end = at + _BADNESS_REACH + 1
    return end >= 0 and bool(BADNESS_RE.search(text, start, end))


def fix_paragraph(doc: Document, i: int, cfg, keep_spacing: bool = False) -> None:
    """All rules on one paragraph, repeated until nothing changes: removing an invisible
    character can reveal mojibake ftfy could not see before ("\u00adâ€™")."""
    for n in range(MAX_PASSES):
        if n and needs_nothing(doc.paragraphs[i].text, cfg.straighten_quotes,
                               cfg.straighten_dashes):
            return  # the pass would find nothing: skip its ftfy call
        before = len(doc.edits)
        _fix_once(doc, i, cfg, keep_spacing)
        if len(doc.edits) == before:
            return


def _fix_once(doc: Document, i: int, cfg, keep_spacing: bool) -> None:
    text = doc.paragraphs[i].text
    if keep_spacing or looks_like_code(text):
        config = _FTFY_CODE_CONFIG
    elif _CJK.search(text):
        config = _FTFY_CJK_CONFIG
    else:
        config = _FTFY_CONFIG
    run_ftfy(doc, i, config)
    text = doc.paragraphs[i].text
    protected = protected_spans(text)
    changes = [Change(m.start(), m.end(), "", "invisible_char") for m in _INVISIBLE.finditer(text)]
    if not keep_spacing:
        changes += [Change(m.start(), m.end(), " ", "odd_space") for m in _ODD_SPACE.finditer(text)]
    apply_changes(doc, STAGE, i, changes, protected)
    text = doc.paragraphs[i].text
    if _OTHER_SCRIPT.search(text):
        apply_changes(doc, STAGE, i, homoglyph_changes(text))
    if cfg.straighten_quotes:
        text = doc.paragraphs[i].text
        apply_changes(doc, STAGE, i, [Change(m.start(), m.end(), m.group().translate(_QUOTES),
                                             "straighten_quotes") for m in _CURLY.finditer(text)])
    if cfg.straighten_dashes:
        text = doc.paragraphs[i].text
        apply_changes(doc, STAGE, i, [Change(m.start(), m.end(), "-", "straighten_dashes")
                                      for m in _DASHES.finditer(text)])


# ---- ftfy ------------------------------------------------------------------------------
def run_ftfy(doc: Document, i: int, config: ftfy.TextFixerConfig = _FTFY_CONFIG) -> None:
    """Run ftfy, then replay its plan one fix at a time so each logs its own edits.

    The edits depend on nothing but the text and the config, and a site repeats its broken
    lines on every page ("Share on: X Â· Facebook"): they are worked out once per distinct
    paragraph (a bounded cache) and copied into each document."""
    edits, fixed = _ftfy_edits(doc.paragraphs[i].text, config)
    for e in edits:
        doc.edit(e.stage, e.rule, e.action, para=i, span=e.span, before=e.before, after=e.after,
                 note=e.note)
    if edits:
        doc.paragraphs[i].text = fixed


@lru_cache(maxsize=2048)
def _ftfy_edits(text: str, config: ftfy.TextFixerConfig) -> tuple[tuple[Edit, ...], str]:
    """The edits run_ftfy makes on a paragraph `text` (logged as paragraph 0), and its text."""
    scratch = Document.new("ftfy", Origin("ftfy"), paragraphs=[Paragraph(text)])
    _run_ftfy_uncached(scratch, 0, config)
    return tuple(scratch.edits), scratch.paragraphs[0].text


def _run_ftfy_uncached(doc: Document, i: int, config: ftfy.TextFixerConfig) -> None:
    text = doc.paragraphs[i].text
    result = ftfy.fix_and_explain(text, config)
    if result.text == text:
        return
    current = text
    for rule, steps in _group_steps(result.explanation or []):
        try:
            fixed = _replay(current, steps)
        except Exception:  # noqa: BLE001 - a plan that does not replay: log ftfy's result below
            break
        note = "ftfy " + " ".join(f"{a}:{b}" for a, b in steps)
        apply_changes(doc, STAGE, i, diff_changes(current, fixed, rule, note), protected=[])
        current = doc.paragraphs[i].text
    if current != result.text:
        apply_changes(doc, STAGE, i, diff_changes(current, result.text, "ftfy", "ftfy result"),
                      protected=[])


def _replay(text: str, steps: list[tuple[str, str]]) -> str:
    if steps and steps[0][0] == "normalize":   # ftfy.apply_plan does not know this step
        return unicodedata.normalize(steps[0][1], text)
    return ftfy.apply_plan(text, steps)


def _group_steps(explanation) -> list[tuple[str, list[tuple[str, str]]]]:
    """ftfy's plan as (rule, steps) units: encode..decode runs form one "mojibake" unit."""
    units: list[tuple[str, list[tuple[str, str]]]] = []
    pending: list[tuple[str, str]] = []
    for action, arg in explanation:
        step = (action, arg)
        if action in ("encode", "transcode") or (action == "decode" and pending):
            pending.append(step)
            if action == "decode":
                units.append(("mojibake", pending))
                pending = []
            continue
        if pending:  # a transcode step on its own (e.g. fix_c1_controls)
            units.append((_FTFY_RULES.get(pending[0][1], "mojibake"), pending))
            pending = []
        if action == "normalize":
            units.append(("normalize", [step]))
        else:
            units.append((_FTFY_RULES.get(arg, arg), [step]))
    if pending:
        units.append((_FTFY_RULES.get(pending[0][1], "mojibake"), pending))
    return units


# ---- homoglyphs ------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _homoglyph_tables() -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """(foreign letter -> Latin, script -> {Latin letter -> that script's letter})."""
    data = load_toml("homoglyphs.toml")
    to_latin: dict[str, str] = {}
    from_latin: dict[str, dict[str, str]] = {}
    for script in ("cyrillic", "greek"):
        skip = set(data.get("reverse_skip", {}).get(script, []))
        to_latin.update(data[script])
        from_latin[script] = {lat: foreign for foreign, lat in data[script].items() if foreign not in skip}
    return to_latin, from_latin


def _script(ch: str) -> str | None:
    o = ord(ch)
    if o < 0x250:
        return "latin" if ch.isalpha() else None
    if 0x370 <= o <= 0x3ff:
        return "greek"
    if 0x400 <= o <= 0x52f:
        return "cyrillic"
    return "other"


def homoglyph_changes(text: str) -> list[Change]:
    """One change per word whose letters mix Latin with Cyrillic/Greek look-alikes; and, in a
    Latin paragraph where every Cyrillic/Greek letter is a look-alike, the look-alike-only
    words too (an English "а" typed with a Cyrillic letter)."""
    to_latin, from_latin = _homoglyph_tables()
    changes = []
    dominant: str | None = None
    lone_lookalikes: bool | None = None
    for m in _LETTERS.finditer(text):
        word = m.group()
        if not _OTHER_SCRIPT.search(word):
            continue
        scripts = [_script(c) for c in word]
        n_latin = scripts.count("latin")
        if "other" in scripts:
            continue  # a script we know nothing about: leave it
        if n_latin == 0:
            if lone_lookalikes is None:
                lone_lookalikes = _only_lookalikes_in_latin_text(text, to_latin)
            new = _to_latin(word, scripts, to_latin) if lone_lookalikes else None
            if new:
                changes.append(Change(m.start(), m.end(), new, "homoglyph",
                                      note=f"{_names(word)} -> Latin (look-alike-only word)"))
            continue
        foreign = [s for s in scripts if s in ("cyrillic", "greek")]
        if dominant is None:
            dominant = _dominant_script(text)
        latin_wins = n_latin > len(foreign) or (n_latin == len(foreign) and dominant == "latin")
        new = _to_latin(word, scripts, to_latin) if latin_wins else \
            _from_latin(word, scripts, foreign, from_latin)
        if new and new != word:
            changes.append(Change(m.start(), m.end(), new, "homoglyph",
                                  note=f"{_names(word)} -> {'Latin' if latin_wins else foreign[0]}"))
    return changes


def _only_lookalikes_in_latin_text(text: str, to_latin: dict[str, str]) -> bool:
    """Is `text` overwhelmingly Latin with no Cyrillic/Greek letter that is not a look-alike?
    Then a word spelt only with look-alikes is a disguised Latin word, not a quotation."""
    latin = foreign = 0
    for ch in text:
        s = _script(ch)
        if s == "latin":
            latin += 1
        elif s in ("cyrillic", "greek"):
            if ch not in to_latin:
                return False
            foreign += 1
    return latin >= 20 and foreign * 10 <= latin


def _to_latin(word: str, scripts: list[str | None], to_latin: dict[str, str]) -> str | None:
    out = []
    for ch, s in zip(word, scripts):
        if s in ("cyrillic", "greek"):
            if ch not in to_latin:
                return None  # a real Greek/Cyrillic letter ("μg", "ΔT"): the mix is meant
            ch = to_latin[ch]
        out.append(ch)
    return "".join(out)


def _from_latin(word: str, scripts: list[str | None], foreign: list[str],
                from_latin: dict[str, dict[str, str]]) -> str | None:
    if len(set(foreign)) != 1:
        return None
    table = from_latin[foreign[0]]
    out = []
    for ch, s in zip(word, scripts):
        if s == "latin":
            if ch not in table:
                return None
            ch = table[ch]
        out.append(ch)
    return "".join(out)


def _dominant_script(text: str) -> str:
    counts = {"latin": 0, "cyrillic": 0, "greek": 0}
    for ch in text:
        s = _script(ch)
        if s in counts:
            counts[s] += 1
    return max(counts, key=counts.get)


def _names(word: str) -> str:
    odd = [c for c in word if ord(c) >= 0x370]
    return ", ".join(sorted({f"{c} {unicodedata.name(c, '?')}" for c in odd}))
