"""A run killed with SIGKILL at any point is harmless: no half line, no unit twice, and the
next run gives the corpus of one uninterrupted run. Two runs on one CLEAN never both write.

The kill points are the NEWSCLEAN_TEST_KILL_AT hook of cleaners/run.py (`kill_point`). Runs are
forked from this test process (warmed up by the reference run) so each costs a fraction of a
second; one test goes through `python -m cleaners.run` itself."""
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from crash_fixture import (UNITS, article, assert_each_unit_at_most_once, finish, make_raw,
                           outcome, processes_started_with, run_forked, run_plain, sources,
                           start_forked, summaries, write_config, write_txt)

KILLED = -signal.SIGKILL


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """RAW, its config, and the outcome of one uninterrupted run (run in this process, which
    also loads every stage's models before the forks)."""
    from cleaners.config import load_config
    from cleaners.run import run_local

    root = tmp_path_factory.mktemp("crash")
    raw = make_raw(root)
    config = write_config(root)
    ref = root / "reference"
    run_local(raw, ref, load_config(config))
    assert len(sources(ref)) == UNITS
    return raw, config, outcome(ref)


def assert_no_leftovers(clean):
    assert not list(clean.rglob(".*.tmp-*")), "temporary files left behind"
    assert not (clean / ".work").exists() or not any((clean / ".work").iterdir())


def delete_store(clean):
    for f in (clean / "state").glob("state.sqlite*"):
        f.unlink()


# Kill points (see cleaners.run.kill_point), with batch_size 4 and the feed cut across
# batches 1 and 2: cleaned:2 = during cleaning (batch 2 staged, nothing placed);
# half-placed:1 = batch 1's corpus shard renamed, its rejected/edits shards not; placed:2 =
# batch 2's shards in place, the store not told; committed:1 = batch 1 committed while the feed
# it shares with batch 2 is unfinished; report = everything committed, no report yet.
SCENARIOS = {
    "cleaned": ["cleaned:2"],
    "half-placed": ["half-placed:1"],
    "placed": ["placed:2"],
    "committed": ["committed:1"],
    "report": ["report"],
    "killed twice": ["placed:1", "committed:2"],
    "store deleted after the kill": ["placed:2", delete_store],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_killed_run_then_rerun_equals_the_uninterrupted_run(world, tmp_path, name):
    raw, config, reference = world
    clean = tmp_path / "clean"
    for step in SCENARIOS[name]:
        if callable(step):
            step(clean)
            continue
        assert run_forked(raw, clean, config, kill_at=step) == KILLED
        assert_each_unit_at_most_once(clean)      # also: every shard line parses, no half line
    assert run_forked(raw, clean, config) == 0
    assert_each_unit_at_most_once(clean)
    assert len(sources(clean)) == UNITS
    assert outcome(clean) == reference
    assert_no_leftovers(clean)
    assert run_forked(raw, clean, config) == 0
    assert summaries(clean)[-1]["units"]["new"] == 0        # nothing left to do
    assert outcome(clean) == reference


def test_killed_cli_run_then_cli_rerun(world, tmp_path):
    """The same through `python -m cleaners.run` (its own process, killed mid-commit)."""
    raw, config, reference = world
    clean = tmp_path / "clean"
    base = [sys.executable, "-m", "cleaners.run", str(raw), str(clean), "--config", str(config)]
    env = {**__import__("os").environ, "NEWSCLEAN_TEST_KILL_AT": "placed:2"}
    assert subprocess.run(base, env=env, capture_output=True).returncode == KILLED
    env.pop("NEWSCLEAN_TEST_KILL_AT")
    done = subprocess.run(base, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["units"]["new"] > 0
    assert_each_unit_at_most_once(clean)
    assert outcome(clean) == reference


def test_two_runs_started_together_leave_every_unit_once(world, tmp_path):
    raw, config, reference = world
    clean = tmp_path / "clean"
    pids = [start_forked(raw, clean, config), start_forked(raw, clean, config)]
    codes = sorted(finish(pid) for pid in pids)
    assert codes in ([0, 3], [0, 0])           # [0, 0] only if one had ended before
    assert_each_unit_at_most_once(clean)
    assert outcome(clean) == reference


def test_busy_clean_is_one_line_and_exit_3_from_the_command(world, tmp_path):
    from cleaners import lock

    raw, config, _ = world
    clean = tmp_path / "clean"
    held = lock.acquire(clean)                 # as if a run were going on
    try:
        busy = subprocess.run([sys.executable, "-m", "cleaners.run", str(raw), str(clean),
                               "--config", str(config)], capture_output=True, text=True)
    finally:
        lock.release(held)
    assert busy.returncode == 3
    assert busy.stderr.count("\n") == 1 and "in use by run pid" in busy.stderr
    assert not (clean / "corpus").exists()


def test_second_run_with_wait_runs_after_the_first(world, tmp_path):
    raw, config, reference = world
    clean = tmp_path / "clean"
    first = start_forked(raw, clean, config, kill_at=None)
    second = start_forked(raw, clean, config, wait=True)
    assert finish(first) == 0 and finish(second) == 0
    assert sorted(s["units"]["new"] for s in summaries(clean)) == [0, UNITS]
    assert outcome(clean) == reference


def test_changed_raw_file_replaces_its_old_records(world, tmp_path):
    raw0, config, _ = world
    raw = tmp_path / "raw"
    shutil.copytree(raw0, raw)
    clean = tmp_path / "clean"
    assert run_forked(raw, clean, config) == 0
    # a story rewritten in place, and the feed re-exported with fewer lines, the first edited
    title, body = article(999)
    write_txt(raw / "valley-post" / "item-03.txt", title, body)
    feed = raw / "feeds" / "wire.jsonl"
    lines = feed.read_text().splitlines()
    first = json.loads(lines[0])
    first["text"] = "\n\n".join(article(998)[1])
    feed.write_text("\n".join([json.dumps(first)] + lines[1:4]) + "\n")

    assert run_forked(raw, clean, config, kill_at="placed:1") == KILLED   # and a crash on top
    assert run_forked(raw, clean, config) == 0
    assert_each_unit_at_most_once(clean)
    got = sources(clean)
    assert not {"feeds/wire.jsonl#5", "feeds/wire.jsonl#6", "feeds/wire.jsonl#7"} & set(got)
    assert len(got) == UNITS - 3
    kept = dict(outcome(clean)[0])
    assert kept["valley-post/item-03.txt"] == "\n\n".join(body)
    assert kept["feeds/wire.jsonl#1"] == first["text"]


SITE_CONFIG = """
[boilerplate]
template_min_docs = 3
template_min_share = 0.3
template_body_min_share = 0.3
"""
RECURRING = "The council will discuss the matter again at its next meeting."


def _site_raw(root, batch):
    """Batch 0: 10 articles of one site; batch 1: 4 more, 3 of them with RECURRING."""
    raw = root / "raw"
    for i in range(10 if batch == 0 else 4):
        title, body = article((500 if batch == 0 else 600) + i)
        if batch == 1 and i < 3:
            body = body[:4] + [RECURRING] + body[4:]
        write_txt(raw / "coast-herald" / f"{'ab'[batch]}-{i:02d}.txt", title, body)
    return raw


def test_templates_of_a_killed_run_are_not_counted_twice(world, tmp_path):
    """A line in 3 of 14 articles of a site (share 0.21) is not template; counting the 4 new
    articles twice after a crash would make it 6 of 18 (0.33) and strip it: the ledger of
    counted files (cleaners/template_ledger.py) prevents that."""
    config = write_config(tmp_path, SITE_CONFIG)
    results = {}
    for name, kill in (("straight", None), ("killed", "cleaned:1")):
        root = tmp_path / name
        clean = root / "clean"
        assert run_forked(_site_raw(root, 0), clean, config) == 0
        raw = _site_raw(root, 1)
        if kill:
            assert run_forked(raw, clean, config, kill_at=kill) == KILLED
        assert run_forked(raw, clean, config) == 0
        results[name] = outcome(clean)
    kept = dict(results["straight"][0])
    assert sum(RECURRING in text for text in kept.values()) == 3
    assert results["killed"] == results["straight"]


def kill_processes_of(prefect_home):
    """SIGKILL every process started with this PREFECT_HOME (a killed `newsclean run`'s
    temporary server stops by itself on the parent-death signal, but not at once). Linux /proc."""
    import os

    for pid in processes_started_with(prefect_home):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue


def _newsclean_env(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PREFECT_") and k != "NEWSCLEAN_TEST_KILL_AT"}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               COLUMNS="300")
    return env


def test_newsclean_run_on_a_busy_clean_fails_at_once_in_one_line(world, tmp_path):
    from cleaners import lock

    raw, config, _ = world
    clean = tmp_path / "clean"
    held = lock.acquire(clean)
    try:
        busy = subprocess.run([str(Path(sys.executable).parent / "newsclean"), "run", str(raw),
                               str(clean), "--config", str(config), "--no-progress"],
                              capture_output=True, text=True, env=_newsclean_env(tmp_path))
    finally:
        lock.release(held)
    assert busy.returncode == 3, busy.stderr
    assert busy.stderr.strip().count("\n") == 0 and "in use by run pid" in busy.stderr
    assert "Traceback" not in busy.stderr
    assert "Flow run" not in busy.stdout + busy.stderr     # refused before the flow began
    assert not processes_started_with(tmp_path / "prefect-home")  # its server stopped with it
    assert not (clean / "corpus").exists()


@pytest.mark.prefect
def test_newsclean_run_killed_under_prefect_then_rerun(world, tmp_path):
    """`newsclean run` (Prefect flow, batches as task runs in threads) killed between a batch's
    shards and its commit; the next run gives the uninterrupted corpus."""

    raw, config, reference = world
    clean = tmp_path / "clean"
    cmd = [str(Path(sys.executable).parent / "newsclean"), "run", str(raw), str(clean),
           "--config", str(config), "--no-progress"]
    env = _newsclean_env(tmp_path)
    # output to a file, not a pipe: the orphaned temporary server would keep a pipe open
    with open(tmp_path / "killed.log", "w") as log:
        killed = subprocess.Popen(cmd, env={**env, "NEWSCLEAN_TEST_KILL_AT": "placed:2"},
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert killed.wait(120) == KILLED, (tmp_path / "killed.log").read_text()[-2000:]
    finally:
        kill_processes_of(env["PREFECT_HOME"])   # its temporary Prefect server outlives it
    assert_each_unit_at_most_once(clean)
    again = run_plain(raw, clean, config)        # the recovery is in start_run, shared by both
    assert again.returncode == 0, again.stderr
    assert_each_unit_at_most_once(clean)
    assert outcome(clean) == reference
    assert_no_leftovers(clean)
