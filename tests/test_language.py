"""Language stage: seeded langdetect on a spread sample, mixed-paragraph flags, keep list.

All texts here are invented for these tests."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from cleaners import language
from cleaners.config import Config, from_dict
from cleaners.document import FLAG, Document, Origin, Paragraph, Reject

EN = [
    "The town council of Eastmere voted on Tuesday to turn the old bus depot on Harbour Road into "
    "a covered market, ending a dispute that has divided residents for almost three years.",
    "Under the plan, which was approved by seven votes to four, the council will spend about 2.4 "
    "million pounds on repairs to the roof and the drains before the first traders move in next spring.",
    "Supporters say the market will bring people back to a part of the town that has lost most of "
    "its shops since the depot closed. Opponents had argued that the site should be sold for housing.",
    "“We have waited a long time for this, and I think most people here will be glad that the "
    "building is not going to be knocked down,” said Mary Holt, who has sold vegetables from a "
    "stall on the seafront for twenty years.",
    "The council said it would publish the rules for traders in the summer and that local "
    "producers would be given priority for the first sixty stalls.",
]
DE = [
    "Der Gemeinderat von Neustadt hat am Dienstag beschlossen, das alte Busdepot am Hafen in eine "
    "überdachte Markthalle umzubauen. Damit endet ein Streit, der die Einwohner fast drei Jahre "
    "lang beschäftigt hat.",
    "Nach dem Plan, der mit sieben zu vier Stimmen angenommen wurde, will die Stadt rund zwei "
    "Millionen Euro für die Reparatur des Daches ausgeben, bevor im nächsten Frühjahr die ersten "
    "Händler einziehen.",
    "Die Befürworter sagen, dass der Markt wieder mehr Menschen in einen Teil der Stadt bringen "
    "wird, in dem seit der Schließung des Depots die meisten Geschäfte verschwunden sind.",
]
FR = [
    "Le conseil municipal de Villeneuve a voté mardi la transformation de l'ancien dépôt de bus du "
    "port en marché couvert, mettant fin à un débat qui divisait les habitants depuis près de trois ans.",
    "Selon le projet, adopté par sept voix contre quatre, la commune dépensera environ deux millions "
    "d'euros pour réparer la toiture avant l'arrivée des premiers commerçants au printemps prochain.",
]
ES_PARA = ("El ayuntamiento aprobó el martes la reforma de la antigua estación de autobuses del "
           "puerto, que se convertirá en un mercado cubierto con sesenta puestos para los "
           "productores de la comarca.")
RU_PARA = ("Городской совет во вторник проголосовал за то, чтобы превратить старое автобусное депо "
           "у порта в крытый рынок. Этот спор разделял жителей почти три года.")
# Real content with hardly any stop words of any language: must not be taken for a foreign text.
RESULTS_PARA = ("Results: Holt 1,204; Marsh 987; Okafor 812; Lindqvist 455; Brennan 301; Dupont 122; "
                "Kowalski 98; Rossi 61; turnout 41.2 per cent; spoiled ballots 17.")


def make_doc(paras: list[str], source: str = "t.txt") -> Document:
    return Document.new(source, Origin(source), paragraphs=[Paragraph(t) for t in paras],
                        raw_text="\n\n".join(paras))


def ctx_with(**language_cfg) -> SimpleNamespace:
    return SimpleNamespace(config=from_dict({"language": language_cfg}))


def run(paras: list[str], **language_cfg) -> Document:
    doc = make_doc(paras)
    language.apply(doc, ctx_with(**language_cfg))
    return doc


def mixed_flags(doc: Document) -> list:
    return [e for e in doc.edits if e.stage == "language" and e.rule == "mixed_paragraph"]


# ---- article language ------------------------------------------------------------------------
@pytest.mark.parametrize("paras, lang", [(EN, "en"), (DE, "de"), (FR, "fr")])
def test_detects_the_article_language_with_its_probability(paras, lang):
    doc = run(paras)
    assert doc.lang == lang
    assert 0.9 <= doc.lang_prob <= 1.0


def test_results_never_change_between_runs_and_ignore_the_global_seed():
    from langdetect import DetectorFactory
    ambiguous = ["Hotel Restaurant Bar Taxi Pizza Radio Musik Kultur Sport Natur Piano Forte"]
    first = run(ambiguous)
    DetectorFactory.seed = 12345          # somebody else's global seed must not matter
    try:
        again = [run(ambiguous) for _ in range(5)]
    finally:
        DetectorFactory.seed = None
    assert {(d.lang, d.lang_prob) for d in again} == {(first.lang, first.lang_prob)}


def test_the_seed_comes_from_the_config():
    # On an ambiguous text langdetect's answer depends on its seed: the config's seed is used.
    ambiguous = ["Hotel Restaurant Bar Taxi Pizza Radio Musik Kultur Sport Natur Piano Forte"]
    by_seed = {seed: run(ambiguous, seed=seed) for seed in range(6)}
    assert len({(d.lang, d.lang_prob) for d in by_seed.values()}) > 1
    for seed, doc in by_seed.items():
        assert (doc.lang, doc.lang_prob) == language.detect(ambiguous[0], seed, 20)


@pytest.mark.parametrize("paras", [[], [""], ["42"], ["Ok."], ["— 12:30 —"], ["#### $$$ 1234 5678"]])
def test_short_or_empty_text_gets_no_language_and_no_crash(paras):
    doc = run([p for p in paras])
    assert doc.lang is None and doc.lang_prob is None
    assert mixed_flags(doc) == []


def test_sample_spans_the_article_and_is_bounded():
    paras = [f"Paragraph number {i} of the story says something about the harbour market plan."
             for i in range(40)]
    sample = language.build_sample(paras, 300)
    assert len(sample) <= 300 + 3           # pieces joined by newlines
    assert "number 0 " in sample and "number 20 " in sample     # start and middle
    assert "number 1 " not in sample        # not simply the first paragraphs in a row
    one_block = language.build_sample([" ".join(paras)], 300)
    assert 250 <= len(one_block) <= 300      # a text without paragraph breaks uses the budget


def test_a_lead_in_another_language_does_not_decide():
    # The first 300 characters are mostly French; pieces spread over the article are English.
    paras = FR[:1] + EN
    assert language.detect(" ".join(paras)[:300], 0, 20)[0] == "fr"
    assert run(paras, sample_chars=300).lang == "en"


def test_spread_order_visits_every_index_once_spreading_early():
    order = list(language.spread_order(8))
    assert sorted(order) == list(range(8))
    assert order[:4] == [0, 4, 2, 6]
    assert list(language.spread_order(0)) == []


# ---- keep list -----------------------------------------------------------------------------
def test_unwanted_language_is_rejected_with_names():
    with pytest.raises(Reject) as err:
        run(DE, keep=["en"])
    assert str(err.value) == "language.unwanted: de not in [en]"
    assert err.value.quarantine is False


def test_wanted_language_passes_and_default_keeps_every_language():
    assert run(EN, keep=["en", "fr"]).lang == "en"
    assert run(DE).lang == "de"             # default: keep all, tagged


def test_keep_matches_case_insensitively_and_by_base_code():
    assert language.wanted("zh-cn", ["zh"]) and language.wanted("en", ["EN"])
    assert not language.wanted("zh-tw", ["en", "z"])


def test_undetermined_language_is_left_to_the_quality_stage():
    assert run(["Ok."], keep=["en"]).lang is None      # no Reject raised


# ---- mixed paragraphs ------------------------------------------------------------------------
def test_paragraph_in_another_script_is_flagged_with_its_language():
    doc = run(EN[:3] + [RU_PARA] + EN[3:])
    flags = mixed_flags(doc)
    assert [f.para for f in flags] == [3] and flags[0].action == FLAG
    assert doc.paragraphs[3].attrs["lang"] == "ru"
    assert "cyrillic" in flags[0].note and "inside a en article" in flags[0].note
    assert "language.mixed_paragraph" in doc.flags
    assert doc.lang == "en"                  # the foreign paragraph is left out of the sample
    assert doc.paragraphs[3].text == RU_PARA  # flagged, never removed


def test_many_foreign_paragraphs_cost_one_langdetect_call_per_script(monkeypatch):
    calls = []
    real = language.detect
    monkeypatch.setattr(language, "detect", lambda *a: calls.append(a[0]) or real(*a))
    ru = [RU_PARA, "Рынок откроется весной, а первые торговцы получат места бесплатно на год.",
          "Мэр города заявил, что решение было трудным, но большинство жителей его поддерживает."]
    doc = run(EN[:2] + ru + EN[2:] + ru)
    assert [f.para for f in mixed_flags(doc)] == [2, 3, 4, 8, 9, 10]
    assert {doc.paragraphs[i].attrs["lang"] for i in (2, 3, 4, 8, 9, 10)} == {"ru"}
    assert len(calls) == 2                   # the article sample + the Cyrillic paragraphs


def test_same_script_paragraph_in_another_language_is_flagged():
    doc = run(EN[:2] + [ES_PARA] + EN[2:])
    assert [f.para for f in mixed_flags(doc)] == [2]
    assert doc.paragraphs[2].attrs["lang"] == "es"


def test_german_article_with_an_english_paragraph():
    doc = run(DE + [EN[0]])
    assert doc.lang == "de"
    assert [f.para for f in mixed_flags(doc)] == [3]
    assert doc.paragraphs[3].attrs["lang"] == "en"


def test_names_and_figures_are_not_foreign_and_cost_no_langdetect_call(monkeypatch):
    calls = []
    real = language.detect
    monkeypatch.setattr(language, "detect", lambda *a: calls.append(a[0]) or real(*a))
    doc = run(EN + [RESULTS_PARA, "Cast: Anna Kowalski, Pedro Alvarez, Jean Dupont, Hans Becker, "
                               "Maria Rossi, Erik Lindqvist, Tom Brennan, Ana Souza"])
    assert mixed_flags(doc) == []
    assert len(calls) == 1                   # the article sample only


def test_homoglyphs_inside_english_words_are_not_a_foreign_script():
    # Cyrillic "с" and "р" posing as Latin letters (a scraping artifact, not Russian text)
    doc = run(EN[:2] + ["The council will сhoose the traders and рublish the rules for the "
                        "first sixty stalls in the summer, the mayor said on Tuesday."])
    assert mixed_flags(doc) == []


def test_short_foreign_lines_are_not_checked():
    doc = run(EN + ["Спасибо!", "¡Gracias a todos!"])
    assert mixed_flags(doc) == []


def test_mixed_flag_can_be_switched_off():
    assert mixed_flags(run(EN + [RU_PARA], mixed_paragraphs=False)) == []


def test_huge_degenerate_paragraph_is_cheap():
    doc = make_doc(["word " * 400_000])
    started = time.perf_counter()
    language.apply(doc, SimpleNamespace(config=Config()))
    assert time.perf_counter() - started < 0.5
    assert mixed_flags(doc) == []


# ---- helpers the quality stage shares --------------------------------------------------------
def test_stopword_lists_load_per_language_and_unknown_codes_are_empty():
    assert {"the", "and", "of"} <= language.stopwords("en")
    assert {"der", "und"} <= language.stopwords("de")
    assert language.stopwords("xx") == frozenset()
    assert language.stopwords("../etc/passwd") == frozenset()
    assert language.stopwords(None) == frozenset()


def test_dominant_script_and_foreign_script_letters():
    assert language.dominant_script(EN[0]) == "latin"
    assert language.dominant_script(RU_PARA) == "cyrillic"
    assert language.dominant_script("12 345 — !") is None
    own, other = language.foreign_script_letters(RU_PARA, "latin")
    assert own == 0 and other > 80



@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=300), max_size=6))
def test_any_text_gets_a_language_or_none_and_the_same_one_twice(paras):
    paras = [p for p in paras if p.strip()]
    first, second = run(paras), run(paras)
    assert (first.lang, first.lang_prob) == (second.lang, second.lang_prob)
    assert first.lang is None or (0.0 < first.lang_prob <= 1.0)
    assert [e.para for e in first.edits] == [e.para for e in second.edits]


# ---- fast paths, each against the plain computation it stands for --------------------------
def test_latin_only_never_misses_a_letter_of_another_script():
    # every code point of every non-Latin range, alone and inside Latin text
    for name, chars in language.SCRIPT_RANGES.items():
        if name == "latin":
            continue
        for lo, hi in language._range_pairs(chars):
            for cp in range(lo, hi + 1):
                assert not language.latin_only(f"The council {chr(cp)}"), hex(cp)
    english = "“We’re glad,” said Mary — €2.4m, 3½ km… naïve café Œuvre ﬁne ™"
    assert language.latin_only(english) and language.latin_only("")
    assert language.latin_only("\ud800") is False     # a lone surrogate: "maybe", no crash


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF), max_size=60))
def test_latin_only_agrees_with_the_script_ranges(text):
    if language.latin_only(text):
        assert language._NON_LATIN_LETTER.search(text) is None


LETTERY = st.text(alphabet="ab É1_ ²ж中-.\n\u0301", max_size=80)


@settings(max_examples=300, deadline=None)
@given(LETTERY, st.integers(0, 30))
def test_letter_thresholds_agree_with_counting(text, n):
    assert language.has_letters(text, n) == (language._letters(text) >= n)
    assert language.has_script_letters(text, n) == (sum(language.script_counts(text).values()) >= n)


@pytest.mark.parametrize("text", [EN[0], RU_PARA, "12 345 — !", "", "Ωmega café", "Việt Nam ở",
                                  "The council сhoose рublish", "中文 and English words here"])
def test_dominant_script_fast_path_agrees_with_the_counts(text):
    counts = language.script_counts(text)
    assert language.dominant_script(text) == (max(counts, key=counts.get) if counts else None)


def plain_stopword_candidates(doc, cfg):
    """stopword_candidates as it was written before its fast path (the reference)."""
    own_stops = language.stopwords(doc.lang)
    out = []
    for i, p in enumerate(doc.paragraphs):
        tokens = p.text.split(None, language.MIXED_MAX_WORDS)[:language.MIXED_MAX_WORDS]
        words = [w for w in map(language.norm_word, tokens) if w]
        if len(words) < cfg.mixed_min_words:
            continue
        own = sum(1 for w in words if w in own_stops) / len(words)
        if own >= cfg.mixed_max_stopword_share:
            continue
        shares = language.stopword_shares(words)
        shares.pop(doc.lang, 0.0)
        if shares and max(shares.values()) >= own + language.MIXED_LEAD:
            out.append(i)
    return out


TOKENS = ["the", "The", "THE", "(the", "the,", "«the»", "—", "...", "of", "and", "el", "la", "de",
          "que", "y", "und", "der", "harbour", "council", "market", "Dupont", "1,204;", "*", "İ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(TOKENS), max_size=40), min_size=1, max_size=6),
       st.sampled_from(["en", "es", "de"]))
def test_stopword_candidates_fast_path_agrees_with_the_plain_one(paragraphs, lang):
    doc = make_doc([" ".join(p) for p in paragraphs])
    doc.lang = lang
    cfg = Config().language
    assert language.stopword_candidates(doc, cfg) == plain_stopword_candidates(doc, cfg)


def test_stopword_candidates_fast_path_positive_and_negative():
    cfg = Config().language
    doc = make_doc([EN[0], ES_PARA, RESULTS_PARA])
    doc.lang = "en"
    assert language.stopword_candidates(doc, cfg) == plain_stopword_candidates(doc, cfg) == [1]
