"""Terminal views: `newsclean report` and `newsclean show` rendered with rich into a string."""
from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from cleaners import report as R
from cleaners.document import Reason
from flows import views as V
from report_helpers import BODY, boilerplate_doc, make_doc, write_run


def _console(color: bool = False) -> Console:
    return Console(file=io.StringIO(), width=160, force_terminal=color,
                   color_system="truecolor" if color else None)


def _out(console: Console) -> str:
    return console.file.getvalue()


@pytest.fixture
def clean(tmp_path) -> Path:
    kept = [boilerplate_doc(f"site{i % 2}/story{i}.txt", extra=i % 3) for i in range(4)]
    short = make_doc("site0/brief.txt", "river.example", ["Too short."])
    info = write_run(tmp_path, "run-v", kept, [
        (short, short.source, [Reason("quality", "too_short", "2 words < 50")]),
        (None, "bad/blob.bin", [Reason("read", "not_text", "control bytes")])])
    R.write_report(tmp_path, "run-v", R.build_report(tmp_path, info))
    return tmp_path


def test_report_command_prints_units_rules_rejects(clean):
    con = _console()
    V.report_command("latest", clean, con)
    out = _out(con)
    assert "run run-v" in out and "boilerplate.related_links" in out
    assert "quality.too_short" in out and "read.not_text" in out
    rep = R.load_report(clean)
    assert f"│ edits            │ {rep['edits']['total']} │" in out
    assert "drift: no previous run" in out and "report.html" in out


def test_report_command_accepts_the_output_folder_alone(clean, monkeypatch):
    monkeypatch.chdir(clean.parent)
    con = _console()
    V.report_command(str(clean), Path("clean"), con)
    assert "run run-v" in _out(con)
    with pytest.raises(V.ViewError):
        V.report_command("no-such-run", clean, _console())


def test_show_lists_every_removed_line_with_its_rule(clean):
    con = _console()
    V.show_command("story2.txt", clean, con)          # a path tail is enough
    out = _out(con)
    for line, rule in (("Share this story on social media", "boilerplate.share_prompt"),
                       ("Sign up for our newsletter today", "boilerplate.newsletter_prompt"),
                       ("Related: ferry story number 1", "boilerplate.related_links")):
        assert f"- {line}   [{rule}]" in out
    # negative: body paragraphs are unchanged context, never shown as removed
    assert f"  {BODY[1]}" in out and f"- {BODY[1]}" not in out
    # without colour, the changed word is bracketed so the diff still reads
    assert "Tuesday{+,+}" in out
    assert "6 edits" in out and "status kept" in out


def test_show_a_rejected_document_and_one_rejected_by_the_reader(clean):
    con = _console()
    V.show_command("site0/brief.txt", clean, con)
    out = _out(con)
    assert "status rejected" in out and "quality.too_short: 2 words < 50" in out
    assert "not in the corpus" in out
    con = _console()
    V.show_command("bad/blob.bin", clean, con)
    assert "rejected before cleaning" in _out(con)


def test_show_errors_name_the_problem(clean):
    with pytest.raises(V.ViewError, match="no document"):
        V.show_command("missing.txt", clean, _console())
    # "story1.txt" is the tail of only one source; "txt" alone is no path tail at all
    V.show_command("story1.txt", clean, _console())
    with pytest.raises(V.ViewError, match="no document"):
        V.show_command("txt", clean, _console())


def test_show_ambiguous_tail(tmp_path):
    docs = [boilerplate_doc("a/same.txt"), boilerplate_doc("b/same.txt")]
    write_run(tmp_path, "run-x", docs, [])
    with pytest.raises(V.ViewError, match="several documents"):
        V.show_command("same.txt", tmp_path, _console())
    V.show_command("a/same.txt", tmp_path, _console())      # the exact source resolves it


def test_show_prefers_the_newest_run(tmp_path):
    old = boilerplate_doc("site/story.txt")
    write_run(tmp_path, "run-old", [old], [])
    newer = boilerplate_doc("site/story.txt", extra=2)
    write_run(tmp_path, "run-new", [newer], [])
    os.utime(tmp_path / "edits" / "run-old-00000.jsonl", (1, 1))   # written long ago
    found = R.find_document(tmp_path, "site/story.txt")
    assert found["run_id"] == "run-new" and len(found["edits"]["edits"]) == 6
    assert found["corpus"]["id"] == newer.id


def test_article_text_cannot_drive_the_terminal(tmp_path):
    doc = make_doc("evil.txt", "x", [*BODY, "\x1b]0;owned\x07 [bold red]markup[/] \x1b[2J"])
    doc.remove_paragraphs("boilerplate", [3], "share_prompt")
    write_run(tmp_path, "run-e", [doc], [])
    con = _console(color=True)
    V.show_command("evil.txt", tmp_path, con)
    out = _out(con)
    assert "\x1b]0;" not in out and "\x1b[2J" not in out      # escapes neutralised
    assert "[bold red]markup[/]" in out                      # markup printed literally


def test_cli_report_and_show_commands(clean):
    from typer.testing import CliRunner

    from flows.cli import app

    runner = CliRunner()
    done = runner.invoke(app, ["report", "latest", str(clean)])
    assert done.exit_code == 0, done.output
    assert "run run-v" in done.output
    done = runner.invoke(app, ["show", "story1.txt", str(clean)])
    assert done.exit_code == 0 and "boilerplate.share_prompt" in done.output
    done = runner.invoke(app, ["show", "nothing.txt", str(clean)])
    assert done.exit_code == 2
