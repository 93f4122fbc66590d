"""The run report: what each cleaner removed or changed, where, why, and what moved since last run.

`build_report(clean_dir, run_info)` streams once over this run's shards (edits, then corpus,
then rejected) keeping counters, bounded histograms and bounded example lists, so a run of
50,000 documents costs the same memory as a run of 500. `write_report` writes
`CLEAN/reports/<run-id>/report.json` (the summary, small) and `report.html` (the summary plus
a bounded per-document view, rendered by `cleaners.report_html`).

Pure Python: no Prefect, no rich. The terminal views (`flows/views.py`) and the Prefect
artifacts (`flows/artifacts.py`) read the dict this module builds.
"""
from __future__ import annotations

import heapq
import json
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Iterable, Iterator

REPORT_VERSION = 1
EXAMPLES_PER_RULE = 5          # before/after examples kept per rule (from distinct documents)
EXAMPLES_PER_REASON = 5        # examples kept per reject reason
EXAMPLE_CHARS = 300            # before/after text in an example is cut to this length
DOC_VIEW_TOP = 300             # documents with most edits embedded in the HTML ...
DOC_VIEW_REJECTS = 1000        # ... plus rejected units up to this many
DOC_VIEW_CHARS = 12_000        # raw and clean text per embedded document
DOC_VIEW_EDITS = 400           # edits listed per embedded document
CLUSTER_VIEW = 50              # duplicate clusters shown side by side (largest first)
CLUSTER_TEXT_CHARS = 2_000
CLUSTERS_IN_JSON = 500
HIST_BINS = 20
SIG_DIGITS = 3                 # histogram values are counted after rounding to this precision
# drift: a rule's rate (edits per processed document) "moved markedly" when both hold
DRIFT_MIN_ABS = 0.05           # ... the rate changed by at least this much (0.05 = 1 edit in 20 docs)
DRIFT_MIN_RATIO = 1.5          # ... and by at least this factor (a rule that appears/vanishes counts)
DRIFT_MIN_DOCS = 30            # fewer processed documents than this on either side: a small sample

_RUN_ID_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_SPACE = re.compile(r"\s+")


# ---- reading the outputs ------------------------------------------------------------------

def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """Records of one shard; a torn or non-object line is skipped, never fatal for a report."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(rec, dict):
                yield rec


def run_shards(clean_dir: Path, run_info: dict[str, Any], kind: str) -> list[Path]:
    """This run's shard files of one kind: the names the orchestration lists, else by run id."""
    folder = clean_dir / kind
    names = (run_info.get("shards") or {}).get(kind)
    if names is not None:
        return [folder / Path(n).name for n in names if (folder / Path(n).name).is_file()]
    run_id = run_info.get("run_id", "")
    return _shards_of_run(folder, run_id)


def _shards_of_run(folder: Path, run_id: str) -> list[Path]:
    """Shards named <run-id>-NNNNN.jsonl (exactly this run id, not one that merely starts so)."""
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob(f"{run_id}-*.jsonl")) if _run_of_shard(p) == run_id]


def rule_of_reason(reason: str) -> str:
    """"quality.too_short: 41 words < 50" -> "quality.too_short"."""
    head = reason.split(":", 1)[0].strip()
    return head if head and " " not in head else "other"


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def clip(text: Any, n: int = EXAMPLE_CHARS) -> str:
    s = "" if text is None else str(text)
    return s if len(s) <= n else s[: n - 1] + "…"


# ---- bounded numeric histograms -------------------------------------------------------------

def _round_sig(x: float, digits: int = SIG_DIGITS) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


@dataclass
class Histogram:
    """Exact count, min, max, mean; values counted after rounding to 3 significant digits,
    which bounds memory (a few thousand distinct keys at most) yet bins almost exactly."""
    values: Counter = field(default_factory=Counter)
    count: int = 0
    total: float = 0.0

    def add(self, x: float) -> None:
        if not math.isfinite(x):
            return
        self.values[_round_sig(x)] += 1
        self.count += 1
        self.total += x

    def summary(self, bins: int = HIST_BINS) -> dict[str, Any]:
        keys = sorted(self.values)
        lo, hi = keys[0], keys[-1]
        integral = all(float(k).is_integer() for k in keys)
        if hi == lo:
            width, edges = 1.0, [lo, hi]   # one value: one bin
        elif integral and hi - lo + 1 <= bins:
            width = 1.0       # small integer range: one bin per value
            edges = [lo + i for i in range(int(hi - lo) + 2)]
        else:
            width = (hi - lo) / bins or 1.0
            edges = [lo + i * width for i in range(bins + 1)]
        counts = [0] * (len(edges) - 1)
        for k, n in self.values.items():
            i = min(int((k - lo) / width), len(counts) - 1)
            counts[i] += n
        return {"count": self.count, "min": lo, "max": hi, "mean": self.total / self.count,
                "p10": self._quantile(keys, 0.1), "p50": self._quantile(keys, 0.5),
                "p90": self._quantile(keys, 0.9),
                "bins": [{"lo": _round_sig(edges[i], 4), "hi": _round_sig(edges[i + 1], 4),
                          "count": c} for i, c in enumerate(counts)]}

    def _quantile(self, keys: list[float], q: float) -> float:
        target, seen = q * self.count, 0
        for k in keys:
            seen += self.values[k]
            if seen >= target:
                return k
        return keys[-1]


def _numeric(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


# ---- the accumulator ------------------------------------------------------------------------

@dataclass
class RuleStats:
    stage: str
    edits: int = 0
    docs: int = 0
    chars_removed: int = 0
    actions: Counter = field(default_factory=Counter)
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ReasonStats:
    count: int = 0
    quarantine: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)


def _example(rec: dict[str, Any], e: dict[str, Any]) -> dict[str, Any]:
    return {"source": rec.get("source"), "id": rec.get("id"), "action": e.get("action"),
            "para": e.get("para"), "before": clip(e.get("before")), "after": clip(e.get("after")),
            "note": clip(e.get("note"), 200)}


def _doc_view(rec: dict[str, Any]) -> dict[str, Any]:
    """What the HTML needs of one document from its edits line (text capped)."""
    raw = rec.get("raw") or ""
    edits = rec.get("edits") or []
    return {"id": rec.get("id"), "source": rec.get("source"), "status": rec.get("status"),
            "title": rec.get("title"), "reasons": list(rec.get("reasons") or []),
            "raw": raw[:DOC_VIEW_CHARS],
            "raw_truncated": bool(rec.get("raw_truncated")) or len(raw) > DOC_VIEW_CHARS,
            "edits": [{k: (clip(v, 2000) if k in ("before", "after") else v) for k, v in e.items()}
                      for e in edits[:DOC_VIEW_EDITS]],
            "edits_total": len(edits), "clean": None, "clean_truncated": False}


class ReportBuilder:
    """Feed it the run's records kind by kind (edits, corpus, rejected), then `result()`."""

    def __init__(self, run_info: dict[str, Any]):
        self.run_info = run_info
        self.rules: dict[str, RuleStats] = {}
        self.stage_edits: Counter = Counter()
        self.stage_docs: Counter = Counter()
        self.actions: Counter = Counter()
        self.status: Counter = Counter()
        self.stage_seconds: defaultdict[str, float] = defaultdict(float)
        self.stage_timed_docs: Counter = Counter()
        self.edit_records = 0
        self.edits_total = 0
        self.docs_with_edits = 0
        self.reasons: dict[str, ReasonStats] = {}
        self.rejected_records = 0
        self.corpus_records = 0
        self.langs: Counter = Counter()
        self.sites: Counter = Counter()
        self.hists: defaultdict[str, Histogram] = defaultdict(Histogram)
        self.flags: Counter = Counter()
        # per-document view: a min-heap of (edits, tiebreak, view) keeps the top N in O(N)
        self._top: list[tuple[int, str, int, dict[str, Any]]] = []
        self._rejected_views: dict[str, dict[str, Any]] = {}
        self._edit_pass_views = 0            # how many of them the edits pass added (merge)
        self.clusters = self._clusters_for_view(run_info.get("dedup_clusters") or [])
        self._cluster_ids = {m["id"] for c in self.clusters for m in c["members_view"]}
        self._cluster_text: dict[str, dict[str, Any]] = {}

    # -- edits -----------------------------------------------------------------------------
    def add_edits_record(self, rec: dict[str, Any]) -> None:
        self.edit_records += 1
        status = rec.get("status") or "kept"
        self.status[status] += 1
        edits = [e for e in rec.get("edits") or [] if isinstance(e, dict)]
        self.edits_total += len(edits)
        if edits:
            self.docs_with_edits += 1
        seen_rules, seen_stages = set(), set()
        for e in edits:
            stage, rule = str(e.get("stage")), str(e.get("rule"))
            rid = f"{stage}.{rule}"
            st = self.rules.get(rid) or self.rules.setdefault(rid, RuleStats(stage))
            st.edits += 1
            st.actions[e.get("action")] += 1
            if e.get("action") in ("remove", "to_metadata"):
                st.chars_removed += len(e.get("before") or "")
            if rid not in seen_rules:
                seen_rules.add(rid)
                st.docs += 1
                if len(st.examples) < EXAMPLES_PER_RULE:
                    st.examples.append(_example(rec, e))
            self.stage_edits[stage] += 1
            self.actions[e.get("action")] += 1
            if stage not in seen_stages:
                seen_stages.add(stage)
                self.stage_docs[stage] += 1
        for stage, secs in (rec.get("timings") or {}).items():
            if _numeric(secs) is not None:
                self.stage_seconds[stage] += secs
                self.stage_timed_docs[stage] += 1
        self._consider_for_view(rec, status, len(edits))
        if rec.get("id") in self._cluster_ids:
            self._cluster_text.setdefault(rec["id"], {})["raw"] = clip(rec.get("raw"), CLUSTER_TEXT_CHARS)

    def _consider_for_view(self, rec: dict[str, Any], status: str, n_edits: int) -> None:
        if status != "kept":
            self._add_rejected_view(rec.get("id"), lambda: _doc_view(rec))
            return
        if n_edits == 0:
            return
        # the record count makes every heap entry unique, so the dicts are never compared
        key = (n_edits, str(rec.get("source")))
        if len(self._top) < DOC_VIEW_TOP:
            heapq.heappush(self._top, (*key, self.edit_records, _doc_view(rec)))
        elif key > self._top[0][:2]:
            heapq.heapreplace(self._top, (*key, self.edit_records, _doc_view(rec)))

    def _add_rejected_view(self, doc_id: Any, make) -> None:
        if doc_id not in self._rejected_views and len(self._rejected_views) < DOC_VIEW_REJECTS:
            self._rejected_views[doc_id] = make()
            if self.corpus_records == 0 and self.rejected_records == 0:
                self._edit_pass_views += 1      # the first views come from the edits pass

    # -- corpus ----------------------------------------------------------------------------
    def add_corpus_record(self, rec: dict[str, Any]) -> None:
        self.corpus_records += 1
        self.langs[rec.get("lang") or "unknown"] += 1
        self.sites[rec.get("site") or "unknown"] += 1
        for flag in rec.get("flags") or []:
            self.flags[str(flag)] += 1
        for key, v in (rec.get("quality") or {}).items():
            x = _numeric(v)
            if x is not None:
                self.hists[f"quality.{key}"].add(x)
        for key, v in (rec.get("scores") or {}).items():
            x = _numeric(v)
            if x is not None:
                self.hists[f"scores.{key}"].add(x)
        x = _numeric(rec.get("lang_prob"))
        if x is not None:
            self.hists["lang_prob"].add(x)
        self._attach_text(rec)

    def _attach_text(self, rec: dict[str, Any]) -> None:
        doc_id, text = rec.get("id"), rec.get("text")
        if text is None:
            return
        view = self._view_by_id().get(doc_id)
        if view is not None and view["clean"] is None:
            view["clean"] = text[:DOC_VIEW_CHARS]
            view["clean_truncated"] = len(text) > DOC_VIEW_CHARS
            view["title"] = rec.get("title", view["title"])
        if doc_id in self._cluster_ids:
            slot = self._cluster_text.setdefault(doc_id, {})
            slot.setdefault("text", clip(text, CLUSTER_TEXT_CHARS))
            slot.setdefault("title", rec.get("title"))

    def _view_by_id(self) -> dict[Any, dict[str, Any]]:
        # built lazily once the edits pass is over: the selection no longer changes after it
        if not hasattr(self, "_views_index"):
            self._views_index = {v["id"]: v for *_, v in self._top}
            self._views_index.update(self._rejected_views)
        return self._views_index

    # -- rejected --------------------------------------------------------------------------
    def add_rejected_record(self, rec: dict[str, Any]) -> None:
        self.rejected_records += 1
        reasons = [str(r) for r in rec.get("reasons") or []] or ["other: no reason given"]
        for reason in reasons:
            rid = rule_of_reason(reason)
            st = self.reasons.get(rid) or self.reasons.setdefault(rid, ReasonStats())
            st.count += 1
            st.quarantine += bool(rec.get("quarantine"))
            if len(st.examples) < EXAMPLES_PER_REASON:
                st.examples.append({"source": rec.get("source"), "id": rec.get("id"),
                                    "reason": clip(reason), "duplicate_of": rec.get("duplicate_of")})
        views = self._view_by_id()
        view = views.get(rec.get("id"))
        if view is None and rec.get("id") not in self._rejected_views:
            # rejected before it became a Document (reader): no edits line, reasons only
            self._add_rejected_view(rec.get("id"), lambda: {
                **_doc_view({"id": rec.get("id"), "source": rec.get("source"),
                             "title": rec.get("title")}),
                "status": "quarantine" if rec.get("quarantine") else "rejected"})
            view = self._rejected_views.get(rec.get("id"))
            if view is not None:
                views[view["id"]] = view
        if view is not None:
            view["reasons"] = view["reasons"] or reasons
            view["duplicate_of"] = rec.get("duplicate_of")
        self._attach_text(rec)

    # -- merging partial builders -----------------------------------------------------------
    def merge(self, other: "ReportBuilder") -> None:
        """Add a builder fed with a later part of the run's shards (each part fed edits, corpus,
        rejected in turn). Counts add up; lists of first examples and views keep run order,
        as one builder fed everything would (sums of seconds and histogram means may differ in
        the last digits)."""
        for name in ("edit_records", "edits_total", "docs_with_edits", "rejected_records", "corpus_records"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("stage_edits", "stage_docs", "actions", "status", "stage_timed_docs", "langs",
                     "sites", "flags"):
            getattr(self, name).update(getattr(other, name))
        for stage, secs in other.stage_seconds.items():
            self.stage_seconds[stage] += secs
        for rid, st in other.rules.items():
            mine = self.rules.get(rid) or self.rules.setdefault(rid, RuleStats(st.stage))
            mine.edits += st.edits
            mine.docs += st.docs
            mine.chars_removed += st.chars_removed
            mine.actions.update(st.actions)
            mine.examples = (mine.examples + st.examples)[:EXAMPLES_PER_RULE]
        for rid, st in other.reasons.items():
            mine = self.reasons.get(rid) or self.reasons.setdefault(rid, ReasonStats())
            mine.count += st.count
            mine.quarantine += st.quarantine
            mine.examples = (mine.examples + st.examples)[:EXAMPLES_PER_REASON]
        for key, h in other.hists.items():
            mine = self.hists[key]
            mine.values.update(h.values)
            mine.count += h.count
            mine.total += h.total
        for entry in other._top:
            if len(self._top) < DOC_VIEW_TOP:
                heapq.heappush(self._top, entry)
            elif entry[:2] > self._top[0][:2]:
                heapq.heapreplace(self._top, entry)
        self._merge_rejected_views(other)
        for doc_id, slot in other._cluster_text.items():
            mine = self._cluster_text.setdefault(doc_id, {})
            for k, v in slot.items():
                mine.setdefault(k, v)
        self.__dict__.pop("_views_index", None)

    def _merge_rejected_views(self, other: "ReportBuilder") -> None:
        """Views from the edits pass of every part first, then those of reader rejects (the
        order one builder fed all edits, then all rejected records, would take them in)."""
        mine, theirs = list(self._rejected_views.items()), list(other._rejected_views.items())
        edit_views = mine[:self._edit_pass_views] + theirs[:other._edit_pass_views]
        reader_views = mine[self._edit_pass_views:] + theirs[other._edit_pass_views:]
        merged = dict(edit_views[:DOC_VIEW_REJECTS])
        self._edit_pass_views = len(merged)
        for doc_id, view in reader_views:
            if len(merged) >= DOC_VIEW_REJECTS:
                break
            merged.setdefault(doc_id, view)
        self._rejected_views = merged

    # -- result ----------------------------------------------------------------------------
    def documents(self) -> dict[str, Any]:
        top = [t[-1] for t in sorted(self._top, key=lambda t: (-t[0], t[1]))]
        rejected = list(self._rejected_views.values())
        not_kept = max(self.rejected_records, self.edit_records - self.status.get("kept", 0))
        return {"shown": len(top) + len(rejected),
                "selection": (f"the {DOC_VIEW_TOP} kept documents with most edits "
                              f"(of {self.status.get('kept', 0)} kept) and up to "
                              f"{DOC_VIEW_REJECTS} rejected units"),
                "rejected_not_shown": max(0, not_kept - len(rejected)),
                "items": top + rejected}

    def result(self) -> dict[str, Any]:
        info = self.run_info
        processed = self.edit_records or 1
        by_rule = []
        for rid, st in sorted(self.rules.items(), key=lambda kv: (-kv[1].edits, kv[0])):
            by_rule.append({"rule": rid, "stage": st.stage, "edits": st.edits, "docs": st.docs,
                            "rate": st.edits / processed, "doc_share": st.docs / processed,
                            "chars_removed": st.chars_removed, "actions": dict(st.actions),
                            "examples": st.examples})
        units_out = (self.corpus_records + self.rejected_records) or 1   # every unit written
        by_reason = [{"reason": rid, "stage": rid.split(".", 1)[0], "count": st.count,
                      "quarantine": st.quarantine, "rate": st.count / units_out,
                      "examples": st.examples}
                     for rid, st in sorted(self.reasons.items(), key=lambda kv: (-kv[1].count, kv[0]))]
        kept = self.corpus_records or 1
        report = {
            "version": REPORT_VERSION,
            "run_id": info.get("run_id"),
            "started": info.get("started"), "ended": info.get("ended"),
            "duration_seconds": _duration(info.get("started"), info.get("ended")),
            "raw_dir": info.get("raw_dir"), "clean_dir": info.get("clean_dir"),
            "runner": info.get("runner"), "params": info.get("params") or {},
            "config": info.get("config") or {},
            "units": dict(info.get("units") or {}),
            "outputs": {"corpus_records": self.corpus_records,
                        "rejected_records": self.rejected_records,
                        "edit_records": self.edit_records,
                        "status": dict(self.status),
                        "shards": info.get("shards") or {}},
            "timings": {"stages": self._stage_timings(), "steps": dict(info.get("step_timings") or {})},
            "edits": {"total": self.edits_total, "docs_with_edits": self.docs_with_edits,
                      "by_stage": {s: {"edits": n, "docs": self.stage_docs[s]}
                                   for s, n in self.stage_edits.most_common()},
                      "by_action": dict(self.actions), "by_rule": by_rule},
            "rejects": {"total": self.rejected_records, "by_reason": by_reason},
            "languages": [{"lang": lang, "docs": n, "share": n / kept}
                          for lang, n in self.langs.most_common()],
            "sites": [{"site": s, "docs": n} for s, n in self.sites.most_common(100)],
            "flags": dict(self.flags.most_common(100)),
            "distributions": {k: h.summary() for k, h in sorted(self.hists.items()) if h.count},
            "duplicates": self._duplicates(),
            "templates": _bounded(info.get("templates") or {}),
        }
        report["documents"] = self.documents()
        return report

    def _stage_timings(self) -> dict[str, dict[str, Any]]:
        """Seconds per stage summed over the documents' own timings; when the edit log carries
        none, the orchestration's per-stage sums (`run_info["stage_timings"]`) stand in."""
        seconds = dict(self.stage_seconds) or {
            s: float(v) for s, v in (self.run_info.get("stage_timings") or {}).items() if _numeric(v) is not None}
        docs = {s: self.stage_timed_docs[s] or self.edit_records for s in seconds}
        return {s: {"seconds": secs, "docs": docs[s], "ms_per_doc": 1000 * secs / max(docs[s], 1)}
                for s, secs in seconds.items()}

    # -- duplicate clusters ----------------------------------------------------------------
    @staticmethod
    def _clusters_for_view(clusters: list[Any]) -> list[dict[str, Any]]:
        """Normalise the dedup clusters (largest first) and pick those shown side by side."""
        out = []
        for c in clusters:
            c = c if isinstance(c, dict) else getattr(c, "__dict__", {})
            keeper = c.get("keeper")
            keeper = keeper if isinstance(keeper, dict) else {"id": keeper, "source": c.get("keeper_source")}
            members = [m if isinstance(m, dict) else getattr(m, "__dict__", {"id": m})
                       for m in c.get("members") or []]
            out.append({"keeper": keeper, "members": members, "why": c.get("why"),
                        "size": c.get("size") or 1 + len(members), "oversized": bool(c.get("oversized"))})
        out.sort(key=lambda c: -len(c["members"]))
        for i, c in enumerate(out):
            shown = [c["keeper"]] + c["members"][:3] if i < CLUSTER_VIEW else []
            c["members_view"] = [m for m in shown if m.get("id") is not None]
        return out

    def _duplicates(self) -> dict[str, Any]:
        clusters = []
        for c in self.clusters[:CLUSTERS_IN_JSON]:
            entry = {"keeper": _bounded(c["keeper"]), "members": _bounded(c["members"]),
                     "size": c["size"], "why": c["why"], "oversized": c["oversized"]}
            if c["members_view"]:
                entry["texts"] = {str(m["id"]): self._cluster_text.get(m["id"], {})
                                  for m in c["members_view"]}
            clusters.append(entry)
        # a member may also be kept (already in the corpus, or over the cluster size cap)
        return {"clusters": len(self.clusters),
                "units": sum(1 for c in self.clusters for m in c["members"]
                             if str(m.get("status", "duplicate")).startswith("duplicate")),
                "shown": min(len(self.clusters), CLUSTER_VIEW), "list": clusters}


def _bounded(obj: Any, depth: int = 0) -> Any:
    """A JSON-safe copy with long lists and strings cut, so a summary never grows unbounded."""
    if depth > 6:
        return clip(obj, 100)
    if isinstance(obj, dict):
        return {str(k): _bounded(v, depth + 1) for k, v in list(obj.items())[:200]}
    if isinstance(obj, (list, tuple, set)):
        return [_bounded(v, depth + 1) for v in list(obj)[:50]]
    if isinstance(obj, str):
        return clip(obj, 500)
    if obj is None or isinstance(obj, (bool, int, float)):
        return obj
    return clip(obj, 500)


def _duration(started: Any, ended: Any) -> float | None:
    try:
        return (datetime.fromisoformat(str(ended)) - datetime.fromisoformat(str(started))).total_seconds()
    except (TypeError, ValueError):
        return None


# ---- drift against the previous run ---------------------------------------------------------

def _processed(report: dict[str, Any]) -> int:
    out = report.get("outputs") or {}
    return int(out.get("corpus_records") or 0) + int(out.get("rejected_records") or 0)


def drift(current: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """Rules and reject reasons whose rate (per processed document) moved markedly.
    Rates from a handful of documents are noisy: `small_sample` says when to read them lightly."""
    base = {"previous_run": None, "rules": [], "rejects": [],
            "threshold": {"min_abs": DRIFT_MIN_ABS, "min_ratio": DRIFT_MIN_RATIO}}
    if not previous:
        return base
    base.update(previous_run=previous.get("run_id"), previous_started=previous.get("started"))
    if "outputs" in current and _processed(current) == 0:
        # an incremental run with nothing new: every rate is 0, which is no drift
        return {**base, "note": "no document processed in this run: nothing to compare"}
    sizes = [_processed(r) for r in (current, previous) if "outputs" in r]
    return {**base, "small_sample": any(n < DRIFT_MIN_DOCS for n in sizes),
            "rules": _moved(_rates(current, "edits", "by_rule", "rule"),
                            _rates(previous, "edits", "by_rule", "rule")),
            "rejects": _moved(_rates(current, "rejects", "by_reason", "reason"),
                              _rates(previous, "rejects", "by_reason", "reason"))}


def _rates(report: dict[str, Any], section: str, table: str, key: str) -> dict[str, float]:
    return {row[key]: float(row.get("rate", 0.0))
            for row in (report.get(section) or {}).get(table) or [] if key in row}


def _moved(now: dict[str, float], before: dict[str, float]) -> list[dict[str, Any]]:
    out = []
    for name in sorted(set(now) | set(before)):
        a, b = before.get(name, 0.0), now.get(name, 0.0)
        ratio = math.inf if a == 0 else b / a
        if abs(b - a) >= DRIFT_MIN_ABS and (ratio >= DRIFT_MIN_RATIO or ratio <= 1 / DRIFT_MIN_RATIO):
            out.append({"name": name, "previous_rate": a, "rate": b, "change": b - a,
                        "direction": "up" if b > a else "down",
                        "note": "new" if a == 0 else "gone" if b == 0 else ""})
    out.sort(key=lambda r: -abs(r["change"]))
    return out


# ---- finding reports ------------------------------------------------------------------------

def reports_dir(clean_dir: Path) -> Path:
    return Path(clean_dir) / "reports"


def list_reports(clean_dir: Path) -> list[dict[str, Any]]:
    """Every readable report.json, oldest first by start time (run id breaks ties)."""
    found = []
    folder = reports_dir(clean_dir)
    if not folder.is_dir():
        return []
    for path in folder.glob("*/report.json"):
        try:
            rep = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(rep, dict):
            rep.setdefault("run_id", path.parent.name)
            found.append(rep)
    return sorted(found, key=lambda r: (str(r.get("started") or ""), str(r.get("run_id"))))


def previous_report(clean_dir: Path, run_id: str, started: str | None = None) -> dict[str, Any] | None:
    """The newest other run that started before this one and processed documents (a run that
    found nothing new has no rates to compare with)."""
    others = [r for r in list_reports(clean_dir) if r.get("run_id") != run_id
              and (started is None or str(r.get("started") or "") <= started)
              and ("outputs" not in r or _processed(r) > 0)]
    return others[-1] if others else None


def load_report(clean_dir: Path, run: str = "latest") -> dict[str, Any]:
    """The report of `run` (a run id) or of the newest run; FileNotFoundError if none."""
    if run in (None, "", "latest"):
        reports = list_reports(clean_dir)
        if not reports:
            raise FileNotFoundError(f"no report in {reports_dir(clean_dir)}")
        return reports[-1]
    if not _RUN_ID_SAFE.match(run):
        raise FileNotFoundError(f"not a run id: {run!r}")
    path = reports_dir(clean_dir) / run / "report.json"
    if not path.is_file():
        raise FileNotFoundError(f"no report for run {run!r} ({path})")
    return json.loads(path.read_text(encoding="utf-8"))


# ---- one document across the outputs (for `newsclean show`) ---------------------------------

def _shards_newest_first(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.jsonl"), key=lambda p: (p.stat().st_mtime, p.name), reverse=True)


def _run_of_shard(path: Path) -> str:
    """"<run-id>-00003.jsonl" -> "<run-id>"."""
    return path.name[: -len(".jsonl")].rsplit("-", 1)[0]


def _matches(rec: dict[str, Any], query: str) -> int:
    """2 for an exact source or id, 1 for a source ending in /query (a path tail), else 0."""
    source = str(rec.get("source") or "")
    if query in (source, rec.get("id")):
        return 2
    return 1 if source.endswith("/" + query) or source.split("#", 1)[0].endswith("/" + query) else 0


def _find_in(folder: Path, query: str, shards: Iterable[Path] | None = None) -> tuple[dict[str, Any], Path] | None:
    """The newest record matching `query` (exact beats path tail); LookupError if the tail is
    ambiguous inside the newest shard that has any match."""
    needle = json.dumps(query, ensure_ascii=False)[1:-1]
    for path in shards if shards is not None else _shards_newest_first(folder):
        exact, tails = None, {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                if needle not in line:          # cheap filter before parsing a long line
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue
                kind = _matches(rec, query) if isinstance(rec, dict) else 0
                if kind == 2:
                    exact = rec
                elif kind == 1:
                    tails[rec.get("source")] = rec
        if exact is not None:
            return exact, path
        if len(tails) == 1:
            return next(iter(tails.values())), path
        if tails:
            names = ", ".join(sorted(str(s) for s in tails)[:10])
            raise LookupError(f"{query!r} matches several documents: {names}")
    return None


def find_document(clean_dir: Path, query: str) -> dict[str, Any] | None:
    """Everything the outputs say about one unit, by source, id or source path tail: its newest
    edit-log line, and the corpus or rejected record of the same run."""
    clean_dir = Path(clean_dir)
    found = _find_in(clean_dir / "edits", query)
    if found is None:
        # rejected by the reader: no edit-log line, only a rejected record
        hit = _find_in(clean_dir / "rejected", query)
        if hit is None:
            return None
        rec, path = hit
        return {"run_id": _run_of_shard(path), "edits": None, "corpus": None, "rejected": rec}
    edits, path = found
    run_id = _run_of_shard(path)
    out: dict[str, Any] = {"run_id": run_id, "edits": edits, "corpus": None, "rejected": None}
    for kind in ("corpus", "rejected"):
        hit = _find_in(clean_dir / kind, str(edits.get("id")), _shards_of_run(clean_dir / kind, run_id))
        if hit is not None:
            out[kind] = hit[0]
    return out


# ---- build and write ------------------------------------------------------------------------

def build_report(clean_dir: Path, run_info: dict[str, Any], parts: int = 1,
                 each: Any = map) -> dict[str, Any]:
    """Stream this run's shards into the report dict (see the module docstring).

    With `parts` > 1 the shards are cut into that many runs of batches, fed to builders by
    `each` (a process pool's map: the report is then read on several cores) and merged.
    The returned dict carries `documents` (the bounded per-document view for the HTML);
    `write_report` leaves it out of report.json so the summary stays small.
    """
    clean_dir = Path(clean_dir)
    shards = {kind: run_shards(clean_dir, run_info, kind) for kind in ("edits", "corpus", "rejected")}
    parts = _shard_parts(shards, max(1, parts))
    if len(parts) == 1:
        builder = feed_builder(run_info, parts[0])
    else:
        builders = iter(each(feed_builder, [run_info] * len(parts), parts))
        builder = next(builders)
        for more in builders:
            builder.merge(more)
    report = builder.result()
    _attach_thresholds(report)
    report["drift"] = drift(report, previous_report(clean_dir, str(run_info.get("run_id")),
                                                    run_info.get("started")))
    return report


def feed_builder(run_info: dict[str, Any], shards: dict[str, list[Path]]) -> ReportBuilder:
    """A builder fed with these shards: edits, then corpus, then rejected."""
    builder = ReportBuilder(run_info)
    for path in shards["edits"]:
        for rec in iter_jsonl(path):
            builder.add_edits_record(rec)
    for path in shards["corpus"]:
        for rec in iter_jsonl(path):
            builder.add_corpus_record(rec)
    for path in shards["rejected"]:
        for rec in iter_jsonl(path):
            builder.add_rejected_record(rec)
    return builder


def _shard_parts(shards: dict[str, list[Path]], parts: int) -> list[dict[str, list[Path]]]:
    """The run's shards cut into `parts` runs of consecutive batches (a batch's three shards
    share a name, so each part holds whole batches)."""
    names = sorted({p.name for paths in shards.values() for p in paths})
    if parts <= 1 or len(names) <= 1:
        return [shards]
    size = -(-len(names) // min(parts, len(names)))
    cuts = [set(names[i:i + size]) for i in range(0, len(names), size)]
    return [{kind: [p for p in paths if p.name in cut] for kind, paths in shards.items()} for cut in cuts]


def _attach_thresholds(report: dict[str, Any]) -> None:
    """Put the quality stage's active cut-offs beside each signal's distribution, so the chart
    shows how far the kept articles sit from a drop or quarantine."""
    try:
        from cleaners import quality
        from cleaners.config import Config

        cfg = Config.model_validate(report.get("config") or {})
        cuts = quality.thresholds(cfg.quality)
    except Exception:  # noqa: BLE001 - an old or foreign config only loses the lines on a chart
        return
    for cut in cuts:
        dist = report["distributions"].get(f"quality.{cut.get('signal')}")
        if dist is not None:
            dist.setdefault("thresholds", []).append(cut)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_report(clean_dir: Path, run_id: str, report: dict[str, Any]) -> tuple[Path, Path]:
    """Write reports/<run-id>/report.json and report.html atomically; returns both paths."""
    from cleaners.report_html import render_html  # the HTML is only needed here

    if not _RUN_ID_SAFE.match(str(run_id)):
        raise ValueError(f"unsafe run id {run_id!r}")
    folder = reports_dir(Path(clean_dir)) / str(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    summary = {k: v for k, v in report.items() if k != "documents"}
    docs = report.get("documents") or {}
    summary["documents"] = {k: v for k, v in docs.items() if k != "items"}
    json_path, html_path = folder / "report.json", folder / "report.html"
    _write_atomic(json_path, json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    _write_atomic(html_path, render_html(report))
    return json_path, html_path


# ---- raw beside clean: paragraph alignment shared by the HTML and the terminal -----------------

def raw_paragraphs(raw: str) -> list[str]:
    """The raw text cut the way the structure stage cuts it: one paragraph per non-blank line."""
    return [line for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def clean_paragraphs(clean: str) -> list[str]:
    return [p for p in clean.split("\n\n") if p.strip()]


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]|\s+", text)


def _ratio_above(matcher: SequenceMatcher, floor: float) -> float | None:
    """matcher.ratio() when it exceeds `floor`, else None; the cheap upper bounds go first
    (the same answer as comparing ratio() itself, without its quadratic matching mostly)."""
    if matcher.real_quick_ratio() <= floor or matcher.quick_ratio() <= floor:
        return None
    ratio = matcher.ratio()
    return ratio if ratio > floor else None


def _similar_above(a: str, b: str, floor: float) -> float | None:
    return _ratio_above(SequenceMatcher(None, a.split(), b.split(), autojunk=False), floor)


def align(raw: str, clean: str) -> list[tuple[str, str | None, str | None]]:
    """Pair raw paragraphs with clean ones: ("equal"|"changed", raw, clean), ("removed", raw,
    None) or ("added", None, clean). Whitespace differences count as equal."""
    rp, cp = raw_paragraphs(raw), clean_paragraphs(clean)
    rn, cn = [norm(p) for p in rp], [norm(p) for p in cp]
    out: list[tuple[str, str | None, str | None]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, rn, cn, autojunk=False).get_opcodes():
        if op == "equal":
            out += [("equal", rp[i], cp[j]) for i, j in zip(range(i1, i2), range(j1, j2))]
        elif op == "delete":
            out += [("removed", rp[i], None) for i in range(i1, i2)]
        elif op == "insert":
            out += [("added", None, cp[j]) for j in range(j1, j2)]
        else:
            out += _pair_block(rp[i1:i2], cp[j1:j2])
    return out


def _pair_block(raws: list[str], cleans: list[str]) -> list[tuple[str, str | None, str | None]]:
    """Inside a replaced block, pair each raw paragraph with a similar clean one (in order)."""
    out: list[tuple[str, str | None, str | None]] = []
    j = 0
    for r in raws:
        best, best_ratio = None, 0.5
        for k in range(j, min(len(cleans), j + 4)):
            ratio = _similar_above(r, cleans[k], best_ratio)
            if ratio is not None:
                best, best_ratio = k, ratio
        if best is None:
            out.append(("removed", r, None))
            continue
        out += [("added", None, cleans[k]) for k in range(j, best)]
        out.append(("changed", r, cleans[best]))
        j = best + 1
    out += [("added", None, c) for c in cleans[j:]]
    return out


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """Token-level diff of two paragraphs: [("eq"|"del"|"ins", text)].

    The tokens both ends share are cut off first: a repaired paragraph usually differs in a
    few places, and the matcher is quadratic in what is left between them."""
    ta, tb = _tokens(a), _tokens(b)
    head = 0
    while head < min(len(ta), len(tb)) and ta[head] == tb[head]:
        head += 1
    tail = 0
    while tail < min(len(ta), len(tb)) - head and ta[-1 - tail] == tb[-1 - tail]:
        tail += 1
    out: list[tuple[str, str]] = [("eq", "".join(ta[:head]))] if head else []
    mid_a, mid_b = ta[head:len(ta) - tail], tb[head:len(tb) - tail]
    for op, i1, i2, j1, j2 in SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("eq", "".join(mid_a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("del", "".join(mid_a[i1:i2])))
        if j2 > j1:
            out.append(("ins", "".join(mid_b[j1:j2])))
    if tail:
        out.append(("eq", "".join(ta[len(ta) - tail:])))
    return _joined(out)


def _joined(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Neighbouring pieces of the same kind as one (the cut ends meet the matched middle)."""
    out: list[tuple[str, str]] = []
    for op, text in pieces:
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + text)
        else:
            out.append((op, text))
    return out


def removal_rules(edits: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """(normalised removed text, rule id) for every edit that took text out of the body."""
    return [(norm(e.get("before") or ""), f"{e.get('stage')}.{e.get('rule')}")
            for e in edits
            if e.get("action") in ("remove", "to_metadata") and (e.get("before") or "").strip()]


def rule_for_removed(paragraph: str, removals: list[tuple[str, str]]) -> str | None:
    """Which rule removed this raw paragraph: exact match first, then containment either way
    (the raw line may still carry characters a later stage repaired)."""
    p = norm(paragraph)
    for text, rule in removals:
        if text == p:
            return rule
    for text, rule in removals:
        if len(text) >= 8 and (text in p or p in text):
            return rule
    # last: the most similar removed text, e.g. a mojibake line whose repaired form was removed
    best, best_ratio = None, 0.6
    for text, rule in removals:
        ratio = _ratio_above(SequenceMatcher(None, text[:500], p[:500], autojunk=False), best_ratio)
        if ratio is not None:
            best, best_ratio = rule, ratio
    return best
