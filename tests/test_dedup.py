import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np

from cleaners import dedup
from cleaners.config import DedupConfig
from cleaners.state import StateStore
from dedup_helpers import (SAME_STORY_A, SAME_STORY_B, article, edited, make_doc,
                           sigs_of, write_corpus)

CFG = DedupConfig()


def decide(docs, store=None, cfg=CFG):
    return dedup.decide(sigs_of(docs, cfg), store, cfg)


# ---- normalisation and exact duplicates -----------------------------------------------
def test_exact_duplicate_ignores_case_punctuation_quotes_and_spacing():
    body = article(1)
    noisy = [p.upper().replace(" ", "  ").replace(".", " !") for p in body]
    noisy[0] = "\u201c" + noisy[0] + "\u201d"
    r = decide([make_doc("a.txt", body), make_doc("b.txt", noisy)])
    (dup,) = r.duplicates.values()
    assert dup.kind == "exact" and dup.similarity == 1.0 and len(r.clusters) == 1


def test_one_changed_word_is_not_exact_but_near():
    body = article(2)
    changed = list(body)
    changed[3] = changed[3].replace(" ", " harbour ", 1)
    r = decide([make_doc("a.txt", body), make_doc("b.txt", changed)])
    (dup,) = r.duplicates.values()
    assert dup.kind == "near" and 0.9 < dup.similarity < 1.0
    assert "near-duplicate of" in dup.message and "jaccard" in dup.message


# ---- near duplicates, truncation, things that must stay apart --------------------------
def test_lightly_edited_copy_is_a_near_duplicate():
    body = article(3)
    full, copy = make_doc("site1/a.txt", body), make_doc("site2/a.txt", edited(body, 7))
    r = decide([copy, full])
    assert set(r.duplicates) == {copy.id}
    assert r.duplicates[copy.id].keeper_id == full.id
    assert r.duplicates[copy.id].kind == "near"


def test_truncated_copy_joins_its_full_version_by_containment():
    body = article(4, paragraphs=10)
    full, cut = make_doc("full.txt", body), make_doc("cut.txt", body[:7])
    jac, cont = dedup.similarity(dedup.signature(full, CFG).shingle_array(),
                                 dedup.signature(cut, CFG).shingle_array())
    assert jac < CFG.jaccard_threshold and cont > 0.99   # only containment can join them
    r = decide([cut, full])
    dup = r.duplicates[cut.id]
    assert dup.keeper_id == full.id and dup.kind == "contained"
    assert "containment 1.00" in dup.message


def test_short_excerpt_below_containment_floor_stays():
    # a 3-word "copy" is contained in the article but too small to call a duplicate
    body = article(5)
    tiny = make_doc("tiny.txt", [" ".join(body[0].split()[:3])])
    r = decide([make_doc("full.txt", body), tiny])
    assert r.duplicates == {}


def test_same_story_by_two_writers_is_kept_twice():
    a, b = make_doc("x/1.txt", SAME_STORY_A), make_doc("y/2.txt", SAME_STORY_B)
    jac, cont = dedup.similarity(dedup.signature(a, CFG).shingle_array(),
                                 dedup.signature(b, CFG).shingle_array())
    assert jac < 0.05 and cont < 0.1
    r = decide([a, b])
    assert r.duplicates == {} and r.clusters == []


def test_different_articles_sharing_a_leftover_footer_stay_apart():
    footer = ("Our newsroom is funded by readers like you and relies on subscriptions, "
              "donations and the support of our partners across the county and beyond.")
    a = make_doc("s/1.txt", article(10, paragraphs=3) + [footer])
    b = make_doc("s/2.txt", article(11, paragraphs=3) + [footer])
    assert decide([a, b]).duplicates == {}


def test_follow_up_reusing_half_of_an_earlier_report_stays_apart():
    # shares a band key (so verification, not LSH, must keep them apart)
    earlier = article(18, paragraphs=8)
    follow_up = earlier[:4] + article(19, paragraphs=4)
    a, b = dedup.signature(make_doc("a.txt", earlier), CFG), \
        dedup.signature(make_doc("b.txt", follow_up), CFG)
    assert set(a.band_keys()) & set(b.band_keys())
    jac, cont = dedup.similarity(a.shingle_array(), b.shingle_array())
    assert 0.25 < jac < 0.5 and cont < 0.6
    assert dedup.decide([a, b], None, CFG).duplicates == {}


def test_distinct_articles_are_never_merged_at_scale():
    docs = [make_doc(f"d{i}.txt", article(100 + i, paragraphs=5)) for i in range(60)]
    r = decide(docs)
    assert r.duplicates == {} and r.clusters == []


# ---- keeper choice ---------------------------------------------------------------------
def test_keeper_is_the_longest_body():
    body = article(20)
    short, long_ = make_doc("a.txt", edited(body, 1)), make_doc("b.txt", body)
    r = decide([short, long_])
    assert r.duplicates[short.id].keeper_id == long_.id
    assert "longest body" in r.clusters[0]["why"]


def test_keeper_then_fewest_artifacts_then_earliest_date_then_source_order():
    body = article(21)
    messy = make_doc("a.txt", body, date="2020-01-01", artifacts=3)
    clean = make_doc("b.txt", body, date="2021-01-01", artifacts=0)
    r = decide([messy, clean])
    assert r.duplicates[messy.id].keeper_id == clean.id
    assert "fewest repaired artifacts (0 vs 3)" in r.clusters[0]["why"]

    late = make_doc("c.txt", body, date="2022-05-01")
    early = make_doc("d.txt", body, date="2019-05-01")
    r = decide([late, early])
    assert r.duplicates[late.id].keeper_id == early.id
    assert "earliest date" in r.clusters[0]["why"]

    first, second = make_doc("e.txt", body), make_doc("f.txt", body)
    r = decide([second, first])          # order given to decide is the source order
    assert r.duplicates[first.id].keeper_id == second.id
    assert "source order" in r.clusters[0]["why"]


def test_every_cluster_keeps_exactly_one_member():
    docs = []
    for i in range(5):
        body = article(30 + i)
        docs += [make_doc(f"c{i}/full.txt", body), make_doc(f"c{i}/cut.txt", body[:6]),
                 make_doc(f"c{i}/edit.txt", edited(body, i))]
    r = decide(docs)
    assert len(r.clusters) == 5 and len(r.duplicates) == 10
    for c in r.clusters:
        assert c["keeper"]["id"] not in r.duplicates
        assert all(m["id"] in r.duplicates for m in c["members"])
        assert len({m["id"] for m in c["members"]} | {c["keeper"]["id"]}) == c["size"] == 3


# ---- size cap --------------------------------------------------------------------------
def test_oversized_cluster_is_flagged_and_keeps_its_near_members():
    cfg = DedupConfig(max_cluster_size=3)
    body = article(40)
    nears = [make_doc(f"t{i}.txt", edited(body, i)) for i in range(4)]
    exact = make_doc("t0_copy.txt", edited(body, 0))          # an exact copy of t0
    r = decide([make_doc("orig.txt", body), *nears, exact], cfg=cfg)
    (cluster,) = r.clusters
    assert cluster["oversized"] and "exceeds the cap of 3" in cluster["why"]
    assert set(r.duplicates) == {exact.id}                    # only the exact copy dropped
    assert r.duplicates[exact.id].kind == "exact"
    kept = [m for m in cluster["members"] if m["status"].startswith("kept")]
    assert len(kept) == 4


def test_cluster_within_cap_is_not_flagged():
    body = article(41)
    r = decide([make_doc("a.txt", body), make_doc("b.txt", edited(body, 1))])
    assert r.clusters[0]["oversized"] is False


# ---- signature properties --------------------------------------------------------------
def test_signature_is_small_and_picklable():
    sig = dedup.signature(make_doc("a.txt", article(50)), CFG)
    assert len(sig.bands) == CFG.bands * 4 and len(sig.exact) == 8
    back = pickle.loads(pickle.dumps(sig))
    assert back == sig
    words = sum(len(p.split()) for p in article(50))
    assert len(pickle.dumps(sig)) < 4 * words + 600


def test_signature_is_identical_across_processes():
    code = ("import sys; sys.path.insert(0, 'tests'); from dedup_helpers import article, make_doc;"
            "from cleaners import dedup; from cleaners.config import DedupConfig;"
            "s = dedup.signature(make_doc('a.txt', article(51)), DedupConfig());"
            "print(s.bands.hex(), s.exact.hex(), len(s.shingles))")
    # another process with another str-hash salt must compute the same band keys
    env = dict(os.environ, PYTHONHASHSEED=str(hash("salt") % 1000 + 1))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True, cwd=Path(__file__).parent.parent).stdout
    here = dedup.signature(make_doc("a.txt", article(51)), CFG)
    assert out == f"{here.bands.hex()} {here.exact.hex()} {len(here.shingles)}\n"


def test_spilled_shingles_read_back_and_decide_the_same(tmp_path):
    body = article(5, paragraphs=10)
    docs = [make_doc("full.txt", body), make_doc("cut.txt", body[:7]),
            make_doc("edit.txt", edited(body, 3)), make_doc("other.txt", article(6)),
            make_doc("empty.txt", [])]
    kept = sigs_of(docs)
    spilled = sigs_of(docs)
    dedup.spill_shingles(spilled[:3], tmp_path / "a.bin")
    dedup.spill_shingles(spilled[3:], tmp_path / "b.bin")
    for k, s in zip(kept, spilled):
        assert s.shingles == b"" and s.spilled is not None
        assert s.n_shingles() == k.n_shingles()
        assert np.array_equal(s.shingle_array(), k.shingle_array())
    assert len(pickle.dumps(spilled[0])) < len(pickle.dumps(kept[0])) // 2
    a, b = dedup.decide(kept, None, CFG), dedup.decide(spilled, None, CFG)
    assert a.duplicates == b.duplicates and a.clusters == b.clusters
    assert len(a.duplicates) == 2


def test_huge_document_is_signed_in_bounded_chunks():
    words = [f"w{i % 20011}" for i in range(60_000)]
    sig = dedup.signature(make_doc("big.txt", [" ".join(words)]), CFG)
    assert 20_000 <= len(sig.shingle_array()) <= 20_011 and len(sig.band_keys()) == CFG.bands


def test_empty_body_has_no_bands_and_matches_nothing():
    empty = make_doc("e.txt", ["..."])
    assert dedup.signature(empty, CFG).band_keys() == []
    assert decide([empty, make_doc("e2.txt", ["!!"]), make_doc("a.txt", article(52))]).duplicates == {}


def test_disabled_dedup_decides_nothing():
    body = article(53)
    cfg = DedupConfig(enabled=False)
    assert decide([make_doc("a.txt", body), make_doc("b.txt", body)], cfg=cfg).duplicates == {}


def test_lsh_candidate_curve_matches_the_documented_figures():
    b, r = CFG.bands, CFG.rows
    p = lambda s: 1 - (1 - s ** r) ** b  # noqa: E731
    assert p(0.7) > 0.9998 and p(0.6) > 0.988 and 0.87 < p(0.5) < 0.88 and p(0.2) < 0.05


# ---- across runs (the corpus in the store) ---------------------------------------------
def _store_with(tmp_path: Path, docs):
    clean = tmp_path / "clean"
    write_corpus(clean, "run1-00001.jsonl", docs)
    store = StateStore.open(clean)
    store.commit_batch([], [(s, "run1-00001.jsonl") for s in sigs_of(docs)])
    return store


def test_new_syndicated_copy_of_a_corpus_article_is_its_duplicate(tmp_path):
    body = article(60)
    old = make_doc("day1/a.txt", body[:7])              # shorter, but already in the corpus
    other = make_doc("day1/b.txt", article(61))
    store = _store_with(tmp_path, [old, other])
    try:
        copy = make_doc("day2/a.txt", body)                  # longer syndicated copy
        fresh = make_doc("day2/c.txt", article(62))
        same = make_doc("day2/b.txt", article(61))           # word for word
        r = decide([copy, fresh, same], store)
        assert set(r.duplicates) == {copy.id, same.id}
        assert r.duplicates[copy.id].keeper_id == old.id     # the old one keeps its place
        assert r.duplicates[same.id].keeper_id == other.id and r.duplicates[same.id].kind == "exact"
        assert all(c["keeper"]["stored"] and "already in the corpus" in c["why"]
                   for c in r.clusters) and len(r.clusters) == 2
    finally:
        store.close()


def test_reprocessed_unit_is_not_a_duplicate_of_its_old_self(tmp_path):
    body = article(63)
    store = _store_with(tmp_path, [make_doc("a.txt", body)])
    try:
        assert decide([make_doc("a.txt", body)], store).duplicates == {}
    finally:
        store.close()


def test_changed_signature_settings_reindex_the_corpus(tmp_path):
    body = article(64)
    store = _store_with(tmp_path, [make_doc("a.txt", body)])
    try:
        cfg = DedupConfig(bands=16, rows=8)
        r = decide([make_doc("b.txt", body)], store, cfg=cfg)
        assert r.duplicates[make_doc("b.txt", body).id].keeper_id == make_doc("a.txt", body).id
    finally:
        store.close()


def test_similarity_counts_overlap_over_union_and_smaller_set():
    a = np.array([1, 2, 3, 4], dtype=np.uint32)
    b = np.array([3, 4, 5, 6, 7, 8], dtype=np.uint32)
    assert dedup.similarity(a, b) == (2 / 8, 2 / 4)
    assert dedup.similarity(a, np.zeros(0, dtype=np.uint32)) == (0.0, 0.0)


def test_vectorised_minhash_equals_datasketch_update_batch():
    from datasketch import MinHash
    rng = np.random.default_rng(3)
    for n in (1, 7, 1000, 20_000):                       # 20k crosses the chunk size
        sh = np.unique(rng.integers(0, 2**32, n, dtype=np.uint64).astype(np.uint32))
        ref = MinHash(num_perm=128, seed=dedup.MINHASH_SEED, hashfunc=int, scheme="affine32")
        ref.update_batch(sh.tolist())
        assert np.array_equal(dedup.minhash_values(sh, 128), ref.hashvalues)


def test_scripts_without_spaces_are_shingled_per_character():
    # invented "articles" over a CJK character set: a light edit joins, another text does not
    import random
    rng = random.Random(9)
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 400)]
    def cjk(seed):
        r = random.Random(seed)
        return ["".join(r.choice(chars) for _ in range(120)) + "。" for _ in range(5)]
    body = cjk(1)
    edited_body = list(body)
    edited_body[2] = edited_body[2][:50] + "".join(rng.choice(chars) for _ in range(3)) + edited_body[2][50:]
    assert dedup.normalised_words("東京 test")[:2] == ["東", "京"]
    a, b, c = (make_doc("zh/a.txt", body), make_doc("zh/b.txt", edited_body),
               make_doc("zh/c.txt", cjk(2)))
    r = decide([a, b, c])
    assert set(r.duplicates) == {a.id} and r.duplicates[a.id].keeper_id == b.id   # b is longer


def test_stored_permutations_are_datasketchs_own():
    from datasketch import MinHash
    dedup._minhash_template.cache_clear()
    a, b, initial = dedup._minhash_template(128)
    ref = MinHash(num_perm=128, seed=dedup.MINHASH_SEED, hashfunc=int, scheme="affine32")
    assert np.array_equal(a, ref.permutations[0]) and np.array_equal(b, ref.permutations[1])
    assert np.array_equal(initial, ref.hashvalues) and a.dtype == ref.permutations[0].dtype
    # another size is drawn by datasketch itself
    a64, _, init64 = dedup._minhash_template(64)
    assert np.array_equal(a64, MinHash(num_perm=64, seed=dedup.MINHASH_SEED, hashfunc=int,
                                       scheme="affine32").permutations[0]) and init64.size == 64


def test_signing_does_not_import_datasketch():
    code = ("import sys; sys.path.insert(0, 'tests'); from dedup_helpers import article, make_doc;"
            "from cleaners import dedup; from cleaners.config import DedupConfig;"
            "dedup.signature(make_doc('a.txt', article(51)), DedupConfig());"
            "print('datasketch' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout
    assert out.split() == ["False", "False"]
