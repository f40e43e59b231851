"""Building the index: load what changed, cut passages, embed, write a generation, switch."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..config import Settings, get_settings
from ..errors import AssistantError, BuildFailedError, DocumentError, shown
from ..faults import checkpoint
from ..ingest.acronyms import find_acronyms
from ..ingest.actions import ActionRow
from ..ingest.documents import DocumentInfo, info_for, load_manifest, survey
from ..ingest.items import DocumentRecord, Item, Prepared
from ..ingest.pipeline import PIPELINE_VERSION, source_hash
from ..ingest.status import StatusItem, link
from ..ingest.worker import ParseWorker
from ..words import STOPWORDS, index_terms
from .embedding import Embedder
from .storage import Generation, Index, Term
from .store import FileIndex

Progress = Callable[[str, int, int], None]  # (stage, advance, total)
Notice = Callable[[str], None]  # a line for the person waiting (how long a large build takes)
LARGE = 2000  # items to embed from which a build says how long it will take
# The most frequent words of the index get a vector each, for the question words nearest in
# meaning; rarer ones (names, misspellings in the source) are reached by spelling only.
MAX_TERM_VECTORS = 50_000


@dataclass
class BuildSummary:
    generation: str | None = None
    changed: bool = False
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file -> message
    kept: list[str] = field(default_factory=list)  # failed now, previous version still indexed
    warnings: dict[str, list[str]] = field(default_factory=dict)  # file -> what to review
    status_items: int = 0
    passages: int = 0
    actions: int = 0
    embedded: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def build(
    corpus_dir: Path,
    index: Path | Index,
    embedder: Embedder,
    progress: Progress | None = None,
    wait: float | None = None,
    settings: Settings | None = None,
    notice: Notice | None = None,
) -> BuildSummary:
    """Bring the index (a folder of generations, or any storage) up to date with the corpus;
    the previous generation stays live on failure."""
    started = time.perf_counter()
    progress = progress or (lambda stage, advance, total: None)
    settings = settings or get_settings()
    index = FileIndex(index) if isinstance(index, Path) else index
    with index.lock(wait=wait):
        index.prune()
        summary = _build_locked(
            corpus_dir, index, embedder, progress, settings, notice or (lambda line: None)
        )
    summary.seconds = time.perf_counter() - started
    return summary


def _build_locked(
    corpus_dir: Path,
    index: Index,
    embedder: Embedder,
    progress: Progress,
    settings: Settings,
    notice: Notice,
) -> BuildSummary:
    summary = BuildSummary()
    manifest = load_manifest(corpus_dir)
    files, refused = survey(corpus_dir)
    previous = _previous(index, embedder)
    old_docs = {d.doc: d for d in previous.documents()} if previous else {}
    if not files and not old_docs:
        raise BuildFailedError(
            f"{corpus_dir} has no documents (.pdf, .txt, .md); add some and run build again"
        )

    prepared: list[Prepared] = []
    for name, message in refused.items():  # links, FIFOs, devices, names that are not UTF-8
        summary.failed[name] = message
        if name in old_docs and previous is not None:  # nothing already indexed is lost
            prepared.append(_reuse(previous, old_docs[name], info_for(corpus_dir / name, manifest)))
            summary.kept.append(name)
    seen: dict[str, str] = {}  # content hash -> the file indexed with it
    worker = ParseWorker(settings.parse_seconds, settings.parse_mb, settings.limits)
    for path in files:
        progress("load", 0, len(files))
        checkpoint("load")
        info = info_for(path, manifest)
        old = old_docs.get(path.name)
        try:
            sha = source_hash(path, settings.max_file_bytes)
            if sha in seen:
                raise DocumentError(
                    path,
                    f"has the same content as {shown(seen[sha])}, which is indexed",
                    "remove one of them",
                )
            if old and old.sha256 == sha and previous is not None:
                prepared.append(_reuse(previous, old, info))
                summary.unchanged.append(path.name)
            else:
                ready = worker.prepare(path, info, sha)
                prepared.append(ready)
                if ready.warnings:
                    summary.warnings[path.name] = ready.warnings
                (summary.updated if old else summary.added).append(path.name)
            seen[sha] = path.name  # indexed: a later file with the same content is a duplicate
        except DocumentError as exc:
            summary.failed[path.name] = str(exc)
            if old and previous is not None:  # nothing already indexed is lost
                prepared.append(_reuse(previous, old, info))
                summary.kept.append(path.name)
        except OSError as exc:
            summary.failed[path.name] = (
                f"{shown(str(path))}: cannot be read ({exc.strerror}); check the file, then rebuild"
            )
        progress("load", 1, len(files))
    worker.close()
    present = {p.name for p in files} | set(refused)
    summary.removed = sorted(doc for doc in old_docs if doc not in present)

    summary.passages = sum(p.record.passages for p in prepared)
    summary.actions = sum(p.record.actions for p in prepared)
    summary.status_items = _link_all(prepared)
    metadata_same = all(p.record == old_docs.get(p.record.doc) for p in prepared) and len(prepared) == len(
        old_docs
    )
    if previous is not None and metadata_same and not (summary.added or summary.updated or summary.removed):
        summary.generation = previous.name  # nothing to write: the live generation is current
        previous.close()
        return summary
    if not prepared:
        raise BuildFailedError(
            "no document could be indexed; the previous index (if any) stays live. "
            + " ".join(summary.failed.values())
        )

    summary.embedded = _embed_missing(prepared, embedder, progress, notice)
    checkpoint("embedded")
    everything = [item for p in prepared for item in p.items]
    terms, term_vectors = _vocabulary(everything, previous, embedder, progress)
    progress("write", 0, 1)
    name = index.write(
        terms=terms,
        term_vectors=term_vectors,
        acronyms=find_acronyms(item.search_text or item.text for item in everything),
        documents=[p.record for p in prepared],
        pages=[row for p in prepared for row in p.pages],
        items=everything,
        vectors=np.vstack([p.vectors for p in prepared]),
        manifest={
            "pipeline": PIPELINE_VERSION,
            "model": {
                "name": embedder.name,
                "fingerprint": embedder.fingerprint,
                "backend": embedder.backend,
                "vectors": embedder.vectors,
                "dimension": embedder.dimension,
            },
            "documents": {
                p.record.doc: {"sha256": p.record.sha256, "title": p.record.title} for p in prepared
            },
            "failed": summary.failed,
        },
    )
    checkpoint("written")
    index.check(name, embedder.vectors)  # before going live
    checkpoint("verified")
    index.switch(name)
    checkpoint("switched")
    progress("write", 1, 1)
    if previous is not None:
        previous.close()
    index.prune()
    checkpoint("pruned")
    summary.generation, summary.changed = name, True
    return summary


def _previous(index: Index, embedder: Embedder) -> Generation | None:
    """The live generation if its vectors can be reused by this model and pipeline."""
    try:
        generation = index.open_live(embedder.vectors)
    except AssistantError:
        return None
    if generation.manifest.get("pipeline") != PIPELINE_VERSION:
        generation.close()
        return None
    return generation


def _link_all(prepared: list[Prepared]) -> int:
    """Link status items to plan rows across all documents; rewrite both sides' data."""
    rows = [ActionRow.from_dict(i.data) for p in prepared for i in p.items if i.kind == "action"]
    statuses = [StatusItem(**i.data) for p in prepared for i in p.items if i.kind == "status"]
    link(statuses, rows)
    new_data = {("action", r.doc, r.row): r.to_dict() for r in rows}
    new_data.update({("status", s.doc, s.number): s.to_dict() for s in statuses})
    for p in prepared:
        p.items = [replace(i, data=new_data.get((i.kind, i.doc, i.ordinal), i.data)) for i in p.items]
    return len(statuses)


def _reuse(previous: Generation, old: DocumentRecord, info: DocumentInfo) -> Prepared:
    """An unchanged document: its items and vectors come from the live generation."""
    items = previous.items_of(doc=old.doc)
    vectors = previous.vectors_of([item.id for item in items])
    pages = [(old.doc, number, text) for number, text in previous.pages(old.doc)]
    record = replace(old, title=info.title, kind=info.kind, date=info.date, meeting=info.meeting)
    return Prepared(record, pages, items, vectors)


def _vocabulary(
    items: list[Item], previous: Generation | None, embedder: Embedder, progress: Progress
) -> tuple[list[Term], np.ndarray]:
    """Every term of the index with its document frequency; the most frequent words with a
    vector (reused from the previous generation where it has one)."""
    counts: dict[str, int] = {}
    for item in items:
        for term in index_terms(item.search_text or item.text):
            counts[term] = counts.get(term, 0) + 1
    words = sorted(
        (t for t in counts if t.isalpha() and len(t) > 2 and t not in STOPWORDS),
        key=lambda t: (-counts[t], t),
    )[:MAX_TERM_VECTORS]
    old: dict[str, int] = {}
    if previous is not None:
        old = {t.term: t.vector for t in previous.terms() if t.vector is not None}
    reused = [w for w in words if w in old]
    fresh = [w for w in words if w not in old]
    progress("terms", 0, len(fresh))
    vectors = {}
    if reused:
        vectors.update(zip(reused, previous.term_vectors_of([old[w] for w in reused]), strict=True))
    if fresh:
        vectors.update(
            zip(
                fresh,
                embedder.encode(fresh, progress=lambda n: progress("terms", n, len(fresh))),
                strict=True,
            )
        )
    ids = {w: i for i, w in enumerate(words)}
    terms = [Term(t, n, ids.get(t)) for t, n in sorted(counts.items())]
    matrix = (
        np.vstack([vectors[w] for w in words]) if words else np.zeros((0, embedder.dimension), np.float32)
    )
    return terms, matrix


def _embed_missing(prepared: list[Prepared], embedder: Embedder, progress: Progress, notice: Notice) -> int:
    """Embed every new document's items as one stream: the embedder sorts them by length, so a
    batch pads short texts of one document to the length of short texts of another, not to
    the longest passage of its own document."""
    todo = [p for p in prepared if p.vectors is None]
    texts = [item.search_text or item.text for p in todo for item in p.items]
    total = len(texts)
    progress("embed", 0, total)
    started, done, told = time.perf_counter(), 0, False

    def step(n: int) -> None:
        nonlocal done, told
        checkpoint("embed-batch")
        progress("embed", n, total)
        done += n
        if not told and total >= LARGE and done >= 64:  # say how long a large build will take
            told = True
            rate = done / max(time.perf_counter() - started, 1e-6)
            largest = sorted(todo, key=lambda q: -len(q.items))[:3]
            names = ", ".join(f"{shown(q.record.doc)} {len(q.items):,}" for q in largest)
            minutes = (total - done) / rate / 60
            notice(
                f"embedding {total:,} items (largest: {names}); at {rate:.0f} items/s about {minutes:.0f} min"
            )

    vectors = embedder.encode(texts, progress=step)
    start = 0
    for p in todo:
        p.vectors, start = vectors[start : start + len(p.items)], start + len(p.items)
    return total
