"""Countries and people by name, for the kinds of answer a question wants.

A question that names a country the documents never mention, and one that asks "which
countries" answered by a passage that names none, are evidence that the documents do not
answer; so is one that asks for a person ("who chaired...", "which official...") answered by
text that names nobody. Country names from ISO 3166 (pycountry, offline data), in any case:
delegates type "canada" and "malawi"."""

from __future__ import annotations

import functools
import re

from ..ingest.timeframes import MONTHS, SEASONS, SHORT_MONTHS
from ..words import fold
from .lexicon import english_words

# "which countries signed", "which member states' attaches", "what nations", "which Members",
# "which delegation", "which (Customs) administrations" (a Member, in the WCO's words)
ASKS_COUNTRIES = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+){0,2}?(?:countr(?:y|ies)|nations?|member\s+states?|members?|delegations?|"
    r"administrations?)\b",
    re.IGNORECASE,
)


# what "the official ..." is when it is no person: "the official body", "its official name"
_NOT_A_PERSON = "body|bodies|name|document|position|website|language"
# "who chaired", "who was the secretary general", "which official", "the name of the officer"
ASKS_PERSON = re.compile(
    r"\bwho\b.*\b(?:chair(?:ed|s)?|moderat(?:ed|es)|secretary[- ]general|minister|director|"
    r"spokes(?:man|woman|person)|head of)\b|\bname of the (?:\w+ ){0,2}(?:person|officer|official|expert|"
    r"consultant|chair|director)\b|\bwhich (?:\w+ ){0,2}(?:official|officer|person|individual)\b|"
    # "who was the Azerbaijani customs official that ...": a person; not "the official body", nor
    # "the officer responsible for X", a role the table gives as a body or a team
    r"\bwho(?:'s| (?:is|was|are|were))? the (?:\w+ ){0,3}?(?:official|officer|person|expert|consultant|"
    rf"individual)s?\b(?! (?:{_NOT_A_PERSON})s?\b)"
    r"(?! (?:responsible|in charge|leading|for)\b)",
    re.IGNORECASE,
)
# "who is the contact person for X?", "which officer handles X?": someone, where the table names
# a body and a team (wider than ASKS_PERSON: a role, "the officer responsible for X", is someone)
ASKS_SOMEONE = re.compile(
    r"\bcontact\b|\bfocal point\b|\bname of the\b|"
    r"\b(?:which|what|the) (?:\w+ ){0,2}?(?:person|officer|official|staff member|individual)s?\b"
    rf"(?!\s+(?:{_NOT_A_PERSON})s?\b)",
    re.IGNORECASE,
)
# "where was it held", "where and when is the conference", "in which city": a place, not a
# document ("where can I find the plan?") nor a state of progress ("where is it at?")
ASKS_PLACE = re.compile(
    r"\bwhere\b[^?]*?\b(?:held|hold(?:ing)?|t(?:ook|ake|aking) place|located|hosted|host(?:s|ing)?|"
    r"venue|meet(?:s|ing)?|met|convened?)\b|\bwhere and when\b|\bwhen and where\b|"
    r"\b(?:which|what) (?:city|town|venue|location)\b",
    re.IGNORECASE,
)
_DATE_WORDS = "|".join(sorted({*MONTHS, *SHORT_MONTHS, *SEASONS}, key=len, reverse=True))
# a place as documents give one: "held in Baku", "at COP29", "hosted in Brussels"
_IN_A_PLACE = re.compile(rf"\b(?:in|at)\s+(?!(?i:{_DATE_WORDS})\b)[A-Z][\w'’-]+")


def names_a_place(text: str) -> bool:
    """Whether a text says where: a country, or a name after "in" or "at" ("in Baku", "at
    COP29") that is not a month or a season. Lenient: it only tells a text that names no
    place at all from one that may."""
    return bool(_IN_A_PLACE.search(text)) or names_a_country(text)


# a person as documents name one: a title or a role, then a name ("Mr Kunio Mikuriya",
# "H.E. Ms. Aliyeva", "Secretary General Ian Saunders")
_TITLED = re.compile(
    r"\b(?:Mr|Ms|Mrs|Dr|Prof|Sir|Dame|H\.\s?E)\.?\s+(?:[A-Z][a-z]+\.?\s+)?[A-Z][a-z][\w'’-]*|"
    r"\b(?:Secretary[- ]General|Chair(?:person|man|woman)?|Director|Minister|Commissioner|Ambassador),?"
    r"\s+[A-Z][a-z]+\s+[A-Z][a-z][\w'’-]*"
)


def names_a_person(text: str) -> bool:
    """Whether a text names a person: a title before a name, or a first name and a surname
    that is no English word ("Kunio Mikuriya", not "Policy Commission")."""
    if _TITLED.search(text):
        return True
    words = english_words()
    for first, last in re.findall(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]{2,})\b", text):
        if last.lower() not in words and not is_country(last) and not is_country(first):
            return True
    return False


@functools.cache
def country_names() -> frozenset[str]:
    """Folded country names: short, common and official ("bolivia", "plurinational state of
    bolivia"), and the short name before a comma ("korea" of "Korea, Republic of")."""
    try:
        import pycountry
    except ImportError:  # without the data nothing is read as a country
        return frozenset()
    names = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(_folded(value))
                names.add(_folded(value.split(",")[0]))
    return frozenset(n for n in names if len(n) > 3)


def is_country(word: str) -> bool:
    """A one-word country name ("canada", "Malawi")."""
    return fold(word) in country_names()


def names_a_country(text: str) -> bool:
    """Whether a text names a country (one word or several: "South Africa")."""
    folded = f" {_folded(text)} "
    return any(f" {name} " in folded for name in country_names())


def _folded(text: str) -> str:
    return " ".join(fold(t) for t in re.findall(r"[^\W_]+", text))
