"""Garble score: per-sentence features, article score, flags, optional dropping."""
import re
import sys

from hypothesis import given, settings, strategies as st

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


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Valdoria", "Valdorra", "aValdoria", "_Valdoria", "2Valdoria",
                                 "Valdoria-Nord", "Val", "VALDORIA", "Ünter", "Bora", " ", "-",
                                 ".", "’", "é"]), max_size=20).map("".join))
def test_name_pattern_agrees_with_the_plain_pattern(text):
    plain = re.compile(r"\b[A-Z][a-z]{3,}(?:[-][A-Z][a-z]+)*\b")
    assert garble._NAME.findall(text) == plain.findall(text)


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


# ---- the fast paths agree with the plain code they replace -------------------------------
# The plain versions below are the earlier implementation (one word at a time, re-reading the
# paragraph from its start for every sentence). The module now classifies each distinct word
# once and counts quote marks incrementally; these tests show both give the same answers.


def plain_split(text, para=0):
    out, start, ellipsis = [], 0, False
    for m in garble._BOUNDARY.finditer(text):
        if not plain_is_end(text, m):
            continue
        end = m.end()
        out.append(garble.Sentence(para, start, end, text[start:end], len(out), ellipsis))
        ellipsis = m.group(1) in ("…", "...") or m.group(1).startswith("..")
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text) and text[start:].strip():
        out.append(garble.Sentence(para, start, len(text), text[start:], len(out), ellipsis))
    return out


def plain_is_end(text, m):
    if m.group(1) != ".":
        return not text[m.end():].lstrip()[:1].islower()
    token = text[:m.start()].rsplit(None, 1)[-1] if text[:m.start()].strip() else ""
    token = token.lstrip(garble._OPEN_QUOTES + "([").lower()
    nxt = text[m.end():].lstrip()[:1]
    if len(token) == 1 and token.isalpha():
        return False
    if token in garble._abbreviations() or "." in token:
        return bool(nxt) and nxt.isupper() and token not in garble._TITLES and "." in token
    return True


def plain_inside_quotes(text, sents):
    out = []
    for s in sents:
        before = text[:s.start]
        out.append(before.count("“") - before.count("”") > 0 or before.count('"') % 2 == 1)
    return out


def plain_features(s, lang, in_quote, vocab):
    """(features, share) of one sentence, word by word."""
    words = garble._WORD.findall(s.text)
    if not words:
        return None
    feats = []
    first = s.text.lstrip(garble._OPEN_QUOTES + "([ ")[:1]
    lower_start = (s.index > 0 and not s.after_ellipsis and first.isalpha() and first.islower()
                   and words[0].islower())
    if lower_start:
        feats.append("lower_start")
    if s.index > 0:
        m = re.search(r"[”\"]", s.text)
        head = s.text[:m.start()] if m else s.text
        head_words = garble._WORD.findall(head) if m else words
        if 0 < len(head_words) <= 2 and (lower_start or (in_quote and head.rstrip().endswith(","))):
            feats.append("orphan")
    if lang == "en":
        en = garble._english()
        lower = [x.lower() for x in words]
        ends = s.text.rstrip("”’\"') ").endswith((".", "!", "?"))
        if ends and len(words) <= garble.FRAGMENT_MAX_WORDS and s.index > 0 \
                and not garble._has_verb(lower, en):
            feats.append("fragment")
        if ends and lower[-1] in en["no_end"]:
            feats.append("function_end")
        if any(a in en["determiners"] and b in en["not_after_determiner"]
               for a, b in zip(lower, lower[1:])):
            feats.append("function_pair")
        if "I" in words and not in_quote and not any(q in s.text for q in "“”\""):
            feats.append("first_person")
    share = 0.0
    if vocab:
        lower = [x for x in words if len(x) >= 3 and x.islower() and x.isalpha()]
        if len(lower) >= garble.MIN_LOWER_WORDS:
            share = sum(1 for x in lower if x not in vocab) / len(lower)
    if share >= garble.UNKNOWN_SHARE:
        feats.append("unknown_words")
    return feats, share


def plain_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


# Pieces that stress the tokenizer and the rules: cased and uncased letters, final sigma, a
# dotted capital I, digits and other numerals, apostrophes, every quote mark, abbreviations,
# ellipses, Unicode spaces, determiners and function words, names spelled two ways.
_TRICKY = st.sampled_from([
    "the", "The", "a", "an", "its", "Its", "of", "and", "I", "I’m", "i", "he", "they", "was",
    "said", "govrnmnet", "bugdet", "annouced", "council", "Valdoria", "Valdorra", "Dr.", "U.S.",
    "J.", "etc.", "e.g.", "ΟΔΟΣ", "İstanbul", "straße", "Straße", "naïve", "x²", "½", "3.5",
    "2023", "rock’n’roll", "don't", "l'", "日本", "a_b", " ", " ", " ", "  ", "\u00a0", "\n",
    "\u3000", "\t", ".", ". ", "! ", "? ", "… ", "... ", ".. ", ",", ", ", ";", ":", "“", "”",
    "‘", "’", '"', "«", "„", "(", ")", "[", "]", "-", "—"])
_TRICKY_TEXT = st.lists(_TRICKY, max_size=40).map("".join)
# mostly words: sentences long enough for the unknown-word share and the English features
_WORDY_TEXT = st.lists(st.sampled_from([
    "the", "a", "of", "its", "their", "to", "he", "I", "was", "said", "council", "budget",
    "govrnmnet", "bugdet", "approvde", "xqzvrt", "Valdoria", "Valdorra", "straße", "ΟΔΟΣ",
    "naïve", "don't", "2023", "x²", ".", ",", "“", "”", "and."]), max_size=30).map(" ".join)


def test_regex_space_is_exactly_str_isspace():
    space = re.compile(r"\s")
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        assert bool(space.match(c)) == c.isspace(), hex(cp)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TRICKY_TEXT, _WORDY_TEXT))
def test_sentence_split_and_quote_state_agree_with_the_plain_code(text):
    fast = garble.split_sentences(text, 3)
    plain = plain_split(text, 3)
    assert [vars(s) for s in fast] == [vars(s) for s in plain]
    assert garble._inside_quotes(text, fast) == plain_inside_quotes(text, plain)


def test_sentence_split_examples_agree_with_the_plain_code():
    for text in ["He moved to the U.S. The move was hard.", "Wait… what? yes! No.",
                 "“Why now?” he asked. the end.", "  leading space. Then more.  ",
                 "One.\u00a0Two.\u3000Three", "Dr. Ali met J. Smith. ok", "", "   ", "..."]:
        fast = garble.split_sentences(text)
        assert [vars(s) for s in fast] == [vars(s) for s in plain_split(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_TRICKY_TEXT, _WORDY_TEXT), min_size=1, max_size=3),
       st.sampled_from(["en", "de", "xx", None]),
       st.booleans())
def test_sentence_scores_agree_with_the_plain_code(paragraphs, lang, tiny_tables):
    if tiny_tables:   # the tables are emptied when full: the answers must not change
        old, garble.MAX_TABLE_WORDS = garble.MAX_TABLE_WORDS, 3
    try:
        vocab = vocabulary(lang) if lang else None
        for text in paragraphs:
            sents = garble.split_sentences(text)
            quoted = plain_inside_quotes(text, sents)
            garble.score_sentences(sents, lang, set(), quoted)
            for s, q in zip(sents, quoted):
                plain = plain_features(s, lang, q, vocab)
                if plain is None:
                    assert (s.features, s.score) == ([], 0.0)
                    continue
                feats, share = plain
                assert s.features == feats
                codes = garble._codes(garble._WORD.findall(s.text), *garble._word_codes(lang))
                assert garble._unknown_share(codes) == share
                w = garble._weights()
                total = sum(w[f] if f != "unknown_words" else min(w[f], 1.2 * share) for f in feats)
                assert s.score == round(min(1.0, total), 3)
    finally:
        if tiny_tables:
            garble.MAX_TABLE_WORDS = old


def test_word_codes_positive_and_negative():
    # the same word counts each time it occurs; a capitalised or short word is no candidate
    table, classify = garble._word_codes("de")
    words = ["die", "govrnmnet", "govrnmnet", "Die", "zu", "x2", "und"]
    codes = garble._codes(words, table, classify)
    assert codes == "kuu...k"
    assert garble._unknown_share("kuuk") == 0.5
    assert garble._unknown_share("kuk") == 0.0     # too few candidates
    assert garble._unknown_share("kkkk.") == 0.0
    # English: a second letter for the function-word pairs
    table, classify = garble._word_codes("en")
    assert garble._codes(["Its", "of", "money"], table, classify) == ".D.bk-"
    assert garble._PAIR_CODES.search(garble._codes(["its", "of", "the"], table, classify)[1::2])
    clean = garble._codes(["of", "the", "money"], table, classify)
    assert not garble._PAIR_CODES.search(clean[1::2])
    # no word list: nothing is a candidate
    assert garble._codes(["the", "govrnmnet"], *garble._word_codes(None)) == ".."


@settings(max_examples=500, deadline=None)
@given(st.text("abé", max_size=9), st.text("abé", max_size=9))
def test_edit_distance_of_the_differing_parts_is_that_of_the_words(a, b):
    assert plain_distance(*garble._differing_parts(a, b)) == plain_distance(a, b)
    for limit in (1, 2):
        fast = garble._distance(*garble._differing_parts(a, b), limit) <= limit
        assert fast == (plain_distance(a, b) <= limit)


def test_differing_parts_examples():
    assert garble._differing_parts("valdoria", "valdorra") == ("i", "r")
    assert garble._differing_parts("aa", "a") == ("a", "")
    assert garble._differing_parts("abc", "abc") == ("", "")
    assert garble._differing_parts("lachin", "lachen") == ("i", "e")


def test_every_whitespace_character_but_the_space_is_unprintable():
    # garble._last_token relies on it: a printable piece of text holds no whitespace but " "
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if c.isspace() and c != " ":
            assert not c.isprintable(), hex(cp)


@settings(max_examples=500, deadline=None)
@given(_TRICKY_TEXT, st.integers(0, 200))
def test_last_token_is_the_last_token_of_the_text_before(text, end):
    end = min(end, len(text))
    before = text[:end]
    assert garble._last_token(text, end) == (before.split()[-1] if before.split() else "")


def test_codes_when_the_table_loses_words_meanwhile():
    # another thread may empty a table between filling it and reading it back
    class Forgetful(dict):
        def __setitem__(self, key, value):
            pass
    _, classify = garble._word_codes("en")
    words = ["the", "govrnmnet", "of", "Its"]
    assert garble._codes(words, Forgetful(), classify) == "".join(map(classify, words))


def test_scores_are_the_same_when_threads_share_small_tables(monkeypatch):
    import threading
    monkeypatch.setattr(garble, "MAX_TABLE_WORDS", 5)
    texts = [" ".join(GARBLED), " ".join(CLEAN), "Its of the govrnmnet. the bugdet of the."] * 3

    def scores():
        out = []
        for text in texts:
            sents = garble.split_sentences(text)
            garble.score_sentences(sents, "en", set(), garble._inside_quotes(text, sents))
            out.append([(s.score, s.features) for s in sents])
        return out
    expected = scores()
    results = []
    threads = [threading.Thread(target=lambda: results.append(scores())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4
