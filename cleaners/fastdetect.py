"""langdetect's answer, computed faster: same profiles, same seeded draws, same probabilities.

langdetect (`Detector.get_probabilities`) spends its time in three pure-Python loops: building
the target text one character at a time, cutting it into 1-3-grams one character at a time,
and multiplying 55 language probabilities one at a time for each n-gram it draws. This module
runs the same algorithm with the same numbers, only with the loops moved:

  * text: the same URL/e-mail/Vietnamese clean-up (langdetect's own regexes and
    `NGram.normalize_vi`), then runs of spaces collapsed with one regex instead of a loop;
  * n-grams: each character normalised through a table filled lazily from `NGram.normalize`
    (so `str.translate` does the per-character work), then words cut at spaces; a word's
    n-grams depend on the word alone, so they are computed once per distinct word and cached;
  * probabilities: one numpy row per n-gram. `prob *= weight + row` does the same IEEE double
    operations, element by element, as langdetect's loop; the sum for normalising uses
    Python's `sum` over a list exactly as langdetect does, so every figure is bit-identical.
    The random draws (`gauss` for alpha, `choice` of an n-gram) come from a `random.Random`
    seeded the same way, in the same order.

tests/test_fastdetect.py checks the results against langdetect's own Detector on texts in
many scripts, with capitals, URLs, mail addresses and combining marks.
"""
from __future__ import annotations

import random
import re
import threading

import numpy as np
from langdetect import detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.language import Language
from langdetect.utils.ngram import NGram

_SPACES = re.compile(" {2,}")
_ASCII_LATIN = re.compile("[A-z]")            # langdetect's 'A' <= ch <= 'z' (with [\]^_`)
# Every char >= U+0300 counts as non-Latin: langdetect means to spare Latin Extended Additional,
# but compares unicode_block()'s number with the block's name, so in effect it spares nothing.
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")
_WORD_CACHE_MAX = 200_000                      # distinct words kept per process (a few MB)


class _NormTable(dict):
    """ord(ch) -> normalised char for str.translate, filled from NGram.normalize on first use."""

    def __missing__(self, code: int) -> str:
        value = NGram.normalize(chr(code))
        self[code] = value
        return value


_NORM = _NormTable()


class Model:
    """The loaded profiles as numpy rows (built once per process, on first use)."""

    def __init__(self) -> None:
        detector_factory.init_factory()               # langdetect loads its profiles once
        factory = detector_factory._factory
        self.langlist: list[str] = list(factory.langlist)
        self.word_probs: dict[str, list[float]] = factory.word_lang_prob_map
        self.rows: dict[str, np.ndarray] = {}         # n-gram -> float64 row, made on demand
        self.words: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        template = Detector(factory)
        self.alpha, self.n_trial = template.alpha, template.n_trial
        self.max_text_length = template.max_text_length

    def row(self, gram: str) -> np.ndarray:
        row = self.rows.get(gram)
        if row is None:
            row = self.rows[gram] = np.array(self.word_probs[gram], dtype=np.float64)
        return row

    def word_grams(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(n-grams inside the word, n-grams of the space after it) that are in the profiles,
        in langdetect's order. `word` is normalised and holds no space."""
        cached = self.words.get(word)
        if cached is not None:
            return cached
        known = self.word_probs
        inside: list[str] = []
        grams, last = " ", " "
        for ch in word:
            grams = grams[1:] + ch if len(grams) >= NGram.N_GRAM else grams + ch
            capital = ch.isupper() and last.isupper()   # NGram.capitalword
            last = ch
            if capital:
                continue
            for n in (1, 2, 3):
                if len(grams) < n:
                    break
                gram = grams[-n:]
                if gram in known:
                    inside.append(gram)
        grams = (grams[1:] if len(grams) >= NGram.N_GRAM else grams) + " "
        tail = [grams[-2:], grams[-3:]] if len(grams) >= 3 else [grams[-2:]]  # " " alone never counts
        result = (tuple(inside), tuple(g for g in tail if g in known))
        if len(self.words) < _WORD_CACHE_MAX:
            self.words[word] = result
        return result


_MODEL: Model | None = None
_MODEL_LOCK = threading.Lock()


def model() -> Model:
    """The process's model. Built under a lock: langdetect's init_factory publishes its factory
    before the profiles are loaded, so a second thread must wait rather than see half of them."""
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                _MODEL = Model()
    return _MODEL


def target_text(text: str, max_length: int) -> str:
    """Detector.append then Detector.cleaning_text, without the per-character loops."""
    text = Detector.URL_RE.sub(" ", text)
    text = Detector.MAIL_RE.sub(" ", text)
    text = NGram.normalize_vi(text)
    text = _SPACES.sub(" ", text[:max_length])
    if not text.isascii():
        latin = len(_ASCII_LATIN.findall(text))
        if latin * 2 < len(_NON_LATIN.findall(text)):
            text = _ASCII_LATIN.sub("", text)
    return text


def extract_ngrams(text: str) -> list[str]:
    """Detector._extract_ngrams of a cleaned target text."""
    m = model()
    normalised = text.translate(_NORM)
    words = normalised.split(" ")
    result: list[str] = []
    last = len(words) - 1
    for k, word in enumerate(words):
        if not word:
            continue
        inside, after = m.word_grams(word)
        result.extend(inside)
        if k < last:                     # a space follows: the grams ending in it count
            result.extend(after)
    return result


def probabilities(text: str, seed: int | None) -> list[Language]:
    """Detector.get_probabilities() of a fresh detector with `seed`; raises LangDetectException
    ('No features in text.') as langdetect does."""
    m = model()
    ngrams = extract_ngrams(target_text(text, m.max_text_length))
    if not ngrams:
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    size = len(m.langlist)
    langprob = np.zeros(size)
    rng = random.Random()
    rng.seed(seed)
    for _ in range(m.n_trial):
        prob = np.full(size, 1.0 / size)
        alpha = m.alpha + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        i = 0
        while True:
            prob *= weight + m.row(rng.choice(ngrams))
            if i % 5 == 0:
                prob /= sum(prob.tolist())          # langdetect: sum() of the list, in order
                if prob.max() > Detector.CONV_THRESHOLD or i >= Detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / m.n_trial
    ranked = [Language(lang, p) for lang, p in zip(m.langlist, langprob.tolist())
              if p > Detector.PROB_THRESHOLD]
    ranked.sort(reverse=True)
    return ranked
