"""The per-document stages in order, and the batch cleaner the flow maps over.

Stage contract: a module with `STAGE = "<name>"` and `apply(doc, ctx) -> None`, which edits
`doc` in place (logging every change with `doc.edit`) or raises `Reject`. A stage that raises
anything else rejects that unit only ("<stage>.error: <exception>"): one bad document never
stops a batch.

Cross-document work is not done here: site templates are learned before the batches (the
flow passes them in `ctx.templates`) and duplicates are decided after them (`cleaners.dedup`).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from cleaners import artifacts, boilerplate, language, metadata, quality, structure, unicode_fix
from cleaners.config import Config
from cleaners.document import Document, Reason, Reject

log = logging.getLogger("cleaners")

# decode happens in the readers (bytes -> text -> Document); dedup and write after the batch.
# structure runs before unicode so that every character repair can name its paragraph.
STAGES: list[tuple[str, Callable[[Document, "Context"], None]]] = [
    (structure.STAGE, structure.apply),
    (unicode_fix.STAGE, unicode_fix.apply),
    (metadata.STAGE, metadata.apply),
    (boilerplate.STAGE, boilerplate.apply),
    (artifacts.STAGE, artifacts.apply),
    (language.STAGE, language.apply),
    (quality.STAGE, quality.apply),
]
# The first stages, which need nothing learned across documents: the template pre-pass runs
# them (and counts the lines as they leave them), and the clean pass goes on from there
# (`Document.done`). Every repair they make is logged once.
PRE_STAGES = STAGES[:2]


@dataclass
class Context:
    """What every stage may read besides the document. Cheap to pass to a worker."""
    config: Config = field(default_factory=Config)
    templates: dict[str, Any] = field(default_factory=dict)  # site -> learned template (boilerplate)


@dataclass
class Outcome:
    doc: Document
    kept: bool
    reasons: list[Reason] = field(default_factory=list)
    quarantine: bool = False


def clean_document(doc: Document, ctx: Context, timeout: float | None = None) -> Outcome:
    """Run every stage on one document; never raises for a problem in the document.

    `timeout` (seconds) is checked between stages; cleaners.limits also interrupts a stage."""
    deadline = time.perf_counter() + timeout - doc.done_seconds() if timeout else None
    for name, stage in STAGES:
        if name in doc.done:
            continue
        if deadline is not None and time.perf_counter() > deadline:
            return Outcome(doc, False, [Reason("pipeline", "timeout", f"took over {timeout:g} s")])
        stopped = run_stage(doc, ctx, name, stage)
        if stopped is not None:
            return stopped
    return Outcome(doc, True)


def run_stage(doc: Document, ctx: Context, name: str, stage: Callable[[Document, Context], None]
              ) -> Outcome | None:
    """One stage on one document: None when the document goes on, else its Outcome (rejected,
    or the stage's error). The stage's seconds are added to `doc.timings`."""
    started = time.perf_counter()
    try:
        stage(doc, ctx)
    except Reject as rej:
        return Outcome(doc, False, [rej.reason], quarantine=rej.quarantine)
    except RecursionError:
        return Outcome(doc, False, [Reason(name, "error", "recursion limit hit (document too deeply nested)")])
    except Exception as exc:  # noqa: BLE001 - one document must never stop the batch
        log.exception("stage %s failed on %s", name, doc.source)
        return Outcome(doc, False, [Reason(name, "error", f"{type(exc).__name__}: {exc}")])
    finally:
        doc.timings[name] = doc.timings.get(name, 0.0) + time.perf_counter() - started
    return None


# An invented article, long enough for every stage to run its full path (language profiles,
# word lists, compiled patterns all load on first use).
_WARM_UP_TEXT = """Harbour ferry to return next month

By a staff reporter, 3 March 2025

The ferry between the harbour and the point will run again from the first week of next month,
the operator said on Tuesday, after repairs to the landing stage took longer than planned.

Fares are unchanged, and the timetable will be the one passengers knew before the closure. Cafe
owners on the quay said they had missed the morning crowds and welcomed the news.

"We have waited a long time for this, and so have our customers," said the owner of a bakery
near the pier, who asked that the shop not be named.

Share this story"""


def warm_up() -> None:
    """Clean one invented article, so that a worker process has loaded what the stages load on
    first use before its first batch arrives (it runs while Prefect is still starting)."""
    from cleaners.document import Document, Origin

    doc = Document.new("warm-up.txt", Origin("warm-up.txt"), raw_text=_WARM_UP_TEXT)
    try:
        clean_document(doc, Context())
    except Exception:  # noqa: BLE001 - a failed warm-up only means a slower first batch
        log.debug("warm-up failed", exc_info=True)
