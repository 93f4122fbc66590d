"""report.html: escaping and CSP checked in the markup, then rendered in real headless Chromium."""
from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cleaners import report as R
from cleaners import report_html as H
from cleaners.document import Reason
from report_helpers import (BODY, HOSTILE_LINE, HOSTILE_TITLE, boilerplate_doc, chromium_path,
                            dump_dom, make_doc, write_run)

needs_chromium = pytest.mark.skipif(chromium_path() is None, reason="chromium not installed")


def _hostile_run(clean: Path) -> dict:
    kept = [boilerplate_doc(f"site{i % 2}/story{i}.txt", extra=i % 3) for i in range(5)]
    evil = make_doc('evil/"><script>document.title="PWNED"</script>.txt', "evil.example",
                    [HOSTILE_LINE, *BODY, HOSTILE_LINE], title=HOSTILE_TITLE)
    evil.remove_paragraphs("boilerplate", [0], "share_prompt", note_of=HOSTILE_LINE)
    evil.lang = "en"
    kept.append(evil)
    bad = make_doc("evil/rejected.txt", "evil.example", [HOSTILE_LINE], title=HOSTILE_TITLE)
    rejected = [(bad, bad.source, [Reason("quality", "too_short", HOSTILE_LINE)])]
    info = write_run(clean, "run-html", kept, rejected,
                     templates={'<img src=x onerror="document.title=1">': {"lines": [HOSTILE_LINE]}})
    return info


@pytest.fixture
def hostile_report(tmp_path):
    info = _hostile_run(tmp_path)
    rep = R.build_report(tmp_path, info)
    _, html_path = R.write_report(tmp_path, "run-html", rep)
    return rep, html_path


def _tags(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every start tag with its attributes, as a browser's tokenizer sees them."""
    found = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(page)
    return found


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_csp_is_strict_and_pins_the_only_script_and_style(hostile_report):
    _, html_path = hostile_report
    page = html_path.read_text(encoding="utf-8")
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert csp.startswith("default-src &#x27;none&#x27;")
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert len(scripts) == 1 and len(styles) == 1
    assert _sha(scripts[0]) in csp and _sha(styles[0]) in csp


def test_article_text_is_escaped_everywhere(hostile_report):
    _, html_path = hostile_report
    page = html_path.read_text(encoding="utf-8")
    assert page.count("<script") == 1                         # ours, at the end of the body
    tags = _tags(page)
    assert "img" not in {t for t, _ in tags}
    handlers = [(t, a) for t, attrs in tags for a, _ in attrs if a.startswith("on")]
    assert handlers == []                                    # no event handler attribute at all
    assert not [a for t, attrs in tags for a, v in attrs if a == "style"]   # CSP would block them
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;&lt;/script&gt;" in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing external to fetch


def test_page_has_every_section_and_the_run_counts(hostile_report):
    rep, html_path = hostile_report
    page = html_path.read_text(encoding="utf-8")
    for heading in ("Overview", "Rules: what was removed or changed", "Rejected units by reason",
                    "Duplicate clusters", "Documents: raw beside clean", "Drift since the previous run"):
        assert heading in page
    assert f'data-figure="edits"><b>{rep["edits"]["total"]}</b>' in page
    assert "boilerplate.share_prompt" in page and "<svg" in page
    assert page.count('class="doc"') == len(rep["documents"]["items"])


def test_removed_paragraph_is_struck_and_labelled_with_its_rule():
    doc = boilerplate_doc("site0/one.txt", extra=1)
    from dataclasses import asdict
    view = {"raw": doc.raw_text, "clean": doc.text, "edits": [asdict(e) for e in doc.edits],
            "reasons": []}
    cells = H.doc_pairs(view)
    assert ('<del>Sign up for our newsletter today</del><span class="tag">boilerplate.newsletter_prompt'
            in cells)
    assert "<ins>,</ins>" in cells                # the replaced word is highlighted on the clean side
    # negative: body paragraphs are neither struck nor highlighted
    assert f"<div>{BODY[1]}</div>" in cells and f"<del>{BODY[1]}" not in cells


@needs_chromium
def test_chromium_renders_counts_and_runs_no_injected_code(hostile_report):
    rep, html_path = hostile_report
    dom = dump_dom(html_path)
    # our own (hash-pinned) script ran: the filters initialised ...
    assert 'data-js="ready"' in dom
    n_docs = len(rep["documents"]["items"])
    assert f"{n_docs} of {n_docs} embedded documents shown" in dom
    # ... and nothing from the articles did
    assert re.search(r"<title>newsclean report run-html</title>", dom)
    assert "PWNED" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "data-pwned" not in re.search(r"<body[^>]*>", dom).group(0)
    assert "<img" not in dom and dom.count("<script") == 1
    # the counts are on the page as rendered
    for key in ("kept", "rejected", "edits"):
        value = rep["units"].get(key, rep["edits"]["total"] if key == "edits" else None)
        assert re.search(rf'data-figure="{key}"><b>{value}</b>', dom), key


@needs_chromium
def test_chromium_renders_an_empty_run(tmp_path):
    info = write_run(tmp_path, "run-empty", [], [])
    _, html_path = R.write_report(tmp_path, "run-empty", R.build_report(tmp_path, info))
    dom = dump_dom(html_path)
    assert 'data-js="ready"' in dom and "No edits in this run." in dom


def test_duplicate_cluster_shown_side_by_side(tmp_path):
    keeper, copy = boilerplate_doc("wire/a.txt"), boilerplate_doc("mirror/a.txt")
    clusters = [{"keeper": {"id": keeper.id, "source": keeper.source},
                 "members": [{"id": copy.id, "source": copy.source, "jaccard": 0.93, "containment": 1.0,
                              "kind": "near", "status": "duplicate"}],
                 "size": 2, "why": "longest body after cleaning"}]
    info = write_run(tmp_path, "run-dup", [keeper], [], duplicates=[(copy, keeper.id)], clusters=clusters)
    page = H.render_html(R.build_report(tmp_path, info))
    section = page[page.index("Duplicate clusters"):page.index("Site templates learned")]
    assert "longest body after cleaning" in section and "jaccard 0.93" in section
    assert section.count('<div><b>') == 2               # keeper and copy, one column each
    assert "wire/a.txt" in section and "mirror/a.txt" in section and BODY[1] in section


def test_quality_cutoffs_drawn_on_the_histograms():
    inside = {"count": 4, "min": 40, "max": 200, "mean": 90, "p50": 80,
              "bins": [{"lo": 40, "hi": 120, "count": 3}, {"lo": 120, "hi": 200, "count": 1}],
              "thresholds": [{"rule": "quality.too_short", "signal": "word_count", "op": "<",
                              "threshold": 50, "action": "drop"}]}
    svg = H.histogram("quality.word_count", inside)
    assert 'stroke="#c0392b"' in svg and "quality.too_short: drop if &lt; 50" in svg
    outside = {**inside, "min": 300, "max": 900}
    svg = H.histogram("quality.word_count", outside)
    assert "<line x1" in svg and svg.count('stroke="#c0392b"') == 0 and "drop if &lt; 50" in svg
    assert 'stroke="#c0392b"' not in H.histogram("x", {**inside, "thresholds": []})


@needs_chromium
def test_chromium_filters_documents_by_rule_and_source_from_the_address(tmp_path):
    plain = [boilerplate_doc(f"site0/plain{i}.txt") for i in range(3)]
    related = [boilerplate_doc(f"site1/related{i}.txt", extra=2) for i in range(2)]
    info = write_run(tmp_path, "run-f", plain + related, [])
    _, html_path = R.write_report(tmp_path, "run-f", R.build_report(tmp_path, info))
    by_rule = dump_dom(html_path, "#rule=boilerplate.related_links")
    assert "2 of 5 embedded documents shown" in by_rule
    shown = re.findall(r'<details class="doc"(?![^>]*hidden)[^>]*data-source="([^"]+)"', by_rule)
    assert sorted(shown) == ["site1/related0.txt", "site1/related1.txt"]
    by_source = dump_dom(html_path, "#source=plain1")
    assert "1 of 5 embedded documents shown" in by_source
    # negative: an unknown rule in the address filters nothing
    assert "5 of 5 embedded documents shown" in dump_dom(html_path, "#rule=no.such_rule")
