"""The index on disk: generations, incremental rebuilds, bad files, the lock, the model check."""

import json
import threading
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import BuildFailedError, BuildLockedError, IndexMismatchError
from assistant.index import store
from assistant.index.build import build, source_hash
from tests.conftest import PLAN, UPDATE, FakeEmbedder
from tests.pdfs import text_pdf


def _live(index_dir):
    return store.open_current(index_dir)


def test_full_build_writes_a_checked_generation(seeded_corpus, index_dir, fake_embedder):
    summary = build(seeded_corpus, index_dir, fake_embedder)
    assert summary.added == [PLAN, UPDATE] and summary.ok and summary.changed
    assert summary.passages > 40
    live = store.Generation.open(index_dir / store.current_name(index_dir), verify=True)
    manifest = live.manifest
    assert manifest["model"] == {
        "name": FakeEmbedder.name,
        "fingerprint": FakeEmbedder.fingerprint,
        "backend": FakeEmbedder.backend,
        "vectors": FakeEmbedder.vectors,
        "dimension": 64,
    }
    # the plan's hash covers its reviewed register too: editing the register re-indexes the plan
    assert manifest["documents"][PLAN]["sha256"] == source_hash(seeded_corpus / PLAN, 10**9)
    assert manifest["documents"][PLAN]["sha256"] != store.file_sha256(seeded_corpus / PLAN)
    assert manifest["documents"][UPDATE]["sha256"] == store.file_sha256(seeded_corpus / UPDATE)
    assert manifest["faiss_version"]
    # nothing but the three known files: no pickle, no stray temp files
    assert sorted(p.name for p in live.path.iterdir()) == sorted(
        [store.DATABASE, store.MANIFEST, store.VECTORS, store.TERM_VECTORS]
    )
    # the vocabulary: every indexed word with its item count, the frequent ones with a vector
    terms = {t.term: t for t in live.terms()}
    assert terms["refill"].docs == live.document_frequencies(["refill"])["refill"]
    assert terms["refill"].vector is not None and live.term_vectors.ntotal > 500
    docs = {d.doc: d for d in live.documents()}
    assert docs[PLAN].title == "Draft Green Customs Action Plan" and docs[PLAN].pages == 3
    assert docs[UPDATE].passages == len(live.items_of(doc=UPDATE, kind="passage"))


def test_faiss_search_matches_brute_force(seeded_corpus, index_dir, fake_embedder):
    build(seeded_corpus, index_dir, fake_embedder)
    live = _live(index_dir)
    items = live.items_of()
    ids = [item.id for item in items]
    matrix = live.vectors_of(ids)
    query = fake_embedder.encode(["return-refill containers guidelines"])[0]
    expected = [ids[i] for i in np.argsort(-(matrix @ query), kind="stable")[:5]]
    got = [item_id for item_id, _ in live.dense(query, 5)]
    assert got == expected


def test_keyword_search_matches_codes_exactly(seeded_corpus, index_dir, fake_embedder):
    from assistant.answer.search import keyword_terms

    build(seeded_corpus, index_dir, fake_embedder)
    live = _live(index_dir)
    assert keyword_terms("What about GCAP-19?") == ["gcap-19"]
    assert store.fts_query(["gcap-19", "waste"]) == '"gcap 19" OR "waste"'
    (top_id, _), *_ = live.keyword(keyword_terms("GCAP-19"), 5)
    assert live.items([top_id])[top_id].paragraph == "GCAP-19"


def test_words_in_half_the_items_are_left_out_of_keyword_search(seeded_corpus, index_dir, fake_embedder):
    from assistant.answer.search import keyword_terms, search
    from assistant.words import content_terms

    build(seeded_corpus, index_dir, fake_embedder)
    live = _live(index_dir)
    half = live.item_count() / 2
    frequencies = live.document_frequencies(["customs", "refill", "the"])
    assert frequencies["customs"] >= half > frequencies["refill"]
    question = "Which customs guidelines cover return-refill containers?"
    common = live.common_terms(content_terms(question))
    assert common == {"customs"}  # "return-refill" is a phrase: never left out
    assert "customs" not in keyword_terms(question, common) and "return-refill" in keyword_terms(
        question, common
    )
    hits = search(live, fake_embedder, question, k=3)
    assert any("return-refill" in h.item.text.lower() and h.keyword for h in hits)


def test_no_change_rebuild_writes_nothing_and_loads_no_model(seeded_corpus, index_dir, fake_embedder):
    first = build(seeded_corpus, index_dir, fake_embedder)
    fake_embedder.encoded = 0
    second = build(seeded_corpus, index_dir, fake_embedder)
    assert not second.changed and second.generation == first.generation
    assert second.unchanged == [PLAN, UPDATE]
    assert fake_embedder.encoded == 0


def test_only_a_new_document_is_embedded(seeded_corpus, index_dir, fake_embedder, tmp_path):
    build(seeded_corpus, index_dir, fake_embedder)
    before = _live(index_dir)
    old_vectors = before.vectors_of([i.id for i in before.items_of(doc=PLAN)])
    text_pdf(
        seeded_corpus / "status-update-2026.pdf",
        [
            ["1. The self-assessment tool was delivered in 2026."],
            ["2. GCAP-19 guidelines on return-refill containers were adopted."],
        ],
    )
    fake_embedder.encoded = 0
    summary = build(seeded_corpus, index_dir, fake_embedder)
    assert summary.added == ["status-update-2026.pdf"]
    assert summary.unchanged == [PLAN, UPDATE]
    after = _live(index_dir)
    new_items = after.items_of(doc="status-update-2026.pdf")
    assert fake_embedder.encoded == len(new_items) == 2
    assert [i.page for i in new_items] == [1, 2]
    # reused vectors are the very same vectors
    np.testing.assert_array_equal(after.vectors_of([i.id for i in after.items_of(doc=PLAN)]), old_vectors)


def test_changed_and_removed_documents(seeded_corpus, index_dir, fake_embedder):
    build(seeded_corpus, index_dir, fake_embedder)
    (seeded_corpus / UPDATE).unlink()
    text = (seeded_corpus / PLAN).read_text(encoding="utf-8")
    (seeded_corpus / PLAN).write_text(text.replace("game-changer", "turning point"), encoding="utf-8")
    summary = build(seeded_corpus, index_dir, fake_embedder)
    assert summary.updated == [PLAN] and summary.removed == [UPDATE]
    live = _live(index_dir)
    assert [d.doc for d in live.documents()] == [PLAN]
    assert not live.items_of(doc=UPDATE)
    assert "turning point" in " ".join(i.text for i in live.items_of(doc=PLAN))


def test_a_bad_file_is_reported_and_the_others_are_indexed(seeded_corpus, index_dir, fake_embedder):
    (seeded_corpus / "scan.pdf").write_bytes(b"GIF89a not a pdf at all")
    summary = build(seeded_corpus, index_dir, fake_embedder)
    assert summary.added == [PLAN, UPDATE]
    assert list(summary.failed) == ["scan.pdf"]
    assert "scan.pdf: is not a PDF" in summary.failed["scan.pdf"]
    assert {d.doc for d in _live(index_dir).documents()} == {PLAN, UPDATE}


def test_a_good_file_replaced_by_a_broken_one_keeps_its_indexed_version(
    seeded_corpus, index_dir, fake_embedder
):
    first = build(seeded_corpus, index_dir, fake_embedder)
    (seeded_corpus / UPDATE).write_bytes(b"\xff\xfe broken \x00 bytes")
    summary = build(seeded_corpus, index_dir, fake_embedder)
    assert summary.kept == [UPDATE] and UPDATE in summary.failed
    assert summary.generation == first.generation  # nothing changed that could be indexed
    assert _live(index_dir).items_of(doc=UPDATE)


def test_when_nothing_can_be_built_the_previous_generation_stays_live(
    seeded_corpus, index_dir, fake_embedder, corpus_dir
):
    first = build(seeded_corpus, index_dir, fake_embedder)
    for path in seeded_corpus.glob("*.txt"):
        path.unlink()
    (corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    other_index = index_dir.parent / "other-index"
    with pytest.raises(BuildFailedError, match="no document could be indexed"):
        build(corpus_dir, other_index, fake_embedder)
    assert store.current_name(other_index) is None
    assert store.current_name(index_dir) == first.generation


def test_an_empty_corpus_is_an_error_not_an_empty_index(corpus_dir, index_dir, fake_embedder):
    with pytest.raises(BuildFailedError, match="has no documents"):
        build(corpus_dir, index_dir, fake_embedder)


def test_a_partial_generation_is_cleaned_up_and_never_read(seeded_corpus, index_dir, fake_embedder):
    first = build(seeded_corpus, index_dir, fake_embedder)
    partial = index_dir / "g-99999999T000000000000-1"
    partial.mkdir()
    (partial / store.VECTORS).write_bytes(b"half a file")
    assert _live(index_dir).name == first.generation
    (seeded_corpus / "new.txt").write_text("1. A new paragraph about waste.\n", encoding="utf-8")
    build(seeded_corpus, index_dir, fake_embedder)
    assert not partial.exists()


def test_old_generations_are_pruned(seeded_corpus, index_dir, fake_embedder):
    for n in range(4):
        (seeded_corpus / "extra.txt").write_text(f"1. Version {n} of a note.\n", encoding="utf-8")
        build(seeded_corpus, index_dir, fake_embedder)
    generations = sorted(p.name for p in index_dir.glob("g-*"))
    assert len(generations) == store.KEEP_GENERATIONS
    assert store.current_name(index_dir) == generations[-1]


def test_a_second_build_says_who_holds_the_lock(seeded_corpus, index_dir, fake_embedder):
    holding, release = threading.Event(), threading.Event()

    def hold():
        with store.build_lock(index_dir):
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        holding.wait(5)
        with pytest.raises(BuildLockedError, match=r"held by a rebuild \(pid \d+ on .* since "):
            build(seeded_corpus, index_dir, fake_embedder, wait=0.3)
    finally:
        release.set()
        thread.join()
    assert store.lock_holder(index_dir) is None
    assert build(seeded_corpus, index_dir, fake_embedder).ok


def test_an_index_from_another_model_refuses_to_load(seeded_corpus, index_dir, fake_embedder):
    build(seeded_corpus, index_dir, fake_embedder)
    with pytest.raises(IndexMismatchError, match=r"vectors from .*; run `python -m assistant build`"):
        store.open_current(index_dir, "some-other-model@1 via torch")


class OtherBackend(FakeEmbedder):
    """The same model computed by another backend: vectors equal, but not the same computation."""

    backend = "other"
    vectors = f"{FakeEmbedder.fingerprint} via other"


def test_another_backend_asks_for_a_rebuild_and_the_rebuild_mixes_no_vectors(seeded_corpus, index_dir):
    first = build(seeded_corpus, index_dir, FakeEmbedder())
    with pytest.raises(IndexMismatchError, match=r"via hashing.*via other.*ASSISTANT_EMBEDDING_BACKEND"):
        store.open_current(index_dir, OtherBackend.vectors)
    other = OtherBackend()
    again = build(seeded_corpus, index_dir, other)
    # nothing reused from the other backend's generation: every item embedded again
    assert again.ok and again.unchanged == [] and again.embedded == first.embedded
    manifest = store.open_current(index_dir, OtherBackend.vectors).manifest
    assert manifest["model"]["backend"] == "other"


def test_a_tampered_generation_refuses_to_load(seeded_corpus, index_dir, fake_embedder):
    build(seeded_corpus, index_dir, fake_embedder)
    live = index_dir / store.current_name(index_dir)
    manifest = json.loads((live / store.MANIFEST).read_text())
    manifest["files"][store.VECTORS]["bytes"] += 1
    (live / store.MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(store.IndexCorruptError, match="does not match"):
        store.open_current(index_dir)


def test_the_pipeline_version_covers_every_module_that_makes_items():
    """Changing any code a file's items come from re-reads unchanged files on the next build:
    every assistant module the per-file pipeline imports is in the pipeline's hash."""
    import subprocess
    import sys

    from assistant.ingest.pipeline import pipeline_files

    listing = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, assistant.ingest.pipeline, assistant.ingest.tables\n"
            "print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
            "if n.startswith('assistant') and getattr(m, '__file__', None)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    hashed = {str(p) for p in pipeline_files()}
    # settings, errors and package markers say nothing about what a file's items are
    beside = {"__init__.py", "config.py", "errors.py"}
    assert [f for f in listing if f not in hashed and Path(f).name not in beside] == []
