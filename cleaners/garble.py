"""Garble score: how much each sentence reads like broken machine translation.

What cannot be repaired exactly is measured. Each sentence gets a score in [0, 1], the sum of
the weights (patterns/garble.toml) of the features it shows:

  lower_start    starts in lowercase after a full stop ("… doing their duty. are performing")
  orphan         a one- or two-word scrap after a sentence end ("… the mandate. place,”")
  fragment       a short sentence with no finite verb ("Fight to lift.")          [English]
  function_end   ends on an article or conjunction ("… and the.")                 [English]
  function_pair  two function words that never stand together ("the a", "its of") [English]
  first_person   "I" in narration, outside any quotation                           [English]
  unknown_words  a high share of lowercase words unknown to wordfreq's list for the language
  name_variant   a minority spelling of a name spelled several ways ("Lachin"/"Lachen")

The article score is the mean sentence score. `doc.scores["garble"]` holds it;
`doc.scores["garble_sentences"]` holds [para, start, end, score, "feature+feature"] for every
sentence that scored above zero. Sentences at or above the flag threshold get an
`artifacts.garbled_sentence` flag edit; with `drop_garbled_sentences` on, those at or above
`garble_threshold` are removed (`artifacts.drop_garbled_sentence`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from cleaners.document import FLAG, Document
from cleaners.textedit import Change, apply_changes, looks_like_code
from cleaners.wordlists import load_toml, vocabulary

STAGE = "artifacts"
MIN_LOWER_WORDS = 4        # the unknown-word share needs at least this many lowercase words
UNKNOWN_SHARE = 0.25       # ... and counts from this share up
FRAGMENT_MAX_WORDS = 8     # "verbless" is only judged on short sentences (long ones are noisy)

# a run of end marks and closing quotes/brackets; the lookahead captures the first character
# of what follows (its position is where the next sentence starts)
_BOUNDARY = re.compile(r"([.!?…]+)[”’\"')\]]*(?=\s+(\S))")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# a capitalised word of 4+ letters (hyphenated ones too); the capital is matched first and
# the word boundary before it checked by a lookbehind: a pattern that starts with \b is
# tried at every position and costs ~2x more
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])[a-z]{3,}(?:[-][A-Z][a-z]+)*\b")
_OPEN_QUOTES = "“‘\"«„"
_TITLES = frozenset(["mr", "mrs", "ms", "dr", "prof", "st", "gen", "gov", "sen", "rep", "lt",
                     "col", "sgt", "capt", "rev", "hon", "no", "fig", "jan", "feb", "mar", "apr",
                     "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "vs", "mt", "ft"])


@dataclass
class Sentence:
    para: int
    start: int
    end: int
    text: str
    index: int                      # position in its paragraph
    after_ellipsis: bool = False    # the previous sentence ended in "…"/"...": no new start
    score: float = 0.0
    features: list[str] = field(default_factory=list)


# ---- sentences -------------------------------------------------------------------------
def split_sentences(text: str, para: int = 0) -> list[Sentence]:
    """Sentence spans of one paragraph. Splits even before a lowercase word (that is a
    garble signal), but never after an abbreviation or an initial."""
    out: list[Sentence] = []
    start = 0
    ellipsis = False
    # a text without any end mark is one sentence (a substring test is far cheaper than the
    # pattern's scan, which matters for a huge unpunctuated line)
    marked = "." in text or "!" in text or "?" in text or "…" in text
    for m in _BOUNDARY.finditer(text) if marked else ():
        mark, nxt = m.groups()
        if mark == ".":
            if not _period_ends_sentence(text, m.start(), nxt):
                continue
        elif nxt.islower():
            continue  # "“Why now?” he asked", "Yahoo! reported": the sentence goes on
        end = m.end()
        out.append(Sentence(para, start, end, text[start:end], len(out), ellipsis))
        ellipsis = mark in ("…", "...") or mark.startswith("..")
        start = m.start(2)
    if _SPACES.match(text, start).end() < len(text):     # something but spaces is left
        out.append(Sentence(para, start, len(text), text[start:], len(out), ellipsis))
    return out


_SPACES = re.compile(r"\s*")     # \s is exactly str.isspace()


def _period_ends_sentence(text: str, at: int, nxt: str) -> bool:
    """Does the period at `at`, followed (after spaces) by the character `nxt`, end a
    sentence? (The text is read around `at` only: splitting stays linear in its length.)"""
    token = _last_token(text, at).lstrip(_OPEN_QUOTES + "([").lower()
    if len(token) == 1 and token.isalpha():
        return False                        # an initial: "J. Smith", "Nagorno-Karabakh, N."
    if token in _abbreviations() or "." in token:
        # "U.S. officials" goes on; "in the U.S. The" ends, unless it is a title ("Dr. Ali")
        return nxt.isupper() and token not in _TITLES and "." in token
    return True


def _last_token(text: str, end: int) -> str:
    """The last whitespace-separated token of text[:end] ("" if none), found by walking back
    from `end` instead of splitting the whole text before it."""
    # common case: the token ends at `end` and a plain space precedes it; every whitespace
    # character but the plain space is unprintable, so a printable piece holds none
    token = text[text.rfind(" ", 0, end) + 1:end]
    if token and token.isprintable():
        return token
    stop = end
    while stop > 0 and text[stop - 1].isspace():
        stop -= 1
    begin = stop
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:stop]


# ---- features --------------------------------------------------------------------------
def score_sentences(sentences: list[Sentence], lang: str | None, variants: set[str],
                    quoted: list[bool]) -> None:
    w = _weights()
    table, classify = _word_codes(lang)
    english = lang == "en"
    # without English features or a word list, the words of a first sentence do not matter
    # beyond its having one (a huge unpunctuated line need not be split into words)
    all_words = english or bool(vocabulary(lang) if lang else None)
    for s, in_quote in zip(sentences, quoted):
        if all_words or s.index > 0:
            words = _WORD.findall(s.text)
        else:
            first_word = _WORD.search(s.text)
            words = [first_word.group()] if first_word else []
        if not words:
            continue
        codes = _codes(words, table, classify)
        feats: list[str] = []
        if s.index > 0:
            first = s.text.lstrip(_OPEN_QUOTES + "([ ")[:1]
            lower_start = (not s.after_ellipsis and first.isalpha() and first.islower()
                           and words[0].islower())
            if lower_start:
                feats.append("lower_start")
            if (lower_start or in_quote) and _is_orphan(s.text, words, lower_start, in_quote):
                feats.append("orphan")
        if english:
            feats += _english_features(s, words, codes, in_quote)
        share = _unknown_share(codes) if UNKNOWN in codes else 0.0
        if share >= UNKNOWN_SHARE:
            feats.append("unknown_words")
        if variants and any(v in s.text for v in variants):
            feats.append("name_variant")
        s.features = feats
        if not feats:
            s.score = 0       # what the sum below gives for no features
            continue
        # the unknown-word weight grows with the share of unknown words, up to its cap
        total = sum(w[f] if f != "unknown_words" else min(w[f], 1.2 * share) for f in feats)
        s.score = round(min(1.0, total), 3)


_QUOTE_CLOSE = re.compile(r"[”\"]")


def _is_orphan(text: str, words: list[str], lower_start: bool, in_quote: bool) -> bool:
    """One or two words left after a sentence end: "… the mandate. place,” Peskov said." (only
    the part before a closing quote counts). A short quote of its own ("“No,” he said.")
    opens its quote in the same sentence, so it is not an orphan. (Only asked when the
    sentence starts in lowercase or inside a quote: otherwise it is never an orphan.)"""
    m = _QUOTE_CLOSE.search(text)
    head = text[:m.start()] if m else text
    head_words = _WORD.findall(head) if m else words
    if len(head_words) > 2 or not head_words:
        return False
    return lower_start or (in_quote and head.rstrip().endswith(","))


# ---- words, classified once per distinct word -------------------------------------------
# A sentence's words are looked up as one string of codes ("".join over a dict: no Python
# loop per word), and the features are counts or searches in that string. A word's code is
# one letter for the unknown-word share (KNOWN, UNKNOWN or OTHER), in English followed by one
# for the function-word pairs (DET, DET_BAD, BAD or NEITHER). The tables map a word to its
# code (a pure function of the word and the language), so a table never changes a result;
# it is emptied when full, which keeps memory bounded.
MAX_TABLE_WORDS = 100_000
KNOWN, UNKNOWN, OTHER = "k", "u", "."   # a candidate word wordfreq knows / does not / no candidate
# a determiner, one that also may not follow a determiner, a word that may not, neither
DET, DET_BAD, BAD, NEITHER = "d", "D", "b", "-"
_PAIR_CODES = re.compile("[dD][Db]")    # a determiner followed by a word that cannot follow it


def _codes(words: list[str], table: dict[str, str], classify: Callable[[str], str]) -> str:
    """The codes of `words`, in order, as one string."""
    try:
        return "".join(map(table.__getitem__, words))
    except KeyError:
        pass
    if len(table) > MAX_TABLE_WORDS:
        table.clear()
    for x in set(words).difference(table):      # classify only the words not seen yet
        table[x] = classify(x)
    try:
        return "".join(map(table.__getitem__, words))
    except KeyError:    # another thread emptied the table meanwhile
        return "".join([classify(x) for x in words])


@lru_cache(maxsize=None)
def _word_codes(lang: str | None) -> tuple[dict[str, str], Callable[[str], str]]:
    """The code table of `lang` and the function that classifies a word not in it yet."""
    vocab = vocabulary(lang) if lang else None   # without a list, no word is a candidate
    en = _english() if lang == "en" else None

    def classify(x: str) -> str:
        if vocab and len(x) >= 3 and x.islower() and x.isalpha():
            code = KNOWN if x in vocab else UNKNOWN
        else:
            code = OTHER
        if en is None:
            return code
        lower = x.lower()
        det, bad = lower in en["determiners"], lower in en["not_after_determiner"]
        return code + ((DET_BAD if bad else DET) if det else (BAD if bad else NEITHER))
    return {}, classify


def _unknown_share(codes: str) -> float:
    """The share of lowercase words (3+ letters) wordfreq does not know; 0 with fewer than
    MIN_LOWER_WORDS such words."""
    unknown = codes.count(UNKNOWN)
    if not unknown:
        return 0.0
    candidates = unknown + codes.count(KNOWN)
    if candidates < MIN_LOWER_WORDS:
        return 0.0
    return unknown / candidates


def _english_features(s: Sentence, words: list[str], codes: str, in_quote: bool) -> list[str]:
    en = _english()
    feats = []
    ends_sentence = s.text.rstrip("”’\"') ").endswith((".", "!", "?"))
    if (ends_sentence and len(words) <= FRAGMENT_MAX_WORDS and s.index > 0
            and not _has_verb([x.lower() for x in words], en)):
        feats.append("fragment")
    if ends_sentence and words[-1].lower() in en["no_end"]:
        feats.append("function_end")
    if _PAIR_CODES.search(codes[1::2]):      # the function-word letters
        feats.append("function_pair")
    if "I" in words and not in_quote and not any(q in s.text for q in "“”\""):
        feats.append("first_person")
    return feats


def _has_verb(lower: list[str], en: dict) -> bool:
    if any(x in en["verbs"] or (len(x) > 4 and x.endswith("ed")) or x.endswith("n't")
           for x in lower):
        return True
    # a pronoun subject followed by a word: "they fled", "it matters"
    if any(a in en["subjects"] for a in lower[:-1]):
        return True
    # a present-tense verb after its subject noun: "The award carries a prize"
    function = en["determiners"] | en["not_after_determiner"]
    return any(b.endswith("s") and not b.endswith(("ss", "us", "is")) and len(b) > 3
               and a not in function for a, b in zip(lower, lower[1:]))


# ---- one name spelled several ways ----------------------------------------------------
def name_variants(text: str, lang: str | None) -> dict[str, str]:
    """Minority spellings of a name -> the majority spelling ("Lachen" -> "Lachin")."""
    counts = Counter(_NAME.findall(text))
    names = [n for n in counts if len(n) >= 5]
    if len(names) < 2:
        return {}
    freq = vocabulary(lang) if lang else None
    cfg = _names_cfg()
    rare = cfg["rare_frequency"]
    suffixes = cfg["related_suffixes"]
    parent = {n: n for n in names}
    # a spelling this common in wordfreq is a word of its own: two of them are two names
    def common(n: str) -> bool:
        return freq is not None and freq.get(n.lower(), 0.0) >= rare

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    by_prefix: dict[str, list[str]] = {}
    for n in names:
        by_prefix.setdefault(n[:2], []).append(n)
    for group in by_prefix.values():
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                if _same_name(a, b, suffixes) and not (common(a) and common(b)):
                    parent[root(a)] = root(b)
    clusters: dict[str, list[str]] = {}
    for n in names:
        clusters.setdefault(root(n), []).append(n)
    out = {}
    for members in clusters.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda n: (-counts[n], n))
        for n in members[1:]:
            out[n] = members[0]
    return out


def _same_name(a: str, b: str, suffixes: list[str]) -> bool:
    if abs(len(a) - len(b)) > 2:
        return False
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and long_[len(short):] in suffixes:
        return False            # Armenia / Armenian: a related word, not a misspelling
    limit = 1 if len(short) < 6 else 2
    return _distance(*_differing_parts(a.lower(), b.lower()), limit) <= limit


def _differing_parts(a: str, b: str) -> tuple[str, str]:
    """a and b without their common prefix and suffix: the edit distance of the parts is
    that of the whole words, and the table to fill is much smaller ("Valdoria"/"Valdorra"
    -> "i"/"r")."""
    shorter = min(len(a), len(b))
    head = 0
    while head < shorter and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shorter - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return a[head:len(a) - tail], b[head:len(b) - tail]


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


# ---- the document ----------------------------------------------------------------------
def score_document(doc: Document, cfg, lang: str | None) -> list[Sentence]:
    """Score every sentence, store the scores, flag (and optionally drop) garbled ones."""
    variants = name_variants(" ".join(p.text for p in doc.paragraphs), lang)
    sentences: list[Sentence] = []
    for i, para in enumerate(doc.paragraphs):
        if para.kind in ("pre", "h") or is_code(para.text):
            continue
        sents = split_sentences(para.text, i)
        score_sentences(sents, lang, set(variants), _inside_quotes(para.text, sents))
        sentences += sents
    scored = [s for s in sentences if s.score > 0]
    doc.scores["garble"] = round(sum(s.score for s in sentences) / len(sentences), 4) if sentences else 0.0
    doc.scores["garble_sentences"] = [[s.para, s.start, s.end, s.score, "+".join(s.features)]
                                      for s in scored]
    if variants:
        doc.scores["name_variants"] = variants
    flag_at = cfg.garble_flag_threshold
    for s in scored:
        if s.score >= flag_at:
            doc.edit(STAGE, "garbled_sentence", FLAG, para=s.para, span=(s.start, s.end),
                     before=s.text, note=f"garble {s.score}: {', '.join(s.features)}")
    if any(s.score >= flag_at for s in scored) and "artifacts.garbled_sentence" not in doc.flags:
        doc.flags.append("artifacts.garbled_sentence")
    if cfg.drop_garbled_sentences:
        drop_sentences(doc, [s for s in scored if s.score >= cfg.garble_threshold])
    return sentences


def drop_sentences(doc: Document, sentences: list[Sentence]) -> None:
    by_para: dict[int, list[Sentence]] = {}
    for s in sentences:
        by_para.setdefault(s.para, []).append(s)
    emptied = []
    for i, sents in by_para.items():
        text = doc.paragraphs[i].text
        changes = []
        for s in sents:
            end = s.end
            while end < len(text) and text[end].isspace():
                end += 1
            changes.append(Change(s.start, end, "", "drop_garbled_sentence",
                                  note=f"garble {s.score}: {', '.join(s.features)}"))
        apply_changes(doc, STAGE, i, changes, protected=[])
        doc.paragraphs[i].text = doc.paragraphs[i].text.rstrip()
        if not doc.paragraphs[i].text:
            emptied.append(i)
    if emptied:
        doc.remove_paragraphs(STAGE, emptied, "drop_garbled_sentence",
                              "every sentence of the paragraph was garbled")


def _inside_quotes(text: str, sents: list[Sentence]) -> list[bool]:
    """For each sentence: does it start inside an open quotation? (Quote marks are counted
    between one sentence start and the next, so each character is counted once.)"""
    if "“" not in text and '"' not in text:
        return [False] * len(sents)     # no opening mark at all
    out = []
    opened = straight = counted_to = 0
    for s in sents:
        opened += text.count("“", counted_to, s.start) - text.count("”", counted_to, s.start)
        straight += text.count('"', counted_to, s.start)
        counted_to = s.start
        out.append(opened > 0 or straight % 2 == 1)
    return out


# artifacts.apply asks this of every paragraph before its repairs and score_document after
# them; most paragraphs are not changed in between, so the second answer comes from here
# (bounded: a document with more paragraphs than this only asks twice)
is_code = lru_cache(maxsize=256)(looks_like_code)


# ---- pattern data ----------------------------------------------------------------------
@lru_cache(maxsize=None)
def _weights() -> dict[str, float]:
    return dict(load_toml("garble.toml")["weights"])


@lru_cache(maxsize=None)
def _english() -> dict[str, frozenset[str]]:
    return {k: frozenset(v) for k, v in load_toml("garble.toml")["english"].items()}


@lru_cache(maxsize=None)
def _names_cfg() -> dict:
    return dict(load_toml("garble.toml")["names"])


@lru_cache(maxsize=None)
def _abbreviations() -> frozenset[str]:
    return frozenset(load_toml("artifacts.toml")["abbreviations"]["words"])
