"""The temporary Prefect server of a `newsclean run` with no PREFECT_API_URL, started early.

Left to itself, Prefect starts a temporary server when the flow begins: after this process has
imported Prefect and the cleaners (~3 s), and it then waits for the server to boot (~5 s), one
after the other. Started here instead, as soon as the arguments are checked, the server boots on
the other core while this process imports, and the flow finds it up: about 4 s less per run.
It is the same kind of server, started the way Prefect starts its own (uvicorn on Prefect's app
factory, ephemeral: no UI, no background services; the same PREFECT_HOME database), and it
stops when the run ends.

With PREFECT_API_URL set (a server already up, as `newsclean serve` needs) nothing is started.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import tomllib
import urllib.request
from pathlib import Path

STARTUP_TIMEOUT = 120.0     # seconds; a first start migrates a new database


class ServerStartError(RuntimeError):
    """The temporary server did not come up; one line for the user."""


class TemporaryServer:
    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> "TemporaryServer":
        """Launch the server (it boots while the caller goes on); `settings()` points Prefect at it."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        # The command Prefect's own temporary server runs (SubprocessASGIServer): uvicorn on
        # Prefect's app factory, ephemeral (no UI, no services). `prefect server start` would
        # first load Prefect's command line (~0.7 s of CPU more, while this run waits for it).
        import importlib.util

        app_dir = Path(importlib.util.find_spec("prefect").origin).parent.parent
        cmd = [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
               "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "error", "--lifespan", "on"]
        env = os.environ | {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                            "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        # output to nowhere: a server that outlives a killed run must not hold the caller's pipe
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env, preexec_fn=_die_with_parent())
        self.url = f"http://127.0.0.1:{port}/api"
        return self

    def settings(self):
        """Wait until the server answers; then the Prefect settings context that uses it."""
        from prefect.settings import PREFECT_API_URL, temporary_settings

        self.wait_ready()
        return temporary_settings(updates={PREFECT_API_URL: self.url})

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise ServerStartError("the temporary Prefect server exited while starting "
                                       "(try `prefect server start` by hand to see why)")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise ServerStartError(f"the temporary Prefect server did not answer within {timeout:g} s")

    def stop(self) -> None:
        _deliver_prefect_messages()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


PR_SET_PDEATHSIG = 1     # linux/prctl.h


def _die_with_parent():
    """On Linux, a function for Popen's preexec_fn asking the kernel to send the server SIGTERM
    when this process dies, however it dies (SIGKILL, a crash, an OOM kill): a killed run must
    not leave a server running on its own. Elsewhere None (a killed run's server stays up).
    Called in the child between fork and exec, before this process has started any thread."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _deliver_prefect_messages(timeout: float = 15.0) -> None:
    """Send the run's last logs and events while the server is still up. Prefect sends them at
    interpreter exit, when this server would be gone, and retries for a minute."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout)


def needed() -> bool:
    """True when this run has no Prefect server to talk to (no PREFECT_API_URL in the
    environment or the active Prefect profile), so Prefect would start a temporary one."""
    if os.environ.get("PREFECT_API_URL"):
        return False
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    try:
        profiles = tomllib.loads((home / "profiles.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return True
    active = os.environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    return not (profiles.get("profiles", {}).get(active) or {}).get("PREFECT_API_URL")
