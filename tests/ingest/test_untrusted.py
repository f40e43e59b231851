"""Every byte of untrusted input under a limit, from the folder to the index: inputs that used
to stall a build or escape the corpus, each made here in a few kilobytes."""

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import get_settings
from assistant.index import embedding, store
from assistant.index.build import build
from assistant.ingest.acronyms import find_acronyms
from assistant.ingest.documents import Document, DocumentInfo, Page, load_document
from assistant.ingest.passages import MAX_CHARS, split_passages
from assistant.ingest.text import split_sentences
from tests.conftest import PLAN, UPDATE, FakeEmbedder
from tests.pdfs import text_pdf

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake_model(monkeypatch):
    from assistant import engine

    monkeypatch.setattr(engine, "bundled_embedder", lambda backend=None: FakeEmbedder())


def test_long_runs_of_letters_and_false_sentence_ends_take_linear_time():
    """The acronym pattern and the sentence splitter were quadratic on these (80 KB: 53 s)."""
    started = time.monotonic()
    assert find_acronyms(["A" * 200_000]) == {}
    assert len(split_sentences(". A" * 60_000)) == 2
    # a table cell of spaces or brackets, read for its bodies and teams
    from assistant.ingest.actions import ActionRow, bodies_of, teams_of

    cell = " " * 200_000 + "x"
    row = ActionRow("x#1", "x.pdf", 1, "", [], "", "", "", "", "", "", [cell], [cell], row=1)
    assert bodies_of(row) == ["not assigned"] and teams_of(row) == ["x"]
    assert time.monotonic() - started < 15  # quadratic: many minutes


def test_no_passage_is_longer_than_its_cap_whatever_the_text(tmp_path):
    blob = "QUJD" * 50_000  # a base64 blob: 200 KB with no space and no sentence end
    document = Document(DocumentInfo("blob.txt", "Blob"), tmp_path / "blob.txt", "0", [Page(1, blob)])
    passages = split_passages(document)
    assert passages and max(len(p.text) for p in passages) <= MAX_CHARS
    assert "".join(p.text for p in passages) == blob  # cut, nothing lost


@pytest.mark.slow
def test_the_model_is_given_no_more_than_it_reads(real_embedder):
    long_line = "waste " * 1_000_000  # 6 MB on one line: the tokenizer would encode it all
    started = time.monotonic()
    vector = real_embedder.encode([long_line])[0]
    assert time.monotonic() - started < 30
    cut = real_embedder.max_tokens * embedding.CHARS_PER_PIECE
    assert (vector == real_embedder.encode([long_line[:cut]])[0]).all()


def test_a_file_with_more_passages_than_the_setting_is_refused(seeded_corpus, index_dir):
    (seeded_corpus / "long.txt").write_text(
        "\n\n".join(f"{n}. Paragraph {n} of a long report, with enough words in it." for n in range(1, 60)),
        encoding="utf-8",
    )
    settings = replace(get_settings(), max_passages=40)
    summary = build(seeded_corpus, index_dir, FakeEmbedder(), settings=settings)
    assert (
        "long.txt: makes 59 passages, over the limit of 40 (ASSISTANT_MAX_PASSAGES)"
        in summary.failed["long.txt"]
    )
    assert {PLAN, UPDATE} <= {d.doc for d in store.open_current(index_dir).documents()}


def test_the_size_is_checked_before_a_byte_is_read(seeded_corpus, index_dir):
    with (seeded_corpus / "sparse.txt").open("wb") as handle:  # 1 TB of nothing, made at once
        handle.truncate(10**12)
    started = time.monotonic()
    summary = build(seeded_corpus, index_dir, FakeEmbedder())
    assert time.monotonic() - started < 60  # hashing it first would take hours
    assert (
        "sparse.txt: is 1,000,000 MB, over the 100 MB limit (ASSISTANT_MAX_FILE_MB)"
        in summary.failed["sparse.txt"]
    )


def test_links_fifos_devices_and_folders_are_refused_with_a_line_each(seeded_corpus, index_dir):
    (seeded_corpus / "passwd.txt").symlink_to("/etc/passwd")
    (seeded_corpus / "again.txt").symlink_to(seeded_corpus / UPDATE)
    (seeded_corpus / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(seeded_corpus / "pipe.txt")
    (seeded_corpus / "folder.md").mkdir()
    summary = build(seeded_corpus, index_dir, FakeEmbedder())
    failed = summary.failed
    assert set(failed) == {"passwd.txt", "again.txt", "zero.txt", "pipe.txt", "folder.md"}
    assert "passwd.txt: is a link (to /etc/passwd, outside the corpus)" in failed["passwd.txt"]
    assert "again.txt: is a link" in failed["again.txt"] and "inside the corpus" in failed["again.txt"]
    assert "pipe.txt: is not a regular file" in failed["pipe.txt"]
    assert "folder.md: is not a regular file" in failed["folder.md"]
    live = store.open_current(index_dir)
    assert {d.doc for d in live.documents()} == {PLAN, UPDATE}
    assert not any("root:" in item.text for item in live.items_of())


def test_a_name_that_is_not_utf8_is_refused_and_the_others_are_indexed(seeded_corpus, index_dir):
    fd = os.open(os.fsencode(seeded_corpus) + b"/caf\xe9.txt", os.O_WRONLY | os.O_CREAT)
    os.write(fd, b"1. A note from another system.\n")
    os.close(fd)
    (seeded_corpus / "new.txt").write_text("1. A new note about waste.\n", encoding="utf-8")
    summary = build(seeded_corpus, index_dir, FakeEmbedder())
    [(name, message)] = summary.failed.items()
    assert message.endswith("caf\\xe9.txt: has a name that is not valid UTF-8; rename the file, then rebuild")
    assert "new.txt" in summary.added and summary.generation


def test_names_are_printed_escaped_one_line_each(seeded_corpus, index_dir, fake_model, capsys):
    (seeded_corpus / "evil\nfailed: forged.txt").write_bytes(b"")
    (seeded_corpus / "\x1b[2Kerase.txt").write_bytes(b"")
    assert cli.main(["build", "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    failed = [line for line in err if line.startswith("failed:")]
    assert len(failed) == 2
    assert any("evil\\nfailed: forged.txt: is empty" in line for line in failed), failed
    assert any("\\x1b[2Kerase.txt: is empty" in line for line in failed)
    assert not any("\x1b" in line for line in err)


def test_warnings_are_printed_and_counted(seeded_corpus, index_dir, fake_model, capsys):
    register = seeded_corpus / "green-customs-action-plan-draft-2023.actions.csv"
    register.write_text(
        register.read_text(encoding="utf-8").replace("PMM team", "PMM squad"), encoding="utf-8"
    )
    assert cli.main(["build", "--quiet"]) == 0
    captured = capsys.readouterr()
    assert (
        f"warning: {PLAN}: green-customs-action-plan-draft-2023.actions.csv: row 1, responsible_team"
        in captured.err
    )
    assert "0 failed; 1 warning;" in captured.out


def test_duplicate_files_are_reported_and_indexed_once(seeded_corpus, index_dir):
    (seeded_corpus / "update-copy.txt").write_bytes((seeded_corpus / UPDATE).read_bytes())
    summary = build(seeded_corpus, index_dir, FakeEmbedder())
    assert (
        f"update-copy.txt: has the same content as {UPDATE}, which is indexed"
        in summary.failed["update-copy.txt"]
    )
    assert {d.doc for d in store.open_current(index_dir).documents()} == {PLAN, UPDATE}


def test_other_encodings_are_read_or_named(tmp_path):
    text = "1. Déclaration de Bakou sur les douanes vertes.\n"
    (tmp_path / "bom16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "plain16.txt").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "western.txt").write_bytes(text.encode("cp1252") * 20)
    for name in ("bom16.txt", "plain16.txt"):
        assert "Déclaration de Bakou" in load_document(tmp_path / name).pages[0].text
    with pytest.raises(
        Exception, match=r"western.txt: is not UTF-8 text \(invalid byte at offset 4; it looks like"
    ):
        load_document(tmp_path / "western.txt")


def test_a_long_legitimate_pdf_is_read_page_by_page(seeded_corpus, index_dir):
    pages = [[f"{n}. Page {n} of the annual report on green customs."] for n in range(1, 400)]
    text_pdf(seeded_corpus / "report.pdf", pages)
    summary = build(seeded_corpus, index_dir, FakeEmbedder(), settings=replace(get_settings(), parse_mb=700))
    assert "report.pdf" in summary.added, summary.failed
    docs = {d.doc: d for d in store.open_current(index_dir).documents()}
    assert docs["report.pdf"].pages == 399


def test_a_killed_build_leaves_no_worker_behind(seeded_corpus, index_dir, tmp_path):
    slow = text_pdf(
        tmp_path / "slow.pdf", [[f"{n}. Paragraph {n} of a long report."] * 40 for n in range(1, 400)]
    )
    os.replace(slow, seeded_corpus / "slow.pdf")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = (
        "import sys; from pathlib import Path; from assistant.index.build import build; "
        "from tests.fakes import FakeEmbedder; build(Path(sys.argv[1]), Path(sys.argv[2]), FakeEmbedder())"
    )
    builder = subprocess.Popen(
        [sys.executable, "-c", script, str(seeded_corpus), str(index_dir)], env=env, cwd=ROOT
    )
    worker = _wait_for_child(builder.pid, timeout=120)
    builder.send_signal(signal.SIGKILL)
    builder.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.1)
    assert not _alive(worker), "the worker outlived its build"


def _wait_for_child(pid: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = Path(f"/proc/{pid}/task/{pid}/children")
        found = children.read_text().split() if children.exists() else []
        for child in found:
            if "assistant.ingest.worker" in Path(f"/proc/{child}/cmdline").read_text(errors="replace"):
                return int(child)
        time.sleep(0.05)
    raise AssertionError("the build started no worker")


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"
