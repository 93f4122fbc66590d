"""`newsclean serve --interval` against a real local `prefect server start` (SQLite in a
temporary PREFECT_HOME, a free port on 127.0.0.1): scheduled runs land and complete, SIGTERM and
Ctrl-C end serving cleanly, and a restarted serve runs again (no run left holding the slot)."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from crash_fixture import UNITS, assert_each_unit_at_most_once, make_raw, sources

pytestmark = pytest.mark.prefect

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(proc: subprocess.Popen, sig=signal.SIGTERM, timeout: float = 20) -> None:
    """Stop a process started in its own session, and everything it started."""
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("prefect")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(root / "home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_LOGGING_LEVEL="INFO")
    port = free_port()
    log = open(root / "server.log", "w")
    proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, (root / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "prefect server did not start in 90 s"
            time.sleep(0.5)
        yield url, {**env, "PREFECT_API_URL": url}
    finally:
        stop_group(proc)
        log.close()


def flow_runs(url: str) -> list[dict]:
    response = httpx.post(url + "/flow_runs/filter", json={"limit": 200}, timeout=10)
    response.raise_for_status()
    return response.json()


def count(runs, state_type):
    return sum(r["state_type"] == state_type for r in runs)


def serve(raw, clean, env, log_path):
    log = open(log_path, "w")
    proc = subprocess.Popen([str(BIN / "newsclean"), "serve", str(raw), str(clean), "--interval", "5"],
                            env={**env, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    return proc, log


def wait_for_completed(url, proc, log_path, at_least, timeout=180):
    deadline = time.monotonic() + timeout
    while count(flow_runs(url), "COMPLETED") < at_least:
        assert proc.poll() is None, Path(log_path).read_text()[-3000:]
        assert time.monotonic() < deadline, Path(log_path).read_text()[-3000:]
        time.sleep(1)


def stop_serving(proc, log, sig):
    os.kill(proc.pid, sig)              # to serve itself, as a terminal or systemd would
    try:
        code = proc.wait(30)
    finally:
        stop_group(proc, signal.SIGKILL)   # whatever is left of its flow-run subprocesses
        log.close()
    return code


def test_serve_lands_scheduled_runs_and_stops_cleanly(server, tmp_path):
    url, env = server
    raw = make_raw(tmp_path)
    clean = tmp_path / "clean"

    proc, log = serve(raw, clean, env, tmp_path / "serve-1.log")
    wait_for_completed(url, proc, tmp_path / "serve-1.log", at_least=2)
    assert stop_serving(proc, log, signal.SIGTERM) == 0
    out = (tmp_path / "serve-1.log").read_text()
    assert "Traceback" not in out and "Error" not in out
    runs = flow_runs(url)
    assert {r["state_type"] for r in runs} <= {"SCHEDULED", "COMPLETED", "CANCELLED", "CRASHED", "PENDING"}
    assert count(runs, "FAILED") == 0
    # one run at a time: runs that fired while one was going were cancelled, never doubled
    cancelled = [r for r in runs if r["state_type"] == "CANCELLED"]
    assert all("concurrency" in (r["state"]["message"] or "").lower() for r in cancelled)
    assert_each_unit_at_most_once(clean)
    assert len(sources(clean)) == UNITS
    assert len(list((clean / "reports").iterdir())) >= 2

    # serving again works (nothing holds the deployment's slot), and Ctrl-C ends it
    done_before = count(runs, "COMPLETED")
    proc, log = serve(raw, clean, env, tmp_path / "serve-2.log")
    wait_for_completed(url, proc, tmp_path / "serve-2.log", at_least=done_before + 1)
    assert stop_serving(proc, log, signal.SIGINT) == 0
    assert "Traceback" not in (tmp_path / "serve-2.log").read_text()
    assert_each_unit_at_most_once(clean)
