"""The document reader lays passages out as the document is written, and shows no markup."""

from types import SimpleNamespace

import pytest

from ui.reader import blocks, split_list


def passage(id, text, section="", paragraph=""):
    return SimpleNamespace(id=id, text=text, section=section, paragraph=paragraph)


def test_paragraph_numbers_and_headings_are_shown_once():
    shown = blocks(
        [
            passage(1, "The Policy Commission discussed:", "I. Background", "4"),
            passage(2, "III. Trade measures for greening supply chains.", "I. Background", "4"),
            passage(3, "Recognizing that Customs were on the front line.", "I. Background", "5"),
            passage(4, "III. The PTC is invited to: - provide guidance.", "III. The PTC is invited to"),
            passage(5, "The input received was marked in red.", "III. The PTC is invited to", "footnote 1"),
        ]
    )
    text = "\n".join(b.markdown for b in shown)
    assert text.count("**4.**") == 1 and text.count("**5.**") == 1
    assert text.count("I\\. Background") == 1
    assert text.count("III\\. The PTC is invited to") == 1  # the heading, not again in its text
    assert "- provide guidance\\." in text
    assert shown[-1].markdown == "*Footnote 1:* The input received was marked in red\\."


def test_an_item_opening_with_its_own_code_is_labelled_by_it_once():
    """From a browser trial: the update's items read "GCAP-25. GCAP-25 Collect ..."."""
    item = passage(1, "GCAP-25 Collect experiences in implementing disruptive technology", "II.", "GCAP-25")
    shown = blocks([item])[-1].markdown
    assert shown == "**GCAP\\-25.** Collect experiences in implementing disruptive technology"
    # the responsible unit, which the text stream runs on at the end, on a line of its own
    ran_on = passage(2, "GCAP-19 Develop guidelines on refill packaging Facilitation", "II.", "GCAP-19")
    shown = blocks([ran_on], {"GCAP-19": "Facilitation"})[-1].markdown
    assert shown == "**GCAP\\-19.** Develop guidelines on refill packaging  \n*Responsible: Facilitation*"


def test_an_inline_list_becomes_a_list_and_a_dash_in_a_sentence_does_not():
    lead, items = split_list("The related SDG are, in particular: - SDG 2: End hunger. - SDG 3: Health.")
    assert lead == "The related SDG are, in particular:"
    assert items == ["SDG 2: End hunger.", "SDG 3: Health."]
    assert split_list("Customs - the front line - act.") == ("Customs - the front line - act.", [])
    assert split_list("- Following on from the report")[1] == ["Following on from the report"]


@pytest.mark.parametrize(
    "text",
    ["**bold** <b>x</b>", "# Heading", "1. not a list", "[a](http://x)", ":red[red] $x$", "&amp; `code`"],
)
def test_document_text_is_escaped(text):
    (block,) = blocks([passage(1, text)])
    assert block.markdown.replace("\\", "") == text.replace("\\", "")
    assert all(block.markdown[i - 1] == "\\" for i, ch in enumerate(block.markdown) if ch in "*<>#[]:$&`")
