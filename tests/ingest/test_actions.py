"""Action rows: the shipped plan's reviewed register, PDF tables, queries and exports."""

import csv
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.exports import write_csv, write_xlsx
from assistant.index.build import build
from assistant.ingest.actions import (
    ActionFilter,
    load_register,
    matches,
    parse_timeframe,
    register_problems,
    source_priorities,
    table_text,
    write_register,
)
from assistant.ingest.documents import load_document
from assistant.ingest.tables import extract_rows
from assistant.ingest.timeframes import describe_due
from tests.conftest import PLAN, REGISTER
from tests.pdfs import action_table_pdf

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def plan_rows():
    return load_register(CORPUS / REGISTER, PLAN)


@pytest.fixture(scope="module")
def plan_table():
    return table_text([p.text for p in load_document(CORPUS / PLAN).pages])


def test_every_register_cell_occurs_in_the_plan(plan_rows, plan_table):
    assert register_problems(plan_rows, plan_table) == []


def test_the_register_has_one_row_per_action_of_the_plan(plan_rows, plan_table):
    # each action has exactly one priority cell (A, B or ?) in the source: 38 of them
    priorities = source_priorities(plan_table)
    assert len(priorities) == len(plan_rows) == 38
    assert [r.priority for r in plan_rows] == priorities


def test_the_check_catches_an_invented_or_reworded_cell(plan_rows, plan_table):
    from dataclasses import replace

    edited = list(plan_rows)
    edited[4] = replace(edited[4], action="Develop standard operating procedures for nuclear waste")
    edited[13] = replace(edited[13], body_in_charge=["WTO"])
    assert register_problems(edited, plan_table) == [
        "row 5, action: 'Develop standard operating procedures for nuclear waste' is not in the source text",
        "row 14, body_in_charge: 'WTO' is not in the source text",
    ]


# My own reading of the source table, field by field, for a dozen rows.
GROUND_TRUTH = {
    2: dict(
        strategic_objectives=["SO4"],
        topic="Greening the customs administrations",
        timeframe="TBD",
        priority="?",
        body_in_charge=["CBD", "EC", "PTC"],
        responsible_team=["CBD", "Compliance", "Facilitation"],
        kpi="Green Customs assessment tool presented at the CBD, EC and PTC",
    ),
    3: dict(
        timeframe="Autumn 2023 (PTC) June 2024 (Council)",
        priority="A",
        body_in_charge=["PTC", "EC"],
        responsible_team=["Facilitation", "Compliance"],
        due_start="2023-09-01",
        due_end="2024-06-30",
    ),
    5: dict(
        action="Develop standard operating procedures for waste consignments",
        timeframe="June 2024",
        priority="B",
        kpi="Standard operating procedures developed",
        body_in_charge=["EC"],
        responsible_team=["Compliance"],
        topic="Waste",
        inherited=["topic", "objective"],
    ),
    6: dict(
        section="SP1. Develop, maintain and implement instruments",
        body_in_charge=["SAFEWG", "PTC"],
        timeframe="Spring 2024 (PTC) June 2024 (PC and Council)",
        priority="B",
    ),
    12: dict(
        action="Develop Guidelines on “Environmentally safe storage and destruction of intellectual "
        "property infringing goods”",
        priority="A",
        body_in_charge=["CAP", "EC"],
        responsible_team=["Compliance"],
        topic="IPR, Health and Safety",
    ),
    14: dict(
        topic="Greening Trade",
        priority="?",
        timeframe="TBD",
        body_in_charge=["PTC"],
        responsible_team=["Facilitation"],
    ),
    15: dict(
        section="SP2. Foster Customs cooperation",
        strategic_objectives=["SO1", "SO2", "SO3"],
        timeframe="June 2023",
        priority="A",
        responsible_team=["Compliance", "Facilitation"],
    ),
    21: dict(
        topic="Disruptive technologies",
        body_in_charge=["EC", "PTC"],
        responsible_team=["Compliance", "Facilitation", "RILOs"],
        priority="B",
    ),
    25: dict(
        timeframe="Continuous activity of the Environment Programme",
        due_start=None,
        section="SP3. Build capacity",
        body_in_charge=["EC"],
    ),
    32: dict(
        section="SP4. Research",
        strategic_objectives=["ORG"],
        timeframe="December 2023",
        priority="A",
        body_in_charge=["Policy Commission"],
        responsible_team=["RPU"],
    ),
    34: dict(timeframe="Following the Research workshop on Customs and the environment", priority="?"),
    37: dict(
        section="SP5. Communicate",
        timeframe="Continuous (from FY23/24)",
        due_start="2023-07-01",
        due_end=None,
        body_in_charge=["All"],
        responsible_team=["All"],
    ),
    38: dict(
        body_in_charge=["None"],
        responsible_team=["Comm (for coordination, on the basis of information provided by Members)"],
    ),
}


@pytest.mark.parametrize("number", sorted(GROUND_TRUTH))
def test_ground_truth_rows_field_by_field(plan_rows, number):
    row = plan_rows[number - 1]
    assert row.row == number and row.id == f"green-customs-action-plan-draft-2023#{number}"
    assert row.doc == PLAN and row.page == 3
    for name, expected in GROUND_TRUTH[number].items():
        assert getattr(row, name) == expected, (number, name)


def test_an_empty_cell_is_recorded_empty_not_guessed(plan_rows):
    row4 = plan_rows[3]
    assert row4.body_in_charge == [] and row4.responsible_team == []
    assert "No body in charge" in row4.note


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TBD", (None, None)),
        ("Continuous", (None, None)),
        ("Ongoing", (None, None)),
        ("June 2024", ("2024-06-01", "2024-06-30")),
        ("Autumn 2023 (PTC) June 2024 (Council)", ("2023-09-01", "2024-06-30")),
        ("Spring 2024 (PTC) June 2024 (PC and Council)", ("2024-03-01", "2024-06-30")),
        ("June 2024 (operation dates restricted)", ("2024-06-01", "2024-06-30")),
        ("Continuous (from FY23/24)", ("2023-07-01", None)),
        ("February 2024", ("2024-02-01", "2024-02-29")),
        ("Dec. 2023", ("2023-12-01", "2023-12-31")),  # a revised plan may shorten its months
        ("Sept 2024 - Mar 2025", ("2024-09-01", "2025-03-31")),
    ],
)
def test_timeframes_are_kept_and_parsed(text, expected):
    assert parse_timeframe(text) == expected


@pytest.mark.parametrize(
    "after, before, words",
    [
        ("2024-06-01", "2024-07-01", "due in June 2024"),
        ("2023-01-01", "2024-01-01", "due in 2023"),
        ("2023-01-01", "2023-07-01", "due between January 2023 and June 2023"),
        (None, "2024-01-01", "due by the end of 2023"),
        (None, "2024-09-01", "due by the end of August 2024"),
        (None, "2024-01", "due by the end of 2023"),  # as the CLI takes it
        (None, "2026-11-25", "due before 25 November 2026"),  # a day: "overdue" is before today
        ("2024-12-31", None, "due after 2024"),
        ("2024-06-30", None, "due after June 2024"),
        ("2023-03-01", None, "due from March 2023"),
        ("soon", None, "due from soon"),
    ],
)
def test_a_due_date_filter_reads_as_words(after, before, words):
    assert describe_due(after, before) == words


def test_filters_are_case_insensitive_and_combine(plan_rows):
    def ids(**kwargs):
        return [r.row for r in plan_rows if matches(r, ActionFilter(**kwargs))]

    assert ids(body="ec") == ids(body="EC")
    assert 5 in ids(body="EC") and 14 not in ids(body="EC")
    assert ids(team="rilos") == [21, 30]
    assert ids(priority="a", due_before="2024-01") == [9, 15, 32, 33, 35]
    assert ids(so="so3", section="SP2") == [15, 16, 18, 21, 22]
    assert ids(text="return-refill") == [14]
    assert all(
        "waste" in (r.action + r.topic + r.objective + r.kpi).lower()
        for r in plan_rows
        if r.row in ids(text="WASTE")
    )
    assert ids(body="Policy Commission") == [17, 32, 34, 35]
    # the Actions page's words box: a word in another form, and the row's likely GCAP item
    assert ids(text="plastics") == ids(text="plastic") and len(ids(text="plastic")) >= 3
    from dataclasses import replace

    fourteen = next(r for r in plan_rows if r.row == 14)
    assert matches(replace(fourteen, gcap="GCAP-19"), ActionFilter(text="gcap-19"))


def test_exports_round_trip(plan_rows, tmp_path):
    from openpyxl import load_workbook

    write_csv(plan_rows, tmp_path / "rows.csv")
    with (tmp_path / "rows.csv").open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert len(lines) == 39 and lines[0][0] == "Id"
    assert lines[5][lines[0].index("Body in charge")] == "EC"
    write_xlsx(plan_rows, tmp_path / "rows.xlsx")
    sheet = load_workbook(tmp_path / "rows.xlsx").active
    assert sheet.max_row == 39
    action = [c.value for c in sheet[1]].index("Action") + 1
    assert sheet.cell(row=13, column=action).value.startswith("Develop Guidelines on “Environmentally")


def test_a_malformed_register_names_the_file_line_and_remedy(tmp_path):
    path = tmp_path / "plan.actions.csv"
    path.write_text("row,page,action\n1,3,Do things\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"plan.actions.csv: lacks the column\(s\) section"):
        load_register(path, "plan.txt")
    header = ",".join(
        [
            "row",
            "page",
            "section",
            "strategic_objectives",
            "topic",
            "objective",
            "action",
            "timeframe",
            "priority",
            "kpi",
            "body_in_charge",
            "responsible_team",
            "inherited",
            "note",
        ]
    )
    path.write_text(header + "\n1,3,SP1,SO1,T,O,A,TBD,High,K,EC,Team,,\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"line 2 has priority 'High'; use A, B, \? or leave it empty"):
        load_register(path, "plan.txt")


# ---------------------------------------------------------------- PDF tables

LONG = (
    "Develop and update Standard Operating Procedures on Safety, Storage and handling of hazardous "
    "waste and ozone depleting substances for SADC and EAC countries (Sida project)"
)


def _generated_groups():
    def row(i, topic, objective, priority, body="EC", team="Compliance\nFacilitation", action=None):
        return [
            f"SO{1 + i % 4}",
            topic,
            objective,
            action or f"Action {i}: develop guidelines on return-refill containers and waste",
            f"June {2023 + i % 3}",
            priority,
            f"KPI {i} delivered and presented",
            body,
            team,
        ]

    return [
        (
            "SP1. Develop, maintain and implement instruments",
            [row(i, "Waste", "Enhance knowledge of waste management", "A") for i in range(1, 5)],
        ),
        (
            "SP2. Foster Customs cooperation",
            [
                row(
                    i,
                    f"Topic {i}",
                    f"Objective {i}",
                    "B",
                    action=" ".join([LONG] * 3) if i % 4 == 0 else None,
                )
                for i in range(5, 25)
            ],
        ),
        (
            "SP3. Build capacity",
            [row(i, "Capacity", "Raise awareness", "?", body="CBC", team="CBD") for i in range(25, 36)],
        ),
    ]


def _field_accuracy(rows, groups):
    expected = [(section, cells) for section, group in groups for cells in group]
    fields = [
        "strategic_objectives",
        "topic",
        "objective",
        "action",
        "timeframe",
        "priority",
        "kpi",
        "body_in_charge",
        "responsible_team",
        "section",
    ]
    right = total = 0
    for row, (section, cells) in zip(rows, expected, strict=False):
        got = [
            " ".join(row.strategic_objectives),
            row.topic,
            row.objective,
            row.action,
            row.timeframe,
            row.priority,
            row.kpi,
            "; ".join(row.body_in_charge),
            "; ".join(row.responsible_team),
            row.section,
        ]
        want = [*cells[:6], cells[6].replace("\n", " "), cells[7], cells[8].replace("\n", "; "), section]
        right += sum(g == w for g, w in zip(got, want, strict=True))
        total += len(fields)
    total += len(fields) * abs(len(rows) - len(expected))  # a missing or extra row counts wrong
    return right / total


@pytest.mark.parametrize("repeat_header", [True, False])
def test_a_multi_page_pdf_table_is_extracted_field_for_field(tmp_path, repeat_header):
    import pdfplumber

    groups = _generated_groups()
    path = action_table_pdf(tmp_path / "plan.pdf", groups, repeat_header=repeat_header)
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) >= 3
        # the generated table really cuts rows at page breaks: some page starts with a row's rest
        text = [p.extract_text() for p in pdf.pages]
        starts = [t.split("\n")[2 if repeat_header else 0] for t in text[1:]]
        assert any(s.startswith(("(Sida", "of hazardous", "and ozone", "substances")) for s in starts)
    rows = extract_rows(path, "plan.pdf")
    assert len(rows) == 35
    assert _field_accuracy(rows, groups) == 1.0
    # merged topic/objective cells are carried down and marked
    assert rows[1].topic == "Waste" and rows[1].inherited == ["topic", "objective"]
    assert rows[0].inherited == []
    assert {r.page for r in rows} >= {1, 2, 3}


def test_a_pdf_without_an_action_table_has_no_rows(tmp_path):
    from tests.pdfs import text_pdf

    path = text_pdf(tmp_path / "note.pdf", [["1. Nothing tabular here."]])
    assert extract_rows(path, "note.pdf") == []


def test_extracted_rows_can_be_reviewed_as_a_register_and_rebuilt(
    tmp_path, corpus_dir, index_dir, fake_embedder
):
    from assistant import cli

    pdf = action_table_pdf(corpus_dir / "plan-2026.pdf", _generated_groups())
    assert cli.main(["register", str(pdf)]) == 0
    register = corpus_dir / "plan-2026.actions.csv"
    rows = load_register(register, "plan-2026.pdf")
    assert len(rows) == 35
    # staff correct a cell in a spreadsheet and rebuild: the register wins over extraction
    rows[0].body_in_charge = ["PTC"]
    write_register(rows, register)
    build(corpus_dir, index_dir, fake_embedder)
    from assistant.config import get_settings
    from assistant.engine import Assistant

    indexed = Assistant(get_settings(), embedder=fake_embedder).actions()
    assert len(indexed) == 35 and indexed[0].body_in_charge == ["PTC"]


@pytest.mark.parametrize(
    "value, named",
    [
        ("EC", True),
        ("Policy Commission", True),
        ("Council", True),
        ("SAFE WG", True),
        ("Committee of Experts", True),
        ("TBD", False),
        ("All", False),
        ("None", False),
        ("not given", False),
        ("In coordination with PTC", False),
        ("", False),
    ],
)
def test_a_body_in_charge_names_a_body_or_says_none_is_named(value, named):
    from assistant.ingest.actions import named_body

    assert named_body(value) is named


def test_the_body_filter_chooses_named_bodies_and_rows_that_name_none(plan_rows):
    from assistant.ingest.actions import NOT_ASSIGNED, bodies_of, select, teams_of

    # row 7 names CBC, and PTC to coordinate with: it is theirs, and not "not assigned";
    # its team cell "CBD in coordination with Facilitation" names two teams, not one
    seven = next(r for r in plan_rows if r.row == 7)
    assert bodies_of(seven) == ["CBC", "PTC"] and teams_of(seven) == ["CBD", "Facilitation"]
    offered = {b for r in plan_rows for b in bodies_of(r)}
    assert NOT_ASSIGNED in offered and not offered & {"TBD", "All", "None", "In coordination with PTC"}
    teams = {t for r in plan_rows for t in teams_of(r)}
    assert not any("coordination" in t or "(" in t for t in teams) and "Comm" in teams
    unnamed = select(plan_rows, bodies=[NOT_ASSIGNED])
    assert unnamed and all(bodies_of(r) == [NOT_ASSIGNED] for r in unnamed)
    assert seven in select(plan_rows, bodies=["CBC"]) and seven not in unnamed
    assert len(select(plan_rows, bodies=["EC"])) == 16


def test_the_actions_page_and_an_answer_choose_the_same_rows_for_a_body_or_a_team(plan_rows):
    """A delegate asking "what is PTC in charge of?" and staff filtering the Actions page on PTC
    see the same rows (they did not: 8 and 7, row 7 naming PTC to coordinate with)."""
    from assistant.ingest.actions import ActionFilter, bodies_of, matches, select, teams_of

    for body in {b for r in plan_rows for b in bodies_of(r)} - {"not assigned"}:
        assert select(plan_rows, bodies=[body]) == [
            r for r in plan_rows if matches(r, ActionFilter(body=body))
        ]
    for team in {t for r in plan_rows for t in teams_of(r)}:
        assert select(plan_rows, teams=[team]) == [
            r for r in plan_rows if matches(r, ActionFilter(team=team))
        ]
    assert len(select(plan_rows, bodies=["PTC"])) == 8 and len(select(plan_rows, teams=["Facilitation"])) == 9
