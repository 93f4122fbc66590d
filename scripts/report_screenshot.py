"""Screenshot a run's report.html with headless Chromium (Debian's `chromium` package).

    .venv/bin/python scripts/report_screenshot.py CLEAN [OUT.png] [--run RUN] [--height 2000]

Chromium runs with networking, sync and updates off and a throwaway profile; the page needs
no network anyway (self-contained, strict CSP).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cleaners.report import load_report, reports_dir  # noqa: E402

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         "--hide-scrollbars"]


def screenshot(page: Path, out: Path, width: int = 1280, height: int = 2000) -> None:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        raise SystemExit("chromium is not installed (apt-get install -y chromium)")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsclean-chromium-") as profile:
        done = subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                               f"--screenshot={out.resolve()}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0 or not out.is_file():
        raise SystemExit(f"chromium failed ({done.returncode}): {done.stderr[-1500:]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("clean", type=Path)
    ap.add_argument("out", type=Path, nargs="?", default=Path("docs/report.png"))
    ap.add_argument("--run", default="latest")
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=2000)
    args = ap.parse_args(argv)
    run_id = load_report(args.clean, args.run)["run_id"]
    page = reports_dir(args.clean) / run_id / "report.html"
    screenshot(page, args.out, args.width, args.height)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
