"""Garble score: per-sentence features, article score, flags, optional dropping."""
from cleaners import artifacts, garble
from cleaners.config import ArtifactsConfig
from cleaners.document import Document, Origin, Paragraph
from cleaners.pipeline import Context
from cleaners.wordlists import guess_language, vocabulary

# Invented articles. The garbled one carries the kinds of damage machine translation leaves.
CLEAN = [
    "The regional council approved a new budget on Monday after weeks of debate, officials said.",
    "The plan sets aside money for schools, roads and a new clinic in the northern district. "
    "Critics say it does not go far enough.",
    "“We have listened to every village,” the council leader said. “This budget reflects that.”",
    "The award carries a prize of 30,000 euros. It will be presented in June.",
    "Dr. Smith, who chairs the finance committee, said the U.S. loan would be repaid by 2030.",
]
GARBLED = [
    "The regional council approved a new budget on Monday, the Valdoria Pass was mentioned.",
    "“We respect the people of the valley and we do our duty. are acting according to the "
    "plan. place,” the spokesman said.",
    "The region holds key pipelines where many powers have influence. Fight to lift.",
    "The road through the Valdorra Pass has been closed, and the Valdoria Pass reopened. "
    "which we have waited for since the spring.",
    "Officials said the talks would go on. I displaced more than ten thousand villagers.",
    "The budget was approved of the. Its of the money goes to schools.",
]


def doc_of(paragraphs, lang=None):
    return Document.new("g.txt", Origin("g.txt"), lang=lang,
                        paragraphs=[Paragraph(t) for t in paragraphs])


def score(paragraphs, cfg=None, lang="en"):
    doc = doc_of(paragraphs)
    sentences = garble.score_document(doc, cfg or ArtifactsConfig(), lang)
    return doc, sentences


def features_of(text, lang="en"):
    _, sentences = score([text], lang=lang)
    return {f for s in sentences for f in s.features}


# ---- sentences --------------------------------------------------------------------------
def test_sentence_split_keeps_abbreviations_and_initials():
    spans = [s.text for s in garble.split_sentences(
        "Dr. Ali met J. Smith in the U.S. on Monday. They talked. the end came.")]
    assert spans == ["Dr. Ali met J. Smith in the U.S. on Monday.", "They talked.", "the end came."]


def test_sentence_split_after_abbreviation_before_new_sentence():
    spans = [s.text for s in garble.split_sentences("He moved to the U.S. The move was hard.")]
    assert spans == ["He moved to the U.S.", "The move was hard."]


# ---- features: positive and negative ----------------------------------------------------
def test_lower_start_after_full_stop():
    assert "lower_start" in features_of("They do their duty. are acting according to plan.")
    assert "lower_start" not in features_of("They waited... and waited. Then it rained.")
    assert "lower_start" not in features_of("He bought an iPhone. iPhones are costly.")
    assert "lower_start" not in features_of("“Why now?” he asked. “Stop!” she said.")


def test_orphan_scrap_after_sentence_end():
    assert "orphan" in features_of("“They act according to the plan. place,” he said.")
    assert "orphan" not in features_of("The vote was close. “No,” she said.")
    assert "orphan" not in features_of("“Already a member? Sign in”")


def test_fragment_without_finite_verb():
    assert "fragment" in features_of("The region holds key pipelines. Fight to lift.")
    assert "fragment" not in features_of("The region is calm. The award carries a prize.")
    assert "fragment" not in features_of("He was asked. They fled.")


def test_function_word_anomalies():
    assert "function_end" in features_of("The plan was approved. It was part of the.")
    assert "function_pair" in features_of("Its of the money goes to schools.")
    assert not {"function_end", "function_pair"} & features_of(
        "The money goes to the schools that need it most.")


def test_first_person_outside_quotes():
    assert "first_person" in features_of("Talks went on. I displaced many villagers.")
    assert "first_person" not in features_of("“I will not resign,” the minister said.")


def test_unknown_words_share():
    assert "unknown_words" in features_of("The govrnmnet annouced thta the bugdet wsa approvde.")
    assert "unknown_words" not in features_of("The government announced that the budget was approved.")


def test_name_spelled_several_ways():
    text = " ".join(["The Valdoria Pass is closed.", "The Valdorra Pass reopened.",
                     "Trucks use the Valdoria Pass."])
    assert garble.name_variants(text, "en") == {"Valdorra": "Valdoria"}
    # related words are not misspellings; two common words are two different names
    assert garble.name_variants("Armenia and Armenian and Armenians met. Austria and Australia.",
                                "en") == {}


def test_english_features_off_for_other_languages():
    german = "Der Plan wurde gebilligt. Ich bin gegangen. Kampf um zu heben."
    assert not {"fragment", "function_end", "function_pair", "first_person"} & features_of(german, "de")


# ---- the article ------------------------------------------------------------------------
def test_garbled_article_scores_higher_than_clean_one():
    clean_doc, _ = score(CLEAN)
    garbled_doc, _ = score(GARBLED)
    assert clean_doc.scores["garble"] < 0.05
    assert garbled_doc.scores["garble"] > 3 * max(clean_doc.scores["garble"], 0.01)
    assert not [e for e in clean_doc.edits if e.rule == "garbled_sentence"]


def test_scores_are_stored_compactly_and_flags_logged():
    doc, sentences = score(GARBLED)
    rows = doc.scores["garble_sentences"]
    assert rows and all(len(r) == 5 for r in rows)
    para, start, end, value, feats = rows[0]
    assert doc.paragraphs[para].text[start:end] in {s.text for s in sentences}
    flags = [e for e in doc.edits if e.rule_id == "artifacts.garbled_sentence"]
    assert flags and all(e.action == "flag" and e.span for e in flags)
    assert "artifacts.garbled_sentence" in doc.flags


def test_sentences_dropped_only_when_switched_on():
    doc, _ = score(GARBLED)
    assert [p.text for p in doc.paragraphs] == GARBLED   # default: flag only
    cfg = ArtifactsConfig(drop_garbled_sentences=True, garble_threshold=0.8)
    doc, sentences = score(GARBLED, cfg)
    dropped = [e for e in doc.edits if e.rule == "drop_garbled_sentence"]
    assert dropped and all(e.before.strip() for e in dropped)
    for s in sentences:
        if s.score >= 0.8:
            assert s.text not in doc.text
    assert "Officials said the talks would go on." in doc.text


def test_artifacts_stage_scores_garble():
    doc = doc_of(GARBLED)
    artifacts.apply(doc, Context())
    assert "garble" in doc.scores


def test_wordfreq_list_loads_offline_from_the_package():
    vocab = vocabulary("en")
    assert vocab and "the" in vocab and "government" in vocab
    assert vocabulary("xx") is None


def test_cheap_language_guess():
    assert guess_language(" ".join(CLEAN)) == "en"
    assert guess_language("Die Regierung hat die Frage gestellt, und der Minister sagte, dass "
                          "die Kommission nicht zufrieden ist.") == "de"
    assert guess_language("12 34 56") is None
