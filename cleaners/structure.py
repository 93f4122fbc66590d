"""Stage: split decoded text into paragraphs and normalise whitespace.

Runs first among the text stages so that every later edit can name a paragraph index.
Text inputs arrive as `doc.raw_text`; HTML inputs arrive already split (with kinds).
"""
from __future__ import annotations

import re

from cleaners.document import Document, Paragraph

STAGE = "structure"

_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n+")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# what _SPACES would change: a run of two spaces, or any of its other characters (a lone space
# is replaced by itself, and matching each one costs more than the whole test)
_SPACES_TO_TIDY = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]| {2}")


def split_paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = _BLANK_LINE.split(text)
    out: list[str] = []
    for block in blocks:
        # A block of several single-newline lines: each line is its own paragraph (scraped
        # text often uses one newline per paragraph). Lines are never joined: joining would
        # glue boilerplate lines to body text.
        for line in block.split("\n"):
            if line.strip():
                out.append(line)
    return out


def apply(doc: Document, ctx) -> None:
    if not doc.paragraphs:
        doc.paragraphs = [Paragraph(t) for t in split_paragraphs(doc.raw_text)]
    for i, p in enumerate(doc.paragraphs):
        tidy = (_SPACES.sub(" ", p.text) if _SPACES_TO_TIDY.search(p.text) else p.text).strip()
        if tidy != p.text:
            # whitespace-only change: logged without the text to keep the edit log cheap
            doc.edit(STAGE, "whitespace", "replace", para=i, span=(0, len(p.text)),
                     before=p.text, after=tidy)
            p.text = tidy
    doc.paragraphs = [p for p in doc.paragraphs if p.text]
