"""Stage "artifacts": punctuation, spacing and word-level artifacts of scraping and machine
translation, repaired exactly where the repair is certain, flagged where it is not.

Rules (rule id = artifacts.<rule>), applied in this order to every paragraph:
  repeated_punct       "Azerbaijanis. . In", "“paradise”. .", ",,", ". ," -> one mark
  missing_space        "many years.The outbreak" -> "years. The" (not "U.S.", "3.5", "e.g.",
                       "example.com", initials, code); "said,the" -> "said, the"
  space_before_punct   "word , next" / "word ." -> "word, next" / "word."; in English also
                       before ; : ? ! (French sets that space by rule)
  stray_quote          "people.” ” Such" -> "people.” Such" (a second closing quote)
  dangling_open_quote  a paragraph ending in an opening quote: the quote is dropped (not the
                       closing mark of German-style „...“, ‚...‘, »...«)
  repeated_word        "the the" -> "the" (English: any word but legitimate doubles such as
                       "had had", "that that"; other languages: listed function words only)
  capital_pronoun      "visited Armenia and He promised" -> "he" (English; only after a
                       lowercase word, a comma or a semicolon and before a lowercase word;
                       never "I", names, headlines, or a capital the text uses throughout)
  unbalanced_bracket   flag only: "(" / "[" without its partner
  garbled_sentence     flag only (cleaners.garble): sentences that read as garbled MT;
  drop_garbled_sentence  ... removed when `artifacts.drop_garbled_sentences` is on.

Every repair is one edit (para, span, before, after); nothing inside URLs, e-mail addresses or
code is changed (cleaners.textedit). The rules run until nothing changes (at most a few
passes), so cleaning twice changes nothing the second time.
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from cleaners import garble
from cleaners.document import Document
from cleaners.textedit import Change, apply_changes
from cleaners.wordlists import doc_language, guess_language, load_toml

STAGE = "artifacts"
MAX_PASSES = 4
HOUSE_STYLE_MIN = 4   # a capitalised pronoun seen this often mid-sentence is the text's style

LOW = "a-z\u00df-\u00f6\u00f8-\u00ff"
UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"


@dataclass(frozen=True)
class ParaInfo:
    kind: str
    english: bool          # the document is English: English-only rules may look here
    lang: str | None = None
    # capitalised words the document uses mid-sentence again and again: a house style or a
    # defined term ("You" in a licence, "He" for God), not a translation slip
    house_style: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    name: str
    find: Callable[[str, ParaInfo], list[Change]]
    english_only: bool = False
    # word rules: in an English article, a paragraph quoted in another language is skipped
    word_level: bool = False
    # the rule can only change text where _PUNCT_TRIGGER matches (see there)
    punct_triggered: bool = False


# ---- repeated_punct --------------------------------------------------------------------
_PUNCT_RUN = re.compile(r"(?<![.…])[.,;](?:[ \u00a0]*[.,;])+(?![.…])")
_PUNCT_PAIR = re.compile(r"[.,;][ \u00a0]*[.,;]")   # cheap test before the full pattern


def find_repeated_punct(text: str, info: ParaInfo) -> list[Change]:
    if not _PUNCT_PAIR.search(text):
        return []
    changes = []
    for m in _PUNCT_RUN.finditer(text):
        run = m.group()
        marks = run.replace(" ", "").replace("\u00a0", "")
        spaced = len(marks) < len(run)
        if (set(marks) == {"."} and len(marks) >= 3) or "..." in marks:
            continue  # an ellipsis, "..." or ". . ." (also after a comma: "1, 2, ...")
        if not spaced and marks[0] == "." and marks != ".." and _ends_abbreviation(text, m.start()):
            continue  # "etc.," "Inc.;" "U.S.,": an abbreviation's period followed by a mark
        if marks == ".." and not spaced and not _plain_double_period(text, m.start(), m.end()):
            continue
        keep = _mark_to_keep(marks, text[m.end():m.end() + 3].lstrip(" \u00a0"))
        changes.append(Change(m.start(), m.end(), keep, "repeated_punct"))
    return changes


def _ends_abbreviation(text: str, at: int) -> bool:
    """Does the word just before `at` (a period) end an abbreviation or an initial?"""
    token = _token_before(text, at)
    if token.isdigit() or _DECIMAL.match(token):
        return False        # "in 2023., He said", "$5.70.,": a number, not an abbreviation
    if len(token) <= 1 or "." in token or token.lower() in _abbreviations():
        return True
    if not token.isalpha() or token.isupper():
        return True
    # a lowercase word of 4+ letters ("statement.,") or a capitalised one of 5+ ("Europe.,") is
    # a word; shorter ones may be abbreviations we do not list
    return len(token) < (4 if token.islower() else 5)


def _plain_double_period(text: str, start: int, end: int) -> bool:
    """"word.." at a sentence end (not "../path", not "1..5")."""
    if start == 0:
        return False
    before = text[start - 1]
    after = text[end] if end < len(text) else " "
    return (before.isalnum() or before in "”’)\"'%") and (after.isspace() or after in "”’\"')")


def _mark_to_keep(marks: str, following: str) -> str:
    """One mark for the run: a comma before a lowercase word, a period before a new sentence."""
    if len(set(marks)) == 1:
        return marks[0]
    nxt = following[:1]
    if nxt and (nxt.islower() or nxt.isdigit()):
        return "," if "," in marks else marks[0]
    return "." if "." in marks else marks[0]


# ---- missing_space ---------------------------------------------------------------------
# a sentence end glued to the next sentence's first word ("years.The", "said.“I", "disse.“O"):
# a one-letter word is a vowel (or "Y") in the languages read here: "A", "I", "O", "E", "Y"
_SENTENCE_START = rf"[“‘]?(?:[{UP}][{LOW}]|[AEIOUYÀÁÉÈÓÚ] |[{UP}]{{2,}}\b)"
_MISSING_SPACE = re.compile(rf"([.!?])([”’)]?)(?={_SENTENCE_START})")
_DECIMAL = re.compile(r"^[$€£¥]?\d[\d,]*(?:\.\d+)?%?$")   # "$5.70", "3.5%": a number
_ALL_CAPS = re.compile(rf"[{UP}]{{2}}")
_GLUE_BEFORE = re.compile(rf"(?:[{LOW}0-9][{LOW}0-9]|[%)])$")   # what must precede the mark


# a comma glued to the next word: "said,the" (letters both sides; never "1,000" or "a,b,c");
# the comma comes first and the letters before it are a lookbehind: a pattern that starts
# with a lookbehind is tried at every position and costs ~4x more
_COMMA_GLUED = re.compile(rf",(?<=[{LOW}]{{2}},)(?=[{LOW}]{{2}})")


def find_missing_space(text: str, info: ParaInfo) -> list[Change]:
    changes = []
    if "," in text:
        for m in _COMMA_GLUED.finditer(text):
            if not _in_list_of_codes(text, m.start()):
                changes.append(Change(m.start(), m.end(), ", ", "missing_space"))
    for m in _MISSING_SPACE.finditer(text):
        if not _GLUE_BEFORE.search(text, max(0, m.start() - 2), m.start()):
            continue  # "U.S.The", "J.R.Smith": capitals before the mark are initials
        token = _token_before(text, m.start())
        if ("." in token and not _DECIMAL.match(token)) or token.lower() in _abbreviations():
            continue  # "e.g.The", "Ph.D.Thesis", "example.com.Next"
        last = token.rsplit("-", 1)[-1]
        if any(c.isupper() for c in last[1:]) or (_ALL_CAPS.match(text, m.end())
                                                  and not token.islower()):
            continue  # code: "StoreMode.MEMORY", "Fore.BLUE", "iPhone.Next"
        changes.append(Change(m.start(), m.end(), m.group(1) + m.group(2) + " ", "missing_space"))
    return changes


def _in_list_of_codes(text: str, at: int) -> bool:
    """"alpha,beta,gamma": a token with two or more glued commas is a list, not a slip."""
    start, end = at, at
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text.count(",", start, end) > 1


def _token_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip("“‘\"'([")


# ---- space_before_punct ----------------------------------------------------------------
# a space before "," or "." that ends a word: "word , next", "word ." (never " .com", " ...")
_SPACE_BEFORE = re.compile(r"(?<=[\w”’)\]%])[ \u00a0]+([,.])(?=[ \u00a0]|$|[”’\"])")
# "word ,next" -> "word, next"
_SPACE_BEFORE_GLUED = re.compile(rf"(?<=[\w”’)\]%])[ \u00a0]+,(?=[{LOW}])")


# English only: French sets a (thin) space before ; : ! ? by rule
_SPACE_BEFORE_EN = re.compile(r"(?<=[A-Za-z”’)])[ \u00a0]+([;:!?])(?=[ \u00a0]|$|[”’\"])")


def find_space_before_punct(text: str, info: ParaInfo) -> list[Change]:
    changes = []
    if info.english and (" ;" in text or " :" in text or " ?" in text or " !" in text):
        changes += [Change(m.start(), m.end(), m.group(1), "space_before_punct")
                    for m in _SPACE_BEFORE_EN.finditer(text)]
    if " ," not in text and " ." not in text and "\u00a0," not in text and "\u00a0." not in text:
        return changes
    changes += [Change(m.start(), m.end(), m.group(1), "space_before_punct")
                for m in _SPACE_BEFORE.finditer(text)]
    changes += [Change(m.start(), m.end(), ", ", "space_before_punct")
                for m in _SPACE_BEFORE_GLUED.finditer(text)]
    return changes


# ---- stray_quote / dangling_open_quote -------------------------------------------------
# a second closing quote right after one: "people.” ” Such", "said.”” The"
_STRAY_CURLY = re.compile(r"(?<=”)[ \u00a0]*”(?=\s|$|[.,;:])")
_STRAY_STRAIGHT = re.compile(r"(?<=[.,!?]\")[ \u00a0]+\"(?=\s|$)")
_DANGLING_OPEN = re.compile(r"(?:[ \u00a0]+|(?<=[.,;:!?”]))[“‘„«]+[ \u00a0]*$")
_DANGLING_STRAIGHT = re.compile(r"[ \u00a0]+\"[ \u00a0]*$")
_QUOTE_MARK = re.compile(r"[“‘„«\"]")


def find_stray_quote(text: str, info: ParaInfo) -> list[Change]:
    if text.count("”") < 2 and '"' not in text:
        return []
    changes = [Change(m.start(), m.end(), "", "stray_quote") for m in _STRAY_CURLY.finditer(text)]
    if text.count('"') % 2:
        changes += [Change(m.start(), m.end(), "", "stray_quote")
                    for m in _STRAY_STRAIGHT.finditer(text)]
    return changes


def find_dangling_open_quote(text: str, info: ParaInfo) -> list[Change]:
    tail_at = max(0, len(text.rstrip(" \u00a0")) - 12)   # the pattern only looks at the end
    if not _QUOTE_MARK.search(text, tail_at):
        return []
    m = _DANGLING_OPEN.search(text, tail_at)
    if m is None and text.count('"') % 2:
        m = _DANGLING_STRAIGHT.search(text, tail_at)
    if m is None or m.start() == 0:
        return []  # a paragraph that is only a quote mark is left to the other stages
    if closes_a_pair(text[:m.start()], m.group().strip(" \u00a0")[-1:]):
        return []
    return [Change(m.start(), m.end(), "", "dangling_open_quote")]


# German-style quotes close with the mark English opens with: „Zitat“, ‚Zitat‘, »Zitat«
_CLOSES = {"“": "„", "‘": "‚", "«": "»"}


def closes_a_pair(before: str, mark: str) -> bool:
    """True when `mark` at the paragraph end closes a quote opened earlier („...“)."""
    opener = _CLOSES.get(mark)
    return opener is not None and before.count(opener) > before.count(mark)


# ---- repeated_word (English) -----------------------------------------------------------
_REPEATED = re.compile(r"\b([^\W\d_]+)(\s+)(\1)\b(?![-'’])", re.IGNORECASE)
_LETTER_RUNS = re.compile(r"[a-z\u00df-\u00ff]+")
_SENTENCE_OPEN = re.compile(r"(?:^|[.!?:;“‘\"(\[]\s*)$")


def find_repeated_word(text: str, info: ParaInfo) -> list[Change]:
    """English: any doubled word but the legitimate doubles. Other languages: only the
    listed function words (German "die die" or French "nous nous" can be right)."""
    only = None if info.english else _always_slips().get(info.lang or "")
    if not info.english and not only:
        return []
    words = _LETTER_RUNS.findall(text.lower())   # cheap test: any word equal to the next?
    if not any(map(operator.eq, words, words[1:])):
        return []
    changes = []
    pos = 0
    while True:
        m = _REPEATED.search(text, pos)
        if m is None:
            return changes
        first, second = m.group(1), m.group(3)
        pos = m.start(3)  # "the the the": the second pair is seen too
        if not second.islower() or (only is not None and first.lower() not in only):
            continue
        if only is None and first.lower() in _legit_doubles():
            continue
        if not first.islower() and not _SENTENCE_OPEN.search(text[max(0, m.start() - 3):m.start()]):
            continue  # "Bora Bora"-like capitalised pair in mid-sentence: a name
        changes.append(Change(m.end(1), m.end(3), "", "repeated_word",
                              note=f"“{first} {second}” -> “{first}”"))


# ---- capital_pronoun (English) ---------------------------------------------------------
# a capitalised short word before a lowercase word; the word list and the left context are
# checked in code (a lookbehind here would make the scan several times slower)
_PRONOUN = re.compile(rf" ([{UP}][a-z]{{1,4}})(?=(?:[’'][a-z]{{1,2}})? [{LOW}])")
_LOWER_END = re.compile(rf"[{LOW}]$")


def find_capital_pronoun(text: str, info: ParaInfo) -> list[Change]:
    if info.kind == "h":
        return []  # headlines may be in title case
    _, reverent = _pronouns()
    changes = []
    for start, end, word in _mid_sentence_pronouns(text):
        if word in info.house_style or (word in reverent and _reverent(text)):
            continue  # "the Lord and His mercy"
        changes.append(Change(start, end, word.lower(), "capital_pronoun"))
    return changes


@lru_cache(maxsize=256)
def _mid_sentence_pronouns(text: str) -> tuple[tuple[int, int, str], ...]:
    """(start, end, word) of each listed capitalised word in mid-sentence position. Cached
    per paragraph text: house_style reads every paragraph of an English document, then the
    rule reads the same text again (unchanged in almost every paragraph)."""
    words, _ = _pronouns()
    return tuple((m.start(1), m.end(1), m.group(1)) for m in _PRONOUN.finditer(text)
                 if m.group(1) in words and _pronoun_context_ok(text, m.start(), m.group(1)))


def _pronoun_context_ok(text: str, at: int, word: str) -> bool:
    """Is `word`, at `at` (after its space), in mid-sentence after a lowercase word or comma?"""
    before = text[:at]
    if before.endswith((",", ";")):
        return len(before) >= 2 and not before[-2].isspace()
    if not _LOWER_END.search(before):
        return False  # after a sentence end, colon, quote, dash, digit...
    raw = _token_before_raw(before)
    prev = raw.lstrip("“‘\"([")
    if prev[:1].islower():
        return True
    # after a capitalised word that does not open its sentence or quote ("What They found")
    # the pronoun is repaired unless it is also a name ("Premier He said", "Kim An"): a
    # place, a day or a person before it ("in Fitzroy That goes") leaves it a slip
    return prev.isalpha() and (prev != raw or _opens_sentence(before, raw) or prev in _calendar()
                               or word not in _name_like())


def house_style(paragraphs: list[str]) -> frozenset[str]:
    """Listed capitalised words found in mid-sentence position at least HOUSE_STYLE_MIN times."""
    counts: dict[str, int] = {}
    for text in paragraphs:
        for _, _, w in _mid_sentence_pronouns(text):
            counts[w] = counts.get(w, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= HOUSE_STYLE_MIN)


def _opens_sentence(before: str, prev: str) -> bool:
    """Is `prev` (the last word of `before`) the first word of its sentence?"""
    head = before[:len(before) - len(prev)].rstrip()
    return not head or head[-1] in ".!?:“‘\"("


def _token_before_raw(text: str) -> str:
    start = len(text)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:]


# ---- unbalanced_bracket (flag) ---------------------------------------------------------
_ENUMERATOR = re.compile(r"(?:^|\s)\(?[0-9a-zA-Z]{1,2}\)")   # "1)" "a)" "(ii)" list markers
_SMILEY = re.compile(r"[:;]-?[()\[\]]")
_PAIRS = (("(", ")"), ("[", "]"))
_BRACKET = re.compile(r"[()\[\]]")


def bracket_problem(text: str) -> str | None:
    """A note when round or square brackets do not pair up (counted, list markers aside)."""
    if not _BRACKET.search(text):
        return None
    cleaned = _SMILEY.sub("", _ENUMERATOR.sub(" ", text))
    for opener, closer in _PAIRS:
        opened, closed = cleaned.count(opener), cleaned.count(closer)
        if opened != closed:
            return f"{opened} '{opener}' vs {closed} '{closer}'"
    return None


# ---- the stage -------------------------------------------------------------------------
# One scan that finds every place where one of the punctuation rules could fire: where it
# finds nothing (almost every paragraph), those rules are skipped. Each branch is a
# necessary condition of one rule's pattern(s) above; every branch starts with the mark it
# consumes (the class in front, checked again by the branch's lookbehind), so the scan only
# stops at punctuation marks.
_PUNCT_TRIGGER = re.compile(
    r"[.,;:!?”\"](?:"
    r"(?<=[.,;])[ \u00a0]*[.,;]"                                    # repeated_punct
    rf"|(?<=[{LOW}]{{2}},)(?=[{LOW}]{{2}})"                          # missing_space: "said,the"
    rf"|(?<=[.!?])[”’)]?(?={_SENTENCE_START})"                       # ... "years.The"
    r"|(?<=[ \u00a0][,.;:!?])"                                      # space_before_punct
    r"|(?<=”)[ \u00a0]*”|(?<=\")[ \u00a0]+\")")                      # stray_quote

RULES: list[Rule] = [
    Rule("repeated_punct", find_repeated_punct, punct_triggered=True),
    Rule("missing_space", find_missing_space, punct_triggered=True),
    Rule("space_before_punct", find_space_before_punct, punct_triggered=True),
    Rule("stray_quote", find_stray_quote, punct_triggered=True),
    Rule("dangling_open_quote", find_dangling_open_quote),
    Rule("repeated_word", find_repeated_word, word_level=True),   # per language inside
    Rule("capital_pronoun", find_capital_pronoun, english_only=True, word_level=True),
]


def apply(doc: Document, ctx) -> None:
    cfg = ctx.config.artifacts
    if not cfg.enabled:
        return
    disabled = set(cfg.disabled_rules)
    lang = doc_language(doc.lang, doc.text)
    english = lang == "en"
    style = house_style([p.text for p in doc.paragraphs]) if english else frozenset()
    infos: dict[str, ParaInfo] = {}   # one per paragraph kind
    for i, para in enumerate(doc.paragraphs):
        if para.kind == "pre" or garble.is_code(para.text):
            continue  # code and preformatted text are never touched
        info = infos.get(para.kind) or infos.setdefault(
            para.kind, ParaInfo(para.kind, english, lang, style))
        repair_paragraph(doc, i, info, disabled)
        if "unbalanced_bracket" not in disabled:
            problem = bracket_problem(para.text)
            if problem:
                doc.flag(STAGE, "unbalanced_bracket", problem, para=i)
    if "garbled_sentence" not in disabled:
        garble.score_document(doc, cfg, lang)


def repair_paragraph(doc: Document, i: int, info: ParaInfo, disabled: set[str]) -> int:
    """Run the rules until the paragraph stops changing; returns the number of edits."""
    total = 0
    own_english: bool | None = None   # decided only when an English-only rule has a change
    rules = [r for r in RULES if r.name not in disabled and (info.english or not r.english_only)]
    for _ in range(MAX_PASSES):
        done = 0
        triggered = _PUNCT_TRIGGER.search(doc.paragraphs[i].text) is not None
        for rule in rules:
            if rule.punct_triggered and not triggered and not done:
                continue  # nothing in the text (unchanged so far this pass) it could fire on
            text = doc.paragraphs[i].text
            changes = rule.find(text, info)
            if not changes:
                continue
            if rule.word_level and info.english:
                if own_english is None:
                    own_english = paragraph_is_english(text)
                if not own_english:
                    continue
            done += apply_changes(doc, STAGE, i, changes)
        total += done
        if not done:
            break
    return total


def paragraph_is_english(text: str) -> bool:
    """An English article may quote a paragraph in German, whose nouns are capitalised: a
    paragraph long enough to tell that is clearly another language gets no English rules."""
    return len(text) < 80 or guess_language(text) in (None, "en")


def _reverent(text: str) -> bool:
    return any(w in text for w in _reverent_context())


# ---- pattern data ----------------------------------------------------------------------
@lru_cache(maxsize=None)
def _pronouns() -> tuple[frozenset[str], frozenset[str]]:
    data = load_toml("artifacts.toml")["capital_pronoun"]
    return frozenset(data["words"]), frozenset(data["reverent_words"])


@lru_cache(maxsize=None)
def _name_like() -> frozenset[str]:
    return frozenset(load_toml("artifacts.toml")["capital_pronoun"]["name_like"])


@lru_cache(maxsize=None)
def _calendar() -> frozenset[str]:
    return frozenset(load_toml("artifacts.toml")["capital_pronoun"]["calendar_words"])


@lru_cache(maxsize=None)
def _reverent_context() -> tuple[str, ...]:
    return tuple(load_toml("artifacts.toml")["capital_pronoun"]["reverent_context"])


@lru_cache(maxsize=None)
def _legit_doubles() -> frozenset[str]:
    return frozenset(load_toml("artifacts.toml")["repeated_word"]["legit"])


@lru_cache(maxsize=None)
def _always_slips() -> dict[str, frozenset[str]]:
    table = load_toml("artifacts.toml")["repeated_word"]["always_slips"]
    return {lang: frozenset(words) for lang, words in table.items()}


@lru_cache(maxsize=None)
def _abbreviations() -> frozenset[str]:
    return frozenset(load_toml("artifacts.toml")["abbreviations"]["words"])
