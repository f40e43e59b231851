"""Acronyms a text defines, and those the documents spell out elsewhere."""

from assistant.ingest.acronyms import by_initials, defined_in, find_acronyms, named_by_initials


def test_a_definition_is_the_shortest_run_of_words_whose_initials_spell_it():
    text = "what do the Capacity Building Directorate (CBD) and the Research and Policy Unit (RPU) lead?"
    assert defined_in(text) == {"CBD": "Capacity Building Directorate", "RPU": "Research and Policy Unit"}
    assert defined_in("the plan (GCAP) and the waste (rubbish)") == {}  # initials that do not spell it


def test_the_documents_define_an_acronym_once_and_spell_others_in_title_case():
    found = find_acronyms(
        [
            "Parties to Multilateral Environmental Agreements (MEAs) met.",
            "The Standard Operating Procedures were drafted; each SOP is short.",
        ]
    )
    assert found == {"MEA": "Multilateral Environmental Agreements", "SOP": "Standard Operating Procedures"}


def test_a_body_named_by_words_whose_initials_spell_its_code():
    codes = ["EC", "CBD", "CBC", "RPU", "PMM team", "Policy Commission"]
    assert named_by_initials("What is the Enforcement Committee in charge of?", codes) == {
        "EC": "Enforcement Committee"
    }
    assert named_by_initials("what does the capacity building directorate lead", codes) == {
        "CBD": "capacity building directorate"
    }
    assert named_by_initials("the Research and Policy Unit", codes) == {"RPU": "Research and Policy Unit"}
    # a possessive names the body too, and stays with the words after it
    assert named_by_initials("anything new on the capacity building directorate’s list?", codes) == {
        "CBD": "capacity building directorate"
    }
    # initials that spell no code, and words that end in no organisation's noun, name nothing
    assert named_by_initials("the environmental crime unit", codes) == {}
    assert named_by_initials("the Enforcement Chapter and the committee", codes) == {}


def test_an_abbreviation_the_documents_never_use_is_the_one_phrase_with_its_initials():
    texts = [
        "Undertake Business Process Mapping of transboundary movement of waste.",
        "Capacity building on ozone depleting substances; an ozone-depleting substance is banned.",
        "identify potential donors, including potential donors",
        "the Customs Co-operation Council",
    ]
    found = by_initials(texts)
    assert found["BPM"] == "business process mapping"
    assert found["ODS"] == "ozone depleting substances"  # hyphenated or singular: the same phrase
    assert found["CCC"] == found["CCOC"] == "customs co-operation council"  # by words or by parts
    assert "IPD" not in found  # two phrases have these initials: neither is meant
    assert "CB" not in found  # two letters are too few to tell
