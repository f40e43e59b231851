from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest.documents import (
    discover,
    info_for,
    load_document,
    load_manifest,
    split_text_pages,
)
from tests.conftest import PLAN, UPDATE
from tests.pdfs import scanned_pdf, text_pdf


def test_text_pages_follow_printed_page_numbers(seeded_corpus):
    plan = load_document(seeded_corpus / PLAN)
    assert [p.number for p in plan.pages] == [1, 2, 3]
    assert "Purpose of document" in plan.pages[0].text
    assert "I. Background" in plan.pages[1].text
    update = load_document(seeded_corpus / UPDATE)
    # " 2." and " 4." are printed page numbers; "2024." ending a sentence is not
    assert [p.number for p in update.pages] == [1, 2, 4]
    assert "November \n2024." in update.pages[1].text


def test_restarted_page_numbers_still_increase():
    pages = split_text_pages("cover\n 2.\nbody\n 2.\nannex page\n")
    assert [(p.number, p.text.strip()) for p in pages] == [(1, "cover"), (2, "body"), (3, "annex page")]


def test_manifest_gives_titles_and_unlisted_files_get_one_from_their_name(seeded_corpus):
    (seeded_corpus / "status-update_2026.txt").write_text("1. Something happened.\n")
    manifest = load_manifest(seeded_corpus)
    assert manifest[PLAN].title == "Draft Green Customs Action Plan"
    assert manifest[PLAN].kind == "plan"
    assert manifest[UPDATE].kind == "status update"
    info = info_for(seeded_corpus / "status-update_2026.txt", manifest)
    assert info.title == "Status update 2026"
    assert info.kind == "status update"
    assert [p.name for p in discover(seeded_corpus)] == [PLAN, UPDATE, "status-update_2026.txt"]


def test_manifest_with_unknown_kind_is_refused(corpus_dir):
    (corpus_dir / "manifest.toml").write_text('[[document]]\nfile = "a.txt"\nkind = "memo"\n')
    with pytest.raises(DocumentError, match=r"manifest.toml: gives a.txt the kind 'memo'; use one of"):
        load_manifest(corpus_dir)


def test_pdf_pages_come_from_the_pdf(tmp_path):
    path = text_pdf(tmp_path / "update.pdf", [["1. First page text."], ["2. Second page text."]])
    document = load_document(path)
    assert [p.number for p in document.pages] == [1, 2]
    assert "Second page text" in document.pages[1].text


@pytest.mark.parametrize(
    "name, make, problem, remedy",
    [
        ("empty.txt", lambda p: p.write_bytes(b""), "is empty", "replace it"),
        (
            "latin1.txt",
            lambda p: p.write_bytes("Caf\xe9 cr\xe8me".encode("latin-1")),
            "is not UTF-8 text",
            "re-save it as UTF-8",
        ),
        (
            "binary.txt",
            lambda p: p.write_bytes(b"\x00\x01\x02binary" * 10),
            "is a binary file",
            "save the document",
        ),
        (
            "image.pdf",
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
            "is not a PDF",
            "re-export it",
        ),
        (
            "encrypted.pdf",
            lambda p: text_pdf(p, [["secret text"]], encrypt="s3cret"),
            "is encrypted",
            "remove the password",
        ),
        ("scan.pdf", scanned_pdf, "has no extractable text", "run OCR"),
        (
            "truncated.pdf",
            lambda p: p.write_bytes(text_pdf(p, [["some text"]]).read_bytes()[:200]),
            "",
            "re-export it",
        ),
    ],
)
def test_bad_files_get_one_clear_error_naming_the_file(tmp_path, name, make, problem, remedy):
    path = tmp_path / name
    make(path)
    with pytest.raises(DocumentError) as caught:
        load_document(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": ")
    assert problem in message
    assert remedy in message
    assert "\n" not in message


def test_pdf_with_owner_password_only_still_opens(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    encryption = StandardEncryption("", ownerPassword="owner", canPrint=0)
    path = text_pdf(tmp_path / "restricted.pdf", [["Readable text."]], encrypt=encryption)
    assert "Readable text" in load_document(Path(path)).pages[0].text
