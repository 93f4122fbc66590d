from cleaners.document import Document, Origin, Paragraph, Reason, make_id, rejection_record


def _doc(*paras):
    d = Document.new("site/a.txt", Origin(path="site/a.txt"))
    d.paragraphs = [Paragraph(p) for p in paras]
    return d


def test_ids_are_safe_tokens_and_distinct():
    ids = {make_id(s) for s in ["a/b.txt", "a_b.txt", "../../etc/passwd", "feed.jsonl#1", "feed.jsonl#10"]}
    assert len(ids) == 5
    for i in ids:
        assert ".." not in i and "/" not in i and not i.startswith("/")
        assert all(c.isalnum() or c in "_-" for c in i)


def test_remove_paragraphs_logs_one_edit_each_and_keeps_order():
    d = _doc("Menu", "Body one.", "Share", "Body two.")
    d.remove_paragraphs("boilerplate", [2, 0], {0: "nav", 2: "share"})
    assert [p.text for p in d.paragraphs] == ["Body one.", "Body two."]
    assert [(e.rule, e.para, e.before) for e in d.edits] == [("nav", 0, "Menu"), ("share", 2, "Share")]


def test_replace_text_is_logged_and_noop_when_unchanged():
    d = _doc("a  b")
    d.replace_text("structure", "whitespace", 0, "a  b")
    assert d.edits == []
    d.replace_text("structure", "whitespace", 0, "a b")
    assert d.edits[0].before == "a  b" and d.edits[0].after == "a b"


def test_text_joins_paragraphs_with_blank_line_and_record_has_contract_fields():
    d = _doc("One.", "  ", "Two.")
    assert d.text == "One.\n\nTwo."
    rec = d.to_record()
    assert list(rec)[:6] == ["id", "source", "title", "date", "lang", "text"]


def test_rejection_record_needs_reason_and_keeps_text_only_for_quarantine():
    d = _doc("Short text.")
    rec = rejection_record(d.source, [Reason("quality", "too_short", "2 words < 50")], d, quarantine=True)
    assert rec["reasons"] == ["quality.too_short: 2 words < 50"] and rec["text"] == "Short text."
    rec = rejection_record(d.source, [Reason("read", "empty_file", "empty file")])
    assert "text" not in rec
    try:
        rejection_record("x", [])
    except ValueError:
        pass
    else:
        raise AssertionError("a rejection without a reason must not be written")
