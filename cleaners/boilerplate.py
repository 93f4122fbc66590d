"""Stage: boilerplate removal by named rule families, position and repetition.

Every paragraph gets cheap features (words, sentence end, quoted, the family whose pattern
names it). The article body runs from the first to the last *prose* paragraph that no family
names; what stands before it is the header zone, what stands after it the footer zone. A
terminator line inside the body ("Related Articles", "Leave a comment", an FAQ heading,
"Sources:") moves the footer up to itself when no article text follows it.

  header / footer zone: every family match goes, and so do short lines no family knows
                        (menus, labels, headline lists) unless they are quoted or introduced
                        by a paragraph ending in ":";
  body zone:            only strong evidence: families marked `in_body`, the headline of
                        another article of the run, a site-template line, a caption, a
                        related block with its headline list, a bare pasted headline. Quoted
                        lines and lines introduced by ":" are never removed there: articles
                        quote banners, labels and menus.

Each removal is one edit `boilerplate.<family>`; `disabled_families` switches families off
and `site_phrases` adds a site's own lines. Patterns are data (patterns/boilerplate*.toml),
loaded and compiled once per process.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from cleaners.document import Document

STAGE = "boilerplate"
PATTERNS = Path(__file__).parent / "patterns"

# Families a page sets between any two paragraphs, wherever they fall: figures' captions, ad
# slots, links to other stories. Between a sentence ending in ':' and its example they are
# not the example.
INSERTED = ("caption", "ad_label", "inline_related", "paywall", "page_notice")

# Families decided in code (no phrase list); named here so they can be disabled like the rest.
STRUCTURAL = ("title_repeat", "menu", "share_row", "link_line", "symbol_line", "template",
              "site_phrase", "other_headline", "bare_headline", "header_zone", "footer_zone")


# ---- the catalogue ---------------------------------------------------------------------
@dataclass(frozen=True)
class Family:
    name: str
    note: str
    max_words: int
    in_body: bool
    terminator: bool
    list_head: bool
    regexes: tuple[re.Pattern, ...]
    end: re.Pattern | None = None                 # matched at the end of the line
    requires: tuple[str, ...] = ()                # one of these must be in the lower-cased line
    weak: bool = False                            # prose that continues the body stays body
    footer_only: bool = False                     # before the body the line is the site's own

    def matches(self, text: str, words: int, low: str | None = None) -> bool:
        if words > self.max_words:
            return False
        if self.requires:
            low = text.casefold() if low is None else low
            # plain substring tests: several times cheaper than one regex alternation of
            # the same literals, which sre tries branch by branch at every position
            for needle in self.requires:
                if needle in low:
                    break
            else:
                return False
        for regex in self.regexes:
            if regex.fullmatch(text):
                return True
        return self.end is not None and self.end.search(text) is not None


def _compile(spec: dict[str, Any]) -> tuple[re.Pattern, ...]:
    out = []
    if spec.get("patterns"):
        out.append(re.compile("|".join(f"(?:{p})" for p in spec["patterns"]), re.I | re.S))
    if spec.get("patterns_cs"):
        out.append(re.compile("|".join(f"(?:{p})" for p in spec["patterns_cs"]), re.S))
    return tuple(out)


def _compile_requires(spec: dict[str, Any]) -> tuple[str, ...]:
    return tuple(spec.get("requires") or ())


def _compile_end(spec: dict[str, Any]) -> re.Pattern | None:
    pats = spec.get("patterns_end")
    return re.compile("(?:" + "|".join(f"(?:{p})" for p in pats) + r")\Z", re.I | re.S) if pats else None


@lru_cache(maxsize=None)
def catalogue() -> tuple[Family, ...]:
    """The rule families in matching order (patterns/boilerplate.toml)."""
    data = tomllib.loads((PATTERNS / "boilerplate.toml").read_text(encoding="utf-8"))
    fams = []
    for name in data["order"]:
        spec = data[name]
        fams.append(Family(name, spec.get("note", ""), int(spec.get("max_words", 12)),
                           bool(spec.get("in_body", False)), bool(spec.get("terminator", False)),
                           bool(spec.get("list_head", False)), _compile(spec), _compile_end(spec),
                           _compile_requires(spec), bool(spec.get("weak", False)),
                           bool(spec.get("footer_only", False))))
    return tuple(fams)


@lru_cache(maxsize=None)
def family_named() -> dict[str, Family]:
    return {f.name: f for f in catalogue()}


@lru_cache(maxsize=None)
def lexicon() -> dict[str, Any]:
    """Word lists for the structural rules (patterns/boilerplate_lexicon.toml), as sets."""
    data = tomllib.loads((PATTERNS / "boilerplate_lexicon.toml").read_text(encoding="utf-8"))
    for section in data.values():
        for k, v in list(section.items()):
            if isinstance(v, list) and k != "separators" and k != "idiom_endings":
                section[k] = frozenset(v)
    return data


def all_family_names() -> list[str]:
    return [f.name for f in catalogue()] + list(STRUCTURAL)


# ---- text normalisation ----------------------------------------------------------------
# str.translate with a dict walks every character in Python objects; a handful of
# str.replace calls is several times faster on article-length text
_APOS = (("’", "'"), ("‘", "'"), ("`", "'"), ("´", "'"))
_QUOTES = (("“", '"'), ("”", '"'), ("„", '"'), ("«", '"'), ("»", '"')) + _APOS[:2]
_DIGITS = re.compile(r"\d")
# a sentence end, then closing marks; a stray space inside them ('said. ”' , '.” ”', a
# machine-translation slip the artifacts stage repairs later) still ends a sentence
_TERMINAL = re.compile(r"[.!?…。！？](?:\s?['\"”’»)\]])*$")
_OPEN_Q = "\"'“‘„«‹"
_CLOSE_Q = "\"'”’“»›"
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_URL = re.compile(r"\[[^\]]*\]\((?:https?://|www\.)[^)]*\)|(?:https?://|www\.)\S+")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


def _swap(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    for a, b in pairs:
        if a in text:
            text = text.replace(a, b)
    return text


WORD_CAP = 1000   # word counts stop here: every threshold is far below it


def count_words(text: str, cap: int = WORD_CAP) -> int:
    """Words in `text`, at most cap + 1 (a 2 MB single line is not split whole)."""
    return len(text.split(None, cap))


# str.isascii() is O(1) (CPython keeps the flag): ASCII text cannot hold the curly marks, so
# only the ASCII pairs (the backtick) are worth looking for in it
_APOS_ASCII = tuple(pair for pair in _APOS if pair[0].isascii())
_QUOTES_ASCII = tuple(pair for pair in _QUOTES if pair[0].isascii())


def fold(text: str) -> str:
    """Whitespace folded, apostrophes straight: the form patterns are matched against."""
    return " ".join(_swap(text, _APOS_ASCII if text.isascii() else _APOS).split())


# per process, bounded whatever the corpus: at most 8192 x (line + key) <= 1200 characters
# (~10 MB of ASCII; template, menu and header lines are far shorter, ~1 MB in practice)
KEY_CACHE_SIZE = 8192     # distinct lines whose key is remembered
KEY_CACHE_CHARS = 600     # keyed lines are short; a longer one is keyed every time


def line_key(text: str) -> str:
    """Key of a line for repetition across documents: casefold, digits -> 0, quotes straight,
    whitespace folded, a final period dropped (a headline is the same with or without it)."""
    # the same line is keyed by the template pre-pass, the header reader and the
    # boilerplate stage, and template lines in every document of their site
    return _line_key_cached(text) if len(text) <= KEY_CACHE_CHARS else _line_key(text)


_ASCII_DIGITS_TO_0 = str.maketrans("123456789", "000000000")


def _line_key(text: str) -> str:
    if text.isascii():
        # no curly quotes to straighten, and the only digits are 0-9 (translate is faster)
        key = " ".join(text.lower().translate(_ASCII_DIGITS_TO_0).split())
    else:
        key = " ".join(_DIGITS.sub("0", _swap(text, _QUOTES).casefold()).split())
    return key[:-1].rstrip() if key.endswith(".") else key


_line_key_cached = lru_cache(maxsize=KEY_CACHE_SIZE)(_line_key)


def is_quoted(text: str) -> bool:
    t = text.strip()
    core = t.rstrip(".,;:!?")
    return len(core) > 2 and core[0] in _OPEN_Q and core[-1] in _CLOSE_Q


_ENDS = ".!?…。！？"           # the sentence ends of _TERMINAL ...
_CLOSERS = "'\"”’»)]"          # ... and the closing marks it allows after them


def is_sentence(text: str) -> bool:
    """_TERMINAL.search(text.rstrip()), read from the end instead of searched from the start:
    closing marks, each maybe after one space, then a sentence end. (A space before a mark
    can only belong to that mark: spaces are neither marks nor sentence ends.)"""
    t = text.rstrip()
    end = len(t)
    while end and t[end - 1] in _CLOSERS:
        end -= 1
        if end and t[end - 1].isspace():
            end -= 1
    return end > 0 and t[end - 1] in _ENDS


KEYED_WORDS = 80   # templates.EDGE_WORDS: no longer line is ever counted or compared

# ---- line features ---------------------------------------------------------------------
@dataclass
class Line:
    index: int
    text: str
    kind: str
    words: int
    key: str
    family: str | None = None     # family whose pattern names the whole line
    prose: bool = False
    sentence: bool = False
    quoted: bool = False
    question: bool = False
    intro: bool = False           # ends with ":" and reads as a sentence: introduces an example
    link_only: bool = False
    symbol_only: bool = False
    title_inside: bool = False    # holds the document's title plus a few words (breadcrumb)
    faq_by_shape: bool = False    # an FAQ heading found by the questions under it, not by name


# per process, bounded: at most 8192 lines of <= 1200 characters (~10 MB of ASCII)
MATCH_CACHE_SIZE = 8192   # distinct lines remembered (menus, labels, templates, headers)
MATCH_CACHE_CHARS = 1200  # longer lines are matched every time


def match_family(text: str, words: int, disabled: frozenset[str] = frozenset()) -> str | None:
    """Name of the first family whose pattern matches the whole (folded) line, else None."""
    disabled = disabled if type(disabled) is frozenset else frozenset(disabled)
    if len(text) <= MATCH_CACHE_CHARS:
        # the answer depends only on (text, words, disabled): the same line comes back in
        # the template pre-pass, the header reader and the boilerplate stage, and template
        # lines come back in every document of their site (a hit skips the folding too)
        return _match_line_cached(text, words, disabled)
    return _match_line(text, words, disabled)


def _match_line(text: str, words: int, disabled: frozenset[str]) -> str | None:
    folded = fold(text)
    low = folded.casefold()
    for fam in families_for(words, disabled):
        if fam.matches(folded, words, low):
            return fam.name
    shape = shape_family(folded, words)
    return shape if shape not in disabled else None


_match_line_cached = lru_cache(maxsize=MATCH_CACHE_SIZE)(_match_line)


@lru_cache(maxsize=None)
def _longest_family() -> int:
    return max(f.max_words for f in catalogue())


def families_for(words: int, disabled: frozenset[str] = frozenset()) -> tuple[Family, ...]:
    """The families, in matching order, that a line of `words` words can match: the others
    are longer than their max_words or switched off. (One tuple per word count up to the
    longest family's limit and per disabled set: a few hundred at most.)"""
    return _families_for(min(words, _longest_family() + 1), disabled)


@lru_cache(maxsize=1024)   # per word count (<= ~121) and disabled set
def _families_for(words: int, disabled: frozenset[str]) -> tuple[Family, ...]:
    return tuple(f for f in catalogue() if f.max_words >= words and f.name not in disabled)


def shape_family(text: str, words: int) -> str | None:
    """Families recognised by shape or vocabulary rather than phrasing: menus, share rows,
    cookie banners in words the patterns do not know."""
    if words <= 30 and is_menu(text):
        return "menu"
    tokens = _control_tokens(text) if words <= 14 else None   # shared by the two rows
    if words <= 12 and _is_nav_row(tokens):
        return "menu"
    if words <= 14 and _is_share_row(tokens):
        return "share_row"
    if words <= lexicon()["cookie"]["max_words"] and is_cookie_banner(text):
        return "cookie"
    return None


_TOKEN = re.compile(r"[^\W\d_][\w'’-]*")


def is_cookie_banner(text: str) -> bool:
    low = text.casefold()
    if "cookie" not in low and "galleta" not in low or is_quoted(text):
        return False
    if any(w in low for w in (" said", " says", "according to")):
        return False            # reported speech: an article about cookies
    lex = lexicon()["cookie"]
    tokens = set(_TOKEN.findall(low))
    return (bool(tokens & lex["cookie_words"]) and bool(tokens & lex["address_words"])
            and any(t.startswith(c) for t in tokens for c in lex["consent_words"]))


def is_menu(text: str) -> bool:
    lex = lexicon()["menu"]
    for sep in lex["separators"]:
        if sep in text:
            items = [x.strip() for x in text.split(sep)]
            if len(items) >= lex["min_items"] and all(
                    x and len(x.split()) <= lex["max_item_words"] and not is_sentence(x)
                    for x in items):
                return True
    return False


# patterns used on every line are compiled here once, not looked up in re's cache per call
# anything but a word character, apostrophe or hyphen parts control words: separators, and
# the symbols sites put on their controls ("Sections ▾", "≡ Menu", "Share ↗")
_CONTROL_SEPARATORS = re.compile(r"[^\w'’-]+")
_FOOTER_TOKEN = re.compile(r"[\w'-]+")
_SENTENCE_SPLIT = re.compile(r"[.?!:]\s+")
_BEFORE_CREDIT = re.compile(r"^(.+?)\s*\([^()]{2,80}\)$")
_NOT_HEADLINE_MARK = re.compile(r"[,;:\"“”‘’()\d]|[.!?]\s")
_LONG_WORD = re.compile(r"\w{4,}")


def _control_tokens(text: str) -> list[str]:
    return [t for t in _CONTROL_SEPARATORS.split(text.casefold()) if t]


def is_nav_row(text: str) -> bool:
    """Site controls run together without separators: "Menu  Search  Sign in"."""
    return _is_nav_row(_control_tokens(text))


def _is_nav_row(tokens: list[str]) -> bool:
    words = lexicon()["nav_row"]["words"]
    return len(tokens) >= 2 and all(t in words for t in tokens)


def is_share_row(text: str) -> bool:
    return _is_share_row(_control_tokens(text))


def _is_share_row(tokens: list[str]) -> bool:
    lex = lexicon()["share"]
    return bool(tokens) and any(t in lex["anchors"] for t in tokens) and all(
        t in lex["anchors"] or t in lex["fillers"] for t in tokens)


def is_bare_credit(ln: "Line") -> bool:
    """"© AFP", "© Jane Doe/Reuters": a © line with no year that reads as a picture credit
    (the caption family's own patterns). Between body paragraphs it is a caption, and it
    ends an article only when no prose at all follows it."""
    if ln.family != "copyright" or _DIGITS.search(ln.text):
        return False
    folded = fold(ln.text)
    return family_named()["caption"].matches(folded, ln.words, folded.casefold())


def is_link_only(text: str) -> bool:
    # both forms of _URL hold "http(s)://" or "www.": without either there is no link
    if ("://" not in text and "www." not in text) or not _URL.search(text):
        return False
    rest = _URL.sub(" ", text)
    return len(_WORD.findall(rest)) <= 3


def describe(doc: Document, disabled: frozenset[str] = frozenset()) -> list[Line]:
    lex = lexicon()["prose"]
    title_key = line_key(doc.title) if doc.title and len(doc.title.split()) >= 3 else None
    lines = []
    for i, p in enumerate(doc.paragraphs):
        text = p.text.strip()
        words = count_words(text)
        # keys matter only for lines short enough to be template, headline or title
        ln = Line(i, text, p.kind, words, line_key(text) if words <= KEYED_WORDS else "")
        ln.sentence = is_sentence(text)
        ln.quoted = is_quoted(text)
        ln.question = text.rstrip(_CLOSE_Q + " ").endswith("?") and words <= 30
        ln.intro = text.endswith(":") and words >= 5
        ln.link_only = is_link_only(text)
        ln.symbol_only = not _LETTER_OR_DIGIT.search(text)
        if title_key and "title_repeat" not in disabled:
            if ln.key == title_key:
                ln.family = "title_repeat"
            elif title_key in ln.key and words - len(doc.title.split()) <= 10:
                ln.title_inside = True
        if ln.family is None and words <= 120:
            ln.family = match_family(text, words, disabled)
        ln.prose = (words >= lex["min_words"] and ln.sentence) or words >= lex["long_words"]
        lines.append(ln)
    if "faq" not in disabled:
        mark_faq_headings(lines)
    return lines


FAQ_PAIRS = 2   # questions, each with its answer, that make an unnamed heading an FAQ's


def mark_faq_headings(lines: list[Line]) -> None:
    """An FAQ under a heading in words no pattern knows ("Everything you need to know"): a
    short heading that no family names, after some article text, followed by nothing but
    questions and their answers (FAQ_PAIRS at least) up to a line a family names or the end.
    Whether it closes the article is then decided as for any FAQ heading (an article that
    asks questions of its own keeps it: appended_faq)."""
    prose_before = 0
    for ln in lines:
        if (prose_before >= 2 and ln.family is None and ln.words <= 10 and not ln.sentence
                and not ln.question and not ln.quoted and not ln.link_only
                and qa_pairs(lines, ln.index + 1) >= FAQ_PAIRS):
            ln.family, ln.faq_by_shape = "faq", True
        if ln.prose and ln.family is None:
            prose_before += 1


def qa_pairs(lines: list[Line], start: int) -> int:
    """Question-and-answer pairs from `start` up to a line a family names (or the end); 0 when
    anything else stands there: a line before the first question, a question left unanswered."""
    pairs, answered = 0, True
    for ln in lines[start:]:
        if ln.family is not None:
            break
        if ln.question and not ln.quoted:
            if not answered:
                return 0
            pairs, answered = pairs + 1, False
        elif pairs == 0:
            return 0
        else:
            answered = True
    return pairs if answered else 0


def is_body_candidate(ln: Line) -> bool:
    return (ln.prose and ln.family is None and not ln.title_inside and not ln.link_only
            and ln.kind not in ("caption",))


_SUBJECT = re.compile(r"^(?:the |die |der |das |le |la |les |el |los |il |lo |o |a |de |het )?"
                      r"(.{3,60}?) (?:is|are|ist|est|es|è|é|is een)\b", re.I)
_LABELLED = re.compile(r"^(?:about|über|à propos|sobre|chi siamo|over ons|over de auteur|"
                       r"sull'autore|sull'autrice|zum autor|zur autorin|our (?:editorial )?standards|"
                       r"our principles)\b[^:|–—]{0,50}[:|–—]", re.I)


def names_the_publisher(ln: Line, lines: list[Line], host: str | None) -> bool:
    """The blurb's subject is the site itself: it is named in the document's own page lines
    (a copyright, newsletter or follow line) or is the host name ("harbourgazette.example")."""
    m = _SUBJECT.match(ln.text)
    if not m:
        return False
    subject = m.group(1).casefold().strip()
    squashed = re.sub(r"[\W_]+", "", subject)
    if host:
        site = re.sub(r"[\W_]+", "", host.casefold())
        # "harbourgazette.example" names "Harbour Gazette"; a site named by its file names
        # ("northernec", "elpuertoho") may be the start of the name with its article
        # ("Northern Echo Digital", "El Puerto Hoy")
        core = re.sub(r"[\W_]+", "", host.casefold().rsplit(".", 1)[0]) if "." in host else site
        named = re.sub(r"[\W_]+", "", ln.text[:m.end(1)].casefold())
        if (len(squashed) >= 4 and squashed in site) or (len(core) >= 6 and core in named):
            return True
    return any(other.family and other.index != ln.index and subject in other.text.casefold()
               for other in lines)


def settle_weak_matches(lines: list[Line], host: str | None = None) -> None:
    """A weak family's prose ("<Name> is an independent organisation that...") is article
    text when it follows article text directly and holds no footer words (contact, e-mail,
    subscribe...): a closing background paragraph, not a publisher blurb after the footer.
    A labelled blurb ("About the Gazette: ...") or one whose subject is the site itself stays
    a blurb."""
    fams = family_named()
    for ln in lines[1:]:
        fam = fams.get(ln.family or "")
        if (fam is not None and fam.weak and (ln.prose or ln.sentence) and not ln.quoted
                and is_body_candidate(lines[ln.index - 1]) and not footer_lexicon_hit(ln)
                and not _LABELLED.match(ln.text) and not names_the_publisher(ln, lines, host)):
            ln.family = None


AFTER_BODY = "after the last body paragraph"


# ---- zones -----------------------------------------------------------------------------
# a marker, then the item; a line that ends with a dash too is a decorated label
# ("- Advertisement -", "— Sponsored —"), not a list item
_LIST_ITEM = re.compile(r"^\s*(?:[-–•*·▪]|\d{1,2}[.)])\s+(?!.*\s[-–—]\s*$)")


def _example_form(ln: Line) -> bool:
    return ln.quoted or ln.kind == "li" or bool(_LIST_ITEM.match(ln.text))


def protected_lines(lines: list[Line], is_link: Callable[[Line], bool] = lambda ln: False) -> set[int]:
    """Lines an article presents as examples, after a sentence ending in ':' ("...read
    simply:" / "“Subscribe to continue reading”"). The examples are the short lines up to the
    next prose paragraph; when some of them are quoted or list items, only those are (a label
    pasted among quoted examples is not one of them; among plain ones, a line of another
    family than the first is not either)."""
    def shape(x: Line) -> str | None:
        # another article's headline (`is_link`) is a pasted link whatever its label, and a
        # bare "© AFP" credit is a caption
        if x.family is None and is_link(x):
            return "inline_related"
        return "caption" if is_bare_credit(x) else x.family

    keep: set[int] = set()
    for ln in lines:
        if not (ln.intro and ln.family is None):
            continue
        run = []
        for nxt in lines[ln.index + 1:]:
            # a list introduced by the sentence runs on through items that read as prose;
            # an FAQ heading starts a block of its own, it is no example
            if (nxt.prose and not nxt.quoted and not _LIST_ITEM.match(nxt.text)) or (
                    nxt.family == "faq" and not nxt.quoted):
                break
            run.append(nxt)
        if any(_example_form(x) for x in run):
            run = [x for x in run if _example_form(x)]
        elif run:
            # plain examples share one shape (all menus, all labels): the most common one in
            # the run; on a tie not a caption, an ad slot or a link, which the page may have
            # set between the sentence and its example, then the first
            shapes = Counter(shape(x) for x in run)
            best = shape(max(run, key=lambda x: (shapes[shape(x)], shape(x) not in INSERTED, -x.index)))
            run = [x for x in run if shape(x) == best]
        keep.update(x.index for x in run)
    return keep


def footer_lexicon_hit(ln: Line) -> bool:
    words = lexicon()["footer"]["words"]
    return "@" in ln.text or any(w in words for w in _FOOTER_TOKEN.findall(ln.text.casefold()))


def is_call_to_action(ln: Line) -> bool:
    """A short line with footer words that speaks to the reader ("Want more? Get our
    briefing by email.", "Sign up today"): it addresses them or opens with a command. A
    sentence about readers ("Readers can sign up on the paper's website.") or one opening
    with a footer noun ("Copyright in the photographs remains...") reports."""
    if ln.words > 20 or not footer_lexicon_hit(ln):
        return False
    lex = lexicon()["footer"]
    low = ln.text.casefold()
    if any(w in low for w in (" said", " says", " suggests", "according to", " told")):
        return False            # reported speech
    tokens = _FOOTER_TOKEN.findall(low)
    if any(t in lex["address"] for t in tokens) or "@" in ln.text:
        return True
    for part in _SENTENCE_SPLIT.split(low):
        words = _FOOTER_TOKEN.findall(part)[:2]
        if words and words[0] in lex["imperatives"] and (
                words[0] not in lex["noun_or_verb"] or words[1:] and words[1] in lex["objects"]):
            return True
    return False


def tail_is_footer(lines: list[Line], at: int, answers_allowed: bool) -> bool:
    """True when no article text follows the terminator at `at`.

    Article text is prose that no family names. A footer may still hold one short blurb of it
    (an unknown "about us" line), and short calls to action (newsletter, contact) do not
    count; FAQ answers after a question line do not count when `answers_allowed`. A prose
    paragraph that opens by pointing back at the terminator ("That was the label...") shows
    the article is talking about it."""
    lex = lexicon()["terminator"]
    nxt = lines[at + 1] if at + 1 < len(lines) else None
    if nxt is not None and nxt.prose and nxt.family is None:
        first = nxt.text.split(maxsplit=1)[0].casefold().strip("“\"'‘’")
        if first in lex["back_references"]:
            return False
    head = family_named().get(lines[at].family or "")
    if head is not None and head.list_head:
        after = next((ln for ln in lines[at + 1:] if not _list_item(ln)), None)
        if after is not None and after.family is None and not is_call_to_action(after):
            return False    # prose under a list's heading and its list: a widget inside the story
    real = soft = real_words = 0
    for ln in lines[at + 1:]:
        if not (ln.prose and ln.family is None and not ln.link_only and not ln.title_inside):
            continue
        if answers_allowed and lines[ln.index - 1].question:
            continue
        if is_call_to_action(ln):
            soft += 1
        else:
            real += 1
            real_words += ln.words
    if is_bare_credit(lines[at]):
        return real + soft == 0     # a picture credit, then the story's last paragraph
    if real == 0:
        return soft <= 3
    return real == 1 and real_words <= lex["blurb_words"] and real + soft <= 2


def appended_faq(lines: list[Line], body_start: int, at: int) -> bool:
    """An FAQ heading closes the article when article text comes before it. A heading found
    only by the questions under it (mark_faq_headings) must also follow an article that asks
    no questions of its own: an interview or an explainer written as questions goes on in
    questions. One named as an FAQ ("Frequently asked questions") closes even those. A
    question that a family names ("Read more: Why are bridges closing?") is a link, not the
    article asking."""
    before = lines[body_start:at]
    if sum(1 for ln in before if is_body_candidate(ln)) < 2:
        return False
    return not lines[at].faq_by_shape or not any(
        ln.question and not ln.quoted and ln.family is None for ln in before)


def footer_start(lines: list[Line], start: int, end: int, protected: set[int],
                 disabled: frozenset[str]) -> tuple[int, str]:
    """Index where the footer begins and why (a terminator, or after the last body line)."""
    fams = family_named()
    for ln in lines[start + 1:]:
        fam = fams.get(ln.family or "")
        furniture = ln.family in ("menu", "share_row")   # shapes: page furniture, as terminators
        if not (furniture or (fam is not None and fam.terminator)) or ln.index in protected or ln.quoted:
            continue
        is_faq = fam is not None and fam.name == "faq"
        if is_faq and not appended_faq(lines, start, ln.index):
            continue
        if tail_is_footer(lines, ln.index, answers_allowed=is_faq):
            return ln.index, f"{ln.family}: footer from '{ln.text[:40]}'"
    return end + 1, AFTER_BODY


# ---- body evidence ---------------------------------------------------------------------
# "Read more: ", "WORTH A LOOK » " before a headline (keys have guillemets as '"')
# (a hyphen inside a word is part of the label: "From the Times-Ledger archive: <headline>")
_LABEL_PREFIX = re.compile(r'^(?:[^:|>»›→–—"-]|(?<=\w)-(?=\w)){0,40}[:|>»›→–—"-]+\s*(.+)$')


def headline_hit(ln: Line, headlines: frozenset[str] | set[str], own_title: str | None
                 ) -> str | None:
    """Family when the line is the headline of another article of the run, bare, behind a
    label ("Read more: <headline>") or before a credit ("<headline> (Photo: X)")."""
    if not headlines or ln.words > 40 or ln.words < 3:
        return None
    own = line_key(own_title) if own_title else None
    key = ln.key
    if key in headlines and key != own:
        return "other_headline"
    m = _LABEL_PREFIX.match(key)
    if m and m.group(1).strip() in headlines and m.group(1).strip() != own:
        return "inline_related"
    m = _BEFORE_CREDIT.match(key)
    if m and m.group(1).rstrip(" .") in headlines and m.group(1).rstrip(" .") != own:
        return "caption"
    return None


def looks_english(lines: list[Line]) -> bool:
    words = " ".join(ln.text for ln in lines[:12]).casefold().split()[:400]
    if not words:
        return False
    common = {"the", "and", "of", "to", "in", "is", "was", "that", "for", "with", "on", "said"}
    return sum(1 for w in words if w in common) / len(words) >= 0.12


def is_bare_headline(lines: list[Line], i: int) -> bool:
    """A headline of another story pasted between two paragraphs, without a label."""
    lex = lexicon()["bare_headline"]
    ln = lines[i]
    if not (0 < i < len(lines) - 1) or ln.quoted or ln.kind != "p":
        return False
    if not (lex["min_words"] <= ln.words <= lex["max_words"]):
        return False
    if not (lines[i - 1].prose and lines[i + 1].prose and lines[i - 1].words >= 20
            and lines[i + 1].words >= 20):
        return False
    text = ln.text.rstrip(". ")
    if _NOT_HEADLINE_MARK.search(text) or text.count("'") > 1:
        return False
    tokens = text.split()
    low = [t.casefold().strip("'") for t in tokens]
    if low[0] in lex["narrative_starts"] or not tokens[0][0].isupper():
        return False
    if any(t in lex["pronouns"] or t in lex["modals"] or t in lex["time_words"] for t in low):
        return False
    if _narrates_past(low, lex):
        return False
    names = sum(1 for t in tokens[1:] if t[0].isupper())
    cues = [
        names >= 2,
        any(t in lex["reporting_present"] for t in low[1:3]),
        any(text.casefold().endswith(" " + idiom) for idiom in lex["idiom_endings"]),
        not any(t in lex["articles"] for t in low[1:]) and names >= 1,
    ]
    return any(cues)


def pasted_headlines(lines: list[Line], start: int, last: int, ev: "Evidence",
                     protected: set[int], title: str | None) -> set[int]:
    """Body lines taken for unlabelled headlines of other stories. One such line alone is not
    enough: a real one-line paragraph ("Roads between Selby and Goole remain closed.") has
    the same shape. Sites that paste related headlines into the text paste several, so a
    candidate goes only when the document holds at least `min_per_document` of them (known
    headlines of other articles in the run standing bare count too)."""
    lex = lexicon()["bare_headline"]
    zone = [ln for ln in lines[start:last + 1] if ln.index not in protected and not ln.quoted
            and ln.words <= lex["max_words"] and ln.family is None]
    found = {ln.index for ln in zone if is_bare_headline(lines, ln.index)}
    if not found or not looks_english(lines):
        return set()
    # another story's headline standing bare counts; a labelled link ("Read more — X") is a
    # site's widget, common on sites that never paste unlabelled headlines: it counts for
    # nothing, and is no candidate itself (the link rules decide it)
    known = 0
    for ln in zone:
        hit = headline_hit(ln, ev.headlines, title)
        if hit == "other_headline":
            known += 1
        elif hit:
            found.discard(ln.index)
    return found if len(found) + known >= lex["min_per_document"] else set()


def _narrates_past(low: list[str], lex: dict[str, Any]) -> bool:
    """Past-tense narration: an irregular past form, or an -ed verb not after an auxiliary
    (headline idioms such as "... explained" at the very end excepted)."""
    for k, t in enumerate(low):
        if t in lex["past_irregular"]:
            return True
        if t.endswith("ed") and len(t) > 4 and k > 0 and k < len(low) - 1:
            if low[k - 1] not in lex["auxiliaries"]:
                return True
    return False


def caption_title(lines: list[Line], i: int) -> bool:
    """The short heading line a scraped figure puts before its caption: it shares most of
    its words with the caption ("Map of X" / "Map of X. (Image Credit: Y)")."""
    if i < 1:
        return False
    prev, cap = lines[i - 1], lines[i]
    if prev.words > 15 or prev.sentence or prev.quoted or prev.family or cap.words < 6:
        return False
    mine = set(_LONG_WORD.findall(prev.text.casefold()))
    theirs = set(_LONG_WORD.findall(cap.text.casefold()))
    return bool(mine) and len(mine & theirs) / len(mine) >= 0.5


# ---- the plan --------------------------------------------------------------------------
@dataclass
class Plan:
    rule: dict[int, str] = field(default_factory=dict)
    note: dict[int, str] = field(default_factory=dict)

    def drop(self, i: int, rule: str, note: str) -> None:
        if i not in self.rule:
            self.rule[i] = rule
            self.note[i] = note


@dataclass
class Evidence:
    """Cross-document knowledge for one document's site."""
    template: Any = None        # templates.TemplateView: line key -> share of the site's docs
    headlines: frozenset[str] | set[str] = frozenset()
    phrases: frozenset[str] = frozenset()
    body_share: float = 0.3


def evidence_for(doc: Document, ctx: Any) -> Evidence:
    from cleaners import templates  # the template store shares this module's line keys
    cfg = ctx.config.boilerplate
    learned = getattr(ctx, "templates", None) or {}
    site = templates.site_of(doc)
    phrases = list(cfg.site_phrases.get(site, [])) + list(cfg.site_phrases.get("*", []))
    if doc.origin.host and doc.origin.host != site:
        phrases += cfg.site_phrases.get(doc.origin.host, [])
    return Evidence(template=templates.template_lines(learned, site),
                    headlines=templates.known_headlines(learned),
                    phrases=frozenset(line_key(p) for p in phrases),
                    body_share=cfg.template_body_min_share)


def apply(doc: Document, ctx: Any) -> None:
    cfg = ctx.config.boilerplate
    if not cfg.enabled or not doc.paragraphs:
        return
    disabled = frozenset(cfg.disabled_families)
    lines = describe(doc, disabled)
    plan = plan_removals(doc, lines, evidence_for(doc, ctx), disabled)
    if plan.rule:
        doc.remove_paragraphs(STAGE, plan.rule.keys(), plan.rule, plan.note)


def plan_removals(doc: Document, lines: list[Line], ev: Evidence,
                  disabled: frozenset[str]) -> Plan:
    plan = Plan()
    on = lambda name: name not in disabled  # noqa: E731 - reads better inline below
    protected = protected_lines(lines, lambda ln: headline_hit(ln, ev.headlines, doc.title) is not None)
    for ln in lines:                        # the user's own lines and site templates first
        if on("site_phrase") and ln.key in ev.phrases:
            plan.drop(ln.index, "site_phrase", "phrase configured for this site")
    settle_weak_matches(lines, doc.origin.host or doc.origin.site)
    body = [ln.index for ln in lines if is_body_candidate(ln)]
    if not body:
        # no article text at all (a list, a stub): only lines that name themselves go
        fams = family_named()
        for ln in lines:
            fam = fams.get(ln.family or "")
            if (fam and fam.in_body) or ln.family in ("title_repeat", "menu", "share_row"):
                plan.drop(ln.index, ln.family, "no body text; the line names itself")
        return plan
    start, end = body[0], body[-1]
    cut, why = footer_start(lines, start, end, protected, disabled)
    # the body ends at its last prose paragraph before the footer; what stands between
    # that and a terminator (an AI summary before the FAQ) is footer too, softly
    last = max(i for i in body if i < cut)
    for ln in lines[:start]:
        header_line(ln, plan, ev, protected, on)
    pasted = pasted_headlines(lines, start, last, ev, protected, doc.title) if on("bare_headline") else set()
    for ln in lines[start:last + 1]:
        body_line(lines, ln, plan, ev, protected, on, doc.title, pasted)
    closing = closing_lines(lines, last, cut if why != AFTER_BODY else len(lines), ev, doc.title)
    chrome = first_footer_line(lines, last, closing)
    for ln in lines[last + 1:]:
        hard = ln.index >= cut and why != AFTER_BODY
        soft_why = AFTER_BODY if chrome is None or ln.index < chrome else (
            f"after the footer line '{lines[chrome].text[:40]}'")
        footer_line(ln, plan, ev, protected | closing, on, hard=hard,
                    why=why if hard else soft_why, title=doc.title,
                    after_chrome=chrome is not None and ln.index > chrome)
    related_lists(lines, plan, protected, on)
    caption_titles(lines, plan, on)
    return plan


def _template_share(ln: Line, ev: Evidence) -> float:
    return ev.template.share(ln.key) if ev.template and ln.key else 0.0


def header_line(ln: Line, plan: Plan, ev: Evidence, protected: set[int], on) -> None:
    fam = family_named().get(ln.family or "")
    if ln.family and not (fam is not None and fam.footer_only):
        plan.drop(ln.index, ln.family, "header zone")
    elif ln.title_inside and on("title_repeat"):
        plan.drop(ln.index, "title_repeat", "header line holding the title")
    elif _template_share(ln, ev) and on("template"):
        plan.drop(ln.index, "template", f"site template ({_template_share(ln, ev):.0%} of docs)")
    elif ln.link_only and on("link_line"):
        plan.drop(ln.index, "link_line", "header zone")
    elif ln.symbol_only and on("symbol_line"):
        plan.drop(ln.index, "symbol_line", "header zone")
    elif ln.index in protected or ln.quoted:
        return
    elif not ln.sentence and on("header_zone"):
        plan.drop(ln.index, "header_zone", "short line before the first body paragraph")


def body_line(lines: list[Line], ln: Line, plan: Plan, ev: Evidence, protected: set[int], on,
              title: str | None, pasted: set[int] = frozenset()) -> None:
    if ln.index in protected or ln.quoted:
        return
    fam = family_named().get(ln.family or "")
    if ln.family == "title_repeat":
        plan.drop(ln.index, "title_repeat", "the title again")
    elif fam is not None and fam.in_body:
        plan.drop(ln.index, fam.name, "body line matches family")
    elif is_bare_credit(ln) and on("caption"):
        # "© AFP" between two body paragraphs credits the picture there, not the page
        plan.drop(ln.index, "caption", "a © credit between body paragraphs")
    elif ln.family in ("menu", "share_row"):
        plan.drop(ln.index, ln.family, "body line has the shape of a " + ln.family.replace("_", " "))
    elif ln.kind == "caption" and on("caption"):
        plan.drop(ln.index, "caption", "figure caption")
    elif ln.link_only and on("link_line"):
        plan.drop(ln.index, "link_line", "only a link")
    elif ln.symbol_only and on("symbol_line"):
        plan.drop(ln.index, "symbol_line", "no words")
    elif (share := _template_share(ln, ev)) and on("template") and (
            not ln.sentence or share >= ev.body_share):
        plan.drop(ln.index, "template", f"site template ({share:.0%} of docs)")
    elif (hit := headline_hit(ln, ev.headlines, title)) and on(hit):
        plan.drop(ln.index, hit, "headline of another article in this run")
    elif ln.index in pasted and on("bare_headline"):
        plan.drop(ln.index, "bare_headline", "pasted headline between two paragraphs "
                  "(one of several in this document)")


def is_headline_case(text: str) -> bool:
    """Most longer words capitalised: "You Won't Believe What This Actor Looks Like Now"."""
    long = [w for w in _WORD.findall(text) if len(w) >= 4]
    return len(long) >= 3 and sum(1 for w in long if w[0].isupper()) / len(long) >= 0.7


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,:]\d{1,3})?(?![\w.,]\d)")


def is_list_entry(ln: Line) -> bool:
    """A data line, or an item of an explicit list ("- Public consultation from March")."""
    return is_data_line(ln) or (ln.family is None and not ln.link_only and ln.words <= 40
                                and (ln.kind == "li" or bool(_LIST_ITEM.match(ln.text))))


def is_data_line(ln: Line) -> bool:
    """A results or figures line under a short intro: "Men's cup: Eastside 5 Millfield 1",
    "High water 06:14 and 18:40". Two numbers or more; a teaser headline has one at most
    ("10 Things Nobody Tells You")."""
    return (ln.family is None and not ln.link_only and ln.words <= 40
            and len(_NUMBER.findall(ln.text)) >= 2)


# families that also stand inside article bodies (ads, captions, labelled links) do not show
# that the page's footer has begun; these, though inside the body too, are page furniture
_FOOTER_SIGNS = ("share", "backtop", "post_appeared", "related", "comments")


def is_inline_boilerplate(ln: Line, ev: Evidence, title: str | None) -> bool:
    """A line the body rules would remove wherever it stood (an ad label, a labelled link)."""
    fam = family_named().get(ln.family or "")
    return bool((fam is not None and fam.in_body and fam.name not in _FOOTER_SIGNS)
                or headline_hit(ln, ev.headlines, title))


def closing_lines(lines: list[Line], last: int, bound: int, ev: Evidence,
                  title: str | None) -> set[int]:
    """Short lines that carry on from the last body paragraph before any footer line: the
    closing quote of a story ("“That's something.”", too short to count as prose), a one-line
    coda, or a short intro ending in ':' with the results or figures it introduces. Inline
    boilerplate between them (an ad label, a labelled link) does not end the run; quoted
    headlines in headline case and short unquoted calls to action ("Support our reporting
    today.") do."""
    keep: set[int] = set()
    run = [ln for ln in lines[last + 1:bound] if not is_inline_boilerplate(ln, ev, title)]
    in_list = False             # inside the lines a short intro ("Final results:") announced
    for k, ln in enumerate(run):
        if (ln.text.endswith(":") and ln.family is None and ln.words <= 12
                and k + 1 < len(run) and is_list_entry(run[k + 1])):
            keep.add(ln.index)
            in_list = True
            continue
        if in_list and is_list_entry(ln):
            keep.add(ln.index)
            continue
        in_list = False
        if (ln.family or not ln.sentence or ln.link_only or ln.title_inside or ln.symbol_only
                or ln.words > 60 or is_headline_case(ln.text)
                or (not ln.quoted and is_call_to_action(ln))):
            break
        keep.add(ln.index)
    return keep


def first_footer_line(lines: list[Line], last: int, closing: set[int]) -> int | None:
    """Index of the first line after the body that shows the page footer has begun (a
    copyright, comments, newsletter, share... line), once the closing lines are over."""
    fams = family_named()
    for ln in lines[last + 1:]:
        if ln.index in closing:
            continue
        if ln.family in ("menu", "share_row"):
            return ln.index
        fam = fams.get(ln.family or "")
        if fam is not None and (not fam.in_body or fam.name in _FOOTER_SIGNS):
            return ln.index
    return None


def footer_line(ln: Line, plan: Plan, ev: Evidence, protected: set[int], on, hard: bool,
                why: str, title: str | None = None, after_chrome: bool = False) -> None:
    if ln.family:
        plan.drop(ln.index, ln.family, why)
    elif ln.title_inside and on("title_repeat"):
        plan.drop(ln.index, "title_repeat", why)
    elif _template_share(ln, ev) and on("template"):
        plan.drop(ln.index, "template", f"site template ({_template_share(ln, ev):.0%} of docs)")
    elif (hit := headline_hit(ln, ev.headlines, title)) and on(hit):
        plan.drop(ln.index, hit, "headline of another article in this run")
    elif ln.link_only and on("link_line"):
        plan.drop(ln.index, "link_line", why)
    elif ln.symbol_only and on("symbol_line"):
        plan.drop(ln.index, "symbol_line", why)
    elif hard and on("footer_zone"):
        # under an FAQ heading the questions and answers are the FAQ block itself
        plan.drop(ln.index, "faq" if why.startswith("faq:") else "footer_zone", why)
    elif ln.index in protected:
        return
    elif (ln.quoted or not ln.sentence or after_chrome) and on("footer_zone"):
        # after a footer line, a short unknown sentence is page text too ("The Morning
        # Briefing: the news you need.", "Thanks for reading!"): the story ended before it
        plan.drop(ln.index, "footer_zone", why)
    elif is_call_to_action(ln) and on("footer_zone"):
        # a short call to action after the article ("Want more? Subscribe ...")
        plan.drop(ln.index, "footer_zone", why + "; call to action")


def _list_item(ln: Line) -> bool:
    """Could the line be an entry of a related/sources list (a short headline or a link)? A
    headline ends without a full stop: "Attendance: 4,812." under an ad slot's "Promoted
    Stories" is the story's own line, and so is a line introducing an example ("... such as:")."""
    if ln.link_only:
        return True
    if ln.intro:    # "Visitors will find captions such as:" introduces the story's own example
        return False
    return not (ln.prose and not ln.quoted) and ln.words <= 30 and not ln.text.endswith(".")


def related_lists(lines: list[Line], plan: Plan, protected: set[int], on) -> None:
    """A related/sources heading that was removed takes its list with it: the short
    headline or link lines right after it."""
    fams = family_named()
    for ln in lines:
        fam = fams.get(plan.rule.get(ln.index, ""))
        if fam is None or not fam.list_head:
            continue
        for nxt in lines[ln.index + 1:]:
            if nxt.index in protected or not _list_item(nxt):
                break
            plan.drop(nxt.index, fam.name, f"list under '{ln.text[:40]}'")


def caption_titles(lines: list[Line], plan: Plan, on) -> None:
    if not on("caption"):
        return
    for i, rule in list(plan.rule.items()):
        if rule == "caption" and i - 1 not in plan.rule and caption_title(lines, i):
            plan.drop(i - 1, "caption", "heading of the caption below")
