"""Per-document time limit (config `run.doc_timeout_seconds`) and retries of transient I/O errors.

A pathological document (a regex that backtracks for minutes, a page nested beyond reason) must
not hang its batch. Two mechanisms, no thread killing:

* In the main thread of a process (`python -m cleaners.run`, a process-pool worker) a one-shot
  SIGALRM timer (`signal.setitimer`) interrupts the stage that overruns: the handler raises
  `DocTimeout`, a BaseException so that the pipeline's per-stage `except Exception` does not turn it
  into a stage error. Python runs signal handlers between bytecodes, and the `re` engine checks for
  signals while it matches, so a runaway regex is interrupted too.
* Elsewhere (Prefect's thread-pool task runner: signals only reach the main thread) the pipeline
  checks the deadline between stages: a slow document is stopped after the stage that overran.

Either way the document is rejected with "pipeline.timeout: took over N s".
"""
from __future__ import annotations

import signal
import threading
import time
from typing import Callable, TypeVar

from cleaners.document import Document, Reason
from cleaners import pipeline
from cleaners.pipeline import Context, Outcome, run_stage

T = TypeVar("T")


class DocTimeout(BaseException):
    """Raised by the SIGALRM handler inside the stage that overran its document's time."""


def timeout_reason(seconds: float) -> Reason:
    return Reason("pipeline", "timeout", f"took over {seconds:g} s")


def alarm_usable() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class DocTimer:
    """`with DocTimer(seconds) as timer: timer.clean_all(docs, ctx)` for a batch's documents.

    seconds <= 0 switches the limit off. The SIGALRM handler is installed for the batch only and
    the previous one restored afterwards."""

    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.use_alarm = self.seconds > 0 and alarm_usable()
        self._armed = False
        self._previous = None

    def __enter__(self) -> "DocTimer":
        if self.use_alarm:
            self._previous = signal.signal(signal.SIGALRM, self._on_alarm)
        return self

    def __exit__(self, *exc) -> None:
        if self.use_alarm:
            self._disarm()
            signal.signal(signal.SIGALRM, self._previous or signal.SIG_DFL)

    def _on_alarm(self, signum, frame) -> None:
        if self._armed:
            self._armed = False
            raise DocTimeout()

    def _disarm(self) -> None:
        self._armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def clean(self, doc: Document, ctx: Context) -> Outcome:
        """One document under the limit; an overrun is a rejection with its reason."""
        return self.clean_all([doc], ctx)[0]

    def clean_all(self, docs: list[Document], ctx: Context,
                  stages: list[tuple[str, Callable]] | None = None) -> list[Outcome]:
        """Every document through every stage, one stage at a time over the whole list: a
        stage's patterns and tables stay in the CPU caches while it goes over the batch (about
        a quarter faster than document by document). Each document keeps its own time limit,
        summed over its stages; the outcomes are those clean() would give, in order.
        `stages`: the pipeline's by default; a stage a document has done already is skipped,
        and the seconds it took there count to the document's limit."""
        outcomes: list[Outcome | None] = [None] * len(docs)
        spent = [d.done_seconds() for d in docs]     # the pre-pass's stages count too
        alive = list(range(len(docs)))
        for name, stage in pipeline.STAGES if stages is None else stages:
            going_on = []
            for i in alive:
                if name in docs[i].done:
                    going_on.append(i)
                    continue
                stopped = self._one_stage(docs[i], ctx, name, stage, spent, i)
                if stopped is None:
                    going_on.append(i)
                else:
                    outcomes[i] = stopped
            alive = going_on
        for i in alive:
            over = 0 < self.seconds < spent[i]     # the last stage overran where nothing could stop it
            outcomes[i] = Outcome(docs[i], False, [timeout_reason(self.seconds)]) if over else Outcome(docs[i], True)
        return outcomes

    def _one_stage(self, doc: Document, ctx: Context, name: str, stage, spent: list[float],
                   i: int) -> Outcome | None:
        if self.seconds <= 0:
            return run_stage(doc, ctx, name, stage)
        remaining = self.seconds - spent[i]
        if remaining <= 0:
            return Outcome(doc, False, [timeout_reason(self.seconds)])
        started = time.perf_counter()
        try:
            try:
                if self.use_alarm:
                    self._armed = True
                    signal.setitimer(signal.ITIMER_REAL, remaining)
                return run_stage(doc, ctx, name, stage)
            finally:
                if self.use_alarm:
                    self._disarm()
                spent[i] += time.perf_counter() - started
        except DocTimeout:      # also when the alarm lands just as the stage finished
            return Outcome(doc, False, [timeout_reason(self.seconds)])


# OSErrors that another try cannot fix
PERMANENT_IO_ERRORS = (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)


def is_transient_io_error(exc: BaseException) -> bool:
    """Disk or network-share trouble worth another try (EIO, ESTALE, ENOSPC freed later...)."""
    return isinstance(exc, OSError) and not isinstance(exc, PERMANENT_IO_ERRORS)


def retry_io(fn: Callable[..., T], *args, attempts: int = 3, delay: float = 1.0, **kwargs) -> T:
    """Call fn, again after a transient OSError (disk, network share); other errors pass through.

    The batch functions are idempotent (they only (re)write their own staging file), so a retry
    is safe. Document problems never get here: they are rejects inside the batch."""
    for attempt in range(1, attempts + 1):
        try:
            return fn(*args, **kwargs)
        except OSError as exc:
            if attempt == attempts or not is_transient_io_error(exc):
                raise
            time.sleep(delay * attempt)
    raise AssertionError("unreachable")
