"""Index generations on disk: FAISS vectors + SQLite (documents, items, FTS5) + manifest.

index/
  CURRENT                 the live generation's name, replaced atomically
  .lock                   held (flock) by the one running rebuild
  g-<time>-<pid>/         a generation: vectors.faiss, index.sqlite, manifest.json (last)

A generation never changes once written, so readers open it without locks and see either
the old or the new one, never a mix. No pickle anywhere.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ..errors import BuildLockedError, IndexCorruptError, IndexMismatchError, IndexMissingError
from ..faults import checkpoint
from ..ingest.documents import file_sha256
from ..ingest.items import DocumentRecord, Item, now_iso
from .storage import Term

FORMAT_VERSION = 3
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
TERM_VECTORS = "terms.faiss"
DATABASE = "index.sqlite"
LOCK = ".lock"
KEEP_GENERATIONS = 2  # the live one and the one before, for readers still holding it

_SCHEMA = """
CREATE TABLE documents (
    doc TEXT PRIMARY KEY, title TEXT, kind TEXT, date TEXT, meeting TEXT, path TEXT,
    sha256 TEXT, pages INTEGER, passages INTEGER, actions INTEGER, indexed_at TEXT
);
CREATE TABLE pages (doc TEXT, number INTEGER, text TEXT, PRIMARY KEY (doc, number));
CREATE TABLE items (
    id INTEGER PRIMARY KEY,             -- also the item's id in vectors.faiss
    kind TEXT NOT NULL,                 -- passage | action | status
    doc TEXT NOT NULL, ordinal INTEGER NOT NULL, page INTEGER, section TEXT,
    paragraph TEXT, text TEXT NOT NULL, context TEXT, data TEXT, search_text TEXT
);
CREATE INDEX items_doc ON items (doc, kind, ordinal);
CREATE VIRTUAL TABLE items_fts USING fts5(
    search_text, content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
-- the index's vocabulary, counted once at build (fts5vocab walks a term's whole posting list
-- per lookup): how many items use each term, and the term's id in terms.faiss when it has a
-- vector (for the words nearest in meaning to a question's)
CREATE TABLE terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL, vector INTEGER) WITHOUT ROWID;
CREATE TABLE acronyms (short TEXT PRIMARY KEY, long TEXT NOT NULL);
"""


# ---------------------------------------------------------------- writing


def new_generation_dir(index_dir: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = index_dir / f"g-{stamp}-{os.getpid()}"
    path.mkdir(parents=True)
    return path


def write_generation(
    path: Path,
    documents: list[DocumentRecord],
    pages: Iterable[tuple[str, int, str]],
    items: list[Item],
    vectors: np.ndarray,
    manifest: dict,
    acronyms: dict[str, str] | None = None,
    terms: list[Term] | None = None,
    term_vectors: np.ndarray | None = None,
) -> dict:
    """Write a complete generation into `path`; the manifest goes last, with checksums.

    `terms` is the index's vocabulary; `term_vectors` holds, row by row, the vectors of the
    terms whose `vector` id is set (ids 0, 1, 2... in that order)."""
    import faiss

    if len(items) != len(vectors):
        raise ValueError(f"{len(items)} items but {len(vectors)} vectors")
    terms = terms or []
    with_vectors = sum(t.vector is not None for t in terms)
    if with_vectors != (0 if term_vectors is None else len(term_vectors)):
        raise ValueError(f"{with_vectors} terms with vectors but a different number of term vectors")
    db = sqlite3.connect(path / DATABASE)
    try:
        checkpoint("sqlite-open")
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [tuple(d.__dict__.values()) for d in documents],
        )
        db.executemany("INSERT INTO pages VALUES (?,?,?)", pages)
        db.executemany(
            "INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    i + 1,
                    it.kind,
                    it.doc,
                    it.ordinal,
                    it.page,
                    it.section,
                    it.paragraph,
                    it.text,
                    it.context,
                    json.dumps(it.data, ensure_ascii=False),
                    it.search_text or it.text,
                )
                for i, it in enumerate(items)
            ],
        )
        checkpoint("sqlite-items")
        db.execute("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
        db.executemany("INSERT INTO terms VALUES (?,?,?)", [(t.term, t.docs, t.vector) for t in terms])
        checkpoint("sqlite-fts")
        db.executemany("INSERT INTO acronyms VALUES (?, ?)", sorted((acronyms or {}).items()))
        db.commit()
        checkpoint("sqlite-committed")
    finally:
        db.close()

    dimension = int(manifest["model"]["dimension"])
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
    if len(items):
        index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.arange(1, len(items) + 1, dtype=np.int64)
        )
    checkpoint("faiss-built")
    faiss.write_index(index, str(path / VECTORS))
    term_index = faiss.IndexFlatIP(dimension)
    if term_vectors is not None and len(term_vectors):
        term_index.add(np.ascontiguousarray(term_vectors, dtype=np.float32))
    faiss.write_index(term_index, str(path / TERM_VECTORS))
    checkpoint("faiss-written")

    manifest = dict(manifest)
    manifest.update(
        format=FORMAT_VERSION,
        generation=path.name,
        created=now_iso(),
        faiss_version=faiss.__version__,
        counts={"items": len(items), "vectors": int(index.ntotal)},
        files={
            name: {"sha256": file_sha256(path / name), "bytes": (path / name).stat().st_size}
            for name in (DATABASE, VECTORS, TERM_VECTORS)
        },
    )
    for name in (DATABASE, VECTORS, TERM_VECTORS):
        _fsync_file(path / name)
    checkpoint("fsynced")
    _write_atomic(path / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
    checkpoint("manifest-written")
    return manifest


def switch_current(index_dir: Path, generation: str) -> None:
    """Point CURRENT at a generation: readers see the old one or the new one, never neither."""
    _write_atomic(index_dir / CURRENT, generation + "\n")


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        checkpoint(f"tmp-written-{path.name}")
        handle.flush()
        os.fsync(handle.fileno())
    checkpoint(f"tmp-synced-{path.name}")
    os.replace(tmp, path)
    checkpoint(f"replaced-{path.name}")
    # fsync the directory too: without it a power loss can undo the rename
    _fsync_dir(path.parent)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def current_name(index_dir: Path) -> str | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def prune(index_dir: Path, keep: int = KEEP_GENERATIONS) -> list[str]:
    """Remove partial generations and all but the newest `keep` complete ones (live kept)."""
    live = current_name(index_dir)
    complete, removed = [], []
    for path in sorted(index_dir.glob("g-*")):
        if not path.is_dir():
            continue
        if (path / MANIFEST).exists():
            complete.append(path)
        elif path.name != live:  # a build that died before its manifest: never readable
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for path in complete[:-keep] if keep else complete:
        if path.name != live:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path.name)
    for tmp in index_dir.glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


@contextmanager
def build_lock(index_dir: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the index's build lock; wait up to `wait` seconds (None: forever) for it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    handle = (index_dir / LOCK).open("a+", encoding="utf-8")
    try:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if deadline is not None and time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise BuildLockedError(
                        f"{index_dir / LOCK} is held by a rebuild ({holder}); wait for it to "
                        "finish, or run build again with a longer --wait"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {now_iso()}\n")
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the flock; a killed process releases it too


def lock_holder(index_dir: Path) -> str | None:
    """Who holds the build lock, or None when nobody does."""
    path = index_dir / LOCK
    if not path.exists():
        return None
    with path.open("r", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return handle.read().strip() or "another process"
        fcntl.flock(handle, fcntl.LOCK_UN)
    return None


# ---------------------------------------------------------------- reading


class Generation:
    """A read-only, immutable index generation: vectors in memory, SQLite opened read-only."""

    def __init__(self, path: Path, manifest: dict, vectors, db: sqlite3.Connection, term_vectors=None):
        self.path = path
        self.name = path.name
        self.manifest = manifest
        self.vectors = vectors
        self.term_vectors = term_vectors
        self._db = db
        self._lock = threading.Lock()
        self._count: int | None = None
        self._common: frozenset[str] | None = None  # terms in half the items or more

    @classmethod
    def open(cls, path: Path, vectors: str | None = None, verify: bool = False) -> Generation:
        """Open a generation; with `vectors` (Embedder.vectors), refuse one whose vectors another
        model or backend computed: a question's vector must come from the same computation."""
        import faiss

        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorruptError(
                f"{path / MANIFEST} is missing or unreadable; run `python -m assistant build`"
            ) from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise IndexMismatchError(
                f"{path} has index format {manifest.get('format')}, this code reads "
                f"{FORMAT_VERSION}; run `python -m assistant build` to rebuild it"
            )
        built_with = manifest.get("model", {}).get("vectors")
        if vectors is not None and built_with != vectors:
            raise IndexMismatchError(
                f"{path} holds vectors from {built_with}, but the running model computes them "
                f"with {vectors}; run `python -m assistant build` to rebuild the index (or set "
                "ASSISTANT_EMBEDDING_BACKEND to the backend it was built with)"
            )
        for name, expected in manifest.get("files", {}).items():
            file = path / name
            if (
                not file.exists()
                or file.stat().st_size != expected["bytes"]
                or (verify and file_sha256(file) != expected["sha256"])
            ):
                raise IndexCorruptError(
                    f"{file} does not match {path / MANIFEST}; run `python -m assistant build`"
                )
        vectors = faiss.read_index(str(path / VECTORS))
        term_vectors = faiss.read_index(str(path / TERM_VECTORS))
        db = sqlite3.connect(f"file:{path / DATABASE}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        db.row_factory = sqlite3.Row
        return cls(path, manifest, vectors, db, term_vectors)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def query(self, sql: str, params: Iterable = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    def documents(self) -> list[DocumentRecord]:
        rows = self.query("SELECT * FROM documents ORDER BY doc")
        return [DocumentRecord(**dict(row)) for row in rows]

    def pages(self, doc: str) -> list[tuple[int, str]]:
        rows = self.query("SELECT number, text FROM pages WHERE doc = ? ORDER BY number", (doc,))
        return [(row["number"], row["text"]) for row in rows]

    def items(self, ids: Iterable[int]) -> dict[int, Item]:
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.query(f"SELECT * FROM items WHERE id IN ({marks})", ids)
        return {row["id"]: _item(row) for row in rows}

    def items_of(self, doc: str | None = None, kind: str | None = None) -> list[Item]:
        sql, params = "SELECT * FROM items WHERE 1=1", []
        if doc:
            sql, params = sql + " AND doc = ?", params + [doc]
        if kind:
            sql, params = sql + " AND kind = ?", params + [kind]
        return [_item(row) for row in self.query(sql + " ORDER BY doc, kind, ordinal", params)]

    def acronyms(self) -> dict[str, str]:
        return {row["short"]: row["long"] for row in self.query("SELECT short, long FROM acronyms")}

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many items contain each (lower-case) term; absent terms are left out."""
        terms = sorted(set(terms))
        if not terms:
            return {}
        marks = ",".join("?" * len(terms))
        rows = self.query(f"SELECT term, docs FROM terms WHERE term IN ({marks})", terms)
        return {row["term"]: row["docs"] for row in rows}

    def common_terms(self, terms: Iterable[str]) -> frozenset[str]:
        """The single-word terms found in at least half the items. FTS5's BM25 gives them no
        weight (its IDF is clamped at zero there), so matching them costs time and ranks nothing."""
        if self._common is None:  # the generation never changes: read once, not per question
            half = self.item_count() / 2
            rows = self.query("SELECT term FROM terms WHERE docs >= ?", (half,))
            self._common = frozenset(row["term"] for row in rows)
        return frozenset(t for t in terms if t.isalnum() and t in self._common)

    def terms(self) -> list[Term]:
        """The index's whole vocabulary."""
        rows = self.query("SELECT term, docs, vector FROM terms")
        return [Term(row["term"], row["docs"], row["vector"]) for row in rows]

    def term_vectors_of(self, ids: list[int]) -> np.ndarray:
        """Stored vectors of terms by their vector ids (to reuse them in the next generation)."""
        if not ids:
            return np.zeros((0, self.term_vectors.d), dtype=np.float32)
        return np.vstack([self.term_vectors.reconstruct(int(i)) for i in ids]).astype(np.float32)

    def nearest_terms(self, vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """For each vector, the k terms nearest in meaning: (vector id, cosine), best first."""
        k = min(k, int(self.term_vectors.ntotal))
        if k <= 0 or not len(vectors):
            return [[] for _ in range(len(vectors))]
        scores, ids = self.term_vectors.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        return [
            [(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i >= 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def item_count(self) -> int:
        if self._count is None:  # the generation never changes
            self._count = int(self.query("SELECT count(*) AS n FROM items")[0]["n"])
        return self._count

    def vectors_of(self, ids: list[int]) -> np.ndarray:
        """Stored vectors for item ids (to reuse them in the next generation)."""
        if not ids:
            return np.zeros((0, self.vectors.d), dtype=np.float32)
        keys = np.asarray(ids, dtype=np.int64)
        return np.ascontiguousarray(self.vectors.reconstruct_batch(keys), dtype=np.float32)

    def dense(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Nearest items by inner product (cosine: vectors are unit length)."""
        k = min(k, int(self.vectors.ntotal))
        if k <= 0:
            return []
        import faiss

        # One query: OpenMP's start-up costs more than it saves on one vector. The thread count is
        # per calling thread but shared with torch, so it is put back for the embedding that follows.
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            scores, ids = self.vectors.search(np.ascontiguousarray(vector.reshape(1, -1)), k)
        finally:
            faiss.omp_set_num_threads(threads)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def keyword(self, terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """FTS5 BM25 matches for any of the terms; higher score is better."""
        match = fts_query(terms)
        if not match:
            return []
        rows = self.query(
            "SELECT rowid, bm25(items_fts) AS rank FROM items_fts WHERE items_fts MATCH ? "
            "ORDER BY rank LIMIT ?",
            (match, k),
        )
        return [(row["rowid"], -float(row["rank"])) for row in rows]


def fts_query(terms: Sequence[str]) -> str:
    """An FTS5 query matching any of the terms; FTS5 splits "gcap-19" into gcap + 19, so a
    term with - or / is a phrase that keeps its parts together and in order."""
    return " OR ".join(
        '"' + " ".join(re.split(r"[-/]", term)) + '"'
        for term in dict.fromkeys(terms)
        if term and term.replace('"', "") == term
    )


def _item(row: sqlite3.Row) -> Item:
    return Item(
        kind=row["kind"],
        doc=row["doc"],
        ordinal=row["ordinal"],
        page=row["page"],
        section=row["section"] or "",
        paragraph=row["paragraph"] or "",
        text=row["text"],
        context=row["context"] or "",
        data=json.loads(row["data"] or "{}"),
        search_text=row["search_text"] or "",
        id=row["id"],
    )


def open_current(index_dir: Path, vectors: str | None = None) -> Generation:
    """The live generation named by index/CURRENT."""
    name = current_name(index_dir)
    if name is None:
        raise IndexMissingError(
            f"{index_dir} has no index yet; run `python -m assistant build` (or `make run`)"
        )
    return Generation.open(index_dir / name, vectors)


class FileIndex:
    """Generations as folders under one directory, CURRENT naming the live one (the default)."""

    def __init__(self, index_dir: Path):
        self.index_dir = index_dir
        self._read: tuple[tuple[int, ...], str | None] | None = None  # CURRENT as last read

    def describe(self) -> str:
        return str(self.index_dir)

    def live_name(self) -> str | None:
        """CURRENT's name, read again only when the file changed (a switch replaces it with a
        new file): asked before every answer, a stat is a tenth of a read."""
        try:
            stat = (self.index_dir / CURRENT).stat()
        except FileNotFoundError:
            return None
        seen = (stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size)
        if self._read is None or self._read[0] != seen:
            self._read = (seen, current_name(self.index_dir))
        return self._read[1]

    def open_live(self, vectors: str | None = None) -> Generation:
        return open_current(self.index_dir, vectors)

    def lock(self, wait: float | None = None):
        return build_lock(self.index_dir, wait)

    def prune(self) -> list[str]:
        return prune(self.index_dir)

    def write(self, documents, pages, items, vectors, manifest, acronyms, terms, term_vectors) -> str:
        path = new_generation_dir(self.index_dir)
        write_generation(path, documents, pages, items, vectors, manifest, acronyms, terms, term_vectors)
        return path.name

    def check(self, name: str, vectors: str) -> None:
        Generation.open(self.index_dir / name, vectors, verify=True).close()

    def switch(self, name: str) -> None:
        switch_current(self.index_dir, name)
