"""HTML page -> article paragraphs (with kinds) and the metadata the page states.

How it works, in four passes over a light tree of our own:

1. Parse with lxml's HTML parser (libxml2, the parser beautifulsoup4's "lxml" builder
   drives) through a parser *target*: libxml2 streams start/end/data events and we build a
   small tree of `_Node`s. Two reasons not to build a BeautifulSoup or lxml tree: speed
   (bs4 parses a 50 KB page at ~35 pages/s on these machines, far below the 150/s budget;
   the target does several hundred) and depth (lxml's own tree builder silently drops
   everything nested deeper than 256 levels; the event stream does not). Scripts, styles,
   form controls, iframes, svg never become nodes: their text cannot reach the output.
   Every later pass is iterative, so a page nested 5,000 levels deep cannot hit Python's
   recursion limit.
2. Mark chrome: semantic tags (nav, header, footer, aside, form, menu, dialog), ARIA roles,
   hidden elements and class/id names from `patterns/html_vocab.toml`, matched as whole
   tokens ("ad-slot" is an ad, "shadow" and "header-image" are not).
3. Pick the content root(s): each text block (the nearest block element around some text)
   with enough non-link text scores its container and, at half weight, the container's
   parent (text density decides, not tag names); chrome, link density, grids of linked
   headlines (teaser cards) and runs of text-plus-label items (comment threads) pull a
   candidate down, article/body names push it up. The winner is widened to the deepest node
   that holds 85% of the text in its paragraphs' markup pattern (bodies cut into one wrapper
   per paragraph, or into chunks between ad slots), and siblings carrying text are merged.
4. Emit paragraphs inside the roots in document order, skipping chrome and link-dense
   blocks; headings, list items, captions, quotes and pre blocks keep their kind;
   `<br>` ends a paragraph.

Every piece of text that does not make it out is logged as a removal with its rule id.
"""
from __future__ import annotations

import email.utils
import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date as _date
from functools import lru_cache
from pathlib import Path
from typing import Any

import lxml.etree

from cleaners.document import Paragraph

STAGE = "html"

# Never text: their content is code, controls or media.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "iframe", "frame", "frameset", "svg", "math", "template",
    "object", "embed", "applet", "canvas", "video", "audio", "source", "track", "map",
    "select", "option", "optgroup", "textarea", "input", "button", "datalist", "output",
    "progress", "meter", "param", "head",
    # AMP pages: ads, analytics, share buttons and consent dialogs as custom elements
    "amp-ad", "amp-embed", "amp-analytics", "amp-pixel", "amp-auto-ads", "amp-sticky-ad",
    "amp-iframe", "amp-social-share", "amp-consent", "amp-geo", "amp-state", "amp-list",
})
# Page chrome by HTML semantics.
CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu", "dialog", "amp-sidebar"})
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                          "dialog", "alertdialog", "menu", "menubar", "toolbar", "tablist",
                          "form", "alert", "status", "marquee"})
# Elements that start and end a paragraph.
BLOCK_TAGS = frozenset({
    "html", "body", "p", "div", "section", "article", "main", "header", "footer", "aside",
    "nav", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "figure", "figcaption", "table", "thead", "tbody", "tfoot", "tr",
    "caption", "address", "hr", "center", "form", "fieldset", "legend", "details", "summary",
    "dialog", "menu", "hgroup", "picture",
})
# Kind of the paragraphs an element holds (innermost wins).
KIND_OF = {"h1": "h", "h2": "h", "h3": "h", "h4": "h", "h5": "h", "h6": "h", "li": "li",
           "dt": "li", "dd": "li", "figcaption": "caption", "caption": "caption",
           "blockquote": "quote", "pre": "pre"}
# Blocks whose text scores their parent (a <p> is part of a body; a <div> with text is one).
LEAF_BLOCKS = frozenset({"p", "li", "dt", "dd", "blockquote", "pre", "h1", "h2", "h3", "h4",
                         "h5", "h6", "figcaption", "caption", "address"})
CELL_TAGS = frozenset({"td", "th"})

MIN_BLOCK_TEXT = 40          # non-link characters a block needs to count as article text
MAX_EDIT_TEXT = 300          # characters of removed text kept in an edit
MAX_EDITS = 200              # removal edits per page; the rest are summed up in one


# ---- vocabularies ------------------------------------------------------------------------
@dataclass(frozen=True)
class Vocab:
    chrome: re.Pattern
    whole: frozenset[str]
    state_prefixes: frozenset[str]
    content: re.Pattern
    itemprops: frozenset[str]


def _entry_regex(entries: list[str]) -> re.Pattern:
    alts = sorted({" ".join(e.lower().split()) for e in entries}, key=len, reverse=True)
    return re.compile(r" (?:" + "|".join(re.escape(a) for a in alts) + r") ")


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    data = tomllib.loads((Path(__file__).parent / "patterns" / "html_vocab.toml").read_text("utf-8"))
    chrome, content = data["chrome"], data["content"]
    return Vocab(
        chrome=_entry_regex(chrome["tokens"]),
        whole=frozenset(" ".join(w.split()) for w in chrome["whole"]),
        state_prefixes=frozenset(chrome["state_prefixes"]),
        content=_entry_regex(content["tokens"]),
        itemprops=frozenset(content["itemprops"]),
    )


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TOKEN = re.compile(r"[a-z]+|[0-9]+")


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> str:
    """'articleBody__inner-2' -> ' article body inner 2 ' (padded for whole-token search)."""
    return " " + " ".join(_TOKEN.findall(_CAMEL.sub(" ", name).lower())) + " "


@lru_cache(maxsize=65536)
def classify_name(name: str) -> tuple[str, str] | None:
    """('chrome', token) or ('content', token) for one class name or id, else None."""
    v = vocab()
    padded = name_tokens(name)
    words = padded.split()
    if not words:
        return None
    if " ".join(words) in v.whole:
        return ("chrome", " ".join(words))
    for i, word in enumerate(words[:-1]):
        if word in v.state_prefixes:
            # "has-sidebar", "content-with-ads": the words after a state word describe a
            # wrapper's state, not a component; only the words before it name the element
            words = words[:i]
            padded = " " + " ".join(words) + " "
            break
    if not words:
        return None
    m = v.chrome.search(padded)
    if m:
        return ("chrome", m.group().strip())
    m = v.content.search(padded)
    if m:
        return ("content", m.group().strip())
    return None


# ---- the tree ----------------------------------------------------------------------------
class _Node:
    """One element. `order` is its index in the page's pre-order node list and `last` the
    index of its last descendant, so "is X inside Y" is a range test, never a walk."""
    __slots__ = ("tag", "parent", "children", "attrs", "order", "last", "flag", "chrome",
                 "hint", "chars", "links", "mass", "score", "teasers", "records")

    def __init__(self, tag: str, parent: "_Node | None", attrs: dict[str, str], order: int):
        self.tag = tag
        self.parent = parent
        self.children: list[_Node | str] = []
        self.attrs = attrs
        self.order = order
        self.last = -1
        self.flag: tuple[str, str] | None = None   # (rule, detail) when the element is chrome
        self.chrome = False             # chrome itself or inside chrome
        self.hint = 0.0                 # > 0: named like an article body
        self.chars = 0                  # visible characters in the subtree
        self.links = 0                  # of which inside <a>
        self.mass = 0.0                 # article-like text in the subtree
        self.score = 0.0                # content-root score
        self.teasers = 0                # headings in the subtree that are links (teaser cards)
        self.records = 0                # text + short label items in the subtree (comments)

    def holds(self, other: "_Node") -> bool:
        return self.order <= other.order <= self.last


_NEVER_CHROME = frozenset({"#root", "html", "body"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_EMPTY: dict[str, str] = {}


@dataclass
class PageMeta:
    title_tag: str = ""
    meta: dict[str, str] = field(default_factory=dict)      # lower-case name/property -> content
    canonical: str | None = None
    lang: str | None = None
    ld_json: list[str] = field(default_factory=list)
    times: list[tuple[int, str]] = field(default_factory=list)  # (order, datetime attr)
    author_links: list[_Node] = field(default_factory=list)
    headings: list[_Node] = field(default_factory=list)         # h1 and h2 elements


class _TreeBuilder:
    """lxml parser target: builds `_Node`s from the event stream, collects head metadata."""

    def __init__(self) -> None:
        self.root = _Node("#root", None, _EMPTY, 0)
        self.nodes: list[_Node] = [self.root]     # pre-order: creation order
        self.cur = self.root
        self.skip = 0                   # depth inside a dropped element
        self.capture: list[str] | None = None   # text of a JSON-LD script or of <title>
        self.capture_kind = ""
        self.meta = PageMeta()

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.skip:
            self.skip += 1
            self._inside_dropped(tag, attrs)
            return
        if tag in _SPECIAL_TAGS and self._special(tag, attrs):
            return
        nodes = self.nodes
        node = _Node(tag, self.cur, attrs or _EMPTY, len(nodes))
        nodes.append(node)
        self.cur.children.append(node)
        self.cur = node
        if tag in _WATCHED_TAGS or (tag == "a" and "rel" in attrs):
            self._watch(node, tag, attrs)

    def _watch(self, node: _Node, tag: str, attrs: dict[str, str]) -> None:
        if tag in ("h1", "h2"):
            self.meta.headings.append(node)
        elif tag == "time" and (attrs.get("datetime") or "").strip():
            self.meta.times.append((node.order, attrs["datetime"]))
        elif tag == "a" and "author" in (attrs.get("rel") or "").lower().split():
            self.meta.author_links.append(node)
        elif tag == "html" and attrs.get("lang"):
            self.meta.lang = attrs["lang"]

    def _special(self, tag: str, attrs: dict[str, str]) -> bool:
        """meta/link/title and dropped elements; True when no node is made."""
        if tag in ("meta", "link"):
            self._head_tag(tag, attrs)
            return True
        if tag == "title":
            self.skip = 1
            if not self.meta.title_tag:
                self._capture("title")
            return True
        if tag in DROP_TAGS:
            self.skip = 1
            if tag == "script" and "ld+json" in (attrs.get("type") or "").lower():
                self._capture("ld")
            return True
        return False

    def _inside_dropped(self, tag: str, attrs: dict[str, str]) -> None:
        """<head> is dropped, but its title, meta tags and JSON-LD are the page's metadata."""
        if tag in ("meta", "link"):
            self._head_tag(tag, attrs)
        elif self.capture is None and tag == "title" and not self.meta.title_tag:
            self._capture("title")
        elif self.capture is None and tag == "script" and "ld+json" in (attrs.get("type") or "").lower():
            self._capture("ld")

    def end(self, tag: str) -> None:
        if self.skip:
            self.skip -= 1
            if self.capture is not None and tag == ("title" if self.capture_kind == "title" else "script"):
                text = "".join(self.capture)
                if self.capture_kind == "title":
                    self.meta.title_tag = _squash(text)
                else:
                    self.meta.ld_json.append(text)
                self.capture = None
            return
        if self.cur.parent is not None:
            self.cur.last = len(self.nodes) - 1
            self.cur = self.cur.parent

    def data(self, text: str) -> None:
        if self.skip:
            if self.capture is not None:
                self.capture.append(text)
            return
        children = self.cur.children
        if children and type(children[-1]) is str:
            children[-1] += text
        else:
            children.append(text)

    def close(self) -> "_TreeBuilder":
        end = len(self.nodes) - 1
        for node in self.nodes:
            if node.last < 0:
                node.last = end     # left open (a page cut off mid-way): holds the rest
        return self

    def _capture(self, kind: str) -> None:
        self.capture, self.capture_kind = [], kind

    def _head_tag(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").strip().lower()
            content = attrs.get("content")
            if key and content and key not in self.meta.meta:
                self.meta.meta[key] = content.strip()
        elif "canonical" in (attrs.get("rel") or "").lower().split() and attrs.get("href"):
            self.meta.canonical = attrs["href"].strip()


_SPECIAL_TAGS = DROP_TAGS | {"meta", "link", "title"}
_WATCHED_TAGS = frozenset({"h1", "h2", "time", "html"})


def parse(html: str) -> _TreeBuilder:
    builder = _TreeBuilder()
    parser = lxml.etree.HTMLParser(target=builder, recover=True, no_network=True,
                                   remove_comments=True, remove_pis=True)
    try:
        parser.feed(html)
        parser.close()
    except lxml.etree.LxmlError:
        builder.close()     # recover=True keeps what was parsed; a broken tail is cut off
    return builder


# ---- helpers -----------------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def subtree_text(node: _Node, cap: int = MAX_EDIT_TEXT) -> str:
    parts: list[str] = []
    size = 0
    stack: list[_Node | str] = [node]
    while stack and size < cap:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            size += len(item)
        else:
            stack.extend(reversed(item.children))
            if item.tag in BLOCK_TAGS or item.tag == "br":
                parts.append(" ")
    text = _squash("".join(parts))
    return text if len(text) <= cap else text[:cap].rstrip() + "…"


# ---- pass 2: chrome ----------------------------------------------------------------------
def _mark(node: _Node) -> None:
    """Set `hint` (named like an article body) and `flag` (chrome, with the rule that says so)."""
    tag, attrs = node.tag, node.attrs
    if not attrs:
        if tag in CHROME_TAGS:
            node.flag = ("semantic_tag", f"<{tag}>")
        elif tag in ("article", "main"):
            node.hint = 1.25
        return
    named_content = attrs.get("itemprop", "").lower() in vocab().itemprops
    names = attrs.get("class", "").split()
    if attrs.get("id"):
        names.append(attrs["id"])
    chrome_token = None
    for name in names:
        found = classify_name(name)
        if found is None:
            continue
        if found[0] == "content":
            named_content = True
        elif chrome_token is None:
            chrome_token = found[1]
    if named_content:
        node.hint = 1.5
        return      # named like the article body: never chrome
    role = attrs.get("role", "").lower()
    if tag in CHROME_TAGS:
        node.flag = ("semantic_tag", f"<{tag}>")
    elif role in CHROME_ROLES:
        node.flag = ("aria_role", f"role={role}")
    elif chrome_token is not None:
        node.flag = ("class_vocab", chrome_token)
    elif ("hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true"
          or _HIDDEN_STYLE.search(attrs.get("style", ""))):
        node.flag = ("hidden", "hidden element")
    elif tag in ("article", "main") or role == "main":
        node.hint = 1.25


# ---- pass 3: text blocks, scores, roots --------------------------------------------------
def _measure(nodes: list[_Node], disabled: frozenset[str]) -> list[tuple[_Node, float]]:
    """Mark chrome; count characters and link characters per subtree; give every text block
    (the nearest block element around some text) with enough non-link text a weight, added
    to its subtree's `mass` and, as a content-root score, to its container and (half) to the
    container's parent. Returns the weighted blocks. Parents precede children in `nodes`, so
    one forward pass propagates down and one backward pass sums up: no recursion."""
    n = len(nodes)
    block_of = [0] * n
    in_link = [False] * n
    own_chars = [0] * n             # per block: its own text (not in nested blocks)
    own_links = [0] * n
    for node in nodes:
        i = node.order
        parent = node.parent
        if parent is not None:
            if node.tag not in _NEVER_CHROME:
                _mark(node)
                if node.flag is not None and node.flag[0] in disabled:
                    node.flag = None
            node.chrome = node.flag is not None or parent.chrome
            block_of[i] = i if (node.tag in BLOCK_TAGS or node.tag in CELL_TAGS) else block_of[parent.order]
            in_link[i] = in_link[parent.order] or node.tag == "a"
        chars = 0
        for c in node.children:
            if type(c) is str:
                chars += len(c.strip())
        if chars:
            node.chars = chars
            b = block_of[i]
            own_chars[b] += chars
            if in_link[i]:
                node.links = chars
                own_links[b] += chars
    good: list[tuple[_Node, float]] = []
    for i in range(n):
        chars = own_chars[i]
        if not chars:
            continue
        text = chars - own_links[i]
        block = nodes[i]
        if KIND_OF.get(block.tag) == "h":
            if own_links[i] > 0.5 * chars:
                block.teasers = 1   # a linked headline: a card pointing to another article
            continue        # headings label text, they are not the text
        if text < MIN_BLOCK_TEXT or own_links[i] > 0.5 * chars:
            continue        # short, or a list of links
        block.mass = text
        good.append((block, float(text)))
        container = block.parent if block.tag in LEAF_BLOCKS and block.parent else block
        container.score += text
        if container.parent is not None:
            container.parent.score += text / 2
    for node in reversed(nodes):    # children come before their parent in this order
        if _is_record(node):
            node.records += 1
        parent = node.parent
        if parent is not None:
            parent.chars += node.chars
            parent.links += node.links
            parent.mass += node.mass
            parent.teasers += node.teasers
            parent.records += node.records
    return good


def _is_record(node: _Node) -> bool:
    """A comment or listing item: a text block next to a short label that is not a paragraph
    (user name, date, score). Article paragraphs are not wrapped with labels."""
    has_text = has_label = False
    for c in node.children:
        if type(c) is not _Node or not c.chars:
            continue
        if c.mass:
            has_text = True
        elif c.chars < 60 and c.tag not in LEAF_BLOCKS:
            has_label = True
    return has_text and has_label


def choose_roots(nodes: list[_Node], body: _Node, good: list[tuple[_Node, float]]) -> list[_Node]:
    """The content root(s): the densest candidate, widened to hold the whole article."""
    best = _densest(nodes, body)
    if best is None:
        return [body]
    root = _cluster_root(nodes, body, best, good)
    if root.parent is None or root is body:
        return [root]
    return _merge_siblings(root)


def _densest(nodes: list[_Node], body: _Node) -> _Node | None:
    """The node whose own text blocks score highest (text length, less links, body names)."""
    best, best_score = None, 0.0
    for node in nodes[body.order:body.last + 1]:
        if not node.score:
            continue
        density = node.links / node.chars if node.chars else 0.0
        score = node.score * (1.0 - density) * (node.hint or 1.0)
        if node.chrome:
            score *= 0.2
        if node.teasers > 1:
            score /= node.teasers   # a grid of linked headlines with summaries: teaser cards
        if node.records > 2:
            score /= node.records   # a thread of comments, each with its author label
        # ties go to the deeper node: the list is in pre-order, so keep the later one
        if score >= best_score:
            best, best_score = node, score
    return best


def _signature(block: _Node) -> tuple[str, str, str, str]:
    parent = block.parent
    return (block.tag, block.attrs.get("class", ""),
            parent.tag if parent else "", parent.attrs.get("class", "") if parent else "")


def _cluster_root(nodes: list[_Node], body: _Node, best: _Node,
                  good: list[tuple[_Node, float]]) -> _Node:
    """Article paragraphs share one markup pattern (tag and class of the block and of its
    parent). Take the pattern that carries most text under `best`, and return the deepest
    node holding 85% of that pattern's text on the page: a body cut into one wrapper per
    paragraph, or into chunks between ad slots, is then held whole."""
    by_pattern: dict[tuple[str, str, str, str], float] = {}
    for block, weight in good:
        if best.holds(block):
            sig = _signature(block)
            by_pattern[sig] = by_pattern.get(sig, 0.0) + weight
    if not by_pattern:
        return best
    main = max(by_pattern, key=by_pattern.__getitem__)
    mass = [0.0] * len(nodes)
    members: set[int] = set()
    for block, weight in good:
        if body.holds(block) and _signature(block) == main and (best.holds(block) or not block.chrome):
            mass[block.order] = weight
            members.add(block.order)
    for node in reversed(nodes[body.order + 1:body.last + 1]):
        if mass[node.order]:
            mass[node.parent.order] += mass[node.order]
    total = mass[body.order]
    node = body
    while True:
        nxt = next((c for c in node.children if type(c) is _Node and mass[c.order] >= 0.85 * total), None)
        if nxt is None or (nxt.order in members and nxt.tag in LEAF_BLOCKS):
            return node     # the root holds the paragraphs; it is never one <p> itself
        node = nxt


def _merge_siblings(best: _Node) -> list[_Node]:
    """Siblings that carry article text too (a body cut in two by an ad slot, a standfirst)."""
    roots = []
    for sib in best.parent.children:
        if type(sib) is not _Node:
            continue
        if sib is best:
            roots.append(sib)
            continue
        if sib.chrome or not sib.mass or sib.teasers > 1 or sib.records > 2:
            continue
        density = sib.links / sib.chars if sib.chars else 1.0
        if density < 0.3 and (sib.mass >= 0.25 * best.mass or
                              (sib.tag in LEAF_BLOCKS and sib.mass >= 80)):
            roots.append(sib)
    return roots


# ---- pass 4: paragraphs ------------------------------------------------------------------
@dataclass
class Removed:
    """Text the extractor left out (or, for `action` "flag", a decision worth logging)."""
    rule: str
    text: str
    note: str = ""
    action: str = "remove"      # remove | to_metadata | flag


class _Emitter:
    def __init__(self, skip: _Node | None, disabled: frozenset[str] = frozenset()) -> None:
        self.disabled = disabled
        self.paragraphs: list[Paragraph] = []
        self.removed: list[Removed] = []
        self.skip = skip            # a node left out (the headline, now the title)
        self.buf: list[str] = []
        self.chars = 0
        self.links = 0
        self.timed = 0              # characters inside <time>
        self.kind = "p"
        self.removed_at: set[int] = set()   # paragraph counts at which something was removed

    def drop(self, removed: Removed) -> None:
        self.removed.append(removed)
        self.removed_at.add(len(self.paragraphs))

    def text(self, s: str, kind: str, in_link: bool, in_time: bool) -> None:
        if not self.buf:
            self.kind = kind
        self.buf.append(s)
        n = len(s.strip())
        self.chars += n
        if in_link:
            self.links += n
        if in_time:
            self.timed += n

    def flush(self) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        if self.kind == "pre":
            text = re.sub(r"\n\s*\n+", "\n", raw.strip("\n"))
        else:
            text = _squash(raw)
        chars, links, timed = self.chars, self.links, self.timed
        self.buf, self.chars, self.links, self.timed = [], 0, 0, 0
        if not text.strip():
            return
        if timed and timed == chars and "timestamp" not in self.disabled:
            self.drop(Removed("timestamp", text[:MAX_EDIT_TEXT], "a date element alone"))
            return
        if chars and (links > 0.8 * chars or (links > 0.5 * chars and chars < 200)) \
                and "link_dense" not in self.disabled:
            self.drop(Removed("link_dense", text[:MAX_EDIT_TEXT],
                              f"{links * 100 // chars}% of the text is links"))
            return
        self.paragraphs.append(Paragraph(text, self.kind))

    def drop_orphan_headings(self) -> None:
        """A heading whose section lost all its content to chrome rules ("Related Topics"
        over a removed link list) goes with it."""
        if "orphan_heading" in self.disabled:
            return
        keep: list[Paragraph] = []
        n = len(self.paragraphs)
        for i, p in enumerate(self.paragraphs):
            section_empty = i + 1 == n or self.paragraphs[i + 1].kind == "h"
            if p.kind == "h" and (i + 1) in self.removed_at and section_empty:
                self.removed.append(Removed("orphan_heading", p.text, "its section was all page chrome"))
                continue
            keep.append(p)
        self.paragraphs = keep

    def emit(self, root: _Node) -> None:
        # stack items: (node or text, kind, in_link, in_time) or an (END, node) marker
        stack: list[Any] = [(root, "p", False, False)]
        while stack:
            item = stack.pop()
            node = item[0]
            if node is _END:
                self._close(item[1])
                continue
            kind, in_link, in_time = item[1], item[2], item[3]
            if type(node) is str:
                self.text(node, kind, in_link, in_time)
                continue
            if node is not root and (node.flag is not None or node is self.skip):
                if node.chars and node.flag is not None:
                    self.drop(Removed(node.flag[0], subtree_text(node), node.flag[1]))
                continue
            tag = node.tag
            if tag == "br":
                if kind in ("h", "li", "caption"):
                    self.buf.append(" ")
                else:
                    self.flush()
                continue
            if tag in BLOCK_TAGS:
                self.flush()
            kind = KIND_OF.get(tag) or ("caption" if _caption_class(node.attrs.get("class")) else kind)
            in_link = in_link or tag == "a"
            in_time = in_time or tag == "time"
            stack.append((_END, node))
            stack.extend([(c, kind, in_link, in_time) for c in reversed(node.children)])
        self.flush()

    def _close(self, node: _Node) -> None:
        if node.tag in BLOCK_TAGS:
            self.flush()
        elif node.tag in CELL_TAGS and self.buf:
            self.buf.append(" ")


_END = object()


@lru_cache(maxsize=4096)
def _caption_class(classes: str | None) -> bool:
    """<p class="wp-caption-text">, <div class="image-caption">: a caption without <figcaption>."""
    return bool(classes) and any(" caption " in name_tokens(c) for c in classes.split())


def _outside(roots: list[_Node], top: _Node) -> list[_Node]:
    """The largest subtrees that hold none of the roots (everything the page has besides them)."""
    out: list[_Node] = []
    stack = [] if top in roots else [top]
    while stack:
        node = stack.pop()
        for child in node.children:
            if type(child) is not _Node or child in roots:
                continue
            if any(child.holds(r) for r in roots):
                stack.append(child)
            elif child.chars:
                out.append(child)
    return sorted(out, key=lambda n: n.order)


# ---- metadata ----------------------------------------------------------------------------
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_ISO = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s_])")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:$|T)")
_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def normalise_date(value: Any) -> str | None:
    """'2023-11-17T09:30:00+01:00', 'Fri, 17 Nov 2023 10:00 GMT', 'November 17, 2023' ->
    '2023-11-17' (the date as written, no time-zone shift). None when it is not a date."""
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    for rx, order in ((_ISO, "ymd"), (_COMPACT, "ymd")):
        m = rx.match(s)
        if m:
            return _valid(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _MDY.search(s)
    if m and m.group(1)[:3].lower() in _MONTHS:
        return _valid(int(m.group(3)), _MONTHS[m.group(1)[:3].lower()], int(m.group(2)))
    m = _DMY.search(s)
    if m and m.group(2)[:3].lower() in _MONTHS:
        return _valid(int(m.group(3)), _MONTHS[m.group(2)[:3].lower()], int(m.group(1)))
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        return None
    return _valid(parsed.year, parsed.month, parsed.day)


def _valid(y: int, m: int, d: int) -> str | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return _date(y, m, d).isoformat()
    except ValueError:
        return None


_DATE_META = ("article:published_time", "og:article:published_time", "article.published",
              "datepublished", "pubdate", "publishdate", "publish-date", "publish_date",
              "publication_date", "sailthru.date", "parsely-pub-date", "dc.date.issued",
              "dc.date", "dcterms.date", "dcterms.created", "date", "og:published_time",
              "article:published", "cxenseparse:recs:publishtime", "datecreated")
_NEWS_TYPES = ("newsarticle", "article", "reportagenewsarticle", "blogposting",
               "analysisnewsarticle", "opinionnewsarticle", "report", "liveblogposting",
               "webpage", "socialmediaposting")


def _ld_objects(texts: list[str]) -> list[dict[str, Any]]:
    """JSON-LD objects, flattened (@graph, lists), article types first."""
    found: list[dict[str, Any]] = []
    for text in texts:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            continue
        queue = [data]
        while queue and len(found) < 50:
            item = queue.pop(0)
            if isinstance(item, list):
                queue.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    queue.extend(item["@graph"])

    def rank(obj: dict[str, Any]) -> int:
        kinds = obj.get("@type")
        kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
        names = [k.lower() for k in kinds if isinstance(k, str)]
        for i, t in enumerate(_NEWS_TYPES):
            if t in names:
                return i
        return len(_NEWS_TYPES)

    return sorted(found, key=rank)


def _author_names(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items[:5]:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip() and not item.strip().startswith("http"):
            names.append(_squash(item))
    return names


_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—•·»]\s+|\s*\|\s*")


def _norm_title(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _clean_title_tag(title: str, site_name: str | None) -> str:
    """'Headline | Site' or 'Site - Headline' -> 'Headline'."""
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title
    if site_name:
        rest = [p for p in parts if _norm_title(p) != _norm_title(site_name)]
        if len(rest) == 1:
            return rest[0]
    longest = max(parts, key=len)
    return longest if len(longest) >= 0.5 * len(title) else title


@dataclass
class Extracted:
    paragraphs: list[Paragraph]
    title: str | None = None
    date: str | None = None
    byline: str | None = None
    url: str | None = None
    lang: str | None = None
    removed: list[Removed] = field(default_factory=list)


def _pick_title(meta: PageMeta, ld: list[dict[str, Any]]) -> tuple[str | None, _Node | None]:
    """The headline, and the element that shows it in the body (to keep it out of the text)."""
    stated = [meta.meta.get("og:title"), meta.meta.get("twitter:title")]
    stated += [o.get("headline") for o in ld[:3] if isinstance(o.get("headline"), str)]
    stated = [_squash(s) for s in stated if isinstance(s, str) and s.strip()]
    tag_title = _clean_title_tag(meta.title_tag, meta.meta.get("og:site_name")) if meta.title_tag else ""
    all_h1 = [h for h in meta.headings if h.tag == "h1" and h.chars]
    h1s = [h for h in all_h1 if not h.chrome][:5] or all_h1[:5]
    references = [_norm_title(s) for s in stated + ([meta.title_tag] if meta.title_tag else [])]
    # "Headline | Site": the headline alone is a reference too, however short
    site = _norm_title(meta.meta.get("og:site_name") or "")
    parts = [_norm_title(p) for p in _TITLE_SEPARATORS.split(meta.title_tag)] if meta.title_tag else []
    references += [p for p in parts if p and p != site]
    for h in h1s:
        text = subtree_text(h, 500)
        key = _norm_title(text)
        if key and any(key == r or (len(key) > 15 and key in r) for r in references):
            return text, h
    title = (stated[0] if stated else None) or tag_title or (subtree_text(h1s[0], 500) if h1s else None)
    if not title:
        return None, None
    key = _norm_title(title)
    for h in all_h1 + [h for h in meta.headings if h.tag == "h2"][:3]:
        if _norm_title(subtree_text(h, 500)) == key:
            return title, h
    return title, None


def _pick_date(meta: PageMeta, ld: list[dict[str, Any]], roots: list[_Node]) -> str | None:
    for key in _DATE_META:
        found = normalise_date(meta.meta.get(key))
        if found:
            return found
    for obj in ld:
        found = normalise_date(obj.get("datePublished")) or normalise_date(obj.get("dateCreated"))
        if found:
            return found
    if meta.times:
        first_root = min((r.order for r in roots), default=0)
        after = [t for order, t in meta.times if order >= first_root] or [t for _, t in meta.times]
        for value in after:
            found = normalise_date(value)
            if found:
                return found
    return None


_BYLINE_FLAGS = {("class_vocab", name) for name in ("byline", "author", "authors", "contributor",
                                                     "contributors", "contributor name")}
_BY = re.compile(r"^\s*(?:by|von|par|por|di|door|de)\s+", re.I)


def _pick_byline(meta: PageMeta, ld: list[dict[str, Any]], nodes: list[_Node]) -> str | None:
    for obj in ld[:3]:
        names = _author_names(obj.get("author"))
        if names:
            return ", ".join(names)
    author = meta.meta.get("author") or meta.meta.get("article:author") or meta.meta.get("sailthru.author")
    if author and not author.startswith("http"):
        return _squash(author)
    for link in meta.author_links[:1]:
        text = subtree_text(link, 120)
        if text:
            return _BY.sub("", text)
    for node in nodes:
        if node.flag in _BYLINE_FLAGS and 0 < node.chars < 120:
            parts = [c for c in node.children if type(c) is _Node and c.chars]
            # "<span>By A. Name</span><span>Staff writer</span>": the name is the first part
            source = parts[0] if len(parts) > 1 and not _own_text(node) else node
            return _BY.sub("", subtree_text(source, 120)) or None
    return None


def _own_text(node: _Node) -> str:
    return "".join(c for c in node.children if type(c) is str).strip()


def _page_url(meta: PageMeta) -> str | None:
    for candidate in (meta.canonical, meta.meta.get("og:url")):
        if candidate and candidate.lower().startswith(("http://", "https://")):
            return candidate
    return None


# ---- entry point -------------------------------------------------------------------------
def extract(html: str, disabled: frozenset[str] = frozenset()) -> Extracted:
    """The article of one page. `disabled`: rule names (ReadConfig.html_disabled_rules) off."""
    built = parse(html)
    nodes = built.nodes
    body = next((n for n in nodes if n.tag == "body"), built.root)
    good = _measure(nodes, disabled)
    roots = [body] if "outside_content" in disabled else choose_roots(nodes, body, good)
    ld = _ld_objects(built.meta.ld_json)
    title, headline = _pick_title(built.meta, ld)
    if "headline" in disabled:
        headline = None
    emitter = _Emitter(headline, disabled)
    if headline is not None:
        emitter.removed.append(Removed("headline", subtree_text(headline, 500), "to title", "to_metadata"))
    for node in _outside(roots, body):
        if node is headline:
            continue
        rule, note = node.flag or ("outside_content", "outside the article body")
        emitter.removed.append(Removed(rule, subtree_text(node), note))
    for root in sorted(roots, key=lambda r: r.order):
        emitter.emit(root)
    emitter.drop_orphan_headings()
    paragraphs = emitter.paragraphs
    if "headline" not in disabled:
        paragraphs = _drop_headline_paragraph(paragraphs, title, emitter.removed)
    if "ld_json_body" not in disabled:
        paragraphs = _ld_json_body(paragraphs, ld, emitter.removed)
    return Extracted(
        paragraphs=paragraphs,
        title=title,
        date=_pick_date(built.meta, ld, roots),
        byline=_pick_byline(built.meta, ld, nodes),
        url=_page_url(built.meta),
        lang=built.meta.lang,
        removed=_cap(emitter.removed),
    )


def _drop_headline_paragraph(paragraphs: list[Paragraph], title: str | None,
                             removed: list[Removed]) -> list[Paragraph]:
    """A headline styled with <font>/<b> instead of <h1> shows up as one of the first
    paragraphs; it is the title, not body text."""
    key = _norm_title(title or "")
    if not key:
        return paragraphs
    for i, p in enumerate(paragraphs[:3]):
        if _norm_title(p.text) == key:
            removed.append(Removed("headline", p.text, "to title", "to_metadata"))
            return paragraphs[:i] + paragraphs[i + 1:]
    return paragraphs


def _ld_json_body(paragraphs: list[Paragraph], ld: list[dict[str, Any]],
                  removed: list[Removed]) -> list[Paragraph]:
    """Script-rendered pages ship an empty body and the article in JSON-LD `articleBody`:
    when the page gives (almost) nothing and JSON-LD gives much more, use JSON-LD."""
    have = sum(len(p.text) for p in paragraphs)
    for obj in ld[:3]:
        text = obj.get("articleBody")
        if isinstance(text, str) and len(text) >= 200 and len(text) > 3 * have:
            lines = [_squash(line) for line in text.splitlines()]
            removed.extend(Removed("ld_json_body", p.text, "page body replaced by JSON-LD articleBody")
                           for p in paragraphs)
            removed.append(Removed("ld_json_body", "", "article text taken from JSON-LD articleBody", "flag"))
            return [Paragraph(line) for line in lines if line]
    return paragraphs


def _cap(removed: list[Removed]) -> list[Removed]:
    if len(removed) <= MAX_EDITS:
        return removed
    rest = removed[MAX_EDITS - 1:]
    return removed[:MAX_EDITS - 1] + [Removed("more_chrome", "", f"{len(rest)} more removed blocks")]
