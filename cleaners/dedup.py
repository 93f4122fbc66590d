"""Near-duplicate detection: exact hash, MinHash LSH candidates, verified pairs, union-find clusters.

The same story is republished by many sites with other boilerplate, a few words changed, or cut
short. Each kept document gets a small `DocSig` inside its batch worker; `decide` then groups the
run's documents with each other and with the corpus already on disk (the band index in the state
store), keeps one copy per cluster and names every other member a duplicate of it.

Normalised body: NFKC, casefold, then only the word tokens (`\\w+`; one token per character in
scripts written without spaces), so punctuation, quotes, dashes and whitespace differences fold
away. Exact duplicates share a hash of that token string.

Shingles are word 5-grams of the normalised body, each hashed to 32 bits (crc32 per word, mixed
per 5-gram with numpy: deterministic across processes and runs, unlike Python's salted `hash()`).
The MinHash (datasketch, affine32 scheme, fixed seed, 128 permutations) is cut into bands.

LSH banding: b = 32 bands of r = 4 rows. A pair with Jaccard s becomes a candidate with
probability P(s) = 1 - (1 - s^r)^b; the S-curve's midpoint is about (1/b)^(1/r) = 0.42:

    s     0.2    0.3    0.4    0.5    0.6    0.7     0.8
    P(s)  0.05   0.23   0.56   0.87   0.988  0.9998  1.0

Copies that are near-duplicates by our decision rule (Jaccard >= 0.7) are found with
P >= 0.9998. The curve sits lower than 0.7 on purpose: a copy cut to its first 80% only has a
shingle Jaccard of 0.6-0.8 with its full version (less when the cut falls on long paragraphs), yet
it is a duplicate by containment, so candidates down to ~0.5 must come through. Candidates are
only a shortlist: every candidate pair is verified on the exact shingle sets and joins when its
Jaccard >= `jaccard_threshold` or its containment (overlap / smaller set) >= `containment_threshold`.
Different articles about the same event share names and facts but almost no 5-word sequences
(Jaccard near 0), so they never pass.

Which copy survives: an article already in the corpus keeps its place; otherwise the longest body
after cleaning, then the fewest unicode/artifact repairs, then the earliest date, then source order
(position in the list given to `decide`, i.e. batch order). Clusters larger than
`max_cluster_size` are flagged: only exact copies are dropped there, near members are kept for a
human to look at (templated pages must not swallow a site).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

import numpy as np

from cleaners.config import DedupConfig
from cleaners.document import Document

if TYPE_CHECKING:  # the store imports this module for its rebuild; avoid a cycle at import time
    from cleaners.state import StateStore

STAGE = "dedup"
ARTIFACT_STAGES = ("unicode", "artifacts")   # edits that repaired the text: fewer is a better copy
MINHASH_SEED = 1                              # fixed: band keys must match across runs
MINHASH_CHUNK = 8192                          # shingles per update: bounds memory on huge documents
SHINGLE_CACHE = 4096                          # spilled shingle arrays kept in memory by `decide`

_WORD = re.compile(r"\w+")
# Scripts written without spaces (Thai, kana, CJK ideographs): one token per character there,
# or a whole clause would be one "word" and 5-word shingles would never match.
_NO_SPACE_CHARS = "\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NO_SPACE = re.compile(f"[{_NO_SPACE_CHARS}]")
_WORD_OR_CHAR = re.compile(f"[^\\W{_NO_SPACE_CHARS}]+|[{_NO_SPACE_CHARS}]")
_U64 = np.uint64
# odd 64-bit multipliers (golden ratio / murmur / xxhash primes) to combine word hashes
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                         0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0x27D4EB2F165667C5,
                         0x85EBCA77C2B2AE63, 0x94D049BB133111EB], dtype=_U64)
_BAND_SALT = _U64(0xA0761D6478BD642F)


# ---- data ------------------------------------------------------------------------------
@dataclass(slots=True)
class DocSig:
    """What `decide` needs about one kept document; small and picklable.

    `shingles` (sorted unique uint32 shingle hashes, ~4 bytes per word) is only for verifying
    candidate pairs in this run; the store keeps the band keys, not the shingles. A batch
    moves them to a file with `spill_shingles` before its signatures go to the flow: the flow
    then holds ~0.5 KB per document instead of ~2 KB, and reads back only the few that
    candidate pairs need."""
    id: str
    source: str
    exact: bytes            # 8-byte blake2b of the normalised token string
    bands: bytes            # int32 band keys, one per band
    shingles: bytes         # sorted unique uint32 shingle hashes (b"" once spilled)
    length: int             # characters of the cleaned body
    artifacts: int = 0      # edits by the unicode / artifacts stages
    date: str | None = None
    shingle_count: int = -1                            # -1: count the bytes in `shingles`
    spilled: tuple[str, int] | None = None             # (file, byte offset) of the spilled shingles

    def band_keys(self) -> list[int]:
        return np.frombuffer(self.bands, dtype=np.int32).tolist()

    def n_shingles(self) -> int:
        return len(self.shingles) // 4 if self.shingle_count < 0 else self.shingle_count

    def shingle_array(self) -> np.ndarray:
        if self.spilled is None:
            return np.frombuffer(self.shingles, dtype=np.uint32)
        path, offset = self.spilled
        return np.fromfile(path, dtype=np.uint32, count=self.shingle_count, offset=offset)


def spill_shingles(sigs: list[DocSig], path: str | Path) -> None:
    """Write the shingles of `sigs` to one file and keep only where they are (in place)."""
    offset = 0
    name = str(path)     # one string for the batch: the flow holds each signature until dedup
    with open(path, "wb") as out:
        for s in sigs:
            if s.spilled is not None:
                continue
            out.write(s.shingles)
            s.shingle_count, s.spilled, s.shingles = len(s.shingles) // 4, (name, offset), b""
            offset += s.shingle_count * 4


@dataclass
class Duplicate:
    keeper_id: str
    similarity: float       # exact: 1.0; near: Jaccard; contained: containment
    kind: str               # exact | near | contained
    message: str


@dataclass
class DedupResult:
    duplicates: dict[str, Duplicate] = field(default_factory=dict)
    clusters: list[dict[str, Any]] = field(default_factory=list)


# ---- signatures ------------------------------------------------------------------------
def normalised_words(text: str) -> list[str]:
    """Word tokens of the NFKC-casefolded text: punctuation, quotes and spacing fold away."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return (_WORD_OR_CHAR if _NO_SPACE.search(folded) else _WORD).findall(folded)


def exact_hash(words: list[str]) -> bytes:
    return hashlib.blake2b(" ".join(words).encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser: spreads every input bit over the output."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> _U64(33))


def shingle_hashes(words: list[str], k: int) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word k-grams (one shingle of all words if fewer)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    if k > len(_MULTIPLIERS):
        raise ValueError(f"shingle_words={k}: at most {len(_MULTIPLIERS)} supported")
    w = np.fromiter((zlib.crc32(x.encode("utf-8", "surrogatepass")) for x in words),
                    dtype=_U64, count=len(words))
    span = min(k, len(w))
    n = len(w) - span + 1
    h = w[:n] * _MULTIPLIERS[0]
    for j in range(1, span):
        h = h + w[j:j + n] * _MULTIPLIERS[j]
    return np.unique((_fmix64(h) >> _U64(32)).astype(np.uint32))


# datasketch's affine32 permutations for the default 128 and MINHASH_SEED, as datasketch 2.0
# makes them (tests/test_dedup.py checks they still are): band keys in a corpus index must not
# change when another datasketch version draws other permutations, and a batch worker then never
# imports datasketch (its package pulls in scipy: ~0.8 s per process).
PERMUTATIONS_FILE = Path(__file__).parent / "patterns" / f"minhash_affine32_seed{MINHASH_SEED}_128.npz"


@lru_cache(maxsize=8)
def _minhash_template(num_perm: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, initial hash values) of the MinHash permutations."""
    if num_perm == 128 and PERMUTATIONS_FILE.is_file():
        with np.load(PERMUTATIONS_FILE) as table:
            return table["a"], table["b"], table["hashvalues"]
    from datasketch import MinHash   # other sizes: datasketch draws them

    # hashfunc=int: the inputs are already 32-bit shingle hashes
    m = MinHash(num_perm=num_perm, seed=MINHASH_SEED, hashfunc=int, scheme="affine32")
    a, b = m.permutations
    return a, b, m.hashvalues


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, the pre-mix of datasketch's affine32 scheme."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(shingles: np.ndarray, num_perm: int) -> np.ndarray:
    """datasketch's MinHash (affine32: fmix32, then a*h + b mod 2^32 per permutation, min) in
    one vectorised pass over the shingle array, with datasketch's own seeded permutations
    (stored: PERMUTATIONS_FILE).
    Same values as `MinHash.update_batch` (a test holds them equal), about twice as fast:
    update_batch calls the hash function once per element in Python."""
    a, b, initial = _minhash_template(num_perm)
    values = initial.copy()
    for start in range(0, len(shingles), MINHASH_CHUNK):
        hv = _fmix32(shingles[start:start + MINHASH_CHUNK].astype(np.uint32)).reshape(-1, 1)
        values = np.minimum(values, (hv * a + b).min(axis=0))
    return values


def band_keys(hashvalues: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One int32 key per band: the band's rows and its index mixed into 32 bits.

    32 bits (not 64) keeps the on-disk index small; a chance collision only adds a candidate,
    which verification then throws out."""
    if bands * rows > len(hashvalues):
        raise ValueError(f"bands*rows = {bands * rows} exceeds num_perm = {len(hashvalues)}")
    grid = hashvalues[:bands * rows].astype(_U64).reshape(bands, rows)
    mult = np.resize(_MULTIPLIERS, rows)
    mixed = (grid * mult).sum(axis=1, dtype=_U64)
    mixed = mixed + (np.arange(bands, dtype=_U64) + _U64(1)) * _BAND_SALT
    return (_fmix64(mixed) >> _U64(32)).astype(np.uint32).view(np.int32)


def signature_from_text(doc_id: str, source: str, text: str, cfg: DedupConfig,
                        artifacts: int = 0, date: str | None = None) -> DocSig:
    words = normalised_words(text)
    sh = shingle_hashes(words, cfg.shingle_words)
    keys = band_keys(minhash_values(sh, cfg.num_perm), cfg.bands, cfg.rows) if sh.size else \
        np.zeros(0, dtype=np.int32)
    return DocSig(id=doc_id, source=source, exact=exact_hash(words), bands=keys.tobytes(),
                  shingles=sh.tobytes(), length=len(text), artifacts=artifacts, date=date)


def signature(doc: Document, cfg: DedupConfig) -> DocSig:
    """The document's signature; computed in the batch worker for every kept document."""
    artifacts = sum(1 for e in doc.edits if e.stage in ARTIFACT_STAGES)
    return signature_from_text(doc.id, doc.source, doc.text, cfg, artifacts, doc.date)


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment) of two sorted unique shingle arrays; containment is the overlap
    over the smaller set, so a truncated copy of a longer article scores near 1."""
    if a.size == 0 or b.size == 0:
        return 0.0, 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter), inter / min(a.size, b.size)


# ---- union-find ------------------------------------------------------------------------
class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:                       # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> dict[int, list[int]]:
        """Root -> members, for every node that was ever joined (roots have no parent entry)."""
        out: dict[int, list[int]] = {}
        for x in set(self.parent) | set(self.parent.values()):
            out.setdefault(self.find(x), []).append(x)
        return out


# ---- the decision ----------------------------------------------------------------------
@dataclass(slots=True)    # one per document of the run: ~100 bytes with slots, ~400 without
class _Member:
    """One node of a cluster: a document of this run or one already in the corpus."""
    id: str
    source: str
    exact: bytes
    length: int
    artifacts: int
    date: str | None
    order: int
    stored: bool
    size: int                          # shingles (0: no words, or a stored doc without text)
    shingles: np.ndarray | None = None  # a stored doc's, computed from its text
    sig: DocSig | None = None           # a run doc's: its shingles are read when a pair needs them


class _Decider:
    """Holds one `decide` call's state: nodes, verified similarities, union-find."""

    def __init__(self, sigs: list[DocSig], store: "StateStore | None", cfg: DedupConfig):
        self.cfg = cfg
        self.store = store
        self.nodes: list[_Member] = []
        self.sims: dict[tuple[int, int], tuple[float, float]] = {}
        self.uf = UnionFind()
        self.sigs: list[DocSig] = []
        seen: set[str] = set()
        for order, s in enumerate(sigs):
            if s.id in seen:                   # the same unit twice is not a duplicate of itself
                continue
            seen.add(s.id)
            self.sigs.append(s)
            self.nodes.append(_Member(s.id, s.source, s.exact, s.length, s.artifacts, s.date,
                                      order, False, s.n_shingles(), sig=s))
        self.new_count = len(self.nodes)
        self._table: tuple[np.ndarray, np.ndarray] | None = None
        self._loaded: OrderedDict[int, np.ndarray] = OrderedDict()   # bounded: SHINGLE_CACHE

    # -- pairs ---------------------------------------------------------------------------
    def verify(self, a: int, b: int) -> tuple[float, float]:
        key = (a, b) if a < b else (b, a)
        if key not in self.sims:
            na, nb = self.nodes[a], self.nodes[b]
            if na.exact == nb.exact and na.size and nb.size:
                self.sims[key] = (1.0, 1.0)
            elif not na.size or not nb.size:
                self.sims[key] = (0.0, 0.0)
            else:
                self.sims[key] = similarity(self._shingles(a), self._shingles(b))
        return self.sims[key]

    def _shingles(self, i: int) -> np.ndarray:
        node = self.nodes[i]
        if node.sig is None:
            return node.shingles
        if i in self._loaded:
            self._loaded.move_to_end(i)
            return self._loaded[i]
        arr = self._loaded[i] = node.sig.shingle_array()
        if len(self._loaded) > SHINGLE_CACHE:
            self._loaded.popitem(last=False)
        return arr

    def joins(self, jac: float, cont: float, a: int, b: int) -> bool:
        if jac >= self.cfg.jaccard_threshold:
            return True
        smaller = min(self._size(a), self._size(b))
        return cont >= self.cfg.containment_threshold and smaller >= self.cfg.containment_min_shingles

    def _size(self, i: int) -> int:
        return self.nodes[i].size

    def try_pair(self, a: int, b: int) -> None:
        if self.uf.find(a) == self.uf.find(b):
            return
        jac, cont = self.verify(a, b)
        if self.joins(jac, cont, a, b):
            self.uf.union(a, b)

    # -- candidates ----------------------------------------------------------------------
    def exact_pass(self) -> None:
        first: dict[bytes, int] = {}
        for i in range(self.new_count):
            n = self.nodes[i]
            if not self._size(i):              # no words: nothing to compare
                continue
            if n.exact in first:
                self.sims[(first[n.exact], i)] = (1.0, 1.0)
                self.uf.union(first[n.exact], i)
            else:
                first[n.exact] = i

    def lsh_pass(self) -> None:
        for members in self.shared_buckets():
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    self.try_pair(members[x], members[y])

    def band_table(self) -> tuple[np.ndarray, np.ndarray]:
        """The band keys of this run's documents that have any, one row per document (int32:
        4 bytes a key), and the index of each row's document."""
        if self._table is None:
            owners = np.fromiter((i for i, s in enumerate(self.sigs) if s.bands), dtype=np.int32)
            keys = np.frombuffer(b"".join(self.sigs[i].bands for i in owners.tolist()), dtype=np.int32)
            self._table = keys.reshape(len(owners), self.cfg.bands), owners
        return self._table

    def shared_buckets(self) -> Iterator[list[int]]:
        """Groups of this run's documents that share a band key, band by band: sorting one
        band's column at a time needs a few bytes per document, not the whole run's keys."""
        keys, owners = self.band_table()
        for column in keys.T:
            order = np.argsort(column, kind="stable")
            sorted_keys = column[order]
            starts = np.concatenate(([0], np.flatnonzero(np.diff(sorted_keys)) + 1))
            ends = np.append(starts[1:], len(sorted_keys))
            for g in np.flatnonzero(ends - starts > 1):
                yield owners[order[starts[g]:ends[g]]].tolist()

    def corpus_pass(self) -> None:
        """Candidates from the corpus already on disk, verified on their stored text."""
        store = self.store
        if store is None or not store.has_docs():
            return
        store.prepare_index(self.cfg)
        wanted = self.stored_candidates(store)
        if not wanted:
            return
        new_ids = {n.id for n in self.nodes[:self.new_count]}
        stored = store.stored_docs({r for rows in wanted.values() for r in rows})
        stored = {r: d for r, d in stored.items() if d.id not in new_ids}  # re-processed units
        texts = store.stored_texts(list(stored.values()))
        node_of_row = {r: self._add_stored(d, texts.get(r)) for r, d in stored.items()}
        for i, rows in sorted(wanted.items()):
            for r in sorted(rows):
                if r in node_of_row:
                    self.try_pair(i, node_of_row[r])

    def stored_candidates(self, store: "StateStore") -> dict[int, set[int]]:
        """New document -> rows of stored documents sharing a band key (an exact copy shares
        all of them, so no separate exact-hash lookup is needed). Asked one band at a time:
        the keys of a whole large run as Python ints would be ~36 bytes each at once."""
        keys, owners = self.band_table()
        wanted: dict[int, set[int]] = {}
        for column in keys.T:
            rows_of_key = store.band_candidates(np.unique(column).tolist())
            if not rows_of_key:
                continue
            hit = np.isin(column, np.fromiter(rows_of_key, dtype=np.int32, count=len(rows_of_key)))
            for key, i in zip(column[hit].tolist(), owners[hit].tolist()):
                wanted.setdefault(i, set()).update(rows_of_key[key])
        return wanted

    def _add_stored(self, d: Any, text: str | None) -> int:
        shingles = None
        if text is not None:
            shingles = shingle_hashes(normalised_words(text), self.cfg.shingle_words)
        size = 0 if shingles is None else int(shingles.size)
        self.nodes.append(_Member(d.id, d.source, d.exact, d.length, 0, None, -1, True, size, shingles))
        return len(self.nodes) - 1

    # -- clusters ------------------------------------------------------------------------
    def result(self) -> DedupResult:
        out = DedupResult()
        groups = [sorted(g) for g in self.uf.groups().values() if len(g) > 1]
        groups = [g for g in groups if any(i < self.new_count for i in g)]
        for g in sorted(groups, key=lambda g: g[0]):
            out.clusters.append(self.settle(g, out.duplicates))
        return out

    def settle(self, group: list[int], duplicates: dict[str, Duplicate]) -> dict[str, Any]:
        """Pick the keeper(s) of one cluster, name the duplicates, describe it for the report."""
        oversized = len(group) > self.cfg.max_cluster_size
        # an oversized cluster only drops exact copies: one keeper per exact body
        parts = _split_by(group, lambda i: self.nodes[i].exact) if oversized else [group]
        statuses: dict[int, tuple[str, int, str]] = {}   # node -> (status, compared with, kind)
        keepers = []
        for part in parts:
            keeper = min(part, key=self._rank)
            keepers.append(keeper)
            for i in part:
                if i == keeper:
                    continue
                if self.nodes[i].stored:
                    statuses[i] = ("kept: already in the corpus", keeper, "near")
                    continue
                dup = self.describe(i, keeper)
                duplicates[self.nodes[i].id] = dup
                statuses[i] = ("duplicate", keeper, dup.kind)
        main = min(keepers, key=self._rank)
        for k in keepers:
            if k != main:
                statuses[k] = ("kept: cluster over the size cap", main, "near")
        members = [self.member_view(i, *statuses[i]) for i in group if i != main]
        entry = {"keeper": self.keeper_view(main), "members": members, "size": len(group),
                 "why": self.why(main, [i for i in group if i != main]), "oversized": oversized}
        if oversized:
            entry["why"] += (f"; cluster of {len(group)} exceeds the cap of "
                             f"{self.cfg.max_cluster_size}: flagged, only exact copies dropped")
        return entry

    def _rank(self, i: int) -> tuple:
        n = self.nodes[i]
        return (not n.stored, -n.length, n.artifacts, n.date or "9999", n.order, n.id)

    def describe(self, i: int, keeper: int) -> Duplicate:
        n, k = self.nodes[i], self.nodes[keeper]
        jac, cont = self.verify(i, keeper)
        if n.exact == k.exact:
            return Duplicate(k.id, 1.0, "exact", f"exact duplicate of {k.id} (same normalised body)")
        sims = f"jaccard {jac:.2f}, containment {cont:.2f}"
        if jac >= self.cfg.jaccard_threshold:
            return Duplicate(k.id, round(jac, 4), "near", f"near-duplicate of {k.id} ({sims})")
        if self.joins(jac, cont, i, keeper):
            return Duplicate(k.id, round(cont, 4), "contained",
                             f"contained copy of {k.id} ({sims})")
        # joined through other members of the cluster, not directly similar enough to the keeper
        return Duplicate(k.id, round(jac, 4), "near",
                         f"near-duplicate of {k.id} through other copies in its cluster ({sims})")

    def member_view(self, i: int, status: str, other: int, kind: str) -> dict[str, Any]:
        n = self.nodes[i]
        jac, cont = self.verify(i, other)
        return {"id": n.id, "source": n.source, "jaccard": round(jac, 4),
                "containment": round(cont, 4), "kind": kind, "length": n.length,
                "status": status, "compared_with": self.nodes[other].id}

    def keeper_view(self, i: int) -> dict[str, Any]:
        n = self.nodes[i]
        return {"id": n.id, "source": n.source, "length": n.length, "stored": n.stored}

    def why(self, keeper: int, others: list[int]) -> str:
        k = self.nodes[keeper]
        if k.stored:
            return "already in the corpus: an earlier run kept it"
        o = self.nodes[min(others, key=self._rank)]   # the runner-up (never stored here)
        if k.length != o.length:
            return f"longest body after cleaning ({k.length} chars, next {o.length})"
        if k.artifacts != o.artifacts:
            return f"same length; fewest repaired artifacts ({k.artifacts} vs {o.artifacts})"
        if (k.date or "9999") != (o.date or "9999"):
            return f"same length and artifacts; earliest date ({k.date} vs {o.date or 'none'})"
        return "same length, artifacts and date; first in source order"


def _split_by(group: list[int], key: Callable[[int], Any]) -> list[list[int]]:
    parts: dict[Any, list[int]] = {}
    for i in group:
        parts.setdefault(key(i), []).append(i)
    return list(parts.values())


def decide(sigs: list[DocSig], store: "StateStore | None", cfg: DedupConfig) -> DedupResult:
    """Group this run's kept documents with each other and with the corpus already written."""
    if not cfg.enabled or not sigs:
        return DedupResult()
    d = _Decider(sigs, store, cfg)
    d.exact_pass()
    d.lsh_pass()
    d.corpus_pass()
    return d.result()

