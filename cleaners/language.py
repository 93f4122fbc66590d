"""Stage: language identification with langdetect, seeded, on a bounded sample."""
from __future__ import annotations

from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from cleaners.document import Document

STAGE = "language"


def apply(doc: Document, ctx) -> None:
    DetectorFactory.seed = ctx.config.language.seed
    sample = doc.text[: ctx.config.language.sample_chars]
    try:
        best = detect_langs(sample)[0]
        doc.lang, doc.lang_prob = best.lang, round(best.prob, 4)
    except LangDetectException:
        doc.lang, doc.lang_prob = None, None
