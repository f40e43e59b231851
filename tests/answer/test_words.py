"""Words and their bridges to the index: spellings, typos, compounds, languages, labels."""

import pytest

from assistant.answer.language import detect
from assistant.answer.lexicon import Lexicon, english_rarity
from assistant.answer.names import (
    ASKS_COUNTRIES,
    ASKS_PERSON,
    ASKS_PLACE,
    is_country,
    names_a_country,
    names_a_person,
    names_a_place,
)
from assistant.answer.reading import _asked_acronym, _dates
from assistant.answer.rendering import Citation, clean_quote, quoted
from assistant.answer.routes import _ASKS_MONEY, _MONEY, _figures
from assistant.index.store import Term
from assistant.ingest.actions import ActionRow
from assistant.words import content_terms, key, keys_of

VOCABULARY = {
    "responsible": 30,
    "enforcement": 12,
    "handbook": 4,
    "symposia": 2,
    "waste": 20,
    "sub": 3,
    "directorate": 5,
    "organization": 9,
    "customs": 90,
    "baku": 6,
    "countering": 3,
}


@pytest.fixture
def lexicon():
    return Lexicon([Term(t, n) for t, n in VOCABULARY.items()], items=100, extra=["who", "deadline"])


def test_spellings_and_inflections_meet_by_key():
    assert key("organise") == key("organized") == key("organizing") == key("organizes")
    assert key("catalogue") == key("catalogs")
    assert key("programme") == key("programs") and key("centre") == key("centers")
    assert key("policies") == key("policy") and key("planned") == key("plan")
    assert key("operation") == key("operations") != key("operational")
    assert key("GCAP-19") == "gcap-19"  # codes stay as they are
    assert keys_of("Organising the SOPs") == {key("organising"), key("sops")}
    assert content_terms("Who is in charge of the GCAP-19 refill?") == ("charge", "gcap-19", "refill")


def test_typos_are_corrected_towards_the_index_but_real_words_and_short_ones_are_not(lexicon):
    assert lexicon.correct("reponsible") == "responsible"
    assert lexicon.correct("enforcment") == "enforcement"
    assert lexicon.correct("deadlin") == "deadline"  # the router's words too
    # one edit from two words: the one with a letter left out ("happen" is one too many)
    both = Lexicon([Term(t, n) for t, n in VOCABULARY.items()], items=100, extra=["happen", "happened"])
    assert both.correct("happend") == "happened"
    assert lexicon.correct("symposiums") == "symposia"  # a form the stemmer does not join
    assert lexicon.correct("counterfeit") is None  # same start, another word: not its form
    assert lexicon.correct("levies") is None  # an English word, not a typo
    assert lexicon.correct("bali") is None  # too short to tell from "baku"


def test_forms_compounds_and_weights(lexicon):
    assert lexicon.forms("organisations") == ["organization"]
    assert lexicon.knows("wastes") and not lexicon.knows("rubbish")
    assert lexicon.split_compound("subdirectorate") == ["sub", "directorate"]
    assert lexicon.common("customs") and not lexicon.common("handbook")
    assert lexicon.weight("handbook") > lexicon.weight("waste") > lexicon.weight("customs")
    # an unknown word weighs less the commoner it is in English
    assert english_rarity("getting") < english_rarity("counterfeit") == 1.0


def test_a_clipped_word_stands_for_the_index_words_it_begins(lexicon):
    """ "enf", "org": clipped as delegates type them; never a word of six letters or
    more, nor one that begins too many words to say which, nor one of the commonest English
    words ("go" in "only go ahead", "hand" in "have a hand in")."""
    assert lexicon.clipped("enf") == ["enforcement"]
    assert lexicon.clipped("org") == ["organization"]
    assert lexicon.clipped("hand") == lexicon.clipped("go") == []
    assert lexicon.clipped("symposi") == []  # too long to be clipped: a typo, if anything
    assert lexicon.clipped("wast") == []  # "waste" is only one letter longer: a typo
    many = Lexicon([Term(f"ope{c}ation", 1) for c in "abcdefghij"], items=10)
    assert many.clipped("op") == []  # ten words begin it


def test_the_acronym_asked_about_and_the_dates_a_question_names():
    assert _asked_acronym("What does EC stand for?") == "EC"
    assert _asked_acronym("what's CCF short for, the thing the MEA training falls under") == "CCF"
    assert _asked_acronym("What do MEAs mean?") == "MEA"
    assert _dates("which actions wrap up in the first half of 2023") == {
        "due_after": "2023-01-01",
        "due_before": "2023-07-01",
    }
    assert _dates("what is due before 2024?") == {"due_after": None, "due_before": "2024-01-01"}
    assert _dates("what's slated for June 2024") == {"due_after": "2024-06-01", "due_before": "2024-07-01"}
    june_2024 = {"due_after": "2024-06-01", "due_before": "2024-07-01"}
    assert _dates("which actions have a june 2024 deadline") == june_2024
    assert _dates("actions with a deadline of Jun. 2024?") == june_2024
    assert _dates("which actions had june 2024 as their deadline?") == june_2024
    assert _dates("list the actions with june 2024 as deadline") == june_2024
    assert _dates("which actions are due dec 2023") == {"due_after": "2023-12-01", "due_before": "2024-01-01"}
    # "by" includes the period named, "before" does not
    assert _dates("what must be done by December 2023") == {"due_after": None, "due_before": "2024-01-01"}
    assert _dates("anything due before Sept 2024?") == {"due_after": None, "due_before": "2024-09-01"}


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quelle équipe s'occupe des procédures pour les déchets ?", "French"),
        ("¿en qué países se harán los talleres nacionales?", "Spanish"),
        ("Wer ist für die Richtlinien zur Abfallentsorgung zuständig?", "German"),
        ("Quel est le plan pour les déchets?", "French"),  # "le", "plan", "pour" are English words too
        ("who takes care of the waste SOPs?", None),
        ("What is its KPI?", None),
        ("GCAP-19?", None),
    ],
)
def test_a_question_in_another_language_is_named(question, language):
    assert detect(question) == language


def test_a_question_in_english_words_does_not_wait_for_the_detector(monkeypatch):
    from assistant.answer import language

    def no_detector():
        raise AssertionError("the detector was asked")

    monkeypatch.setattr(language, "_detector", no_detector)
    assert detect("who takes care of the guidelines on packaging that can be refilled?") is None
    with pytest.raises(AssertionError):
        detect("Quelle équipe s'occupe des déchets ?")


def test_citation_labels_and_quotes_read_as_a_delegate_expects():
    passage = Citation("passage", "plan.txt", "Plan", 2, "I. Background", "text", 0.5, paragraph="4")
    assert passage.label == "p. 2, para. 4"
    item = Citation("passage", "update.txt", "Update", 3, "", "text", 0.5, paragraph="GCAP-19")
    assert item.label == "p. 3, GCAP-19"
    row = ActionRow("plan#5", "plan.txt", 3, "SP1", [], "", "", "Do it", "", "", "", [], [], row=5)
    assert Citation("action", "plan.txt", "Plan", 3, "", "Do it", 1.0, row=row).label == "action table, row 5"
    from_pdf = Citation(
        "action", "plan.pdf", "Plan", 7, "", "Do it", 1.0, row=ActionRow(**{**row.__dict__, "source": "pdf"})
    )
    assert from_pdf.label == "p. 7, action table, row 5"
    assert (
        clean_quote("III. The implementation of trade measures.") == "The implementation of trade measures."
    )
    assert clean_quote("- provide guidance on the draft:") == "provide guidance on the draft"
    assert quoted("Develop Guidelines on “safe storage”") == "“Develop Guidelines on ‘safe storage’”"


def test_countries_are_names_in_any_case_and_a_question_can_ask_for_them():
    assert is_country("canada") and is_country("Malawi") and not is_country("customs")
    assert names_a_country("workshops – Lesotho and Mozambique")
    assert names_a_country("hosted by the Republic of Azerbaijan") and names_a_country("in South Africa")
    assert not names_a_country("The PTC is invited to provide guidance")
    for asks in ("which countries signed it", "which member states' attaches came", "what Members replied"):
        assert ASKS_COUNTRIES.search(asks)
    assert not ASKS_COUNTRIES.search("which team owns the waste SOPs")


def test_a_figure_counts_something_and_an_item_number_does_not():
    text = "work within the scope of GCAP’s 3, 18, 25, and 26; SDG 2; of these, the 6 items delivered"
    assert _figures(text) == ["6"]
    assert _figures("31 March 2025, 40 actions, the 239th Sessions") == ["40"]


def test_a_question_can_ask_for_a_person_and_a_text_can_name_one():
    for asks in (
        "who chaired the session",
        "which official hosted it",
        "the name of the new officer",
        "whats the name of the new research officer they hired",
        "which senior customs official spoke",
    ):
        assert ASKS_PERSON.search(asks), asks
    for not_a_person in ("Who is responsible for the waste SOPs?", "What is the official name of the WCO?"):
        assert not ASKS_PERSON.search(not_a_person)
    for person in ("Mr Kunio Mikuriya opened", "H.E. Ms. Aliyeva", "Secretary General Ian Saunders said"):
        assert names_a_person(person)
    for nobody in ("the Policy Commission held", "Republic of Azerbaijan", "the Director General in June"):
        assert not names_a_person(nobody)


def test_a_sum_of_money_is_asked_for_and_given_with_its_currency():
    assert _ASKS_MONEY.search("What budget in euros is set aside for the waste SOPs?")
    assert not _ASKS_MONEY.search("who has offered to fund GCAP-2?")
    for money in ("a budget of EUR 50,000", "$2 million", "CHF 120 000", "50,000 euros"):
        assert _MONEY.search(money)
    for not_money in ("the 2023 budget", "funding from SECO", "3 March 2025", "6 items"):
        assert not _MONEY.search(not_money)


def test_a_place_is_asked_for_and_given_after_in_or_at():
    for place in (
        "where was COP29 held?",
        "when and where is the technology conference?",
        "where did the PTC meet",
        "in which city was the declaration adopted?",
    ):
        assert ASKS_PLACE.search(place), place
    # a document, a state of progress, a topic: not a place
    for not_a_place in (
        "where can I find the plan online?",
        "where is the tool at?",
        "actions where EC leads",
    ):
        assert not ASKS_PLACE.search(not_a_place), not_a_place
    for said in ("that was held in Baku in November 2024", "adopted at COP29", "proposed by Azerbaijan"):
        assert names_a_place(said), said
    for unsaid in ("held in November 2024", "delegates commended the Global Conference", "in the annex"):
        assert not names_a_place(unsaid), unsaid
