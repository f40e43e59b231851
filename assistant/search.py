"""Hybrid retrieval: dense (FAISS) and keyword (SQLite FTS5 BM25), fused by reciprocal rank."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .embedding import Embedder
from .store import Generation, Item

RRF_K = 60  # the usual constant of reciprocal rank fusion: damps the top ranks' dominance
CANDIDATES = 50  # per retriever, before fusion

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)*")
STOPWORDS = frozenset(
    """a about all an and any are as at be been by can could did do does for from had has
    have how i if in into is it its me my of on or our say said should so than that the
    their them then there these they this those to was we were what when where which who
    whom why will with would you your""".split()
)


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float  # fused score: higher is better
    dense: float | None  # cosine similarity, when the dense retriever found it
    keyword: float | None  # BM25 (higher is better), when the keyword retriever found it


def keyword_query(text: str) -> str:
    """An FTS5 query matching any content word; codes like GCAP-19 or SO3 match exactly."""
    terms: list[str] = []
    for token in _TOKEN.findall(text):
        lowered = token.lower()
        if lowered in STOPWORDS or (len(lowered) < 2 and not lowered.isdigit()):
            continue
        # FTS5 splits "gcap-19" into gcap + 19: a phrase keeps them together and in order
        terms.append('"' + " ".join(re.split(r"[-/]", lowered)) + '"')
    return " OR ".join(dict.fromkeys(terms))


def search(
    generation: Generation,
    embedder: Embedder,
    query: str,
    k: int = 5,
    kinds: tuple[str, ...] | None = None,
    docs: tuple[str, ...] | None = None,
) -> list[Hit]:
    """The k best items for a query, fused from both retrievers, optionally filtered."""
    depth = max(CANDIDATES, k * 4)
    vector = embedder.encode([query])[0]
    dense = generation.dense(vector, depth)
    keyword = generation.keyword(keyword_query(query), depth)
    fused: dict[int, float] = {}
    for ranking in (dense, keyword):
        for rank, (item_id, _) in enumerate(ranking):
            fused[item_id] = fused.get(item_id, 0.0) + 1.0 / (RRF_K + rank + 1)
    dense_scores, keyword_scores = dict(dense), dict(keyword)
    items = generation.items(fused)
    hits = [
        Hit(items[i], score, dense_scores.get(i), keyword_scores.get(i))
        for i, score in sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))
        if i in items
        and (kinds is None or items[i].kind in kinds)
        and (docs is None or items[i].doc in docs)
    ]
    return hits[:k]
