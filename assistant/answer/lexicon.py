"""Bridging a question's words to the index's: spellings that meet by key, typos corrected
against the index's own vocabulary, and words it never uses reached through the words nearest
in meaning (their vectors computed at build time).

Delegates write "reponsible", "organise", "rubbish" and "pirated"; the documents write
"responsible", "organize", "waste" and "infringing". None of that is a reason to refuse.
"""

from __future__ import annotations

import bisect
import functools
import math
import os
import re
from collections import defaultdict
from collections.abc import Iterable

from rapidfuzz import distance, fuzz, process

from ..errors import ModelUnavailableError
from ..index.embedding import bundled_model_dir, model_words
from ..index.storage import Term
from ..words import key

NEIGHBOURS = 3  # nearest index words considered for a word the index never uses
NEIGHBOUR_MIN = 0.6  # cosine below which a nearest word is not a stand-in (tuned on dev)
FORM_RATIO = 75  # similarity (0-100) of two long words with the same start that are one word


_NUMBERED = re.compile(r"([a-z]{2,})-?\d+")  # a code: letters, then a number ("cop28", "gcap-2")
CLIPPED = 8  # index words a clipped word may stand for; more, and it says nothing


class Lexicon:
    """The vocabulary of one index generation, with the ways a question's word can reach it."""

    def __init__(self, terms: Iterable[Term], items: int, extra: Iterable[str] = ()):
        self.items = max(items, 1)
        self.docs: dict[str, int] = {}
        self.by_key: dict[str, list[str]] = defaultdict(list)
        self.by_vector: dict[int, str] = {}
        for term in terms:
            self.docs[term.term] = term.docs
            self.by_key[key(term.term)].append(term.term)
            if term.vector is not None:
                self.by_vector[term.vector] = term.term
        # spelling is corrected towards the index's words and the question words of the router
        self._spellings = sorted({t for t in self.docs if t.isalpha() and len(t) >= 3} | set(extra))

    def knows(self, word: str) -> bool:
        """Whether the index uses the word in some spelling or form."""
        return bool(self.forms(word))

    def forms(self, word: str) -> list[str]:
        """The index's spellings and forms of a word ("organise": organize, organization...;
        "sdgs": sdg, the plural of a code)."""
        found = {word} & self.docs.keys() | set(self.by_key.get(key(word), ()))
        if not found and word.endswith("s") and len(word) > 2 and word[:-1] in self.docs:
            found = {word[:-1]}
        return sorted(found)

    def frequency(self, word: str) -> int:
        """How many items use the word in any of its forms (at most the item count)."""
        return min(sum(self.docs.get(form, 0) for form in self.forms(word)), self.items)

    def common(self, word: str) -> bool:
        """Used by half the items or more (in any form): BM25 gives it no weight."""
        return self.frequency(word) >= self.items / 2

    def weight(self, word: str, english: bool = True) -> float:
        """How much a word says about what a question asks: words rare in the documents weigh
        most (a word they never use weighs as the rarest), and, with `english`, less as they
        are common in English: "first" or "place", rare in a plan, say less about what is asked
        than "counterfeit" ("why did they ask for a plan in the first place?")."""
        weight = math.log(1 + self.items / (1 + self.frequency(word)))
        return weight * english_rarity(word) if english else weight

    def correct(self, word: str) -> str | None:
        """The index word (or router word) a misspelling most likely meant, or None.

        Only words of four letters or more, one edit away (two from eight letters on), and
        never a real English word: "reponsible" -> "responsible", but "levies" stays itself.
        """
        if len(word) < 4 or not word.isalpha() or word in english_words():
            return None
        limit = 1 if len(word) < 8 else 2
        found = process.extract(
            word, self._spellings, scorer=distance.OSA.distance, score_cutoff=limit, limit=20
        )
        if found:  # the fewest edits, the word the index uses most, then a letter left out
            # (the likeliest slip: "happend" is "happened" before it is "happen")
            return min(
                found, key=lambda m: (m[1], -self.docs.get(m[0], 0), len(m[0]) != len(word) + 1, m[0])
            )[0]
        # another form of a long word the stemmer does not join ("symposiums", "symposia"): the
        # two differ only in their last letters, so "counterfeit" is no form of "countering"
        if len(word) >= 7:
            same_start = [
                w for w in self._spellings if w[:5] == word[:5] and len(w) >= 6 and _same_but_ending(w, word)
            ]
            found = process.extractOne(word, same_start, scorer=fuzz.ratio, score_cutoff=FORM_RATIO)
            if found:
                return found[0]
        return None

    def split_compound(self, word: str) -> list[str] | None:
        """Two index words written as one ("subdirectorate": sub, directorate), or None."""
        if len(word) < 7 or not word.isalpha():
            return None
        for cut in range(3, len(word) - 2):
            head, tail = word[:cut], word[cut:]
            if head in self.docs and tail in self.docs and len(tail) >= 4:
                return [head, tail]
        return None

    def clipped(self, word: str) -> list[str]:
        """The index words a clipped word may be short for ("op": operation, operational;
        "env": environment, environmental): those it begins, at least three letters longer,
        when there are at most CLIPPED of them; none for a word of more than five letters, nor
        for one of the commonest English words ("go" in "only go ahead" is no "governance")."""
        if not 2 <= len(word) <= 5 or not word.isalpha() or english_rarity(word) <= COMMONEST:
            return []
        # the spellings are sorted: those a word begins sit together, from where it would go
        found = []
        for spelling in self._spellings[bisect.bisect_left(self._spellings, word) :]:
            if not spelling.startswith(word):
                break
            if len(spelling) >= len(word) + 3:
                found.append(spelling)
                if len(found) > CLIPPED:
                    return []
        return found

    @functools.cached_property
    def _numbered(self) -> dict[str, list[str]]:
        """The numbered codes the documents use, by their letters: "cop" -> cop28, cop29
        (found when a question first needs them, not with every generation loaded)."""
        found: dict[str, list[str]] = defaultdict(list)
        for term in sorted(self.docs):
            if coded := _NUMBERED.fullmatch(term):
                found[coded.group(1)].append(term)
        return found

    def numbered(self, word: str) -> list[str]:
        """The index's codes that are the word and a number ("COP": COP28, COP29), for a code
        asked without its number when the documents never use it bare."""
        return [] if word in self.docs else list(self._numbered.get(word, ()))

    def neighbours(self, nearest: list[tuple[int, float]]) -> list[tuple[str, float]]:
        """Index words for term-vector hits (id, cosine), those close enough in meaning."""
        return [
            (self.by_vector[i], score)
            for i, score in nearest[:NEIGHBOURS]
            if score >= NEIGHBOUR_MIN and i in self.by_vector
        ]


def _same_but_ending(a: str, b: str) -> bool:
    """Whether two words share all but at most their last two letters (of the shorter)."""
    shared = len(os.path.commonprefix([a, b]))
    return shared >= min(len(a), len(b)) - 2


@functools.cache
def english_words() -> frozenset[str]:
    """Whole English words the embedding model knows (its WordPiece vocabulary): a word found
    here is a real word, not a typo, even when the documents never use it."""
    return frozenset(_english_ranks())


def english_correction(word: str) -> str | None:
    """The English word (of the model's vocabulary) a misspelling of one the documents never
    use most likely meant: one edit away, five letters or more, same first letter; a letter
    left out first (the likeliest slip), then the commoner word. "smugling" is "smuggling",
    which then finds its neighbours in meaning among the index's words."""
    if len(word) < 5 or not word.isalpha() or word in english_words():
        return None
    return slip_of(word, _english_by_start().get(word[0], ()), _english_ranks().__getitem__)


def slip_of(word: str, candidates: Iterable[str], rank=lambda w: 0) -> str | None:
    """The candidate one edit from `word` it most likely is a slip of: one with a letter left
    out first (the likeliest slip), then the lowest `rank`, then the first given."""
    near = [w for w in candidates if abs(len(w) - len(word)) <= 1 and distance.OSA.distance(word, w) == 1]
    return min(near, key=lambda w: (len(w) != len(word) + 1, rank(w)), default=None)


@functools.cache
def _english_by_start() -> dict[str, list[str]]:
    by_start: dict[str, list[str]] = defaultdict(list)
    for w in _english_ranks():
        if len(w) >= 4 and w.isalpha():
            by_start[w[0]].append(w)
    return dict(by_start)


def english_rarity(word: str) -> float:
    """0.2 (among the commonest English words) to 1 (rare, or not an English word at all), by
    the word's rank in the model's vocabulary, which is ordered by frequency."""
    rank = _english_ranks().get(word)
    if rank is None:
        return 1.0
    low, high = math.log(COMMON_RANK), math.log(RARE_RANK)
    return min(1.0, max(COMMONEST, (math.log(rank) - low) / (high - low)))


COMMONEST = 0.2  # english_rarity of the commonest English words (rank under COMMON_RANK)
COMMON_RANK, RARE_RANK = 2000, 30000  # WordPiece ids: words start near 2000 ("the" is 1996)


@functools.cache
def _english_ranks() -> dict[str, int]:
    try:
        return model_words(bundled_model_dir())
    except (ModelUnavailableError, OSError):
        return {}
