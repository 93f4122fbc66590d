"""The speed and memory benchmarks of issue 9 (`make bench`); figures to benchmarks/results/bench.json.

    .venv/bin/python -m benchmarks.run [--docs 10000] [--mem-docs 50000] [--html-pages 1000]
                                       [--only throughput,overhead,memory,html] [--work DIR]

On one generated corpus (benchmarks/corpus.py: invented ~2.5 KB articles with site chrome and
artifacts), timed in the same run:

  throughput  the naive loop a user would write (per document ftfy.fix_text + langdetect.detect,
              one process) against the whole `newsclean run` (Prefect flow, every stage, the
              report); target: newsclean >= 3x faster
  overhead    `python -m cleaners.run --workers N` (the same run without Prefect, with the same
              number of worker processes) against `newsclean run`: Prefect's share of the wall
              time; target <= 10%. Also checks the two corpora are identical.
  memory      peak RSS of `newsclean run` on --docs and on --mem-docs documents (the flow's own
              process, and the whole process tree: workers and Prefect's temporary server);
              target: within 20% of each other
  html        pages per second of newsclean's HTML reader/extractor against trafilatura.extract
              on the same generated pages (one process each, best of 3 interleaved rounds), with
              how much of the article body each kept and how much page chrome came along

Wall times on a shared machine move with its load: the load average is recorded beside them.
Prefect runs with a temporary server (no PREFECT_API_URL), as a first `newsclean run` does,
after an untimed small run that has created Prefect's database (a once-per-machine cost).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.corpus import Generator, write_corpus

RESULTS = Path(__file__).parent / "results" / "bench.json"
BIN = Path(sys.executable).parent
SECTIONS = ("throughput", "overhead", "memory", "html")
HTML_ROUNDS = 3


# ---- measuring a command ---------------------------------------------------------------------
class PeakRSS(threading.Thread):
    """Samples a process and its descendants every `every` seconds: peak RSS of the process
    itself and of the whole tree (MB)."""

    def __init__(self, pid: int, every: float = 0.1):
        super().__init__(daemon=True)
        import psutil

        self.proc = psutil.Process(pid)
        self.every = every
        self.main_mb = self.tree_mb = 0.0
        self._done = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._done.is_set():
            try:
                main = self.proc.memory_info().rss
                tree = main
                for child in self.proc.children(recursive=True):
                    try:
                        tree += child.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.main_mb = max(self.main_mb, main / 2**20)
            self.tree_mb = max(self.tree_mb, tree / 2**20)
            self._done.wait(self.every)

    def stop(self) -> None:
        self._done.set()
        self.join()


def run_command(cmd: list[str], log: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run cmd to completion with its output in `log`; wall seconds, peak RSS, load average."""
    load = os.getloadavg()[0]
    before = _children_cpu()
    started = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env or os.environ.copy())
        sampler = PeakRSS(proc.pid)
        sampler.start()
        code = proc.wait()
    wall = time.perf_counter() - started
    sampler.stop()
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {code}; see {log}:\n{log.read_text()[-3000:]}")
    return {"wall_s": round(wall, 2), "cpu_s": round(_children_cpu() - before, 2),
            "peak_rss_main_mb": round(sampler.main_mb, 1),
            "peak_rss_tree_mb": round(sampler.tree_mb, 1), "load_before": round(load, 2)}


def _children_cpu() -> float:
    """User + system seconds of every finished descendant (workers and servers included, once
    their parents have waited for them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def prefect_env() -> dict[str, str]:
    """The environment of a first `newsclean run`: no server configured, so a temporary one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    env.setdefault("PREFECT_HOME", str(Path.home() / ".prefect"))
    return env


def newsclean_run(raw: Path, clean: Path, log: Path, runner: str = "auto",
                  api_url: str | None = None) -> dict[str, Any]:
    shutil.rmtree(clean, ignore_errors=True)
    env = prefect_env() | ({"PREFECT_API_URL": api_url} if api_url else {})
    fig = run_command([str(BIN / "newsclean"), "run", str(raw), str(clean), "--no-progress",
                       "--runner", runner], log, env)
    return fig | _report_figures(clean)


def prefect_warm_up(work: Path, seed: int) -> float:
    """Wall seconds of a small `newsclean run`. A machine's first Prefect run creates and
    migrates the database under PREFECT_HOME (~6 s, once per machine): measured here, it stays
    out of the timed runs, which are what every later (scheduled) run costs."""
    raw = corpus(work, 20, seed)
    return newsclean_run(raw, work / "clean-warm-up", work / "warm-up.log")["wall_s"]


class PrefectServer:
    """A `prefect server start` of the bench's own (own PREFECT_HOME), for the runs that talk to
    a server already up, as `newsclean serve` or a team server would."""

    def __init__(self, work: Path):
        self.home, self.log = work / "prefect-home", work / "prefect-server.log"
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def __enter__(self) -> "PrefectServer":
        import socket
        import urllib.request

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = prefect_env() | {"PREFECT_HOME": str(self.home)}
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                                          "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
        self.url = f"http://127.0.0.1:{port}/api"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
            if self.proc.poll() is not None:
                break
        self.__exit__()
        raise RuntimeError(f"the Prefect server did not come up; see {self.log}")

    def __exit__(self, *exc: Any) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def local_run(raw: Path, clean: Path, log: Path, workers: int) -> dict[str, Any]:
    shutil.rmtree(clean, ignore_errors=True)
    fig = run_command([sys.executable, "-m", "cleaners.run", str(raw), str(clean),
                       "--workers", str(workers)], log)
    return fig | _report_figures(clean)


def _report_figures(clean: Path) -> dict[str, Any]:
    report = json.loads(next((clean / "reports").glob("*/report.json")).read_text())
    return {"runner": report.get("runner"), "units": report.get("units"),
            "steps_s": (report.get("timings") or {}).get("steps"),
            "stage_s": {k: round(v["seconds"], 2)
                        for k, v in ((report.get("timings") or {}).get("stages") or {}).items()}}


def workers_of(runner: str | None) -> int:
    """Worker processes a runner description names ("prefect/process:2" -> 2; thread -> 1)."""
    m = re.search(r"process:(\d+)", runner or "")
    return int(m.group(1)) if m else 1


def corpus_digest(clean: Path) -> dict[str, str]:
    """id -> the record as JSON, over corpus/ and rejected/ (what must not depend on the runner)."""
    out = {}
    for sub in ("corpus", "rejected"):
        for shard in sorted((clean / sub).glob("*.jsonl")):
            for line in shard.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    rec = json.loads(line)
                    out[f"{sub}/{rec['id']}"] = json.dumps(rec, sort_keys=True)
    return out


# ---- the naive loop ---------------------------------------------------------------------------
def naive_loop(raw: Path) -> dict[str, Any]:
    """What a user writes first: every file through ftfy.fix_text and langdetect.detect."""
    import ftfy
    import langdetect
    from langdetect.lang_detect_exception import LangDetectException

    files = sorted(raw.rglob("*.txt"))
    langdetect.DetectorFactory.seed = 0
    langdetect.detect("load the profiles before the clock starts")
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    langs: dict[str, int] = {}
    for path in files:
        text = ftfy.fix_text(path.read_text(encoding="utf-8", errors="replace"))
        try:
            lang = langdetect.detect(text)
        except LangDetectException:
            lang = "unknown"
        langs[lang] = langs.get(lang, 0) + 1
    wall = time.perf_counter() - started
    return {"docs": len(files), "wall_s": round(wall, 2), "cpu_s": round(time.process_time() - cpu, 2),
            "docs_per_s": round(len(files) / wall, 1), "load_before": round(load, 2),
            "languages": dict(sorted(langs.items(), key=lambda kv: -kv[1])[:5])}


# ---- html --------------------------------------------------------------------------------------
def html_bench(work: Path, pages: int, seed: int) -> dict[str, Any]:
    raw = work / f"html-{pages}"
    if not raw.exists():
        write_corpus(raw, pages, seed=seed, html=True)
    files = sorted(raw.rglob("*.html"))
    truth = _html_truth(files, seed)
    extractors = (_newsclean_extract(raw), _trafilatura_extract())
    ours = theirs = None
    for _ in range(HTML_ROUNDS):     # interleaved rounds, best of each: a busy machine's noise
        rounds = [_time_extractor(files, extract) for extract in extractors]
        ours = min(ours or rounds[0], rounds[0], key=lambda fig: fig["wall_s"])
        theirs = min(theirs or rounds[1], rounds[1], key=lambda fig: fig["wall_s"])
    for fig in (ours, theirs):
        fig.update(_html_accuracy(fig.pop("texts"), files, truth))
    return {"pages": len(files), "kb_per_page": round(sum(f.stat().st_size for f in files) / len(files) / 1024, 1),
            "newsclean": ours, "trafilatura": theirs,
            "speed_ratio": round(ours["pages_per_s"] / theirs["pages_per_s"], 2) if theirs["pages_per_s"] else None}


def _newsclean_extract(raw: Path):
    from cleaners.config import ReadConfig
    from cleaners.readers import WorkItem, read_item

    cfg = ReadConfig()

    def extract(path: Path) -> str:
        unit = next(read_item(raw, WorkItem(path.relative_to(raw).as_posix()), cfg))
        paragraphs = getattr(unit, "paragraphs", None)
        if paragraphs:
            return "\n\n".join(p.text for p in paragraphs)
        return getattr(unit, "raw_text", None) or getattr(unit, "text", "") or ""
    return extract


def _trafilatura_extract():
    import trafilatura

    def extract(path: Path) -> str:
        return trafilatura.extract(path.read_bytes()) or ""
    return extract


def _time_extractor(files: list[Path], extract) -> dict[str, Any]:
    extract(files[0])                         # imports and one-time loads before the clock
    load = os.getloadavg()[0]
    started = time.perf_counter()
    texts = [extract(f) for f in files]
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 2), "pages_per_s": round(len(files) / wall, 1),
            "load_before": round(load, 2), "texts": texts}


def _html_truth(files: list[Path], seed: int) -> dict[str, tuple[list[str], list[str]]]:
    """slug -> (body paragraphs, chrome lines) of each generated page."""
    gen = Generator(seed)
    wanted = {f.stem for f in files}
    truth = {}
    i = 0
    while len(truth) < len(wanted):
        art = gen.article(i)
        i += 1
        if art.slug not in wanted:
            continue
        chrome = [*art.related, *art.footer, "Log in to join the discussion.", *art.inserts.values()]
        truth[art.slug] = (art.paragraphs, chrome)
    return truth


def _squash(text: str) -> str:
    return " ".join(text.split())


def _html_accuracy(texts: list[str], files: list[Path], truth) -> dict[str, Any]:
    body_found = body_all = chrome_found = chrome_all = 0
    for path, text in zip(files, texts):
        flat = _squash(text)
        body, chrome = truth[path.stem]
        body_all += len(body)
        body_found += sum(_squash(p) in flat for p in body)
        chrome_all += len(chrome)
        chrome_found += sum(_squash(c) in flat for c in chrome)
    return {"body_paragraphs_kept": round(body_found / max(1, body_all), 3),
            "chrome_lines_kept": round(chrome_found / max(1, chrome_all), 3)}


# ---- the benchmark -------------------------------------------------------------------------------
def corpus(work: Path, docs: int, seed: int) -> Path:
    raw = work / f"raw-{docs}"
    if not raw.exists():
        tmp = work / f".raw-{docs}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        write_corpus(tmp, docs, seed=seed)
        tmp.rename(raw)
    return raw


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10_000, help="articles for throughput and overhead")
    ap.add_argument("--mem-docs", type=int, default=50_000, help="the larger corpus of the memory check")
    ap.add_argument("--html-pages", type=int, default=1000)
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma-separated: " + ",".join(SECTIONS))
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsclean-bench"),
                    help="corpora and outputs (generated corpora are reused)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-server", dest="server", action="store_false",
                    help="overhead: skip the run against a Prefect server already up (as "
                         "`newsclean serve` or a team server has it)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        ap.error(f"--only: unknown {sorted(unknown)}")
    if "html" in only and importlib.util.find_spec("trafilatura") is None:
        # checked first: finding out after the long sections would lose them
        ap.error("html: trafilatura is not installed; `make bench` installs the bench extra")
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform(), "load_at_start": round(os.getloadavg()[0], 2)},
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "args": {"docs": args.docs, "mem_docs": args.mem_docs, "html_pages": args.html_pages},
    }
    started = time.perf_counter()
    raw = corpus(args.work, args.docs, args.seed) if only & {"throughput", "overhead", "memory"} else None
    if raw:
        files = list(raw.rglob("*.txt"))
        results["corpus"] = {"docs": len(files),
                             "kb_per_doc": round(sum(f.stat().st_size for f in files) / len(files) / 1024, 2)}
    flow_run = None
    if only & {"throughput", "overhead", "memory"}:
        _say("newsclean run on 20 documents, untimed: Prefect's database is ready before the clock")
        results["prefect_warm_up_s"] = prefect_warm_up(args.work, args.seed)
        _say(f"newsclean run on {args.docs} documents")
        flow_run = newsclean_run(raw, args.work / f"clean-{args.docs}", args.work / f"newsclean-{args.docs}.log")
        flow_run["docs_per_s"] = round(args.docs / flow_run["wall_s"], 1)
    if "throughput" in only:
        _say(f"naive loop (ftfy.fix_text + langdetect.detect) on {args.docs} documents")
        naive = naive_loop(raw)
        results["throughput"] = {
            "naive_loop": naive, "newsclean_run": flow_run,
            "ratio": round(naive["wall_s"] / flow_run["wall_s"], 2),
            "target": "newsclean run >= 3x faster than the naive loop"}
    save(results, args.out, started)   # a section that fails later loses nothing
    if "overhead" in only:
        workers = workers_of(flow_run.get("runner"))
        _say(f"python -m cleaners.run --workers {workers} on {args.docs} documents")
        local = local_run(raw, args.work / f"local-{args.docs}", args.work / f"local-{args.docs}.log", workers)
        same = corpus_digest(args.work / f"local-{args.docs}") == corpus_digest(args.work / f"clean-{args.docs}")
        results["overhead"] = {
            "without_prefect": local, "newsclean_run_wall_s": flow_run["wall_s"],
            "prefect_seconds": round(flow_run["wall_s"] - local["wall_s"], 2),
            "prefect_share": round((flow_run["wall_s"] - local["wall_s"]) / flow_run["wall_s"], 3),
            "prefect_cpu_share": round((flow_run["cpu_s"] - local["cpu_s"]) / flow_run["cpu_s"], 3),
            "same_corpus": same, "target": "Prefect's share of the wall time <= 0.10"}
        if args.server:
            _say(f"newsclean run on {args.docs} documents against a Prefect server already up")
            with PrefectServer(args.work) as server:
                served = newsclean_run(raw, args.work / f"served-{args.docs}",
                                       args.work / f"served-{args.docs}.log", api_url=server.url)
            results["overhead"]["with_running_server"] = {
                "newsclean_run": served,
                "prefect_share": round((served["wall_s"] - local["wall_s"]) / served["wall_s"], 3),
                "prefect_cpu_share": round((served["cpu_s"] - local["cpu_s"]) / served["cpu_s"], 3)}
            if "throughput" in results:     # the scheduled case: no temporary server to boot
                results["throughput"]["ratio_with_running_server"] = round(
                    results["throughput"]["naive_loop"]["wall_s"] / served["wall_s"], 2)
    save(results, args.out, started)
    if "memory" in only:
        big = corpus(args.work, args.mem_docs, args.seed)
        _say(f"newsclean run on {args.mem_docs} documents")
        large = newsclean_run(big, args.work / f"clean-{args.mem_docs}", args.work / f"newsclean-{args.mem_docs}.log")
        large["docs_per_s"] = round(args.mem_docs / large["wall_s"], 1)
        small = {k: flow_run[k] for k in ("peak_rss_main_mb", "peak_rss_tree_mb", "wall_s")}
        results["memory"] = {
            "docs": [args.docs, args.mem_docs], "small": small,
            "large": {k: large[k] for k in ("peak_rss_main_mb", "peak_rss_tree_mb", "wall_s", "docs_per_s")},
            "growth_main": round(large["peak_rss_main_mb"] / small["peak_rss_main_mb"] - 1, 3),
            "growth_tree": round(large["peak_rss_tree_mb"] / small["peak_rss_tree_mb"] - 1, 3),
            "target": "peak RSS of the larger run within 20% of the smaller"}
    save(results, args.out, started)
    if "html" in only:
        _say(f"HTML: {args.html_pages} pages, newsclean's extractor and trafilatura.extract")
        results["html"] = html_bench(args.work, args.html_pages, args.seed)
    save(results, args.out, started)
    print(summary(results))
    print(f"figures in {args.out}")
    return 0


def save(results: dict[str, Any], out: Path, started: float) -> None:
    results["bench_seconds"] = round(time.perf_counter() - started, 1)
    results["machine"]["load_at_end"] = round(os.getloadavg()[0], 2)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def _say(what: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {what}", flush=True)


def summary(r: dict[str, Any]) -> str:
    lines = []
    if "throughput" in r:
        t = r["throughput"]
        lines.append(f"throughput: newsclean run {t['newsclean_run']['wall_s']} s "
                     f"({t['newsclean_run']['docs_per_s']} docs/s, {t['newsclean_run']['runner']}) vs naive loop "
                     f"{t['naive_loop']['wall_s']} s ({t['naive_loop']['docs_per_s']} docs/s): {t['ratio']}x"
                     + (f" ({t['ratio_with_running_server']}x against a Prefect server already up)"
                        if "ratio_with_running_server" in t else ""))
    if "overhead" in r:
        o = r["overhead"]
        lines.append(f"prefect overhead: {o['prefect_seconds']} s of {o['newsclean_run_wall_s']} s = "
                     f"{o['prefect_share']:.1%} of wall, {o['prefect_cpu_share']:.1%} of CPU (without "
                     f"Prefect {o['without_prefect']['wall_s']} s); same corpus: {o['same_corpus']}")
        if "with_running_server" in o:
            w = o["with_running_server"]
            lines.append(f"  against a server already up: {w['newsclean_run']['wall_s']} s, Prefect "
                         f"{w['prefect_share']:.1%} of wall, {w['prefect_cpu_share']:.1%} of CPU")
    if "memory" in r:
        m = r["memory"]
        lines.append(f"memory: peak RSS {m['docs'][0]} vs {m['docs'][1]} docs: flow process "
                     f"{m['small']['peak_rss_main_mb']} vs {m['large']['peak_rss_main_mb']} MB "
                     f"({m['growth_main']:+.1%}), process tree {m['small']['peak_rss_tree_mb']} vs "
                     f"{m['large']['peak_rss_tree_mb']} MB ({m['growth_tree']:+.1%})")
    if "html" in r:
        h = r["html"]
        lines.append(f"html: newsclean {h['newsclean']['pages_per_s']} pages/s vs trafilatura "
                     f"{h['trafilatura']['pages_per_s']} pages/s ({h['speed_ratio']}x); body kept "
                     f"{h['newsclean']['body_paragraphs_kept']:.1%} vs {h['trafilatura']['body_paragraphs_kept']:.1%}, "
                     f"chrome kept {h['newsclean']['chrome_lines_kept']:.1%} vs "
                     f"{h['trafilatura']['chrome_lines_kept']:.1%}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
