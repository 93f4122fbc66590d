"""`newsclean run` with no Prefect server configured starts its own temporary one early, hands
it the run's last logs, and leaves no server behind."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows import tempserver

REPO = Path(__file__).resolve().parent.parent


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def _processes_with_home(home: Path) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if f"PREFECT_HOME={home}".encode() in (proc / "environ").read_bytes().split(b"\0"):
                    found.append(int(proc.name))
            except OSError:
                continue
    return found


@pytest.mark.prefect
def test_run_without_a_server_starts_one_and_stops_it(tmp_path):
    home = tmp_path / "prefect_home"
    log = tmp_path / "run.log"
    with open(log, "w") as out:
        done = subprocess.run([str(Path(sys.executable).parent / "newsclean"), "run", str(REPO / "raw"),
                               str(tmp_path / "clean"), "--no-progress"], stdout=out,
                              stderr=subprocess.STDOUT, env=_env(home), timeout=300)
    text = log.read_text()
    assert done.returncode == 0, text[-2000:]
    assert list((tmp_path / "clean" / "corpus").glob("*.jsonl"))
    assert "Starting temporary server" not in text          # ours, not Prefect's own
    assert "Error logging to API" not in text               # last logs sent before it stopped
    assert _processes_with_home(home) == []


def test_needed_only_without_an_api_url(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("PREFECT_PROFILE", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    assert tempserver.needed()
    (tmp_path / "profiles.toml").write_text(
        'active = "team"\n[profiles.team]\nPREFECT_API_URL = "http://prefect.internal:4200/api"\n')
    assert not tempserver.needed()
    monkeypatch.setenv("PREFECT_PROFILE", "other")
    assert tempserver.needed()
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert not tempserver.needed()
