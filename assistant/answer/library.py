"""What the answer routes read from one index generation, loaded once: documents, action rows,
status items and passages held in memory, the vocabulary, and hybrid search over them."""

from __future__ import annotations

import re

import numpy as np

from ..index.embedding import Embedder
from ..index.storage import Generation
from ..ingest.acronyms import by_initials
from ..ingest.actions import ActionRow, teams_of
from ..ingest.items import Item
from ..ingest.status import StatusItem
from ..words import keys_of
from .lexicon import Lexicon
from .rendering import Citation
from .router import example_words
from .search import Hit, search

_LEGEND = re.compile(r"\b((?:SO\s?\d)|ORG)\.\s+([A-Z][A-Za-z ,&-]{2,60}?)(?=\s+(?:SO\s?\d|ORG)\.|\s*$)")


_DOCUMENT_NOUNS = ("plan", "update", "report", "document")


def _document_names(titles) -> re.Pattern[str]:
    """How a question names a document by its title's words: one to four of them, in any
    order and with words left out, then a title's noun for a kind of document ("the green
    customs plan", "the action plan"). Matches nothing when no title has such a noun."""
    words = {w for t in titles for w in re.findall(r"[a-z]{3,}", t.lower())}
    nouns = sorted(words & set(_DOCUMENT_NOUNS))
    if not nouns:
        return re.compile(r"(?!)")
    others = "|".join(sorted(words - set(nouns) - {"the", "and"}))
    return re.compile(rf"\b(?:(?:{others})\s+){{1,4}}(?:{'|'.join(nouns)})s?\b", re.IGNORECASE)


TWIN = 0.97  # cosine at which two items of a kind differ by a word or two ("Develop" / "Update")


class Library:
    """One generation's documents, rows, status items and passages, and search over them."""

    def __init__(self, generation: Generation, embedder: Embedder):
        self.generation = generation
        self.embedder = embedder
        self.documents = generation.documents()
        self.titles = {d.doc: d.title for d in self.documents}
        self.acronyms = generation.acronyms()
        items = generation.items_of()
        self.items_by_id = {i.id: i for i in items}
        self.rows = {i.id: ActionRow.from_dict(i.data) for i in items if i.kind == "action"}
        self.row_items = {i.id: i for i in items if i.kind == "action"}
        self.statuses = [StatusItem(**i.data) for i in items if i.kind == "status"]
        self.passages = {i.id: i for i in items if i.kind == "passage"}
        # "BPM", "ODS": abbreviations a reader may use though the documents never do
        self.initials = by_initials(i.search_text or i.text for i in items if i.kind != "status")
        self.bodies = {b for r in self.rows.values() for b in r.body_in_charge if is_name(b)}
        self.teams = {t for r in self.rows.values() for t in teams_of(r) if is_name(t)}
        self.lexicon = Lexicon(generation.terms(), generation.item_count(), example_words())
        self.categories = self._categories()
        self.document_names = _document_names(self.titles.values())
        self._sentence_vectors: dict[str, np.ndarray] = {}
        self._twins: dict[int, tuple[int, ...]] = {}
        self._doc_keys: dict[str, frozenset[str]] = {}

    def keys_in(self, doc: str) -> frozenset[str]:
        """Every word key a document's items use (its passages, rows and status items)."""
        if doc not in self._doc_keys:
            self._doc_keys[doc] = frozenset(
                k for i in self.items_by_id.values() if i.doc == doc for k in keys_of(i.search_text or i.text)
            )
        return self._doc_keys[doc]

    def twins(self, item_id: int) -> tuple[int, ...]:
        """The items of the same kind this one's embedding is TWIN-close to: only their words
        tell them apart (found once per item, by the index's own nearest-neighbour search)."""
        if item_id not in self._twins:
            vector = self.generation.vectors_of([item_id])[0]
            kind = self.items_by_id[item_id].kind if item_id in self.items_by_id else None
            self._twins[item_id] = tuple(
                i
                for i, score in self.generation.dense(vector, 4)
                if i != item_id
                and score >= TWIN
                and i in self.items_by_id
                and self.items_by_id[i].kind == kind
            )
        return self._twins[item_id]

    def sentence_vectors(self, sentences: list[str]) -> np.ndarray:
        """The embeddings of sentences of this generation's documents, each computed once: a
        GCAP item's sentences are weighed against every question about it."""
        missing = list(dict.fromkeys(s for s in sentences if s not in self._sentence_vectors))
        if missing:
            self._sentence_vectors.update(zip(missing, self.embedder.encode(missing), strict=True))
        return np.vstack([self._sentence_vectors[s] for s in sentences])

    def _categories(self) -> list[tuple[str, str, str]]:
        """Sections ("SP4. Research"), strategic objectives ("SO2. Revenue collection", from
        the legend the plan prints) and the table's topics ("Waste") by title, for questions
        that name them by their words."""
        found: dict[tuple[str, str], str] = {}
        for row in self.rows.values():
            if match := re.match(r"(SP\d+)\.\s*(.+)", row.section):
                found.setdefault(("section", match.group(1)), match.group(2))
            if row.topic:
                found.setdefault(("topic", row.topic), row.topic)
        for passage in self.passages.values():
            for match in _LEGEND.finditer(passage.text):
                found.setdefault(("so", match.group(1).replace(" ", "")), match.group(2).strip())
        return [(name, value, title) for (name, value), title in sorted(found.items())]

    def search(
        self,
        text: str,
        vector: np.ndarray,
        keywords: list[str] | str,
        k: int,
        kinds: tuple[str, ...],
        docs: tuple[str, ...] | None = None,
    ) -> list[Hit]:
        """Hybrid search of this generation, hits read from the items held in memory."""
        return search(
            self.generation,
            self.embedder,
            text,
            k=k,
            kinds=kinds,
            docs=docs,
            vector=vector,
            keywords=keywords,
            lookup=self.items_by_id,
        )

    def row_id(self, row_key: str) -> int | None:
        """The item id of the row with ActionRow.id `row_key` ("plan#14")."""
        return next((i for i, r in self.rows.items() if r.id == row_key), None)

    def status_for(self, row: ActionRow) -> StatusItem | None:
        """The latest status item linked to a row."""
        if not row.gcap:
            return None
        matching = [s for s in self.statuses if s.code == row.gcap]
        return max(matching, key=lambda s: s.date) if matching else None

    def passage_with(self, doc: str, paragraph: str) -> Item | None:
        return next((p for p in self.passages.values() if p.doc == doc and p.paragraph == paragraph), None)

    def passage_quoting(self, doc: str, sentence: str) -> Item | None:
        probe = re.sub(r"\s+", " ", sentence).strip()[:80]
        return next((p for p in self.passages.values() if p.doc == doc and probe and probe in p.text), None)

    def passage_citation(self, item: Item, score: float, quote: str = "") -> Citation:
        return Citation(
            "passage",
            item.doc,
            self.titles.get(item.doc, item.doc),
            item.page,
            item.section,
            item.text,
            float(score),
            item.paragraph,
            item.id,
            quote,
        )

    def row_citation(self, row_id: int, score: float) -> Citation:
        item, row = self.row_items[row_id], self.rows[row_id]
        return Citation(
            "action",
            item.doc,
            self.titles.get(item.doc, item.doc),
            item.page,
            item.section,
            row.action,
            float(score),
            item.paragraph,
            item.id,
            row.action,
            row,
        )

    def citation(self, hit: Hit) -> Citation:
        if hit.item.kind == "action":
            return self.row_citation(hit.item.id, hit.dense)
        return self.passage_citation(hit.item, hit.dense)


def is_name(value: str) -> bool:
    """Bodies and teams worth recognising in a question: not 'TBD', 'All', 'None' or prose."""
    return value not in ("TBD", "All", "None") and len(value.split()) <= 3 and not value.islower()
