"""Small, exact text changes inside one paragraph, each logged as its own edit.

The unicode and artifacts stages find changes as `Change(start, end, new)` in the coordinates
of the paragraph text as it is now, then `apply_changes` writes them into the document one
edit each, left to right. The span of each edit is taken in the text as it stands just before
that edit, so replaying the edit log in order on the original paragraph gives the cleaned one.

Nothing is ever changed inside a URL, an e-mail address or a piece of code: `protected_spans`
finds those and `apply_changes` drops any change that touches one.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import count, groupby, repeat

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
    spans: list[list[int]] = []
    for i1, i2, j1, j2 in differing_runs(old, new):
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


# ---- the diff -----------------------------------------------------------------------------
# diff_changes must give exactly the changes of difflib.SequenceMatcher(None, old, new,
# autojunk=False): which of two equal runs it aligns decides where an edit starts ("a  b" ->
# "a b"), and the edit log is part of the output. SequenceMatcher finds the longest common
# substring (the earliest in `old`, then in `new`), then recurses left and right of it; its
# search looks at every pair of equal characters, quadratic on a mis-decoded article. The same
# blocks are found here from the runs of equal GRAM-character pieces: every common substring at
# least GRAM long lies in one such run, so the longest run, cut to the range searched, is the
# longest common substring there whenever it is at least GRAM long. Shorter ones (the few
# characters around each repair) are left to SequenceMatcher's own search on that small range.
GRAM = 8
# Ranges with at most this many pairs of characters are searched pair by pair here (the few
# characters around a repair); building a SequenceMatcher's index would cost more.
SMALL_RANGE = 400


def differing_runs(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """(i1, i2, j1, j2) of each non-equal opcode of SequenceMatcher(None, old, new,
    autojunk=False), in order: old[i1:i2] became new[j1:j2]."""
    runs, start = [], (0, 0)
    for i, j, k in _matching_blocks(old, new) + [(len(old), len(new), 0)]:
        if (i, j) != start:
            runs.append((start[0], i, start[1], j))
        start = (i + k, j + k)
    return runs


def _matching_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """SequenceMatcher.get_matching_blocks() without its sentinel (adjacent blocks may stay
    apart: they make no opcode)."""
    runs = _common_runs(a, b)
    matcher: list[SequenceMatcher] = []  # made only when a large range has no long run
    blocks, queue = [], [(0, len(a), 0, len(b))]
    while queue:
        alo, ahi, blo, bhi = box = queue.pop()
        i, j, k = _longest_run_in(runs, *box)
        if k < GRAM and (ahi - alo) * (bhi - blo) <= SMALL_RANGE:
            i, j, k = _longest_match_in_small_range(a, b, *box)
        elif k < GRAM:
            if not matcher:
                matcher.append(SequenceMatcher(None, a, b, autojunk=False))
            i, j, k = matcher[0].find_longest_match(alo, ahi, blo, bhi)
        if k:
            blocks.append((i, j, k))
            if alo < i and blo < j:
                queue.append((alo, i, blo, j))
            if i + k < ahi and j + k < bhi:
                queue.append((i + k, ahi, j + k, bhi))
    return sorted(blocks)


def _common_runs(a: str, b: str) -> list[tuple[int, int, int]]:
    """Every maximal common substring of a and b at least GRAM long, as (i, j, length).

    The pieces (GRAM characters) of a that equal a piece of b at i and j form the runs: a
    stretch of consecutive i on one diagonal j - i. Most pieces occur once in b; they are
    looked up all at once. The pieces that repeat in b add their other places one by one."""
    b_grams = [b[j:j + GRAM] for j in range(len(b) - GRAM + 1)]
    a_grams = [a[i:i + GRAM] for i in range(len(a) - GRAM + 1)]
    where = dict(zip(b_grams, range(len(b_grams))))  # the last place of each piece in b
    # a piece missing from b gets a diagonal of its own, below every real one
    missing = -2 * (len(a) + len(b)) - 1
    diagonals = map(operator.sub, map(where.get, a_grams, repeat(missing)), count())
    stretches = []  # (diagonal, first i, last i)
    i = 0
    for d, stretch in groupby(diagonals):
        n = len(list(stretch))
        if d >= -len(a):
            stretches.append((d, i, i + n - 1))
        i += n
    if len(where) < len(b_grams):
        stretches = _merged(stretches + _other_places(a_grams, b_grams, where))
    return [(first, first + d, last - first + GRAM) for d, first, last in stretches]


def _other_places(a_grams: list[str], b_grams: list[str],
                  where: dict[str, int]) -> list[tuple[int, int, int]]:
    """(diagonal, i, i) for each place in b of a repeated piece that `where` does not give."""
    places: dict[str, list[int]] = {}
    for j, gram in enumerate(b_grams):
        if where[gram] != j:
            places.setdefault(gram, []).append(j)
    return [(j - i, i, i) for i, gram in enumerate(a_grams) if gram in places
            for j in places[gram]]


def _merged(stretches: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Stretches on one diagonal that meet (the next starts right after) joined into one."""
    out: list[tuple[int, int, int]] = []
    for d, first, last in sorted(stretches):
        if out and out[-1][0] == d and out[-1][2] + 1 == first:
            out[-1] = (d, out[-1][1], last)
        else:
            out.append((d, first, last))
    return out


def _longest_run_in(runs: list[tuple[int, int, int]], alo: int, ahi: int, blo: int,
                    bhi: int) -> tuple[int, int, int]:
    """The longest of `runs` cut to a[alo:ahi] x b[blo:bhi]; ties go to the earliest in a,
    then in b, as in SequenceMatcher.find_longest_match."""
    best = (alo, blo, 0)
    for i, j, k in runs:
        d = j - i
        start = max(i, alo, blo - d)
        size = min(i + k, ahi, bhi - d) - start
        if size > best[2] or (size == best[2] and size and (start, start + d) < best[:2]):
            best = (start, start + d, size)
    return best


def _longest_match_in_small_range(a: str, b: str, alo: int, ahi: int, blo: int,
                                  bhi: int) -> tuple[int, int, int]:
    """SequenceMatcher.find_longest_match(alo, ahi, blo, bhi) without junk, by the same
    scan: i and j ascending, a longer run replaces the best only when strictly longer."""
    best = (alo, blo, 0)
    run_ending: dict[int, int] = {}  # j -> length of the common run ending at a[i-1], b[j]
    for i in range(alo, ahi):
        ch, ending = a[i], {}
        for j in range(blo, bhi):
            if b[j] == ch:
                k = ending[j] = run_ending.get(j - 1, 0) + 1
                if k > best[2]:
                    best = (i - k + 1, j - k + 1, k)
        run_ending = ending
    return best
