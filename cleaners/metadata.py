"""Stage: title, date, byline and dateline from the text (runs before boilerplate).

The page header is the run of lines before the first body paragraph. In it:
  - a date glued to the first sentence ("date 2023-11-17 In a recent...") or standing on its
    own line ("Published: 17 November 2023") becomes `doc.date` (ISO) and leaves the text;
  - "By Jane Doe" becomes `doc.byline` and leaves the text;
  - the first line that reads as a headline (short, one sentence, followed by the body)
    becomes `doc.title` and leaves the body (action `to_metadata`). A title given by the HTML
    (`<title>`, og:title, h1) is kept, and its copy at the top of the text leaves the body.
Lines the boilerplate catalogue names (menus, share rows...) are skipped here and removed by
the boilerplate stage. A first line that narrates (a lead sentence) is never taken.

The dateline of the first body paragraph ("RIGA, Latvia — ") stays in the text and is
recorded in `doc.dateline`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date as Date
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaners import boilerplate
from cleaners.document import FLAG, TO_METADATA, Document

STAGE = "metadata"
PATTERNS = Path(__file__).parent / "patterns" / "boilerplate_metadata.toml"
HEADER_SCAN = 12          # a page header is never longer than this many lines


@dataclass(frozen=True)
class Rules:
    months: dict[str, int]
    labels: frozenset[str]
    max_other_words: int
    byline: re.Pattern
    dateline: re.Pattern
    title: dict[str, Any]
    iso: re.Pattern
    textual_mdy: re.Pattern
    textual_dmy: re.Pattern
    numeric: re.Pattern
    glued: re.Pattern


@lru_cache(maxsize=None)
def rules() -> Rules:
    data = tomllib.loads(PATTERNS.read_text(encoding="utf-8"))
    months = {name: n for n, names in enumerate(data["date"]["months"], 1) for name in names}
    month_alt = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    iso = r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    label_alt = "|".join(sorted((re.escape(x) for x in data["date"]["labels"]), key=len, reverse=True))
    prefixes = "|".join(sorted((re.escape(p) for p in data["byline"]["prefixes"]), key=len, reverse=True))
    name = r"[A-ZÀ-Ý][\w'’.-]+"
    names = rf"{name}(?: {name}){{0,{data['byline']['max_name_words'] - 1}}}"
    return Rules(
        months=months,
        labels=frozenset(data["date"]["labels"]),
        max_other_words=int(data["date"]["max_other_words"]),
        byline=re.compile(rf"^(?i:{prefixes})\s+({names}(?:(?:,| and| und| et| y| e| en| &) {names}){{0,3}})\b"),
        dateline=re.compile(data["dateline"]["pattern"]),
        title=data["title"],
        iso=re.compile(rf"\b{iso}\b"),
        textual_mdy=re.compile(rf"\b({month_alt})\.? (\d{{1,2}})(?:st|nd|rd|th)?,? (\d{{4}})\b", re.I),
        textual_dmy=re.compile(rf"\b(\d{{1,2}})(?:\.|er|º|°)? (?:de )?({month_alt})\.?,? (?:de )?(\d{{4}})\b", re.I),
        numeric=re.compile(r"\b(\d{1,2})([./])(\d{1,2})\2(\d{4})\b"),
        glued=re.compile(rf"^\s*(?:(?i:{label_alt})\s*[:=]?\s*)({iso}|(?i:{month_alt})\.? \d{{1,2}},? \d{{4}}|\d{{1,2}}\.? (?i:{month_alt}) \d{{4}})\s*[|·•—–:»›>/-]?\s+(?=\S)"),
    )


# ---- dates -----------------------------------------------------------------------------
_YEAR = re.compile(r"\d{4}")
_TWO_LETTERS = re.compile(r"[^\W\d_]{2}")
_BY = re.compile(r"(?i)by\s")
_OTHER_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_SEPARATOR_FIRST = re.compile(r"^[|,•·–—-]")
_NOT_LETTER = re.compile(r"[^A-Za-zÀ-ÿ]")


def _iso(y: int, m: int, d: int) -> str | None:
    try:
        return Date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str, tuple[int, int]] | None:
    """First date in `text` as (ISO date, span), or None. ISO, "November 17, 2023",
    "17 November 2023" (seven languages) and "17.11.2023" forms."""
    if not _YEAR.search(text):
        return None             # every form below holds a four-digit year
    r = rules()
    found = []
    m = r.iso.search(text)
    if m and (iso := _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))):
        found.append((m.start(), iso, m.span()))
    m = r.textual_mdy.search(text)
    if m and (iso := _iso(int(m.group(3)), r.months[m.group(1).casefold()], int(m.group(2)))):
        found.append((m.start(), iso, m.span()))
    m = r.textual_dmy.search(text)
    if m and (iso := _iso(int(m.group(3)), r.months[m.group(2).casefold()], int(m.group(1)))):
        found.append((m.start(), iso, m.span()))
    m = r.numeric.search(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        # day.month.year; with "/" only when the order cannot be mistaken
        if m.group(2) == "." or a > 12:
            iso = _iso(y, b, a)
        elif b > 12:
            iso = _iso(y, a, b)
        else:
            iso = None
        if iso:
            found.append((m.start(), iso, m.span()))
    if not found:
        return None
    _, iso, span = min(found)
    return iso, span


def leaked_date_prefix(text: str) -> tuple[str, int] | None:
    """A date glued before the first sentence: (ISO date, length of the prefix). Not when
    the rest is only a time or "by <author>": then the whole line is a date line."""
    m = rules().glued.match(text)
    if not m:
        return None
    rest = text[m.end():]
    if not _TWO_LETTERS.search(rest) or _BY.match(rest):
        return None
    hit = find_date(m.group(1))
    return (hit[0], m.end()) if hit else None


def date_line(text: str) -> str | None:
    """ISO date when the whole line is a date with a few label words around it."""
    hit = find_date(text)
    if not hit:
        return None
    iso, (a, b) = hit
    rest = (text[:a] + " " + text[b:]).strip(" |·•—–-:,()")
    other = _OTHER_WORD.findall(rest)
    if len(other) > rules().max_other_words or boilerplate.is_sentence(rest) and len(other) > 3:
        return None
    return iso


# ---- bylines, datelines, titles ---------------------------------------------------------
def byline_of(text: str) -> str | None:
    if boilerplate.count_words(text, 20) > 16:
        return None
    m = rules().byline.match(text.strip())
    if not m:
        return None
    rest = text.strip()[m.end():].strip()
    # only separators, an outlet, a date or a reading time may follow the names
    if rest and not _SEPARATOR_FIRST.match(rest) and not date_line(rest):
        return None
    return m.group(1).strip()


def dateline_of(text: str) -> str | None:
    m = rules().dateline.match(text)
    if not m:
        return None
    place = m.group(1).strip().rstrip(",")
    letters = _NOT_LETTER.sub("", place.split(",")[0])
    return place if len(letters) >= 3 and letters.isupper() else None


_QUOTED_SPAN = re.compile(r"[“\"„«‘][^“”\"„«»‘’]{1,120}[”\"»’]")
_SENTENCE_BREAK = re.compile(r"(?<=[a-z]{2})[.!?][\"”’]?\s+[A-Z“\"]")


def title_shaped(text: str, kind: str = "p") -> bool:
    """Reads as a headline: short, one sentence, capitalised, not a lead sentence."""
    t = rules().title
    words = boilerplate.count_words(text, 40)
    if not (t["min_words"] <= words <= t["max_words"]) or len(text) > t["max_chars"]:
        return False
    if kind == "h":
        return True
    first = text.lstrip("“\"‘'(")[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    if text.rstrip().endswith((":", ",", ";")) or _SENTENCE_BREAK.search(text):
        return False
    if any(sep in text for sep in (" > ", " » ", " › ", " / ")):
        return False            # a breadcrumb trail, even when it ends with the headline
    if dateline_of(text):
        return False
    # words inside quotation marks are someone's speech, not the lead's narration
    # ("“We were told it was safe”: families demand inquiry" is a headline)
    low = " " + _QUOTED_SPAN.sub(" ", text).casefold() + " "
    if any(f" {w} " in low for w in t["narrative_words"]):
        return False
    if text.rstrip().endswith(".") and any(f" {w} " in low.replace(".", " ")
                                           for w in t["narrative_time_words"]):
        return False
    if text.rstrip().endswith(".") and words > t["max_words_with_period"]:
        return False
    tokens = text.split()
    if all(w[:1].isupper() for w in tokens) and not any(
            w.casefold() in t["function_words"] for w in tokens):
        return False            # a row of menu labels
    return True


# ---- the header analysis -----------------------------------------------------------------
@dataclass
class Header:
    """What the top of a document holds, by paragraph index (nothing changed yet)."""
    glued_date: tuple[str, int] | None = None      # (ISO, prefix length) on paragraph 0
    title: int | None = None
    title_copies: list[int] = field(default_factory=list)   # HTML title repeated as a line
    dates: dict[int, str] = field(default_factory=dict)
    bylines: dict[int, str] = field(default_factory=dict)
    first_body: int | None = None
    headlines: list[int] = field(default_factory=list)      # every headline-shaped line


def read_header(doc: Document, template: dict[str, float] | None = None,
                disabled: frozenset[str] = frozenset()) -> Header:
    h = Header()
    paras = doc.paragraphs
    if not paras:
        return h
    h.glued_date = leaked_date_prefix(paras[0].text)
    title_key = boilerplate.line_key(doc.title) if doc.title else None
    labelled = None
    for i, p in enumerate(paras[:HEADER_SCAN]):
        text = p.text[h.glued_date[1]:] if (i == 0 and h.glued_date) else p.text
        text = text.strip()
        words = boilerplate.count_words(text)
        key = boilerplate.line_key(text) if words <= boilerplate.KEYED_WORDS else ""
        if title_key and key == title_key:
            h.title_copies.append(i)
            continue
        if words <= 20 and (iso := date_line(text)):
            h.dates[i] = iso
            if by := byline_of(text):
                h.bylines[i] = by
            continue
        if by := byline_of(text):
            h.bylines[i] = by
            continue
        family = boilerplate.match_family(text, words, disabled) if words <= 120 else None
        if family == "inline_related" and labelled is None and i + 1 < len(paras) \
                and title_shaped(text, p.kind):
            labelled = i        # "BREAKING: ...", "Watch: ...": a title if nothing else is
        if family or (template and key in template):
            continue
        titled = h.title is not None or bool(doc.title)
        if i + 1 < len(paras) and title_shaped(text, p.kind) and not (
                titled and boilerplate.is_sentence(text)
                and words >= boilerplate.lexicon()["prose"]["min_words"]):
            # (after the headline, a line that reads as a sentence of prose is the lede: as
            # a second "headline" it would be taken for a pasted link in its own article)
            h.headlines.append(i)
            if h.title is None and not doc.title:
                h.title = i
            continue
        prose = boilerplate.is_sentence(text) and words >= 12 or words >= 25
        if prose:
            h.first_body = i
            break
    if h.title is None and not doc.title and labelled is not None:
        # a headline behind a label ("BREAKING:", "Watch:") reads as an inline link; at the
        # top of the page with no other headline it is the headline
        h.title = labelled
        h.headlines.insert(0, labelled)
    prefer_repeated(doc, h)
    return h


def prefer_repeated(doc: Document, h: Header) -> None:
    """Among headline-shaped header lines, the one the page repeats (a second copy, or inside
    a breadcrumb "... on <headline>") is the title: a menu label before it is not repeated."""
    if h.title is None or len(h.headlines) < 2:
        return
    end = h.first_body if h.first_body is not None else min(len(doc.paragraphs), HEADER_SCAN)
    keys = [boilerplate.line_key(p.text) for p in doc.paragraphs[:end]]
    for i in h.headlines:
        if sum(1 for k in keys if keys[i] and keys[i] in k) >= 2:
            h.title = i
            return


def headline_keys(doc: Document, limit: int = 2) -> list[str]:
    """Keys of the document's headline candidates, best first: the HTML title, then the
    headline-shaped lines of the header (an unknown menu label may come before the title;
    recording both costs nothing, a body line equal to either is a pasted link)."""
    keys = [boilerplate.line_key(doc.title)] if doc.title else []
    h = read_header(doc)
    for i in h.headlines:
        text = doc.paragraphs[i].text
        if i == 0 and h.glued_date:
            text = text[h.glued_date[1]:]
        key = boilerplate.line_key(text)
        if key not in keys:
            keys.append(key)
    return keys[:limit]


def headline_key(doc: Document) -> str | None:
    """Key of the document's headline (HTML title, else the title line found in the text)."""
    keys = headline_keys(doc, 1)
    return keys[0] if keys else None


# ---- the stage ---------------------------------------------------------------------------
def apply(doc: Document, ctx: Any) -> None:
    if not doc.paragraphs:
        return
    from cleaners import templates  # imports boilerplate too; kept local like there
    cfg = ctx.config.boilerplate
    learned = getattr(ctx, "templates", None) or {}
    h = read_header(doc, templates.template_lines(learned, templates.site_of(doc)),
                    frozenset(cfg.disabled_families))
    if h.glued_date:
        iso, cut = h.glued_date
        first = doc.paragraphs[0]
        doc.edit(STAGE, "leaked_date_prefix", TO_METADATA, para=0, span=(0, cut),
                 before=first.text[:cut], after="", note=f"date={iso}")
        first.text = first.text[cut:].lstrip()
        doc.date = doc.date or iso
    leave: dict[int, tuple[str, str]] = {}
    for i, iso in h.dates.items():
        doc.date = doc.date or iso
        leave[i] = ("date_line", f"date={iso}")
    for i, by in h.bylines.items():
        doc.byline = doc.byline or by
        leave.setdefault(i, ("byline", f"byline={by}"))
    if h.title is not None:
        doc.title = doc.paragraphs[h.title].text.strip()
        leave[h.title] = ("title_line", "first line is the headline")
    for i in h.title_copies[:1]:
        leave[i] = ("title_line", "the HTML title repeated as the first line")
    for i, (rule, note) in sorted(leave.items()):
        p = doc.paragraphs[i]
        doc.edit(STAGE, rule, TO_METADATA, para=i, span=(0, len(p.text)), before=p.text, note=note)
    if leave:
        doc.paragraphs = [p for i, p in enumerate(doc.paragraphs) if i not in leave]
    if doc.date is None:
        date_from_removed_chrome(doc)
    record_dateline(doc)


def date_from_removed_chrome(doc: Document) -> None:
    """An HTML page may state its date only in a block the extractor dropped as chrome
    (a "widget" holding "2025-11-05"): take the first such block that is only a date line."""
    for e in doc.edits:
        if e.stage == "html" and e.action == "remove" and boilerplate.count_words(e.before, 20) <= 12:
            iso = date_line(e.before)
            if iso:
                doc.date = iso
                doc.edit(STAGE, "date_from_chrome", FLAG, note=f"date={iso} from removed block "
                         f"'{e.before[:40]}'")
                return


def record_dateline(doc: Document) -> None:
    for i, p in enumerate(doc.paragraphs[:HEADER_SCAN]):
        words = boilerplate.count_words(p.text, 20)
        if words >= 12:
            place = dateline_of(p.text)
            if place:
                doc.dateline = place
                doc.edit(STAGE, "dateline", FLAG, para=i, span=(0, len(place)),
                         before=place, note="dateline kept in the text")
            return
