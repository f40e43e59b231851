"""Words: how every stage splits, folds, stems and compares text (search, status links, answers).

One definition of a word for the whole library, so that what the build indexes and what a
question asks meet: tokens are letters and digits of any script ("GCAP-19" and "self-assessment"
stay whole), folded to lower case without accents, and compared by a key that lets British and
American spellings and inflections meet ("organise", "organized", "organisation").
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable

TOKEN = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*")  # letters and digits, any script; codes keep - and /
# with the negations people type without their apostrophe ("dont" is not a misspelt "done"),
# what a chat opens or closes with ("ok, and when is it due?", "thanks, who owns it pls"), the
# vague nouns that stand for a topic without naming one ("the plastic waste stuff"), and the
# words that say how much of a list is wanted ("the complete list", "full", "whole", "already"),
# and what is left of a contraction ("who'll", "they're", "we've")
STOPWORDS = frozenset(
    """a about all already also am an and any anything are arent as at be been being both but by can cant
    complete could couldnt did didnt do does doesnt dont each entire every everything for from full
    further get gets getting got gotten had hadnt has hasnt have havent hello hey hi how i if im
    in into is isnt it its just ll me more most much my no nor not now of off ok okay on once only
    or other our out over own please pls plz re said same say should shouldnt so some something
    stuff such than thank thanks that the their them then there these they thing things this
    those to too up very was wasnt we were werent what when where which who whole whom why will
    ve with wont would wouldnt you your""".split()
)
# British spellings written the American way before stemming, in both the index and the
# question: a mapping applied to both sides can only join spellings, never split them.
# Then only inflections are removed (plurals, -ed, -ing, a final e): "operations" and
# "operation" meet, "operational" stays apart; a stemmer that also strips derivations
# (Porter's) joins them and ranks the wrong action first.
_SPELLING = (
    (re.compile(r"(?<=\w{2})([iy])s(e|es|ed|ing|er|ers|ation|ations|able)$"), r"\1z\2"),
    (re.compile(r"(?<=\w{3})our(s|ed|ing|ite|ites)?$"), r"or\1"),
    (re.compile(r"(?<=\w{2})([bt])re(s|d)?$"), r"\1er\2"),
    (re.compile(r"(?<=\w{3})ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=\w{3})mme(s)?$"), r"m\1"),
    (re.compile(r"(?<=\w{3})ence(s)?$"), r"ense\1"),
)
_DOUBLED = re.compile(r"([bdfgklmnprt])\1$")


def unspaced(text: str) -> str:
    """A text without its whitespace, lower-cased: a quote is found in a passage this way,
    whatever line breaks a PDF put in either."""
    return re.sub(r"\s+", "", text).lower()


def fold(token: str) -> str:
    """Lower case without accents, as the keyword index stores terms ("attachés" -> "attaches")."""
    decomposed = unicodedata.normalize("NFKD", token.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    """Every token of a text, as written (case kept), in order."""
    return TOKEN.findall(text)


@functools.lru_cache(maxsize=16384)  # the same sentences are scored again and again
def content_terms(text: str) -> tuple[str, ...]:
    """Folded terms of a text without stopwords and single letters, first occurrence first."""
    terms = []
    for token in TOKEN.findall(text):
        lowered = fold(token)
        if lowered in STOPWORDS or (len(lowered) < 2 and not lowered.isdigit()):
            continue
        terms.append(lowered)
    return tuple(dict.fromkeys(terms))


def index_terms(text: str) -> set[str]:
    """The terms the keyword index makes of a text: runs of letters and digits, folded
    (as SQLite's unicode61 tokenizer with diacritics removed splits them)."""
    return {fold(t) for t in re.findall(r"[^\W_]+", text)}


def parts(terms: Iterable[str]) -> list[str]:
    """Terms with their compounds split ("self-assessment" counts as self and assessment)."""
    return list(dict.fromkeys(part for term in terms for part in re.split(r"[-/]", term) if part))


@functools.lru_cache(maxsize=65536)
def key(term: str) -> str:
    """What two spellings of one word share: "organise", "organized" and "organisation"
    give one key, as do "catalogue" and "catalog"; numbers and codes stay as they are."""
    term = fold(term)
    if not term.isalpha() or len(term) < 4:
        return term
    for pattern, replacement in _SPELLING:
        term = pattern.sub(replacement, term)
    return _inflection_stem(term)


def _inflection_stem(word: str) -> str:
    """The word without its inflection: policies -> policy, planned -> plan, organizing ->
    organiz, measures -> measur; derivations ("operational", "recyclable") are kept."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= 3
            and re.search(r"[aeiouy]", word[: -len(suffix)])
        ):
            word = word[: -len(suffix)]
            if _DOUBLED.search(word) and not word.endswith("ll"):
                word = word[:-1]  # planned -> plan, but not install -> instal
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


@functools.lru_cache(maxsize=16384)
def keys_of(text: str) -> frozenset[str]:
    """The keys of every part of a text's content terms."""
    return frozenset(key(t) for t in parts(content_terms(text)))


def overlap(text: str, weights: dict[str, float]) -> float:
    """Share of the weighted keys (question key -> weight) that a text uses, in any form."""
    total = sum(weights.values())
    if not total:
        return 0.0
    present = keys_of(text)
    return sum(w for k, w in weights.items() if k in present) / total


def jaccard(a: str, b: str) -> float:
    """Word overlap of two texts' content words (by key), 0 to 1."""
    ka = {k for k in keys_of(a) if len(k) > 2 and not k.isdigit()}
    kb = {k for k in keys_of(b) if len(k) > 2 and not k.isdigit()}
    return len(ka & kb) / len(ka | kb) if ka and kb else 0.0
