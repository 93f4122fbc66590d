from cleaners.document import Document, Origin, Paragraph
from cleaners.pipeline import Context
from cleaners import structure


def _run(text):
    d = Document.new("a.txt", Origin(path="a.txt"), raw_text=text)
    structure.apply(d, Context())
    return d


def test_blank_lines_and_single_newlines_both_split_paragraphs():
    d = _run("Title\n\nFirst para.\nSecond para.\r\n\r\n\n Third\u00a0 para. \n")
    assert [p.text for p in d.paragraphs] == ["Title", "First para.", "Second para.", "Third para."]


def test_whitespace_fix_is_logged_and_clean_text_is_not_touched():
    d = _run("Clean line.\n\nTwo  spaces here.")
    assert [e.rule for e in d.edits] == ["whitespace"]
    assert d.edits[0].para == 1 and d.edits[0].after == "Two spaces here."


def test_html_paragraphs_keep_their_kinds():
    d = Document.new("a.html", Origin(path="a.html", format="html"))
    d.paragraphs = [Paragraph("Heading", "h"), Paragraph("  item ", "li")]
    structure.apply(d, Context())
    assert [(p.text, p.kind) for p in d.paragraphs] == [("Heading", "h"), ("item", "li")]


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", " ", "  ", "\t", "\u00a0", "\u2009", "\u3000", "\x0b",
                                 "\u2028", "é", ".", "\u200b"]), max_size=12).map("".join))
def test_whitespace_tidy_fast_path_changes_what_the_rule_changes(text):
    from cleaners import structure as S
    for para in (text, "x" + text + "y"):
        doc = Document.new("a.txt", Origin("a.txt"), paragraphs=[Paragraph(para)])
        S.apply(doc, None)
        tidy = S._SPACES.sub(" ", para).strip()           # the rule, applied to every paragraph
        assert [p.text for p in doc.paragraphs] == ([tidy] if tidy else [])
        assert len(doc.edits) == (tidy != para)
