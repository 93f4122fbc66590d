"""Readers: listing, planning, every input format, every rejection path (with a negative
example next to each), and the rule that every unit comes out exactly once."""
from __future__ import annotations

import gzip
import json
import os
import random
import shutil
from pathlib import Path

import pytest

from cleaners import readers
from cleaners.config import ReadConfig
from cleaners.decode import NotText, control_ratio, decode_bytes
from cleaners.document import Document

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
HTML_FIXTURES = Path(__file__).parent / "fixtures" / "html"
ARTICLE = ("Harbour ferry to resume\n\nThe ferry between the harbour and the point will run again "
           "from Monday, the operator said, after repairs to the landing stage.\n\n"
           "Fares are unchanged. Café owners on the quay welcomed the news.\n")


def read_all(raw: Path, cfg: ReadConfig | None = None, target: int = 200):
    cfg = cfg or ReadConfig()
    files = readers.list_files(raw)
    items = readers.plan_items(raw, files, cfg, target)
    return [u for it in items for u in readers.read_item(raw, it, cfg)]


def one(raw: Path, name: str, data: bytes | str, cfg: ReadConfig | None = None):
    path = raw / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    units = read_all(raw, cfg)
    assert len(units) == 1, units
    return units[0]


def reason(unit) -> str:
    assert isinstance(unit, readers.Rejected), f"expected a rejection, got {unit!r}"
    return str(unit.reasons[0])


# ---- listing ----------------------------------------------------------------------------
def test_list_files_sorted_recursive_posix(tmp_path):
    for name in ("b.txt", "a/z.txt", "a/b/c.html", "0.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    paths = [f.path for f in readers.list_files(tmp_path)]
    assert paths == ["0.jsonl", "a/b/c.html", "a/z.txt", "b.txt"]
    info = readers.list_files(tmp_path)[0]
    assert info.size == 1 and info.mtime > 0


def test_flat_folder_pages_take_the_site_their_file_names_name(tmp_path):
    for name in ("001_harbourgaz.txt", "002_harbourgaz.txt", "007_harbourgaz.html",
                 "003_pulsedaily.txt", "004_pulsedaily.txt", "005_pulsedaily.txt",
                 "006_oneoff.txt", "feed.jsonl"):
        (tmp_path / name).write_text(ARTICLE if not name.endswith("jsonl") else "", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "008_harbourgaz.txt").write_text(ARTICLE, encoding="utf-8")
    sites = {d.source: d.origin.site for d in read_all(tmp_path) if isinstance(d, Document)}
    assert sites["001_harbourgaz.txt"] == sites["007_harbourgaz.html"] == "harbourgaz"
    assert sites["005_pulsedaily.txt"] == "pulsedaily"
    assert sites["006_oneoff.txt"] is None                  # a name on fewer than three files
    assert sites["folder/008_harbourgaz.txt"] == "folder"   # a folder names its site


def test_digits_inside_a_file_names_word_belong_to_the_site():
    paths = [f"{i:03d}_news247.txt" for i in range(3)] + [f"2024-05-0{i}-harbourfm-{i}.html" for i in range(3)]
    names = readers.site_names(paths)
    assert names["000_news247.txt"] == "news247" and names["2024-05-01-harbourfm-1.html"] == "harbourfm"


def test_one_name_for_every_file_names_no_site():
    paths = [f"article-{i}.txt" for i in range(5)] + [f"story-{i}-2024.txt" for i in range(2)]
    assert readers.site_names(paths) == {}
    slugs = [f"12-boats-{w}-rejected-00{i}.txt" for i, w in enumerate(("red", "blue", "green"))]
    assert readers.site_names(slugs) == {}                  # every slug its own name


def test_list_files_skips_hidden_and_links_leaving_raw(tmp_path):
    raw = tmp_path / "raw"
    (raw / ".git").mkdir(parents=True)
    (raw / ".git" / "config.txt").write_text("x")
    (raw / ".hidden.txt").write_text("x")
    (raw / "real.txt").write_text("x")
    outside = tmp_path / "secret.txt"
    outside.write_text("do not read")
    os.symlink(outside, raw / "leak.txt")
    os.symlink(raw / "real.txt", raw / "alias.txt")          # stays inside RAW: kept
    os.symlink(tmp_path, raw / "up")                          # a folder outside RAW
    os.mkfifo(raw / "pipe.txt")                               # never opened
    assert [f.path for f in readers.list_files(raw)] == ["alias.txt", "real.txt"]


def test_list_files_survives_a_link_loop(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    os.symlink(tmp_path / "a", tmp_path / "a" / "loop")
    assert [f.path for f in readers.list_files(tmp_path)] == ["a/x.txt"]


# ---- planning ---------------------------------------------------------------------------
def test_large_jsonl_cut_into_line_ranges_every_line_once(tmp_path):
    lines = [json.dumps({"text": f"record {i} " * 5}) for i in range(1, 251)]
    lines[99] = ""                                    # a blank line is not a unit
    (tmp_path / "feed.jsonl").write_text("\n".join(lines))   # no final newline
    cfg = ReadConfig()
    items = readers.plan_items(tmp_path, readers.list_files(tmp_path), cfg, 60)
    assert [(i.first_line, i.last_line) for i in items] == [(1, 60), (61, 120), (121, 180), (181, 240), (241, 250)]
    assert sum(i.units for i in items) == 250
    sources = [u.source for it in items for u in readers.read_item(tmp_path, it, cfg)]
    assert sources == [f"feed.jsonl#{n}" for n in range(1, 251) if n != 100]
    docs = [u for it in items for u in readers.read_item(tmp_path, it, cfg)]
    assert docs[-1].raw_text.startswith("record 250")


def test_blank_jsonl_is_one_rejected_unit_however_long(tmp_path):
    (tmp_path / "blank.jsonl").write_text("\n" * 1000)
    units = read_all(tmp_path, target=10)
    assert [reason(u) for u in units] == ["read.blank_file: blank file: no records"]


def test_small_jsonl_and_other_files_are_one_item(tmp_path):
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps({"text": "x"}) for _ in range(5)) + "\n")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "list.json").write_text(json.dumps([{"text": "a"}, {"text": "b"}, {"text": "c"}]))
    items = readers.plan_items(tmp_path, readers.list_files(tmp_path), ReadConfig(), 200)
    assert [(i.path, i.first_line, i.units) for i in items] == [("a.txt", None, 1), ("feed.jsonl", None, 5),
                                                                ("list.json", None, 3)]


# ---- text files and encodings -----------------------------------------------------------
@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8"), ("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be"),
    ("utf-16-le", "utf-16-le"), ("cp1252", "cp1252"),
])
def test_txt_encodings_detected_and_recorded(tmp_path, encoding, expected):
    doc = one(tmp_path, "a.txt", ARTICLE.replace("—", "-").encode(encoding))
    assert isinstance(doc, Document)
    assert doc.raw_text.lstrip("\ufeff") == ARTICLE.replace("—", "-")
    assert doc.origin.encoding == expected
    assert doc.source == "a.txt" and doc.origin.format == "txt"


def test_cp1252_smart_quotes_and_latin1_letters(tmp_path):
    text = "\u201cWe will rebuild,\u201d said Mar\u00eda \u2013 the owner of the caf\u00e9.\n" * 3
    doc = one(tmp_path, "a.txt", text.encode("cp1252"))
    assert doc.raw_text == text and doc.origin.encoding == "cp1252"


def test_utf8_with_a_stray_cp1252_byte_is_repaired_not_mangled(tmp_path):
    data = "Café owners said the “news” was welcome".encode("utf-8") + b" \x93quoted\x94 and more.\n"
    doc = one(tmp_path, "a.txt", data)
    assert doc.raw_text == "Café owners said the “news” was welcome “quoted” and more.\n"
    assert doc.origin.encoding == "utf-8+cp1252"


def test_decode_bytes_prefers_declared_charset():
    data = "Caf\u00e9 \u2013 menu".encode("cp1252")
    assert decode_bytes(data, declared="windows-1252").encoding == "cp1252"
    assert decode_bytes(data, declared="iso-8859-1").text == "Caf\u00e9 \u2013 menu"


def test_control_ratio():
    assert control_ratio(b"") == 0.0
    assert control_ratio(b"\x00\x01ab") == 0.5
    assert control_ratio(b"line\tone\r\nline\x0ctwo") == 0.0   # tab, CR, LF, form feed are text


def test_text_with_a_few_control_bytes_is_still_text(tmp_path):
    doc = one(tmp_path, "a.txt", (ARTICLE + "\x1b[0m\x07\n").encode())
    assert isinstance(doc, Document)


def test_binary_named_txt_rejected_with_share_of_control_bytes(tmp_path):
    rnd = random.Random(1)
    unit = one(tmp_path, "bin.txt", bytes(rnd.randrange(256) for _ in range(4096)))
    assert reason(unit).startswith("read.not_text: not text: ")
    assert "control bytes" in reason(unit)
    with pytest.raises(NotText):
        decode_bytes(b"\x00\x01\x02\x03" * 100)


def test_web_page_saved_as_txt_is_read_as_html(tmp_path):
    html = (HTML_FIXTURES / "listicle.html").read_text("utf-8")
    doc = one(tmp_path, "page.txt", html)
    assert doc.origin.format == "html"
    assert doc.title == "Five things we learned from the regional budget"


def test_text_mentioning_tags_is_not_treated_as_html(tmp_path):
    text = "<script>alert('x')</script> The council met on Tuesday.\n\nOfficials declined to comment.\n"
    doc = one(tmp_path, "a.txt", text)
    assert doc.origin.format == "txt"
    assert doc.raw_text == text        # inert data: kept verbatim, never parsed or run


# ---- HTML files -------------------------------------------------------------------------
def test_html_file_gives_paragraphs_raw_text_metadata_and_edits(tmp_path):
    shutil.copy(HTML_FIXTURES / "wordpress.html", tmp_path / "page.html")
    doc = read_all(tmp_path)[0]
    assert doc.paragraphs[0].text.startswith("The passenger ferry")
    assert doc.raw_text == "\n\n".join(p.text for p in doc.paragraphs)
    assert {p.kind for p in doc.paragraphs} == {"p", "h", "li", "caption", "quote"}
    assert (doc.title, doc.date, doc.byline) == ("Harbour ferry timetable cut to two sailings a day",
                                                 "2024-03-05", "Morwenna Pascoe")
    assert doc.origin.url.startswith("https://www.westbaycourier.example/")
    assert doc.origin.host == doc.origin.site == "westbaycourier.example"
    rules = {e.rule_id for e in doc.edits}
    assert {"html.semantic_tag", "html.class_vocab", "html.headline"} <= rules
    assert all(e.action in ("remove", "to_metadata") for e in doc.edits)
    assert "read" in doc.timings


def test_html_in_a_legacy_charset(tmp_path):
    shutil.copy(HTML_FIXTURES / "old_table_cp1252.html", tmp_path / "old.htm")
    doc = read_all(tmp_path)[0]
    assert doc.origin.encoding == "cp1252"
    assert any("María Sefton" in p.text for p in doc.paragraphs)


def test_html_without_article_text_rejected(tmp_path):
    unit = one(tmp_path, "nav.html", "<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav></body></html>")
    assert reason(unit).startswith("read.no_text: no article text in the HTML page")


def test_deep_and_truncated_html_files(tmp_path):
    para = "A paragraph long enough to count as article text in the extractor, with a full stop."
    one(tmp_path, "deep.html", "<html><body>" + "<div>" * 5000 + f"<p>{para}</p>" + "</div>" * 5000)
    (tmp_path / "cut.html").write_text(f"<html><body><p>{para}<p>{para} Two.<div class='foo")
    units = read_all(tmp_path)
    assert [u.raw_text for u in units] == [f"{para}\n\n{para} Two.", para]


# ---- rejections shared by every file type --------------------------------------------------
def test_empty_file(tmp_path):
    assert reason(one(tmp_path, "e.txt", b"")) == "read.empty_file: empty file"


def test_blank_file_and_a_short_file_that_is_not_blank(tmp_path):
    assert reason(one(tmp_path, "b.txt", "\n\n   \n\t\n")).startswith("read.blank_file: blank file")
    shutil.rmtree(tmp_path)
    tmp_path.mkdir()
    assert isinstance(one(tmp_path, "s.txt", "Ok.\n"), Document)


@pytest.mark.parametrize("name,shown", [("photo.png", ".png"), ("report.pdf", ".pdf"),
                                        ("README", "(no extension)"), ("x.png.gz", ".png.gz")])
def test_unsupported_types(tmp_path, name, shown):
    assert reason(one(tmp_path, name, b"\x89PNG\r\n")) == f"read.unsupported_type: unsupported file type: {shown}"


@pytest.mark.parametrize("name", ["A.TXT", "b.Html", "c.htm", "d.text", "e.ndjson", "f.JSON"])
def test_supported_types_in_any_case(tmp_path, name):
    content = json.dumps({"text": "hello there"}) if name.lower().endswith(("json",)) else \
        "<p>Hello there, this is a page.</p>" if "htm" in name.lower() else "hello there"
    assert isinstance(one(tmp_path, name, content), Document)


def test_too_large_rejected_at_the_limit_read(tmp_path):
    cfg = ReadConfig(max_file_bytes=100)
    assert isinstance(one(tmp_path, "ok.txt", "x" * 100, cfg), Document)
    (tmp_path / "ok.txt").unlink()
    assert reason(one(tmp_path, "big.txt", "x" * 101, cfg)).startswith("read.too_large: file is ")


# ---- gzip -------------------------------------------------------------------------------
def test_gz_of_each_type(tmp_path):
    (tmp_path / "a.txt.gz").write_bytes(gzip.compress(ARTICLE.encode()))
    (tmp_path / "b.html.gz").write_bytes(gzip.compress((HTML_FIXTURES / "tricky.html").read_bytes()))
    (tmp_path / "c.jsonl.gz").write_bytes(gzip.compress(b'{"text": "one"}\n{"text": "two"}\n'))
    units = read_all(tmp_path)
    assert [u.source for u in units] == ["a.txt.gz", "b.html.gz", "c.jsonl.gz#1", "c.jsonl.gz#2"]
    assert all(isinstance(u, Document) for u in units)
    assert units[0].raw_text == ARTICLE and units[0].origin.format == "txt.gz"
    assert units[1].origin.format == "html.gz" and units[1].title.startswith("Why browser cookies")
    assert units[3].origin.format == "jsonl.gz"
    items = readers.plan_items(tmp_path, readers.list_files(tmp_path), ReadConfig(), 200)
    assert [i.units for i in items] == [1, 1, 2]


def test_gzip_bomb_rejected_without_unpacking(tmp_path):
    cfg = ReadConfig(max_decompressed_bytes=1_000_000)
    bomb = gzip.compress(b"\0" * 5_000_000)
    unit = one(tmp_path, "bomb.txt.gz", bomb, cfg)
    assert reason(unit).startswith("read.gzip_bomb: decompresses to more than")
    (tmp_path / "bomb.txt.gz").unlink()
    assert isinstance(one(tmp_path, "fine.txt.gz", gzip.compress(b"a" * 900_000), cfg), Document)


def test_broken_gzip(tmp_path):
    data = gzip.compress(ARTICLE.encode() * 50)
    assert reason(one(tmp_path, "cut.txt.gz", data[: len(data) // 2])).startswith("read.bad_gzip")
    (tmp_path / "cut.txt.gz").unlink()
    assert reason(one(tmp_path, "junk.txt.gz", b"not gzip at all")).startswith("read.bad_gzip")


def test_concatenated_gzip_members_are_one_file(tmp_path):
    data = gzip.compress(b"first half. ") + gzip.compress(b"second half.")
    assert one(tmp_path, "two.txt.gz", data).raw_text == "first half. second half."


# ---- JSON lines -------------------------------------------------------------------------
def test_mixed_feed_every_line_accounted_with_its_reason(tmp_path):
    shutil.copy(FIXTURES / "feed_mixed.jsonl", tmp_path / "feed.jsonl")
    units = {u.source: u for u in read_all(tmp_path)}
    assert sorted(units, key=lambda s: int(s.split("#")[1])) == [
        f"feed.jsonl#{n}" for n in (1, 2, 3, 5, 6, 7, 8, 9)]           # line 4 is blank
    assert reason(units["feed.jsonl#2"]).startswith("read.bad_json: line 2 is not valid JSON")
    assert reason(units["feed.jsonl#3"]) == "read.no_text: record has no 'text' or 'html' field"
    assert reason(units["feed.jsonl#6"]) == "read.text_not_string: field 'text' is a JSON number, not a string"
    assert reason(units["feed.jsonl#7"]) == "read.not_object: line 7 is a JSON array, not an object"
    assert reason(units["feed.jsonl#9"]) == "read.no_text: field 'text' is empty"
    good = units["feed.jsonl#1"]
    assert (good.title, good.date, good.origin.record_id) == ("Ferry crossing to resume", "2024-03-01", "1")
    assert (good.origin.host, good.origin.site, good.origin.line) == ("harbour-news.example",) * 2 + (1,)


def test_record_id_is_data_never_the_document_id(tmp_path):
    shutil.copy(FIXTURES / "feed_mixed.jsonl", tmp_path / "feed.jsonl")
    evil = {u.source: u for u in read_all(tmp_path)}["feed.jsonl#5"]
    assert evil.origin.record_id == "../../etc/passwd"
    assert "/" not in evil.id and ".." not in evil.id
    assert evil.raw_text.startswith("<script>alert('x')</script> ")   # inert text, not parsed


def test_html_field_goes_through_the_extractor(tmp_path):
    shutil.copy(FIXTURES / "feed_mixed.jsonl", tmp_path / "feed.jsonl")
    doc = {u.source: u for u in read_all(tmp_path)}["feed.jsonl#8"]
    assert doc.origin.format == "jsonl+html"
    assert doc.origin.host == "island-post.example"
    assert doc.title == "Library opens" and doc.date == "2024-05-02"
    assert [p.text[:20] for p in doc.paragraphs] == ["The island's first p", "It holds about three"]


def test_text_field_preferred_non_string_text_with_html_falls_back(tmp_path):
    rec = {"text": None, "html": "<p>Fallback page body that is long enough to be article text.</p>"}
    doc = one(tmp_path, "f.jsonl", json.dumps(rec) + "\n")
    assert doc.paragraphs[0].text.startswith("Fallback page body")


def test_feed_without_url_gets_the_feed_stem_as_site(tmp_path):
    doc = one(tmp_path, "wire.jsonl", json.dumps({"text": "A story."}) + "\n")
    assert doc.origin.site == "wire" and doc.origin.host is None
    doc2 = one(tmp_path / "sub", "site-a/page.txt", "A story.")
    assert doc2.origin.site == "site-a"


def test_binary_jsonl_rejected_once(tmp_path):
    rnd = random.Random(2)
    unit = one(tmp_path, "x.jsonl", bytes(rnd.randrange(256) for _ in range(4096)))
    assert reason(unit).startswith("read.not_text")


def test_one_line_json_with_trailing_junk_is_one_rejected_unit(tmp_path):
    u = one(tmp_path, "a.json", b'{"text": "one"} !')
    assert u.source == "a.json" and reason(u).startswith("read.bad_json")


def test_json_lines_in_a_json_file_are_records(tmp_path):
    (tmp_path / "b.json").write_bytes(b'{"text": "one"}\n{"text": "two"}\n')
    assert [u.source for u in read_all(tmp_path)] == ["b.json#1", "b.json#2"]


def test_utf16_jsonl(tmp_path):
    data = ('{"text": "caf\u00e9 one"}\n{"text": "two"}\n').encode("utf-16")
    units = read_all_after_write(tmp_path, "u.jsonl", data)
    assert [u.raw_text for u in units] == ["caf\u00e9 one", "two"]


def read_all_after_write(raw: Path, name: str, data: bytes):
    (raw / name).write_bytes(data)
    return read_all(raw)


# ---- JSON -------------------------------------------------------------------------------
def test_json_list_and_single_object(tmp_path):
    shutil.copy(FIXTURES / "list.json", tmp_path / "list.json")
    shutil.copy(FIXTURES / "single.json", tmp_path / "single.json")
    units = read_all(tmp_path)
    assert [u.source for u in units] == ["list.json#1", "list.json#2", "list.json#3", "single.json"]
    assert units[0].title == "One" and units[0].origin.line == 1
    assert reason(units[2]) == "read.not_object: record 3 is a JSON string, not an object"
    assert (units[3].title, units[3].date) == ("Solo", "2021-03-03")


def test_json_wrapper_object_holding_the_records(tmp_path):
    data = {"source": "wire", "articles": [{"text": "one"}, {"text": "two"}]}
    units = read_all_after_write(tmp_path, "w.json", json.dumps(data).encode())
    assert [u.source for u in units] == ["w.json#1", "w.json#2"]


def test_bad_json_and_empty_list(tmp_path):
    assert reason(one(tmp_path, "bad.json", "{broken")).startswith("read.bad_json: not valid JSON")
    (tmp_path / "bad.json").unlink()
    assert reason(one(tmp_path, "empty.json", "[]")) == "read.no_records: JSON list with no records"


def test_json_lines_saved_as_json(tmp_path):
    units = read_all_after_write(tmp_path, "lines.json", b'{"text": "a"}\n{"text": "b"}\n')
    assert [u.source for u in units] == ["lines.json#1", "lines.json#2"]


def test_json_nested_too_deep_is_rejected_not_crashed(tmp_path):
    unit = one(tmp_path, "deep.json", "[" * 100000 + "]" * 100000)
    assert reason(unit).startswith("read.bad_json")


# ---- the contract: every unit exactly once, never an exception ------------------------------
def test_every_unit_exactly_once_and_nothing_raises(tmp_path):
    rnd = random.Random(3)
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "e.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(bytes(rnd.randrange(256) for _ in range(2048)))
    (tmp_path / "i.png").write_bytes(b"\x89PNG")
    shutil.copy(FIXTURES / "feed_mixed.jsonl", tmp_path / "feed.jsonl")
    shutil.copy(FIXTURES / "list.json", tmp_path / "list.json")
    (tmp_path / "z.json.gz").write_bytes(b"\x1f\x8b garbage")
    units = read_all(tmp_path, target=3)
    sources = [u.source for u in units]
    assert len(sources) == len(set(sources)) == 16     # 4 files, 8 lines, 3 records, 1 gz
    assert all(u.reasons for u in units if isinstance(u, readers.Rejected))
    assert all(r.stage == "read" for u in units if isinstance(u, readers.Rejected) for r in u.reasons)


def test_unreadable_file_is_rejected_not_raised(tmp_path):
    (tmp_path / "gone.txt").write_text("x")
    files = readers.list_files(tmp_path)
    items = readers.plan_items(tmp_path, files, ReadConfig(), 200)
    (tmp_path / "gone.txt").unlink()                       # removed between listing and reading
    units = list(readers.read_item(tmp_path, items[0], ReadConfig()))
    assert len(units) == 1 and reason(units[0]).startswith("read.io_error")


# ---- property: whatever the bytes, one unit per file / per non-blank line ------------------
from hypothesis import HealthCheck, assume, given, settings, strategies as st  # noqa: E402

_TAGS = st.sampled_from(["<p>", "</p>", "<div class='ad'>", "</div>", "<br>", "<h1>", "</h1>", "<li>",
                         "<script>", "</script>", "<nav>", "<table><tr><td>", "&amp;", "&#0;", "<", ">",
                         "<!--", "-->", "<![CDATA[", "\x00", "\ufeff", "é", "\n\n"])
_HTMLISH = st.lists(st.one_of(_TAGS, st.text(max_size=30)), max_size=60).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=3000), _HTMLISH.map(lambda s: s.encode("utf-8", "surrogatepass"))),
       name=st.sampled_from(["a.txt", "a.html", "a.json", "a.txt.gz", "a.bin"]))
def test_any_bytes_give_exactly_one_unit(tmp_path, data, name):
    for old in tmp_path.iterdir():
        old.unlink()
    if name.endswith(".gz"):
        data = gzip.compress(data)
    (tmp_path / name).write_bytes(data)
    units = read_all(tmp_path)
    if name.endswith(".json") and len(units) != 1:
        assert all(u.source.startswith(name + "#") for u in units)   # a list, or JSON lines
    else:
        assert [u.source for u in units] == [name]
    for u in units:
        assert isinstance(u, Document) or (isinstance(u, readers.Rejected) and u.reasons)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.one_of(st.binary(max_size=80), st.builds(lambda t: json.dumps({"text": t}).encode(), st.text())),
                      max_size=30))
def test_any_jsonl_gives_one_unit_per_non_blank_line(tmp_path, lines):
    for old in tmp_path.iterdir():
        old.unlink()
    lines = [line.replace(b"\n", b" ") for line in lines]
    # a UTF-16 byte-order mark makes it a UTF-16 feed, whose records are lines of the decoded
    # text, not of the bytes (test_utf16_jsonl); this property is about byte lines
    assume(not b"\n".join(lines).startswith((b"\xff\xfe", b"\xfe\xff")))
    (tmp_path / "f.jsonl").write_bytes(b"\n".join(lines))
    units = read_all(tmp_path, target=7)
    expected = [f"f.jsonl#{i}" for i, line in enumerate(lines, 1) if line.strip()]
    if not expected or (units and units[0].source == "f.jsonl"):   # a blank or binary file
        assert len(units) == 1 and units[0].source == "f.jsonl" and isinstance(units[0], readers.Rejected)
    else:
        assert [u.source for u in units] == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "B", ".", "..", "x.txt", "f.JSONL", "gz", ".gz", "t.tar", "", "é"]),
                min_size=1, max_size=5).map("".join))
def test_file_type_follows_purepath_suffix_rules(name):
    from pathlib import PurePosixPath
    path = f"dir/{name}"
    low = PurePosixPath(path).name.lower()
    gz = low.endswith(".gz")
    expected = (PurePosixPath(low[:-3] if gz else low).suffix, gz)
    assert readers.file_type(path) == expected
