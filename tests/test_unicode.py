"""Stage "unicode": ftfy fixes, invisible characters, odd spaces, homoglyphs, straightening.

Every rule has a positive and a negative example; the fast path is shown to give the same
output as running ftfy; hypothesis checks the stage never raises and is idempotent.
"""
import re
import re._parser as re_parser
import unicodedata

import ftfy
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import given, settings, strategies as st

from cleaners import unicode_fix
from cleaners.document import Document, Origin, Paragraph
from cleaners.pipeline import Context

# An invented article with the typographic marks real news uses: must come out untouched.
CLEAN_ARTICLE = [
    "Harbour town votes to keep its ferry",
    "Residents of Kellmoor voted on Tuesday to keep the island ferry running — a decision "
    "that will cost the council about £1.2m a year, officials said.",
    "“We couldn’t let it go,” said the ferry’s longest-serving skipper. “It’s how the "
    "children get to school…”",
    "The vote was 2,140 to 1,877; turnout was 61.5%.",
    "Café owners in the square welcomed the news. Müller, who runs the bakery, said the "
    "naïve plan to replace the boat with a bridge was “never serious”.",
]


def run(paragraphs, kinds=None, **cfg):
    ctx = Context()
    for key, value in cfg.items():
        setattr(ctx.config.unicode, key, value)
    kinds = kinds or ["p"] * len(paragraphs)
    doc = Document.new("t.txt", Origin("t.txt"),
                       paragraphs=[Paragraph(t, k) for t, k in zip(paragraphs, kinds)])
    unicode_fix.apply(doc, ctx)
    return doc


def texts(doc):
    return [p.text for p in doc.paragraphs]


def rules(doc):
    return [e.rule_id for e in doc.edits]


def replay(original, edits):
    """Apply the edit log to the original paragraphs: must give the cleaned ones."""
    paras = list(original)
    for e in edits:
        if e.action != "replace":
            continue
        s, t = e.span
        assert paras[e.para][s:t] == e.before
        paras[e.para] = paras[e.para][:s] + e.after + paras[e.para][t:]
    return paras


# ---- clean text and the fast path -------------------------------------------------------
def test_clean_article_with_typographic_marks_is_untouched():
    doc = run(CLEAN_ARTICLE)
    assert texts(doc) == CLEAN_ARTICLE and doc.edits == []


def test_fast_path_output_equals_ftfy_on_fixtures():
    for text in CLEAN_ARTICLE + ["plain ASCII text, no ampersand.", "Rates rose 3.5% -- again."]:
        if unicode_fix.needs_nothing(text):
            assert ftfy.fix_text(text, unicode_fix._FTFY_CONFIG) == text


_FAST_ALPHABET = st.sampled_from(
    [chr(c) for c in range(0x20, 0x7f) if chr(c) != "&"] + list(unicode_fix._TYPOGRAPHIC) + ["\t"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_FAST_ALPHABET, max_size=60).map("".join))
def test_fast_path_is_exact_for_its_whole_alphabet(text):
    assert unicode_fix.needs_nothing(text)
    assert ftfy.fix_text(text, unicode_fix._FTFY_CONFIG) == text


def test_fast_path_does_not_skip_text_that_needs_work():
    for text in ["donâ€™t", "A &amp; B", "a\u200bb", "h\u043euse", "x\u00a0y", "bell\x07"]:
        assert not unicode_fix.needs_nothing(text)
    assert not unicode_fix.needs_nothing("“quoted”", straighten_quotes=True)


# The wider fast path: accented letters and Latin-1/cp1252 signs, when ftfy's mojibake test
# (run in windows around the non-ASCII characters) is negative.
_LATIN_EXTRA_CHARS = [chr(c) for c in range(0x80, 0x10000)
                      if re.fullmatch("[" + unicode_fix._LATIN_EXTRA + "]", chr(c))]
_PLAIN_CHARS = [chr(c) for c in range(0x20, 0x7f) if chr(c) != "&"] + ["\t"]
_WIDE_ALPHABET = _PLAIN_CHARS + list(unicode_fix._TYPOGRAPHIC) + _LATIN_EXTRA_CHARS


def test_accented_names_skip_ftfy_and_stay_untouched():
    for text in ["José met Zoë and Björn in Málaga on Tuesday.", "“Très bien,” said Müller — €5.",
                 "Ærø's Øresund ferry; Łódź, Kraków and Šibenik.", "Share on: X · Facebook · Email"]:
        assert unicode_fix.needs_nothing(text)
        assert texts(run([text])) == [text]


def test_wider_fast_path_does_not_skip_mojibake_or_characters_it_does_not_know():
    for text in ["JosÃ© said", "StraÃŸe", "voilÃ  le", "Â£5 each", "sÅ“ur et frÃ¨re",
                 "cœ ur", "Mr Ĳssel", "co\u00adop", "Jose\u0301", "ἄλφα"]:
        assert not unicode_fix.needs_nothing(text), text


def test_metadata_with_an_accented_letter_is_still_stripped():
    doc = Document.new("t.txt", Origin("t.txt"), paragraphs=[Paragraph("Body text.", "p")])
    doc.title = " Café opens "
    unicode_fix.fix_metadata_text(doc)
    assert doc.title == "Café opens" and rules(doc) == ["unicode.metadata_text"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_WIDE_ALPHABET), max_size=40).map("".join))
def test_wider_fast_path_is_exact(text):
    assert unicode_fix.may_be_mojibake(text) == is_bad(text)
    if unicode_fix.needs_nothing(text):
        for config in (unicode_fix._FTFY_CONFIG, unicode_fix._FTFY_CODE_CONFIG,
                       unicode_fix._FTFY_CJK_CONFIG):
            assert ftfy.fix_and_explain(text, config).text == text
        assert run([text]).edits == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN_CHARS[:40] + list(unicode_fix._TYPOGRAPHIC) +
                                ["Ã", "Â", "â€", "©", "œ", "é", "É", "°",
                                                       "¢", "¤", "·", "\u00a0", "\n", "\x85"]),
                max_size=50).map("".join))
def test_windowed_mojibake_test_equals_ftfys_on_mojibake_like_text(text):
    assert unicode_fix.may_be_mojibake(text) == is_bad(text)


def test_ftfys_mojibake_test_matches_only_near_a_character_that_needs_work():
    """may_be_mojibake relies on this: every match of BADNESS_RE holds a character that is
    neither ASCII nor in _TYPOGRAPHIC and is at most _BADNESS_REACH + 1 long, and the pattern
    only looks at the characters it matches (no lookaround, no word boundary; "^" only at the
    true start)."""
    plain = [chr(c) for c in range(128)] + list(unicode_fix._TYPOGRAPHIC)
    tree = re_parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    assert tree.getwidth()[1] <= unicode_fix._BADNESS_REACH + 1
    assert not BADNESS_RE.flags & (re.MULTILINE | re.DOTALL)
    [(branch_op, (_, branches))] = tree.data
    assert str(branch_op) == "BRANCH"
    for branch in branches:
        items = [item for item in branch.data if str(item[0]) != "AT"]
        assert all(str(arg) == "AT_BEGINNING" for op, arg in branch.data if str(op) == "AT")
        assert all(str(op) in ("LITERAL", "IN", "ANY", "MAX_REPEAT") for op, _ in items)
        # some item that must match accepts no ASCII character and no typographic mark
        assert any(str(op) != "MAX_REPEAT" and not any(_item_accepts(op, arg, ch) for ch in plain)
                   for op, arg in items), branch.data
    assert BADNESS_RE.search("xÃ ", 1) is None and BADNESS_RE.search("Ã ")


def test_ftfys_mojibake_needs_a_lone_sign_or_two_non_ascii_characters_in_a_row():
    """may_be_mojibake's first test: every match of BADNESS_RE holds a character of
    _MOJIBAKE_SIGN's first class, or two non-ASCII characters in a row."""
    signs = {chr(c) for c in range(0x80, 0xa0)} | set("\u0152\u0153\u00c3\u00c2")
    assert all(unicode_fix._MOJIBAKE_SIGN.fullmatch(ch) for ch in signs)
    tree = re_parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    [(_, (_, branches))] = tree.data
    for branch in branches:
        items = [item for item in branch.data if str(item[0]) != "AT"]
        mandatory = [str(op) != "MAX_REPEAT" for op, _ in items]
        only_signs = any(must and _explicit_chars(op, arg) <= signs
                         for must, (op, arg) in zip(mandatory, items))
        no_ascii = [must and not any(_item_accepts(op, arg, chr(c)) for c in range(128))
                    for must, (op, arg) in zip(mandatory, items)]
        pair = any(a and b for a, b in zip(no_ascii, no_ascii[1:]))
        assert only_signs or pair, branch.data
    for text, sign in [("José said", False), ("“Zoë” left", True), ("Ã ", True), ("cœ.", True),
                       ("naïve, déjà vu", False), ("x\u0085y", True)]:
        assert bool(unicode_fix._MOJIBAKE_SIGN.search(text)) == sign, text


def _explicit_chars(op, arg):
    """The characters an item accepts when it lists them; a large set where it does not."""
    if str(op) == "LITERAL":
        return {chr(arg)}
    if str(op) == "IN" and all(str(kind) in ("LITERAL", "RANGE") for kind, _ in arg):
        out = set()
        for kind, value in arg:
            out |= {chr(value)} if str(kind) == "LITERAL" else set(map(chr, range(value[0], value[1] + 1)))
        return out
    return {chr(c) for c in range(0x20, 0x7f)}  # stands for "many": never within the signs


def _item_accepts(op, arg, ch):
    return bool(re.fullmatch(_item_regex(op, arg), ch))


def _item_regex(op, arg):
    op = str(op)
    if op == "LITERAL":
        return re.escape(chr(arg))
    if op == "ANY":
        return "."
    parts, negate = [], False
    for kind, value in arg:
        kind = str(kind)
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL":
            parts.append(re.escape(chr(value)))
        elif kind == "RANGE":
            parts.append(re.escape(chr(value[0])) + "-" + re.escape(chr(value[1])))
        else:
            parts.append({"CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w",
                          "CATEGORY_DIGIT": r"\d"}[str(value)])
    return "[" + "^" * negate + "".join(parts) + "]"


def test_latin_extra_characters_are_left_alone_by_every_other_fixer():
    from ftfy.chardata import CONTROL_CHARS, LIGATURES, WIDTH_MAP
    for ch in _LATIN_EXTRA_CHARS:
        assert ord(ch) not in LIGATURES and ord(ch) not in WIDTH_MAP and ord(ch) not in CONTROL_CHARS
        assert not 0x80 <= ord(ch) <= 0x9f and not 0xd800 <= ord(ch) <= 0xdfff
        assert unicodedata.combining(ch) == 0
        assert not (unicode_fix._INVISIBLE.search("a" + ch + "a") or unicode_fix._ODD_SPACE.search(ch)
                    or unicode_fix._OTHER_SCRIPT.search(ch) or unicode_fix._CJK.search(ch))
    # NFC changes nothing in any text over the alphabet: each character is its own NFC form
    # and none composes with a neighbour (all are starters, so only neighbours could compose)
    for first in _WIDE_ALPHABET:
        for second in _LATIN_EXTRA_CHARS:
            assert unicodedata.is_normalized("NFC", first + second)
            assert unicodedata.is_normalized("NFC", second + first)


# ---- ftfy rules -------------------------------------------------------------------------
def test_mojibake_is_fixed_and_logged_per_word():
    doc = run(["The councilâ€™s plan for the cafÃ© was approved."])
    assert texts(doc) == ["The council’s plan for the café was approved."]
    assert rules(doc) == ["unicode.mojibake", "unicode.mojibake"]
    assert doc.edits[0].before == "councilâ€™s" and doc.edits[0].after == "council’s"


def test_legitimate_accents_next_to_quotes_are_not_mojibake():
    text = "The café’s owner, Zoë, said “très bien” — and left."
    assert texts(run([text])) == [text]


def test_html_entities_are_unescaped():
    doc = run(["Smith &amp; Sons said it&#8217;s over &mdash; for now."])
    assert texts(doc) == ["Smith & Sons said it’s over — for now."]
    assert set(rules(doc)) == {"unicode.html_entity"} and len(doc.edits) == 3


def test_ampersand_that_is_not_an_entity_is_kept():
    text = "AT&T and R&D spending rose; Q&A follows."
    assert texts(run([text])) == [text]


def test_entities_in_code_paragraphs_are_kept():
    text = "Call slugify('a&#39;b') to see the result."
    assert texts(run([text])) == [text]


def test_full_width_forms_fixed_in_latin_text_but_kept_in_cjk_text():
    doc = run(["The ＦＩＦＡ vote", "日期：2020年12月28日（星期一）"])
    assert texts(doc) == ["The FIFA vote", "日期：2020年12月28日（星期一）"]
    assert rules(doc) == ["unicode.char_width"]


def test_control_characters_and_bom_are_removed():
    doc = run(["\ufeffThe\x07 vote is in."])
    assert texts(doc) == ["The vote is in."]
    assert set(rules(doc)) == {"unicode.control_char"}


# ---- invisible characters and odd spaces -----------------------------------------------
def test_zero_width_soft_hyphen_and_joiner_inside_words_are_removed():
    doc = run(["house\u200bholds and govern\u00adment and co\u2060operation"])
    assert texts(doc) == ["households and government and cooperation"]
    assert rules(doc) == ["unicode.invisible_char"] * 3


def test_joiners_that_carry_meaning_are_kept():
    text = "Emoji 👩\u200d💻 and the Persian word می\u200cخواهم stay as written."
    assert texts(run([text])) == [text]


def test_odd_spaces_become_one_plain_space():
    doc = run(["10\u00a0km from the\u202fcoast,\u2003 officials said"])
    assert texts(doc) == ["10 km from the coast, officials said"]
    assert set(rules(doc)) == {"unicode.odd_space"}


def test_odd_spaces_in_preformatted_text_are_kept():
    text = "col1\u00a0\u00a0col2"
    assert texts(run([text], kinds=["pre"])) == [text]


# ---- homoglyphs -------------------------------------------------------------------------
def test_cyrillic_letter_inside_latin_word_becomes_latin():
    doc = run(["Many h\u043eusehold budgets and the Pr\u0435sident's office."])
    assert texts(doc) == ["Many household budgets and the President's office."]
    assert rules(doc) == ["unicode.homoglyph", "unicode.homoglyph"]


def test_greek_letter_inside_latin_word_becomes_latin():
    assert texts(run(["The n\u03bfrthern \u039cinistry"])) == ["The northern Ministry"]


def test_latin_letter_inside_cyrillic_word_becomes_cyrillic():
    doc = run(["В Москве м\u006f\u043b\u043e\u043a\u043e подорожало"])
    assert texts(doc) == ["В Москве молоко подорожало"]


def test_lookalike_only_word_in_latin_paragraph_becomes_latin():
    doc = run(["This is \u0430 test of the new system, said the officials on Monday."])
    assert texts(doc) == ["This is a test of the new system, said the officials on Monday."]
    # a real Russian quotation keeps its short words ("а", "о" are Russian words too)
    quote = "He said “я не знаю, а он знает” and left the room after the long meeting."
    assert texts(run([quote])) == [quote]


def test_words_genuinely_in_another_script_are_left_alone():
    for text in ["Москва and Αθήνα are capitals.", "Dose: 5 μg, ΔT = 3 K.",
                 "КамАЗ trucks", "Ελλάδα", "The Greek letter π is famous."]:
        assert texts(run([text])) == [text], text


def test_homoglyph_inside_url_is_left_alone():
    text = "Visit https://p\u0430ypal.example.com/login today"
    assert texts(run([text])) == [text]


# ---- straightening (off by default) ----------------------------------------------------
def test_quotes_and_dashes_kept_by_default_and_straightened_on_request():
    text = "“Yes,” she said — it’s done."
    assert texts(run([text])) == [text]
    doc = run([text], straighten_quotes=True, straighten_dashes=True)
    assert texts(doc) == ['"Yes," she said - it\'s done.']
    assert set(rules(doc)) == {"unicode.straighten_quotes", "unicode.straighten_dashes"}


# ---- the edit log -----------------------------------------------------------------------
def test_edit_log_replays_to_the_cleaned_text():
    original = ["The councilâ€™s h\u043eusehold plan &amp; govern\u00adment\u00a0aid",
                "Smith &amp; Sons"]
    doc = run(original)
    assert replay(original, doc.edits) == texts(doc)
    assert all(e.stage == "unicode" and e.para is not None and e.span for e in doc.edits)


def test_text_input_without_paragraphs_is_split_first():
    doc = Document.new("t.txt", Origin("t.txt"), raw_text="Title\n\nSmith &amp; Sons\n")
    unicode_fix.apply(doc, Context())
    assert texts(doc) == ["Title", "Smith & Sons"]


# ---- properties -------------------------------------------------------------------------
_TRICKY = st.sampled_from(list("abcXYZ .,’“”&;#") + ["&amp;", "&#8217;", "â€™", "Ã©", "\u200b",
                                                     "\u00ad", "\ufeff", "\u00a0", "\u043e",
                                                     "\u0430", "\u03bf", "\x07", "é", "Мо"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_TRICKY, max_size=25).map("".join), min_size=1, max_size=3))
def test_never_raises_and_is_idempotent(paragraphs):
    doc = run(paragraphs)
    once = texts(doc)
    assert replay(paragraphs, doc.edits) == once
    again = run(once)
    assert texts(again) == once and again.edits == []


def test_metadata_text_repairs_a_garbled_title_and_leaves_a_clean_one():
    from cleaners.document import Document, Origin
    from cleaners.pipeline import Context
    from cleaners import unicode_fix

    doc = Document.new("a.html", Origin(path="a.html", format="html"), title="SofÃ­a wins the\u200b final",
                       byline="By José Núñez")
    unicode_fix.apply(doc, Context())
    assert doc.title == "Sofía wins the final" and doc.byline == "By José Núñez"
    assert [(e.rule, e.note) for e in doc.edits] == [("metadata_text", "title")]


def test_a_repeated_broken_line_gets_the_same_edits_from_the_cache():
    line = "Share on: X Â· Facebook Â· Email â€” “Copy” link"
    unicode_fix._ftfy_edits.cache_clear()
    first = run(["Intro.", line])
    again = run([line])  # same text at another index: the cached edits, renumbered
    assert unicode_fix._ftfy_edits.cache_info().hits >= 1
    assert texts(again) == [texts(first)[1]] == ["Share on: X · Facebook · Email — “Copy” link"]
    assert [(e.rule_id, e.span, e.before, e.after, e.note) for e in again.edits] == \
        [(e.rule_id, e.span, e.before, e.after, e.note) for e in first.edits]
    assert {e.para for e in first.edits} == {1} and {e.para for e in again.edits} == {0}
    # and the cached result is what the uncached replay logs
    doc = Document.new("t.txt", Origin("t.txt"), paragraphs=[Paragraph(line)])
    unicode_fix._run_ftfy_uncached(doc, 0, unicode_fix._FTFY_CONFIG)
    edits, fixed = unicode_fix._ftfy_edits(line, unicode_fix._FTFY_CONFIG)
    assert list(edits) == doc.edits and fixed == doc.paragraphs[0].text
