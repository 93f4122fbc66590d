"""langdetect's answer, computed faster: same profiles, same seeded draws, same probabilities.

langdetect (`Detector.get_probabilities`) spends its time in pure-Python loops: building the
target text one character at a time, cutting it into 1-3-grams one character at a time, drawing
one n-gram at a time with `random.choice` and multiplying 55 language probabilities one at a
time for each draw. This module runs the same algorithm with the same numbers, only with the
loops moved:

  * text: the same URL/e-mail/Vietnamese clean-up (langdetect's own regexes and
    `NGram.normalize_vi`, each skipped when the text lacks the character it needs), then runs
    of spaces collapsed with one regex instead of a loop;
  * n-grams: each character normalised through a table filled lazily from `NGram.normalize`
    (so `str.translate` does the per-character work), then words cut at spaces; a word's
    n-grams depend on the word alone, so they are computed once per distinct word and cached,
    as numbers (ids of rows of one float64 table of the profiles seen so far);
  * draws: `random.Random(seed)` is replayed from its 32-bit outputs (`_Replay`): `choice`
    keeps an output's top k bits when they are below the number of n-grams, so a whole
    trial's draws are a few numpy operations; `gauss` is Python's own, reading the replay;
  * probabilities: langdetect multiplies by `weight + row` for every draw and normalises every
    5 draws. Here the 5 rows of a group are stacked after the normalised probabilities and
    multiplied with one `np.multiply.reduce` along axis 0, which multiplies row after row in
    order: the same IEEE double operations, element by element. The sum for normalising is
    Python's `sum` over a list exactly as langdetect's, so every figure is bit-identical.

If this Python's `random` ever draws differently from the replay (checked once per process),
the answer comes from langdetect's own Detector instead: slower, never different.

tests/test_fastdetect.py checks the results against langdetect's own Detector on texts in
many scripts, with capitals, URLs, mail addresses and combining marks, and the replay against
`random.Random`.
"""
from __future__ import annotations

import bisect
import random
import re
import struct
import threading
from array import array
from functools import lru_cache

import numpy as np
from langdetect import detector_factory
from langdetect.detector import Detector
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.language import Language
from langdetect.utils.ngram import NGram

_SPACES = re.compile(" {2,}")
_ASCII_LATIN_RUNS = re.compile("[A-z]+")       # langdetect's 'A' <= ch <= 'z' (with [\]^_`)
_NOT_ASCII_LATIN = bytes(b for b in range(128) if not 65 <= b <= 122)   # bytes.translate deletes
# Every char >= U+0300 counts as non-Latin: langdetect means to spare Latin Extended Additional,
# but compares unicode_block()'s number with the block's name, so in effect it spares nothing.
_NON_LATIN_RUNS = re.compile("[\u0300-\U0010ffff]+")
_VI_MARKS = tuple(NGram.DMARK_CLASS)           # normalize_vi only acts next to one of these
_WORD_CACHE_MAX = 100_000                      # distinct normalised words kept per process
_TOKEN_CACHE_MAX = 100_000                     # distinct raw tokens kept per process
GROUP = 5                                      # langdetect normalises every 5th draw
CHUNK_GROUPS = 8                               # rows made at once: ~7 groups end a trial on news
CHUNK = 1 + GROUP * CHUNK_GROUPS
_CONV, _ITERATION_LIMIT = Detector.CONV_THRESHOLD, Detector.ITERATION_LIMIT
# The leader's share that proves no other language can pass CONV_THRESHOLD (see _converged).
_LEADER_PROOF = 2 * (1.0 - _CONV)


class _NormTable(dict):
    """ord(ch) -> normalised char for str.translate, filled from NGram.normalize on first use."""

    def __missing__(self, code: int) -> str:
        value = NGram.normalize(chr(code))
        self[code] = value
        return value


_NORM = _NormTable()


class _TokenGrams(dict):
    """raw token (text between two spaces) -> ids of its n-grams when a space follows it, in
    langdetect's order; cached, so a repeated token skips normalisation and the gram loop.
    Held as array('q'), so a text's ids are joined by memcpy and read by numpy in place.

    Normalising a token can turn its punctuation into spaces: each piece then ends in a space."""

    def __init__(self, model: "Model") -> None:
        super().__init__({"": array("q")})
        self.model = model

    def __missing__(self, token: str) -> array:
        value = array("q")
        for word in token.translate(_NORM).split(" "):
            if word:
                inside, tail = self.model.word_grams(word)
                value += inside
                value += tail
        if len(self) < _TOKEN_CACHE_MAX:
            self[token] = value
        return value


class Model:
    """The loaded profiles (built once per process, on first use). A profile row becomes a row
    of `table` (float64, one column per language) the first time one of its n-grams is seen."""

    def __init__(self) -> None:
        detector_factory.init_factory()               # langdetect loads its profiles once
        factory = detector_factory._factory
        self.factory = factory
        self.langlist: list[str] = list(factory.langlist)
        self.word_probs: dict[str, list[float]] = factory.word_lang_prob_map
        template = Detector(factory)
        self.alpha, self.n_trial = template.alpha, template.n_trial
        self.max_text_length = template.max_text_length
        self.uniform = np.full(len(self.langlist), 1.0 / len(self.langlist))
        self.gram_ids: dict[str, int] = {}
        self.grams: list[str] = []                    # id -> n-gram
        self.table = np.empty((1024, len(self.langlist)))
        self._grow_lock = threading.Lock()
        self.words: dict[str, tuple[array, array]] = {}
        self._row = struct.Struct(f"={len(self.langlist)}d")    # a profile row as doubles
        self.tokens = _TokenGrams(self)
        self.replay_ok = replay_matches_random()

    def gram_id(self, gram: str) -> int:
        """The row id of a profile n-gram. A new row is written before its id is published, and
        a grown table is a copy holding every published row: a reader that takes `table` after
        its ids always finds their rows, whatever other threads add meanwhile."""
        gid = self.gram_ids.get(gram)
        if gid is not None:
            return gid
        with self._grow_lock:
            gid = self.gram_ids.get(gram)
            if gid is None:
                gid = len(self.grams)
                if gid == len(self.table):
                    grown = np.empty((2 * gid, self.table.shape[1]))
                    grown[:gid] = self.table
                    self.table = grown
                # struct packs the floats as they are, ~10x cheaper than numpy reading a list
                self.table[gid] = np.frombuffer(self._row.pack(*self.word_probs[gram]))
                self.grams.append(gram)
                self.gram_ids[gram] = gid
            return gid

    def word_grams(self, word: str) -> tuple[array, array]:
        """(ids of the n-grams inside the word, ids of the n-grams of the space after it) that
        are in the profiles, in langdetect's order. `word` is normalised and holds no space.

        langdetect's NGram keeps the last 3 chars, starting from a space: at char j of the word
        its 1-, 2- and 3-grams are the slices of " " + word ending there, and none are taken
        when the char and the one before are both capitals (NGram.capitalword)."""
        cached = self.words.get(word)
        if cached is not None:
            return cached
        padded = " " + word + " "
        candidates: list[str] = []
        for j, ch in enumerate(word):            # ch is padded[j + 1]
            if ch.isupper() and padded[j].isupper():
                continue
            candidates += (ch, padded[j:j + 2], padded[j - 1:j + 2]) if j else (ch, padded[:2])
        tail = (padded[-2:], padded[-3:])         # " " + one char + " " counts: 3 chars kept
        result = (self._known_ids(candidates), self._known_ids(tail))
        if len(self.words) < _WORD_CACHE_MAX:
            self.words[word] = result
        return result

    def _known_ids(self, grams) -> array:
        ids, known, gram_id = self.gram_ids, self.word_probs, self.gram_id
        return array("q", [ids[g] if g in ids else gram_id(g) for g in grams if g in known])


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
    if "http" in text:                  # URL_RE starts with a literal "http"
        text = Detector.URL_RE.sub(" ", text)
    if "@" in text:                     # MAIL_RE needs an "@"
        text = Detector.MAIL_RE.sub(" ", text)
    if any(mark in text for mark in _VI_MARKS):
        text = NGram.normalize_vi(text)
    text = text[:max_length]
    if "  " in text:
        text = _SPACES.sub(" ", text)
    if not text.isascii():
        latin = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LATIN))
        # non-Latin chars are at most the others: a text a third Latin keeps its Latin letters
        if latin * 3 < len(text) and latin * 2 < sum(map(len, _NON_LATIN_RUNS.findall(text))):
            text = _ASCII_LATIN_RUNS.sub("", text)
    return text


def ngram_ids(text: str) -> np.ndarray:
    """Detector._extract_ngrams of a cleaned target text, as row ids of model().table.

    A space normalises to a space, so the text's n-grams are those of its space-separated
    tokens in a row; every token but the last is followed by a space. Each token's ids are an
    array('q'): one bytes join lays them end to end."""
    m = model()
    tokens = text.split(" ")
    last = tokens.pop()
    parts = list(map(m.tokens.__getitem__, tokens))
    *followed, final = last.translate(_NORM).split(" ")
    for word in followed:
        if word:
            parts += m.word_grams(word)
    if final:
        parts.append(m.word_grams(final)[0])
    return np.frombuffer(b"".join(parts), dtype=np.int64)


def extract_ngrams(text: str) -> list[str]:
    """Detector._extract_ngrams of a cleaned target text."""
    grams = model().grams
    return [grams[i] for i in ngram_ids(text).tolist()]


# ---- random.Random, replayed ---------------------------------------------------------------
@lru_cache(maxsize=16)
def _outputs(seed: int, count: int) -> np.ndarray:
    """The first `count` 32-bit outputs of random.Random(seed)'s Mersenne Twister, in order
    (getrandbits of 32*count bits puts the first output in the lowest 32 bits). Read-only."""
    bits = random.Random(seed).getrandbits(32 * count)
    return np.frombuffer(bits.to_bytes(4 * count, "little"), dtype="<u4")


class _Replay:
    """The draws a Detector's random.Random(seed) makes on `n` n-grams, from its raw outputs.

    random() takes two outputs; gauss() is random.Random.gauss itself, run on this object;
    choice() of n items takes outputs until one's top n.bit_length() bits are below n. A trial
    reads its draws ahead (`draws`) and then says how many it used (`advance`)."""

    FIRST_WINDOW = 640              # outputs; 9 in 10 news samples' 7 trials take fewer

    def __init__(self, seed: int, n: int) -> None:
        self.seed, self.n, self.shift = seed, n, 32 - n.bit_length()
        self.gauss_next: float | None = None      # random.Random.gauss keeps its pair here
        self.pos = 0                                # the next unread output
        self._load(self.FIRST_WINDOW)

    def _load(self, size: int) -> None:
        self.outputs = _outputs(self.seed, size)
        candidates = self.outputs >> self.shift
        self.kept_at = np.flatnonzero(candidates < self.n)     # outputs choice() keeps
        self.kept_at_list = self.kept_at.tolist()
        self.picks = candidates[self.kept_at].astype(np.intp)  # the index each one picks

    def random(self) -> float:
        """random.Random.random: 27 + 26 bits of two outputs as a double in [0, 1)."""
        while self.pos + 2 > len(self.outputs):
            self._load(2 * len(self.outputs))
        a = self.outputs.item(self.pos) >> 5
        b = self.outputs.item(self.pos + 1) >> 6
        self.pos += 2
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0)

    def gauss(self) -> float:
        return random.Random.gauss(self, 0.0, 1.0)

    def draws(self, offset: int, count: int) -> np.ndarray:
        """Indices picked by the choice() calls offset..offset+count-1 from here on."""
        first = bisect.bisect_left(self.kept_at_list, self.pos) + offset
        while first + count > len(self.picks):
            self._load(2 * len(self.outputs))
        return self.picks[first:first + count]

    def advance(self, used: int) -> None:
        """`used` choice() calls were made: move past the output of the last one."""
        first = bisect.bisect_left(self.kept_at_list, self.pos)
        self.pos = self.kept_at_list[first + used - 1] + 1


def replay_matches_random(seeds=(0, 1, 7, 2**40 + 3), sizes=(1, 2, 3, 5, 64, 100, 2483)) -> bool:
    """Does _Replay draw what random.Random draws (gauss, then choices), on this Python?"""
    for seed in seeds:
        for n in sizes:
            rng, replay = random.Random(seed), _Replay(seed, n)
            for used in (1, 6, 41, 3, 1):
                expected = [rng.gauss(0.0, 1.0)] + [rng.choice(range(n)) for _ in range(used)]
                got = [replay.gauss()] + replay.draws(0, used).tolist()
                replay.advance(used)
                if expected != got:
                    return False
    return True


# ---- the trials ----------------------------------------------------------------------------
def _converged(values: list[float], total: float, leader: int) -> tuple[bool, int]:
    """Is max(values) / total > CONV_THRESHOLD? and the index of a leading language.

    Division by a positive total keeps the order (IEEE rounding is monotonic), so langdetect's
    max of the normalised values is max(values) / total. Normalised values are >= 0 and sum to
    at most 1 + 1e-14, so once a language holds twice 1 - CONV_THRESHOLD no other can pass the
    threshold: then the leader's own value answers, and the full max is needed only when the
    leader has fallen below that. (_trial inlines the first two answers.)"""
    share = values[leader] / total
    if share > _CONV:
        return True, leader
    if share >= _LEADER_PROOF:
        return False, leader
    top = max(values)
    return top / total > _CONV, values.index(top)


def _rows(table: np.ndarray, ids: np.ndarray, picks: np.ndarray, weight: float) -> np.ndarray:
    """weight + profile row of each pick: the factor langdetect multiplies by for that draw."""
    rows = table[ids[picks]]
    rows += weight
    return rows


def _trial(m: Model, table: np.ndarray, ids: np.ndarray, replay: _Replay, weight: float,
           leader: int, out: np.ndarray) -> int:
    """One trial of Detector._detect_block: its normalised probabilities go to `out`; returns
    the leading language (a good first guess for the next trial).

    A chunk of rows holds the factors of CHUNK_GROUPS groups of 5 draws after the draw of its
    first row. That row's factor is applied already when a group starts, so the normalised
    probabilities are written over it and the 6 rows are reduced, in order, into prob."""
    rows = _rows(table, ids, replay.draws(0, CHUNK), weight)
    prob = m.uniform * rows[0]
    sums = np.empty_like(prob)
    at = 0                                    # rows[at]: the last draw applied
    i = 0                                     # langdetect's draw counter
    while True:
        if _SUM_IN_ORDER:                     # langdetect's sum() of the list, without the list
            total = _accumulate(prob, 0, None, sums).item(-1)
            share = prob.item(leader) / total
        else:
            values = prob.tolist()
            total = sum(values)
            share = values[leader] / total
        if share > _CONV:                     # _converged's first answers, inline
            break
        if share < _LEADER_PROOF:
            converged, leader = _converged(prob.tolist(), total, leader)
            if converged:
                break
        if i >= _ITERATION_LIMIT:
            break
        if at == CHUNK - 1:                   # the chunk is used up: draw i and the next ones
            rows = _rows(table, ids, replay.draws(i, CHUNK), weight)
            at = 0
        _divide(prob, total, rows[at])
        _multiply_rows(rows[at:at + GROUP + 1], 0, None, prob)    # axis 0, into prob
        at += GROUP
        i += GROUP
    _divide(prob, total, out)
    replay.advance(i + 1)
    return leader


_divide = np.divide
_multiply_rows = np.multiply.reduce
_accumulate = np.add.accumulate
# Before Python 3.12 sum() adds floats one after the other, as np.add.accumulate does (its last
# element is then langdetect's sum, bit for bit); 3.12 compensates the rounding, so there the
# list is summed by sum() itself.
_SUM_IN_ORDER = sum([1e16, 1.0, -1e16]) == 0.0


def probabilities(text: str, seed: int | None) -> list[Language]:
    """Detector.get_probabilities() of a fresh detector with `seed`; raises LangDetectException
    ('No features in text.') as langdetect does."""
    m = model()
    if seed is None or not m.replay_ok:
        return _langdetect(m, text, seed)
    ids = ngram_ids(target_text(text, m.max_text_length))
    if not len(ids):
        raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
    table = m.table                           # taken after the ids: holds all their rows
    replay = _Replay(seed, len(ids))
    trials = np.empty((m.n_trial, len(m.langlist)))
    leader = 0
    for t in range(m.n_trial):
        alpha = m.alpha + replay.gauss() * Detector.ALPHA_WIDTH
        leader = _trial(m, table, ids, replay, alpha / Detector.BASE_FREQ, leader, trials[t])
    # langdetect: langprob[j] += prob[j] / n_trial, trial after trial, from 0.0 (0.0 + x == x)
    trials /= m.n_trial
    langprob = _accumulate(trials, 0, None, trials)[-1]
    ranked = [Language(lang, p) for lang, p in zip(m.langlist, langprob.tolist())
              if p > Detector.PROB_THRESHOLD]
    ranked.sort(reverse=True)
    return ranked


def _langdetect(m: Model, text: str, seed: int | None) -> list[Language]:
    """langdetect's own Detector: for seed None (fresh entropy) or a Python the replay misses."""
    detector = m.factory.create()
    detector.seed = seed
    detector.append(text)
    return detector.get_probabilities()
