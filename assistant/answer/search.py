"""Hybrid retrieval: dense and keyword (BM25) search of the index, fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..index.embedding import Embedder
from ..index.storage import Generation
from ..ingest.items import Item
from ..words import content_terms

RRF_K = 60  # the usual constant of reciprocal rank fusion: damps the top ranks' dominance
CANDIDATES = 50  # per retriever, before fusion


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float  # fused score: higher is better
    dense: float  # cosine similarity of the item to the query
    keyword: float | None  # BM25 (higher is better), when the keyword retriever found it


def keyword_terms(words: str | list[str], leave_out: frozenset[str] = frozenset()) -> list[str]:
    """The terms to search by keyword: a text's content words, or a list of index terms, but
    those left out; codes like GCAP-19 or SO3 are kept whole and match exactly."""
    terms = content_terms(words) if isinstance(words, str) else words
    return [term for term in dict.fromkeys(terms) if term not in leave_out]


def search(
    generation: Generation,
    embedder: Embedder,
    query: str,
    k: int = 5,
    kinds: tuple[str, ...] | None = None,
    docs: tuple[str, ...] | None = None,
    vector: np.ndarray | None = None,
    keywords: str | list[str] | None = None,
    lookup: dict[int, Item] | None = None,
) -> list[Hit]:
    """The k best items for a query, fused from both retrievers, optionally filtered.

    `vector` (the query's embedding) and `keywords` (a text, or the index terms, for keyword
    search) may be given to reuse one embedding for several searches or to search other words;
    `lookup` (every item by id, held in memory) saves reading the hits from SQLite.
    """
    depth = max(CANDIDATES, k * 4)
    if vector is None:
        vector = embedder.encode([query])[0]
    dense = generation.dense(vector, depth)
    words = keywords if keywords is not None else query
    # words in half the items weigh nothing in BM25 but make FTS5 score most of the index
    common = generation.common_terms(content_terms(words) if isinstance(words, str) else words)
    keyword = generation.keyword(keyword_terms(words, common), depth)
    wanted = None
    if kinds is not None or docs is not None:
        ids = {i for i, _ in dense} | {i for i, _ in keyword}
        items = {i: lookup[i] for i in ids if i in lookup} if lookup is not None else generation.items(ids)
        wanted = {
            i
            for i, it in items.items()
            if (kinds is None or it.kind in kinds) and (docs is None or it.doc in docs)
        }
        dense = [(i, s) for i, s in dense if i in wanted]
        keyword = [(i, s) for i, s in keyword if i in wanted]
    fused: dict[int, float] = {}
    for ranking in (dense, keyword):
        for rank, (item_id, _) in enumerate(ranking):
            fused[item_id] = fused.get(item_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    top = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    items = {i: lookup[i] for i, _ in top} if lookup is not None else generation.items(i for i, _ in top)
    # every hit gets its exact cosine, including those only the keyword retriever found
    cosines = generation.vectors_of([i for i, _ in top]) @ vector if top else []
    keyword_scores = dict(keyword)
    return [
        Hit(items[i], score, float(cos), keyword_scores.get(i))
        for (i, score), cos in zip(top, cosines, strict=True)
    ]
