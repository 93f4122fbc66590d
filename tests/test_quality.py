"""Quality stage: each signal on small invented texts, and the keep/quarantine/drop decision.

All texts here are invented for these tests."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from cleaners import quality
from cleaners.config import ConfigError, from_dict
from cleaners.document import Document, Origin, Paragraph, Reject, rejection_record

ARTICLE = [
    "Eastmere votes to turn old bus depot into covered market",
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
GERMAN = [
    "Der Gemeinderat von Neustadt hat am Dienstag beschlossen, das alte Busdepot am Hafen in eine "
    "überdachte Markthalle umzubauen. Damit endet ein Streit, der die Einwohner fast drei Jahre "
    "lang beschäftigt hat.",
    "Nach dem Plan, der mit sieben zu vier Stimmen angenommen wurde, will die Stadt rund zwei "
    "Millionen Euro für die Reparatur des Daches ausgeben, bevor im nächsten Frühjahr die ersten "
    "Händler einziehen. Die Befürworter sagen, dass der Markt wieder mehr Menschen in einen Teil "
    "der Stadt bringen wird, in dem seit der Schließung des Depots die meisten Geschäfte "
    "verschwunden sind. Die Gegner wollten das Grundstück für Wohnungen verkaufen.",
]
NAV_ONLY = ["Home | News | Politics | Business | Contact", "Home / World / Europe",
            "Skip to content", "Copyright © 2024 Eastmere Gazette"]
SUBJECTS = ["Council", "Mayor", "Harbour board", "Police", "School governors", "Traders",
            "Rail operator", "Hospital trust", "Fishermen", "Library"]
ACTIONS = ["approves plan for", "delays decision on", "warns about costs of",
           "opens talks over"]
OBJECTS = ["the new market hall", "seafront parking charges", "the ferry timetable"]
# A page of link lists: a nav bar, then headlines, then a footer.
LINK_PAGE = ["Home | News | Sport | Business | Culture | Weather", "Latest headlines"] + [
    f"{s} {a} {o} in Eastmere" for s in SUBJECTS for a in ACTIONS[:2] for o in OBJECTS[:2]
] + ["Copyright © 2024 Eastmere Gazette. All rights reserved."]


def make_doc(paras: list[str], lang: str | None = "en", raw: str | None = None) -> Document:
    doc = Document.new("t.txt", Origin("t.txt"), paragraphs=[Paragraph(t) for t in paras],
                       raw_text=raw if raw is not None else "\n\n".join(paras))
    doc.lang = lang
    return doc


def ctx(**quality_cfg) -> SimpleNamespace:
    return SimpleNamespace(config=from_dict({"quality": quality_cfg}))


def judge(paras: list[str], lang: str | None = "en", **quality_cfg) -> tuple[Document, Reject | None]:
    doc = make_doc(paras, lang)
    try:
        quality.apply(doc, ctx(**quality_cfg))
    except Reject as rej:
        return doc, rej
    return doc, None


def signals(paras: list[str], lang: str | None = "en") -> dict:
    return quality.measure(make_doc(paras, lang))


# ---- signals -----------------------------------------------------------------------------
def test_word_count_and_mean_word_length():
    s = signals(["One two three.", "Four five six seven."])
    assert s["word_count"] == 7 and s["paragraph_count"] == 2
    assert s["mean_word_length"] == pytest.approx(len("onetwothreefourfivesixseven") / 7, abs=1e-3)


def test_mean_word_length_ignores_surrounding_punctuation():
    assert signals(["“Yes,” (she) said."])["mean_word_length"] == pytest.approx(10 / 3, abs=1e-3)


def test_symbol_to_word_ratio_counts_hashes_ellipses_pipes_and_bullets():
    s = signals(["#one #two ... three | four • five six seven eight nine ten…"])
    assert s["symbol_word_ratio"] == pytest.approx(6 / 13, abs=1e-3)
    assert signals(ARTICLE)["symbol_word_ratio"] == 0


def test_terminal_punctuation_share_by_lines_and_by_characters():
    s = signals(["A heading without a stop", "A sentence that ends.", "Did it end?",
                 "He said: “It ended.”", "The statement read:"])
    assert s["terminal_punct_share"] == pytest.approx(4 / 5)
    lines = ["A heading without a stop", "A sentence that ends.", "Did it end?",
             "He said: “It ended.”", "The statement read:"]
    ended = sum(map(len, lines[1:]))
    assert s["terminal_punct_char_share"] == pytest.approx(ended / sum(map(len, lines)), abs=1e-3)


def test_duplicate_line_and_paragraph_fractions():
    s = signals(["Alpha beta.", "Gamma delta.", "Alpha beta.", "Alpha beta.", "Epsilon zeta eta theta."])
    assert s["dup_para_fraction"] == pytest.approx(2 / 5)
    assert s["dup_line_fraction"] == pytest.approx(2 / 5)
    total = 11 + 12 + 11 + 11 + 23
    assert s["dup_para_char_fraction"] == pytest.approx(22 / total, abs=1e-3)
    lines = signals(["First line.\nSecond line.\nFirst line.", "Another paragraph."])
    assert lines["dup_line_fraction"] == pytest.approx(1 / 4)
    assert lines["dup_para_fraction"] == 0


def test_top_ngram_shares_follow_gopher():
    s = signals(["spam spam spam spam spam spam"])
    assert s["top_2gram_share"] == 1.0 and s["top_4gram_share"] == 1.0   # capped at 1
    s = signals(["the cat sat on the mat near the cat"])
    # "the cat" twice: 2 * 6 characters out of 27
    assert s["top_2gram_share"] == pytest.approx(12 / 27, abs=1e-3)
    assert s["top_3gram_share"] == 0.0                                   # no 3-gram repeats
    assert signals(["Too short"])["top_3gram_share"] is None


def test_stopword_count_and_share_use_the_article_language():
    s = signals(["The cat and the dog of Tom"], lang="en")
    assert s["stopword_count"] == 4 and s["stopword_share"] == pytest.approx(4 / 7, abs=1e-3)
    assert signals(GERMAN, lang="de")["stopword_share"] > 0.25
    no_list = signals(["Some words here"], lang="zz")
    assert no_list["stopword_count"] is None and no_list["stopword_share"] is None


def test_non_alphabetic_word_ratio():
    s = signals(["Turnout 41.2 % — 1,204 votes for Holt"])
    assert s["non_alpha_ratio"] == pytest.approx(4 / 8)


def test_boilerplate_share_comes_from_the_boilerplate_edits():
    doc = make_doc(["Body text stays here."], raw="x" * 1000)
    doc.edit("boilerplate", "nav", "remove", para=0, before="y" * 300)
    doc.edit("boilerplate", "trim", "replace", para=0, before="z" * 100, after="z" * 40)
    doc.edit("structure", "whitespace", "replace", para=0, before="w" * 500, after="")
    doc.edit("boilerplate", "found", "flag", para=0, note="flag only")
    assert quality.measure(doc)["boilerplate_share"] == pytest.approx(0.36)
    assert quality.measure(make_doc(["Text."], raw=""))["boilerplate_share"] is None


def test_garble_score_is_taken_from_the_artifacts_stage_when_present():
    doc = make_doc(ARTICLE)
    assert quality.measure(doc)["garble"] is None
    doc.scores["garble"] = 0.25
    assert quality.measure(doc)["garble"] == 0.25
    doc.scores["garble"] = {"sentences": [0.1]}         # not a number: ignored
    assert quality.measure(doc)["garble"] is None


def test_languages_without_spaces_get_an_estimated_word_count():
    zh = ["市议会周二投票决定将港口旁的旧公交车站改造成有顶棚的市场。支持者说市场会让人们回到城里。"]
    s = signals(zh, lang="zh-cn")
    letters = sum(1 for c in zh[0] if "\u4e00" <= c <= "\u9fff")
    assert s["word_count"] == round(letters / 1.5)
    assert s["mean_word_length"] is None and s["top_2gram_share"] is None
    assert s["stopword_share"] is None


def test_empty_document_has_no_signal_values_but_no_crash():
    s = signals([], lang=None)
    assert s["word_count"] == 0
    assert s["mean_word_length"] is None and s["terminal_punct_share"] is None


# ---- decisions ---------------------------------------------------------------------------
def test_a_real_article_is_kept_with_its_signals_stored():
    doc, rej = judge(ARTICLE)
    assert rej is None, rej
    assert doc.quality["decision"] == "keep" and doc.quality["failed"] == []
    assert doc.quality["word_count"] > 150
    assert set(doc.quality) >= {
        "word_count", "mean_word_length", "symbol_word_ratio", "terminal_punct_share",
        "dup_line_fraction", "dup_para_fraction", "top_2gram_share", "top_3gram_share",
        "top_4gram_share", "stopword_count", "stopword_share", "non_alpha_ratio",
        "boilerplate_share", "garble"}


def test_a_whole_article_pasted_twice_is_dropped():
    doc, rej = judge(ARTICLE * 2)
    assert rej is not None and rej.reason.rule == "repeated_paragraphs" and not rej.quarantine
    assert str(rej) == "quality.repeated_paragraphs: duplicate paragraph character fraction 0.5 > 0.2"
    assert "quality.repeated_lines" in doc.quality["failed"]


def test_leftover_repeated_markers_keep_an_article_or_only_quarantine_it():
    body = ARTICLE[:2] + ["Advertisement"] + ARTICLE[2:4] + ["Advertisement"] + ARTICLE[4:]
    doc, rej = judge(body + ["Advertisement", "Advertisement"])
    assert rej is None and doc.quality["dup_line_fraction"] > 0.2
    doc, rej = judge(body + ["Advertisement"] * 4)
    assert rej is not None and rej.reason.rule == "repeated_lines" and rej.quarantine


def test_too_short_drops_and_names_value_and_threshold():
    words41 = " ".join(["word"] * 40) + " end."
    doc, rej = judge([words41], disabled_rules=["repeated_ngrams"])
    assert str(rej) == "quality.too_short: 41 words < 50" and rej.quarantine is False
    assert doc.quality["decision"] == "drop"
    assert "quality.short" in doc.quality["failed"]           # every failed rule is listed


def test_short_article_is_quarantined_and_keeps_its_text():
    text = ARTICLE[1] + " " + ARTICLE[2]                       # 65 words of real prose
    doc, rej = judge([text])
    assert rej is not None and rej.quarantine is True
    assert str(rej) == f"quality.short: {doc.quality['word_count']} words < 80"
    rec = rejection_record(doc.source, [rej.reason], doc, quarantine=True)
    assert rec["quarantine"] is True and rec["text"] == text and rec["quality"]["decision"] == "quarantine"


def test_boilerplate_only_input_is_dropped():
    doc, rej = judge(NAV_ONLY)
    assert rej is not None and rej.reason.stage == "quality" and rej.reason.rule == "too_short"


def test_a_page_of_link_lists_is_rejected_by_its_missing_sentence_ends():
    doc, rej = judge(LINK_PAGE)
    assert doc.quality["word_count"] >= 200                  # long enough to pass on length
    assert rej is not None and rej.reason.rule == "terminal_punct" and rej.quarantine is True
    assert "< 0.3" in rej.reason.message


def test_an_article_with_a_bullet_list_keeps():
    items = ["Sixty stalls", "Covered parking", "Evening market", "Public toilets",
             "Cycle racks", "Children's corner", "Cafe", "Loading bay"]
    doc, rej = judge(ARTICLE[:3] + ["The plan includes:"] + items + ARTICLE[3:])
    assert rej is None, rej
    assert doc.quality["terminal_punct_share"] < 0.5          # by lines it would look poor


def test_degenerate_repetition_is_dropped_cheaply():
    doc = make_doc(["word " * 400_000])
    started = time.perf_counter()
    with pytest.raises(Reject) as err:
        quality.apply(doc, ctx())
    assert time.perf_counter() - started < 1.0
    assert str(err.value) == "quality.repeated_ngrams: top 2-gram share 1 > 0.2"


def test_repeated_paragraphs_drop_but_one_repeated_pull_quote_does_not():
    spam = "Click here to claim your free prize today, offer ends soon!"
    doc, rej = judge(ARTICLE[:2] + [spam] * 6)
    assert rej is not None and rej.reason.rule == "repeated_paragraphs" and not rej.quarantine
    quote = "“We have waited a long time for this,” said Mary Holt."
    doc, rej = judge(ARTICLE[:3] + [quote] + ARTICLE[3:] + [quote])
    assert rej is None and doc.quality["dup_para_fraction"] > 0


def test_text_without_stop_words_is_dropped():
    tags = " ".join(f"tag{i} keyword{i} cheap{i} deal{i}" for i in range(30)) + "."
    doc, rej = judge([tags])
    assert rej is not None and rej.reason.rule == "few_stopwords"
    assert str(rej) == "quality.few_stopwords: 0 stop words < 2"


def test_german_article_keeps_although_its_words_are_long():
    doc, rej = judge(GERMAN, lang="de", quarantine_min_words=50)
    assert rej is None, rej
    assert doc.quality["mean_word_length"] > 5


def test_word_length_rule_catches_strings_of_urls():
    urls = " ".join(f"https://eastmere-gazette.example/news/2024/story-{i}-market-hall." for i in range(90))
    doc, rej = judge([urls])
    assert rej is not None and rej.reason.rule == "word_length" and not rej.quarantine
    assert rej.reason.message.startswith("mean word length ") and rej.reason.message.endswith("> 12.0")


def test_tables_of_figures_are_quarantined_but_an_article_with_figures_keeps():
    table = " ".join(f"{i}. {i * 37 % 100}-{i % 7} {1000 + i * 13} ({i * 3 % 10}.{i % 10})" for i in range(40))
    doc, rej = judge([table + " Source: league."], disabled_rules=["few_stopwords", "low_stopword_share"])
    assert rej is not None and rej.reason.rule == "non_alpha" and rej.quarantine
    figures = ("Turnout was 41.2 per cent, up from 38.5 per cent in 2019; Holt won 1,204 votes, "
               "Marsh 987 and Okafor 812, while 17 ballots were spoiled.")
    doc, rej = judge(ARTICLE + [figures])
    assert rej is None and doc.quality["non_alpha_ratio"] > 0


def test_hashtag_spam_is_quarantined_by_the_symbol_ratio():
    text = ARTICLE[1] + " " + " ".join(f"#market{i} #eastmere{i}" for i in range(40))
    doc, rej = judge([text], disabled_rules=["low_stopword_share"])
    assert rej is not None and rej.reason.rule == "symbols" and rej.quarantine


def test_low_stopword_share_quarantines_keyword_lists_with_a_few_stop_words():
    words = " ".join(f"cheap flights{i} hotel{i} deals{i} booking{i}" for i in range(30))
    doc, rej = judge([words + " for the best."])
    assert rej is not None and rej.reason.rule == "low_stopword_share" and rej.quarantine
    assert doc.quality["stopword_count"] >= 2


def test_garble_rule_is_off_by_default_and_quarantines_when_set():
    doc = make_doc(ARTICLE)
    doc.scores["garble"] = 0.9
    quality.apply(doc, ctx())                        # off: kept
    with pytest.raises(Reject) as err:
        quality.apply(doc, ctx(max_garble=0.5))
    assert str(err.value) == "quality.garbled: garble score 0.9 > 0.5" and err.value.quarantine


def test_boilerplate_share_rule_when_configured():
    doc = make_doc(ARTICLE, raw="x" * 100_000)
    doc.edit("boilerplate", "nav", "remove", para=0, before="y" * 98_000)
    quality.apply(doc, ctx())
    with pytest.raises(Reject) as err:
        quality.apply(doc, ctx(max_boilerplate_share=0.95))
    assert err.value.reason.rule == "boilerplate_share" and "0.98 > 0.95" in err.value.reason.message


def test_a_drop_beats_a_quarantine():
    doc, rej = judge(["spam " * 70])       # short (quarantine) and repeated (drop)
    assert rej.reason.rule == "repeated_ngrams" and rej.quarantine is False
    assert set(doc.quality["failed"]) >= {"quality.short", "quality.repeated_ngrams"}


def test_config_moves_rules_between_drop_quarantine_and_off():
    doc, rej = judge([ARTICLE[1]])
    assert rej.reason.rule == "too_short" and rej.quarantine is False
    doc, rej = judge([ARTICLE[1]], quarantine_rules=["too_short", "short"])
    assert rej.reason.rule == "too_short" and rej.quarantine is True
    doc, rej = judge(NAV_ONLY, disabled_rules=["too_short", "short", "terminal_punct"])
    assert rej.reason.rule == "few_stopwords"            # the next failing rule decides
    assert "quality.too_short" not in doc.quality["failed"]
    doc, rej = judge(NAV_ONLY, min_words=0, quarantine_min_words=0,
                     min_terminal_punct_char_share=None, min_stopword_share=None,
                     min_stopword_count=None, max_symbol_word_ratio=None)
    assert rej is None and doc.quality["decision"] == "keep"


def test_disabled_stage_measures_but_never_rejects():
    doc, rej = judge(NAV_ONLY, enabled=False)
    assert rej is None and doc.quality["word_count"] > 0 and "decision" not in doc.quality


def test_config_rejects_unknown_rule_names_and_inverted_word_limits():
    with pytest.raises(ConfigError, match="unknown rule"):
        from_dict({"quality": {"quarantine_rules": ["too_shrot"]}})
    with pytest.raises(ConfigError, match="quarantine_min_words"):
        from_dict({"quality": {"min_words": 100, "quarantine_min_words": 80}})


def test_every_configurable_rule_has_a_check():
    from cleaners.config import QUALITY_RULES
    assert {c.rule for c in quality.CHECKS} == set(QUALITY_RULES)
    cfg = from_dict({}).quality
    assert all(hasattr(cfg, c.threshold) for c in quality.CHECKS)


def test_thresholds_list_the_active_checks_for_the_report():
    cfg = from_dict({"quality": {"disabled_rules": ["symbols"], "max_garble": 0.7}}).quality
    rows = {(r["rule"], r["signal"]): r for r in quality.thresholds(cfg)}
    assert rows[("quality.too_short", "word_count")] == {
        "rule": "quality.too_short", "signal": "word_count", "op": "<", "threshold": 50,
        "action": "drop"}
    assert rows[("quality.garbled", "garble")]["action"] == "quarantine"
    assert ("quality.symbols", "symbol_word_ratio") not in rows
    assert ("quality.boilerplate_share", "boilerplate_share") not in rows   # None: off



@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=200), max_size=8),
       st.sampled_from(["en", "de", "zh-cn", "ja", None, "xx"]))
def test_measure_and_decide_never_raise_anything_but_reject(paras, lang):
    doc = make_doc([p for p in paras if p.strip()], lang=lang)
    try:
        quality.apply(doc, ctx())
    except Reject as rej:
        assert rej.reason.stage == "quality" and rej.reason.message
    for key, value in doc.quality.items():
        assert value is None or isinstance(value, (int, float, str, list)), key


# ---- the one-go counts agree with the signal functions one by one ---------------------------
def reference_top_ngram_share(words, n):
    """top_ngram_share as first written: Counter of word tuples, most_common(1)."""
    from collections import Counter
    if len(words) < n:
        return None
    gram, count = Counter(zip(*(words[i:] for i in range(n)))).most_common(1)[0]
    if count < 2:
        return 0.0
    return min(1.0, count * sum(map(len, gram)) / sum(map(len, words)))


def test_top_ngram_shares_equal_counting_each_size_on_its_own():
    cases = [[], ["a"], ["a", "b"], ["a", "a"], "x y x y x y".split(), "a b c d e f".split(),
             # ties: "bb cc" and "cc dd" both twice; the first to occur must win (lengths differ)
             "aaaa bb cc dd e bb cc dd".split(), "the cat sat on the mat the cat sat on".split()]
    for words in cases:
        got = quality.top_ngram_shares(words, (2, 3, 4))
        assert got == {n: reference_top_ngram_share(words, n) for n in (2, 3, 4)}, words
        assert got == {n: quality.top_ngram_share(words, n) for n in (2, 3, 4)}
    # a 4-gram repeats only where both of its 3-grams repeat: none here, though 3-grams do
    words = "a b c x b c d y a b c".split()
    assert quality.top_ngram_shares(words, (3, 4)) == {3: 2 * 3 / 11, 4: 0.0}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "bb", "ccc", "the", "of", "x"]), max_size=60))
def test_top_ngram_shares_equal_the_tuple_count_on_repetitive_text(words):
    expected = {n: reference_top_ngram_share(words, n) for n in (2, 3, 4)}
    assert quality.top_ngram_shares(words, (2, 3, 4)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["Word", "word,", "“Quote”", "2024", "—", "3.5%", "(a)", "",
                                 "...", "x_y", "½", "Ⅻ", "ñ", "'", "ß."]), max_size=30))
def test_words_and_letterless_count_equal_the_per_token_rules(tokens):
    from cleaners.language import norm_word
    tokens = [t for t in tokens if t]
    words, letterless = quality._words_and_letterless(tokens)
    assert words == [w for w in map(norm_word, tokens) if w]
    assert letterless == sum(1 for t in tokens if not any(c.isalpha() for c in t))
