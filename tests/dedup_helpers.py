"""Helpers for the dedup and state tests: invented articles, Documents, and corpus shards written
through the real output contract. No text here comes from real articles."""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from cleaners import dedup
from cleaners.config import DedupConfig
from cleaners.document import Document, Origin, Paragraph
from cleaners.writer import write_jsonl_atomic

WORDS = """council river harbour bridge school budget mayor vote plan road station water
tax market farm storm rain city town county village police court judge trial witness
report hospital doctor nurse patient teacher student library museum park garden
festival concert team coach season match goal league player fans stadium ticket price
company factory worker union strike wage contract energy power grid solar wind fuel
train bus ferry airport flight delay passenger route traffic crash repair crew
minister senator election campaign poll office debate law bill committee hearing
a the of to in on for with at by from about after before during over under near
said says told added noted warned expected planned announced confirmed denied
new old local national public private early late first last next second major minor
morning evening night week month year today yesterday monday friday spring autumn
north south east west central coastal rural urban small large high low open closed
""".split()

# Two invented reports of one event: same names, numbers and facts, no shared sentences.
SAME_STORY_A = [
    "Marlow Creek closed its Route 9 bridge on Thursday after inspectors found cracks in two "
    "steel girders, cutting the shortest link between the town and the Halvorsen quarry.",
    "Deputy Mayor Ines Halvorsen said 42 households on the east bank would be offered a free "
    "shuttle while engineers decide whether the span can be repaired or must be replaced.",
    "The county engineer, Tomas Reyle, estimated that a repair would cost about 1.8 million "
    "and take at least five months, longer if the river rises in spring.",
    "School buses will use the northern ferry road, adding roughly twenty minutes to each trip, "
    "the district confirmed in a letter to parents.",
]
SAME_STORY_B = [
    "Inspectors shut the Route 9 bridge in Marlow Creek on Thursday, saying cracks in a pair "
    "of girders made the crossing unsafe for any traffic at all.",
    "For the 42 east-bank households the closure means a long detour, and Ines Halvorsen, the "
    "deputy mayor, promised a shuttle service paid for by the town until further notice.",
    "Tomas Reyle of the county roads office put the bill for fixing the span near 1.8 million, "
    "adding that replacement could not be ruled out before the survey is finished.",
    "Parents were told pupils would travel by the ferry road to the north, with journeys "
    "about twenty minutes longer than before.",
]


def article(seed: int, paragraphs: int = 8, words: int = 45) -> list[str]:
    """An invented article: random sentences over a small news vocabulary (distinct per seed)."""
    rng = random.Random(seed)
    out = []
    for _ in range(paragraphs):
        w = [rng.choice(WORDS) for _ in range(words)]
        w[0] = w[0].capitalize()
        out.append(" ".join(w) + ".")
    return out


def edited(paras: list[str], seed: int) -> list[str]:
    """A light edit: two words inserted in one paragraph and one paragraph dropped."""
    rng = random.Random(seed)
    out = list(paras)
    i = rng.randrange(len(out))
    w = out[i].split(" ")
    w.insert(3, "reportedly")
    w.insert(10, "also")
    out[i] = " ".join(w)
    out.pop(rng.randrange(1, len(out)))
    return out


def make_doc(source: str, paras: list[str], date: str | None = None, artifacts: int = 0) -> Document:
    doc = Document.new(source, Origin(path=source.split("#")[0]), raw_text="\n\n".join(paras))
    doc.paragraphs = [Paragraph(p) for p in paras]
    doc.date = date
    for n in range(artifacts):
        doc.edit("artifacts", "mt_repeat", "replace", para=0, before=f"x{n}", after="x")
    return doc


def sigs_of(docs: list[Document], cfg: DedupConfig | None = None) -> list[dedup.DocSig]:
    cfg = cfg or DedupConfig()
    return [dedup.signature(d, cfg) for d in docs]


@dataclass(frozen=True)
class FileInfo:
    """Stand-in for cleaners.readers.FileInfo (path relative to RAW, size, mtime)."""
    path: str
    size: int
    mtime: float


def file_info(raw: Path, rel: str) -> FileInfo:
    st = (raw / rel).stat()
    return FileInfo(rel, st.st_size, st.st_mtime)


def write_corpus(clean: Path, shard: str, docs: list[Document], raw: Path | None = None) -> None:
    """Corpus records as the writer makes them (with raw_size/raw_mtime when `raw` is given)."""
    recs = []
    for d in docs:
        rec = d.to_record()
        if raw is not None:
            info = file_info(raw, d.source.split("#")[0])
            rec.update(raw_size=info.size, raw_mtime=info.mtime)
        recs.append(rec)
    write_jsonl_atomic(clean / "corpus" / shard, recs)
