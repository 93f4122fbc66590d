"""Red-team kits: the shared dev kit's generator with wording and articles it has never seen.

    python -m benchmarks.redteam.run [--shared ../shared] [--seeds 31 32] [--vocab vocab_3 ...] [--show]

The dev kit (../shared/eval) dresses its base articles in one vocabulary of boilerplate. A
hidden set uses other wording and other articles, so this builds kits with the vocabularies
here (`vocab_*.py`: the same families in other phrasings, other languages' page furniture, and
wording no phrase list is likely to hold) over the dev base articles plus the invented ones in
`base/` (an interview in questions and answers, team sheets, a key-points box, captions and
labels given as examples...). Each kit is cleaned without Prefect and scored with the shared
scorer; `--show` lists every boilerplate line left, body paragraph lost and title missed.

Needs ../shared (the generator and the scorer), which only the project's machines have: it is a
measurement, not a test.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
FIGURES = ("shingle_f1", "boilerplate_left_rate", "paragraph_exact_rate", "artifact_fix_rate",
           "title_accuracy", "date_accuracy", "lang_accuracy", "dedup_precision", "dedup_recall",
           "articles_wrongly_rejected")


def vocabularies(shared: Path) -> list[Path]:
    return [shared / "eval" / "vocab_dev.py", *sorted(HERE.glob("vocab_*.py"))]


def build_kit(shared: Path, vocab: Path, seed: int, work: Path) -> Path:
    base = work / "base"
    if not base.exists():
        base.mkdir(parents=True)
        for src in [*(shared / "eval" / "base").glob("*.txt"), *(HERE / "base").glob("*.txt")]:
            shutil.copy(src, base / src.name)
    kit = work / f"{vocab.stem}-{seed}"
    shutil.rmtree(kit, ignore_errors=True)
    subprocess.run([sys.executable, str(shared / "eval" / "inject.py"), "--base", str(base),
                    "--vocab", str(vocab), "--out", str(kit), "--seed", str(seed), "--bad"],
                   check=True, capture_output=True)
    return kit


def clean_and_score(shared: Path, kit: Path) -> dict:
    from cleaners.run import run_local

    clean = kit / "clean"
    run_local(kit / "raw", clean)
    out = subprocess.run([sys.executable, str(shared / "eval" / "score.py"), str(kit / "gold.jsonl"),
                          str(clean)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def misses(shared: Path, kit: Path) -> list[str]:
    """Boilerplate left, body paragraphs lost, titles missed: judged as the scorer judges."""
    spec = importlib.util.spec_from_file_location("score", shared / "eval" / "score.py")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    norm = score.norm
    kept = {}
    for shard in (kit / "clean" / "corpus").glob("*.jsonl"):
        for line in shard.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line)
            kept[rec["source"]] = rec
    out = []
    for line in (kit / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        rec = kept.get(gold["source"])
        if rec is None or gold["kind"] != "article":
            continue
        text = norm(rec["text"])
        paragraphs = {norm(p) for p in rec["text"].split("\n\n")}
        for b in gold["boilerplate"]:
            if norm(b) in paragraphs or (len(norm(b)) > 25 and norm(b) in text):
                out.append(f"left   {gold['source']}: {b[:90]}")
        out += [f"lost   {gold['source']}: {p[:90]}" for p in gold["body"] if norm(p) not in text]
        if gold.get("title") and norm(gold["title"]) != norm(rec.get("title") or ""):
            out.append(f"title  {gold['source']}: {rec.get('title')!r} for {gold['title'][:60]!r}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=Path("../shared"))
    ap.add_argument("--seeds", type=int, nargs="+", default=[31, 32])
    ap.add_argument("--show", action="store_true", help="list each miss")
    ap.add_argument("--vocab", nargs="+", default=None,
                    help="only these vocabularies (file stems: vocab_dev vocab_12 ...)")
    args = ap.parse_args(argv)
    if not (args.shared / "eval" / "inject.py").is_file():
        print(f"no generator at {args.shared}/eval/inject.py (the kits need ../shared)", file=sys.stderr)
        return 2
    print("kit".ljust(18) + " ".join(f[:10].rjust(10) for f in FIGURES))
    with tempfile.TemporaryDirectory(prefix="redteam-") as tmp:
        for vocab in vocabularies(args.shared):
            if args.vocab and vocab.stem not in args.vocab:
                continue
            for seed in args.seeds:
                kit = build_kit(args.shared, vocab, seed, Path(tmp))
                m = clean_and_score(args.shared, kit)
                print(f"{vocab.stem}-{seed}".ljust(18) + " ".join(f"{m.get(f)!s:>10}" for f in FIGURES))
                if args.show:
                    for line in misses(args.shared, kit):
                        print("    " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
