"""Metadata from the text: title, date, byline, dateline (invented articles)."""
from __future__ import annotations

import pytest

from cleaners import boilerplate, metadata
from cleaners.config import Config
from cleaners.document import Document, Origin, Paragraph
from cleaners.pipeline import Context

LEDE = ("VALLETTA, Malta — The island's ferry operator said on Monday that it would add two "
        "winter sailings a week to the northern islands, after residents complained that the "
        "reduced timetable left them cut off for days during storms.")
SECOND = ("The company said the extra crossings would run from November to March and would be "
          "paid for by a small rise in summer fares, which are mostly paid by tourists.")
TITLE = "Ferry operator adds winter sailings to the northern islands"


def run(paragraphs: list[str], title: str | None = None, fmt: str = "txt") -> Document:
    doc = Document.new("x.txt", Origin("x.txt", format=fmt), paragraphs=[Paragraph(t) for t in paragraphs])
    doc.title = title
    metadata.apply(doc, Context(config=Config()))
    return doc


def texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def test_first_line_headline_becomes_title_and_leaves_the_body():
    doc = run([TITLE, LEDE, SECOND])
    assert doc.title == TITLE and texts(doc) == [LEDE, SECOND]
    edit = doc.edits[0]
    assert (edit.rule_id, edit.action, edit.before) == ("metadata.title_line", "to_metadata", TITLE)


def test_relative_time_stamp_repeated_in_the_header_is_not_the_title():
    # "Updated 3 hours ago" sits inside the date line above it: it must not win as the
    # headline the page "repeats"
    doc = run(["2024-12-07 — Updated 2 hours ago", TITLE, "Updated 3 hours ago", LEDE, SECOND])
    assert doc.title == TITLE


def test_toolbar_row_above_the_headline_is_not_the_title():
    doc = run(["Text size A A A | Print this page | Listen", TITLE, LEDE, SECOND])
    assert doc.title == TITLE


def test_headline_with_final_period_is_a_title():
    title = "Islanders are leaving the north as the ferry company fails to keep its timetable."
    doc = run([title, LEDE])
    assert doc.title == title


def test_lead_sentence_is_not_taken_as_title():
    doc = run([LEDE, SECOND])
    assert doc.title is None and texts(doc) == [LEDE, SECOND]


def test_short_narrating_first_line_is_not_a_title():
    first = "The ferry company said on Monday it would add sailings."
    doc = run([first, SECOND])
    assert doc.title is None and texts(doc)[0] == first


def test_title_found_after_menu_and_skip_link():
    doc = run(["Skip to content", "News | Travel | Weather | Sport", TITLE, LEDE])
    assert doc.title == TITLE
    assert texts(doc) == ["Skip to content", "News | Travel | Weather | Sport", LEDE]


def test_menu_labels_before_the_headline_are_not_the_title():
    doc = run(["Navigation menu", "Top Stories Local Business Entertainment Sports", TITLE, LEDE])
    assert doc.title == TITLE


def test_site_controls_run_together_are_not_the_title():
    doc = run(["Menu  Search  Sign in", "Can the ferries run all winter?", LEDE])
    assert doc.title == "Can the ferries run all winter?"


def test_site_controls_with_their_icons_are_not_the_title():
    doc = run(["Sections ▾  Search  Subscribe", TITLE, LEDE])
    assert doc.title == TITLE


def test_headline_of_real_words_is_not_a_control_row():
    doc = run(["Search for missing sailor resumes in northern islands", LEDE])
    assert doc.title == "Search for missing sailor resumes in northern islands"


def test_headline_quoting_speech_is_a_title():
    title = "“We were told the ferry was safe”: islanders demand inquiry"
    doc = run([title, LEDE])
    assert doc.title == title


def test_narration_outside_the_quote_is_still_not_a_title():
    first = "The captain told islanders the “new ferry” was safe."
    doc = run([first, SECOND])
    assert doc.title is None


def test_headline_naming_a_day_is_a_title():
    doc = run(["Ferry crews to strike on Thursday", LEDE])
    assert doc.title == "Ferry crews to strike on Thursday"


def test_lead_sentence_naming_a_day_is_not_a_title():
    first = "The new ferry sailed on Monday for the first time."
    doc = run([first, SECOND])
    assert doc.title is None and texts(doc)[0] == first


def test_one_sentence_lede_after_the_headline_is_no_headline():
    lede = "It has been ten years since the ferry last sailed to the northern islands."
    doc = Document.new("x.txt", Origin("x.txt"), paragraphs=[Paragraph(t) for t in (TITLE, lede, SECOND)])
    assert metadata.headline_keys(doc) == [boilerplate.line_key(TITLE)]
    doc = run([TITLE, lede, SECOND])
    assert doc.title == TITLE and texts(doc) == [lede, SECOND]


def test_menu_label_before_the_headline_still_leaves_both_keys():
    doc = Document.new("x.txt", Origin("x.txt"),
                       paragraphs=[Paragraph(t) for t in ("Ferry Timetables", TITLE, LEDE)])
    assert boilerplate.line_key(TITLE) in metadata.headline_keys(doc)


def test_labelled_headline_at_the_top_is_the_title():
    for title in ("BREAKING: Ferry runs aground off the northern islands",
                  "Watch: The moment the ferry ran aground off the islands"):
        doc = run(["Skip to content", title, LEDE])
        assert doc.title == title and texts(doc) == ["Skip to content", LEDE]


def test_labelled_link_before_the_headline_is_not_the_title():
    doc = run(["Read more: School meals go local", TITLE, LEDE])
    assert doc.title == TITLE


def test_breadcrumb_ending_with_the_headline_is_not_the_title():
    doc = run(["Accueil > Monde > " + TITLE, TITLE, LEDE])
    assert doc.title == TITLE


def test_the_repeated_line_is_the_title():
    doc = run(["Island life this week in pictures", TITLE, TITLE, LEDE])
    assert doc.title == TITLE


def test_html_title_is_kept_and_its_copy_leaves_the_body():
    doc = run([TITLE, LEDE], title=TITLE, fmt="html")
    assert doc.title == TITLE and texts(doc) == [LEDE]


def test_leaked_date_prefix_goes_to_metadata():
    doc = run([" date 2023-11-17 " + LEDE, SECOND])
    assert doc.date == "2023-11-17" and texts(doc)[0] == LEDE
    edit = doc.edits[0]
    assert edit.rule_id == "metadata.leaked_date_prefix" and edit.before.strip() == "date 2023-11-17"


def test_leaked_date_prefix_glued_to_the_title_line():
    doc = run(["date 2021-06-10 " + TITLE, LEDE])
    assert doc.date == "2021-06-10" and doc.title == TITLE


@pytest.mark.parametrize("separator", ["»", "›", "|", "/"])
def test_leaked_date_prefix_with_a_separator_before_the_title(separator):
    doc = run([f" date 2021-06-10 {separator} " + TITLE, LEDE])
    assert doc.date == "2021-06-10" and doc.title == TITLE


def test_a_date_and_byline_line_with_a_separator_is_a_date_line_not_a_glued_date():
    doc = run(["Published 2021-06-10 » by Jane Smith", TITLE, LEDE])
    assert metadata.leaked_date_prefix("Published 2021-06-10 » by Jane Smith") is None
    assert doc.date == "2021-06-10" and doc.title == TITLE


@pytest.mark.parametrize("line,iso", [
    ("Published: 17 November 2023", "2023-11-17"),
    ("Updated 2024-02-29 10:30", "2024-02-29"),
    ("November 3, 2022", "2022-11-03"),
    ("Mis à jour le 3 mai 2024", "2024-05-03"),
    ("Veröffentlicht am 17.11.2023", "2023-11-17"),
    ("Posted on 2021-11-18 by Editorial Staff", "2021-11-18"),
    ("Publicado el 5 de marzo de 2020", "2020-03-05"),
])
def test_date_line_in_the_header(line, iso):
    doc = run([line, TITLE, LEDE])
    assert doc.date == iso and line not in texts(doc)
    assert any(e.rule_id == "metadata.date_line" for e in doc.edits)


def test_date_inside_body_text_is_not_taken():
    lede = ("The council met on November 3, 2022 and again on November 10, 2022, and both times "
            "it put off the vote on the new ferry timetable until the spring.")
    doc = run([lede, SECOND])
    assert doc.date is None and texts(doc) == [lede, SECOND]


def test_impossible_dates_are_not_dates():
    assert metadata.find_date("2023-13-45") is None
    assert metadata.date_line("Published: 31 February 2023") is None
    assert metadata.find_date("04/05/2023") is None          # day/month order unknown


def test_byline_goes_to_metadata():
    doc = run([TITLE, "By Maria Lindqvist and Tom Reyes | 4 min read", LEDE])
    assert doc.byline == "Maria Lindqvist and Tom Reyes"
    assert texts(doc) == [LEDE]


def test_byline_in_another_language():
    doc = run([TITLE, "Von Anna Schmidt", LEDE])
    assert doc.byline == "Anna Schmidt"


def test_sentence_starting_with_by_is_not_a_byline():
    line = "By Tuesday the ferry was running again."
    assert metadata.byline_of(line) is None


def test_dateline_is_recorded_and_stays_in_the_text():
    doc = run([TITLE, LEDE])
    assert doc.dateline == "VALLETTA, Malta" and texts(doc)[0].startswith("VALLETTA, Malta —")
    assert any(e.rule_id == "metadata.dateline" and e.action == "flag" for e in doc.edits)


def test_no_dateline_in_an_ordinary_lede():
    doc = run([TITLE, SECOND])
    assert doc.dateline is None


def test_date_from_a_block_the_html_extractor_dropped():
    doc = Document.new("p.html", Origin("p.html", format="html"), paragraphs=[Paragraph(LEDE)])
    doc.edit("html", "class_vocab", "remove", before="2025-11-05", note="widget")
    metadata.apply(doc, Context(config=Config()))
    assert doc.date == "2025-11-05"


def test_headline_key_for_templates():
    doc = Document.new("x.txt", Origin("x.txt"), paragraphs=[Paragraph("date 2020-01-02 " + TITLE),
                                                           Paragraph(LEDE)])
    assert metadata.headline_key(doc) == TITLE.casefold()


@pytest.mark.parametrize("text, iso", [
    ("Published 17 November 2023", "2023-11-17"),
    ("٢٠٢٣-١١-١٧", "2023-11-17"),                  # any decimal digits, as the patterns read them
    ("17 November", None),                          # no year: not a date
    ("on 5/6/23 at noon", None),
    ("In 2023 the council met twice.", None),       # a year alone is no date either
])
def test_find_date_with_and_without_a_year(text, iso):
    hit = metadata.find_date(text)
    assert (hit[0] if hit else None) == iso
