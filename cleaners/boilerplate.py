"""Stage: boilerplate removal (first version; the boilerplate issue replaces it)."""
from __future__ import annotations

from cleaners.document import Document

STAGE = "boilerplate"


def apply(doc: Document, ctx) -> None:
    return None
