"""Site templates: lines that recur across many articles of one site, learned per run.

A site's template is what its pages repeat around every article: menus, labels, footers,
blurbs. The orchestration runs a pre-pass over the run's documents (after the structure stage
only) and hands the result to the boilerplate stage:

    counts  = templates.scan(docs)                  # picklable TemplateCounts for one batch
    total   = templates.merge([counts, ...])
    learned = templates.learn(total, previous=templates.load(clean_dir), cfg=cfg.boilerplate)
    templates.save(clean_dir, learned)              # CLEAN/state/templates.json
    ctx.templates = learned                         # read by cleaners.boilerplate

Only short-ish lines are counted (and long ones at the very top or bottom of a page, where
publisher blurbs live), under a normalised key (casefold, digits folded, whitespace folded),
so counts stay small. A line is template when it is in at least `template_min_docs` documents
of its site AND in that many different stories (story = the opening words of the article's
first prose paragraph: syndicated copies of one article repeat every line, and they must not
teach us that their own paragraphs are template) AND in `template_min_share` of the site's documents.

Every document also counts under ALL_SITES: a line common to many sites is template for all
of them (with at least ALL_SITES_MIN_DOCS documents), which covers sites seen only a few
times, such as the hosts of a feed's records.

The run also records the headline of every article it sees: a body paragraph that is another
article's headline is a pasted link ("Read more: <headline>"), whatever its label says.
"""
from __future__ import annotations

import json
import logging
import os
import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from cleaners.boilerplate import count_words, line_key, match_family
from cleaners.document import Document, Paragraph

log = logging.getLogger("cleaners.templates")

STATE_DIR = "state"
STATE_FILE = "templates.json"
FORMAT = 1
HEADLINES = "__headlines__"   # reserved key of the learned mapping (not a site)
ALL_SITES = "__all_sites__"   # every document also counts here: lines common to many sites
ALL_SITES_MIN_DOCS = 5        # ... need at least this many docs (and stories) to be template
ALL_SITES_MAX_ONE_SITE = 0.8  # ... and no single site may hold more than this share of them
SHORT_WORDS = 25              # every line up to this many words is counted ...
EDGE_WORDS = 80               # ... and longer ones up to this in the first/last EDGE_LINES
EDGE_LINES = (3, 6)
STORIES_KEPT = 16             # story ids kept per line: enough to tell "many stories"
MAX_KEYS_SAVED = 5000         # per site, most frequent first
MAX_HEADLINES = 200_000


def site_of(doc: Document) -> str:
    """The grouping key of a document's site ("" when nothing tells the site)."""
    return doc.origin.site or doc.origin.host or ""


@dataclass
class SiteCounts:
    docs: int = 0
    lines: dict[str, list] = field(default_factory=dict)  # key -> [docs, set of story ids]

    def add(self, key: str, story: int) -> None:
        entry = self.lines.get(key)
        if entry is None:
            self.lines[key] = [1, {story}]
            return
        entry[0] += 1
        if len(entry[1]) < STORIES_KEPT:
            entry[1].add(story)

    def absorb(self, other: "SiteCounts") -> None:
        self.docs += other.docs
        for key, (docs, stories) in other.lines.items():
            entry = self.lines.setdefault(key, [0, set()])
            entry[0] += docs
            for s in stories:
                if len(entry[1]) >= STORIES_KEPT:
                    break
                entry[1].add(s)


@dataclass
class TemplateCounts:
    sites: dict[str, SiteCounts] = field(default_factory=dict)
    headlines: dict[str, int] = field(default_factory=dict)   # headline key -> docs


def _crc(text: str) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def counted_keys(doc: Document) -> set[str]:
    n = len(doc.paragraphs)
    keys = set()
    for i, p in enumerate(doc.paragraphs):
        words = count_words(p.text, EDGE_WORDS)
        at_edge = i < EDGE_LINES[0] or i >= n - EDGE_LINES[1]
        if words <= SHORT_WORDS or (at_edge and words <= EDGE_WORDS):
            keys.add(line_key(p.text))
    keys.discard("")
    return keys


def story_of(doc: Document) -> int:
    """Id of the story a document tells: the opening words of its first prose paragraph
    (after a dateline). Copies of one article share it; a headline would not do, since the
    first headline-shaped line of a page can be a menu label."""
    for p in doc.paragraphs:
        n = count_words(p.text)
        prose = n >= 25 or (n >= 12 and p.text.rstrip().endswith((".", "!", "?", "”", '"')))
        if prose and (n > 120 or not match_family(p.text, n)):      # not a cookie banner
            opening = " ".join(p.text.split(None, 10)[:10])
            head = p.text.split(" — ", 1)[-1] if " — " in opening else p.text
            return _crc(line_key(" ".join(head.split()[:12])))
    longest = max((p.text for p in doc.paragraphs), key=len, default="")
    return _crc(line_key(longest)[:300])


# UTF-8 read as cp1252/latin-1: "â€™", "Ã©", "Â " (a lead byte then a continuation character)
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
                       "\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]")


def as_repaired(doc: Document) -> Document:
    """The document as the cleaning stages will see it after the unicode stage, for counting:
    a page read with the wrong encoding ("âWe were told...â") would otherwise count its
    headline and template lines under keys no cleaned line ever has. Only documents showing
    the mojibake signature pay for the repair."""
    if not any(_MOJIBAKE.search(p.text) for p in doc.paragraphs[:EDGE_LINES[0] + 3]):
        return doc
    from cleaners import unicode_fix  # ftfy with the stage's settings
    fixed = [Paragraph(unicode_fix.repaired_text(p.text), p.kind) for p in doc.paragraphs]
    return replace(doc, paragraphs=fixed, edits=[])


def scan(docs: Iterable[Document]) -> TemplateCounts:
    """Count line keys per site and headlines over a batch of structured documents."""
    from cleaners import metadata  # metadata imports boilerplate; keep import order simple
    counts = TemplateCounts()
    for doc in map(as_repaired, docs):
        site = counts.sites.setdefault(site_of(doc), SiteCounts())
        everywhere = counts.sites.setdefault(ALL_SITES, SiteCounts())
        site.docs += 1
        everywhere.docs += 1
        heads = metadata.headline_keys(doc)
        for key in heads:
            counts.headlines[key] = counts.headlines.get(key, 0) + 1
        story = story_of(doc)
        for key in counted_keys(doc):
            site.add(key, story)
            everywhere.add(key, story)
    return counts


def merge(parts: Iterable[TemplateCounts | None]) -> TemplateCounts:
    total = TemplateCounts()
    for part in parts:
        if part is None:
            continue
        for name, sc in part.sites.items():
            total.sites.setdefault(name, SiteCounts()).absorb(sc)
        for key, n in part.headlines.items():
            total.headlines[key] = total.headlines.get(key, 0) + n
    return total


def learn(total: TemplateCounts, previous: dict[str, Any] | None, cfg: Any) -> dict[str, Any]:
    """Decide the template lines of every site from this run's counts plus the stored ones.

    Returns {site: {"docs", "lines": {key: share}, "counts": {key: [docs, [stories]]}},
    HEADLINES: {"keys": set}}; "counts" is what a later run adds its own counts to."""
    merged = merge([_counts_from(previous or {}), total])
    learned: dict[str, Any] = {}
    for name, sc in merged.sites.items():
        lines = {}
        need = max(cfg.template_min_docs, ALL_SITES_MIN_DOCS) if name == ALL_SITES else cfg.template_min_docs
        for key, (docs, stories) in sc.lines.items():
            if (docs >= need and len(stories) >= need
                    and sc.docs and docs / sc.docs >= cfg.template_min_share):
                lines[key] = round(docs / sc.docs, 4)
        if name == ALL_SITES:
            lines = {k: v for k, v in lines.items() if _spread(merged, k)}
        kept = sorted(((k, v) for k, v in sc.lines.items() if v[0] >= 2),
                      key=lambda kv: -kv[1][0])[:MAX_KEYS_SAVED]
        learned[name] = {"docs": sc.docs, "lines": lines,
                         "counts": {k: [v[0], set(v[1])] for k, v in kept}}
    heads = set(merged.headlines)
    if len(heads) > MAX_HEADLINES:
        heads = set(sorted(heads)[:MAX_HEADLINES])
    learned[HEADLINES] = {"keys": heads}
    return learned


def _spread(counts: TemplateCounts, key: str) -> bool:
    """A line is common to many sites when no single site holds most of its documents
    (otherwise it is that site's template, learned there)."""
    total = counts.sites[ALL_SITES].lines[key][0]
    top = max((sc.lines[key][0] for name, sc in counts.sites.items()
               if name != ALL_SITES and key in sc.lines), default=0)
    return top <= ALL_SITES_MAX_ONE_SITE * total


def _counts_from(learned: dict[str, Any]) -> TemplateCounts:
    out = TemplateCounts()
    for name, site in learned.items():
        if name == HEADLINES:
            out.headlines = {k: 1 for k in site.get("keys", ())}
            continue
        sc = SiteCounts(docs=int(site.get("docs", 0)))
        for key, (docs, stories) in site.get("counts", {}).items():
            sc.lines[key] = [int(docs), set(stories)]
        out.sites[name] = sc
    return out


# ---- what the boilerplate stage reads --------------------------------------------------
class TemplateView:
    """The template lines that apply to one site: its own, then those common to all sites
    (a site seen once, such as one feed record's host, still gets the common ones)."""

    def __init__(self, *tables: dict[str, float]):
        self.tables = [t for t in tables if t]

    def share(self, key: str) -> float:
        for table in self.tables:
            if key in table:
                return table[key]
        return 0.0

    def __contains__(self, key: str) -> bool:
        return any(key in t for t in self.tables)

    def __bool__(self) -> bool:
        return bool(self.tables)


def template_lines(learned: dict[str, Any], site: str) -> TemplateView:
    def lines(name: str) -> dict[str, float]:
        entry = learned.get(name) if learned else None
        return entry.get("lines", {}) if entry else {}
    return TemplateView(lines(site), lines(ALL_SITES) if site != ALL_SITES else {})


def known_headlines(learned: dict[str, Any]) -> set[str] | frozenset[str]:
    entry = learned.get(HEADLINES) if learned else None
    return entry.get("keys", frozenset()) if entry else frozenset()


# ---- storage ---------------------------------------------------------------------------
def _path(clean_dir: str | Path) -> Path:
    return Path(clean_dir) / STATE_DIR / STATE_FILE


def save(clean_dir: str | Path, learned: dict[str, Any]) -> Path:
    """Write CLEAN/state/templates.json atomically (temporary file, then rename)."""
    path = _path(clean_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"format": FORMAT, "sites": {}, "headlines": sorted(known_headlines(learned))}
    for name, site in learned.items():
        if name == HEADLINES:
            continue
        data["sites"][name] = {"docs": site["docs"], "lines": site["lines"],
                               "counts": {k: [v[0], sorted(v[1])] for k, v in site["counts"].items()}}
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path


def load(clean_dir: str | Path) -> dict[str, Any]:
    """The templates stored by earlier runs ({} when there are none or the file is unusable:
    templates are relearned from the run, so a bad file costs nothing but a warning)."""
    path = _path(clean_dir)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise ValueError(f"format {data.get('format')!r}, expected {FORMAT}")
        learned: dict[str, Any] = {
            name: {"docs": int(site["docs"]), "lines": dict(site["lines"]),
                   "counts": {k: [int(v[0]), set(v[1])] for k, v in site["counts"].items()}}
            for name, site in data["sites"].items()}
        learned[HEADLINES] = {"keys": set(data.get("headlines", []))}
        return learned
    except (OSError, ValueError, KeyError, TypeError, IndexError) as err:
        log.warning("ignoring unreadable %s: %s", path, err)
        return {}


def summary(learned: dict[str, Any], examples: int = 8, max_sites: int = 50) -> dict[str, Any]:
    """What the report shows: the sites with template lines (most documents first, at most
    `max_sites`), their documents and example lines; the others are only counted."""
    out: dict[str, Any] = {"sites": {}, "headlines": len(known_headlines(learned)),
                           "sites_seen": 0, "sites_without_template": 0}
    sites = [(name, site) for name, site in learned.items() if name != HEADLINES]
    out["sites_seen"] = sum(1 for name, _ in sites if name != ALL_SITES)
    with_lines = sorted(((n, s) for n, s in sites if s["lines"]), key=lambda ns: -ns[1]["docs"])
    out["sites_without_template"] = sum(1 for n, s in sites if not s["lines"] and n != ALL_SITES)
    for name, site in with_lines[:max_sites]:
        top = sorted(site["lines"].items(), key=lambda kv: -kv[1])[:examples]
        label = "(all sites)" if name == ALL_SITES else name or "(no site)"
        out["sites"][label] = {
            "docs": site["docs"], "template_lines": len(site["lines"]),
            "examples": [{"line": k, "share": v} for k, v in top]}
    return out
