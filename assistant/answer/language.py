"""Which language a question is in: the documents and the answers drawn from them are English,
so a question in another language is told so, naming the language, rather than being told that
the documents do not answer it."""

from __future__ import annotations

import functools
import re
import threading

from .lexicon import english_words

MIN_WORDS = 3  # fewer words than this are too few to tell a language by ("GCAP-19?", "KPI?")
MIN_CONFIDENCE = 0.6  # the detector's confidence in the other language
MAX_ENGLISH = 0.2  # ... and at most this in English
# a question this much made of English words (the model's vocabulary) is English without
# asking the detector (~0.5 ms): in the eval, English questions score 0.5-1 (395 of 426 at
# 0.8 or more), those in other languages 0.36-0.53
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


def detect(question: str) -> str | None:
    """The name of the language a question is written in, when it is clearly not English."""
    words = re.findall(r"[^\W\d_]{2,}", question)
    if len(words) < MIN_WORDS:
        return None
    if sum(w.lower() in english_words() for w in words) >= ENGLISH_WORDS * len(words):
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
