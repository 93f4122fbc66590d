"""Run configuration: TOML (`newsclean.toml` or `[tool.newsclean]` in pyproject.toml),
validated with pydantic. Unknown keys are errors that name the key.

Each stage owns one section. Defaults are the product's defaults: a run with no config file
must give a good corpus.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ReadConfig(Section):
    max_file_bytes: int = 20 * 1024 * 1024          # larger files are rejected, not read
    max_decompressed_bytes: int = 200 * 1024 * 1024  # gzip bomb cap (per file)
    max_control_ratio: float = 0.10                  # "not text" above this share of control bytes
    # HTML extractor rules switched off: semantic_tag, class_vocab, aria_role, hidden,
    # link_dense, timestamp, headline, orphan_heading, outside_content (off: keep the whole body),
    # ld_json_body (off: never take the text from JSON-LD articleBody)
    html_disabled_rules: list[Literal["semantic_tag", "class_vocab", "aria_role", "hidden",
                                      "link_dense", "timestamp", "headline",
                                      "orphan_heading", "outside_content",
                                      "ld_json_body"]] = Field(default_factory=list)


class UnicodeConfig(Section):
    enabled: bool = True
    # Typographic quotes and dashes are kept by default; these switches straighten them
    # (“ ” ‘ ’ -> " ' and – — -> -), each change logged as unicode.straighten_*.
    straighten_quotes: bool = False
    straighten_dashes: bool = False


class BoilerplateConfig(Section):
    enabled: bool = True
    disabled_families: list[str] = Field(default_factory=list)   # rule families switched off
    # extra phrases per site (host or site key) -> list of lines to remove wherever they stand
    site_phrases: dict[str, list[str]] = Field(default_factory=dict)
    # site templates: a short line seen in >= template_min_docs docs of one site, each time in
    # a different article (syndicated copies of one story count once), and in at least
    # template_min_share of the site's docs, is template. Inside the body a line that reads as
    # a sentence needs template_body_min_share: real one-line paragraphs do recur.
    template_min_docs: int = Field(3, ge=2)
    template_min_share: float = Field(0.05, gt=0, le=1)
    template_body_min_share: float = Field(0.3, gt=0, le=1)

    @model_validator(mode="after")
    def _known_families(self) -> "BoilerplateConfig":
        from cleaners.boilerplate import all_family_names  # the catalogue is data
        unknown = sorted(set(self.disabled_families) - set(all_family_names()))
        if unknown:
            raise ValueError(f"unknown boilerplate families {unknown}; known: {all_family_names()}")
        return self


class ArtifactsConfig(Section):
    enabled: bool = True
    disabled_rules: list[str] = Field(default_factory=list)
    drop_garbled_sentences: bool = False   # off: garbled sentences are only flagged
    garble_threshold: float = 0.8          # drop sentences scoring at least this (when on)
    garble_flag_threshold: float = 0.5     # flag sentences scoring at least this


class LanguageConfig(Section):
    keep: list[str] = Field(default_factory=list)   # empty: keep every language, tagged
    sample_chars: int = Field(1000, ge=100)  # langdetect sample, from paragraphs spread over the text
    seed: int = 0                            # langdetect seed: same text, same answer
    min_letters: int = Field(20, ge=1)       # fewer letters in the sample: lang None
    mixed_paragraphs: bool = True            # flag paragraphs in another language
    mixed_min_letters: int = Field(40, ge=1)  # a paragraph in another script needs this many letters
    mixed_min_words: int = Field(12, ge=1)   # a same-script paragraph needs this many words to be checked
    mixed_max_stopword_share: float = Field(0.12, ge=0, le=1)  # ... and fewer of the article's stop words
    mixed_min_prob: float = Field(0.9, ge=0, le=1)  # langdetect confidence to flag a same-script paragraph


# Quality rules a config may name (cleaners/quality.py: one signal and threshold each).
QUALITY_RULES = ("too_short", "short", "word_length", "symbols", "terminal_punct",
                 "repeated_lines", "repeated_paragraphs", "repeated_ngrams", "few_stopwords",
                 "low_stopword_share", "non_alpha", "garbled", "boilerplate_share")


class QualityConfig(Section):
    """Thresholds of the quality rules (Gopher / C4 / FineWeb values, adapted to news).

    A threshold of None switches its rule off. Rules in `quarantine_rules` send the article to
    rejected/ with its cleaned text for review; the other rules drop it."""
    enabled: bool = True
    min_words: int = 50                   # too_short: fewer words
    quarantine_min_words: int = 80        # short: fewer words (quarantine by default)
    min_mean_word_length: float | None = 3.0     # word_length (Gopher: 3..10; German runs long)
    max_mean_word_length: float | None = 12.0
    max_symbol_word_ratio: float | None = 0.1    # symbols: # ... | bullets per word
    # terminal_punct: lines ending . ! ? : -- weighted by characters by default, because news
    # has short headings and list items without a full stop, while link lists have none at all
    min_terminal_punct_share: float | None = None        # by line count (FineWeb: 0.12)
    min_terminal_punct_char_share: float | None = 0.3    # by characters
    max_dup_line_fraction: float | None = 0.3    # repeated_lines: lines, by count (Gopher 0.3)
    max_dup_para_fraction: float | None = 0.3    # repeated_lines: paragraphs, by count (Gopher 0.3)
    max_dup_para_char_fraction: float | None = 0.2  # repeated_paragraphs: by chars (Gopher 0.2)
    max_top_2gram_share: float | None = 0.2      # repeated_ngrams (Gopher 0.20/0.18/0.16)
    max_top_3gram_share: float | None = 0.18
    max_top_4gram_share: float | None = 0.16
    min_stopword_count: int | None = 2           # few_stopwords (Gopher/C4: 2)
    min_stopword_share: float | None = 0.1       # low_stopword_share: prose is ~0.3-0.5
    max_non_alpha_ratio: float | None = 0.4      # non_alpha: words without a letter (Gopher 0.2)
    max_garble: float | None = None              # garbled: artifacts' garble score; off
    max_boilerplate_share: float | None = None   # boilerplate_share: of raw text removed; off
    quarantine_rules: list[str] = Field(default_factory=lambda: [
        "short", "symbols", "terminal_punct", "repeated_lines", "low_stopword_share", "non_alpha",
        "garbled", "boilerplate_share"])
    disabled_rules: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known_rules(self) -> "QualityConfig":
        for key in ("quarantine_rules", "disabled_rules"):
            unknown = sorted(set(getattr(self, key)) - set(QUALITY_RULES))
            if unknown:
                raise ValueError(f"{key}: unknown rule(s) {unknown}; known: {list(QUALITY_RULES)}")
        if self.quarantine_min_words < self.min_words:
            raise ValueError("quarantine_min_words must be >= min_words")
        return self


class DedupConfig(Section):
    enabled: bool = True
    num_perm: int = Field(128, ge=8, le=1024)
    # 32 bands x 4 rows: candidates from Jaccard ~0.5 up, so truncated copies come through
    # (S-curve in cleaners/dedup.py); every candidate is verified on exact shingle sets
    bands: int = Field(32, ge=1)
    rows: int = Field(4, ge=1)
    shingle_words: int = Field(5, ge=1, le=8)
    jaccard_threshold: float = Field(0.7, gt=0, le=1)
    containment_threshold: float = Field(0.8, gt=0, le=1)
    containment_min_shingles: int = 20    # a smaller copy needs this many shingles to join by containment
    max_cluster_size: int = 50            # larger clusters are flagged; only exact copies dropped

    @model_validator(mode="after")
    def _bands_fit(self) -> "DedupConfig":
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands*rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}")
        return self


class RunConfig(Section):
    batch_size: int = 500     # 10,000 docs on 2 cores: ~5% faster than 200 (fewer task runs)
    doc_timeout_seconds: float = 30.0


class Config(Section):
    read: ReadConfig = Field(default_factory=ReadConfig)
    unicode: UnicodeConfig = Field(default_factory=UnicodeConfig)
    boilerplate: BoilerplateConfig = Field(default_factory=BoilerplateConfig)
    artifacts: ArtifactsConfig = Field(default_factory=ArtifactsConfig)
    language: LanguageConfig = Field(default_factory=LanguageConfig)
    quality: QualityConfig = Field(default_factory=QualityConfig)
    dedup: DedupConfig = Field(default_factory=DedupConfig)
    run: RunConfig = Field(default_factory=RunConfig)


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


def _describe(err: ValidationError, origin: str) -> str:
    parts = []
    for e in err.errors():
        key = ".".join(str(x) for x in e["loc"])
        if e["type"] == "extra_forbidden":
            parts.append(f"unknown key '{key}'")
        else:
            parts.append(f"'{key}': {e['msg']}")
    return f"{origin}: " + "; ".join(parts)


def from_dict(data: dict[str, Any], origin: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_describe(err, origin)) from None


def load_config(path: str | Path | None = None, search_dir: str | Path = ".") -> Config:
    """Load a config file; with no path, look for newsclean.toml, then [tool.newsclean]."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}: no such config file")
        data = _read_toml(p)
        if p.name == "pyproject.toml":
            data = data.get("tool", {}).get("newsclean", {})
        return from_dict(data, str(p))
    base = Path(search_dir)
    if (base / "newsclean.toml").is_file():
        return load_config(base / "newsclean.toml")
    pyproject = base / "pyproject.toml"
    if pyproject.is_file():
        section = _read_toml(pyproject).get("tool", {}).get("newsclean")
        if section is not None:
            return from_dict(section, f"{pyproject} [tool.newsclean]")
    return Config()


def _read_toml(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{p}: not valid TOML: {err}") from None


def resolve_config(config_path: str | None, overrides: dict | None = None,
                   batch_size: int | None = None) -> Config:
    """The run's config: the file (or the one found in the working folder), then per-section
    overrides (a deployment's parameters), then --batch-size."""
    cfg = load_config(config_path) if config_path else load_config(None, search_dir=".")
    if overrides:
        merged = cfg.model_dump()
        for section, values in overrides.items():
            merged.setdefault(section, {}).update(values)
        cfg = from_dict(merged, "overrides")
    if batch_size:
        cfg.run.batch_size = batch_size
    return cfg
