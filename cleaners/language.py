"""Stage: language identification, and a flag on paragraphs written in another language.

The article language comes from langdetect on a bounded sample (`sample_chars`) taken from
paragraphs spread over the article, not only its start: a lead paragraph can be a quote in
another language, and the whole article would cost ~30 ms instead of ~3. langdetect draws
random n-grams; each detector gets the configured seed, so a text always gets the same answer.
The profiles are loaded once per process (langdetect's own shared factory).

Mixed articles (an English article with a paragraph in Russian) are found cheaply, without
running langdetect on every paragraph:
  1. script check: a paragraph mostly in another script than the article (Cyrillic in a Latin
     article) is foreign without any model;
  2. stop-word screen: a same-script paragraph of enough words with almost none of the
     article language's stop words is a candidate;
and langdetect only confirms those few. Foreign paragraphs are flagged, not removed
(rule `language.mixed_paragraph`), and carry `Paragraph.attrs["lang"]`.

A document in a language not in `keep` is rejected (`language.unwanted: de not in [en]`).
A text too short to tell gets lang None and is left to the quality stage.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Iterator

from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

from cleaners import fastdetect
from cleaners.document import Document, Reject

STAGE = "language"
STOPWORDS_DIR = Path(__file__).parent / "patterns" / "stopwords"

# Unicode ranges of the scripts worth telling apart. These are facts about Unicode, not tunable
# patterns, so they live here. Indic scripts share one entry: mixing two of them in one news
# article is rare, and langdetect tells them apart when it matters.
SCRIPT_RANGES = {
    "latin": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff",
    "greek": "\u0370-\u03ff\u1f00-\u1fff",
    "cyrillic": "\u0400-\u052f",
    "armenian": "\u0531-\u058f",
    "hebrew": "\u0590-\u05ff",
    "arabic": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff",
    "indic": "\u0900-\u0dff",
    "thai": "\u0e00-\u0e7f",
    "georgian": "\u10a0-\u10ff",
    "hangul": "\u1100-\u11ff\uac00-\ud7af",
    "cjk": "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff",
}
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
_SCRIPT_RUNS = {name: re.compile(f"[{chars}]+") for name, chars in SCRIPT_RANGES.items()}
_LATIN_RUNS = (("latin", _SCRIPT_RUNS["latin"]),)
_NON_LATIN_LETTER = re.compile("[" + "".join(c for n, c in SCRIPT_RANGES.items() if n != "latin") + "]")
_SCRIPT_LETTERS = "".join(SCRIPT_RANGES.values())    # the ranges are disjoint
# Script letters count bounded: the dominant script of an article shows in its first 20k chars.
SCRIPT_SCAN_CHARS = 20_000
# A paragraph's script is judged on its first chars; its stop words on its first words.
PARAGRAPH_SCAN_CHARS = 2_000
MIXED_MAX_WORDS = 150
# langdetect costs ~3 ms a call: an article gets at most this many same-script paragraph checks.
MAX_CANDIDATE_CHECKS = 8
# Another language's stop-word share must pass the article language's by this much.
MIXED_LEAD = 0.15
# Characters stripped from a token before it is compared with a stop-word list.
WORD_EDGES = "\"'“”‘’„«»‹›()[]{}<>.,;:!?¡¿…—–-*/\\|#@%&"


# ---- shared helpers (the quality stage uses them too) --------------------------------------
@lru_cache(maxsize=None)
def stopwords(lang: str | None) -> frozenset[str]:
    """Stop words of a langdetect language code; empty when there is no list for it."""
    if not lang or not re.fullmatch(r"[a-z]{2,3}(-[a-z]{2})?", lang):
        return frozenset()
    path = STOPWORDS_DIR / f"{lang}.txt"
    if not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=None)
def _verbatim_stopwords(lang: str | None) -> frozenset[str]:
    """The stop words that norm_word leaves as they are (in practice all): a token equal to
    one of them is a stop word without being normalised."""
    return frozenset(w for w in stopwords(lang) if norm_word(w) == w)


@lru_cache(maxsize=1)
def stopword_index() -> dict[str, tuple[str, ...]]:
    """word -> the languages whose stop-word list holds it (every list in STOPWORDS_DIR)."""
    index: dict[str, list[str]] = {}
    for path in sorted(STOPWORDS_DIR.glob("*.txt")):
        for w in stopwords(path.stem):
            index.setdefault(w, []).append(path.stem)
    return {w: tuple(langs) for w, langs in index.items()}


def stopword_shares(words: list[str]) -> dict[str, float]:
    """Share of `words` (normalised) that are stop words, per language with any hit."""
    index = stopword_index()
    hits: dict[str, int] = {}
    for w in words:
        for lang in index.get(w, ()):
            hits[lang] = hits.get(lang, 0) + 1
    return {lang: n / len(words) for lang, n in hits.items()}


def norm_word(token: str) -> str:
    return token.strip(WORD_EDGES).lower()


def stopword_share(words: list[str], lang: str | None) -> float | None:
    """Share of `words` (already normalised) that are stop words of `lang`; None without a list."""
    stops = stopwords(lang)
    if not stops or not words:
        return None
    return sum(1 for w in words if w in stops) / len(words)


def script_counts(text: str) -> dict[str, int]:
    """Letters per script (only scripts present)."""
    counts = {}
    # most text has no letter outside Latin: one search proves it, and spares ten findall passes
    runs = _SCRIPT_RUNS.items() if _NON_LATIN_LETTER.search(text) else _LATIN_RUNS
    for name, rx in runs:
        n = sum(map(len, rx.findall(text)))
        if n:
            counts[name] = n
    return counts


def dominant_script(text: str) -> str | None:
    text = text[:SCRIPT_SCAN_CHARS]
    return _dominant_script(text, latin_only(text))


def _dominant_script(text: str, plain_latin: bool) -> str | None:
    if plain_latin:             # Latin is the only script with letters here, if any has
        return "latin" if _SCRIPT_RUNS["latin"].search(text) else None
    counts = script_counts(text)
    return max(counts, key=counts.get) if counts else None


@lru_cache(maxsize=None)
def _other_scripts(script: str) -> re.Pattern[str]:
    others = "".join(chars for name, chars in SCRIPT_RANGES.items() if name != script)
    return re.compile(f"[{others}]+")


def _range_pairs(chars: str) -> list[tuple[int, int]]:
    """A regex class body of single chars and ranges ("A-Za-z\u00c0-\u00d6") as (lo, hi) pairs."""
    pairs, i = [], 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            pairs.append((ord(chars[i]), ord(chars[i + 2])))
            i += 3
        else:
            pairs.append((ord(chars[i]), ord(chars[i])))
            i += 1
    return pairs


def _utf8_lead_bytes(lo: int, hi: int) -> set[int]:
    """First UTF-8 bytes of the code points lo..hi (the lead byte changes every 64 at most)."""
    return {chr(cp).encode("utf-8", "surrogatepass")[0] for cp in [*range(lo, hi, 64), hi]}


# UTF-8 lead bytes of every letter of a non-Latin script; general punctuation, currency and
# other symbols (U+2000-U+2FFF, lead 0xE2) and Latin-1 (0xC2-0xC3) are not among them.
_NON_LATIN_LEADS = sorted(set().union(*(_utf8_lead_bytes(lo, hi)
                                        for name, chars in SCRIPT_RANGES.items() if name != "latin"
                                        for lo, hi in _range_pairs(chars))))
_ALL_BUT_NON_LATIN_LEADS = bytes(b for b in range(256) if b not in _NON_LATIN_LEADS)


def latin_only(text: str) -> bool:
    """True when `text` surely holds no letter of a non-Latin script: its UTF-8 has none of
    their lead bytes (one C pass; English news with curly quotes and dashes passes). False
    only means "maybe": Vietnamese letters or a combining mark share lead bytes with them."""
    utf8 = text.encode("utf-8", "surrogatepass")
    return not utf8.translate(None, _ALL_BUT_NON_LATIN_LEADS)


@lru_cache(maxsize=32)
def _at_least(n: int, chars: str, complement: str) -> re.Pattern[str]:
    """Matches at a text's start when n of its characters are in [chars] ([complement] is the
    rest). Possessive: each step skips other characters and takes one, never backtracking."""
    return re.compile(f"(?:[{complement}]*+[{chars}]){{{n}}}")


_LETTER_CLASSES = (r"^\W\d_", r"\W\d_")     # _LETTER_RUNS's letters, and the other chars


def has_letters(text: str, n: int) -> bool:
    """_letters(text) >= n, stopping at the n-th letter instead of counting them all."""
    return n <= 0 or _at_least(n, *_LETTER_CLASSES).match(text) is not None


def has_script_letters(text: str, n: int) -> bool:
    """sum(script_counts(text).values()) >= n, stopping at the n-th letter."""
    return n <= 0 or _at_least(n, _SCRIPT_LETTERS, "^" + _SCRIPT_LETTERS).match(text) is not None


def foreign_script_letters(text: str, script: str) -> tuple[int, int]:
    """(letters in `script`, letters in any other known script) of a paragraph."""
    own = sum(map(len, _SCRIPT_RUNS[script].findall(text)))
    other = sum(map(len, _other_scripts(script).findall(text)))
    return own, other


# ---- langdetect ----------------------------------------------------------------------------
def _factory() -> detector_factory.DetectorFactory:
    detector_factory.init_factory()     # loads the profiles on the first call only
    return detector_factory._factory


def detect(text: str, seed: int, min_letters: int) -> tuple[str | None, float | None]:
    """Best language and its probability, or (None, None) for a text too short to tell."""
    if not has_script_letters(text, min_letters):
        return None, None
    try:   # langdetect's own answer with this seed (never its global one), ~4x faster
        best = fastdetect.probabilities(text, seed)[0]
    except (LangDetectException, IndexError):
        return None, None
    return best.lang, round(best.prob, 4)


def spread_order(n: int) -> Iterator[int]:
    """Indices 0..n-1, early ones spread over the range: 0, n/2, n/4, 3n/4, n/8 ..."""
    seen: set[int] = set()
    parts = 1
    while len(seen) < n:
        for k in range(parts):
            i = k * n // parts
            if i not in seen:
                seen.add(i)
                yield i
        parts *= 2


def build_sample(texts: list[str], sample_chars: int, min_piece_letters: int = 20) -> str:
    """Pieces of paragraphs spread over the article, up to `sample_chars` in all.

    Each piece is cut to a third of the budget so the sample spans several paragraphs of a
    long article (one or two paragraphs share the whole budget); tiny paragraphs (bylines,
    labels) are skipped while longer ones remain."""
    enough = _at_least(min_piece_letters, *_LETTER_CLASSES).match if min_piece_letters > 0 else None
    usable = [t for t in texts if enough is None or enough(t, 0, 200)] or texts   # has_letters(t[:200])
    piece_cap = max(1, sample_chars // max(1, min(3, len(usable))))
    pieces, total = [], 0
    for i in spread_order(len(usable)):
        room = min(piece_cap, sample_chars - total)
        if pieces and room < min_piece_letters * 2:
            break                           # a scrap of a few words would only add noise
        piece = _cut(usable[i], room)
        pieces.append(piece)
        total += len(piece) + 1
    return "\n".join(pieces)


def _letters(text: str) -> int:
    return sum(map(len, _LETTER_RUNS.findall(text)))


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    space = text.rfind(" ", 0, limit)
    return text[: space if space > limit // 2 else limit]


# ---- the stage -------------------------------------------------------------------------------
def apply(doc: Document, ctx) -> None:
    cfg = ctx.config.language
    texts = [p.text for p in doc.paragraphs]
    joined = "\n".join(texts)
    head = joined[:SCRIPT_SCAN_CHARS]
    plain_latin = latin_only(head)
    script = _dominant_script(head, plain_latin)        # dominant_script(joined)
    if plain_latin and len(joined) <= SCRIPT_SCAN_CHARS:
        foreign = []            # every paragraph was seen whole: no letter of another script
    else:
        foreign = foreign_script_paragraphs(texts, script, cfg.mixed_min_letters) if script else []
    skip = set(foreign)
    own_texts = [t for i, t in enumerate(texts) if i not in skip]
    doc.lang, doc.lang_prob = detect(build_sample(own_texts, cfg.sample_chars), cfg.seed,
                                     cfg.min_letters)
    if cfg.keep and doc.lang is not None and not wanted(doc.lang, cfg.keep):
        raise Reject(STAGE, "unwanted", f"{doc.lang} not in [{', '.join(cfg.keep)}]")
    if cfg.mixed_paragraphs and doc.lang is not None:
        flag_mixed_paragraphs(doc, foreign, cfg)


def wanted(lang: str, keep: list[str]) -> bool:
    """`keep` entries match case-insensitively, and "zh" matches langdetect's "zh-cn"/"zh-tw"."""
    keep_lower = {k.lower() for k in keep}
    return lang.lower() in keep_lower or lang.split("-")[0].lower() in keep_lower


def foreign_script_paragraphs(texts: list[str], script: str, min_letters: int) -> list[int]:
    """Paragraphs with enough letters, most of them in another script than the article's."""
    heads = [t[:PARAGRAPH_SCAN_CHARS] for t in texts]
    if script == "latin" and latin_only("".join(heads)):
        return []                       # no letter of another script anywhere: other == 0
    out = []
    for i, head in enumerate(heads):
        if script == "latin" and latin_only(head):
            continue
        own, other = foreign_script_letters(head, script)
        if other >= min_letters and other > own:
            out.append(i)
    return out


def flag_mixed_paragraphs(doc: Document, foreign: list[int], cfg) -> None:
    """Flag foreign paragraphs: one langdetect call per foreign script (its paragraphs pooled),
    one per same-script candidate (at most MAX_CANDIDATE_CHECKS per article)."""
    by_script: dict[str, list[int]] = {}
    for i in foreign:
        by_script.setdefault(_main_script(doc.paragraphs[i].text), []).append(i)
    for other, indices in by_script.items():
        texts = [doc.paragraphs[i].text for i in indices]
        lang, prob = detect(build_sample(texts, cfg.sample_chars), cfg.seed, cfg.min_letters)
        if lang is not None and lang != doc.lang:
            for i in indices:
                _flag(doc, i, lang, prob, f"{other} script")
    skip = set(foreign)
    candidates = [i for i in stopword_candidates(doc, cfg) if i not in skip]
    for i in candidates[:MAX_CANDIDATE_CHECKS]:
        lang, prob = detect(doc.paragraphs[i].text[: cfg.sample_chars], cfg.seed, cfg.min_letters)
        if lang is not None and lang != doc.lang and (prob or 0.0) >= cfg.mixed_min_prob:
            _flag(doc, i, lang, prob, "stop words of another language")


def _flag(doc: Document, i: int, lang: str, prob: float | None, how: str) -> None:
    p = doc.paragraphs[i]
    p.attrs["lang"] = lang
    p.attrs["lang_prob"] = prob
    doc.flag(STAGE, "mixed_paragraph", para=i,
             note=f"paragraph in {lang} (p={prob}) inside a {doc.lang} article ({how})")


def stopword_candidates(doc: Document, cfg) -> list[int]:
    """Same-script paragraphs long enough to judge whose stop words are another language's.

    A paragraph qualifies when under `mixed_max_stopword_share` of its words are stop words of
    the article language and another language's stop words lead by MIXED_LEAD. Lists of names
    or figures have few stop words of any language, so they cost no langdetect call."""
    if not stopwords(doc.lang):
        return []
    own_stops = stopwords(doc.lang)
    verbatim = _verbatim_stopwords(doc.lang)
    out = []
    for i, p in enumerate(doc.paragraphs):
        tokens = p.text.split(None, MIXED_MAX_WORDS)
        del tokens[MIXED_MAX_WORDS:]    # the rest of the paragraph, if any
        if len(tokens) < cfg.mixed_min_words:
            continue                    # fewer words still once the empty ones are dropped
        # Plain prose passes on its raw tokens: each verbatim stop word stays a stop word once
        # normalised and empty tokens only shrink the count, so the share can only grow.
        if sum(map(verbatim.__contains__, tokens)) / len(tokens) >= cfg.mixed_max_stopword_share:
            continue
        # norm_word of each token (strip, then lower), empty ones dropped; maps run in C
        words = list(filter(None, map(str.lower, map(str.strip, tokens, repeat(WORD_EDGES)))))
        if len(words) < cfg.mixed_min_words:
            continue
        own = sum(map(own_stops.__contains__, words)) / len(words)
        if own >= cfg.mixed_max_stopword_share:
            continue        # plainly the article's language: no need to score every other one
        shares = stopword_shares(words)
        shares.pop(doc.lang, 0.0)
        if shares and max(shares.values()) >= own + MIXED_LEAD:
            out.append(i)
    return out


def _main_script(text: str) -> str:
    counts = script_counts(text[:SCRIPT_SCAN_CHARS])
    return max(counts, key=counts.get) if counts else "unknown"
