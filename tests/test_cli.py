"""The command line's argument handling (no Prefect run needed for these)."""
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_missing_raw_folder_is_a_one_line_error(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "no such RAW folder" in result.output


def test_clean_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "out").write_text("x")
    result = runner.invoke(app, ["run", str(tmp_path / "raw"), str(tmp_path / "out")])
    assert result.exit_code != 0 and "CLEAN is a file" in result.output


def test_bad_config_names_the_key(tmp_path):
    (tmp_path / "raw").mkdir()
    cfg = tmp_path / "c.toml"
    cfg.write_text("[quality]\nminimum = 3\n")
    result = runner.invoke(app, ["run", str(tmp_path / "raw"), str(tmp_path / "out"), "--config", str(cfg)])
    assert result.exit_code != 0 and "quality.minimum" in result.output
