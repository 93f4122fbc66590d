"""Data the unicode/artifacts/garble code reads: pattern files, a cheap language guess and
the wordfreq vocabulary. Everything is loaded once per process and cached.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

PATTERNS = Path(__file__).parent / "patterns"
GUESS_CHARS = 1000          # the language guess reads this much text at most
GUESS_MIN_HITS = 4          # fewer stop-word hits than this: no guess
# Latin letters (with Latin-1 accents) only: the listed words need no more, and a full Unicode
# letter class makes this scan several times slower
_WORD = re.compile(r"[a-z\u00df-\u00ff]+")


@lru_cache(maxsize=None)
def load_toml(name: str) -> dict[str, Any]:
    """A TOML file from cleaners/patterns/ (cached: read once per process)."""
    with open(PATTERNS / name, "rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=None)
def _stopword_index() -> dict[str, tuple[str, ...]]:
    """word -> the languages listing it (a word like "in" counts for several)."""
    index: dict[str, list[str]] = {}
    for lang, words in load_toml("stopwords.toml").items():
        for w in words:
            index.setdefault(w, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}


def guess_language(text: str) -> str | None:
    """The language whose commonest function words occur most in `text` (first 1000 chars).

    Cheap stand-in for the language stage, which runs later: good enough to decide whether
    English-only rules may run. None when no language has enough hits or two are close."""
    index = _stopword_index()
    counts = dict.fromkeys(load_toml("stopwords.toml"), 0)
    for word, n in Counter(_WORD.findall(text[:GUESS_CHARS].lower())).items():
        for lang in index.get(word, ()):
            counts[lang] += n
    ranked = sorted(counts.items(), key=lambda kv: kv[1], reverse=True)
    best, hits = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if hits < GUESS_MIN_HITS or hits < 1.5 * runner_up:
        return None
    return best


def doc_language(doc_lang: str | None, text: str) -> str | None:
    """The document's language if a stage already set it, else the cheap guess."""
    if doc_lang:
        return doc_lang.split("-")[0].lower()
    return guess_language(text)


@lru_cache(maxsize=None)
def vocabulary(lang: str) -> dict[str, float] | None:
    """wordfreq's word -> frequency table for `lang` (its data ships inside the package, so
    this works offline); the 'large' list where there is one. None for a language wordfreq
    lacks. Loading the English large list takes ~0.15 s, once per process."""
    import wordfreq  # imported here: loading it costs time only for callers that need it

    for size in ("large", "small"):
        if lang in wordfreq.available_languages(size):
            return wordfreq.get_frequency_dict(lang, size)
    return None
