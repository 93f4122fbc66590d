"""Stage: title, date, byline from the text (first version; the boilerplate issue deepens it)."""
from __future__ import annotations

import re

from cleaners.document import Document, TO_METADATA

STAGE = "metadata"

_DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")


def apply(doc: Document, ctx) -> None:
    if not doc.paragraphs:
        return
    first = doc.paragraphs[0]
    m = _DATE_PREFIX.match(first.text)
    if m:
        doc.date = doc.date or m.group(1)
        doc.edit(STAGE, "leaked_date_prefix", TO_METADATA, para=0, span=(0, m.end()),
                 before=m.group(0), after="", note=f"date={m.group(1)}")
        first.text = first.text[m.end():]
