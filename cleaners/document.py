"""The record an article is while it moves through the stages, and the edit log.

Every stage works on a `Document`: it changes paragraphs or metadata and says what it did
with `doc.edit(...)`, or rejects the whole unit by raising `Reject`. The report is built
from the edits and reasons alone, so a stage that changes text without an edit is a bug.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, fields
from typing import Any, Iterable

# Actions an edit can take. "flag" changes nothing in the text: it records a finding.
REMOVE, REPLACE, TO_METADATA, FLAG = "remove", "replace", "to_metadata", "flag"
ACTIONS = (REMOVE, REPLACE, TO_METADATA, FLAG)

# Paragraph kinds: kept apart so headings and list items stay separate paragraphs.
PARA_KINDS = ("p", "h", "li", "caption", "quote", "pre")

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def make_id(source: str) -> str:
    """A file-name-safe id derived from `source` (never from a record's own id field).

    Readable slug + hash of the full source so two sources never collide after slugging.
    The slug uses only [A-Za-z0-9_-]: no dots, so no "..", no slashes, no leading "/".
    """
    slug = _UNSAFE.sub("_", source).strip("_")[:60] or "unit"
    digest = hashlib.sha1(source.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{slug}-{digest}"


@dataclass
class Origin:
    """Where a unit came from: enough to trace it back and group it by site."""
    path: str                    # file path relative to RAW
    line: int | None = None      # 1-based line of a .jsonl file, or index in a .json list
    format: str = "txt"          # txt | html | jsonl | json (+ ".gz" when compressed)
    encoding: str | None = None  # detected encoding of the bytes
    url: str | None = None
    host: str | None = None      # url host, lower-case, without "www."
    site: str | None = None      # grouping key for site templates: host, else top folder / feed
    record_id: str | None = None  # the record's own "id" field, kept as data only


@dataclass
class Paragraph:
    text: str
    kind: str = "p"              # one of PARA_KINDS
    attrs: dict[str, Any] = field(default_factory=dict)  # e.g. {"lang": "ru"} flags per paragraph


@dataclass
class Edit:
    stage: str                   # e.g. "boilerplate"
    rule: str                    # e.g. "comment_prompt"
    action: str                  # one of ACTIONS
    para: int | None = None      # paragraph index at the time of the edit (None: whole doc/metadata)
    span: tuple[int, int] | None = None  # character span inside that paragraph's text before the edit
    before: str = ""
    after: str = ""
    note: str = ""               # short human explanation, e.g. "footer zone after 'Related Articles'"

    @property
    def rule_id(self) -> str:
        return f"{self.stage}.{self.rule}"


@dataclass
class Reason:
    stage: str
    rule: str
    message: str                 # human sentence: "41 words, minimum 80"

    def __str__(self) -> str:
        return f"{self.stage}.{self.rule}: {self.message}"


class Reject(Exception):
    """Raised by a stage to drop the whole unit with a reason."""

    def __init__(self, stage: str, rule: str, message: str, quarantine: bool = False):
        super().__init__(f"{stage}.{rule}: {message}")
        self.reason = Reason(stage, rule, message)
        self.quarantine = quarantine


@dataclass
class Document:
    id: str
    source: str
    origin: Origin
    paragraphs: list[Paragraph] = field(default_factory=list)
    raw_text: str = ""           # decoded input text (HTML: the extracted text before cleaning)
    title: str | None = None
    date: str | None = None      # ISO 8601 date or datetime
    byline: str | None = None
    dateline: str | None = None
    lang: str | None = None
    lang_prob: float | None = None
    quality: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    done: list[str] = field(default_factory=list)   # stages the template pre-pass ran already

    @classmethod
    def new(cls, source: str, origin: Origin, **kw: Any) -> "Document":
        return cls(id=make_id(source), source=source, origin=origin, **kw)

    def done_seconds(self) -> float:
        """Seconds spent in the stages already done (the template pre-pass): they count to
        the document's time limit in the clean pass."""
        return sum(self.timings.get(name, 0.0) for name in self.done)

    # ---- the edit log ------------------------------------------------------------------
    def edit(self, stage: str, rule: str, action: str, para: int | None = None,
             span: tuple[int, int] | None = None, before: str = "", after: str = "",
             note: str = "") -> Edit:
        if action not in ACTIONS:
            raise ValueError(f"unknown edit action {action!r}")
        e = Edit(stage, rule, action, para, span, before, after, note)
        self.edits.append(e)
        return e

    def flag(self, stage: str, rule: str, note: str, para: int | None = None) -> None:
        self.edit(stage, rule, FLAG, para=para, note=note)
        tag = f"{stage}.{rule}"
        if tag not in self.flags:
            self.flags.append(tag)

    def remove_paragraphs(self, stage: str, indices: Iterable[int], rule_of: dict[int, str] | str,
                          note_of: dict[int, str] | str = "") -> None:
        """Remove paragraphs by index, logging one edit each (indices refer to the list now)."""
        drop = sorted(set(indices))
        for i in drop:
            rule = rule_of if isinstance(rule_of, str) else rule_of[i]
            note = note_of if isinstance(note_of, str) else note_of.get(i, "")
            p = self.paragraphs[i]
            self.edit(stage, rule, REMOVE, para=i, span=(0, len(p.text)), before=p.text, note=note)
        keep = set(drop)
        self.paragraphs = [p for i, p in enumerate(self.paragraphs) if i not in keep]

    def replace_text(self, stage: str, rule: str, para: int, new_text: str, note: str = "") -> None:
        """Replace a whole paragraph's text, logging before/after (no-op if unchanged)."""
        old = self.paragraphs[para].text
        if new_text == old:
            return
        self.edit(stage, rule, REPLACE, para=para, span=(0, len(old)), before=old,
                  after=new_text, note=note)
        self.paragraphs[para].text = new_text

    # ---- views -------------------------------------------------------------------------
    @property
    def text(self) -> str:
        """Body only, paragraphs separated by a blank line (the output contract)."""
        return "\n\n".join(p.text for p in self.paragraphs if p.text.strip())

    def word_count(self) -> int:
        return sum(len(p.text.split()) for p in self.paragraphs)

    def to_record(self) -> dict[str, Any]:
        """The corpus line. Contract fields first; extensions after them."""
        return {
            "id": self.id,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "lang": self.lang,
            "text": self.text,
            "url": self.origin.url,
            "site": self.origin.site,
            "byline": self.byline,
            "dateline": self.dateline,
            "lang_prob": self.lang_prob,
            "encoding": self.origin.encoding,
            "format": self.origin.format,
            "quality": self.quality,
            "scores": self.scores,
            "flags": self.flags,
            "paragraph_kinds": [p.kind for p in self.paragraphs if p.text.strip()],
        }

    def edits_record(self, status: str, reasons: list[str] | None = None,
                     raw_cap: int = 100_000) -> dict[str, Any]:
        """One line of the edit log (CLEAN/edits/*.jsonl); `status` is kept | rejected |
        quarantine | duplicate. The decoded input text rides along (capped) so a report can
        show raw beside clean without going back to RAW."""
        return {"id": self.id, "source": self.source, "status": status,
                "reasons": reasons or [], "title": self.title,
                "raw": self.raw_text[:raw_cap], "raw_truncated": len(self.raw_text) > raw_cap,
                "edits": [_edit_dict(e) for e in self.edits], "timings": self.timings}


def _edit_dict(edit: Edit) -> dict[str, Any]:
    """dataclasses.asdict(edit) without its recursive deep copy (an Edit holds only str, int,
    None and a tuple of ints): the edit log builds one per edit of every document."""
    return {name: getattr(edit, name) for name in _EDIT_FIELDS}


def rejection_record(source: str, reasons: list[Reason], doc: Document | None = None,
                     duplicate_of: str | None = None, quarantine: bool = False,
                     extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """One line of CLEAN/rejected/*.jsonl. A quarantined article keeps its cleaned text."""
    if not reasons:
        raise ValueError("a rejection needs at least one reason")
    rec: dict[str, Any] = {
        "id": doc.id if doc else make_id(source),
        "source": source,
        "reasons": [str(r) for r in reasons],
        "duplicate_of": duplicate_of,
        "quarantine": quarantine,
    }
    if doc is not None:
        rec.update(title=doc.title, date=doc.date, lang=doc.lang, url=doc.origin.url)
        if quarantine:
            rec["text"] = doc.text
            rec["quality"] = doc.quality
    if extra:
        rec.update(extra)
    return rec


_EDIT_FIELDS = tuple(f.name for f in fields(Edit))
