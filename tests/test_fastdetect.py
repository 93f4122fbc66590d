"""cleaners.fastdetect must give exactly langdetect's answer (languages and probabilities)."""
from __future__ import annotations

import random

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
