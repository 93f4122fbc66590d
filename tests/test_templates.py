"""Site templates: counting, learning thresholds, storage across runs (invented pages)."""
from __future__ import annotations

import json
import pickle
import random

from cleaners import templates
from cleaners.boilerplate import line_key
from cleaners.config import BoilerplateConfig
from cleaners.document import Document, Origin, Paragraph

MENU = "Front page | Local | Sport | Letters"
FOOTER = "Valley Post is published by Valley Media Ltd"


# long words for the pages' bodies: different stories open with different words (story ids are
# drawn from them), copies of one story with the same
WORDS = ("harbour", "council", "orchard", "railway", "factory", "theatre", "hospital", "festival",
         "lighthouse", "market", "bridge", "library", "museum", "stadium", "ferries", "tunnel",
         "vineyard", "brewery", "airport", "cathedral", "quarry", "meadow", "fishermen", "bakery")


def plain_title(i: int) -> str:
    """A filler page's title of its own (titles differing only in digits share a line key)."""
    return f"Plain story of the {WORDS[i % len(WORDS)]} and the {WORDS[(i // len(WORDS) + i + 1) % len(WORDS)]}"


def page(title: str, site: str = "valley.example", extra: tuple[str, ...] = (MENU, FOOTER),
         body: str | None = None) -> Document:
    words = random.Random(title).sample(WORDS, 6)
    body = body or (f"This is the article about {title.lower()}: the {', the '.join(words)}, "
                    "long enough to be prose, written for the tests and ending with a full stop.")
    paras = [extra[0], title, body, *extra[1:]] if extra else [title, body]
    return Document.new(f"{site}/{title}", Origin("x.txt", site=site, host=site),
                        paragraphs=[Paragraph(t) for t in paras])


TITLES = [f"Story number {w} about the valley" for w in
          ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")]
CFG = BoilerplateConfig()


def test_line_in_many_stories_of_a_site_is_template():
    learned = templates.learn(templates.scan([page(t) for t in TITLES]), None, CFG)
    lines = templates.template_lines(learned, "valley.example")
    assert line_key(MENU) in lines and lines.share(line_key(MENU)) == 1.0
    assert not templates.template_lines(learned, "other.example")


def test_line_common_to_many_sites_is_template_for_a_site_seen_once():
    label = "Advertisement"
    docs = [page(t, site=f"host{i}.example", extra=(label, "x")) for i, t in enumerate(TITLES[:6])]
    learned = templates.learn(templates.scan(docs), None, CFG)
    assert line_key(label) in templates.template_lines(learned, "newcomer.example")
    assert learned["host0.example"]["lines"] == {}          # one doc: nothing of its own


def test_three_stories_on_three_sites_make_a_common_line_in_a_small_run():
    # a small run (a first run, a kit of a few dozen pages) sees each page label only a few
    # times; three different stories from different sites are enough, two are not
    label = "Tap to view gallery"
    docs = [page(t, site=f"host{i}.example", extra=(label, "x")) for i, t in enumerate(TITLES[:3])]
    docs += [page(plain_title(i), site="plain.example", extra=()) for i in range(20)]
    learned = templates.learn(templates.scan(docs), None, CFG)
    assert line_key(label) in templates.template_lines(learned, "newcomer.example")
    learned = templates.learn(templates.scan(docs[1:]), None, CFG)
    assert line_key(label) not in templates.template_lines(learned, "newcomer.example")


def test_one_sites_template_is_not_everyones():
    learned = templates.learn(templates.scan([page(t) for t in TITLES]), None, CFG)
    assert line_key(MENU) not in templates.template_lines(learned, "newcomer.example")


def test_below_min_docs_is_not_template():
    learned = templates.learn(templates.scan([page(t) for t in TITLES[:2]]), None, CFG)
    assert not templates.template_lines(learned, "valley.example")


def test_below_min_share_is_not_template():
    docs = [page(t) for t in TITLES[:3]] + [page(plain_title(i), extra=()) for i in range(70)]
    learned = templates.learn(templates.scan(docs), None, CFG)
    assert not templates.template_lines(learned, "valley.example")     # 3/73 < 5%


def test_copies_of_one_story_count_once():
    docs = [page(TITLES[0]) for _ in range(5)]
    learned = templates.learn(templates.scan(docs), None, CFG)
    assert not templates.template_lines(learned, "valley.example")


def test_a_lightly_edited_copy_tells_the_same_story():
    lede = ("MATURA, Trinidad — Conservation volunteers patrolling the beaches of the north-east "
            "coast have counted more than 14,000 leatherback turtle nests so far this season, the "
            "highest number since systematic monitoring began three decades ago.")
    edited = lede.replace("have counted more", "have counted still more")
    other = ("PORT OF SPAIN — Fishermen in the capital's harbour say diesel prices have doubled "
             "since January, and that many boats now stay moored for most of the week.")
    story = [templates.story_of(page("Turtles", body=b)) for b in (lede, edited, other)]
    assert story[0] == story[1] != story[2]


def test_a_copy_with_invisible_or_lookalike_letters_tells_the_same_story():
    lede = ("MATURA, Trinidad — Conservation volunteers patrolling the beaches of the north-east "
            "coast have counted more than 14,000 leatherback turtle nests so far this season, the "
            "highest number since systematic monitoring began three decades ago.")
    marked = lede.replace("patrolling", "patrol\u00adling").replace("systematic", "systеmatic")  # Cyrillic е
    assert templates.story_of(page("Turtles", body=lede)) == templates.story_of(page("Turtles", body=marked))


def test_an_articles_headline_in_three_copies_is_not_a_common_template():
    # copies of one article on three sites, each lightly edited where the story id is drawn
    # from (a paragraph dropped): the headline recurs, and it is no template
    headline = "Council approves four-day week trial for its office staff"
    docs = [page(headline, site=f"host{i}.example", extra=(), body=f"{w} " * 3 + "council staff "
                 "voted on Thursday for a four-day week, ending a long campaign by the unions.")
            for i, w in enumerate(("Westmere", "Eastmere", "Northmere"))]
    docs += [page(plain_title(i), site="plain.example", extra=()) for i in range(20)]
    learned = templates.learn(templates.scan(docs), None, CFG)
    assert line_key(headline) not in templates.template_lines(learned, "newcomer.example")


def test_story_id_skips_a_cookie_banner_before_the_lede():
    banner = ("We use cookies to improve your experience on our site. By continuing to browse "
              "you agree to our use of cookies.")
    a = page(TITLES[0], extra=(banner, FOOTER))
    b = page(TITLES[1], extra=(banner, FOOTER))
    assert templates.story_of(a) != templates.story_of(b)


def test_digits_case_and_spaces_are_folded_in_keys():
    a = page(TITLES[0], extra=("© 2023 Valley Post", FOOTER))
    b = page(TITLES[1], extra=("©  2024 VALLEY POST", FOOTER))
    c = page(TITLES[2], extra=("© 2025 Valley Post", FOOTER))
    learned = templates.learn(templates.scan([a, b, c]), None, CFG)
    assert "© 0000 valley post" in templates.template_lines(learned, "valley.example")


def test_long_body_paragraphs_are_not_counted():
    long_para = " ".join(["word"] * 60) + "."
    short = [f"line {i}" for i in range(12)]
    doc = Document.new("d", Origin("d"), paragraphs=[Paragraph(t) for t in
                                                     short[:5] + [long_para] + short[5:]])
    keys = templates.counted_keys(doc)
    assert line_key(long_para) not in keys and line_key("line 0") in keys


def test_counts_merge_across_batches_and_pickle():
    parts = [templates.scan([page(t)]) for t in TITLES[:4]]
    parts = [pickle.loads(pickle.dumps(p)) for p in parts]
    total = templates.merge(parts + [None])
    assert total.sites["valley.example"].docs == 4
    learned = templates.learn(total, None, CFG)
    assert line_key(FOOTER) in templates.template_lines(learned, "valley.example")


def test_headlines_of_the_run_are_known():
    learned = templates.learn(templates.scan([page(t) for t in TITLES[:2]]), None, CFG)
    assert TITLES[0].casefold() in templates.known_headlines(learned)


def _misread(text: str) -> str:
    """UTF-8 bytes decoded as cp1252 (latin-1 where cp1252 has no character): what a page
    with a wrong charset header reads as."""
    try:
        return text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return text.encode("utf-8").decode("latin-1")


def test_headline_of_a_misdecoded_page_is_known_repaired():
    title = "“Nobody warned us”: valley farmers count the cost"
    doc = page(_misread(title))
    assert doc.paragraphs[1].text != title
    learned = templates.learn(templates.scan([doc]), None, CFG)
    assert line_key(title) in templates.known_headlines(learned)


def test_page_without_mojibake_is_counted_as_it_is():
    # "Ã" followed by a plain letter is a name, not a misread byte pair
    doc = page("Ãngel Ruiz opens a bakery in the valley")
    assert templates.as_repaired(doc) is doc


def test_save_load_round_trip_and_later_run_adds_counts(tmp_path):
    first = templates.learn(templates.scan([page(t) for t in TITLES[:2]]), None, CFG)
    assert not templates.template_lines(first, "valley.example")       # 2 docs: too few
    path = templates.save(tmp_path, first)
    assert path == tmp_path / "state" / "templates.json" and json.loads(path.read_text())
    previous = templates.load(tmp_path)
    assert previous["valley.example"]["docs"] == 2
    second = templates.learn(templates.scan([page(TITLES[2])]), previous, CFG)
    assert second["valley.example"]["docs"] == 3
    assert line_key(MENU) in templates.template_lines(second, "valley.example")
    assert TITLES[0].casefold() in templates.known_headlines(second)


def test_missing_or_broken_store_is_empty(tmp_path):
    assert templates.load(tmp_path) == {}
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "templates.json").write_text("{not json")
    assert templates.load(tmp_path) == {}
    (tmp_path / "state" / "templates.json").write_text(json.dumps({"format": 99}))
    assert templates.load(tmp_path) == {}


def test_summary_for_the_report():
    learned = templates.learn(templates.scan([page(t) for t in TITLES]), None, CFG)
    out = templates.summary(learned)
    site = out["sites"]["valley.example"]
    assert site["docs"] == 10 and site["template_lines"] >= 2
    assert {"line", "share"} <= set(site["examples"][0])
    assert out["headlines"] == 10 and out["sites_seen"] == 1
    json.dumps(out)


def test_summary_lists_only_sites_with_templates():
    docs = [page(t) for t in TITLES] + [page("Lonely story here", site="one.example")]
    out = templates.summary(templates.learn(templates.scan(docs), None, CFG))
    assert list(out["sites"]) == ["valley.example"] and out["sites_without_template"] == 1


def test_site_falls_back_to_host_then_empty():
    doc = Document.new("a", Origin("a", host="h.example"))
    assert templates.site_of(doc) == "h.example"
    assert templates.site_of(Document.new("b", Origin("b"))) == ""


def _scan_parts(tmp_path, batches):
    return [templates.write_part(templates.scan(b), tmp_path / f"part-{i}.pickle")
            for i, b in enumerate(batches)]


def _mixed_batches():
    valley = [page(t) for t in TITLES]
    hosts = [page(t, site=f"host{i}.example", extra=("Advertisement", "x")) for i, t in enumerate(TITLES[:6])]
    docs = valley + hosts + [page(plain_title(i), extra=()) for i in range(7)]
    return [docs[i:i + 3] for i in range(0, len(docs), 3)]


def test_learning_from_part_files_equals_learning_in_memory(tmp_path):
    batches = _mixed_batches()
    in_memory = templates.learn(templates.merge(templates.scan(b) for b in batches), None, CFG)
    streamed = templates.learn_parts(_scan_parts(tmp_path, batches), None, CFG)
    assert streamed == in_memory
    assert templates.template_lines(streamed, "valley.example")              # it learned something
    assert line_key("Advertisement") in templates.template_lines(streamed, "newcomer.example")


def test_many_part_files_are_merged_in_levels(tmp_path, monkeypatch):
    batches = [[d] for b in _mixed_batches() for d in b]                      # one doc a part
    expected = templates.learn(templates.merge(templates.scan(b) for b in batches), None, CFG)
    monkeypatch.setattr(templates, "MERGE_FAN_IN", 3)
    monkeypatch.setattr(templates, "PART_CHUNK", 2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    assert templates.learn_parts(_scan_parts(tmp_path, batches), None, CFG, scratch=scratch) == expected
    assert len(list(scratch.iterdir())) > 3                                   # it did merge in levels


def test_streamed_learning_adds_the_stored_counts(tmp_path):
    first = templates.learn_parts(_scan_parts(tmp_path, [[page(t) for t in TITLES[:2]]]), None, CFG)
    templates.save(tmp_path, first)
    second = templates.learn_parts(_scan_parts(tmp_path, [[page(TITLES[2])]]), templates.load(tmp_path), CFG)
    assert second["valley.example"]["docs"] == 3
    assert line_key(MENU) in templates.template_lines(second, "valley.example")


def test_counts_kept_for_later_runs_are_the_most_frequent(monkeypatch):
    monkeypatch.setattr(templates, "MAX_KEYS_SAVED", 2)
    docs = [page(t, extra=("Menu A", "Footer B", ("Tag alpha", "Tag beta")[i % 2])) for i, t in enumerate(TITLES[:6])]
    learned = templates.learn(templates.scan(docs), None, CFG)
    kept = learned["valley.example"]["counts"]
    # six documents each hold "menu a" and "footer b"; "tag alpha" and "tag beta" three each
    assert set(kept) == {"menu a", "footer b"}
    assert all(v[0] == 6 for v in kept.values())


def test_batches_get_lines_and_headlines_without_the_counts():
    learned = templates.learn(templates.scan([page(t) for t in TITLES]), None, CFG)
    slim = templates.for_cleaning(learned)
    assert "counts" not in slim["valley.example"]
    assert templates.template_lines(slim, "valley.example").tables == \
        templates.template_lines(learned, "valley.example").tables
    assert templates.known_headlines(slim) == templates.known_headlines(learned)


from hypothesis import given, settings, strategies as st  # noqa: E402

_CHARS = st.sampled_from(["a", " ", "é", "Ã©", "â€™", "’", "“", "&amp;", "ﬁ", "Ａ", "e\u0301", "\u200b",
                          "\u00a0", "Â", "\x85", "ÃŸ", "ü", "—", "Ã", "©", "\u0130", "ı"])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_CHARS, max_size=8).map("".join), min_size=1, max_size=4))
def test_pre_pass_repair_skips_only_paragraphs_the_repair_would_leave(paragraphs):
    from cleaners import unicode_fix
    # the first line carries the mojibake signature, so the document is repaired
    doc = page(TITLES[0], extra=("NEWS â€” " + paragraphs[0], *paragraphs[1:]))
    repaired = templates.as_repaired(doc)
    assert [p.text for p in repaired.paragraphs] == [unicode_fix.repaired_text(p.text) for p in doc.paragraphs]
