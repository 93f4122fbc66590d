import pytest

from cleaners.config import Config, ConfigError, load_config


def test_defaults_without_a_file(tmp_path):
    assert load_config(None, search_dir=tmp_path) == Config()


def test_newsclean_toml_is_found_and_validated(tmp_path):
    (tmp_path / "newsclean.toml").write_text("[quality]\nmin_words = 20\n[run]\nbatch_size = 50\n")
    cfg = load_config(None, search_dir=tmp_path)
    assert cfg.quality.min_words == 20 and cfg.run.batch_size == 50


def test_pyproject_section(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.newsclean.dedup]\njaccard_threshold = 0.8\n")
    assert load_config(None, search_dir=tmp_path).dedup.jaccard_threshold == 0.8


def test_unknown_key_is_an_error_naming_the_key(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[quality]\nmin_wrods = 20\n")
    with pytest.raises(ConfigError, match="unknown key 'quality.min_wrods'"):
        load_config(f)


def test_wrong_type_and_bad_toml_are_errors(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[run]\nbatch_size = 'many'\n")
    with pytest.raises(ConfigError, match="run.batch_size"):
        load_config(f)
    f.write_text("[run\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(f)
