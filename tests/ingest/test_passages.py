from collections import Counter

from assistant.ingest.documents import Document, DocumentInfo, Page, load_document
from assistant.ingest.passages import MAX_CHARS, split_passages
from assistant.ingest.text import join_lines, split_sentences
from tests.conftest import PLAN, UPDATE


def _passages(path):
    return split_passages(load_document(path))


def _by_paragraph(passages, number):
    return [p for p in passages if p.paragraph == number]


def test_numbered_paragraphs_know_page_section_and_number(seeded_corpus):
    passages = _passages(seeded_corpus / PLAN)
    (first,) = _by_paragraph(passages, "1")
    assert first.page == 2
    assert first.section == "I. Background"
    assert first.text.startswith("The 237th/238th Sessions of the PTC confirmed")
    (eleven,) = _by_paragraph(passages, "11")
    assert eleven.section == "II. Next steps"


def test_headings_become_sections(seeded_corpus):
    passages = _passages(seeded_corpus / PLAN)
    definition = [p for p in passages if p.section == "Definition of “Green Customs”"]
    assert definition[0].text.startswith("Green Customs refers to the measures")
    assert any(p.section == "Long-term vision" for p in passages)


def test_a_list_stays_with_its_lead_in(seeded_corpus):
    passages = _passages(seeded_corpus / PLAN)
    (sdgs,) = [p for p in passages if "SDG 12" in p.text]
    assert sdgs.text.startswith("The related UN SDG are, in particular: - SDG 2:")
    assert "SDG 15 Protect" in sdgs.text


def test_a_long_paragraph_is_split_at_list_items_and_keeps_its_lead_in(seeded_corpus):
    parts = _by_paragraph(_passages(seeded_corpus / PLAN), "4")
    assert len(parts) >= 2
    assert all(len(p.text) <= MAX_CHARS for p in parts)
    assert parts[0].text.startswith("The 87th Session of the Policy Commission")
    assert parts[1].text.startswith("III.") or parts[1].text.startswith("II.")
    assert parts[1].context.startswith("The 87th Session of the Policy Commission")


def test_the_action_table_is_not_cut_into_passages(seeded_corpus):
    texts = " ".join(p.text for p in _passages(seeded_corpus / PLAN))
    assert "Body in charge" not in texts
    assert "Undertake Business Process Mapping" not in texts
    assert "SO1. Trade facilitation" in texts  # the legend above the table is prose


def test_artefacts_are_repaired(seeded_corpus):
    plan = _passages(seeded_corpus / PLAN)
    update = _passages(seeded_corpus / UPDATE)
    texts = " ".join(p.text for p in plan + update)
    assert "consultations with BBAs, depending" in texts  # footnote marker "BBAs1" removed
    assert "for self-assessment (depending" in texts  # "self- assessment"
    assert "https://" not in texts and "chrome-extension" not in texts
    assert "  " not in texts
    # paragraph 11 of the update runs over a page break and a footnote, and stays whole
    (eleven,) = _by_paragraph(update, "11")
    assert "Council on Green Customs (the Baku Declaration) was proposed" in eleven.text
    (footnote,) = _by_paragraph(update, "footnote 1")
    assert footnote.text.startswith("Customs Co-operation Council is the official name")
    assert all("Council1" not in p.section for p in update)


def test_status_items_are_their_own_passages(seeded_corpus):
    update = _passages(seeded_corpus / UPDATE)
    (item,) = _by_paragraph(update, "GCAP-19")
    assert item.text.startswith("GCAP-19 Develop guidelines on facilitation measures for return-refill")
    assert item.text.endswith("Facilitation")
    (item,) = _by_paragraph(update, "GCAP-25")
    assert item.text.endswith("Facilitation, in coordination with Compliance RILOs")


def test_words_split_by_the_layout_are_rejoined():
    vocab = Counter({"environmentally": 2, "self": 1, "assessment": 3, "information": 2})
    assert join_lines(["Guidelines on “Environmentall", "y safe storage"], vocab) == (
        "Guidelines on “Environmentally safe storage"
    )
    assert join_lines(["for self-", "assessment"], vocab) == "for self-assessment"
    assert join_lines(["infor-", "mation"], vocab) == "information"
    assert join_lines(["in", "to"], Counter({"into": 3, "in": 9})) == "in to"


def test_sentences_split_without_breaking_abbreviations():
    text = "Promote goods (e.g. solar panels). The WCO Data Strategy applies. I. Measures follow."
    assert split_sentences(text) == [
        "Promote goods (e.g. solar panels).",
        "The WCO Data Strategy applies.",
        "I. Measures follow.",
    ]


def test_inline_document_with_headings_and_paragraphs():
    text = (
        "I. Background\n\n1. The first paragraph says one thing.\n\n"
        "2. The second paragraph says another thing and goes on\nover two lines.\n\n"
        "II. Next steps\n\n3. Something will be done.\n"
    )
    doc = Document(DocumentInfo(doc="x.txt", title="X"), path=None, sha256="0", pages=[Page(1, text)])
    passages = split_passages(doc)
    assert [(p.paragraph, p.section) for p in passages] == [
        ("1", "I. Background"),
        ("2", "I. Background"),
        ("3", "II. Next steps"),
    ]
    assert passages[1].text == "The second paragraph says another thing and goes on over two lines."
