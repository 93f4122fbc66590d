"""Small, exact text changes inside one paragraph, each logged as its own edit.

The unicode and artifacts stages find changes as `Change(start, end, new)` in the coordinates
of the paragraph text as it is now, then `apply_changes` writes them into the document one
edit each, left to right. The span of each edit is taken in the text as it stands just before
that edit, so replaying the edit log in order on the original paragraph gives the cleaned one.

Nothing is ever changed inside a URL, an e-mail address or a piece of code: `protected_spans`
finds those and `apply_changes` drops any change that touches one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from cleaners.document import REPLACE, Document

CONTEXT = 24  # characters of context either side kept in the edit note


@dataclass(frozen=True)
class Change:
    start: int
    end: int
    new: str
    rule: str
    note: str = ""


# Cheap test first: a paragraph without any of these cannot hold a URL, address or code.
_MAYBE_PROTECTED = re.compile(r"://|www\.|@|`|[A-Za-z0-9]\.[a-z]{2,}\b|[(){}=_<>\\/]")
_PROTECTED = re.compile(
    r"""(?:https?|ftp)://[^\s<>"“”]+            # URL with a scheme
      | \bwww\.[^\s<>"“”]+                     # bare www. address
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+           # e-mail address
      | ``[^`\n]*``                            # rst inline code
      | `[^`\n]*`                              # inline code
      | \b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|io|co|uk|de|fr|es|it|ru|info|biz|news|tv|me|ai|app|dev|ly|eu|int)\b(?:/[^\s]*)?  # domain
      | \b\w+(?:\.\w+)*\([^()\s]*\)            # call-like code: f(x), obj.method()
      | \b\w*_\w*\b                            # snake_case identifiers
      | \S*[{}=<>\\]\S*                        # tokens with code punctuation
      | (?<!\w)/[\w./-]+                       # a path
    """,
    re.VERBOSE,
)


# Marks of program text inside a paragraph: a REPL prompt, "::", "()", rst ``code``, an
# assignment or arrow, a shell prompt or rst directive at the start, a call or subscript glued
# to a word ("f(x)", "a[0]"). Prose in news never has these.
_CODE_MARKS = (">>>", "::", "()", "``", " = ", "=>", "->")
_CODE_STARTS = ("$ ", ".. ")
# the bracket is matched first and the word before it checked by a lookbehind: a pattern that
# starts with \w would be tried at every letter and cost ~10x more
_GLUED_CALL = re.compile(r"[(\[](?<=\w[(\[])[\w'\"]")


def looks_like_code(text: str) -> bool:
    """A paragraph that carries program text: repairs would corrupt it, so it is left alone."""
    if any(mark in text for mark in _CODE_MARKS) or text.startswith(_CODE_STARTS):
        return True
    return ("(" in text or "[" in text) and bool(_GLUED_CALL.search(text))


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of text no rule may change (URLs, e-mail addresses, code, domains, paths)."""
    if not _MAYBE_PROTECTED.search(text):
        return []
    return [m.span() for m in _PROTECTED.finditer(text)]


def touches(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) overlaps or borders a protected span (an insertion at the edge
    of a URL counts: "example.com.The" must not become "example.com. The" by accident)."""
    return any(start <= e and end >= s for s, e in spans)


def apply_changes(doc: Document, stage: str, para: int, changes: list[Change],
                  protected: list[tuple[int, int]] | None = None) -> int:
    """Apply non-overlapping changes to paragraph `para`, one edit each; returns how many.

    Changes that overlap an earlier one or touch a protected span are skipped."""
    if not changes:
        return 0
    text = doc.paragraphs[para].text
    spans = protected_spans(text) if protected is None else protected
    pieces: list[str] = []
    shift, last_end, done = 0, -1, 0
    for ch in sorted(changes, key=lambda c: (c.start, c.end)):
        if ch.start < last_end or ch.start > ch.end or touches(spans, ch.start, ch.end):
            continue
        before = text[ch.start:ch.end]
        if before == ch.new:
            continue
        note = ch.note or context(text, ch.start, ch.end)
        doc.edit(stage, ch.rule, REPLACE, para=para, span=(ch.start + shift, ch.end + shift),
                 before=before, after=ch.new, note=note)
        pieces.append(text[max(last_end, 0):ch.start])
        pieces.append(ch.new)
        shift += len(ch.new) - (ch.end - ch.start)
        last_end = ch.end
        done += 1
    if done:
        pieces.append(text[max(last_end, 0):])
        doc.paragraphs[para].text = "".join(pieces)
    return done


def context(text: str, start: int, end: int) -> str:
    """A short window around a change, for the edit note ("…many years.The outbreak…")."""
    left = text[max(0, start - CONTEXT):start]
    right = text[end:end + CONTEXT]
    return f"…{left}[{text[start:end]}]{right}…"


def diff_changes(old: str, new: str, rule: str, note: str = "") -> list[Change]:
    """The changes that turn `old` into `new`, widened to whole tokens so an edit reads as
    "donâ€™t" -> "don’t" rather than a bare byte run. Used after ftfy, which only returns
    the fixed text."""
    if old == new:
        return []
    ops = [op for op in SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
           if op[0] != "equal"]
    spans: list[list[int]] = []
    for _, i1, i2, j1, j2 in ops:
        a1, a2 = _widen(old, i1, i2)
        # the same widening measured in `new`: equal text outside the op maps one to one
        b1, b2 = j1 - (i1 - a1), j2 + (a2 - i2)
        if spans and a1 <= spans[-1][1]:
            spans[-1][1], spans[-1][3] = a2, b2
        else:
            spans.append([a1, a2, b1, b2])
    return [Change(a1, a2, new[b1:b2], rule, note) for a1, a2, b1, b2 in spans]


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end
