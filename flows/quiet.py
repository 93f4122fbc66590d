"""Keep the temporary Prefect server's shutdown noise away from the user.

With no PREFECT_API_URL, Prefect starts a temporary server in a subprocess. When it stops after
a run with many task runs, its event services are cancelled mid-flush and log ERROR records
carrying `asyncio.CancelledError` tracebacks; the flow has already finished, nothing it needed is
lost. We cannot reach into that subprocess, but it reads its logging config from
PREFECT_LOGGING_SETTINGS_PATH. So we derive a config from Prefect's own default file, adding one
filter to the console handler that drops exactly those records (a prefect.server record whose
exception is a CancelledError). Every other record, other server errors included, passes.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from pathlib import Path


class DropShutdownCancellation(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (record.name.startswith("prefect.server") and isinstance(exc, asyncio.CancelledError))


def derived_logging_config() -> str:
    """Prefect's default logging.yml plus our filter on the console handler (YAML text)."""
    import yaml
    from prefect.logging.configuration import DEFAULT_LOGGING_SETTINGS_PATH

    config = yaml.safe_load(Path(DEFAULT_LOGGING_SETTINGS_PATH).read_text())
    config.setdefault("filters", {})["drop_shutdown_cancellation"] = {
        "()": f"{__name__}.DropShutdownCancellation"}
    console = config["handlers"]["console"]
    console["filters"] = sorted(set(console.get("filters", [])) | {"drop_shutdown_cancellation"})
    return yaml.safe_dump(config, sort_keys=False)


def quiet_server_shutdown() -> None:
    """Point this process's (and its server subprocess's) Prefect logging at the derived config.

    A user's own PREFECT_LOGGING_SETTINGS_PATH is respected and left alone."""
    if os.environ.get("PREFECT_LOGGING_SETTINGS_PATH"):
        return
    text = derived_logging_config()
    digest = hashlib.sha1(text.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"newsclean-prefect-logging-{digest}.yml"
    if not path.exists():
        tmp = path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(text)
        os.replace(tmp, path)
    os.environ["PREFECT_LOGGING_SETTINGS_PATH"] = str(path)
    from prefect.logging.configuration import setup_logging

    setup_logging(incremental=False)
