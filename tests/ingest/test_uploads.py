"""Uploads are checked on the server: type by content, size, a clean name, no way out of the corpus."""

import pytest

from assistant.answer import Answer, Citation, to_markdown
from assistant.config import get_settings
from assistant.ingest import uploads
from tests.pdfs import text_pdf


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\evil.pdf", "evil.pdf"),
        ("update 2026\x07\x1b[31m.txt", "update-202631m.txt"),
        (".hidden.md", "hidden.md"),
        ("plan…draft (v2).PDF", "plan.draft-v2.pdf"),
        ("", "upload"),
    ],
)
def test_names_are_sanitised(name, expected):
    assert uploads.safe_name(name) == expected


def test_the_type_is_decided_by_content(tmp_path):
    pdf = text_pdf(tmp_path / "x.pdf", [["Some text."]]).read_bytes()
    assert uploads.check("report.txt", pdf) == "report.pdf"  # a PDF named .txt is stored as a PDF
    assert uploads.check("notes.md", b"# Notes\n") == "notes.md"
    with pytest.raises(uploads.UploadRefused, match="named .pdf but it is not a PDF"):
        uploads.check("fake.pdf", b"just text")
    with pytest.raises(uploads.UploadRefused, match="not a PDF nor UTF-8 text"):
        uploads.check("image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(uploads.UploadRefused, match="the file is empty"):
        uploads.check("empty.txt", b"")
    with pytest.raises(uploads.UploadRefused, match="over the 50 MB limit"):
        uploads.check("big.txt", b"a" * (uploads.MAX_BYTES + 1))


def test_staged_files_stay_out_of_the_corpus_until_accepted(corpus_dir):
    staged = uploads.stage(corpus_dir, "../outside.txt", b"1. A paragraph about waste.\n")
    assert staged == corpus_dir / uploads.STAGING / "outside.txt"
    assert not (corpus_dir.parent / "outside.txt").exists()
    preview = uploads.preview(staged, get_settings())
    assert (preview.pages, preview.passages, preview.error) == (1, 1, None)
    accepted = uploads.accept(corpus_dir, staged)
    assert accepted == corpus_dir / "outside.txt" and not staged.exists()
    with pytest.raises(uploads.UploadRefused, match="may not lead outside the corpus"):
        uploads.target(corpus_dir, "../escape.txt")


def test_a_broken_upload_previews_its_error(corpus_dir):
    staged = uploads.stage(corpus_dir, "broken.pdf", b"%PDF-1.7\n garbage")
    preview = uploads.preview(staged, get_settings())
    assert preview.error and "broken.pdf: is damaged" in preview.error


def test_a_conversation_downloads_as_markdown_with_its_sources():
    citation = Citation(
        "passage",
        "plan.txt",
        "Draft plan",
        2,
        "Definition",
        "Full passage.",
        0.9,
        "",
        1,
        quote="Green Customs refers to the measures.",
    )
    turns = [
        Answer("What is Green Customs?", "Green Customs refers to the measures. [1]", [citation], False),
        Answer("What is the weather?", "This is not in these documents.", [], True),
        Answer("What is GCAP-2?", "GCAP-2: the tool. [1]\nStatus: in progress. [1]", [citation], False),
        Answer("What does EC do?", "2 action(s) match EC:\n- One [1]\n- Two [1]", [citation], False),
    ]
    text = to_markdown(turns)
    # a card's lines are paragraphs of their own (one line break merges them when rendered);
    # a list's items stay one list
    assert "GCAP-2: the tool. [1]\n\nStatus: in progress. [1]" in text
    assert "2 action(s) match EC:\n\n- One [1]\n- Two [1]" in text
    assert "**Q:** What is Green Customs?" in text
    assert "Sources:\n1. Draft plan, p. 2 — Definition: “Green Customs refers to the measures.”" in text
    assert "**Q:** What is the weather?\n\nThis is not in these documents." in text


def test_an_upload_is_added_with_its_details_written_to_the_manifest(seeded_corpus):
    from assistant.errors import DocumentError
    from assistant.ingest.documents import DocumentInfo, load_manifest

    manifest = seeded_corpus / "manifest.toml"
    before = manifest.read_text(encoding="utf-8")
    staged = uploads.stage(seeded_corpus, "update 2026.txt", b"I. Progress\n\n1. Piloted.\n")
    with pytest.raises(DocumentError, match="YYYY, YYYY-MM or YYYY-MM-DD"):
        uploads.accept(seeded_corpus, staged, DocumentInfo("x", "Update", "status update", "June 2026"))
    assert staged.exists() and manifest.read_text(encoding="utf-8") == before  # nothing changed
    with pytest.raises(DocumentError, match="has no title"):
        uploads.accept(seeded_corpus, staged, DocumentInfo("x", "  ", "status update"))
    with pytest.raises(DocumentError, match="use one of"):
        uploads.accept(seeded_corpus, staged, DocumentInfo("x", "Update", "minutes"))

    info = DocumentInfo("x", "Status  update\n2026", "status update", "2026-06", "PTC, 245th Session")
    path = uploads.accept(seeded_corpus, staged, info)
    assert path == seeded_corpus / "update-2026.txt" and not staged.exists()
    entry = load_manifest(seeded_corpus)["update-2026.txt"]
    assert (entry.title, entry.kind, entry.date, entry.meeting) == (
        "Status update 2026",
        "status update",
        "2026-06",
        "PTC, 245th Session",
    )
    text = manifest.read_text(encoding="utf-8")
    assert text.startswith(before.rstrip("\n"))  # staff's entries and comments kept as written
    # saved again with new details: the entry is changed, not repeated
    uploads.accept(
        seeded_corpus,
        uploads.stage(seeded_corpus, "update 2026.txt", b"I. Progress\n\n1. Piloted again.\n"),
        DocumentInfo("x", "Status update 2026 (revised)", "status update"),
    )
    entries = load_manifest(seeded_corpus)
    assert entries["update-2026.txt"].title == "Status update 2026 (revised)"
    assert entries["update-2026.txt"].date == ""
    assert manifest.read_text(encoding="utf-8").count('file = "update-2026.txt"') == 1


def test_a_removed_document_is_kept_with_its_register_and_details(seeded_corpus):
    from assistant.ingest.documents import discover, load_manifest

    plan = next(p for p in discover(seeded_corpus) if "plan" in p.name)
    register = plan.with_name(plan.stem + ".actions.csv")
    register_text = register.read_text(encoding="utf-8") if register.exists() else None
    kept = uploads.remove(seeded_corpus, plan.name)
    assert kept.parent == seeded_corpus / uploads.REMOVED
    assert not plan.exists() and (kept / plan.name).exists()
    assert plan.name not in load_manifest(seeded_corpus)
    assert 'file = "' + plan.name + '"' in (kept / "manifest-entry.toml").read_text(encoding="utf-8")
    if register_text is not None:
        assert not register.exists() and (kept / register.name).read_text(encoding="utf-8") == register_text
    assert plan not in discover(seeded_corpus)  # the next build drops it
    with pytest.raises(uploads.UploadRefused, match="no such document"):
        uploads.remove(seeded_corpus, plan.name)
    with pytest.raises(uploads.UploadRefused):
        uploads.remove(seeded_corpus, "../../etc/passwd")


def test_a_document_is_removed_when_the_corpus_is_reached_through_a_link(seeded_corpus, tmp_path):
    from assistant.ingest.documents import discover

    linked = tmp_path / "corpus-link"
    linked.symlink_to(seeded_corpus, target_is_directory=True)
    name = discover(linked)[0].name
    kept = uploads.remove(linked, name)
    assert (kept / name).exists() and name not in [p.name for p in discover(seeded_corpus)]
