"""The index in PostgreSQL + pgvector, for a large library served by several app processes.

Shared by every generation, keyed by document version (a hash of the document's items, pages,
pipeline and model), so a changed file costs its own rows and nothing else:
  assistant.versions      one row per document version
  assistant.items         its items: text, data, a generated tsvector (simple + unaccent, with
                          - and / read as spaces), its vector
  assistant.postings      keyword search's inverted index: each term of each item (the lexemes
                          of its tsvector, and codes such as GCAP-19 as 'gcap 19') with its
                          frequency there, keyed (term, item)
  assistant.pages         its pages
  assistant.term_vectors  vectors of vocabulary words, by model
A generation is a schema g_<time>_<pid> holding what is its own: documents, members (the
document versions it references), terms (vocabulary counts, for IDF), acronyms, a view `items`.
  assistant.generations   every complete generation with its manifest and counts
  assistant.live          one row naming the live generation, switched in one transaction
The build lock is an advisory lock held by the build's own connection (a killed build releases
it); pruning drops old schemas, then the content rows no generation references.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime

import numpy as np

from ..errors import (
    AssistantError,
    BuildLockedError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
)
from ..faults import checkpoint
from ..ingest.items import DocumentRecord, Item
from .storage import BM25_B, BM25_K1, Term

FORMAT_VERSION = 2  # 2: keyword search reads assistant.postings
KEEP_GENERATIONS = 2  # the live one and the one before
# A generation replaced less than this long ago is kept beyond KEEP_GENERATIONS: an app process
# may be finishing an answer from it (a file generation survives its removal in open handles;
# a dropped schema does not)
RETIRED_GRACE_SECONDS = 300
LOCK_KEY = 0x6763_6173_7369_7374  # the build lock's advisory-lock key ("gcassist")
# Exact search scans every vector; from this many items in the library an HNSW index answers
# instead (`python -m assistant.tooling.benchmark postgres`, 2 cores: exact top 50 took 7 ms at
# 5k items, 13 ms at 10k and 78 ms at 90k, HNSW 5.5 ms at 90k; up to 10k exact costs little and
# is never wrong)
HNSW_FROM = 10_000
HNSW_EF_SEARCH = 100
# Keyword search scores every item that matches the query's rarer terms up to this many items
# (see PostgresGeneration.keyword); FTS5 scores every match, in C
KEYWORD_CANDIDATES = 3_000
POOL_SIZE = 10

_SHARED = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE SCHEMA IF NOT EXISTS assistant;
-- unaccent() is only STABLE (its dictionary could change); a generated column needs IMMUTABLE
CREATE OR REPLACE FUNCTION assistant.searchable(text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN to_tsvector('simple'::regconfig,
                       public.unaccent('public.unaccent'::regdictionary, translate($1, '-/', '  ')));
DROP FUNCTION IF EXISTS assistant.phrase_count(tsvector, text);  -- format 1's phrase search
CREATE TABLE IF NOT EXISTS assistant.live (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation text NOT NULL,
    switched timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS assistant.generations (
    name text PRIMARY KEY, manifest jsonb NOT NULL, items integer NOT NULL,
    tokens bigint NOT NULL, created timestamptz NOT NULL DEFAULT now(),
    retired timestamptz  -- when another generation replaced it as the live one
);
CREATE TABLE IF NOT EXISTS assistant.versions (
    version text PRIMARY KEY, doc text NOT NULL, created timestamptz NOT NULL DEFAULT now()
);
-- a small number for each version (postings carry it), and whether its postings are written
-- (a database written by format 1 has versions without them)
ALTER TABLE assistant.versions ADD COLUMN IF NOT EXISTS number integer GENERATED ALWAYS AS IDENTITY;
ALTER TABLE assistant.versions ADD COLUMN IF NOT EXISTS posted boolean NOT NULL DEFAULT false;
CREATE TABLE IF NOT EXISTS assistant.pages (
    version text NOT NULL REFERENCES assistant.versions ON DELETE CASCADE,
    number integer NOT NULL, text text NOT NULL, PRIMARY KEY (version, number)
);
CREATE TABLE IF NOT EXISTS assistant.items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version text NOT NULL REFERENCES assistant.versions ON DELETE CASCADE,
    kind text NOT NULL, doc text NOT NULL, ordinal integer NOT NULL, page integer,
    section text, paragraph text, text text NOT NULL, context text, data jsonb,
    search_text text NOT NULL, tokens integer NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (assistant.searchable(search_text)) STORED,
    -- kept in the row (never compressed or moved out): an exact scan then reads vectors
    -- straight from the table's pages instead of fetching each from TOAST (ten times slower)
    embedding vector({dimension}) STORAGE PLAIN NOT NULL
);
CREATE INDEX IF NOT EXISTS items_version ON assistant.items (version);
CREATE INDEX IF NOT EXISTS items_doc ON assistant.items (doc, kind, ordinal);  -- a document's items
DROP INDEX IF EXISTS assistant.items_tsv;  -- format 1 searched the tsvectors; postings replace it
-- keyword search's inverted index: each lexeme of an item's tsvector, and each code written
-- with - or / ("gcap-19" as the term 'gcap 19'), with its frequency in the item and what BM25
-- needs besides (the item's length; its version, to keep to one generation's). Reading a
-- query's postings from the primary key costs a fraction of unnesting the matching items'
-- tsvectors (`python -m assistant.tooling.benchmark postgres`)
CREATE TABLE IF NOT EXISTS assistant.postings (
    term text NOT NULL, item bigint NOT NULL, version integer NOT NULL,
    tf smallint NOT NULL, tokens integer NOT NULL,
    PRIMARY KEY (term, item) INCLUDE (version, tf, tokens)
);
CREATE TABLE IF NOT EXISTS assistant.term_vectors (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model text NOT NULL, term text NOT NULL, embedding vector({dimension}) NOT NULL,
    UNIQUE (model, term)
);
"""

_GENERATION = """
CREATE SCHEMA {g};
CREATE TABLE {g}.documents (
    doc text PRIMARY KEY, title text, kind text, date text, meeting text, path text,
    sha256 text, pages integer, passages integer, actions integer, indexed_at text,
    version text NOT NULL
);
CREATE TABLE {g}.members (version text PRIMARY KEY);
CREATE TABLE {g}.terms (term text PRIMARY KEY, docs integer NOT NULL, vector bigint);
CREATE TABLE {g}.acronyms (short text PRIMARY KEY, long text NOT NULL);
CREATE VIEW {g}.items AS
    SELECT i.* FROM assistant.items AS i WHERE i.version IN (SELECT version FROM {g}.members);
"""


class PostgresIndex:
    """Generations in one PostgreSQL database (ASSISTANT_DATABASE_URL)."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE, grace: float = RETIRED_GRACE_SECONDS):
        self.url = url
        self.pool_size = pool_size
        self.grace = grace
        self._pool = None
        self._pool_lock = threading.Lock()
        self._writer = None  # the build's connection while it holds the build lock

    def describe(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        try:
            parts = conninfo_to_dict(self.url)
        except Exception:
            return "the database in ASSISTANT_DATABASE_URL"
        where = parts.get("host") or "localhost"
        return f"PostgreSQL database {parts.get('dbname') or parts.get('user') or ''} at {where}".strip()

    # ------------------------------------------------------------ connections

    def connect(self):
        """A new connection (autocommit, pgvector types known once the extension exists)."""
        import psycopg

        try:
            conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as exc:
            raise AssistantError(
                f"cannot reach {self.describe()}: {_first_line(exc)}; start PostgreSQL or correct "
                "ASSISTANT_DATABASE_URL (or unset ASSISTANT_BACKEND to use the files backend)"
            ) from None
        except psycopg.ProgrammingError as exc:
            raise AssistantError(
                f"ASSISTANT_DATABASE_URL is not a valid connection string ({_first_line(exc)}); "
                "write it as postgresql://user@host:port/dbname"
            ) from None
        _register_vector(conn)
        return conn

    @contextmanager
    def reading(self) -> Iterator:
        """A pooled connection for one read."""
        with self._pool_lock:
            if self._pool is None:
                from psycopg_pool import ConnectionPool

                self.connect().close()  # a clear error now rather than a pool timeout later
                self._pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=self.pool_size,
                    kwargs={"autocommit": True},
                    configure=_register_vector,
                    open=True,
                )
        with _errors(self), self._pool.connection() as conn:
            if conn.adapters.types.get("vector") is None:  # opened before the first build made it
                _register_vector(conn)
            yield conn

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    # ------------------------------------------------------------ the live generation

    def live_name(self) -> str | None:
        import psycopg

        with self.reading() as conn:
            try:
                row = conn.execute("SELECT generation FROM assistant.live").fetchone()
            except psycopg.errors.UndefinedTable:
                return None
        return row[0] if row else None

    def open_live(self, vectors: str | None = None) -> PostgresGeneration:
        name = self.live_name()
        if name is None:
            raise IndexMissingError(
                f"{self.describe()} has no index yet; run `python -m assistant build` with "
                "ASSISTANT_BACKEND=postgres"
            )
        return self.open(name, vectors)

    def open(self, name: str, vectors: str | None = None) -> PostgresGeneration:
        with self.reading() as conn:
            row = conn.execute(
                "SELECT manifest, items, tokens FROM assistant.generations WHERE name = %s", (name,)
            ).fetchone()
        if row is None:
            raise IndexCorruptError(
                f"generation {name} is named live in {self.describe()} but does not exist; "
                "run `python -m assistant build`"
            )
        manifest, items, tokens = row
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"{name} has index format {manifest.get('format')}, this code reads {FORMAT_VERSION}; "
                "run `python -m assistant build` to rebuild it"
            )
        built_with = manifest.get("model", {}).get("vectors")
        if vectors is not None and built_with != vectors:
            raise IndexMismatchError(
                f"{name} holds vectors from {built_with}, but the running model computes them with "
                f"{vectors}; run `python -m assistant build` to rebuild the index (or set "
                "ASSISTANT_EMBEDDING_BACKEND to the backend it was built with)"
            )
        with self.reading() as conn:
            # postings carry a version's number, not its hash: this generation's are those up to
            # its newest, but those left out (later builds only add higher numbers)
            newest = conn.execute(
                f"SELECT max(v.number) FROM assistant.versions AS v JOIN {_quoted(name)}.members "
                "USING (version)"
            ).fetchone()[0]
            excluded = [
                row[0]
                for row in conn.execute(
                    f"SELECT number FROM assistant.versions WHERE number <= %s AND version NOT IN "
                    f"(SELECT version FROM {_quoted(name)}.members)",
                    (newest or 0,),
                )
            ]
        members = (newest or 0, excluded)
        return PostgresGeneration(self, name, manifest, items, tokens / max(items, 1), members)

    def switch(self, name: str) -> None:
        """One transaction: readers see the old generation live or the new one, never neither."""
        with self._writing() as conn, conn.transaction():
            conn.execute(
                "UPDATE assistant.generations SET retired = now() "
                "WHERE name = (SELECT generation FROM assistant.live) AND name <> %s",
                (name,),
            )
            conn.execute(
                "INSERT INTO assistant.live (only_row, generation) VALUES (true, %s) "
                "ON CONFLICT (only_row) DO UPDATE SET generation = excluded.generation, switched = now()",
                (name,),
            )

    # ------------------------------------------------------------ building

    @contextmanager
    def lock(self, wait: float | None = None) -> Iterator[None]:
        """The build lock: a session advisory lock on a connection of its own (not through a
        transaction-mode pooler: the lock lives as long as the connection)."""
        conn = self.connect()
        try:
            with _errors(self):
                deadline = None if wait is None else time.monotonic() + wait
                while not conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
                    if deadline is not None and time.monotonic() >= deadline:
                        raise BuildLockedError(
                            f"the build lock of {self.describe()} is held by a rebuild "
                            f"({_lock_holder(conn)}); wait for it to finish, or run build again "
                            "with a longer --wait"
                        )
                    time.sleep(0.2)
            self._writer = conn
            yield
        finally:
            self._writer = None
            conn.close()  # closing releases the lock; a killed build's connection releases it too

    @contextmanager
    def _writing(self) -> Iterator:
        if self._writer is not None:
            with _errors(self):
                yield self._writer
            return
        conn = self.connect()
        try:
            with _errors(self):
                yield conn
        finally:
            conn.close()

    def write(self, documents, pages, items, vectors, manifest, acronyms, terms, term_vectors) -> str:
        """Write a generation in one transaction: content rows only for new document versions."""
        if len(items) != len(vectors):
            raise ValueError(f"{len(items)} items but {len(vectors)} vectors")
        name = "g_" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + f"_{os.getpid()}"
        model = manifest["model"]
        versions = _versions(documents, pages, items, manifest)
        written = {"items": 0, "pages": 0, "versions": 0, "term_vectors": 0}
        with self._writing() as conn:
            with conn.transaction():
                conn.execute(_SHARED.format(dimension=int(model["dimension"])))
            _register_vector(conn)
            with conn.transaction():
                checkpoint("pg-begin")
                known = {
                    row[0]
                    for row in conn.execute(
                        "SELECT version FROM assistant.versions WHERE version = ANY(%s)",
                        (list(versions.values()),),
                    )
                }
                fresh = {doc for doc, version in versions.items() if version not in known}
                written.update(
                    _write_content(conn, versions, fresh, pages, items, vectors),
                )
                written["postings"] = _write_postings(conn, sorted(set(versions.values())))
                checkpoint("pg-content")
                vector_ids, written["term_vectors"] = _write_term_vectors(
                    conn, model["vectors"], terms, term_vectors
                )
                g = _quoted(name)
                conn.execute(_GENERATION.format(g=g))
                _copy(
                    conn,
                    f"{g}.documents",
                    [(*asdict(d).values(), versions[d.doc]) for d in documents],
                )
                _copy(conn, f"{g}.members", [(v,) for v in sorted(set(versions.values()))])
                _copy(
                    conn,
                    f"{g}.terms",
                    [(t.term, t.docs, None if t.vector is None else vector_ids[t.vector]) for t in terms],
                )
                _copy(conn, f"{g}.acronyms", sorted(acronyms.items()))
                checkpoint("pg-schema")
                tokens = sum(_token_count(it.search_text or it.text) for it in items)
                counts = {"items": len(items), "documents": len(documents), "written": written}
                full = dict(manifest, format=FORMAT_VERSION, generation=name, counts=counts)
                conn.execute(
                    "INSERT INTO assistant.generations (name, manifest, items, tokens) "
                    "VALUES (%s, %s, %s, %s)",
                    (name, _jsonb(full), len(items), tokens),
                )
                checkpoint("pg-generation")
            checkpoint("pg-committed")
            # index-only scans of the postings need their pages marked all-visible (only the
            # pages written since the last vacuum are read); autovacuum would, later
            conn.execute("VACUUM (ANALYZE) assistant.postings")
            self._index_vectors(conn)
        return name

    def _index_vectors(self, conn) -> None:
        """HNSW once the library is large enough that scanning every vector costs more."""
        count = conn.execute("SELECT count(*) FROM assistant.items").fetchone()[0]
        if count < HNSW_FROM:
            return
        conn.execute("SET maintenance_work_mem = '512MB'")  # the graph must fit, or building crawls
        conn.execute(
            "CREATE INDEX IF NOT EXISTS items_hnsw ON assistant.items USING hnsw (embedding vector_ip_ops)"
        )
        checkpoint("pg-hnsw")

    def check(self, name: str, vectors: str) -> None:
        """The written generation opens and holds every item, with its vector, and document."""
        generation = self.open(name, vectors)
        g = _quoted(name)
        with self.reading() as conn:
            items, documents = conn.execute(
                f"SELECT (SELECT count(*) FROM {g}.items), (SELECT count(*) FROM {g}.documents)"
            ).fetchone()
        counts = generation.manifest["counts"]
        if items != counts["items"] or documents != counts["documents"]:
            raise IndexCorruptError(
                f"generation {name} in {self.describe()} holds {items} items and {documents} documents, "
                f"its manifest says {counts['items']} and {counts['documents']}; run build again"
            )

    def prune(self, keep: int = KEEP_GENERATIONS) -> list[str]:
        """Drop all but the newest `keep` generations (never the live one, nor one replaced
        within the grace period), then the content rows no remaining generation references."""
        with self._writing() as conn:
            exists = conn.execute("SELECT to_regclass('assistant.generations') IS NOT NULL").fetchone()[0]
            if not exists:
                return []
            live = (conn.execute("SELECT generation FROM assistant.live").fetchone() or [None])[0]
            rows = conn.execute(
                "SELECT name, retired IS NOT NULL AND retired > now() - make_interval(secs => %s) "
                "FROM assistant.generations ORDER BY name",
                (self.grace,),
            ).fetchall()
            names, recent = [name for name, _ in rows], {name for name, recent in rows if recent}
            doomed = [n for n in (names[:-keep] if keep else names) if n != live and n not in recent]
            with conn.transaction():
                for name in doomed:
                    conn.execute(f"DROP SCHEMA IF EXISTS {_quoted(name)} CASCADE")
                    conn.execute("DELETE FROM assistant.generations WHERE name = %s", (name,))
                kept = [n for n in names if n not in doomed]
                if kept:
                    members = " UNION ".join(f"SELECT version FROM {_quoted(n)}.members" for n in kept)
                    terms = " UNION ".join(
                        f"SELECT vector FROM {_quoted(n)}.terms WHERE vector IS NOT NULL" for n in kept
                    )
                    gone = conn.execute(
                        f"DELETE FROM assistant.versions WHERE version NOT IN ({members}) RETURNING number"
                    ).fetchall()
                    if gone:  # one pass over the postings, not one per version
                        conn.execute(
                            "DELETE FROM assistant.postings WHERE version = ANY(%s)", ([n for (n,) in gone],)
                        )
                    conn.execute(f"DELETE FROM assistant.term_vectors WHERE id NOT IN ({terms})")
            return doomed


class PostgresGeneration:
    """One generation in PostgreSQL, read through the index's connection pool."""

    def __init__(
        self,
        index: PostgresIndex,
        name: str,
        manifest: dict,
        count: int,
        mean_tokens: float,
        members: tuple[int, list[int]],
    ):
        self.index = index
        self.name = name
        self.manifest = manifest
        self._g = _quoted(name)
        self._count = count
        self._mean_tokens = mean_tokens or 1.0
        self._newest, self._excluded = members  # the version numbers of this generation's rows
        self._term_matrix: tuple[np.ndarray, np.ndarray] | None = None  # (vector ids, vectors)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Nothing to release: connections belong to the index's pool."""

    def _rows(
        self, sql: str, params: Sequence = (), binary: bool = False, settings: dict[str, str] | None = None
    ) -> list[tuple]:
        """One read's rows. `settings` hold for this statement only: set local to its own
        transaction, so a pooler may share the connection."""
        with self.index.reading() as conn:
            if not settings:
                return conn.cursor(binary=binary).execute(sql, params).fetchall()
            with conn.transaction():
                conn.execute(
                    "SELECT " + ", ".join("set_config(%s, %s, true)" for _ in settings),
                    [part for setting in settings.items() for part in setting],
                )
                return conn.cursor(binary=binary).execute(sql, params).fetchall()

    def documents(self) -> list[DocumentRecord]:
        columns = "doc, title, kind, date, meeting, path, sha256, pages, passages, actions, indexed_at"
        rows = self._rows(f"SELECT {columns} FROM {self._g}.documents ORDER BY doc")
        return [DocumentRecord(*row) for row in rows]

    def pages(self, doc: str) -> list[tuple[int, str]]:
        return [
            (number, text)
            for number, text in self._rows(
                f"SELECT p.number, p.text FROM assistant.pages AS p JOIN {self._g}.documents AS d "
                "ON d.version = p.version WHERE d.doc = %s ORDER BY p.number",
                (doc,),
            )
        ]

    def items(self, ids: Iterable[int]) -> dict[int, Item]:
        ids = [int(i) for i in ids]
        if not ids:
            return {}
        rows = self._rows(f"SELECT {_ITEM_COLUMNS} FROM {self._g}.items WHERE id = ANY(%s)", (ids,))
        return {row[-1]: _item(row) for row in rows}

    def items_of(self, doc: str | None = None, kind: str | None = None) -> list[Item]:
        rows = self._rows(
            f"SELECT {_ITEM_COLUMNS} FROM {self._g}.items WHERE (%(doc)s::text IS NULL OR doc = %(doc)s) "
            "AND (%(kind)s::text IS NULL OR kind = %(kind)s) ORDER BY doc, kind, ordinal",
            {"doc": doc or None, "kind": kind or None},
        )
        return [_item(row) for row in rows]

    def acronyms(self) -> dict[str, str]:
        return dict(self._rows(f"SELECT short, long FROM {self._g}.acronyms"))

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        terms = sorted(set(terms))
        if not terms:
            return {}
        return dict(self._rows(f"SELECT term, docs FROM {self._g}.terms WHERE term = ANY(%s)", (terms,)))

    def common_terms(self, terms: Iterable[str]) -> frozenset[str]:
        """The single-word terms found in at least half the items: BM25 gives them no weight."""
        half = self.item_count() / 2
        frequencies = self.document_frequencies(t for t in terms if t.isalnum())
        return frozenset(t for t, n in frequencies.items() if n >= half)

    def terms(self) -> list[Term]:
        return [Term(*row) for row in self._rows(f"SELECT term, docs, vector FROM {self._g}.terms")]

    def _terms_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """The vectors of the vocabulary's words, held in memory (like FAISS in the files backend)."""
        with self._lock:
            if self._term_matrix is None:
                rows = self._rows(
                    f"SELECT v.id, v.embedding FROM {self._g}.terms AS t "
                    "JOIN assistant.term_vectors AS v ON v.id = t.vector ORDER BY v.id",
                    binary=True,
                )
                dimension = int(self.manifest["model"]["dimension"])
                ids = np.array([row[0] for row in rows], dtype=np.int64)
                matrix = np.vstack([row[1].to_numpy() for row in rows]) if rows else np.zeros((0, dimension))
                self._term_matrix = ids, np.ascontiguousarray(matrix, dtype=np.float32)
            return self._term_matrix

    def term_vectors_of(self, ids: list[int]) -> np.ndarray:
        known, matrix = self._terms_matrix()
        position = {int(i): n for n, i in enumerate(known)}
        return matrix[[position[int(i)] for i in ids]] if ids else matrix[:0]

    def nearest_terms(self, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        known, matrix = self._terms_matrix()
        k = min(k, len(known))
        if k <= 0 or not len(vectors):
            return [[] for _ in range(len(vectors))]
        scores = np.asarray(vectors, dtype=np.float32) @ matrix.T
        result = []
        for row in scores:
            best = np.argpartition(-row, k - 1)[:k]
            best = best[np.lexsort((best, -row[best]))]
            result.append([(int(known[i]), float(row[i])) for i in best])
        return result

    def item_count(self) -> int:
        return self._count

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        if not ids:
            return np.zeros((0, int(self.manifest["model"]["dimension"])), dtype=np.float32)
        rows = self._rows(
            "SELECT id, embedding FROM assistant.items WHERE id = ANY(%s)",
            ([int(i) for i in ids],),
            binary=True,
        )
        found = {i: vector.to_numpy() for i, vector in rows}
        return np.vstack([found[int(i)] for i in ids]).astype(np.float32)

    def dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Nearest items by inner product: HNSW when the library has its index, else exact."""
        k = min(k, self._count)
        if k <= 0:
            return []
        rows = self._rows(
            f"SELECT id, -(embedding <#> %(v)s) FROM assistant.items WHERE version IN "
            f"(SELECT version FROM {self._g}.members) ORDER BY embedding <#> %(v)s LIMIT %(k)s",
            {"v": np.asarray(vector, dtype=np.float32), "k": k},
            settings={"hnsw.ef_search": str(max(HNSW_EF_SEARCH, k)), "hnsw.iterative_scan": "strict_order"},
        )
        return [(int(i), float(s)) for i, s in rows]

    def keyword(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """BM25 as FTS5 computes it: each term's IDF from this generation's counts, its frequency
        in the item, the item's length against the mean. The items matching the query's rarest
        terms are scored, up to KEYWORD_CANDIDATES items; one matching only words more common
        than that is not, which keeps a query on a large library fast. When fewer items match,
        every match is scored, and the ranking is FTS5's. A code such as GCAP-19 is its own
        term ('gcap 19'), found where an item writes it with - or /."""
        phrases = [" ".join(p for p in re.split(r"[-/]", term) if p) for term in dict.fromkeys(terms)]
        phrases = [p for p in phrases if p]
        if not phrases:
            return []

        def member(version: str) -> str:  # a posting of this generation's
            return f"{version} <= %(newest)s::integer AND {version} <> ALL(%(excluded)s::integer[])"

        hits = dict(
            self._rows(
                f"""SELECT phrase, CASE WHEN position(' ' IN phrase) = 0
                    THEN coalesce((SELECT docs FROM {self._g}.terms WHERE term = phrase), 0)
                    ELSE (SELECT count(*) FROM assistant.postings
                          WHERE term = phrase AND {member("version")}) END
                FROM unnest(%(phrases)s::text[]) AS u (phrase)""",
                {"phrases": phrases, "newest": self._newest, "excluded": self._excluded},
            )
        )
        found = sorted((p for p in phrases if hits[p]), key=lambda p: (hits[p], p))
        if not found:
            return []
        # rarest first, the first always; if even it matches more than the budget, the first
        # KEYWORD_CANDIDATES of its items are scored (a query of common words only)
        selective, budget = [], 0
        for phrase in found:
            if selective and budget + hits[phrase] > KEYWORD_CANDIDATES:
                break
            selective.append(phrase)
            budget += hits[phrase]
        n = self._count
        idf = {p: max(math.log((n - hits[p] + 0.5) / (hits[p] + 0.5)), 1e-6) for p in found}
        others = [p for p in found if p not in selective]
        # several selective terms match KEYWORD_CANDIDATES items at most together; one may match
        # more: then the first KEYWORD_CANDIDATES of its postings are the candidates
        limit = f"LIMIT {KEYWORD_CANDIDATES}" if len(selective) == 1 else ""
        sql = f"""
            WITH matches AS MATERIALIZED (  -- the selective terms' postings: the candidates'
                SELECT p.item, p.tokens, w.idf, p.tf
                FROM unnest(%(selective)s::text[], %(selective_idf)s::float8[]) AS w (term, idf)
                JOIN assistant.postings AS p ON p.term = w.term AND {member("p.version")}
                {limit}
            ), frequencies AS (  -- and the other terms' frequencies in them, from the primary key
                -- (looked up candidate by candidate: reading a common term's postings whole and
                -- hashing them measured no faster)
                SELECT * FROM matches
                UNION ALL
                SELECT p.item, p.tokens, w.idf, p.tf
                FROM unnest(%(others)s::text[], %(others_idf)s::float8[]) AS w (term, idf)
                JOIN assistant.postings AS p ON p.term = w.term
                    AND p.item = ANY(ARRAY(SELECT DISTINCT item FROM matches ORDER BY item))
            )
            SELECT item, sum(  -- in float8 throughout: a numeric literal makes it numeric, 5x slower
                idf * tf * (%(k1)s::float8 + 1)
                / (tf + %(k1)s::float8 * (1 - %(b)s::float8 + %(b)s::float8 * tokens / %(mean)s::float8))
            ) AS score
            FROM frequencies WHERE tf > 0
            GROUP BY item ORDER BY score DESC, item LIMIT %(k)s
            """
        params = {
            "selective": selective,
            "selective_idf": [idf[p] for p in selective],
            "others": others,
            "others_idf": [idf[p] for p in others],
            "newest": self._newest,
            "excluded": self._excluded,
            "mean": self._mean_tokens,
            "k1": BM25_K1,
            "b": BM25_B,
            "k": k,
        }
        # the planner cannot know how many postings the candidates have and sorts them to group
        # them; hashing them is twice as fast
        rows = self._rows(sql, params, settings={"enable_sort": "off"})
        return [(int(i), float(s)) for i, s in rows]


_ITEM_COLUMNS = "kind, doc, ordinal, page, section, paragraph, text, context, data, search_text, id"


def _item(row: tuple) -> Item:
    kind, doc, ordinal, page, section, paragraph, text, context, data, search_text, item_id = row
    return Item(
        kind=kind,
        doc=doc,
        ordinal=ordinal,
        page=page,
        section=section or "",
        paragraph=paragraph or "",
        text=text,
        context=context or "",
        data=data or {},
        search_text=search_text or "",
        id=int(item_id),
    )


def _versions(documents: list[DocumentRecord], pages, items: list[Item], manifest: dict) -> dict[str, str]:
    """Each document's version: a hash of everything its rows hold (its items with their data,
    which linking may change, its pages), the pipeline and the model that made its vectors."""
    hashes = {
        d.doc: hashlib.sha256(
            json.dumps([d.doc, d.sha256, manifest.get("pipeline"), manifest["model"]["vectors"]]).encode()
        )
        for d in documents
    }
    for doc, number, text in pages:
        hashes[doc].update(json.dumps(["page", number, text], ensure_ascii=False).encode())
    # as the rows read back, in their order: an item reused from the last generation hashes alike
    for it in sorted(items, key=lambda it: (it.doc, it.kind, it.ordinal)):
        fields = asdict(replace(it, id=0, search_text=it.search_text or it.text))
        hashes[it.doc].update(json.dumps(fields, ensure_ascii=False, sort_keys=True).encode())
    return {doc: h.hexdigest() for doc, h in hashes.items()}


def _write_content(conn, versions: dict[str, str], fresh: set[str], pages, items, vectors) -> dict[str, int]:
    """The rows of new document versions: versions, pages, items with their vectors."""
    _copy(conn, "assistant.versions (version, doc)", [(versions[doc], doc) for doc in sorted(fresh)])
    new_pages = [(versions[doc], number, text) for doc, number, text in pages if doc in fresh]
    _copy(conn, "assistant.pages (version, number, text)", new_pages)
    rows = [
        (
            versions[it.doc],
            it.kind,
            it.doc,
            it.ordinal,
            it.page,
            it.section,
            it.paragraph,
            it.text,
            it.context,
            _jsonb(it.data),
            it.search_text or it.text,
            _token_count(it.search_text or it.text),
            np.asarray(vector, dtype=np.float32),
        )
        for it, vector in zip(items, vectors, strict=True)
        if it.doc in fresh
    ]
    _copy(
        conn,
        "assistant.items (version, kind, doc, ordinal, page, section, paragraph, text, context, data, "
        "search_text, tokens, embedding)",
        rows,
        types=[
            "text",
            "text",
            "text",
            "int4",
            "int4",
            "text",
            "text",
            "text",
            "text",
            "jsonb",
            "text",
            "int4",
        ]
        + ["vector"],
    )
    return {"versions": len(fresh), "pages": len(new_pages), "items": len(rows)}


# a code: letters and digits joined by - or /; each run of 2 to CODE_PARTS of its parts is a term
_CODE = "[[:alnum:]]+(?:[-/][[:alnum:]]+)+"
CODE_PARTS = 5


def _write_postings(conn, members: list[str]) -> int:
    """The postings of the generation's versions that have none yet: the new ones, and any a
    format-1 build wrote. Words come from the stored tsvectors, so they are exactly its lexemes;
    codes from the text, folded as the tsvector folds it."""
    rows = conn.execute(
        f"""INSERT INTO assistant.postings (term, item, version, tf, tokens)
        WITH fresh AS (
            SELECT i.id, v.number, i.tokens, i.tsv, i.search_text
            FROM assistant.versions AS v JOIN assistant.items AS i USING (version)
            WHERE v.version = ANY(%s) AND NOT v.posted
        )
        SELECT u.lexeme, f.id, f.number, cardinality(u.positions), f.tokens
        FROM fresh AS f CROSS JOIN LATERAL unnest(f.tsv) AS u
        UNION ALL
        SELECT array_to_string(parts[s:e], ' '), f.id, f.number, count(*), f.tokens
        FROM fresh AS f
        CROSS JOIN LATERAL regexp_matches(
            lower(public.unaccent('public.unaccent'::regdictionary, f.search_text)), '{_CODE}', 'g'
        ) AS m
        CROSS JOIN LATERAL regexp_split_to_array(m[1], '[-/]') AS parts
        CROSS JOIN LATERAL generate_series(1, cardinality(parts) - 1) AS s
        CROSS JOIN LATERAL generate_series(s + 1, least(cardinality(parts), s + {CODE_PARTS} - 1)) AS e
        GROUP BY 1, f.id, f.number, f.tokens""",
        (members,),
    ).rowcount
    conn.execute(
        "UPDATE assistant.versions SET posted = true WHERE version = ANY(%s) AND NOT posted", (members,)
    )
    return rows


def _write_term_vectors(conn, model: str, terms: list[Term], term_vectors: np.ndarray) -> tuple[dict, int]:
    """The shared ids of the vocabulary's vectors, storing those no generation had yet."""
    words = {t.vector: t.term for t in terms if t.vector is not None}
    known = dict(
        conn.execute(
            "SELECT term, id FROM assistant.term_vectors WHERE model = %s AND term = ANY(%s)",
            (model, list(words.values())),
        ).fetchall()
    )
    missing = [
        (model, word, np.asarray(term_vectors[i], np.float32))
        for i, word in words.items()
        if word not in known
    ]
    _copy(conn, "assistant.term_vectors (model, term, embedding)", missing, types=["text", "text", "vector"])
    if missing:
        known.update(
            conn.execute(
                "SELECT term, id FROM assistant.term_vectors WHERE model = %s AND term = ANY(%s)",
                (model, [word for _, word, _ in missing]),
            ).fetchall()
        )
    return {i: known[word] for i, word in words.items()}, len(missing)


def _copy(conn, target: str, rows: list[tuple], types: list[str] | None = None) -> None:
    if not rows:
        return
    binary = " WITH (FORMAT BINARY)" if types else ""
    with conn.cursor().copy(f"COPY {target} FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def _token_count(text: str) -> int:
    """Tokens as FTS5's unicode61 counts them (runs of letters and digits): BM25's length."""
    return len(re.findall(r"[^\W_]+", text))


def _jsonb(value):
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def _quoted(name: str) -> str:
    if not re.fullmatch(r"g_[0-9T]+_[0-9]+", name):
        raise IndexCorruptError(f"{name!r} is not a generation name; run `python -m assistant build`")
    return f'"{name}"'


def _register_vector(conn) -> None:
    import psycopg
    from pgvector.psycopg import register_vector

    try:
        register_vector(conn)
    except psycopg.ProgrammingError:
        pass  # the extension is created by the first build; readers of an empty database fail later


def _lock_holder(conn) -> str:
    row = conn.execute(
        "SELECT a.pid, a.application_name, a.client_addr, a.backend_start FROM pg_locks AS l "
        "JOIN pg_stat_activity AS a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND (l.classid::bigint << 32 | l.objid::bigint) = %s",
        (LOCK_KEY,),
    ).fetchone()
    if row is None:
        return "another process"
    pid, application, address, since = row
    return f"server pid {pid}, {application or 'a client'} from {address or 'the local socket'} since {since}"


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextmanager
def _errors(index: PostgresIndex) -> Iterator[None]:
    """Database errors the user can act on, said so; the others as they are."""
    import psycopg

    try:
        yield
    except psycopg.errors.ReadOnlySqlTransaction:
        raise AssistantError(
            f"{index.describe()} is a read-only replica; build against the primary database"
        ) from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise AssistantError(
            f"{index.describe()}: {_first_line(exc)}; grant the build's user CREATE on the database "
            "(and have an administrator run CREATE EXTENSION vector, unaccent once)"
        ) from None
    except psycopg.OperationalError as exc:
        raise AssistantError(
            f"lost {index.describe()}: {_first_line(exc)}; check that PostgreSQL is running and reachable"
        ) from None
