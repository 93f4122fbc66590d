"""Readers: the RAW folder -> work items -> Documents (or reasoned rejections).

`list_files` walks RAW (sorted, no hidden files, no symlinks leaving RAW); `plan_items` makes
one work item per file and cuts a large plain .jsonl into line ranges so batches stay even;
`read_item` turns an item into Documents and `Rejected` units. Whatever the bytes are,
`read_item` never raises: every input unit comes out exactly once, as a Document or as a
Rejected with a reason whose stage is "read".

Sources: the path relative to RAW; `path#N` for the N-th line (1-based) of a .jsonl or
.jsonl.gz, and for the N-th record of a .json list.
"""
from __future__ import annotations

import gzip
import json
import os
import re
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Iterator
from urllib.parse import urlsplit

from cleaners import html_extract
from cleaners.config import ReadConfig
from cleaners.decode import NotText, control_ratio, decode_bytes
from cleaners.document import Document, Origin, Reason

STAGE = "read"

TEXT_TYPES = frozenset({".txt", ".text"})
HTML_TYPES = frozenset({".html", ".htm", ".xhtml"})
JSONL_TYPES = frozenset({".jsonl", ".ndjson"})
JSON_TYPES = frozenset({".json"})
SUPPORTED = TEXT_TYPES | HTML_TYPES | JSONL_TYPES | JSON_TYPES

# Field names of a JSON record, in order of preference.
TEXT_FIELDS = ("text", "content", "body", "article", "maintext")
HTML_FIELDS = ("html", "raw_html", "content_html", "body_html")

_CHUNK = 1 << 20
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_LOOKS_LIKE_PAGE = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>])", re.I)


# ---- the interface the run uses -----------------------------------------------------------
@dataclass(frozen=True, slots=True)   # one of each per raw file: no __dict__
class FileInfo:
    path: str           # relative to RAW, posix "/"
    size: int
    mtime: float


@dataclass(frozen=True, slots=True)   # one of each per raw file: no __dict__
class WorkItem:
    path: str
    first_line: int | None = None   # a plain .jsonl cut into the 1-based inclusive line range
    last_line: int | None = None    # [first_line, last_line]; None: the whole file
    units: int = 1                  # how many input units the item holds (best estimate)
    named_site: str | None = None   # the site its file name names, in a flat folder (site_names)


@dataclass
class Rejected:
    source: str
    reasons: list[Reason]
    origin: Origin | None = None


class _Reject(Exception):
    """Internal: one unit (or a whole file) is rejected with this rule and sentence."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule, self.message = rule, message


def _rejected(source: str, rule: str, message: str, origin: Origin | None = None) -> Rejected:
    return Rejected(source, [Reason(STAGE, rule, message)], origin)


# ---- listing and planning -----------------------------------------------------------------
def list_files(raw_dir: Path) -> list[FileInfo]:
    """Every regular file under RAW, sorted by path; hidden names and links leaving RAW skipped."""
    raw_dir = Path(raw_dir)
    real_raw = raw_dir.resolve()
    seen_dirs: set[str] = set()
    found: list[FileInfo] = []
    for dirpath, dirnames, filenames in os.walk(raw_dir, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs or not _inside(Path(real), real_raw):
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            full = Path(dirpath) / name
            info = _file_info(full, raw_dir, real_raw)
            if info is not None:
                found.append(info)
    return sorted(found, key=lambda f: f.path)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _file_info(full: Path, raw_dir: Path, real_raw: Path) -> FileInfo | None:
    try:
        if full.is_symlink() and not _inside(full.resolve(), real_raw):
            return None
        st = full.stat()
    except OSError:
        return None     # a dangling link, or a file removed while we walked
    if not os.path.isfile(full):
        return None     # fifos, sockets, devices: never opened
    rel = PurePosixPath(*full.relative_to(raw_dir).parts).as_posix()
    return FileInfo(rel, st.st_size, st.st_mtime)


def file_type(path: str) -> tuple[str, bool]:
    """('.jsonl', True) for 'feed.jsonl.gz': the inner type and whether it is gzip."""
    # string operations with PurePosixPath's rules (no object per call: it runs per unit)
    name = path.rsplit("/", 1)[-1].lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    dot = name.rfind(".")
    return (name[dot:] if 0 < dot < len(name) - 1 else ""), gz


# ---- sites named by file names ----------------------------------------------------------
# A scraper that drops every page into one folder often names the files after their site
# ("017_northernecho.html", "2024-05-01-bbc-3321.txt"). With no folder or URL to tell the
# site, the words of the file name, without its numbers, name it when several files share
# them and the folder holds more than one such name (one name for every file tells nothing).
MIN_FILES_PER_NAME = 3
_NAME_TOKEN = re.compile(r"[^\W_]+")     # letters and digits; a token of digits only is a number


def site_names(paths: list[str]) -> dict[str, str]:
    """path -> site for the flat folder's pages whose file names name a site."""
    by_name: dict[str, list[str]] = {}
    for path in paths:
        kind, _ = file_type(path)
        if "/" in path or not (kind in TEXT_TYPES or kind in HTML_TYPES):
            continue        # a folder names its site; feeds carry URLs or their own name
        stem = path.split(".", 1)[0].casefold()
        name = "-".join(t for t in _NAME_TOKEN.findall(stem) if not t.isdigit())
        if name:
            by_name.setdefault(name, []).append(path)
    named = {name: group for name, group in by_name.items() if len(group) >= MIN_FILES_PER_NAME}
    if len(named) < 2:
        return {}
    return {path: name for name, group in named.items() for path in group}


def plan_items(raw_dir: Path, files: list[FileInfo], cfg: ReadConfig, target_units: int) -> list[WorkItem]:
    items: list[WorkItem] = []
    named = site_names([f.path for f in files])
    for f in files:
        kind, gz = file_type(f.path)
        if kind in JSONL_TYPES and not gz and 0 < f.size <= cfg.max_file_bytes:
            items.extend(_jsonl_ranges(Path(raw_dir) / f.path, f.path, max(1, target_units), cfg))
        elif kind in JSONL_TYPES and gz and 0 < f.size <= cfg.max_file_bytes:
            items.append(WorkItem(f.path, units=max(1, _count_gz_lines(Path(raw_dir) / f.path, cfg))))
        elif kind in JSON_TYPES and 0 < f.size <= min(cfg.max_file_bytes, 5 * _CHUNK) and not gz:
            items.append(WorkItem(f.path, units=_json_units(Path(raw_dir) / f.path)))
        else:
            items.append(WorkItem(f.path, named_site=named.get(f.path)))
    return items


def _jsonl_ranges(path: Path, rel: str, target: int, cfg: ReadConfig) -> list[WorkItem]:
    """Line ranges of about `target` lines; one whole-file item when the file is small, or
    when a whole-file check must decide (UTF-16, binary, blank)."""
    try:
        offsets = _line_offsets(str(path))
    except OSError:
        return [WorkItem(rel)]
    head = _read_head(path)
    if (len(offsets) <= target or head.startswith((b"\xff\xfe", b"\xfe\xff")) or _is_binary(head, cfg)
            or not _has_text(str(path))):
        return [WorkItem(rel, units=max(1, len(offsets)))]   # whole-file checks apply
    return [WorkItem(rel, start, min(start + target - 1, len(offsets)),
                     units=min(target, len(offsets) - start + 1))
            for start in range(1, len(offsets) + 1, target)]


def _read_head(path: Path, size: int = 65536) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def _is_binary(head: bytes, cfg: ReadConfig) -> bool:
    return control_ratio(head) > cfg.max_control_ratio


@lru_cache(maxsize=4)
def _line_offsets_cached(path: str, size: int, mtime_ns: int) -> tuple[int, ...]:
    """Byte offset where each line starts (binary newline count, one pass, cached per file)."""
    offsets = [0]
    pos = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            start = 0
            while True:
                nl = chunk.find(b"\n", start)
                if nl < 0:
                    break
                offsets.append(pos + nl + 1)
                start = nl + 1
            pos += len(chunk)
    if offsets[-1] == pos:
        offsets.pop()       # the file ends with a newline: no line starts there
    return tuple(offsets)


def _has_text(path: str) -> bool:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            if chunk.strip():
                return True
    return False


def _line_offsets(path: str) -> tuple[int, ...]:
    st = os.stat(path)
    return _line_offsets_cached(path, st.st_size, st.st_mtime_ns)


def _count_gz_lines(path: Path, cfg: ReadConfig) -> int:
    lines, total, last = 0, 0, b"\n"
    try:
        with gzip.open(path, "rb") as fh:
            while total <= cfg.max_decompressed_bytes:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error):
        return 1
    if total > cfg.max_decompressed_bytes:
        return 1        # rejected as one unit
    return lines + (last != b"\n")


def _json_units(path: Path) -> int:
    try:
        data = json.loads(decode_bytes(path.read_bytes()).text)
    except (OSError, ValueError, RecursionError, NotText):
        return 1
    return max(1, len(data)) if isinstance(data, list) else 1


# ---- reading ------------------------------------------------------------------------------
def read_item(raw_dir: Path, item: WorkItem, cfg: ReadConfig) -> Iterator[Document | Rejected]:
    """Every unit of `item`, once, as a Document or a Rejected. Never raises for bad input."""
    kind, gz = file_type(item.path)
    full = Path(raw_dir) / item.path
    if item.first_line is not None:
        yield from _read_jsonl_range(full, item, cfg)
        return
    try:
        data = _load(full, item.path, kind, gz, cfg)
        if kind in TEXT_TYPES or kind in HTML_TYPES:
            yield _read_page(data, item.path, kind, gz, cfg, item.named_site)
        elif kind in JSONL_TYPES:
            yield from _read_jsonl_bytes(data, item.path, gz, cfg)
        else:
            yield from _read_json(data, item.path, gz, cfg)
    except _Reject as rej:
        yield _rejected(item.path, rej.rule, rej.message,
                        Origin(item.path, format=_format(kind, gz)))
    except Exception as exc:  # noqa: BLE001 - a reader bug must reject the unit, not the run
        yield _rejected(item.path, "error", f"{type(exc).__name__}: {exc}")


def _format(kind: str, gz: bool) -> str:
    name = {".htm": "html", ".xhtml": "html", ".text": "txt", ".ndjson": "jsonl"}.get(kind, kind.lstrip("."))
    return name + (".gz" if gz else "")


def _load(full: Path, rel: str, kind: str, gz: bool, cfg: ReadConfig) -> bytes:
    """The file's bytes (decompressed), after the checks every file type shares."""
    if kind not in SUPPORTED:
        shown = kind or "(no extension)"
        raise _Reject("unsupported_type", f"unsupported file type: {shown}{'.gz' if gz else ''}")
    try:
        size = full.stat().st_size
        if size > cfg.max_file_bytes:
            raise _Reject("too_large", f"file is {_mb(size)}, over the {_mb(cfg.max_file_bytes)} limit")
        data = full.read_bytes()
    except OSError as err:
        raise _Reject("io_error", f"cannot read file: {err.strerror or err}") from None
    if gz:
        data = _gunzip(data, cfg)
        if kind not in JSONL_TYPES and len(data) > cfg.max_file_bytes:
            raise _Reject("too_large", f"decompressed file is {_mb(len(data))}, over the "
                                       f"{_mb(cfg.max_file_bytes)} limit")
    if not data:
        raise _Reject("empty_file", "empty file")
    return data


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"


def _gunzip(data: bytes, cfg: ReadConfig) -> bytes:
    """Decompress in steps, stopping as soon as the output passes the cap (a bomb never unpacks)."""
    out: list[bytes] = []
    total = 0
    cap = cfg.max_decompressed_bytes
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    rest = data
    try:
        while True:
            piece = d.decompress(rest, _CHUNK)
            total += len(piece)
            if total > cap:
                raise _Reject("gzip_bomb", f"decompresses to more than {_mb(cap)} "
                                           f"({_mb(len(data))} compressed): not unpacked")
            out.append(piece)
            rest = d.unconsumed_tail
            if d.eof:
                rest = d.unused_data      # concatenated gzip members
                if not rest.strip(b"\0"):
                    break
                d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            elif not rest and not piece:
                break                     # input used up and nothing pending
        if not d.eof:
            raise _Reject("bad_gzip", "gzip stream is cut off before its end")
    except zlib.error as err:
        raise _Reject("bad_gzip", f"not a valid gzip file: {err}") from None
    return b"".join(out)


def _decode(data: bytes, cfg: ReadConfig, declared: str | None = None):
    try:
        return decode_bytes(data, declared=declared, max_control_ratio=cfg.max_control_ratio)
    except NotText as err:
        raise _Reject("not_text", str(err)) from None


# ---- text and HTML files ------------------------------------------------------------------
def _read_page(data: bytes, rel: str, kind: str, gz: bool, cfg: ReadConfig,
               named_site: str | None = None) -> Document | Rejected:
    started = time.perf_counter()
    is_html = kind in HTML_TYPES
    decoded = _decode(data, cfg, _declared_charset(data) if is_html else None)
    if not decoded.text.strip():
        raise _Reject("blank_file", "blank file: only whitespace")
    if not is_html and _LOOKS_LIKE_PAGE.match(decoded.text[:512]):
        is_html = True      # a web page saved with a .txt name
    origin = Origin(rel, format=_format(".html" if is_html else ".txt", gz), encoding=decoded.encoding)
    _set_site(origin, None, feed=False)
    origin.site = origin.site or named_site     # a page's own URL, read below, still wins
    if is_html:
        doc = _html_document(rel, origin, decoded.text, cfg)
    else:
        doc = Document.new(rel, origin, raw_text=decoded.text)
    if isinstance(doc, Document):
        doc.timings["read"] = time.perf_counter() - started
    return doc


def _declared_charset(data: bytes) -> str | None:
    m = _CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def _html_document(source: str, origin: Origin, html: str, cfg: ReadConfig,
                   fields: dict[str, Any] | None = None) -> Document | Rejected:
    page = html_extract.extract(html, disabled=frozenset(cfg.html_disabled_rules))
    if page.url and not origin.url:
        origin.url = page.url
        _set_site(origin, origin.url, feed=False)
    fields = fields or {}
    doc = Document.new(source, origin, paragraphs=page.paragraphs,
                       raw_text="\n\n".join(p.text for p in page.paragraphs),
                       title=fields.get("title") or page.title,
                       date=fields.get("date") or page.date, byline=page.byline)
    for removed in page.removed:
        doc.edit(html_extract.STAGE, removed.rule, removed.action, before=removed.text, note=removed.note)
    if not doc.paragraphs:
        return _rejected(source, "no_text", "no article text in the HTML page "
                         f"({len(page.removed)} blocks of page chrome removed)", origin)
    return doc


# ---- JSON lines and JSON ------------------------------------------------------------------
def _read_jsonl_bytes(data: bytes, rel: str, gz: bool, cfg: ReadConfig) -> Iterator[Document | Rejected]:
    fmt = _format(".jsonl", gz)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):        # UTF-16 feed: decode the whole file
        lines = [s.encode("utf-8") for s in _decode(data, cfg).text.split("\n")]
    else:
        if _is_binary(data[:65536], cfg):
            _decode(data, cfg)      # rejects the file when it is binary as a whole
        lines = data.split(b"\n")
    if not any(line.strip() for line in lines):
        raise _Reject("blank_file", "blank file: no records")
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield _jsonl_unit(line, rel, number, fmt, cfg)


def _read_jsonl_range(full: Path, item: WorkItem, cfg: ReadConfig) -> Iterator[Document | Rejected]:
    """Lines [first_line, last_line] of a plain .jsonl, found by byte offset."""
    first, last = item.first_line or 1, item.last_line or item.first_line or 1
    try:
        offsets = _line_offsets(str(full))
        with open(full, "rb") as fh:
            if first - 1 >= len(offsets):
                return
            fh.seek(offsets[first - 1])
            end = offsets[last] if last < len(offsets) else None
            chunk = fh.read(end - offsets[first - 1]) if end is not None else fh.read()
    except OSError as err:
        for number in range(first, last + 1):
            yield _rejected(f"{item.path}#{number}", "io_error", f"cannot read file: {err.strerror or err}")
        return
    for number, line in enumerate(chunk.split(b"\n")[:last - first + 1], first):
        if line.strip():
            yield _jsonl_unit(line, item.path, number, "jsonl", cfg)


def _jsonl_unit(line: bytes, rel: str, number: int, fmt: str, cfg: ReadConfig) -> Document | Rejected:
    source = f"{rel}#{number}"
    origin = Origin(rel, line=number, format=fmt)
    try:
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        decoded = _decode(line, cfg)
        origin.encoding = decoded.encoding
        try:
            record = json.loads(decoded.text)
        except (ValueError, RecursionError) as err:
            raise _Reject("bad_json", f"line {number} is not valid JSON: {_short(err)}") from None
        return _record_document(record, source, origin, cfg, what=f"line {number}")
    except _Reject as rej:
        return _rejected(source, rej.rule, rej.message, origin)
    except Exception as exc:  # noqa: BLE001 - one record must never stop the others
        return _rejected(source, "error", f"{type(exc).__name__}: {exc}", origin)


def _short(err: Exception) -> str:
    text = str(err)
    return text if len(text) <= 120 else text[:117] + "..."


def _read_json(data: bytes, rel: str, gz: bool, cfg: ReadConfig) -> Iterator[Document | Rejected]:
    fmt = _format(".json", gz)
    decoded = _decode(data, cfg)
    if not decoded.text.strip():
        raise _Reject("blank_file", "blank file: only whitespace")
    try:
        value = json.loads(decoded.text)
    except RecursionError:
        raise _Reject("bad_json", "JSON nested too deeply") from None
    except ValueError as err:
        # JSON lines saved with a .json name; a single line with junk after a value ("0!")
        # is just invalid JSON, one unit under the file's name
        if "Extra data" in str(err) and sum(1 for ln in decoded.text.split("\n") if ln.strip()) > 1:
            yield from _read_jsonl_bytes(data, rel, gz, cfg)
            return
        raise _Reject("bad_json", f"not valid JSON: {_short(err)}") from None
    records = _records_of(value)
    if records is None:
        origin = Origin(rel, format=fmt, encoding=decoded.encoding)
        yield _unit(value, rel, origin, cfg, "the file")
        return
    if not records:
        raise _Reject("no_records", "JSON list with no records")
    for index, record in enumerate(records, 1):
        origin = Origin(rel, line=index, format=fmt, encoding=decoded.encoding)
        yield _unit(record, f"{rel}#{index}", origin, cfg, f"record {index}")


def _records_of(value: Any) -> list[Any] | None:
    """A list of records: the value itself, or the one list of objects a wrapper object holds
    ({"articles": [...]}). None: the value is a single record."""
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and not any(k in value for k in TEXT_FIELDS + HTML_FIELDS):
        lists = [v for v in value.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if len(lists) == 1:
            return lists[0]
    return None


def _unit(record: Any, source: str, origin: Origin, cfg: ReadConfig, what: str) -> Document | Rejected:
    try:
        return _record_document(record, source, origin, cfg, what)
    except _Reject as rej:
        return _rejected(source, rej.rule, rej.message, origin)
    except Exception as exc:  # noqa: BLE001
        return _rejected(source, "error", f"{type(exc).__name__}: {exc}", origin)


def _record_document(record: Any, source: str, origin: Origin, cfg: ReadConfig,
                     what: str) -> Document | Rejected:
    started = time.perf_counter()
    if not isinstance(record, dict):
        raise _Reject("not_object", f"{what} is a JSON {_json_type(record)}, not an object")
    field, value = _body_field(record)
    url = record.get("url") if isinstance(record.get("url"), str) else None
    origin.url = url.strip() if url and url.strip() else None
    rid = record.get("id")
    origin.record_id = str(rid) if isinstance(rid, (str, int, float)) and not isinstance(rid, bool) else None
    _set_site(origin, origin.url, feed=True)
    fields = {"title": _string(record.get("title")), "date": html_extract.normalise_date(record.get("date"))}
    if field in HTML_FIELDS or _LOOKS_LIKE_PAGE.match(value[:512]):
        origin.format += "+html"
        doc = _html_document(source, origin, value, cfg, fields)
    else:
        doc = Document.new(source, origin, raw_text=value, title=fields["title"], date=fields["date"])
    if isinstance(doc, Document):
        doc.timings["read"] = time.perf_counter() - started
    return doc


def _body_field(record: dict[str, Any]) -> tuple[str, str]:
    """The field holding the article: the first text field with a non-blank string, else the
    first HTML field. A present but non-string field is a reason of its own."""
    wrong: tuple[str, Any] | None = None
    for name in TEXT_FIELDS + HTML_FIELDS:
        if name not in record or record[name] is None:
            continue
        value = record[name]
        if isinstance(value, str):
            if value.strip():
                return name, value
            continue
        if wrong is None:
            wrong = (name, value)
    if wrong is not None:
        raise _Reject("text_not_string", f"field '{wrong[0]}' is a JSON {_json_type(wrong[1])}, not a string")
    present = [n for n in TEXT_FIELDS + HTML_FIELDS if n in record]
    if present:
        raise _Reject("no_text", f"field '{present[0]}' is empty")
    raise _Reject("no_text", "record has no 'text' or 'html' field")


def _json_type(value: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean", int: "number",
            float: "number", type(None): "null"}.get(type(value), type(value).__name__)


def _string(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _set_site(origin: Origin, url: str | None, feed: bool) -> None:
    """site = url host, else the first folder under RAW, else the feed's file stem, else None."""
    host = _host(url) if url else None
    if host:
        origin.host = host
        origin.site = host
        return
    parts = [p for p in origin.path.split("/") if p and p != "."]   # PurePosixPath(...).parts
    if len(parts) > 1:
        origin.site = parts[0]
    elif feed:
        origin.site = (parts[-1] if parts else "").split(".")[0] or None


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
