"""cleaners.fastdetect must give exactly langdetect's answer (languages and probabilities)."""
from __future__ import annotations

import random
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langdetect import detector_factory
from langdetect.lang_detect_exception import LangDetectException

from cleaners import fastdetect

# Invented sentences, a few per script, with the things langdetect treats specially: capitals
# in a row, URLs and mail addresses, Vietnamese combining marks, Romanian comma-below letters,
# kana and hangul (folded to one letter each), Latin mixed into another script.
TEXTS = [
    "The ferry council approved a new timetable on Monday, and residents welcomed it.",
    "THE NASA AND FBI REPORT was published by the BBC in London on Tuesday afternoon.",
    "Der Stadtrat hat den neuen Fahrplan am Montag genehmigt, sagten die Anwohner.",
    "Le conseil municipal a approuvé le nouveau projet lundi, ont indiqué les habitants.",
    "El ayuntamiento aprobó el nuevo horario el lunes, según los vecinos del barrio.",
    "Consiliul local a aprobat noul orar luni, au spus locuitorii din oraș și din țară.",
    "Городской совет в понедельник утвердил новое расписание парома, сообщили жители.",
    "市议会周一批准了新的渡轮时刻表，居民们表示欢迎。",
    "市議会は月曜日に新しいフェリーの時刻表を承認しました。ひらがなとカタカナ。",
    "시의회는 월요일에 새로운 여객선 시간표를 승인했다고 주민들이 말했다.",
    "Hội đồng thành phố đã phê duyệt lịch trình mới vào thứ Hai.",
    "Vie\u0301t Nam la\u0300 mo\u0323t quo\u0302\u0301c gia o\u031b\u0309 \u0110o\u0302ng Nam A\u0301.",
    "مجلس المدينة وافق على الجدول الجديد يوم الاثنين، حسب السكان.",
    "מועצת העיר אישרה את לוח הזמנים החדש ביום שני, אמרו התושבים.",
    "Το δημοτικό συμβούλιο ενέκρινε το νέο πρόγραμμα τη Δευτέρα.",
    "नगर परिषद ने सोमवार को नई समय सारिणी को मंजूरी दी।",
    "Read more at https://news.example.org/story?id=12&x=y or write to desk@example.org today.",
    "Городской совет approved the plan: the BBC and ТАСС reported it on Monday morning.",
    "  spaces   and\ttabs\n\nand   new lines   between   the words of this sentence  ",
    "İstanbul ŞEHİR meclisi ĞÜÇ kararı aldı ve sakinler memnun kaldı.",
    "x", "12 345 678", "",
]


def reference(text: str, seed: int):
    detector_factory.init_factory()
    detector = detector_factory._factory.create()
    detector.seed = seed
    detector.append(text)
    try:
        return [(lang.lang, lang.prob) for lang in detector.get_probabilities()]
    except LangDetectException:
        return "no features"


def fast(text: str, seed: int):
    try:
        return [(lang.lang, lang.prob) for lang in fastdetect.probabilities(text, seed)]
    except LangDetectException:
        return "no features"


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("seed", [0, 7])
def test_same_languages_and_probabilities_as_langdetect(text, seed):
    assert fast(text, seed) == reference(text, seed)


def test_long_text_is_cut_where_langdetect_cuts_it():
    rng = random.Random(5)
    words = "the council ferry harbour approved timetable residents said monday new".split()
    text = " ".join(rng.choice(words) for _ in range(3000))     # ~20,000 chars > 10,000 limit
    assert fast(text, 0) == reference(text, 0)


def test_no_features_raises_like_langdetect():
    assert fast("https://example.org/only-a-link 12345", 0) == "no features"
    assert reference("https://example.org/only-a-link 12345", 0) == "no features"


def test_the_answer_is_a_language_with_its_probability():
    langs = fastdetect.probabilities(TEXTS[0], 0)
    assert langs[0].lang == "en" and 0.9 < langs[0].prob <= 1.0


ALPHABET = ("abcdefgABCDEFG éèÉÀßẞṭḥẦĳǅǆ,.;-'привет ПРИВЕТ日本かカ한اש\u0301\u0300\u00a0\u3000"
            "\u200b\n\t@:/?=")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=150), st.integers(0, 3))
def test_any_text_gives_langdetects_answer(text, seed):
    assert fast(text, seed) == reference(text, seed)


# ---- the fast paths inside, each against the plain computation it replaces ------------------
def test_ngrams_are_langdetects_own_ngrams():
    for text in TEXTS + ["word, word. (word) «word» word-word WORD’s", "a  b\u3000c\u00a0d,,e "]:
        detector_factory.init_factory()
        detector = detector_factory._factory.create()
        detector.append(text)
        detector.cleaning_text()
        cleaned = fastdetect.target_text(text, detector.max_text_length)
        assert cleaned == detector.text
        assert fastdetect.extract_ngrams(cleaned) == detector._extract_ngrams()


def test_mostly_non_latin_text_loses_its_latin_letters_like_langdetect():
    kept = "Городской совет approved the plan on Monday"          # Latin letters outnumber
    dropped = "Городской совет в понедельник утвердил plan"       # Cyrillic more than twice
    assert "approved" in fastdetect.target_text(kept, 10_000)
    assert "plan" not in fastdetect.target_text(dropped, 10_000)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**64), st.integers(1, 40_000), st.lists(st.integers(1, 60), max_size=8))
def test_replay_draws_what_random_draws(seed, n, trials):
    rng, replay = random.Random(seed), fastdetect._Replay(seed, n)
    for used in trials:
        assert replay.gauss() == rng.gauss(0.0, 1.0)
        ahead = replay.draws(0, used + 9).tolist()     # a trial reads ahead of what it uses
        assert replay.draws(used, 9).tolist() == ahead[used:]
        assert ahead[:used] == [rng.choice(range(n)) for _ in range(used)]
        replay.advance(used)


def test_replay_reads_past_its_first_window():
    # n = 2**k + 1 keeps barely half of the outputs: 700 draws need ~1400 > FIRST_WINDOW
    n = 2**12 + 1
    rng, replay = random.Random(3), fastdetect._Replay(3, n)
    assert replay.draws(0, 700).tolist() == [rng.choice(range(n)) for _ in range(700)]
    assert fastdetect.replay_matches_random()


def plain_converged(values, total):
    return max(v / total for v in values) > 0.99999


@settings(max_examples=500, deadline=None)
@given(st.lists(st.floats(0.0, 1e300), min_size=2, max_size=55), st.integers(0, 54))
def test_leader_shortcut_answers_like_the_full_max(values, leader):
    total = sum(values)
    if total <= 0 or total == float("inf"):
        return
    leader %= len(values)
    converged, new_leader = fastdetect._converged(values, total, leader)
    assert converged == plain_converged(values, total)
    if new_leader != leader:
        assert values[new_leader] == max(values)


@pytest.mark.parametrize("values, expected", [
    ([1.0, 1e-6, 1e-6], True),              # the leader passes the threshold
    ([1.0, 1e-4, 1e-4], False),             # close, but not past it
    ([1e-9, 1.0, 1e-6], True),              # a stale leader: the full max finds the new one
    ([1e-9, 1.0, 1e-3], False),
])
def test_leader_shortcut_on_the_edges(values, expected):
    assert fastdetect._converged(values, sum(values), 0)[0] is expected


def test_grouped_product_is_the_sequential_product_bit_for_bit():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        rows = rng.random((6, 55)) * 10.0 ** rng.uniform(-12, 0, size=(6, 1))
        sequential = rows[0].copy()
        for row in rows[1:]:
            sequential *= row
        grouped = np.empty(55)
        np.multiply.reduce(rows, axis=0, out=grouped)
        assert grouped.tobytes() == sequential.tobytes()


def test_threads_sharing_the_model_get_langdetects_answers():
    texts = [f"{TEXTS[i % 17]} {i} " + " ".join(chr(0x4e00 + 37 * i + k) for k in range(30))
             for i in range(40)]                  # new n-grams: the profile table grows meanwhile
    expected = [reference(t, 1) for t in texts]
    results = [None] * len(texts)

    def work(k):
        for i in range(k, len(texts), 4):
            results[i] = fast(texts[i], 1)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_without_a_faithful_replay_langdetect_itself_answers(monkeypatch):
    monkeypatch.setattr(fastdetect.model(), "replay_ok", False)
    for text in TEXTS[:6]:
        assert fast(text, 7) == reference(text, 7)
    assert fast(TEXTS[0], None)[0][0] == "en"        # seed None: fresh entropy, as langdetect


def test_the_list_sum_path_gives_langdetects_answer_too(monkeypatch):
    # Python 3.12+ compensates sum()'s rounding: there the list is summed by sum() itself
    monkeypatch.setattr(fastdetect, "_SUM_IN_ORDER", False)
    for text in TEXTS[:8]:
        assert fast(text, 3) == reference(text, 3)


def test_accumulate_adds_in_order_like_sum_on_this_python():
    if not fastdetect._SUM_IN_ORDER:
        pytest.skip("sum() compensates its rounding on this Python")
    rng = np.random.default_rng(1)
    for _ in range(2000):
        values = rng.random(55) * 10.0 ** rng.uniform(-200, 200, size=55)
        assert np.add.accumulate(values)[-1] == sum(values.tolist())
