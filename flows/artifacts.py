"""Prefect artifacts of a cleaning run: a markdown summary, a table of stages and rules, a link
to report.html, and a progress artifact updated after each batch.

Keys are stable per output folder ("newsclean-<clean-folder>-summary", ...), so each run adds
a new version under the same key and the Prefect UI shows how runs compare. Only counts and
rule/reason ids go into artifacts, never article text (the UI renders markdown).

An artifact that cannot be written logs a warning: it never fails the cleaning run.
"""
from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any
from uuid import UUID

log = logging.getLogger("cleaners.artifacts")

_KEY_UNSAFE = re.compile(r"[^a-z0-9]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
TOP_RULES = 30


def artifact_key(kind: str, clean_dir: str | Path) -> str:
    """A Prefect artifact key: lowercase letters, digits and dashes only."""
    folder = _KEY_UNSAFE.sub("-", Path(clean_dir).resolve().name.lower()).strip("-") or "clean"
    return f"newsclean-{folder[:40].strip('-')}-{_KEY_UNSAFE.sub('-', kind.lower()).strip('-')}"


def md(value: Any) -> str:
    """Plain text for markdown: HTML characters as entities (no renderer reads a tag in them),
    markdown punctuation backslash-escaped, no line breaks."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split()).translate(_HTML))


def _n(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:.3g}"
    return "–" if x is None else str(x)


def summary_markdown(report: dict[str, Any], html_path: str | Path | None = None) -> str:
    units = report.get("units") or {}
    edits = report.get("edits") or {}
    lines = [f"# newsclean run {md(report.get('run_id'))}", "",
             f"{md(report.get('started'))} → {md(report.get('ended'))} "
             f"({_n(report.get('duration_seconds'))} s, runner {md(report.get('runner'))})", "",
             "| seen | new | unchanged | kept | rejected | duplicates | edits |",
             "|---:|---:|---:|---:|---:|---:|---:|",
             "| " + " | ".join(_n(units.get(k)) for k in ("seen", "new", "unchanged", "kept", "rejected",
                                                          "duplicates")) + f" | {_n(edits.get('total'))} |", ""]
    reasons = (report.get("rejects") or {}).get("by_reason") or []
    if reasons:
        lines += ["## Rejected by reason", "", "| reason | units |", "|---|---:|"]
        lines += [f"| `{md(r['reason'])}` | {r['count']} |" for r in reasons[:TOP_RULES]] + [""]
    drift = report.get("drift") or {}
    moved = (drift.get("rules") or []) + (drift.get("rejects") or [])
    if drift.get("previous_run"):
        lines += [f"## Drift since run {md(drift['previous_run'])}", ""]
        lines += [f"- `{md(r['name'])}`: {_n(r['previous_rate'])} → {_n(r['rate'])} per document"
                  for r in moved] or ["No rule moved markedly."]
        lines.append("")
    langs = report.get("languages") or []
    if langs:
        lines += ["Languages: " + ", ".join(f"{md(r['lang'])} {r['docs']}" for r in langs[:10]), ""]
    if html_path:
        lines.append(f"Full report: `{md(Path(html_path).resolve())}`")
    return "\n".join(lines)


def rules_table(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per stage (totals, seconds) followed by one row per rule, most edits first."""
    edits = report.get("edits") or {}
    timings = (report.get("timings") or {}).get("stages") or {}
    by_stage = edits.get("by_stage") or {}
    rows = [{"stage": s, "rule": "(all)", "edits": by_stage.get(s, {}).get("edits", 0),
             "documents": by_stage.get(s, {}).get("docs", 0),
             "seconds": round(timings.get(s, {}).get("seconds", 0.0), 3)}
            for s in dict.fromkeys(list(timings) + list(by_stage))]
    rows += [{"stage": r["stage"], "rule": r["rule"], "edits": r["edits"], "documents": r["docs"],
              "seconds": None} for r in (edits.get("by_rule") or [])[:TOP_RULES * 3]]
    return rows


def publish_report(report: dict[str, Any], html_path: str | Path, clean_dir: str | Path) -> dict[str, UUID]:
    """Markdown summary, stages-and-rules table and a link to report.html, keyed per CLEAN."""
    from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

    run = report.get("run_id")
    made: dict[str, UUID] = {}
    try:
        made["summary"] = create_markdown_artifact(
            summary_markdown(report, html_path), key=artifact_key("summary", clean_dir),
            description=f"newsclean run {run}: units, rejects, drift")
        made["rules"] = create_table_artifact(
            rules_table(report), key=artifact_key("rules", clean_dir),
            description=f"newsclean run {run}: edits per stage and per rule")
        made["report"] = create_link_artifact(
            Path(html_path).resolve().as_uri(), link_text=f"report.html of run {run}",
            key=artifact_key("report", clean_dir), description="self-contained HTML report (open locally)")
    except Exception as exc:  # noqa: BLE001 - artifacts are a view; the run's outputs are written
        log.warning("could not publish report artifacts: %s", exc)
    return made


def publish_run_artifacts(summary: dict[str, Any], clean_dir: str | Path) -> dict[str, UUID]:
    """From the run summary `cleaners.run.finish_run` returns (it names report.json/html)."""
    try:
        report = json.loads(Path(summary["report_json"]).read_text(encoding="utf-8"))
    except (KeyError, OSError, ValueError) as exc:
        log.warning("no report to publish as artifacts: %s", exc)
        return {}
    return publish_report(report, summary["report_html"], clean_dir)


class BatchProgress:
    """A progress artifact for the run, moved after each finished batch."""

    def __init__(self, total_batches: int, clean_dir: str | Path, run_id: str | None = None):
        from prefect.artifacts import create_progress_artifact

        self.total = max(total_batches, 1)
        self.done = 0
        self.artifact_id: UUID | None = None
        try:
            self.artifact_id = create_progress_artifact(
                0.0 if total_batches else 100.0, key=artifact_key("progress", clean_dir),  # nothing new: done
                description=f"newsclean run {run_id or ''}: batches cleaned".strip())
        except Exception as exc:  # noqa: BLE001
            log.warning("could not create the progress artifact: %s", exc)

    def update(self, done: int | None = None) -> float:
        """Record `done` finished batches (default: one more); returns the percentage."""
        from prefect.artifacts import update_progress_artifact

        self.done = min(self.total, self.done + 1 if done is None else done)
        percent = round(100.0 * self.done / self.total, 2)
        if self.artifact_id is not None:
            try:
                update_progress_artifact(self.artifact_id, percent)
            except Exception as exc:  # noqa: BLE001
                log.warning("could not update the progress artifact: %s", exc)
        return percent
