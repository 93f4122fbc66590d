"""Stage: character repair with ftfy (mojibake, entities, control characters).

Placeholder-level first version; the artifacts issue deepens it.
"""
from __future__ import annotations

import ftfy

from cleaners.document import Document

STAGE = "unicode"


def apply(doc: Document, ctx) -> None:
    if not ctx.config.unicode.enabled:
        return
    for i, p in enumerate(doc.paragraphs):
        fixed, steps = ftfy.fix_and_explain(p.text, uncurl_quotes=ctx.config.unicode.straighten_quotes)
        if fixed != p.text:
            names = ",".join(s[1] for s in steps or [])
            doc.replace_text(STAGE, "ftfy", i, fixed, note=names)
