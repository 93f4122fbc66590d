"""HTML extraction: fixtures we wrote (nav, sidebars, comments, related widgets), each chrome
rule with a positive and a negative example, deep and truncated pages, hostile markup."""
from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from cleaners import html_extract as H
from cleaners.decode import decode_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PAGES = sorted(p.stem for p in FIXTURES.glob("*.html"))


def shingle_f1(gold: str, pred: str, n: int = 4) -> float:
    def shingles(text: str) -> Counter:
        toks = re.findall(r"\w+", text.lower())
        return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1)))
    g, p = shingles(gold), shingles(pred)
    tp = sum((g & p).values())
    if not tp:
        return 0.0
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    return 2 * precision * recall / (precision + recall)


def extract_fixture(stem: str) -> tuple[H.Extracted, dict]:
    raw = (FIXTURES / f"{stem}.html").read_bytes()
    declared = re.search(rb"charset=([\w-]+)", raw)
    text = decode_bytes(raw, declared.group(1).decode() if declared else None).text
    expected = json.loads((FIXTURES / f"{stem}.expected.json").read_text("utf-8"))
    return H.extract(text), expected


def body(html: str, **kw) -> list[str]:
    return [p.text for p in H.extract(html, **kw).paragraphs]


def page(inner: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{inner}</body></html>"


LONG = ("The committee met for three hours on Tuesday evening and heard evidence from residents, "
        "engineers and the two companies bidding for the contract to rebuild the bridge.")
LONG2 = ("Members will publish their recommendation next month, after a second round of public "
         "consultation that opens on Monday and runs for six weeks in libraries and online.")


# ---- the fixture pages ---------------------------------------------------------------------
@pytest.mark.parametrize("stem", PAGES)
def test_fixture_body_is_extracted(stem):
    got, expected = extract_fixture(stem)
    texts = [p.text for p in got.paragraphs]
    optional = set(expected.get("optional", []))
    for para in expected["body"]:
        assert para in texts, f"missing body paragraph: {para[:60]}"
    extra = [t for t in texts if t not in expected["body"] and t not in optional]
    assert not extra, f"chrome left in the body: {extra}"
    joined = "\n".join(texts)
    for chrome in expected["absent"]:
        assert chrome not in joined, f"chrome text survived: {chrome}"
    kept = "\n".join(t for t in texts if t not in optional)
    assert shingle_f1("\n".join(expected["body"]), kept) >= 0.99


@pytest.mark.parametrize("stem", PAGES)
def test_fixture_metadata(stem):
    got, expected = extract_fixture(stem)
    assert got.title == expected["title"]
    assert got.date == expected.get("date")
    if "byline" in expected:
        assert got.byline == expected["byline"]
    if "url" in expected:
        assert got.url == expected["url"]


@pytest.mark.parametrize("stem", PAGES)
def test_nothing_is_invented_beautifulsoup_as_oracle(stem):
    """Every paragraph we emit is text the page shows (checked with BeautifulSoup + lxml,
    scripts and styles removed), so the tree builder loses or invents nothing."""
    from bs4 import BeautifulSoup
    got, _ = extract_fixture(stem)
    raw = (FIXTURES / f"{stem}.html").read_bytes()
    soup = BeautifulSoup(raw, "lxml")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    visible = re.sub(r"\s+", "", soup.get_text())
    for p in got.paragraphs:
        assert re.sub(r"\s+", "", p.text) in visible, p.text[:60]


def test_kinds_are_kept_apart():
    got, expected = extract_fixture("wordpress")
    assert [p.kind for p in got.paragraphs] == expected["kinds"]


def test_every_removal_names_its_rule():
    rules = {r.rule for stem in PAGES for r in extract_fixture(stem)[0].removed}
    assert {"semantic_tag", "class_vocab", "aria_role", "outside_content", "headline",
            "link_dense", "timestamp", "orphan_heading"} <= rules
    got, _ = extract_fixture("wordpress")
    assert all(r.rule and r.text is not None for r in got.removed)
    nav = [r for r in got.removed if r.rule == "semantic_tag" and "What's On" in r.text]
    assert nav, "the menu is logged with the text it removed"


# ---- class/id vocabulary: whole tokens, not substrings --------------------------------------
@pytest.mark.parametrize("name,kind", [
    ("ad-slot", "chrome"), ("top_ad", "chrome"), ("ad300x250", "chrome"), ("masthead", "chrome"),
    ("site-header", "chrome"), ("header", "chrome"), ("sidebar2", "chrome"),
    ("jp-relatedposts", "chrome"), ("ShareTools_row", "chrome"), ("comment-content", "chrome"),
    ("story-teaser", "chrome"), ("articleBody", "content"), ("entry-content", "content"),
])
def test_chrome_names(name, kind):
    assert H.classify_name(name)[0] == kind


@pytest.mark.parametrize("name", ["shadow", "header-image", "add-to-cart", "has-sidebar",
                                  "content-with-ads", "no-comments", "is-sticky-nav", "loaded",
                                  "broadcast", "thread", "breadth"])
def test_names_that_only_look_like_chrome(name):
    assert H.classify_name(name) is None


# ---- each DOM rule: positive and negative ---------------------------------------------------
def test_semantic_tags_pruned_but_article_kept():
    html = page(f"<nav>Home News Sport</nav><article><p>{LONG}</p><p>{LONG2}</p></article>"
                "<aside>Most read today</aside><footer>Contact us</footer>")
    assert body(html) == [LONG, LONG2]


def test_form_wrapping_the_whole_page_keeps_the_article():
    # ASP.NET pages put everything inside one <form>: it is chrome-tagged, yet holds the body
    html = page(f"<form id='aspnetForm'><div class='nav'>Menu</div><div><p>{LONG}</p>"
                f"<p>{LONG2}</p></div><input value='Search'></form>")
    assert body(html) == [LONG, LONG2]


def test_class_vocab_prunes_widgets_inside_the_body():
    html = page(f"<div><p>{LONG}</p><div class='newsletter-signup'>Sign up for our daily email.</div>"
                f"<p>{LONG2}</p></div>")
    assert body(html) == [LONG, LONG2]


def test_shadow_box_is_not_an_ad():
    quote = "A quoted panel that is part of the story and must stay in the text for readers."
    html = page(f"<div><p>{LONG}</p><div class='shadow'><p>{quote}</p></div><p>{LONG2}</p></div>")
    assert body(html) == [LONG, quote, LONG2]


def test_aria_role_navigation_pruned():
    html = page(f"<div role='navigation'>Home World Business</div><div><p>{LONG}</p><p>{LONG2}</p></div>")
    assert body(html) == [LONG, LONG2]


def test_hidden_elements_pruned_visible_ones_kept():
    html = page(f"<div><p>{LONG}</p><div style='display: none'>Tracking pixel text</div>"
                f"<div style='display:block'>{LONG2}</div><span hidden>Skip</span></div>")
    assert body(html) == [LONG, LONG2]


def test_link_dense_paragraph_dropped_linked_sentence_kept():
    linked = (f"The report, <a href='/r'>published by the audit office</a>, found that costs had "
              f"doubled since the first estimate was made in the spring of 2019.")
    html = page(f"<div><p>{LONG}</p><p><b>Read more:</b> <a href='/x'>Council approves new "
                f"budget for roads after long debate</a></p><p>{linked}</p><p>{LONG2}</p></div>")
    texts = body(html)
    assert not any("Read more" in t for t in texts)
    assert any(t.startswith("The report, published by the audit office") for t in texts)


def test_link_lists_dropped_content_lists_kept():
    html = page(f"<div><p>{LONG}</p><ul><li>Pack water and a map.</li><li>Tell someone your route.</li></ul>"
                f"<ul><li><a href='/a'>Headline one</a></li><li><a href='/b'>Headline two</a></li></ul>"
                f"<p>{LONG2}</p></div>")
    assert body(html) == [LONG, "Pack water and a map.", "Tell someone your route.", LONG2]


def test_lone_date_element_dropped_date_in_a_sentence_kept():
    sentence = "The vote, held on <time datetime='2024-02-01'>1 February</time>, was close."
    html = page(f"<div><p><time datetime='2024-02-01'>1 February 2024</time></p><p>{LONG}</p>"
                f"<p>{sentence}</p><p>{LONG2}</p></div>")
    texts = body(html)
    assert "1 February 2024" not in texts
    assert "The vote, held on 1 February, was close." in texts
    assert H.extract(html).date == "2024-02-01"


def test_headline_moves_to_title_other_headings_stay():
    html = page(f"<div><h1>Bridge to be rebuilt</h1><p>{LONG}</p><h2>What happens next</h2>"
                f"<p>{LONG2}</p></div>", "<title>Bridge to be rebuilt | Town Paper</title>")
    got = H.extract(html)
    assert got.title == "Bridge to be rebuilt"
    assert [p.text for p in got.paragraphs] == [LONG, "What happens next", LONG2]
    assert any(r.rule == "headline" for r in got.removed)


def test_orphan_heading_goes_with_its_removed_links_a_real_section_stays():
    html = page(f"<div><p>{LONG}</p><h2>The plan</h2><p>{LONG2}</p><h3>Related</h3>"
                f"<ul><li><a href='/a'>Other story one</a></li><li><a href='/b'>Other story two</a></li></ul></div>")
    assert body(html) == [LONG, "The plan", LONG2]


def test_outside_content_dropped_and_rule_can_be_switched_off():
    sidebar = ("Our columnist looks back at a week of storms, strikes and one very lucky dog "
               "who found his way home.")
    html = page(f"<div class='main'><p>{LONG}</p><p>{LONG2}</p><p>{LONG}</p></div>"
                f"<div class='zz'><p>{sidebar}</p></div>")
    assert sidebar not in body(html)
    assert sidebar in body(html, disabled=frozenset({"outside_content"}))


def test_split_body_is_held_whole():
    chunks = "".join(f"<div class='chunk'><p>{LONG} {i}</p></div><div class='x'>Advertisement</div>"
                     for i in range(4))
    html = page(f"<div class='page'><div class='story'>{chunks}</div><div class='rail'>"
                "<a href='/1'>Link one</a> <a href='/2'>Link two</a></div></div>")
    texts = body(html)
    assert [t for t in texts if t.startswith("The committee")] == [f"{LONG} {i}" for i in range(4)]


def test_teaser_grid_is_not_the_article():
    cards = "".join(f"<div class='c'><h3><a href='/s{i}'>Another headline number {i}</a></h3>"
                    f"<p>A summary of the other story, long enough to look like a paragraph of text {i}.</p></div>"
                    for i in range(12))
    html = page(f"<div class='a'><p>{LONG}</p><p>{LONG2}</p></div><div class='grid'>{cards}</div>")
    assert body(html) == [LONG, LONG2]


def test_unlabelled_comment_thread_longer_than_the_article_is_not_the_article():
    comments = "".join(f"<li class='msg'><span class='u'>reader{i}</span><p>I have lived here for thirty "
                       f"years and this bridge has always been a problem for everyone, {i}.</p></li>"
                       for i in range(12))
    html = page(f"<div class='main'><div class='txt'><p>{LONG}</p><p>{LONG2}</p><p>{LONG}</p></div></div>"
                f"<div class='bottom-area'><ul class='thread'>{comments}</ul></div>")
    assert body(html) == [LONG, LONG2, LONG]


def test_article_with_plain_subheadings_is_still_the_article():
    sections = "".join(f"<h3>Part {i}</h3><p>{LONG} ({i})</p>" for i in range(5))
    html = page(f"<div class='a'>{sections}</div><div class='b'><p>{LONG2}</p></div>")
    texts = body(html)
    assert texts[:2] == ["Part 0", f"{LONG} (0)"] and len(texts) == 10


def test_json_ld_article_body_used_only_when_the_page_has_no_text():
    text = f"{LONG}\n\n{LONG2}"
    ld = "<script type='application/ld+json'>" + json.dumps({"@type": "NewsArticle", "articleBody": text}) + "</script>"
    got = H.extract(page("<div id='root'></div><nav>Home</nav>", ld))
    assert [p.text for p in got.paragraphs] == [LONG, LONG2]
    assert any(r.rule == "ld_json_body" and r.action == "flag" for r in got.removed)
    with_text = H.extract(page(f"<article><p>{LONG}</p><h2>Next</h2><p>{LONG2}</p></article>", ld))
    assert [p.text for p in with_text.paragraphs] == [LONG, "Next", LONG2]
    off = H.extract(page("<div id='root'></div>", ld), disabled=frozenset({"ld_json_body"}))
    assert off.paragraphs == []


# ---- paragraphs and kinds -------------------------------------------------------------------
def test_double_br_splits_paragraphs():
    html = page(f"<div>{LONG}<br><br>{LONG2}<br/><br/>Third part of the text, long enough to keep.</div>")
    assert body(html) == [LONG, LONG2, "Third part of the text, long enough to keep."]


def test_kinds():
    html = page(f"<article><h2>Sub head</h2><p>{LONG}</p><ul><li>One item</li></ul>"
                "<figure><img src='x'><figcaption>A caption</figcaption></figure>"
                "<blockquote>Quoted words</blockquote><pre>code  line\n  second</pre>"
                f"<p>{LONG2}</p></article>")
    got = [(p.kind, p.text) for p in H.extract(html).paragraphs]
    assert got == [("h", "Sub head"), ("p", LONG), ("li", "One item"), ("caption", "A caption"),
                   ("quote", "Quoted words"), ("pre", "code  line\n  second"), ("p", LONG2)]


def test_caption_by_class_name():
    html = page(f"<div><p>{LONG}</p><div class='wp-caption'><img src='x'><p class='wp-caption-text'>"
                f"Divers at the wreck site</p></div><p class='captioned-quote'>{LONG2}</p></div>")
    got = [(p.kind, p.text) for p in H.extract(html).paragraphs]
    assert got == [("p", LONG), ("caption", "Divers at the wreck site"), ("p", LONG2)]


def test_table_rows_become_paragraphs():
    html = page(f"<div><p>{LONG}</p><table><tr><th>Team</th><th>Points</th></tr>"
                f"<tr><td>Rovers</td><td>12</td></tr></table><p>{LONG2}</p></div>")
    assert body(html) == [LONG, "Team Points", "Rovers 12", LONG2]


# ---- hostile and broken input ---------------------------------------------------------------
def test_code_and_controls_never_reach_the_text():
    html = page(f"<div><p>{LONG}</p><script>alert('x')</script><style>p{{color:red}}</style>"
                "<noscript>Enable JavaScript</noscript><iframe>frame text</iframe>"
                "<svg><text>svg text</text></svg><button>Click</button><select><option>Opt</option></select>"
                f"<textarea>typed</textarea><p>{LONG2}</p></div>")
    joined = "\n".join(body(html))
    for bad in ("alert", "color:red", "Enable JavaScript", "frame text", "svg text", "Click", "Opt", "typed"):
        assert bad not in joined


def test_escaped_markup_stays_inert_text():
    html = page(f"<div><p>{LONG}</p><p>The string &lt;script&gt;alert(1)&lt;/script&gt; was found.</p>"
                f"<p>{LONG2}</p></div>")
    assert "The string <script>alert(1)</script> was found." in body(html)


def test_event_handlers_and_images_leave_no_text():
    html = page(f"<div><p>{LONG}<img src=x onerror=\"alert(1)\"></p><p>{LONG2}</p></div>")
    assert body(html) == [LONG, LONG2]


def test_5000_deep_nesting_does_not_crash():
    deep = "<div>" * 5000 + f"<p>{LONG}</p><p>{LONG2}</p>" + "</div>" * 5000
    got = H.extract(page("<h1>Deep page</h1>" + deep))
    assert [p.text for p in got.paragraphs] == [LONG, LONG2]
    assert got.title == "Deep page"


def test_5000_deep_inline_and_lists_do_not_crash():
    spans = "<span>" * 5000 + LONG + "</span>" * 5000
    lists = "<ul><li>" * 3000 + "inner item" + "</li></ul>" * 3000
    texts = body(page(f"<div>{spans}</div><div>{lists}</div>"))
    assert LONG in texts


def test_page_cut_off_mid_tag():
    html = f"<html><body><h1>Cut</h1><p>{LONG}<p>{LONG2}<div class='foot"
    assert body(html) == [LONG, LONG2]


@pytest.mark.parametrize("html", ["", "   ", "<", "<html>", "<!-- only a comment -->", "\x00\x00",
                                  "<p>", "</div></div>", "<html><body></body></html>"])
def test_degenerate_pages_give_no_paragraphs_and_no_error(html):
    got = H.extract(html)
    assert got.paragraphs == [] or all(p.text for p in got.paragraphs)


# ---- metadata -------------------------------------------------------------------------------
@pytest.mark.parametrize("value,expected", [
    ("2023-11-17T09:30:00+01:00", "2023-11-17"), ("2023-11-17", "2023-11-17"),
    ("2023/11/07", "2023-11-07"), ("20231117", "2023-11-17"), ("Fri, 17 Nov 2023 10:00:00 GMT", "2023-11-17"),
    ("November 17, 2023", "2023-11-17"), ("17 November 2023", "2023-11-17"), ("Nov. 7th, 2023", "2023-11-07"),
])
def test_normalise_date(value, expected):
    assert H.normalise_date(value) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "2023-13-45", "0000-00-00", None, 20231117, "12/11/2023"])
def test_normalise_date_rejects_non_dates(value):
    assert H.normalise_date(value) is None


def test_title_tag_site_suffix_removed():
    assert H._clean_title_tag("Bridge reopens | Town Paper", "Town Paper") == "Bridge reopens"
    assert H._clean_title_tag("Town Paper - Bridge reopens after two years", None) == \
        "Bridge reopens after two years"
    assert H._clean_title_tag("Brexit: what happens next", None) == "Brexit: what happens next"


def test_json_ld_graph_and_broken_json_ld():
    head = ("<script type='application/ld+json'>{not json</script>"
            "<script type='application/ld+json'>{\"@graph\": [{\"@type\": \"WebSite\", \"name\": \"X\"},"
            "{\"@type\": \"NewsArticle\", \"headline\": \"Ferry returns\", \"datePublished\": \"2022-04-02T08:00Z\","
            "\"author\": {\"name\": \"A. Writer\"}}]}</script>")
    got = H.extract(page(f"<div><p>{LONG}</p></div>", head))
    assert (got.title, got.date, got.byline) == ("Ferry returns", "2022-04-02", "A. Writer")


# ---- speed ----------------------------------------------------------------------------------
def test_extraction_is_fast_enough():
    html = (FIXTURES / "wordpress.html").read_text("utf-8")
    html = html.replace("</aside>", "<section class='widget'><ul>" + "<li><a href='/x'>Other headline</a></li>" * 300
                        + "</ul></section></aside>")
    H.extract(html)
    started = time.process_time()
    for _ in range(20):
        H.extract(html)
    per_page = (time.process_time() - started) / 20
    assert per_page < 0.05      # ~4 ms here; generous so a loaded machine does not fail it


# ---- property: any markup soup is extracted without an exception --------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

_PIECES = st.sampled_from(["<p>", "</p>", "<div class='widget'>", "<div class='article-body'>", "</div>",
                           "<br>", "<br><br>", "<h1>", "</h1>", "<li>", "<ul>", "</ul>", "<a href=x>", "</a>",
                           "<script>", "</script>", "<nav>", "</nav>", "<table><tr><td>", "<time datetime='2020-01-02'>",
                           "<pre>", "</pre>", "&amp;", "&#x0;", "<", ">", "<!--", "-->", "\x00", "<title>",
                           "<meta property='og:title' content='T'>", "<script type='application/ld+json'>{",
                           LONG, "word ", "\n"])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=20)), max_size=80).map("".join))
def test_markup_soup_never_raises(html):
    got = H.extract(html)
    assert all(isinstance(p.text, str) and p.text.strip() for p in got.paragraphs)
    assert all(p.kind in ("p", "h", "li", "caption", "quote", "pre") for p in got.paragraphs)
