"""Stage: quality signals and the keep/quarantine/drop decision (first version)."""
from __future__ import annotations

from cleaners.document import Document, Reject

STAGE = "quality"


def apply(doc: Document, ctx) -> None:
    words = doc.word_count()
    doc.quality["word_count"] = words
    q = ctx.config.quality
    if q.enabled and words < q.min_words:
        raise Reject(STAGE, "too_short", f"{words} words < {q.min_words}")
