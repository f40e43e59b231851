"""Countries by name: a question that names one the documents never mention, and a question
that asks "which countries" answered by a passage that names none, are evidence that the
documents do not answer. Names from ISO 3166 (pycountry, offline data), in any case: delegates
type "canada" and "malawi"."""

from __future__ import annotations

import functools
import re

from ..words import fold

# "which countries signed", "which member states' attaches", "what nations", "which Members"
ASKS_COUNTRIES = re.compile(
    r"\b(?:which|what)\s+(?:\w+\s+){0,2}?(?:countr(?:y|ies)|nations?|member\s+states?|members)\b",
    re.IGNORECASE,
)


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
