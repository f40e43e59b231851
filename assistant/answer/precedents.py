"""Answered questions as examples: a question close in meaning to a labelled dev question leans
to the passages and rows that answered it.

Delegates ask the same things in many words ("how was the draft put together?", "what was the
plan based on?"), and the embedding alone often ranks a passage that shares the question's
words above the one that answers it. The dev split says which passage or row answers each of
its questions; `assistant tune` keeps each answerable question's vector (data/precedents.npy)
and the text it was answered by (data/precedents.json: a quoted sentence, a row's action). A
new question as close to one of them as FLOOR or closer adds to those items' relevance, in
proportion to how much closer it is.

The anchors are texts, not item ids: they find their items in whatever generation is loaded
(an anchor a revised document no longer holds finds nothing, and a document repeating it finds
both), and only when a question comes close to them, so a large index pays for what is asked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..ingest.items import Item
from ..words import unspaced

WEIGHTS = Path(__file__).resolve().parent / "data" / "precedents.json"
# Both chosen on dev, each set of questions (written by a different hand) answered with the
# precedents of the other sets only, as a new set meets them (`assistant tune` prints it):
# FLOOR 0.5-0.8 with WEIGHT 0.3-2.5 gave hit@1 0.85-0.89 against 0.83 without, a plateau.
FLOOR = 0.6  # cosine under which a labelled question says nothing about a new one
WEIGHT = 1.0  # relevance an item gains from a labelled question identical in meaning


@dataclass(frozen=True)
class Precedent:
    """What the labelled question nearest a new one says: how strongly (0-1, from FLOOR to
    identical), and the items that answered it."""

    strength: float = 0.0
    items: frozenset[int] = frozenset()
    # what the conversation was just about, for a question pointing back at it with words of
    # its own ("which team prepares the policy paper for it?"): those rows lean the same way
    context: frozenset[int] = frozenset()
    context_strength: float = 0.0

    def of(self, item_id: int) -> float:
        """How far an item leans: the labelled question's and the conversation's, added (as
        two retrievers' ranks are), so the conversation never drowns what the example says."""
        return (self.strength if item_id in self.items else 0.0) + (
            self.context_strength if item_id in self.context else 0.0
        )

    @property
    def named(self) -> frozenset[int]:
        """Every item that leans: the labelled question's and the conversation's."""
        return self.items | self.context

    def with_context(self, items: frozenset[int], strength: float) -> Precedent:
        return replace(self, context=items, context_strength=strength)


NONE = Precedent()


class Precedents:
    """The labelled questions and what answered them; `nearest` for a question's vector."""

    def __init__(
        self,
        vectors: np.ndarray | None,
        anchors: list[list[str]],
        items: Mapping[int, Item],
        kinds: tuple[str, ...] = ("passage", "action"),
        twins: Callable[[int], Iterable[int]] | None = None,
    ):
        self.vectors = vectors
        self.anchors = anchors
        self._items = items
        self._kinds = kinds
        # an item's near-duplicates ("Develop" / "Update the Enforcement Handbook ..."): a
        # question close to one that one of them answered is as close to one the other
        # answers, so the precedent names both, and the question's own words choose
        self._twins = twins
        self._flat_items: dict[int, str] | None = None
        self._found: dict[str, tuple[int, ...]] = {}

    @classmethod
    def load(
        cls,
        items: Mapping[int, Item],
        fingerprint: str | None,
        path: Path = WEIGHTS,
        twins: Callable[[int], Iterable[int]] | None = None,
    ) -> Precedents:
        """The fitted precedents, usable only with the model that embedded them (none otherwise)."""
        if not path.exists():
            return cls(None, [], items)
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("fingerprint") != fingerprint:
            return cls(None, [], items)
        vectors = np.load(path.with_name(data["file"]), allow_pickle=False).astype(np.float32)
        return cls(vectors, data["anchors"], items, twins=twins)

    def without(self, dropped: np.ndarray) -> Precedents:
        """The same precedents but those where `dropped` is true (for fitting out of fold)."""
        if self.vectors is None:
            return self
        keep = ~np.asarray(dropped, dtype=bool)
        anchors = [a for a, k in zip(self.anchors, keep, strict=True) if k]
        return Precedents(self.vectors[keep], anchors, self._items, self._kinds, self._twins)

    def nearest(self, vector: np.ndarray | None) -> Precedent:
        """The labelled question nearest `vector`: its strength is its cosine, rescaled from
        FLOOR (0) to identical (1); none when no labelled question is that close, or when what
        answered it is in no item of this index."""
        if self.vectors is None or vector is None or not len(self.vectors):
            return NONE
        similarity = self.vectors @ np.asarray(vector, dtype=np.float32)
        nearest = int(np.argmax(similarity))
        strength = min((float(similarity[nearest]) - FLOOR) / (1.0 - FLOOR), 1.0)
        items = frozenset(i for anchor in self.anchors[nearest] for i in self._holding(anchor))
        if strength <= 0 or not items:
            return NONE
        return Precedent(strength, items)

    def _holding(self, anchor: str) -> tuple[int, ...]:
        """The items whose text holds an anchor (whitespace and case aside), found once."""
        if anchor not in self._found:
            if self._flat_items is None:
                kinds = self._kinds
                self._flat_items = {i: unspaced(it.text) for i, it in self._items.items() if it.kind in kinds}
            flat = unspaced(anchor)
            found = [i for i, text in self._flat_items.items() if flat and flat in text]
            if self._twins is not None:
                found += [t for i in found for t in self._twins(i)]
            self._found[anchor] = tuple(dict.fromkeys(found))
        return self._found[anchor]
