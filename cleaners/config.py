"""Run configuration: TOML (`newsclean.toml` or `[tool.newsclean]` in pyproject.toml),
validated with pydantic. Unknown keys are errors that name the key.

Each stage owns one section. Defaults are the product's defaults: a run with no config file
must give a good corpus.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ReadConfig(Section):
    max_file_bytes: int = 20 * 1024 * 1024          # larger files are rejected, not read
    max_decompressed_bytes: int = 200 * 1024 * 1024  # gzip bomb cap (per file)
    max_control_ratio: float = 0.10                  # "not text" above this share of control bytes
    html_max_depth: int = 400                        # deeper DOM nesting is flattened, not recursed


class UnicodeConfig(Section):
    enabled: bool = True
    straighten_quotes: bool = False   # keep typographic quotes and dashes unless asked


class BoilerplateConfig(Section):
    enabled: bool = True
    disabled_families: list[str] = Field(default_factory=list)   # rule families switched off
    # extra phrases per site (host or site key) -> list of lines to remove wherever they stand
    site_phrases: dict[str, list[str]] = Field(default_factory=dict)
    template_min_docs: int = 3            # a line seen in >= this many docs of one site ...
    template_min_share: float = 0.3       # ... and in at least this share of them is template


class ArtifactsConfig(Section):
    enabled: bool = True
    disabled_rules: list[str] = Field(default_factory=list)
    drop_garbled_sentences: bool = False
    garble_threshold: float = 0.8


class LanguageConfig(Section):
    keep: list[str] = Field(default_factory=list)   # empty: keep every language, tagged
    sample_chars: int = 1000
    seed: int = 0


class QualityConfig(Section):
    enabled: bool = True
    min_words: int = 50                   # below: drop
    quarantine_min_words: int = 80        # between min_words and this: quarantine
    max_symbol_word_ratio: float = 0.1
    min_stopword_count: int = 2
    max_dup_para_fraction: float = 0.3
    max_non_alpha_ratio: float = 0.4
    min_terminal_punct_share: float = 0.0  # news uses short lines; off unless set


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
    batch_size: int = 200
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
