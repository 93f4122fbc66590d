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

import heapq
import json
import logging
import os
import pickle
import re
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator

from cleaners.boilerplate import count_words, line_key, match_family
from cleaners.document import Document, Paragraph

log = logging.getLogger("cleaners.templates")

STATE_DIR = "state"
STATE_FILE = "templates.json"
FORMAT = 1
HEADLINES = "__headlines__"   # reserved key of the learned mapping (not a site)
ALL_SITES = "__all_sites__"   # every document also counts here: lines common to many sites
ALL_SITES_MIN_DOCS = 3        # ... need at least this many docs (and stories) to be template,
ALL_SITES_HEADLINE_DOCS = 5   # ... and this many when the line is an article's headline: the
                              # copies of one article (syndicated, edited, cut) repeat it
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


STORY_WORDS = 40       # the opening words a story id is drawn from ...
STORY_PICKS = 2        # ... as the long words of lowest hash among them


def story_of(doc: Document) -> int:
    """Id of the story a document tells, drawn from the opening words of its first prose
    paragraph (after a dateline). Copies of one article share it; a headline would not do,
    since the first headline-shaped line of a page can be a menu label.

    The id is the few long words of lowest hash among the opening words (a min-hash), not
    the words in order: a lightly edited copy ("have counted still more than") keeps its
    story unless an inserted word happens to be one of the picks."""
    for p in doc.paragraphs:
        n = count_words(p.text)
        prose = n >= 25 or (n >= 12 and p.text.rstrip().endswith((".", "!", "?", "”", '"')))
        if prose and (n > 120 or not match_family(p.text, n)):      # not a cookie banner
            opening = " ".join(p.text.split(None, 10)[:10])
            head = p.text.split(" — ", 1)[-1] if " — " in opening else p.text
            # the pre-pass reads text before the unicode stage: a copy's soft hyphen or
            # lookalike letter ("cont\xadracted", Cyrillic "рublished") must not change it
            from cleaners.unicode_fix import without_lookalikes
            opening = without_lookalikes(" ".join(head.split()[:STORY_WORDS]))
            words = {w for w in line_key(opening).split() if len(w) >= 6}
            if len(words) > STORY_PICKS:
                return _crc(" ".join(map(str, sorted(_crc(w) for w in words)[:STORY_PICKS])))
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
    the mojibake signature pay for the repair, and none that went through the stage itself
    (the run's pre-pass runs it: `Document.done`)."""
    from cleaners import unicode_fix  # ftfy with the stage's settings
    if unicode_fix.STAGE in doc.done or not any(
            _MOJIBAKE.search(p.text) for p in doc.paragraphs[:EDGE_LINES[0] + 3]):
        return doc
    # needs_nothing: no rule of the unicode stage (ftfy's included) can change the paragraph
    fixed = [Paragraph(p.text if unicode_fix.needs_nothing(p.text) else unicode_fix.repaired_text(p.text),
                       p.kind) for p in doc.paragraphs]
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


# ---- learning, streamed ----------------------------------------------------------------
# A run's counts are most of its documents' short lines (bylines, related headlines: nearly
# all seen once), so holding all of them at once grows with the run. They are learned as a
# stream instead: every batch's counts are written sorted by line key (`write_part`), and a
# k-way merge visits one line key at a time, with its entries from every batch and site.
# Memory: one chunk per batch file, the learned lines, and the counts kept for later runs.
PART_CHUNK = 2048      # rows per pickled chunk of a part file
MERGE_FAN_IN = 64      # part files merged at once (open files); more go through a first level

Row = tuple  # (line key, stream index, site, docs, stories)


@dataclass
class PartHeader:
    sites: dict[str, int] = field(default_factory=dict)     # site -> documents
    headlines: dict[str, int] = field(default_factory=dict)


def _sorted_rows(counts: TemplateCounts) -> list[tuple[str, str, int, set]]:
    rows = [(key, name, e[0], e[1]) for name, sc in counts.sites.items() for key, e in sc.lines.items()]
    rows.sort()     # by key, then site: no two rows share both, so the counts are never compared
    return rows


def _header(counts: TemplateCounts) -> PartHeader:
    return PartHeader({n: sc.docs for n, sc in counts.sites.items()}, dict(counts.headlines))


def _write_rows(path: Path, header: PartHeader, rows: Iterable[tuple[str, str, int, set]]) -> None:
    with open(path, "wb") as out:
        pickle.dump(header, out, pickle.HIGHEST_PROTOCOL)
        chunk: list = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= PART_CHUNK:
                pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, out, pickle.HIGHEST_PROTOCOL)


def write_part(counts: TemplateCounts, path: str | Path) -> Path:
    """One batch's counts as a part file: header (site docs, headlines), then rows sorted by key."""
    _write_rows(Path(path), _header(counts), _sorted_rows(counts))
    return Path(path)


def read_header(path: str | Path) -> PartHeader:
    with open(path, "rb") as f:
        return pickle.load(f)


def _read_rows(path: Path, stream: int) -> Iterator[Row]:
    with open(path, "rb") as f:
        pickle.load(f)                       # the header
        while True:
            try:
                chunk = pickle.load(f)
            except EOFError:
                return
            for key, name, docs, stories in chunk:
                yield key, stream, name, docs, stories


def _tagged(rows: list[tuple[str, str, int, set]], stream: int) -> Iterator[Row]:
    for key, name, docs, stories in rows:
        yield key, stream, name, docs, stories


def _key_groups(streams: list[Iterator[Row]]) -> Iterator[tuple[str, dict[str, list]]]:
    """(line key, {site: [docs, stories]}) in key order; a key's entries are absorbed in
    stream order (earlier runs' counts first, then the batches in order)."""
    key, sites = None, {}
    for row_key, _, name, docs, stories in heapq.merge(*streams, key=lambda r: (r[0], r[1])):
        if row_key != key:
            if key is not None:
                yield key, sites
            key, sites = row_key, {}
        entry = sites.get(name)
        if entry is None:
            sites[name] = [docs, set(list(stories)[:STORIES_KEPT])]
            continue
        entry[0] += docs
        for story in stories:
            if len(entry[1]) >= STORIES_KEPT:
                break
            entry[1].add(story)
    if key is not None:
        yield key, sites


def _merge_headers(headers: Iterable[PartHeader]) -> PartHeader:
    out = PartHeader()
    for h in headers:
        for name, docs in h.sites.items():
            out.sites[name] = out.sites.get(name, 0) + docs
        for key, n in h.headlines.items():
            out.headlines[key] = out.headlines.get(key, 0) + n
    return out


def _fan_in(paths: list[Path], scratch: Path) -> list[Path]:
    """Merge consecutive groups of MERGE_FAN_IN part files into one each, until few are left."""
    level = 0
    while len(paths) > MERGE_FAN_IN:
        merged = []
        for g in range(0, len(paths), MERGE_FAN_IN):
            group = paths[g:g + MERGE_FAN_IN]
            out = scratch / f"templates-merge-{level}-{g // MERGE_FAN_IN:05d}.pickle"
            rows = ((key, name, *entry) for key, sites in
                    _key_groups([_read_rows(p, i) for i, p in enumerate(group)])
                    for name, entry in sites.items())
            _write_rows(out, _merge_headers(read_header(p) for p in group), rows)
            merged.append(out)
        paths, level = merged, level + 1
    return paths


def learn_parts(paths: Iterable[str | Path], previous: dict[str, Any] | None, cfg: Any,
                scratch: str | Path | None = None) -> dict[str, Any]:
    """`learn` over the part files of a run (see write_part), streamed; `scratch` holds the
    intermediate files of a run with more than MERGE_FAN_IN parts (default: beside the parts)."""
    paths = [Path(p) for p in paths]
    if len(paths) > MERGE_FAN_IN:
        paths = _fan_in(paths, Path(scratch) if scratch else paths[0].parent)
    old = _counts_from(previous or {})
    header = _merge_headers([_header(old), *(read_header(p) for p in paths)])
    streams = [_tagged(_sorted_rows(old), 0), *(_read_rows(p, i + 1) for i, p in enumerate(paths))]
    return _learn(header, _key_groups(streams), cfg)


def learn(total: TemplateCounts, previous: dict[str, Any] | None, cfg: Any) -> dict[str, Any]:
    """Decide the template lines of every site from this run's counts plus the stored ones.

    Returns {site: {"docs", "lines": {key: share}, "counts": {key: [docs, {stories}]}},
    HEADLINES: {"keys": set}}; "counts" is what a later run adds its own counts to."""
    old = _counts_from(previous or {})
    header = _merge_headers([_header(old), _header(total)])
    streams = [_tagged(_sorted_rows(old), 0), _tagged(_sorted_rows(total), 1)]
    return _learn(header, _key_groups(streams), cfg)


class _Saved:
    """Heap item for the counts kept for later runs: the root is the entry to drop first
    (fewest documents, then the last key in order), so the kept set does not depend on the
    order the keys came in."""
    __slots__ = ("docs", "key", "stories")

    def __init__(self, docs: int, key: str, stories: set):
        self.docs, self.key, self.stories = docs, key, stories

    def __lt__(self, other: "_Saved") -> bool:
        return (self.docs, other.key) < (other.docs, self.key)


def _learn(header: PartHeader, groups: Iterator[tuple[str, dict[str, list]]], cfg: Any) -> dict[str, Any]:
    lines: dict[str, dict[str, float]] = {name: {} for name in header.sites}
    saved: dict[str, list[_Saved]] = {name: [] for name in header.sites}
    headlines = header.headlines
    for key, sites in groups:
        for name, (docs, stories) in sites.items():
            site_docs = header.sites.get(name, 0)
            need = cfg.template_min_docs
            if name == ALL_SITES:
                need = max(need, ALL_SITES_HEADLINE_DOCS if key in headlines else ALL_SITES_MIN_DOCS)
            if (docs >= need and len(stories) >= need and site_docs
                    and docs / site_docs >= cfg.template_min_share
                    and (name != ALL_SITES or _spread(sites))):
                lines[name][key] = round(docs / site_docs, 4)
            if docs >= 2:
                heap = saved[name]
                item = _Saved(docs, key, stories)
                if len(heap) < MAX_KEYS_SAVED:
                    heapq.heappush(heap, item)
                elif heap[0] < item:
                    heapq.heapreplace(heap, item)
    learned: dict[str, Any] = {}
    for name, docs in header.sites.items():
        kept = sorted(saved[name], reverse=True)
        learned[name] = {"docs": docs, "lines": lines[name],
                         "counts": {s.key: [s.docs, set(s.stories)] for s in kept}}
    heads = set(header.headlines)
    if len(heads) > MAX_HEADLINES:
        heads = set(sorted(heads)[:MAX_HEADLINES])
    learned[HEADLINES] = {"keys": heads}
    return learned


def _spread(sites: dict[str, list]) -> bool:
    """A line is common to many sites when no single site holds most of its documents
    (otherwise it is that site's template, learned there)."""
    total = sites[ALL_SITES][0]
    top = max((entry[0] for name, entry in sites.items() if name != ALL_SITES), default=0)
    return top <= ALL_SITES_MAX_ONE_SITE * total


def for_cleaning(learned: dict[str, Any]) -> dict[str, Any]:
    """What the cleaning stages read of the learned templates (lines and headlines, not the
    counts kept for later runs): smaller to send to every batch."""
    return {name: ({"docs": site["docs"], "lines": site["lines"]} if name != HEADLINES else site)
            for name, site in learned.items()}


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
        top = sorted(site["lines"].items(), key=lambda kv: (-kv[1], kv[0]))[:examples]
        label = "(all sites)" if name == ALL_SITES else name or "(no site)"
        out["sites"][label] = {
            "docs": site["docs"], "template_lines": len(site["lines"]),
            "examples": [{"line": k, "share": v} for k, v in top]}
    return out
