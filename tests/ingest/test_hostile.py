"""Hostile and broken files: each is refused with a message naming it, none hangs past its
limit, the other documents are indexed and nothing already indexed is lost."""

import os
import time
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.index import store
from assistant.index.build import build
from assistant.ingest import worker
from assistant.ingest.documents import DocumentInfo
from tests.conftest import PLAN, UPDATE
from tests.pdfs import bomb_pdf, circular_xref_pdf, outline_loop_pdf, scanned_pdf, text_pdf

LIMITS = {"max_bytes": 10**9, "max_passages": 10_000}


def _hostile(corpus):
    """Every kind of bad file, written into the corpus; returns the names expected to fail."""
    text_pdf(corpus / "encrypted.pdf", [["secret"]], encrypt="pw")
    good = text_pdf(corpus / "truncated.pdf", [["Some text on a page."]]).read_bytes()
    (corpus / "truncated.pdf").write_bytes(good[: len(good) // 3])
    bomb_pdf(corpus / "bomb.pdf")
    scanned_pdf(corpus / "scan.pdf")
    (corpus / "binary.pdf").write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 64)
    (corpus / "latin1.txt").write_bytes("Déclaration de Bakou".encode("latin-1"))
    (corpus / "empty.md").write_bytes(b"")
    with (corpus / "huge.pdf").open("wb") as handle:  # 200 MB, sparse: cheap to make
        handle.truncate(200_000_000)
    return {
        "encrypted.pdf",
        "truncated.pdf",
        "bomb.pdf",
        "scan.pdf",
        "binary.pdf",
        "latin1.txt",
        "empty.md",
        "huge.pdf",
    }


def test_hostile_files_are_refused_and_the_rest_is_indexed(seeded_corpus, index_dir, fake_embedder):
    first = build(seeded_corpus, index_dir, fake_embedder)
    expected = _hostile(seeded_corpus)
    circular_xref_pdf(seeded_corpus / "circular.pdf")
    outline_loop_pdf(seeded_corpus / "outline-loop.pdf")
    started = time.monotonic()
    summary = build(seeded_corpus, index_dir, fake_embedder)
    seconds = time.monotonic() - started
    assert set(summary.failed) == expected
    for name, message in summary.failed.items():
        assert message.startswith(str(seeded_corpus / name) + ": "), message
        assert "\n" not in message
    assert (
        "huge.pdf: is 200 MB, over the 100 MB limit (ASSISTANT_MAX_FILE_MB); split it"
        in summary.failed["huge.pdf"]
    )
    # a looping xref or outline does not hang the reader: the page text is still read
    assert {"circular.pdf", "outline-loop.pdf"} <= set(summary.added)
    live = store.open_current(index_dir)
    assert {PLAN, UPDATE} <= {d.doc for d in live.documents()}
    assert live.name != first.generation and seconds < 120


def test_a_file_that_takes_too_long_is_stopped_at_its_limit(tmp_path):
    path = text_pdf(
        tmp_path / "long.pdf", [[f"{n}. Paragraph {n} of a long report."] * 40 for n in range(1, 400)]
    )
    with worker.ParseWorker(seconds=0.5, megabytes=2048, limits=LIMITS) as parser:
        started = time.monotonic()
        with pytest.raises(DocumentError, match=r"long.pdf: took longer than 0.5 s to read"):
            parser.prepare(path, DocumentInfo(doc="long.pdf", title="Long"), "0")
        assert time.monotonic() - started < 10
        # the worker is replaced: the next file is read normally
        small = text_pdf(tmp_path / "small.pdf", [["1. A short note."]])
        prepared = parser.prepare(small, DocumentInfo(doc="small.pdf", title="Small"), "1")
        assert prepared.record.passages == 1


def test_a_limit_counts_reading_not_the_workers_start_up(tmp_path):
    """A fresh worker takes longer than 0.2 s to start (interpreter, imports); a small file
    read right after its start, and again after a restart, is within a 0.2 s limit."""
    note = tmp_path / "note.txt"
    note.write_text("1. A short note about waste.\n", encoding="utf-8")
    info = DocumentInfo(doc="note.txt", title="Note")
    with worker.ParseWorker(seconds=0.2, megabytes=2048, limits=LIMITS) as parser:
        assert parser.prepare(note, info, "1").record.passages == 1
        parser._kill()  # as after a file that overran
        assert parser.prepare(note, info, "2").record.passages == 1


def test_a_file_that_needs_too_much_memory_is_stopped_at_its_limit(tmp_path):
    path = bomb_pdf(tmp_path / "bomb.pdf", megabytes=1200)
    with worker.ParseWorker(seconds=60, megabytes=700, limits=LIMITS) as parser:
        with pytest.raises(DocumentError) as caught:
            parser.prepare(path, DocumentInfo(doc="bomb.pdf", title="Bomb"), "0")
    assert str(caught.value).startswith(f"{path}: ")


def test_the_admin_preview_reads_under_the_same_limits_outside_the_app(tmp_path):
    """An uploaded decompression bomb is previewed in the limited worker: the preview says
    which limit it reached, and the process serving delegates does not grow."""
    import resource
    from dataclasses import replace

    from assistant.config import get_settings
    from assistant.ingest import uploads

    path = bomb_pdf(tmp_path / "bomb.pdf", megabytes=1200)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    preview = uploads.preview(path, replace(get_settings(), parse_mb=700, parse_seconds=60))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert preview.error and "bomb.pdf" in preview.error
    assert grown_mb < 100
    slow = text_pdf(
        tmp_path / "long.pdf", [[f"{n}. Paragraph {n} of a long report."] * 40 for n in range(1, 400)]
    )
    preview = uploads.preview(slow, replace(get_settings(), parse_seconds=0.5))
    assert "long.pdf: took longer than 0.5 s to read (ASSISTANT_PARSE_SECONDS)" in preview.error


def test_build_works_from_a_script_without_a_main_guard(seeded_corpus, index_dir, tmp_path):
    """The worker is its own program: it never re-imports the caller's script."""
    import subprocess
    import sys

    script = tmp_path / "rebuild.py"
    script.write_text(
        "from pathlib import Path\n"
        "from assistant.index.build import build\n"
        "from tests.fakes import FakeEmbedder\n"
        f"summary = build(Path({str(seeded_corpus)!r}), Path({str(index_dir)!r}), FakeEmbedder())\n"
        "print(len(summary.added), len(summary.failed))\n",
        encoding="utf-8",
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "0"]


def test_when_only_hostile_files_remain_the_last_good_index_stays_live(
    seeded_corpus, index_dir, fake_embedder, tmp_path
):
    from assistant.errors import BuildFailedError

    first = build(seeded_corpus, index_dir, fake_embedder)
    for path in list(seeded_corpus.iterdir()):
        path.unlink()
    _hostile(seeded_corpus)
    with pytest.raises(BuildFailedError, match="no document could be indexed"):
        build(seeded_corpus, index_dir, fake_embedder)
    assert store.current_name(index_dir) == first.generation
    assert {d.doc for d in store.open_current(index_dir).documents()} == {PLAN, UPDATE}
