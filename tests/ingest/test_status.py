"""Status items (GCAP-n) from the updates, and their likely plan rows."""

import pytest

from assistant.config import get_settings
from assistant.engine import Assistant
from assistant.index.build import build
from assistant.ingest.actions import load_register
from assistant.ingest.documents import info_for, load_document, load_manifest
from assistant.ingest.status import extract_status_items, link
from tests.conftest import PLAN, REGISTER, UPDATE


@pytest.fixture
def items(seeded_corpus):
    manifest = load_manifest(seeded_corpus)
    document = load_document(seeded_corpus / UPDATE, info_for(seeded_corpus / UPDATE, manifest))
    found = extract_status_items(document)
    link(found, load_register(seeded_corpus / REGISTER, PLAN))
    return {item.code: item for item in found}


def test_listed_items_have_text_responsible_and_status(items):
    item = items["GCAP-19"]
    assert item.text == (
        "Develop guidelines on facilitation measures for return-refill containers and "
        "packaging (depending on available funding & resources)"
    )
    assert item.responsible == "Facilitation"
    assert item.status == "in progress"
    assert item.evidence.startswith("Action items in progress: Since the last PTC Sessions")
    assert item.doc == UPDATE and item.page == 2
    assert items["GCAP-25"].responsible == "Facilitation, in coordination with Compliance RILOs"
    assert items["GCAP-3"].responsible == "CBD (work already initiated by Facilitation)"


def test_delivered_and_consolidated_items_come_from_sentences(items):
    delivered = sorted(i.number for i in items.values() if i.status == "delivered")
    assert delivered == [5, 6, 8, 20, 21, 27]
    assert "successfully delivered" in items["GCAP-8"].evidence
    consolidated = sorted(i.number for i in items.values() if i.consolidated_into == "GCAP-2")
    assert consolidated == [3, 18, 25, 26]
    assert items["GCAP-26"].consolidation_evidence.startswith("Given the complementary nature")
    assert items["GCAP-2"].consolidated_into is None


def test_items_link_to_their_likely_plan_rows_with_a_score(items):
    expected = {"GCAP-2": 2, "GCAP-3": 13, "GCAP-18": 13, "GCAP-19": 14, "GCAP-25": 21, "GCAP-26": 22}
    for code, row in expected.items():
        assert items[code].link == f"green-customs-action-plan-draft-2023#{row}", code
        assert 0.25 <= items[code].link_score <= 1.0
    # the delivered items are named by number only: nothing to match, so no link is claimed
    assert items["GCAP-5"].link is None and items["GCAP-5"].link_score is None


def test_rows_take_gcap_and_status_from_the_index(seeded_corpus, index_dir, fake_embedder):
    build(seeded_corpus, index_dir, fake_embedder)
    assistant = Assistant(get_settings(), embedder=fake_embedder)
    rows = {r.row: r for r in assistant.actions()}
    assert (rows[14].gcap, rows[14].status) == ("GCAP-19", "in progress")
    assert (rows[2].gcap, rows[2].status) == ("GCAP-2", "in progress")
    assert rows[13].gcap == "GCAP-3"  # two items match row 13: the better score is shown
    assert rows[1].gcap is None and rows[1].status is None
    assert len(assistant.status_items()) == 12


def test_a_later_update_wins(seeded_corpus, index_dir, fake_embedder):
    (seeded_corpus / "manifest.toml").write_text(
        (seeded_corpus / "manifest.toml").read_text(encoding="utf-8")
        + '\n[[document]]\nfile = "update-2026.txt"\ntitle = "Status update 2026"\n'
        'date = "2026-03"\nkind = "status update"\n',
        encoding="utf-8",
    )
    (seeded_corpus / "update-2026.txt").write_text(
        "I. Status\n\n1. Delivered action items: GCAP’s 19 and 30 have been delivered.\n\n"
        "GCAP-19\nDevelop guidelines on facilitation measures for return-refill containers and\n"
        "packaging\n\nFacilitation\n",
        encoding="utf-8",
    )
    build(seeded_corpus, index_dir, fake_embedder)
    rows = {r.row: r for r in Assistant(get_settings(), embedder=fake_embedder).actions()}
    assert (rows[14].gcap, rows[14].status) == ("GCAP-19", "delivered")


def test_actions_cli_follows_the_contract(seeded_corpus, index_dir, fake_embedder, capsys, monkeypatch):
    import json

    from assistant import cli, engine
    from tests.conftest import FakeEmbedder

    monkeypatch.setattr(engine, "bundled_embedder", lambda backend=None: FakeEmbedder())
    assert cli.main(["build", "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["actions", "--json", "--body", "ec", "--priority", "a", "--due-before", "2024-01"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"].split("#")[1] for r in rows] == ["15"]
    assert list(rows[0])[:15] == [
        "id",
        "doc",
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
        "gcap",
        "status",
    ]
    assert cli.main(["actions", "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert len(everything) == 38
    assert cli.main(["actions", "--json", "--topic", "waste"]) == 0  # the topic column, whole
    waste = [r["id"] for r in json.loads(capsys.readouterr().out)]
    assert waste == [r["id"] for r in everything if r["topic"] == "Waste"] and len(waste) >= 5
