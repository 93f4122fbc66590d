"""textedit: the diff behind the unicode stage's edits must be exactly SequenceMatcher's.

`differing_runs` finds SequenceMatcher(None, old, new, autojunk=False)'s blocks another way (runs
of equal GRAM-character pieces, and SequenceMatcher's own search where no long run exists); where
two alignments are equally good it must pick the same one, since that decides the edit log.
"""
import random
from difflib import SequenceMatcher

import ftfy
from hypothesis import given, settings, strategies as st

from cleaners import textedit
from cleaners.textedit import Change, diff_changes, differing_runs


def reference_runs(old, new):
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in
            SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if tag != "equal"]


def reference_changes(old, new, rule="r", note=""):
    """diff_changes as it was written on SequenceMatcher's opcodes."""
    spans = []
    for i1, i2, j1, j2 in reference_runs(old, new):
        a1, a2 = textedit._widen(old, i1, i2)
        b1, b2 = j1 - (i1 - a1), j2 + (a2 - i2)
        if spans and a1 <= spans[-1][1]:
            spans[-1][1], spans[-1][3] = a2, b2
        else:
            spans.append([a1, a2, b1, b2])
    return [Change(a1, a2, new[b1:b2], rule, note) for a1, a2, b1, b2 in spans]


def assert_same(old, new):
    assert differing_runs(old, new) == reference_runs(old, new)
    assert diff_changes(old, new, "r") == reference_changes(old, new)


ARTICLE = ("The council’s plan for the café was approved on Tuesday, officials said. "
           "“We couldn’t let it go,” said Zoë Müller — the ferry’s longest-serving skipper. "
           "The vote was 2,140 to 1,877; turnout was 61.5%. ")


def mojibake(text):
    return text.encode("utf-8").decode("windows-1252", errors="replace")


def test_mojibake_article_gives_the_same_changes():
    old = mojibake(ARTICLE * 3)
    assert old != ARTICLE * 3
    fixed = ftfy.fix_text(old, uncurl_quotes=False)
    assert_same(old, fixed)
    first = diff_changes(old, fixed, "mojibake")[0]
    assert (old[first.start:first.end], first.new) == ("councilâ€™s", "council’s")


def test_where_two_alignments_tie_the_same_one_is_chosen():
    # deleting one of two spaces, one of two "aa", a repeated phrase moved or doubled
    for old, new in [("a  b", "a b"), ("xaay", "xay"), ("abc abc abc", "abc abc"),
                     ("the cat sat on the mat. the cat sat", "the cat sat on the mat."),
                     ("one two three four five six", "four five six one two three"),
                     ("aaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaa"),
                     ("abcdefghij" * 6, "abcdefghij" * 5 + "abcdeXghij"),
                     ("", "abc"), ("abc", ""), ("abcdefghijk", "abcdefghijk")]:
        assert_same(old, new)


def test_unrelated_long_texts_use_sequence_matchers_own_search():
    # no common run of GRAM characters in a large range: the slow search decides
    rng = random.Random(3)
    letters = "abcdefghijklmnopqrstuvwxyz"
    old = "".join(rng.choice(letters) for _ in range(400))
    new = "".join(rng.choice(letters) for _ in range(380))
    assert all(k < textedit.GRAM for *_, k in SequenceMatcher(None, old, new,
                                                             autojunk=False).get_matching_blocks())
    assert_same(old, new)


def test_common_runs_are_the_maximal_common_substrings():
    old, new = "xx the cat sat yy the cat sat", "the cat sat zz"
    runs = sorted(textedit._common_runs(old, new))
    assert runs == [(3, 0, 12), (18, 0, 11)]  # "the cat sat " and "the cat sat"
    assert textedit._common_runs("abcdefg", "abcdefg") == []  # shorter than GRAM: none


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab ", max_size=40), st.text(alphabet="ab ", max_size=40))
def test_same_as_sequence_matcher_on_small_alphabets(old, new):
    assert_same(old, new)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["the ", "cat ", "sat ", "Ã©", "é", "â€™", "’", " ", "  ",
                                 "\u00a0", "on the mat", "x"]), max_size=60).map("".join),
       st.randoms(use_true_random=False))
def test_same_as_sequence_matcher_on_edited_text(old, rnd):
    # `new` is `old` with a few pieces replaced, dropped or doubled: long runs and repeats
    pieces = [old[k:k + rnd.randint(1, 9)] for k in range(0, len(old), 9)]
    new = "".join(rnd.choice([p, p, p, p * 2, "", "é", p.upper()]) for p in pieces)
    assert_same(old, new)
