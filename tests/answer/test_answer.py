"""Answers with the real model: routing, quoting, citing, abstaining, follow-ups, the goals."""

import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from assistant.config import get_settings
from assistant.engine import Assistant
from assistant.tooling.evaluation import DEFAULT_QUESTIONS, load_questions, report
from tests.conftest import PLAN, UPDATE

pytestmark = pytest.mark.slow


@pytest.fixture
def built(real_index):
    return real_index


@pytest.fixture
def assistant(built, real_embedder):
    corpus, index = built
    return Assistant(replace(get_settings(), corpus_dir=corpus, index_dir=index), embedder=real_embedder)


def _flat(text):
    return re.sub(r"\s+", " ", text).strip()


_FIELD_VALUES = {
    "body in charge": lambda r: ", ".join(r.body_in_charge),
    "responsible team": lambda r: ", ".join(r.responsible_team),
    "timeframe": lambda r: r.timeframe,
    "priority": lambda r: r.priority,
    "KPI": lambda r: r.kpi,
}


def _row_piece_is_the_row(piece, row):
    """A piece citing a row quotes its action whole, and every field it names is the row's."""
    fields = piece
    if "“" in piece:  # the action, its own double quotes turned single
        said = piece[piece.index("“") + 1 : piece.index("”")]
        assert said == row.action.replace("“", "‘").replace("”", "’"), (piece, row.action)
        fields = piece[piece.index("”") + 1 :].strip()
        if fields.startswith("("):  # “action” (fields), in lists and passage answers
            fields = fields[1:].removesuffix(")")
        fields = fields.removeprefix("— ")
    labels = "|".join(_FIELD_VALUES)
    for name, said in re.findall(
        rf"(?i)\b({labels}): (.+?)(?=; (?:{labels}|status): |$)", fields.rstrip(".")
    ):
        expected = _FIELD_VALUES[next(k for k in _FIELD_VALUES if k.lower() == name.lower())](row)
        assert said == (expected or "not given in the table"), (name, said, expected)


def _quotes_are_verbatim(answer):
    """Every sentence of a passage answer, up to its marker, is text of the passage it cites;
    in other answers every quotation (“...”) is, and row fields are the row's own. (A refusal
    quotes nothing: its markers point at the closest passages.)"""
    if answer.abstained:
        return
    for piece, marker in re.findall(r"(.+?) \[(\d+)\]", answer.text.replace("\n", " ")):
        citation = answer.citations[int(marker) - 1]
        if citation.kind == "action":
            _row_piece_is_the_row(
                piece.split(". Action: ")[-1] if "Action: " in piece else piece, citation.row
            )
        elif answer.route == "passage":
            # the lead may be said under its section's heading, outside the quote
            heading = f"Under “{citation.section.strip()}”: "
            piece = piece.removeprefix(heading) if citation.section.strip() else piece
            for part in piece.split(" … "):  # sentences left out between quoted ones
                assert _flat(part) in _flat(citation.text), (part, citation.text)
        else:
            quoted = re.findall(r"“(.{20,}?)”(?:\s|$|\.)", piece) or [piece]
            text = _flat(citation.text).replace("“", "‘").replace("”", "’")
            assert all(_flat(q).rstrip(".") in text for q in quoted), (piece, citation.text)


def test_a_lead_sentence_is_said_under_its_heading_when_the_heading_holds_what_was_asked(assistant):
    """The plan's short-term objective is a heading with its date; the sentence under it does
    not repeat the date, so the answer names the heading, outside the quote."""
    answer = assistant.ask("what is the short-term objective of the plan, and by when?")
    assert answer.text.startswith(
        "Under “Short-term objective (end of financial year 2022-2023)”: The WCO develops its thinking"
    )
    assert answer.text.count("Under “") == 1
    _quotes_are_verbatim(answer)
    # a sentence that says it all needs no heading
    assert assistant.ask("What is Green Customs?").text.startswith("Green Customs refers to")


def test_a_definition_is_quoted_and_cited(assistant):
    answer = assistant.ask("What is Green Customs?")
    assert not answer.abstained
    assert answer.text.startswith("Green Customs refers to the measures that Customs administrations")
    first = answer.citations[0]
    assert (first.kind, first.doc, first.page) == ("passage", PLAN, 2)
    assert first.section == "Definition of “Green Customs”"
    assert first.quote.startswith("Green Customs refers to")
    _quotes_are_verbatim(answer)


def test_an_owner_question_leads_with_the_owner_then_the_row_and_its_status(assistant):
    answer = assistant.ask("Who owns the return-refill guidelines?")
    assert answer.text.startswith("Body in charge: PTC; responsible team: Facilitation [1]. Action: “Develop")
    assert "timeframe: TBD" in answer.text
    # the link to the update's item is the assistant's, by wording, and says so
    linked = "Most likely the same action in the update (matched by wording): GCAP-19, in progress"
    assert linked in answer.text
    row = answer.citations[0].to_json()
    assert row["kind"] == "action" and row["body_in_charge"] == ["PTC"]
    assert row["gcap"] == "GCAP-19" and row["status"] == "in progress"
    assert row["label"] == "action table, row 14"  # not a page the register cannot vouch for
    assert answer.citations[1].kind == "passage" and answer.citations[1].doc == UPDATE
    _quotes_are_verbatim(answer)


def test_a_question_about_an_action_asking_no_field_leads_with_the_action(assistant):
    """No field asked, none put first: "Priority: A" does not answer "what is it about?"."""
    answer = assistant.ask("what is the wildlife trafficking operation about?")
    assert not answer.abstained and answer.citations[0].row.row == 18
    assert answer.text.startswith(
        "The plan's action: “Prepare and implement an Operation on wildlife trafficking”"
    )
    assert "body in charge: EC" in answer.text and "priority: A" in answer.text
    # nor when the router spreads its belief over the fields: "anything on COP28?" asks none
    # (two rows are about COP28: the action, or since set l joined dev, the list of both)
    cop = assistant.ask("anything on COP28?")
    assert not re.match(r"(?:Priority|Timeframe|KPI|Body in charge)\b", cop.text)
    assert cop.citations and all("COP28" in c.row.action for c in cop.citations)


@pytest.mark.parametrize(
    ("question", "row", "lead"),
    [
        ("who takes care of the waste SOPs?", 5, "Body in charge: EC; responsible team: Compliance"),
        ("which team is reponsible for the Enforcment Handbook update?", 11, "Body in charge: EC"),
        ("Who's behind the wildife trafficking operation?", 18, "Body in charge: EC"),
        ("deadline for the circular economy study??", 33, "Timeframe: June 2023"),
        ("how will they measure success of the symposia report?", 9, "KPI: "),
        # a question word mistyped is that word, not a topic the documents never use
        ("whn is the COP28 polcy note due", 35, "Timeframe: December 2023"),
    ],
)
def test_delegates_words_typos_and_everyday_verbs_reach_the_row(assistant, question, row, lead):
    answer = assistant.ask(question)
    assert not answer.abstained, answer.text
    assert answer.citations[0].row.row == row
    assert lead.lower() in answer.text.split("\n")[0 if answer.route == "field" else 1].lower()


def test_a_misspelt_word_the_documents_never_use_reaches_their_words_through_its_meaning(assistant):
    """ "smugling" is one letter from "smuggling", which the documents never use either: read
    as the English word, it has neighbours in meaning among theirs (trafficking)."""
    from assistant.answer.lexicon import english_correction

    assert english_correction("smugling") == "smuggling" and english_correction("smuggling") is None
    answer = assistant.ask("who runs the operation against animal smugling?")
    assert not answer.abstained
    assert answer.citations[0].row.action == "Prepare and implement an Operation on wildlife trafficking"


def test_a_mistyped_question_word_is_that_word_not_a_topic(assistant):
    reading = assistant.answerer().read("whn shoud the GNC utility blocks be ready?")
    assert {"whn", "shoud"}.isdisjoint(w.text for w in reading.words) and reading.unknown_share() == 0.0
    assert reading.text.startswith("when should the GNC")
    # a real English word one letter from a stop word is a word ("came" is no "same")
    assert "came" in {w.text for w in assistant.answerer().read("what came out of the symposia?").words}


def test_a_clipped_word_reaches_the_row_it_is_short_for(assistant):
    """ "the wildlife op" is the wildlife operation, not the wildlife capacity-building row."""
    answer = assistant.ask("who owns the wildlife op and when is it due?")
    assert answer.citations[0].row.row == 18 and "June 2024" in answer.text


def test_a_texted_four_is_for(assistant):
    """ "kpi 4 the wildlife operation": texting, not a number the documents never use."""
    answer = assistant.ask("whats the kpi 4 the wildlife operation")
    assert not answer.abstained and answer.text.startswith("KPI: Operation and final report delivered [1]")
    assert assistant.answerer().read("is GCAP 4 the one on plastics?").gcap == "GCAP-4"  # a number there


def test_a_clipped_field_word_is_that_field(assistant):
    """ "prio B" is priority B, a filter, not a topic word that only some rows happen to use."""
    answer = assistant.ask("prio B actions for the CBC?")
    assert answer.text.startswith("4 action(s) match body in charge CBC, priority B:")
    assert assistant.answerer().read("resp team for the HS report?").text.startswith("responsible team")
    # a priority of "?" written in quotes is still that priority
    quoted = assistant.ask("which EC actions have priority “?”")
    assert quoted.text.startswith("1 action(s) match body in charge EC, priority ?:")


def test_british_and_american_spellings_meet():
    from assistant.words import key

    assert key("organise") == key("organized") == key("organizing")
    assert key("catalogue") == key("catalogs") and key("harmonise") == key("harmonized")
    assert key("operation") != key("operational")  # inflections only: derivations stay apart


def test_a_list_question_gets_every_row_not_the_top_k(assistant):
    answer = assistant.ask("What is EC in charge of?")
    assert answer.text.startswith("16 action(s) match body in charge EC:")
    assert len(answer.citations) == 16
    assert all("EC" in c.row.body_in_charge for c in answer.citations)


def test_a_date_asked_of_a_topic_several_rows_share_lists_them_with_their_dates(assistant):
    """Each row listed has its timeframe: "when" is not missing from a list of rows."""
    answer = assistant.ask("by when should the waste SOP be ready?")
    assert not answer.abstained and answer.route == "list"
    assert "timeframe: June 2024" in answer.text and answer.evidence.kind_missing == 0


def test_a_field_asked_of_no_action_in_particular_lists_every_row(assistant):
    """From a browser trial: "when are things due?" listed 26 rows chosen by closeness in
    meaning to a question naming no action (some undated, three dated ones left out)."""
    answer = assistant.ask("so when is stuff due?")
    rows = assistant.answerer().lib.rows
    assert answer.route == "list" and sorted(answer.subject["rows"]) == sorted(rows)
    assert answer.text.startswith(f"{len(rows)} action(s) match")
    assert "(timeframe: " in answer.text.splitlines()[1]


def test_a_field_asked_of_a_topic_lists_every_row_on_it(assistant):
    answer = assistant.ask("What are the KPIs for waste?")
    assert answer.route == "list" and len(answer.citations) >= 3
    rows = [c.row for c in answer.citations]
    assert all("waste" in f"{r.action} {r.topic} {r.objective} {r.kpi}".lower() for r in rows)
    assert all(f"KPI: {r.kpi}" in answer.text for r in rows)


def test_sections_and_objectives_by_their_titles(assistant):
    research = assistant.ask("whats in the research part of the plan?")
    assert {c.row.section.split(".")[0] for c in research.citations} == {"SP4"}
    # a title by a word derived from its own ("researchers" for Research), even one the
    # documents never use ("communication" for SP5 "Communicate")
    for question, section in (
        ("list what falls under the researchers' section", "SP4"),
        ("what is there in the communication section of the table?", "SP5"),
    ):
        answer = assistant.ask(question)
        assert answer.route == "list" and answer.text.split(":")[0].endswith(f"section {section}"), question
    revenue = assistant.ask("which actions support revenue collection")
    assert revenue.citations and all("SO2" in c.row.strategic_objectives for c in revenue.citations)
    # the table's topic column, when the question names it; without it, every action on waste
    rows = assistant.answerer().lib.rows.values()
    topic = assistant.ask("list the actions under the waste topic")
    assert topic.text.startswith("7 action(s) match topic Waste:")
    assert sorted(c.row.row for c in topic.citations) == sorted(r.row for r in rows if r.topic == "Waste")
    on_waste = assistant.ask("Which actions are on waste?")
    assert len(on_waste.citations) > len(topic.citations)
    # "in the annex table" says where to look, not what about; "Research" titles a section
    # (3 rows) and a topic (2): the column the question names
    research_topic = assistant.ask("which actions sit under the Research topic in the annex table?")
    assert sorted(c.row.row for c in research_topic.citations) == sorted(
        r.row for r in rows if r.topic == "Research"
    )


def test_a_list_about_two_topics_joined_by_and_or_or_lists_the_rows_about_either(assistant):
    rows = assistant.answerer().lib.rows.values()

    def about(*words):
        return {r.row for r in rows if any(w in f"{r.action} {r.topic} {r.objective}".lower() for w in words)}

    answer = assistant.ask("which actions are about the Basel convention or the Montreal protocol?")
    assert answer.route == "list" and {c.row.row for c in answer.citations} == about("basel", "montreal")
    both = assistant.ask("list the actions on the Basel convention and on wildlife")
    assert {c.row.row for c in both.citations} == about("basel", "wildlife")


def test_a_team_named_in_a_list_question_is_not_also_a_sections_title(assistant):
    # "Facilitation" names a team here; it is also a word of a strategic objective's title
    answer = assistant.ask("list everything the facilitation team is involved in")
    rows = assistant.answerer().lib.rows.items()
    team = sorted(i for i, r in rows if any("Facilitation" in t for t in r.responsible_team))
    assert answer.route == "list" and answer.subject["rows"] == team
    assert answer.text.startswith(f"{len(team)} action(s) match responsible team Facilitation:")


def test_the_wco_or_the_gcap_by_name_is_no_sections_title(assistant):
    """Their long forms say "Customs", a word of SP2's title ("Foster Customs cooperation") that
    half the documents use: it names no section. And a place or meeting the documents never
    name is what the question is about, not a title."""
    rows = assistant.answerer().lib.rows.items()
    rpu = sorted(i for i, r in rows if "RPU" in r.responsible_team)
    answer = assistant.ask("Every GCAP action the Research and Policy Unit has in the table")
    assert answer.route == "list" and answer.subject["rows"] == rpu and len(rpu) >= 4
    assert "section" not in answer.text.splitlines()[0]
    for question in (
        "Which WCO actions are planned for the Hamburg summit in Germany?",
        "list the WCO actions for COP32 in Addis",
    ):
        assert assistant.ask(question).abstained, question


def test_an_abbreviation_the_documents_never_use_reaches_the_phrase_it_abbreviates(assistant):
    """The documents write "Business Process Mapping" and "ozone depleting substances", never
    BPM or ODS; an abbreviation no phrase of theirs spells ("CBAM") stays a name they never use."""
    kpi = assistant.ask("What is the KPI of the waste BPM?")
    assert not kpi.abstained and kpi.citations[0].row.row == 3 and "KPI:" in kpi.text
    ods = assistant.ask("which body leads the ODS capacity building work?")
    assert not ods.abstained and "ozone depleting" in ods.citations[0].row.action.lower()
    assert assistant.ask("what does the plan say about CBAM?").abstained


def test_a_body_or_team_named_by_its_long_form_is_the_same_filter(assistant):
    # the documents spell out RPU and PTC; a delegate may use either name
    spelled = (("RPU", "the Research and Policy Unit"), ("PTC", "the Permanent Technical Committee"))
    for short, long in spelled:
        by_code = assistant.ask(f"what is {short} in charge of?")
        by_name = assistant.ask(f"what is {long} in charge of?")
        assert by_code.route == by_name.route == "list", (by_code.text, by_name.text)
        assert by_name.subject["rows"] == by_code.subject["rows"] and len(by_code.subject["rows"]) >= 4
        assert f" {short}:" in by_name.text.splitlines()[0]


def test_a_name_that_is_a_body_in_one_row_and_a_team_in_others_lists_both(assistant):
    """CBD is a body in charge of row 2 and the responsible team of nine rows: "what does CBD
    have a hand in" lists every row it is either in (not the one row it is in charge of, as it
    did); "the CBD team", "CBD is in charge of" only the one asked. The long form a delegate
    gives in brackets names CBD, not the section "Build capacity"."""
    from assistant.ingest.actions import ActionFilter, matches

    rows = assistant.answerer().lib.rows
    as_team = {i for i, r in rows.items() if matches(r, ActionFilter(team="CBD"))}
    as_body = {i for i, r in rows.items() if matches(r, ActionFilter(body="CBD"))}
    assert len(as_body) == 1 and len(as_team | as_body) == 9  # the case this test is about
    for question in (
        "which actions does CBD have a hand in?",
        "which actions does the Capacity Building Directorate (CBD) have a hand in?",
    ):
        answer = assistant.ask(question)
        assert answer.route == "list" and set(answer.subject["rows"]) == as_team | as_body, answer.text
        assert "body in charge or responsible team CBD" in answer.text.splitlines()[0]
        assert "section" not in answer.text.splitlines()[0]
    assert set(assistant.ask("what is the CBD team working on?").subject["rows"]) == as_team
    assert set(assistant.ask("which actions is CBD in charge of?").subject["rows"]) == as_body


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        ("What is the Enforcement Committee in charge of?", "16 action(s) match body in charge EC:"),
        ("what does the Enforcement Comittee own", "16 action(s) match body in charge EC:"),
        ("what is the CBD working on", "9 action(s) match body in charge or responsible team CBD:"),
        (
            "what does the Facilitation team have on its plate",
            "9 action(s) match responsible team Facilitation:",
        ),
        # the documents never spell TTA out: its rows, not "never spelled out"
        ("wat does the TTA team do", "3 action(s) match responsible team TTA:"),
        # a possessive, and the plan named by its title's words, which say where, not what about
        (
            "anything on the Enforcement Committee's plate in the green customs action plan?",
            "16 action(s) match body in charge EC:",
        ),
    ],
)
def test_a_body_or_team_asked_about_with_nothing_else_lists_its_rows(assistant, question, heading):
    """A body by words whose initials spell its code (the plan never spells EC out), and a
    question naming only a body or a team, whatever its verb: its rows, not a passage."""
    answer = assistant.ask(question)
    assert answer.route == "list" and answer.text.startswith(heading), answer.text[:200]


def test_what_a_body_is_and_what_it_did_are_not_its_rows(assistant):
    for question in ("what is the PTC?", "when was the plan adopted by the council?"):
        assert assistant.ask(question).route != "list", question


def test_a_row_asked_for_by_its_number_is_answered_from_that_row(assistant):
    """Citations and the Actions page label rows by number; staff ask by it."""
    owner = assistant.ask("who owns action 14?")
    assert owner.route == "field" and owner.citations[0].row.row == 14
    assert owner.text.startswith("Body in charge: PTC; responsible team: Facilitation [1].")
    kpi = assistant.ask("what's the KPI of row 33")
    assert kpi.text.startswith("KPI: Presentation of the study to the April 2023 PTC and PC [1].")
    missing = assistant.ask("row 99 priority?")
    assert missing.abstained and missing.text.startswith("The action table has no row 99.")
    # "action items" are the updates' GCAP numbering, not rows
    assert assistant.ask("which GCAP action items 5 and 6 are done").route != "field"


def test_actions_with_no_body_in_charge_are_listed_as_the_actions_page_filters_them(assistant):
    from assistant.ingest.actions import NOT_ASSIGNED, select

    rows = assistant.answerer().lib.rows
    unassigned = sorted(i for i, r in rows.items() if r in select(list(rows.values()), bodies=[NOT_ASSIGNED]))
    for question in (
        "which actions have no owner?",
        "which actions don't have a body in charge yet",
        "which rows have an empty owner cell",  # the cell, in the table's words
    ):
        answer = assistant.ask(question)
        assert answer.route == "list" and sorted(answer.subject["rows"]) == unassigned, answer.text[:200]
        assert answer.text.startswith(f"{len(unassigned)} action(s) match no body in charge named")


def test_a_hyphenated_word_is_read_by_the_parts_the_documents_use(assistant):
    styled = assistant.answerer().read("is the DEMETER-style operation on ozone top priority?")
    words = {w.text: w for w in styled.words}
    assert words["demeter"].how == "index" and "demeter-style" not in words
    assert styled.missing_names() == []  # DEMETER is in the documents
    # a name the documents never use stays a missing name when written into a compound
    based = assistant.answerer().read("what did the Bali-based team propose on ozone?")
    assert based.missing_names() == ["bali"]


def test_a_code_typed_with_a_space_is_read_as_the_documents_write_it(assistant):
    reading = assistant.answerer().read("which research workshop comes before cop 28?")
    words = {w.text: w for w in reading.words}
    assert words["cop28"].how == "index" and "28" not in words and "cop" not in words
    assert reading.missing_names() == []  # "28" alone is no number the documents never mention
    kept = {w.text for w in assistant.answerer().read("what is due in June 2024?").words}
    assert {"june", "2024"} <= kept  # a month and a year are not one code


def test_a_code_asked_without_its_number_is_any_of_the_numbered_codes(assistant):
    """ "the COP side event": the documents write COP28 and COP29, never COP alone, so COP
    is read as either, not as a name they never mention; COP31 still is one."""
    reading = assistant.answerer().read("what came out of the COP side event in Baku?")
    words = {w.text: w for w in reading.words}
    assert words["cop"].how == "clipped" and reading.missing_names() == []
    answer = assistant.ask("what came out of the COP side event in Baku?")
    assert not answer.abstained and "COP29" in answer.text
    assert assistant.answerer().read("what will customs do at COP31?").missing_names() == ["cop31"]


def test_how_much_before_an_adjective_asks_for_the_field_not_a_figure(assistant):
    """ "how much urgent is X, which priority?" is a delegate's "how urgent": a priority,
    a date or a status is never a count; a count of people is still a figure."""
    answer = assistant.ask("how much urgent is the wildlife trafficking operation, which priority it has?")
    assert not answer.abstained and answer.text.startswith("Priority: A [1]")
    assert answer.citations[0].row.row == 18
    people = assistant.ask("how many people work in the RPU?")
    assert people.abstained and people.evidence.kind_missing == 1


def test_overdue_lists_what_was_due_before_today(assistant):
    """ "overdue", "late", "behind schedule": the rows the plan dated before today, with any
    other filter the question names; a "why ... late?" still asks for a reason."""
    from datetime import date

    today = date.today()
    answer = assistant.ask("what's overdue for the Enforcement Committee?")
    dated = [r for r in assistant.actions() if "EC" in r.body_in_charge and r.due_end]
    due = [r.row for r in dated if r.due_end < today.isoformat()]
    assert answer.route == "list" and [c.row.row for c in answer.citations if c.kind == "action"] == due
    assert answer.text.startswith(
        f"{len(due)} action(s) match body in charge EC, due before {today.day} {today:%B %Y}:"
    )
    # the items the update calls delivered name no action: said, so "overdue" is read as dated
    last = answer.text.split("\n")[-1]
    assert last.startswith("The updates report GCAP-5, GCAP-6, GCAP-8, GCAP-20, GCAP-21, GCAP-27 as")
    assert answer.citations[-1].kind == "passage" and last.endswith(f"[{len(answer.citations)}]")
    behind = assistant.answerer().read("which actions are behind schedule?")
    assert behind.where.due_before == today.isoformat()
    reason = assistant.ask("why are some of the GCAP items running late?")
    assert reason.route != "list" and reason.citations[0].kind == "passage"


def test_a_complete_list_is_a_list_not_a_status(assistant):
    """ "the complete list" asks for every row, not for the completed ones; "full", "entire",
    "whole" and "already" say nothing of what is listed."""
    answer = assistant.ask("could I have the complete list of priority B actions")
    assert answer.text.startswith("18 action(s) match priority B:")
    entire = assistant.ask("the entire list of the CBC's actions, please")
    assert entire.text.startswith("7 action(s) match body in charge CBC:")


def test_actions_done_are_the_items_the_updates_call_delivered(assistant):
    """No row of the plan's table is linked to a delivered item: the items the updates list
    as delivered answer "which actions are finished?", not "no action matches"."""
    for question in ("which actions have been finished?", "what actions are done already?"):
        answer = assistant.ask(question)
        assert answer.route == "status-list" and not answer.abstained, question
        assert answer.text.startswith("The updates list 6 item(s) as delivered: GCAP-5,"), question


def test_a_count_is_a_figure_whatever_field_the_router_leans_to(assistant):
    """ "how many seats does each administration get?" is a count the row does not give, not
    its priority: only a question naming a priority, a date or a status waives the figure."""
    answer = assistant.ask("how many seats does each administration get on the ICCWC curriculum?")
    assert answer.abstained and answer.evidence.kind_missing == 1


def test_a_period_followed_by_date_is_a_due_date(assistant):
    """ "had a June 2024 date attached" names the month as "due in June 2024" does, even after a
    sentence of context whose words the documents never use."""
    message = (
        "We are lining up our own calendar with the WCO's so our experts are not double-booked. "
        "Which actions in the draft plan had a June 2024 date?"
    )
    assert assistant.ask(message).text.startswith("6 action(s) match due in June 2024:")


def test_how_much_someone_gives_asks_for_a_sum(assistant):
    """The row names Sida's project but no amount: "how much is Sida paying" is not answered
    by the row's priority, as if "how much" asked how important it is."""
    answer = assistant.ask("How much is Sida paying for the wildlife and forest logging projects?")
    assert answer.abstained and answer.evidence.kind_missing == 1


def test_who_was_the_official_asks_for_a_person(assistant):
    """The update says which country hosted the Baku side event, never which official."""
    answer = assistant.ask("who was the WCO official that opened the Baku side event?")
    assert answer.abstained and answer.evidence.kind_missing == 1
    body = assistant.ask("who is the official body in charge of the wildlife operation?")
    assert not body.abstained and body.text.startswith("Body in charge: EC")
    role = assistant.ask("who is the officer responsible for the waste SOPs?")  # a role: body, team
    assert not role.abstained and role.text.startswith(
        "The table names bodies and teams, not people. Body in charge: EC; responsible team: Compliance"
    )
    owner = assistant.ask("who owns the wildlife operation?")  # no person asked: no such sentence
    assert owner.text.startswith("Body in charge: EC; responsible team: Compliance")


def test_a_row_quoted_with_its_fields_answers_when(assistant):
    """A row given in a passage answer shows its timeframe, a date or not ("Following the
    Research workshop"): "when" is not missing from it."""
    answer = assistant.ask("the academia key topics thing, when's that due?")
    assert not answer.abstained and answer.citations[0].row.row == 34
    assert "timeframe: Following the Research workshop" in answer.text


def test_which_delegation_asks_for_a_country(assistant):
    answer = assistant.ask("which delegation proposed the eco-management and audit scheme?")
    assert answer.abstained and answer.evidence.kind_missing == 1


def test_a_country_the_documents_never_mention_is_evidence_of_its_own(assistant):
    """Counted apart from other missing names (codes, numbers, a reader's abbreviations),
    which are sometimes a variant of what the documents do say; a country never is."""
    answer = assistant.ask("did peru take part in the wildlife trafficking operation?")
    assert answer.abstained and answer.evidence.missing_countries == 1
    assert answer.evidence.missing_names == 0
    named = assistant.ask("were any workshops held in mozambique?")  # a country the plan names
    assert named.evidence.missing_countries == 0 and named.evidence.missing_names == 0
    named = assistant.ask("which workshops were planned for Lesotho?")
    assert not named.abstained and "Lesotho" in named.text


@pytest.mark.xfail(strict=True, reason="known loss: the nearest labelled question is unanswerable")
def test_a_country_the_plan_names_is_answered_though_a_neighbour_is_not(assistant):
    """Since set p joined dev, its unanswerable "What did Mozambique commit to do after its
    Basel and Montreal awareness workshop?" is this question's nearest labelled one, and the
    nearest-unanswered evidence refuses it (0.30 against a threshold of 0.34). Weighing the
    neighbours jointly with the words the answer leaves out mended it but refused two dev
    questions the probe answered: not kept."""
    named = assistant.ask("were any workshops held in mozambique?")
    assert not named.abstained and "Mozambique" in named.text
    assert named.evidence.missing_countries == 0


def test_the_index_knows_which_rows_only_their_words_tell_apart(assistant):
    """The plan's "Develop" and "Update the Enforcement Handbook ..." rows embed at 0.98; no
    other two rows of the table come as close."""
    lib = assistant.answerer().lib
    develop, update = (next(i for i, r in lib.rows.items() if r.row == n) for n in (10, 11))
    assert lib.twins(develop) == (update,) and lib.twins(update) == (develop,)
    others = [i for i in lib.rows if i not in (develop, update)]
    assert not any(lib.twins(i) for i in others)
    # so a question's own word decides between them, whatever a precedent says
    kpi = assistant.ask("what's the KPI of the handbook update?")
    assert kpi.citations[0].row.row == 11
    first = assistant.ask("kpi for developing the enforcement handbook")
    assert first.citations[0].row.row == 10


def test_what_a_question_sets_aside_is_not_its_topic(assistant):
    question = "who is writing the first version of the enforcement handbook (not the later update)?"
    words = {w.text for w in assistant.answerer().read(question).words}
    assert {"enforcement", "handbook"} <= words and "update" not in words and "later" not in words
    answer = assistant.ask(question)
    assert answer.citations[0].row.action.startswith("Develop the Enforcement Handbook")
    apart = assistant.answerer().read("apart from the definition, what else was suggested for the plan?")
    assert "definition" not in {w.text for w in apart.words}
    # and a row using it ranks below its twin that does not: the two handbook rows differ in
    # one word, and "the update" in the question pulled its meaning toward the row saying it
    original = assistant.ask("when is the Enforcement Handbook due, the original rather than the update?")
    assert original.text.startswith("Timeframe: June 2023 [1]") and original.citations[0].row.row == 10


def test_names_in_the_routers_examples_are_topic_words_in_a_question(assistant):
    # the examples say "the Policy Commission" for a body: in a question it is what is asked about
    reading = assistant.answerer().read("why did the policy commission ask for an action plan?")
    weights = {w.text: w.weight for w in reading.words}
    assert weights["policy"] > 0 and weights["commission"] > 0 and weights["ask"] == 0


@pytest.mark.parametrize(
    ("question", "heading", "after", "before"),
    [
        ("what is due before 2024?", "due by the end of 2023", "", "2024-01-01"),
        ("which actions have a june 2024 deadline", "due in June 2024", "2024-06-01", "2024-07-01"),
        ("list what's due dec 2023", "due in December 2023", "2023-12-01", "2024-01-01"),
    ],
)
def test_a_question_that_gives_dates_lists_what_falls_in_them(assistant, question, heading, after, before):
    """The dates a question names are a filter said in words, months shortened or not; a
    question that gives the dates asks what falls in them, not when something is due."""
    answer = assistant.ask(question)
    assert answer.route == "list" and heading in answer.text.split("\n")[0]
    due = [c.row.due_end for c in answer.citations]
    assert due and all(d and after <= d < before for d in due)


def test_a_question_that_asks_something_else_by_a_date_is_no_list(assistant):
    answer = assistant.ask("what cut in carbon emissions is the wco aiming for by 2030?")
    assert answer.route != "list"


def test_priority_words_mean_the_plans_scale(assistant):
    top = assistant.ask("which actions are top priority?")
    assert top.citations and {c.row.priority for c in top.citations} == {"A"}
    undecided = assistant.ask("which actions still have no priority decided?")
    assert undecided.citations and {c.row.priority for c in undecided.citations} == {"?"}
    # a negation a few words before, typed without its apostrophe; "a priority" is no priority A
    # and "dont" no misspelt "done"
    letter = assistant.ask("which actions dont have a priority letter yet?")
    assert letter.route == "list" and [c.row.row for c in letter.citations] == [
        c.row.row for c in undecided.citations
    ]


def test_the_tables_legend_says_what_its_codes_are(assistant):
    """The documents never spell ORG out, but the table's legend names it."""
    answer = assistant.ask("what does ORG stand for in the action table?")
    assert answer.route == "acronym" and "WCO improvement" in answer.text
    assert "ORG. WCO improvement" in answer.citations[0].quote
    assert assistant.ask("what does EC stand for?").abstained  # neither spelt out nor in a legend


def test_a_why_question_is_answered_from_passages(assistant):
    answer = assistant.ask("how did the plan come about?")
    assert not answer.abstained and answer.citations[0].kind == "passage"


def test_a_question_in_french_is_told_the_documents_are_english(assistant):
    answer = assistant.ask("Quelle équipe s'occupe des procédures pour les envois de déchets ?")
    assert answer.route == "language" and "French" in answer.text and "English" in answer.text
    assert "not in these documents" not in answer.text


def test_the_documents_words_count_as_english_so_the_detector_is_seldom_asked(assistant, monkeypatch):
    """Codes and names the documents use ("SECO", "GTFP", "Lesotho") are English here: such a
    question is answered without the language detector (about 20 ms a question)."""
    from assistant.answer import language

    asked = []
    detector = language._detector()
    monkeypatch.setattr(language, "_detector", lambda: asked.append(1) or detector)
    assert assistant.ask("SECO GTFP funding GCAP-2 Lesotho Mozambique?").route != "language"
    assert asked == []
    assert (
        assistant.ask("Quelle équipe s'occupe des procédures pour les envois de déchets ?").route
        == "language"
    )
    assert asked == [1]


def test_a_message_closing_or_opening_on_what_an_abbreviation_is_asks_it_spelled_out(assistant):
    """From set v: "... for the AP region — what is CCF?" listed the AP region's row, and
    "BBA — who are they?" was refused; "... what is the KPI?" still asks for the KPI."""
    ccf = assistant.ask("The row on the AP region says it is under CCF. What is CCF?")
    assert ccf.route == "abstain" and ccf.text.startswith("The documents use CCF but never spell it out")
    geoat = assistant.ask("GEOAT - what is that?")
    assert geoat.text.startswith("GEOAT stands for Gender Equality Organizational Assessment Tool")
    kpi = assistant.ask("the study on the circular economy, when is it done, what is the KPI?")
    assert kpi.text.startswith("KPI: ")


def test_an_acronym_the_documents_never_spell_out_is_not_guessed(assistant):
    answer = assistant.ask("What does EC stand for?")
    assert answer.abstained and answer.text.startswith("The documents use EC but never spell it out")
    # cited where it appears, so a reader can check; an acronym they never use, they do not mention
    assert "it appears in [1]" in answer.text and answer.citations
    assert all("EC" in c.row.body_in_charge for c in answer.citations if c.row is not None)
    made_up = assistant.ask("what does ZQXW stand for?")
    assert made_up.abstained and made_up.text.startswith("The documents do not mention ZQXW.")
    spelled = assistant.ask("What does MEA stand for?")
    assert not spelled.abstained and "Multilateral Environmental Agreements" in spelled.text
    # asked to spell it out, next to words that would otherwise list the table's rows
    in_the_table = assistant.ask("what does CBC stand for in the action table?")
    assert in_the_table.abstained and in_the_table.text.startswith("The documents use CBC but never spell")
    # "the full name of", and "mean" said of an abbreviation, ask the same, next to any words
    for question, code in (
        ("full form of CCF in the capacity building KPI?", "CCF"),
        ("and what does ICCWC mean, in the wildlife trafficking action?", "ICCWC"),
        ("SAFEWG = ? the group on the SAFE pillar 3 guidelines", "SAFEWG"),
    ):
        answer = assistant.ask(question)
        assert answer.abstained, question
        assert answer.text.startswith(f"The documents use {code} but never spell it out"), question
    # asked after another answer, it is still its own question, not a follow-up of that one
    listed = assistant.ask("what is the TTA team responsible for?")
    after = assistant.ask("TTA = ? which unit is it", [listed])
    assert after.abstained and after.text.startswith("The documents use TTA but never spell")
    full = assistant.ask("what's the PTC's full name?")
    assert not full.abstained and full.text.startswith("PTC stands for Permanent Technical Committee")


def test_a_document_named_that_never_uses_the_topic_says_it_does_not_mention_it(assistant):
    """From a helper: "any news on it in the 2025 update?" after the Enforcement Handbook
    quoted an unrelated paragraph of the update, which never mentions the handbook."""
    handbook = assistant.ask("tell me about the enforcement handbook")
    news = assistant.ask("anything new on it in the 2025 status update?", [handbook])
    assert news.abstained and "does not mention handbook" in news.text
    alone = assistant.ask("is the enforcement handbook in the 2025 update at all?")
    assert alone.abstained and "does not mention handbook" in alone.text
    # a topic the update does use is answered from it
    tool = assistant.ask("what does the 2025 update say about the self-assessment tool?")
    assert not tool.abstained and tool.citations[0].doc == "green-customs-status-update-2025.txt"


def test_a_gcap_item_found_by_its_words_gets_its_card_as_by_its_code(assistant):
    """Delegates name an item by what it is about, not its number: the listing alone would
    not say how it is doing; its card does (status, consolidation, the plan's row)."""
    answer = assistant.ask(
        "in the status update, how is the item on sharing best practice with other organisations doing?"
    )
    assert answer.route == "gcap" and answer.text.startswith("GCAP-26: “Contribute to collective efforts")
    assert "Status: in progress" in answer.text and "within the scope of GCAP-2" in answer.text


def test_an_item_the_update_only_counts_among_the_delivered_says_so(assistant):
    """GCAP-5 is a number in "the 6 items (GCAP's 5, 6, 8, ...)": its status leads, and the
    answer says that is all, rather than leaving a delegate to wonder what it is."""
    answer = assistant.ask("what was GCAP-6 about?")
    assert answer.route == "gcap" and answer.text.startswith("Status: delivered")
    assert answer.text.endswith("no matching row in the plan's table.")
    listed = assistant.ask("what is GCAP-19?")  # an item with an entry and a row: no such line
    assert "say nothing more" not in listed.text


def test_a_gcap_question_gives_the_item_its_status_and_its_likely_row(assistant):
    answer = assistant.ask("What about GCAP-19?")
    assert answer.route == "gcap"
    assert answer.text.startswith("GCAP-19: “Develop guidelines on facilitation measures")
    assert "Status: in progress" in answer.text
    kinds = [(c.kind, c.paragraph) for c in answer.citations]
    assert kinds[0] == ("passage", "GCAP-19") and kinds[-1] == ("action", "row 14")
    # a field only the plan's row has leads, from the row, marked as the likely match; the
    # owner and the status stay the card's (the update's own words)
    kpi = assistant.ask("whats the KPI for GCAP-19")
    assert kpi.text.startswith("KPI: Guidelines on facilitation measures for return-refill containers")
    assert "most likely the same (matched by wording)" in kpi.text.splitlines()[0]
    assert kpi.citations[0].kind == "action" and "[1]" in kpi.text.splitlines()[0]
    assert assistant.ask("who is responsible for gcap 19").text.startswith("GCAP-19: “Develop")


def test_whether_an_action_is_finished_is_answered_by_its_status_first(assistant):
    """From a browser trial: "is the wildlife operation finished?" gave the plan's date, and a
    sceptic read it as done. Whether a state is reached leads with the status, or says the
    updates give none; the row's date follows."""
    row = assistant.ask("is the waste SOP work complete?")
    assert row.text.startswith("Status: no status in the updates [1]")
    assert row.citations[0].row.action.startswith("Develop standard operating procedures for waste")
    item = assistant.ask("has GCAP-19 been delivered yet?")
    assert item.route == "gcap" and item.text.startswith("Status: in progress")
    # "which items are folded into GCAP-2?" leans to status too, but asks what, not whether
    folded = assistant.ask("which other items are being folded into gcap 2?")
    assert not folded.text.startswith("Status:")


def test_a_gcap_item_named_does_not_answer_what_the_documents_never_say_of_it(assistant):
    """A question naming an item the updates list is decided on the evidence like any other:
    the documents give no sum for GCAP-2, though its card mentions SECO's interest."""
    pledged = assistant.ask("What's the exact amount in Swiss francs that SECO pledged for GCAP-2?")
    assert pledged.abstained and pledged.route == "abstain"
    answered = ("what is GCAP-19 about?", "who is responsible for GCAP-6?", "What's the status of GCAP-21?")
    for question in answered:
        answer = assistant.ask(question)
        assert answer.route == "gcap" and not answer.abstained, question


def test_a_why_question_is_led_by_a_sentence_that_gives_a_reason(assistant):
    """Without any answered question to lean on, "why ...?" prefers, among sentences about as
    relevant, one saying why (here "mainly dependent on the availability of funding")."""
    answerer = assistant.answerer()
    kept = answerer.precedents
    answerer.precedents = kept.without(np.ones(len(kept.anchors), bool))
    try:
        answer = assistant.ask("why are the remaining action items delayed?")
    finally:
        answerer.precedents = kept
    assert answer.route == "passage"
    assert "dependent on the availability of funding and resources" in _flat(answer.text.split("[1]")[0])


def test_a_question_asking_more_than_an_items_card_leads_with_the_sentence_that_answers(assistant):
    # the card (the item, its status, what it absorbs) says nothing of the concept note
    presented = assistant.ask("what went to the technical committee about the GCAP-2 tool?")
    assert presented.route == "gcap"
    first = presented.text.splitlines()[0]
    assert first.startswith("“Regarding GCAP-2, the Concept Note") and first.endswith("[1]")
    assert presented.citations[0].quote.startswith("Regarding GCAP-2, the Concept Note")
    assert "GCAP-2: “Develop, together with Members" in presented.text  # the card follows
    # of the card's own parts, the one the question asks about comes first
    absorbed = assistant.ask("which items are being merged into GCAP-2?")
    assert "GCAPs 3, 18, 25 and 26 within the scope of GCAP-2" in absorbed.text.splitlines()[0]
    # a question about the item itself keeps the card's order
    card = assistant.ask("who handles GCAP 18?")
    assert card.text.startswith("GCAP-18: “Carry out a stocktaking exercise")


@pytest.mark.parametrize(
    "question",
    [
        "How do I reset my CENcomm password?",
        "Who is the Secretary General of the WCO?",
        "What is the deadline for GCAP-45?",
        "When is COP31?",
        "which countries have ratified the Baku Declaration?",  # asks for countries; none cited
        "what did kenya propose at the PTC?",  # a country the documents never mention, lower case
        "who chaired the PTC session that endorsed the draft plan?",  # asks for a person; none named
        "what budget in euros does the plan give the GNC utility blocks?",  # a row by its words, no sum
    ],
)
def test_unanswerable_questions_abstain_with_the_closest_passages(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained
    assert "not" in answer.text and ("these documents" in answer.text or "do not mention" in answer.text)
    assert answer.citations and "The closest passages are [1]" in answer.text


def test_a_where_question_the_documents_give_no_place_for_abstains(assistant):
    held = assistant.ask("where was the green customs global conference held?")
    assert held.abstained and held.evidence.kind_missing == 1
    cop = assistant.ask("where was COP29 held?")
    assert not cop.abstained and "held in Baku" in cop.text.split("[1]")[0]


def test_a_yes_no_question_about_one_action_is_no_list_of_what_shares_its_date(assistant):
    answer = assistant.ask("was the circular economy study due in June 2023?")
    assert answer.route != "list" and [c.row.row for c in answer.citations] == [33]
    assert "June 2023" in answer.text
    # asking whether there are any, or to be shown them, is asking for the list
    assert assistant.ask("are there actions due in June 2023?").route == "list"
    assert assistant.ask("is anything due in June 2023?").route == "list"


def test_a_claim_to_check_is_answered_with_the_row_it_is_about(assistant):
    """ "Am I correct that ..." checks a claim about one action: the row's own owners, not a
    list of what the body the claim names is in charge of."""
    answer = assistant.ask("am I correct that only CBD organises the Lesotho workshops?")
    assert answer.route == "field" and [c.row.row for c in answer.citations] == [20]
    # "only CBD" does not hold where CBC is in charge too: the verdict, then why
    assert answer.text.startswith("No. Body in charge: CBC; responsible team: CBD [1]")
    held = assistant.ask("the wildlife operation is priority A, is that right?")
    assert held.text.startswith("Yes. Priority: A [1]") and held.citations[0].row.row == 18
    wrong = assistant.ask("is it true that the plastic waste joint plan is due in 2024?")
    assert wrong.text.startswith("No. Timeframe: June 2023 [1]") and wrong.citations[0].row.row == 15
    right = assistant.ask("is it true that the plastic waste joint plan is due in June 2023?")
    assert right.text.startswith("Yes. Timeframe: June 2023 [1]") and right.citations[0].row.row == 15
    # two dates are two claims, perhaps about two rows: no one verdict
    both = assistant.ask(
        "is it true that the plastic waste joint plan is due June 2023 and the workshop June 2024?"
    )
    assert not both.text.startswith(("Yes.", "No."))
    # a question that is no claim gets no verdict
    assert assistant.ask("what priority does the wildlife operation have?").text.startswith("Priority: A [1]")


def test_a_filter_with_no_topic_beside_it_lists_its_rows(assistant):
    """From a browser trial: "list the high priority actions" quoted the PTC's invitation,
    the router leaning (0.52) to a priority question. No topic word, no one action: the rows."""
    answer = assistant.ask("list the high priority actions")
    assert answer.route == "list" and answer.text.startswith("11 action(s) match priority A")
    # the rows by another of their names, and "every", are not what the rows are about
    items = assistant.ask("every priority B item, thanks")
    assert items.route == "list" and items.text.startswith("18 action(s) match priority B")


def test_rows_a_date_chooses_are_no_answer_to_which_country(assistant):
    """A list chosen by a filter is the answer to "which actions ...", not to a question
    asking for something no column holds: that one is weighed like any other answer."""
    listed = assistant.ask("which actions fall due in April 2024?")
    assert listed.route == "list" and not listed.abstained
    hosted = assistant.ask("which country will host the workshops due in April 2024?")
    assert hosted.abstained and hosted.evidence.kind_missing == 1


def test_which_administrations_asks_for_members_by_name(assistant):
    """A Customs administration is a Member, in the WCO's words: "which administrations"
    is answered by a text naming countries, and refused by a row that names none."""
    piloting = assistant.ask("which administrations will pilot the self-assessment tool?")
    assert piloting.abstained and piloting.evidence.kind_missing == 1
    hosting = assistant.ask("Which administrations hosted the awareness workshops on Basel and Montreal?")
    assert not hosting.abstained and "Lesotho and Mozambique" in hosting.text.split("[1]")[0]


def test_countries_named_as_a_group_answer_which_countries_unless_asked_within_it(assistant):
    """From a browser trial: the Sida rows are "for SADC and EAC countries", an answer to which
    countries are trained; not to which SADC countries, which the documents never list."""
    trained = assistant.ask("which countries get training under the sida project")
    assert not trained.abstained and "SADC and EAC countries" in trained.text
    within = assistant.ask("which SADC countries took part in the Sida project?")
    assert within.abstained and within.evidence.kind_missing == 1


def test_who_pays_is_answered_by_a_payer_never_by_the_body_in_charge(assistant):
    """The table's body in charge runs an action; it is not said to pay for it. Only the update
    names a would-be payer, for GCAP-2, and that sentence leads, ahead of the item's card
    (which a "who" question otherwise puts first for the Secretariat's owner)."""
    for question in (
        "who pays for the waste SOPs?",
        "who's financing the wildlife work under the INAMA project?",
    ):
        assert assistant.ask(question).abstained, question
    payer = assistant.ask("who'd be paying for the GCAP-2 work, then?")
    assert not payer.abstained
    assert "SECO-WCO Global Trade Facilitation Programme" in payer.text.split("[1]")[0]
    # named by what it does, not by its code: the router's lean to an owner counts for nothing
    described = assistant.ask("who pays for developing the self-assessment tool?")
    assert not described.abstained and "interest in funding" in described.text.split("[1]")[0]
    # the owner is still the card's line
    owner = assistant.ask("who is responsible for GCAP-2?")
    assert (
        owner.text.split("[1]")[0].startswith("GCAP-2:") and "Responsible: CBD" in owner.text.split("[1]")[0]
    )


def test_a_body_named_alone_is_no_answer_to_who_chairs_it(assistant):
    """A body's rows answer what it does, not who chairs it or which Member proposed
    something: no column holds a person or a country."""
    rows = assistant.ask("what does the Enforcement Committee do in the plan?")
    assert rows.route == "list" and rows.text.startswith("16 action(s) match body in charge EC")
    chair = assistant.ask("who is the chair of the Enforcement Committee these days?")
    assert chair.abstained and chair.evidence.kind_missing == 1
    member = assistant.ask("which Member came up with the idea of standards under the SAFE Framework?")
    assert member.abstained and member.evidence.kind_missing == 1


def test_countries_asked_for_are_answered_where_a_row_names_them(assistant):
    answer = assistant.ask("which countries hosted the Basel Convention awareness workshops?")
    assert not answer.abstained and "Lesotho and Mozambique" in answer.text
    assert answer.evidence.kind_missing == 0


def test_a_passage_answer_leads_with_the_sentence_that_answers(assistant):
    answer = assistant.ask("Who initiated informal consultations with the Brussels-based attachés?")
    first = answer.text.split(". ")[0]
    assert "the EU initiated informal consultations" in first, answer.text
    # in a delegate's words: the paragraph that tells it outranks the one-line footnote that
    # names the attachés (a short passage of generic words is no better an answer for it)
    informal = assistant.ask("who kicked off the informal talks with the brussels attaches, and when?")
    assert "in February 2023 the EU initiated informal consultations" in informal.text.split(" [1]")[0]


@pytest.mark.parametrize(
    "question", ["What is the PTC?", "What is the PTC invited to do with the Declaration?"]
)
def test_a_sentence_the_documents_repeat_is_quoted_once(assistant, question):
    # both documents open with what the PTC is invited to do, the update twice
    answer = assistant.ask(question)
    pieces = [re.sub(r"\W+", " ", p).lower().strip() for p in re.split(r" \[\d+\] ?", answer.text) if p]
    assert len(pieces) == len(set(pieces)), answer.text
    assert not any(a != b and a in b for a in pieces for b in pieces), answer.text


def test_a_sentence_the_documents_say_again_in_other_words_is_quoted_once(assistant):
    """The update's summary and its paragraph 12 say nearly the same of the Declaration."""
    answer = assistant.ask("What does the 2025 update say about the Baku Declaration?")
    assert answer.text.count("the endorsement of the PTC will be sought") == 1, answer.text
    # and the sentence naming the items just listed is not prefixed with them again
    delivered = assistant.ask("which GCAP items are delivered already?")
    first, second = delivered.text.split("\n")[:2]
    assert first.startswith("The updates list 6 item(s) as delivered: GCAP-5,")
    assert second.startswith("“Of these")
    # asked of the update without saying "items", the same
    so_far = assistant.ask("what has been delivered so far, according to the 2025 update?")
    assert so_far.route == "status-list" and so_far.text.startswith("The updates list 6 item(s) as delivered")


@pytest.mark.xfail(strict=True, reason="known loss: the nearest labelled question is unanswerable")
def test_a_question_worded_like_unanswerable_ones_but_answered_is_answered(assistant):
    """The update asks the PTC to endorse the Declaration (the Baku Declaration), but three dev
    questions, worded within 0.90-0.95 of this one, ask whether it did, which it does not say:
    the nearest-unanswered evidence, which took test answerable abstentions from 4 in 95 to 1,
    refuses this one. A reader telling "is asked to" from "did" would mend it."""
    answer = assistant.ask("Is the PTC asked to endorse the Baku Declaration?")
    assert not answer.abstained and "endorse the Declaration of the Customs Co-" in answer.text


def test_the_decision_to_answer_is_a_calibrated_probability(assistant):
    answered = assistant.ask("Who initiated informal consultations with the Brussels-based attachés?")
    refused = assistant.ask("When is COP31?")
    assert answered.confidence > refused.confidence
    assert refused.evidence.missing_names >= 1  # a name the documents never mention weighs against


def test_a_question_pointing_back_with_words_of_its_own_leans_on_the_rows_just_given(assistant):
    """Too many words of its own to be a field of the last answer, but "for it" still says
    which rows it is about: they lean as far as an identical labelled question would."""
    first = assistant.ask("What is planned for COP28?")
    assert {c.row.row for c in first.citations} == {32, 35}
    drafted = assistant.ask("who drafts the WCO paper for it?", [first])
    assert drafted.citations[0].row.row == 35 and "responsible team: RPU" in drafted.text


def test_a_question_pointing_back_at_a_passage_leans_on_it(assistant):
    """ "it" is the survey just quoted: its paragraph gives the cut-off date, though other
    paragraphs speak of sending things back and of dates."""
    first = assistant.ask("the green customs survey members got in March 2025, what was it called?")
    assert "WCO Survey on Green Customs initiatives" in first.text
    deadline = assistant.ask("and what date did replies to it close on?", [first])
    assert not deadline.abstained and "deadline of 31 March 2025" in deadline.text.split("[1]")[0]


def test_that_opening_a_relative_clause_points_at_nothing_said_before(assistant):
    before = assistant.ask("what did canada push for at the PTC?")
    listed = assistant.ask("show every action that involves the Basel Convention", [before])
    alone = assistant.ask("show every action that involves the Basel Convention")
    assert listed.route == "list" and listed.text == alone.text


def test_follow_ups_resolve_against_the_previous_turn(assistant):
    first = assistant.ask("Who owns the return-refill guidelines?")
    second = assistant.ask("And when is it due?", [first])
    assert second.text.startswith("Timeframe: TBD [1]")
    assert second.citations[0].row.row == 14
    terse = assistant.ask("by when?", [first])  # a few words naming nothing lean on the last answer
    assert terse.route == "follow-up" and terse.text.startswith("Timeframe: TBD [1]")
    # what a chat opens and closes with is no topic: "ok", "thanks", "pls"
    chatty = assistant.ask("ok thanks, and the deadline for it pls?", [first])
    assert chatty.route == "follow-up" and chatty.text.startswith("Timeframe: TBD [1]")
    # nor is a vague noun standing for one: "stuff", "thing" (a helper was refused the first)
    vague = assistant.ask("who is responsible for the plastic waste stuff?")
    assert not vague.abstained and {c.row.row for c in vague.citations} == {15, 16, 23}
    alone = assistant.ask("how did the plan come about?", [first])  # a question of its own
    assert alone.route != "follow-up"
    third = assistant.ask("What is its KPI?", [first, second])
    assert third.text.startswith(
        "KPI: Guidelines on facilitation measures for return-refill containers and packaging adopted"
    )
    gcap = assistant.ask("What is GCAP-2 about?")
    funded = assistant.ask("Who offered to fund it?", [gcap])
    assert "Global Trade Facilitation Programme (GTFP)" in funded.text


def test_words_that_ask_for_a_passage_are_what_the_question_is_about_where_the_documents_use_them(
    assistant,
):
    """ "examples" routes to a passage, and it is also what the delegates' sentence gives."""
    answer = assistant.ask("which examples of greening customs administrations did PC delegates mention?")
    assert "electric cars" in answer.text and "solar energy" in answer.text
    reading = assistant.answerer().read("tell me about the examples delegates gave")
    topic = {w.text for w in reading.topic}
    assert {"examples", "delegates"} <= topic and "tell" not in topic  # the documents never say "tell"


def test_a_word_that_asks_for_another_field_is_what_a_plain_question_is_about(assistant):
    """ "KPIs" asks for a KPI; in "who's doing the green KPIs?" it names the action asked about."""
    answer = assistant.ask("who's doing the green KPIs?")
    assert answer.route == "field"
    assert answer.text.startswith("Body in charge: TBD; responsible team: PMM team")
    # a question the router reads no one way keeps its asking words out of its topic
    working = assistant.ask("what is the CBD working on")
    assert working.route == "list" and working.text.startswith("9 action(s) match")


def test_the_document_a_question_names_is_where_it_is_answered_not_what_it_is_about(assistant):
    """ "the 2025 update" and "the 2025 document" pick the document; their words are no topic."""
    gcap = assistant.ask("What does the 2025 update say about GCAP-2?")
    assert gcap.route == "gcap" and gcap.text.startswith("GCAP-2:")  # not the survey "of 2025"
    asked = assistant.ask("What is the PTC asked to do in the 2025 document?")
    assert asked.citations and {c.doc for c in asked.citations} == {"green-customs-status-update-2025.txt"}
    # the plan's rows are not what the update says, however close the row
    said = assistant.ask("What did the 2025 update say about the waste SOPs?")
    assert said.route in ("passage", "abstain")
    assert {c.doc for c in said.citations} == {"green-customs-status-update-2025.txt"}
    listed = assistant.ask("in the 2025 update, what's said about the self assessment tool?")
    assert listed.route == "passage" and listed.citations[0].doc == "green-customs-status-update-2025.txt"
    plan = assistant.ask("Which actions in the 2023 draft plan are priority A?")
    assert plan.route == "list" and len(plan.citations) > 5


def test_a_follow_up_on_a_gcap_item_is_led_by_the_items_sentence_that_answers(assistant):
    gcap = assistant.ask("What is GCAP-2?")
    paid = assistant.ask("has anyone said they would pay for it?", [gcap])
    assert paid.route == "follow-up"
    assert "SECO-WCO Global Trade Facilitation Programme" in paid.text.splitlines()[0]
    shown = assistant.ask("what was presented to the committee on it?", [gcap])
    lead = shown.text.splitlines()[0]
    assert "Concept Note" in lead and "245th/246th Sessions" in lead
    # "who's got it" asks who is responsible ("got" is no topic word): the card's line leads
    stocktaking = assistant.ask("Tell me about GCAP-3")
    holder = assistant.ask("who's got it in the Secretariat these days?", [stocktaking])
    assert holder.route == "follow-up" and holder.subject["gcap"] == "GCAP-3"
    assert "Responsible: CBD" in holder.text.splitlines()[0]


def test_a_follow_up_picks_one_of_the_rows_just_listed_by_its_words(assistant):
    """ "the regional workshop one" is the listed row that uses both words ("one" refers back),
    not the Inter-Regional workshop elsewhere in the table."""
    listed = assistant.ask("list the actions on plastic waste")
    assert listed.route == "list" and len(listed.subject["rows"]) > 1
    when = assistant.ask("the regional workshop one - when is it?", [listed])
    assert when.route == "follow-up" and when.citations[0].row.row == 16
    assert when.text.startswith("Timeframe: May 2023")


def test_a_follow_up_to_a_list_by_place_or_about_another_team(assistant):
    """From a helper trying the app: "the first one" is the first row listed; "what about
    Facilitation?" after TTA's rows asks the same of Facilitation (none of TTA's rows is
    Facilitation's), and is no empty list."""
    listed = assistant.ask("Which priority-A actions are due in 2023?")
    first = assistant.ask("who is in charge of the first one?", [listed])
    assert first.route == "follow-up" and first.subject["rows"] == listed.subject["rows"][:1]
    assert first.text.startswith("Body in charge:")
    last = assistant.ask("and the last one, when is it due?", [listed])
    assert last.subject["rows"] == listed.subject["rows"][-1:] and last.text.startswith("Timeframe:")
    tta = assistant.ask("What is TTA responsible for?")
    other = assistant.ask("what about Facilitation?", [tta])
    rows = assistant.answerer().lib.rows.items()
    team = sorted(i for i, r in rows if any("Facilitation" in t for t in r.responsible_team))
    assert not other.abstained and sorted(other.subject["rows"]) == team
    # a filter that narrows what was listed still does, even to nothing
    narrowed = assistant.ask("which of those are led by the Capacity Building Directorate?", [tta])
    assert narrowed.abstained and narrowed.text.startswith("No action")
    # said of those, not of the whole table (a helper read "No action matches" as the plan's)
    assert narrowed.text.endswith(f"among the {len(tta.subject['rows'])} just listed.")
    # and words asked of the rows just listed keep the ones that use them
    wildlife = assistant.ask("what does section SP3 hold?")
    ids = wildlife.subject["rows"]
    about = assistant.ask("and which ones are about wildlife?", [wildlife])
    expected = [i for i in ids if "wildlife" in assistant.answerer().lib.row_items[i].text.lower()]
    assert about.route == "follow-up" and about.subject["rows"] == expected and len(expected) > 1


def test_a_follow_up_opening_a_conversation_asks_what_it_refers_to(assistant):
    """From a helper: after "Clear the conversation", "and when is it due?" quoted unrelated
    passages. With nothing before it, a question that only points back asks what it means."""
    for question in ("and when is it due?", "who owns it?", "what about that one?"):
        answer = assistant.ask(question)
        assert answer.abstained and answer.route == "clarify" and "nothing was asked before" in answer.text
    # "this plan" names its own subject; a question with words of its own is answered or refused
    assert assistant.ask("what is this plan about?").route != "clarify"
    assert assistant.ask("and the waste SOPs, who owns them?").route != "clarify"
    # after a question, the same words are a follow-up
    row = assistant.ask("Who owns the return-refill guidelines?")
    assert assistant.ask("and when is it due?", [row]).route == "follow-up"


def test_a_list_question_of_its_own_is_not_read_against_the_previous_answer(assistant):
    """ "that" in "everything that was due" refers to nothing before it: a list question picking
    actions by a date or a priority names its own subject, unless there is a list to narrow."""
    row = assistant.ask("Who owns the return-refill guidelines?")
    due = assistant.ask("Everything that was due in December 2023?", [row])
    assert due.route == "list" and due.text.startswith("4 action(s) match due in December 2023")
    marked = assistant.ask("Can you list every action that's marked priority A?", [row])
    assert marked.route == "list" and marked.text.startswith("11 action(s) match priority A")
    listed = assistant.ask("Which actions does the Compliance team have?")
    narrowed = assistant.ask("and which of those are priority A?", [listed])
    assert narrowed.route == "follow-up" and narrowed.text.startswith("4 action(s)")
    assert {c.row.row for c in narrowed.citations} < {c.row.row for c in listed.citations}
    # after a list, a list of its own is still its own; "which of those" narrows the last one
    after_list = assistant.ask("Everything that was due in December 2023?", [marked])
    assert after_list.route == "list" and after_list.text.startswith("4 action(s) match due in December 2023")
    led = assistant.ask("which of those are led by the Policy Commission?", [marked, after_list])
    assert led.route == "follow-up"
    assert led.text.startswith("2 action(s) match body in charge Policy Commission")
    assert {c.row.row for c in led.citations} < {c.row.row for c in after_list.citations}


def test_a_follow_up_asks_for_the_kind_of_thing_its_own_words_ask_for(assistant):
    """A place was asked before; the follow-up asks what was adopted, and needs no place."""
    where = assistant.ask("Where was COP29 held?")
    adopted = assistant.ask("and what was adopted on its sidelines?", [where])
    assert not adopted.abstained and "Baku Declaration on Green Customs" in adopted.text.split("[1]")[0]


def test_a_follow_up_is_weighed_against_questions_like_its_own_words(assistant):
    """Whether the PTC endorsed the Baku Declaration is not in the documents, and the labelled
    questions near it say so; what the committee is invited to do with it is. The follow-up is
    compared with the labelled questions as they were: by its own words."""
    endorsed = assistant.ask("did the PTC endorse the Baku declaration?")
    invited = assistant.ask("what is the committee invited to do with it then?", [endorsed])
    assert not invited.abstained and "endorse the Declaration" in invited.text.split("[1]")[0]


def test_a_follow_up_after_an_abstention_still_follows_what_was_asked(assistant):
    """The documents do not say who designed the survey, but they do give its deadline."""
    unknown = assistant.ask("Who designed the 2025 green customs survey?")
    assert unknown.abstained
    deadline = assistant.ask("and when was the deadline?", [unknown])
    assert deadline.route == "follow-up" and "31 March 2025" in deadline.text.split("[1]")[0]
    # what the documents say nothing of stays unanswered when followed up
    weather = assistant.ask("What is the weather in Brussels?")
    assert assistant.ask("and tomorrow?", [weather]).abstained
    missing = assistant.ask("What is the deadline for GCAP-45?")
    assert missing.abstained and assistant.ask("who owns it?", [missing]).abstained


def test_a_lead_pointing_back_comes_with_the_sentence_it_points_to(assistant):
    """ "This resulted in the development of the GCAP ..." alone leaves a reader asking what
    "this" is: the sentence before it in its paragraph comes first; "It was suggested that"
    points at nothing and leads alone."""
    answer = assistant.ask("how many concrete items ended up in the GCAP?")
    lead = answer.text.split("[1]")[0]
    assert lead.startswith("The decision to devise an action plan") and "40 concrete action items" in lead
    _quotes_are_verbatim(answer)
    suggested = assistant.ask("apart from pinning down the definition, what else was suggested for the plan?")
    assert suggested.text.startswith("It was suggested that the future Action Plan")


def test_passage_answers_quote_their_passages_verbatim(assistant):
    for question in load_questions(split="dev"):
        if question.scored_as_answerable and not question.history:
            _quotes_are_verbatim(assistant.ask(question.question))


def test_the_evaluation_on_the_test_split_holds_its_measured_level(assistant):
    """A regression guard at the level measured when the answers were rebuilt (README)."""
    figures, _ = report(assistant, load_questions(split="test"))
    test = figures["test"]
    assert test["questions"] >= 100 and test["unanswerable"] >= 15
    # measured with precedents and the nearest-unanswered evidence; before them in brackets
    # then 0.874 and 0.895 with sets j and k in dev
    assert test["answer accuracy"] >= 0.86  # measured 0.853, 0.842 after a refit, 0.863 (0.800)
    assert test["hit@1"] >= 0.86  # measured 0.853, then 0.863 and 0.884 with sets j, k in dev (0.768)
    # measured 0.021 (2 of 95), 0.032 (3 of 95) with the passage examples' words as topic, then
    # 0.042 (4 of 95) after the refit with set j in dev (which answered one more right), 0.021
    # with set k: the goal
    assert test["answerable abstained"] <= 0.05  # (0.042 before precedents)
    assert test["abstention recall"] >= 0.88  # measured 0.941, 16 of 17 (0.824)
    assert test["other language named"] == 1.0
    assert test["worse after another"] <= 0.03  # measured 0.029, 3 of 105 asked after another
    assert test["hit@1"] > test["naive dense hit@1"] and test["hit@1"] > test["naive BM25 hit@1"]


@pytest.mark.parametrize(
    "name, accuracy, abstained",
    [
        ("delegates-r", 0.95, 0.05),  # measured 1.0 and 0.0 at 59296c2
        ("delegates-s", 0.86, 0.05),  # 0.903 and 0.0
        ("delegates-t", 0.72, 0.15),  # 0.758 and 0.097: long and two-part questions refused
        ("delegates-u", 0.78, 0.15),  # 0.823 and 0.097
        ("delegates-v", 0.72, 0.10),  # 0.758 and 0.032 at 6bc3f67
    ],
)
def test_a_held_out_set_is_scored_as_its_own_split(assistant, name, accuracy, abstained):
    """eval/held_out/ holds fresh sets kept out of dev (eval/merge_sets.py says why): `eval`
    reports each apart, and each holds (within a few questions) the level last measured."""
    held_out = load_questions(DEFAULT_QUESTIONS.parent / "held_out" / f"{name}.jsonl", split="all")
    figures, _ = report(assistant, held_out, baseline=False)
    assert list(figures) == ["held-out"] and figures["held-out"]["questions"] == 80
    assert figures["held-out"]["answer accuracy"] >= accuracy
    assert figures["held-out"]["answerable abstained"] <= abstained


def test_ask_json_reads_questions_from_stdin_in_order(built):
    corpus, index = built
    env = {**os.environ, "ASSISTANT_CORPUS": str(corpus), "ASSISTANT_INDEX": str(index)}
    questions = ["What is Green Customs?", "Who owns the return-refill guidelines?", "What is the weather?"]
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "--json", "-"],
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=True,
    )
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    for line in lines:
        assert {"question", "answer", "abstained", "citations"} <= set(line)
        for citation in line["citations"]:
            assert {"kind", "doc", "title", "page", "section", "text", "score"} <= set(citation)
    assert lines[1]["citations"][0]["kind"] == "action"
    assert lines[1]["citations"][0]["responsible_team"] == ["Facilitation"]
    assert [line["abstained"] for line in lines] == [False, False, True]
    assert lines[1]["citations"][0]["label"] == "action table, row 14"


def test_tuning_fits_on_dev_only_and_writes_where_it_is_told(assistant, tmp_path):
    """`assistant tune`: the router and the abstention refit from the dev split alone."""
    import json

    from assistant.answer.abstention import Calibration, Evidence
    from assistant.answer.router import Router
    from assistant.tooling.tuning import fit_abstention, fit_router

    dev = load_questions(split="dev")
    assert dev and all(q.split == "dev" for q in dev)
    router_path, abstention_path = tmp_path / "router.json", tmp_path / "abstention.json"
    fit_router(assistant, dev, router_path)
    router = Router(assistant.embedder.fingerprint, router_path)
    for question, route in [
        ("who is looking after the plastic workshop", "owner"),
        ("by when will the handbook be ready", "when"),
        ("what does RPU stand for", "acronym"),
    ]:
        vector = assistant.embedder.encode([question])[0]
        probabilities = router.probabilities(question, vector)
        assert max(probabilities, key=probabilities.get) == route, (question, probabilities)
    fitted = fit_abstention(assistant, dev, abstention_path)
    assert fitted["features"] == Evidence.names() and 0 < fitted["threshold"] < 1
    calibration = Calibration(abstention_path)
    near = Evidence(0.7, 1.0, 0.0, 0.0, 0.0, 0.0)
    far = Evidence(0.1, 0.0, 1.0, 1.0, 2.0, 1.0)
    assert calibration.probability(near) > calibration.threshold > calibration.probability(far)
    assert json.loads(abstention_path.read_text())["fitted_on"]["unanswerable"] >= 20
    # the labelled dev questions are kept beside the weights; a question asking for a detail
    # plans do not give lies nearer to unanswerable ones than a question about an owner does
    assert (tmp_path / "abstention-examples.npy").is_file()
    labelled = Calibration(abstention_path, assistant.embedder.fingerprint)
    detail, owner = assistant.embedder.encode(
        ["how much money did the plastic waste workshop cost", "who is in charge of the waste procedures"]
    )
    near_detail, near_owner = labelled.neighbours(detail), labelled.neighbours(owner)
    assert near_detail["alike_unanswered"] > near_owner["alike_unanswered"]
    other_model = Calibration(abstention_path, "another-model").neighbours(detail)
    assert other_model == {"alike_unanswered": labelled.prior, "nearest_unanswered": 0.0}


def test_a_question_worded_unlike_any_answered_one_still_finds_what_answered_it(assistant, tmp_path):
    """Precedents: the dev questions asking how the draft was put together were answered by the
    passage saying what it was based on; a delegate's new wording of that question is too, though
    another passage shares more of its words."""
    from assistant.answer.precedents import Precedents
    from assistant.tooling.tuning import fit_precedents

    question = "where did the secretariat get the actions in the first draft from?"
    assert question not in {q.question for q in load_questions(split="all")}
    answer = assistant.ask(question)
    assert "on the basis of the activities already planned" in _flat(answer.citations[0].text)
    assert assistant.answerer().read(question).precedent.items  # it leaned on an answered question
    # tune keeps them beside the other weights, by the model that embedded them
    path = tmp_path / "precedents.json"
    fitted = fit_precedents(assistant, load_questions(split="dev"), path)
    assert fitted["questions"] >= 150 and (tmp_path / "precedents.npy").is_file()
    kept = Precedents.load(assistant.answerer().items_by_id, assistant.embedder.fingerprint, path)
    vector = assistant.answerer().read(question).vector
    assert kept.nearest(vector) == assistant.answerer().precedents.nearest(vector)


def test_explain_says_which_answered_question_an_answer_leaned_on(assistant, capsys):
    """`ask --explain` shows the precedent: how strongly, and to which passages or rows."""
    from assistant.cli import _explain

    question = "where did the secretariat get the actions in the first draft from?"
    _explain(assistant, question, assistant.ask(question))
    err = capsys.readouterr().err
    lean = r"^precedent: strength 0\.\d\d, leans to “The draft Green Customs action plan"
    assert re.search(lean, err, re.M)
    assert "nearest_unanswered" in err and "P(answered)" in err


def test_a_gcap_items_sentences_are_embedded_once_not_for_every_question(assistant, monkeypatch):
    """Every question about GCAP-2 weighs the sentences that name it; the second embeds only
    its own words."""
    lib = assistant.answerer().lib
    encoded: list[str] = []
    encode = lib.embedder.encode

    def counting(texts, *args, **kwargs):
        encoded.extend(texts)
        return encode(texts, *args, **kwargs)

    monkeypatch.setattr(lib.embedder, "encode", counting)
    first = assistant.ask("who offered to fund GCAP-2?")
    sentences = len(encoded)
    encoded.clear()
    again = assistant.ask("who offered to fund GCAP-2?")
    assert again.text == first.text
    assert sentences > 3 and len(encoded) <= 2, encoded  # the question (and its codes), no sentence


def test_a_gcap_question_asking_a_detail_leads_with_the_sentence_answered_questions_quoted(assistant):
    """Answered questions about who funds GCAP-2 quoted the sentence naming the programme; a
    new wording is led by it, though the item's own card is closer in meaning to "GCAP-2". A
    precedent never lifts the card itself: "what went to the technical committee about the
    GCAP-2 tool?" is nearest "What is GCAP-2 about?", and still leads with the concept note
    (test_a_question_asking_more_than_an_items_card_leads_with_the_sentence_that_answers)."""
    question = "is somebody funding GCAP-2?"
    assert question not in {q.question for q in load_questions(split="all")}
    answer = assistant.ask(question)
    assert answer.route == "gcap"
    assert answer.text.startswith("“Following this, the SECO-WCO Global Trade Facilitation Programme (GTFP)")
    assert assistant.ask("what is GCAP-2 about?").text.startswith("GCAP-2: “Develop, together with Members")


def test_abstention_weights_are_read_by_the_evidence_they_name(tmp_path):
    """Evidence added after a fit weighs nothing until `assistant tune` refits, so tune can run;
    evidence the fit weighed but no longer gathered is said, naming the file and the remedy."""
    import json

    from assistant.answer.abstention import Calibration, Evidence

    names = Evidence.names()
    older = tmp_path / "abstention.json"
    older.write_text(
        json.dumps(
            {"features": names[:-1], "coef": [1.0] * (len(names) - 1), "intercept": 0.0, "threshold": 0.5}
        )
    )
    calibration = Calibration(older)
    assert calibration.coef.tolist() == [1.0] * (len(names) - 1) + [0.0]
    evidence = Evidence(*[0.5] * len(names))
    assert calibration.probability(evidence) == calibration.probability(
        Evidence(*[0.5] * (len(names) - 1), **{names[-1]: 9.0})
    )
    renamed = tmp_path / "renamed.json"
    renamed.write_text(
        json.dumps(
            {
                "features": [*names, "gone"],
                "coef": [1.0] * (len(names) + 1),
                "intercept": 0.0,
                "threshold": 0.5,
            }
        )
    )
    with pytest.warns(UserWarning, match=r"renamed\.json.*gone.*assistant tune"):
        Calibration(renamed)
