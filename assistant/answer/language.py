"""Which language a question is in: the documents and the answers drawn from them are English,
so a question in another language is told so, naming the language, rather than being told that
the documents do not answer it."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable

from .lexicon import english_words

MIN_WORDS = 3  # fewer words than this are too few to tell a language by ("GCAP-19?", "KPI?")
MIN_CONFIDENCE = 0.6  # the detector's confidence in the other language
MAX_ENGLISH = 0.2  # ... and at most this in English
# a question this much made of English words (the model's vocabulary, or words the documents
# use) is English without asking the detector (~20 ms a question): in the eval, 9 of 627
# questions reach it so (51 counting the model's vocabulary alone), every one in another
# language among them
ENGLISH_WORDS = 0.8
_lock = threading.Lock()


@functools.cache
def _detector():
    """Lingua's detector for English and the languages delegates most often write in (loaded
    once, on first use: about two seconds and 150 MB)."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ENGLISH,
        Language.FRENCH,
        Language.SPANISH,
        Language.PORTUGUESE,
        Language.GERMAN,
        Language.ARABIC,
        Language.RUSSIAN,
        Language.CHINESE,
    ]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def warm_up() -> None:
    """Load the detector now (a server does this at start, not on a delegate's first question)."""
    detect("which body is in charge of this action")


def detect(question: str, known: Callable[[str], bool] | None = None) -> str | None:
    """The name of the language a question is written in, when it is clearly not English.
    `known`: whether the documents use a word (their codes and names, "GCAP", "Mozambique",
    count as English words: the documents are English)."""
    words = re.findall(r"[^\W\d_]{2,}", question)
    if len(words) < MIN_WORDS:
        return None
    english = english_words()
    if sum(w.lower() in english or (known is not None and known(w)) for w in words) >= ENGLISH_WORDS * len(
        words
    ):
        return None
    try:
        with _lock:  # one detection at a time: the first call builds the models
            values = _detector().compute_language_confidence_values(question)
    except ImportError:  # the detector is not installed: every question is read as English
        return None
    confidence = {v.language.name: v.value for v in values}
    top = values[0]
    if top.language.name == "ENGLISH" or top.value < MIN_CONFIDENCE:
        return None
    if confidence.get("ENGLISH", 0.0) > MAX_ENGLISH:
        return None
    return top.language.name.title()
