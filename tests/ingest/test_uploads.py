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
    ]
    text = to_markdown(turns)
    assert "**Q:** What is Green Customs?" in text
    assert "Sources:\n1. Draft plan, p. 2 — Definition: “Green Customs refers to the measures.”" in text
    assert "**Q:** What is the weather?\n\nThis is not in these documents." in text
