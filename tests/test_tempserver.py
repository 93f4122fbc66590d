"""`newsclean run` with no Prefect server configured starts its own temporary one early, hands
it the run's last logs, and leaves no server behind."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from crash_fixture import processes_started_with
from flows import tempserver

REPO = Path(__file__).resolve().parent.parent


def _env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return env | {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


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
    assert processes_started_with(home) == []


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


def _wait_for(condition, timeout: float = 30.0) -> bool:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.prefect
def test_sigterm_stops_the_run_with_its_server_and_releases_clean(tmp_path):
    import signal

    from cleaners import lock

    home, clean = tmp_path / "prefect_home", tmp_path / "clean"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "newsclean"), "run", str(REPO / "raw"),
                             str(clean), "--no-progress"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=_env(home))
    try:   # the server is started right after the handler is set
        assert _wait_for(lambda: [p for p in processes_started_with(home) if p != proc.pid])
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(60) == 128 + signal.SIGTERM
    finally:
        proc.kill()
    assert _wait_for(lambda: processes_started_with(home) == [], 20)
    lock.release(lock.acquire(clean, wait=False))    # not left held


@pytest.mark.prefect
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the parent-death signal is Linux's")
def test_a_killed_run_takes_its_server_with_it(tmp_path):
    import signal
    import time

    home = tmp_path / "prefect_home"
    parent = subprocess.Popen([sys.executable, "-c", "import time; from flows import tempserver; "
                               "tempserver.TemporaryServer().start(); time.sleep(120)"],
                              cwd=REPO, env=_env(home))
    try:
        assert _wait_for(lambda: [p for p in processes_started_with(home) if p != parent.pid])
        time.sleep(1)
        server = [p for p in processes_started_with(home) if p != parent.pid]
        assert server, "a server whose parent lives stays up"
        parent.send_signal(signal.SIGKILL)        # no handler, no finally: only the kernel acts
        parent.wait(10)
    finally:
        parent.kill()
    assert _wait_for(lambda: processes_started_with(home) == [], 20)
