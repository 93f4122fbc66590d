"""Stage: machine-translation and punctuation artifacts (first version)."""
from __future__ import annotations

from cleaners.document import Document

STAGE = "artifacts"


def apply(doc: Document, ctx) -> None:
    return None
