"""Stage: quality signals per article, then keep / quarantine / drop by config thresholds.

The signals follow the web-text heuristics of Gopher (Rae et al. 2021), C4 and FineWeb, adapted
to news, where one-line paragraphs and headings without a full stop are normal. Every signal is
stored in `doc.quality` (the corpus record's `quality` field), so a user can re-filter a corpus
without cleaning it again. Each rule compares one signal with one config threshold; a reject
names them: "quality.too_short: 41 words < 80". Rules listed in `quarantine_rules` send the
article to rejected/ with its cleaned text (review, restore); the others drop it. When several
rules fail, a dropping rule wins over a quarantining one, and all failed rules are listed in
`doc.quality["failed"]`.

Cost: one split of the text; each distinct token is normalised and tested for letters once
(news repeats many of its words), and the word-based signals are counts made by C loops (map,
filter, Counter) over those results rather than Python loops over the words. A
degenerate text (one word repeated 400k times) is judged on a bounded sample of its words
(start, middle and end windows), so the n-gram counts never grow with the input.
"""
from __future__ import annotations

import operator
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count, filterfalse, repeat
from pathlib import Path
from typing import Any

from cleaners.config import QualityConfig
from cleaners.document import REMOVE, REPLACE, TO_METADATA, Document, Reject
from cleaners.language import WORD_EDGES, script_counts, stopwords

STAGE = "quality"
PATTERNS_FILE = Path(__file__).parent / "patterns" / "quality.toml"

# Word-based signals look at no more than this many words (news articles have far fewer);
# longer texts are sampled in three windows: start, middle, end.
MAX_SAMPLE_WORDS = 20_000
NGRAM_SIZES = (2, 3, 4)


@dataclass(frozen=True)
class Patterns:
    symbols: tuple[str, ...]
    terminal: frozenset[str]
    closers: str
    letters_per_word: dict[str, float]


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    data = tomllib.loads(PATTERNS_FILE.read_text(encoding="utf-8"))
    return Patterns(tuple(data["symbols"]), frozenset(data["terminal"]), "".join(data["closers"]),
                    dict(data["letters_per_word"]))


# ---- signals ---------------------------------------------------------------------------------
def measure(doc: Document) -> dict[str, Any]:
    """Every quality signal of a document (numbers, or None where a signal does not apply)."""
    pat = patterns()
    paras = [p.text for p in doc.paragraphs if p.text.strip()]
    text = "\n".join(paras)
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    tokens = text.split()
    spaceless = pat.letters_per_word.get(doc.lang or "")
    sample = sample_words(tokens)
    words, letterless = _words_and_letterless(sample)
    signals: dict[str, Any] = {
        "word_count": estimated_words(text, spaceless) if spaceless else len(tokens),
        "char_count": len(text),
        "paragraph_count": len(paras),
        "mean_word_length": None,
        "symbol_word_ratio": symbol_ratio(text, len(tokens), pat.symbols),
        "terminal_punct_share": terminal_share(lines, pat),
        "terminal_punct_char_share": terminal_share(lines, pat, by_chars=True),
        "dup_line_fraction": dup_fraction(lines),
        "dup_para_fraction": dup_fraction(paras),
        "dup_para_char_fraction": dup_char_fraction(paras),
        "stopword_count": None,
        "stopword_share": None,
        "non_alpha_ratio": letterless / len(sample) if sample else None,
        "boilerplate_share": boilerplate_share(doc),
        "garble": _number(doc.scores.get("garble")),
    }
    for n in NGRAM_SIZES:
        signals[f"top_{n}gram_share"] = None
    if not spaceless and words:
        # Word-based signals mean nothing for languages written without spaces.
        signals["mean_word_length"] = sum(map(len, words)) / len(words)
        signals.update({f"top_{n}gram_share": share
                        for n, share in top_ngram_shares(words, NGRAM_SIZES).items()})
        stops = stopwords(doc.lang)
        if stops:
            hits = sum(map(stops.__contains__, words))
            signals["stopword_count"] = hits
            signals["stopword_share"] = hits / len(words)
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in signals.items()}


def sample_words(tokens: list[str]) -> list[str]:
    if len(tokens) <= MAX_SAMPLE_WORDS:
        return tokens
    half, quarter = MAX_SAMPLE_WORDS // 2, MAX_SAMPLE_WORDS // 4
    mid = len(tokens) // 2
    return tokens[:half] + tokens[mid - quarter // 2: mid + quarter // 2] + tokens[-quarter:]


def estimated_words(text: str, letters_per_word: float) -> int:
    return round(sum(script_counts(text).values()) / letters_per_word)


def symbol_ratio(text: str, n_words: int, symbols: tuple[str, ...]) -> float | None:
    if not n_words:
        return None
    # "..." is counted once, not also as three dots of some longer symbol
    return sum(text.count(s) for s in symbols) / n_words


def terminal_share(lines: list[str], pat: Patterns, by_chars: bool = False) -> float | None:
    """Share of lines (or of their characters) ending in terminal punctuation."""
    weights = list(map(len, lines)) if by_chars else [1] * len(lines)
    total = sum(weights)
    if not total:
        return None
    # last character after the closers, "" for a line of closers only (C loops, no lambda)
    last = map(operator.getitem, map(str.rstrip, lines, repeat(pat.closers)), repeat(_LAST))
    return sum(compress(weights, map(pat.terminal.__contains__, last))) / total


_LAST = slice(-1, None)


def dup_fraction(items: list[str]) -> float | None:
    """Share of items that repeat an earlier item exactly."""
    if not items:
        return None
    return (len(items) - len(set(items))) / len(items)


def dup_char_fraction(items: list[str]) -> float | None:
    """Share of characters in items that repeat an earlier item."""
    total = sum(map(len, items))
    if not total:
        return None
    seen: set[str] = set()
    dup = 0
    for it in items:
        if it in seen:
            dup += len(it)
        seen.add(it)
    return dup / total


def top_ngram_share(words: list[str], n: int) -> float | None:
    """Gopher: characters covered by the most frequent word n-gram / characters of all words.

    Occurrences may overlap ("word word word"), so the raw figure can pass 1: capped at 1."""
    if len(words) < n:
        return None
    counts = Counter(zip(*(words[i:] for i in range(n))))
    gram, count = counts.most_common(1)[0]
    if count < 2:
        return 0.0
    total = sum(map(len, words))
    return min(1.0, count * sum(map(len, gram)) / total)


def top_ngram_shares(words: list[str], sizes: tuple[int, ...]) -> dict[int, float | None]:
    """{n: top_ngram_share(words, n)} for each n of `sizes`, counted with less work:

    - an n-gram is one integer, not a tuple: word i of the vocabulary is the digit i, the
      n-gram the number its digits make in base len(vocabulary) (distinct n-grams, distinct
      numbers);
    - an (n+1)-gram can repeat only where both n-grams in it repeat (at i and at i + 1), so
      longer n-grams are counted only at those places. Every place of a repeated n-gram is
      kept, so its count is exact, and the n-grams come in the same order of first occurrence:
      the top count and the n-gram that wins a tie are those of Counter(all n-grams)."""
    vocab = dict(zip(dict.fromkeys(words), count()))
    digits = list(map(vocab.__getitem__, words))
    total = sum(map(len, words))
    shares: dict[int, float | None] = {}
    # the 2-grams at every place: number = first digit * base + second digit
    starts: list[int] = list(range(len(words) - 1))
    keys = list(map(operator.add, map(operator.mul, digits, repeat(len(vocab))), digits[1:]))
    for n in range(2, max(sizes, default=1) + 1):
        if n > 2:
            starts, keys = _longer_grams(starts, keys, counts, digits, n, len(vocab))
        counts = Counter(keys)
        if n in sizes:
            shares[n] = None if len(words) < n else _top_share(starts, keys, counts, words, n, total)
    return {n: shares[n] for n in sizes}


def _longer_grams(starts: list[int], keys: list[int], counts: Counter, digits: list[int], n: int,
                  base: int) -> tuple[list[int], list[int]]:
    """The places and numbers of the n-grams that may repeat, from those of the (n-1)-grams."""
    # (all C loops: this runs over most words of an article)
    repeats = list(map(operator.lt, repeat(1), map(counts.__getitem__, keys)))
    places = list(compress(starts, repeats))
    both = list(map(set(places).__contains__, map(operator.add, places, repeat(1))))
    longer = list(compress(places, both))
    last_words = map(digits.__getitem__, map(operator.add, longer, repeat(n - 1)))
    shifted = map(operator.mul, compress(compress(keys, repeats), both), repeat(base))
    return longer, list(map(operator.add, shifted, last_words))


def _top_share(starts: list[int], keys: list[int], counts: Counter, words: list[str], n: int,
               total: int) -> float:
    top = max(counts.values(), default=0)
    if top < 2:
        return 0.0
    key = next(k for k, c in counts.items() if c == top)  # the first to occur, as most_common
    first = starts[keys.index(key)]
    return min(1.0, top * sum(map(len, words[first:first + n])) / total)


def non_alpha_ratio(tokens: list[str]) -> float | None:
    """Share of whitespace tokens without a single letter (numbers, dashes, symbols)."""
    if not tokens:
        return None
    return _words_and_letterless(tokens)[1] / len(tokens)


def _words_and_letterless(tokens: list[str]) -> tuple[list[str], int]:
    """The normalised words of `tokens` (norm_word, empty ones dropped) and the number of
    tokens without a single letter; each distinct token is looked at once."""
    distinct = dict.fromkeys(tokens)
    # norm_word(t) is t.strip(WORD_EDGES).lower(): done by C loops, without a call per token
    word_of = dict(zip(distinct, map(str.lower, map(str.strip, distinct, repeat(WORD_EDGES)))))
    letterless = {t for t in filterfalse(str.isalpha, distinct) if not any(map(str.isalpha, t))}
    words = list(filter(None, map(word_of.__getitem__, tokens)))
    return words, sum(map(letterless.__contains__, tokens))


def boilerplate_share(doc: Document) -> float | None:
    """Share of the raw text that the boilerplate stage removed (from its edit log)."""
    if not doc.raw_text:
        return None
    removed = 0
    for e in doc.edits:
        if e.stage != "boilerplate":
            continue
        if e.action in (REMOVE, TO_METADATA):
            removed += len(e.before)
        elif e.action == REPLACE:
            removed += max(0, len(e.before) - len(e.after))
    return min(1.0, removed / len(doc.raw_text))


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


# ---- decision --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    rule: str
    signal: str
    op: str            # "<": fails below the threshold, ">": fails above it
    threshold: str     # QualityConfig field
    label: str         # how the message names the value: "{v} {label} {op} {t}"


CHECKS = (
    Check("too_short", "word_count", "<", "min_words", "words"),
    Check("short", "word_count", "<", "quarantine_min_words", "words"),
    Check("word_length", "mean_word_length", "<", "min_mean_word_length", "mean word length"),
    Check("word_length", "mean_word_length", ">", "max_mean_word_length", "mean word length"),
    # Many repeated lines (by count) in news are mostly leftover markers ("Advertisement"):
    # quarantined by default. Much repeated text (by characters) is a degenerate page: dropped.
    Check("repeated_lines", "dup_line_fraction", ">", "max_dup_line_fraction",
          "duplicate line fraction"),
    Check("repeated_lines", "dup_para_fraction", ">", "max_dup_para_fraction",
          "duplicate paragraph fraction"),
    Check("repeated_paragraphs", "dup_para_char_fraction", ">", "max_dup_para_char_fraction",
          "duplicate paragraph character fraction"),
    Check("repeated_ngrams", "top_2gram_share", ">", "max_top_2gram_share", "top 2-gram share"),
    Check("repeated_ngrams", "top_3gram_share", ">", "max_top_3gram_share", "top 3-gram share"),
    Check("repeated_ngrams", "top_4gram_share", ">", "max_top_4gram_share", "top 4-gram share"),
    Check("few_stopwords", "stopword_count", "<", "min_stopword_count", "stop words"),
    Check("low_stopword_share", "stopword_share", "<", "min_stopword_share", "stop-word share"),
    Check("symbols", "symbol_word_ratio", ">", "max_symbol_word_ratio", "symbol/word ratio"),
    Check("terminal_punct", "terminal_punct_share", "<", "min_terminal_punct_share",
          "share of lines ending in terminal punctuation"),
    Check("terminal_punct", "terminal_punct_char_share", "<", "min_terminal_punct_char_share",
          "share of characters in lines ending in terminal punctuation"),
    Check("non_alpha", "non_alpha_ratio", ">", "max_non_alpha_ratio", "non-alphabetic word ratio"),
    Check("garbled", "garble", ">", "max_garble", "garble score"),
    Check("boilerplate_share", "boilerplate_share", ">", "max_boilerplate_share",
          "share of raw text removed as boilerplate"),
)


@dataclass(frozen=True)
class Failure:
    rule: str
    message: str
    quarantine: bool


def failures(signals: dict[str, Any], cfg: QualityConfig) -> list[Failure]:
    """Every failed check, in CHECKS order; one failure per rule (its first failed check)."""
    out: list[Failure] = []
    failed_rules: set[str] = set()
    for c in CHECKS:
        value, limit = signals.get(c.signal), getattr(cfg, c.threshold)
        if c.rule in cfg.disabled_rules or c.rule in failed_rules or value is None or limit is None:
            continue
        if (value < limit) if c.op == "<" else (value > limit):
            failed_rules.add(c.rule)
            out.append(Failure(c.rule, _message(c, value, limit), c.rule in cfg.quarantine_rules))
    return out


def _message(c: Check, value: Any, limit: Any) -> str:
    shown = value if isinstance(value, int) else f"{value:.3g}"
    if c.label in ("words", "stop words"):
        return f"{shown} {c.label} {c.op} {limit}"
    return f"{c.label} {shown} {c.op} {limit}"


def decide(fails: list[Failure]) -> tuple[str, Failure | None]:
    """keep / quarantine / drop, and the failure that decided it (a drop beats a quarantine)."""
    for f in fails:
        if not f.quarantine:
            return "drop", f
    if fails:
        return "quarantine", fails[0]
    return "keep", None


def thresholds(cfg: QualityConfig) -> list[dict[str, Any]]:
    """The active checks as data, for the report to draw beside each signal's distribution."""
    out = []
    for c in CHECKS:
        limit = getattr(cfg, c.threshold)
        if limit is None or c.rule in cfg.disabled_rules:
            continue
        action = "quarantine" if c.rule in cfg.quarantine_rules else "drop"
        out.append({"rule": f"{STAGE}.{c.rule}", "signal": c.signal, "op": c.op,
                    "threshold": limit, "action": action})
    return out


def apply(doc: Document, ctx) -> None:
    cfg = ctx.config.quality
    doc.quality.update(measure(doc))
    if not cfg.enabled:
        return
    fails = failures(doc.quality, cfg)
    decision, deciding = decide(fails)
    doc.quality["decision"] = decision
    doc.quality["failed"] = [f"{STAGE}.{f.rule}" for f in fails]
    if deciding is not None:
        raise Reject(STAGE, deciding.rule, deciding.message, quarantine=decision == "quarantine")
