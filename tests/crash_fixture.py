"""An invented raw folder for the crash, lock and serve tests: three sites, a wire feed that the
batching cuts across two batches, a near-copy, rejects of several kinds. All text is generated
from the word lists below (no real articles)."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

SUBJECTS = ["The harbour board", "A group of teachers", "The county council", "Local farmers",
            "The new ferry operator", "Volunteers from the library", "The regional hospital",
            "Two engineers", "The fishing cooperative", "A panel of judges", "The water utility",
            "Residents of the old quarter", "The museum director", "Shop owners", "The police"]
VERBS = ["approved", "questioned", "delayed", "welcomed", "announced", "rejected", "reviewed",
         "funded", "criticised", "defended", "postponed", "inspected", "celebrated", "planned"]
OBJECTS = ["a plan for the northern pier", "the budget for road repairs", "a summer reading scheme",
           "the timetable for winter crossings", "a study of the river banks",
           "new rules for street markets", "the expansion of the clinic", "a bid for a sports hall",
           "the closure of the night bus", "a survey of the old mill", "plans for a cycle path",
           "the price of school meals", "a grant for the harbour wall", "the choir's tour"]
CLAUSES = ["after a long meeting on Tuesday", "despite objections from neighbours",
           "because costs had risen sharply", "while the weather stayed dry", "before the holidays",
           "as part of a wider review", "following complaints last spring",
           "although details are still unclear", "with support from two charities",
           "once the inspectors had finished", "after months of debate in the town hall"]
TAILS = ["Officials said more information would follow next week.",
         "Several people at the meeting asked for a public vote.",
         "The decision can still be appealed within thirty days.",
         "A spokesperson declined to give a timetable for the work.",
         "Critics say the money would be better spent elsewhere.",
         "Supporters hope the change will bring visitors back to the town.",
         "The figures will be published in the annual report."]


def sentence(rng: random.Random) -> str:
    return (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"{rng.choice(CLAUSES)}.")


def article(seed: int, paragraphs: int = 7) -> tuple[str, list[str]]:
    """A title and body paragraphs (about 200 words) of an invented local news story."""
    rng = random.Random(seed)
    title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    body = [" ".join([sentence(rng), sentence(rng), rng.choice(TAILS)]) for _ in range(paragraphs)]
    return title, body


def write_txt(path: Path, title: str, body: list[str], header: list[str] = (),
              footer: list[str] = ()) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join([*header, title, *body, *footer]) + "\n", encoding="utf-8")


def make_raw(root: Path) -> Path:
    """18 units: 6 + 4 .txt articles on two sites, a 7-line feed (a near-copy, a too-short text,
    a malformed line), an image. With batch_size 4 the feed is cut across batches 1 and 2."""
    raw = root / "raw"
    for i in range(6):
        title, body = article(100 + i)
        write_txt(raw / "harbour-gazette" / f"story-{i + 1:02d}.txt", title, body,
                  header=["Harbour Gazette | Local news since 1921"],
                  footer=["Share this story: Facebook | Twitter | Email",
                          "Copyright Harbour Gazette. All rights reserved."])
    for i in range(4):
        title, body = article(200 + i)
        write_txt(raw / "valley-post" / f"item-{i + 1:02d}.txt", title, body)
    lines = []
    for i in range(4):
        title, body = article(300 + i)
        lines.append({"url": f"https://wire.example.org/story/{i}", "title": title,
                      "text": "\n\n".join(body)})
    copy_title, copy_body = article(101)             # harbour-gazette/story-02, lightly edited
    lines.append({"url": "https://wire.example.org/story/copy", "title": copy_title,
                  "text": "\n\n".join(copy_body + ["This report first appeared in a local paper."])})
    lines.append({"url": "https://wire.example.org/story/short", "text": "Council meets today."})
    feed = raw / "feeds" / "wire.jsonl"
    feed.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(json.dumps(rec) for rec in lines[:5])
    feed.write_text(text + "\n{\"url\": \"https://wire.example.org/broken\", \"text\": \"cut off\n"
                    + json.dumps(lines[5]) + "\n", encoding="utf-8")
    (raw / "misc").mkdir(parents=True, exist_ok=True)
    (raw / "misc" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return raw


UNITS = 18

CONFIG = """
[run]
batch_size = 4
"""


def write_config(root: Path, extra: str = "") -> Path:
    path = root / "newsclean.toml"
    path.write_text(CONFIG + extra, encoding="utf-8")
    return path


# ---- reading CLEAN ----------------------------------------------------------------------------
def records(clean: Path, sub: str) -> list[dict]:
    out = []
    for shard in sorted((clean / sub).glob("*.jsonl")):
        for line in shard.read_text(encoding="utf-8").splitlines():
            out.append(json.loads(line))        # a half-written line would fail here
    return out


def outcome(clean: Path) -> tuple[frozenset, frozenset]:
    """What must equal an uninterrupted run: (source, text) kept, (source, reason kinds) dropped."""
    kept = frozenset((r["source"], r["text"]) for r in records(clean, "corpus"))
    dropped = frozenset((r["source"], tuple(sorted(x.split(":", 1)[0] for x in r["reasons"])))
                        for r in records(clean, "rejected"))
    return kept, dropped


def sources(clean: Path) -> list[str]:
    return [r["source"] for sub in ("corpus", "rejected") for r in records(clean, sub)]


def assert_each_unit_at_most_once(clean: Path) -> None:
    seen = sources(clean)
    twice = sorted({s for s in seen if seen.count(s) > 1})
    assert not twice, f"units written twice: {twice}"
    for sub in ("corpus", "rejected", "edits"):
        folder = clean / sub
        if folder.is_dir():
            edit_ids = [r["source"] for r in records(clean, sub)]
            assert len(edit_ids) == len(set(edit_ids)), f"{sub}: a unit twice"


def run_plain(raw: Path, clean: Path, config: Path, kill_at: str | None = None,
              extra_args: tuple = (), timeout: float = 120) -> subprocess.CompletedProcess:
    """`python -m cleaners.run` in a subprocess (optionally killed at a named point)."""
    import os

    env = dict(os.environ)
    env.pop("NEWSCLEAN_TEST_KILL_AT", None)
    if kill_at:
        env["NEWSCLEAN_TEST_KILL_AT"] = kill_at
    return subprocess.run([sys.executable, "-m", "cleaners.run", str(raw), str(clean),
                           "--config", str(config), *extra_args],
                          env=env, capture_output=True, text=True, timeout=timeout)


def start_forked(raw: Path, clean: Path, config: Path, kill_at: str | None = None,
                 wait: bool = False) -> int:
    """Start one run in a forked child of this (already warmed-up) process: the code path of
    `python -m cleaners.run` without paying interpreter start-up and model loading each time.
    Returns the child's pid (see `finish`); its summary goes to <CLEAN>.summary-<pid>.json."""
    import os
    import traceback

    from cleaners.config import load_config
    from cleaners.lock import LockBusy
    from cleaners.run import run_local

    pid = os.fork()
    if pid:
        return pid
    code = 1                                        # the child: never returns into pytest
    try:
        os.environ.pop("NEWSCLEAN_TEST_KILL_AT", None)
        if kill_at:
            os.environ["NEWSCLEAN_TEST_KILL_AT"] = kill_at
        summary = run_local(raw, clean, load_config(config), wait=wait)
        (clean.parent / f"{clean.name}.summary-{os.getpid()}.json").write_text(json.dumps(summary))
        code = 0
    except LockBusy:
        code = 3
    except BaseException:                           # noqa: BLE001 - report, then exit
        traceback.print_exc()
    finally:
        os._exit(code)


def finish(pid: int) -> int:
    """The exit code of a forked run (-9: killed by SIGKILL)."""
    import os

    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def run_forked(raw: Path, clean: Path, config: Path, kill_at: str | None = None,
               wait: bool = False) -> int:
    return finish(start_forked(raw, clean, config, kill_at, wait))


def summaries(clean: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(clean.parent.glob(f"{clean.name}.summary-*.json"))]



def processes_started_with(prefect_home) -> list[int]:
    """Pids of the processes (other than this one) whose environment has this PREFECT_HOME:
    a run's temporary Prefect server and workers. Linux /proc."""
    import os

    needle = f"PREFECT_HOME={prefect_home}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "environ").read_bytes().split(b"\0"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found
