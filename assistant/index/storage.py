"""The storage interface: what search, answers, the build and the app read and write, whatever
holds the index. Two implementations: files (FAISS + SQLite, `store.py`, the default) and
PostgreSQL + pgvector (`postgres.py`, for a large library served by several app processes).

A `Generation` is one immutable, complete index; an `Index` is where generations live: which one
is live, the build lock, writing a new one, switching to it, pruning old ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from ..ingest.items import DocumentRecord, Item

# BM25 as SQLite's FTS5 computes it (its built-in bm25() defaults), so both backends rank alike
BM25_K1 = 1.2
BM25_B = 0.75


@dataclass(frozen=True)
class Term:
    """A word of the index: in how many items, and its vector's id (or None)."""

    term: str
    docs: int
    vector: int | None = None


class Generation(Protocol):
    """One complete, immutable index generation, read-only."""

    name: str
    manifest: dict

    def close(self) -> None: ...

    def documents(self) -> list[DocumentRecord]: ...

    def pages(self, doc: str) -> list[tuple[int, str]]:
        """(number, text) of a document's pages, in order."""
        ...

    def items(self, ids: Iterable[int]) -> dict[int, Item]: ...

    def items_of(self, doc: str | None = None, kind: str | None = None) -> list[Item]: ...

    def acronyms(self) -> dict[str, str]: ...

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]: ...

    def common_terms(self, terms: Iterable[str]) -> frozenset[str]: ...

    def terms(self) -> list[Term]: ...

    def term_vectors_of(self, ids: list[int]) -> np.ndarray: ...

    def nearest_terms(self, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]: ...

    def item_count(self) -> int: ...

    def vectors_of(self, ids: list[int]) -> np.ndarray: ...

    def dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The k items nearest by inner product (cosine: vectors are unit length), best first."""
        ...

    def keyword(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The k items best matching any of the terms by BM25 (higher is better); a term with
        `-` or `/` ("gcap-19", "return-refill") matches as a phrase."""
        ...


class Index(Protocol):
    """Where generations live: the live one, the build lock, writing, switching, pruning."""

    def describe(self) -> str:
        """Where the index is, for messages ("index/", "PostgreSQL at host/db")."""
        ...

    def live_name(self) -> str | None: ...

    def open_live(self, vectors: str | None = None) -> Generation:
        """The live generation; refuses one whose vectors another model or backend computed
        (`Embedder.vectors`; IndexMismatchError)."""
        ...

    def lock(self, wait: float | None = None) -> AbstractContextManager[None]:
        """Hold the one build lock; wait up to `wait` seconds (None: forever)."""
        ...

    def prune(self) -> list[str]: ...

    def write(
        self,
        documents: list[DocumentRecord],
        pages: list[tuple[str, int, str]],
        items: list[Item],
        vectors: np.ndarray,
        manifest: dict,
        acronyms: dict[str, str],
        terms: list[Term],
        term_vectors: np.ndarray,
    ) -> str:
        """Write a complete new generation (not live yet); its name."""
        ...

    def check(self, name: str, vectors: str) -> None:
        """Open a written generation and check it is whole, before it goes live."""
        ...

    def switch(self, name: str) -> None:
        """Make a generation the live one, atomically."""
        ...
