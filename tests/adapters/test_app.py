"""The Streamlit pages, driven by streamlit.testing.v1.AppTest with the real model and index."""

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from assistant.ingest import uploads

pytestmark = pytest.mark.slow
APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def live_index(real_index, monkeypatch):
    corpus, index = real_index
    monkeypatch.setenv("ASSISTANT_CORPUS", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(index))
    return corpus, index


@pytest.fixture
def own_index(real_index, tmp_path, monkeypatch):
    """A copy of the built corpus and index that a test may change."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(real_index[0], corpus, dirs_exist_ok=True)
    shutil.copytree(real_index[1], index)
    monkeypatch.setenv("ASSISTANT_CORPUS", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX", str(index))
    return corpus, index


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def _texts(at) -> str:
    """The Markdown the page shows, with its escapes resolved: the text a delegate reads."""
    return re.sub(r"\\(.)", r"\1", "\n".join(m.value for m in at.markdown))


def test_ask_answers_with_citations_and_follow_ups(live_index):
    at = _app()
    assert "What is Green Customs?" in [b.label for b in at.button]  # examples on an empty chat
    at.chat_input[0].set_value("Who owns the return-refill guidelines?").run()
    assert not at.exception
    assert "Body in charge: PTC; responsible team: Facilitation [1]" in _texts(at)
    labels = [re.sub(r"\\(.)", r"\1", e.label) for e in at.expander]
    assert labels[0].startswith("[1] Draft Green Customs Action Plan — action table, row 14")
    assert "What is Green Customs?" not in [b.label for b in at.button]  # examples gone
    at.chat_input[0].set_value("And when is it due?").run()
    assert "Timeframe: TBD [1]" in _texts(at)
    assert len(at.session_state["history"]) == 2


def test_a_cited_rows_card_says_blank_cells_and_leaves_out_what_the_updates_do_not_give(live_index):
    at = _app()
    at.chat_input[0].set_value("who is in charge of the DEMETER-style operation?").run()
    card = at.table[0].value  # row 19: no team, no timeframe, no GCAP item matched
    fields = dict(zip(card.index, card["Value"], strict=True))
    assert fields["Responsible team"] == "not given in the table"
    assert "Status" not in fields and "GCAP (likely match)" not in fields
    at.chat_input[0].set_value("who owns the return-refill guidelines?").run()
    fields = dict(zip(at.table[-1].value.index, at.table[-1].value["Value"], strict=True))
    assert fields["Status"] == "in progress" and fields["GCAP (likely match)"] == r"GCAP\-19"  # escaped


def test_a_list_of_rows_reads_as_a_list(live_index):
    at = _app()
    at.chat_input[0].set_value("What is EC in charge of?").run()
    shown = next(m.value for m in at.markdown if "action(s) match" in re.sub(r"\\(.)", r"\1", m.value))
    items = [line for line in shown.split("\n") if line.startswith("- ")]
    assert len(items) == 16 and all(line.startswith("- “") for line in items), shown[:300]


def test_an_example_question_is_answered_and_the_quote_highlighted(live_index):
    at = _app()
    next(b for b in at.button if b.label == "What is Green Customs?").click().run()
    assert "Green Customs refers to the measures" in _texts(at)
    assert any(":orange-background[Green Customs refers to" in m.value for m in at.markdown)


def test_an_abstention_says_so_and_lists_the_closest_passages(live_index):
    at = _app()
    at.chat_input[0].set_value("How do I reset my CENcomm password?").run()
    assert "This is not in these documents" in at.info[0].value
    assert "Closest passages" in [c.value for c in at.caption]
    assert len(at.expander) == 3


def test_actions_filters_and_exports(live_index):
    at = _app()
    at.switch_page("ui/actions.py").run()
    assert not at.exception
    assert at.caption[0].value.startswith("38 of 38 actions")
    body = next(m for m in at.multiselect if m.label == "Body in charge")
    body.set_value(["EC"]).run()
    assert at.caption[0].value.startswith("16 of 38 actions")
    priority = next(m for m in at.multiselect if m.label == "Priority")
    priority.set_value(["A"]).run()
    assert at.caption[0].value.startswith("5 of 38 actions")
    frame = at.dataframe[0].value
    assert len(frame) == 5 and set(frame["Priority"]) == {"A"}
    at.text_input[0].set_value("wildlife").run()
    assert at.caption[0].value.startswith("1 of 38 actions")
    at.text_input[0].set_value("wildife").run()  # a typo finds the row it meant, and says so
    assert at.caption[0].value.startswith("1 of 38 actions")
    shown = re.sub(r"\\(.)", r"\1", at.caption[0].value)
    assert "No action has the words “wildife”: showing “wildlife”." in shown
    at.text_input[0].set_value("zqxw").run()  # nothing near it: nothing shown, nothing claimed
    assert at.caption[0].value.startswith("0 of 38 actions") and "showing" not in at.caption[0].value
    assert [d.proto.label for d in at.get("download_button")] == ["Download CSV", "Download Excel"]


def test_documents_reader_opens_at_a_cited_passage(live_index):
    at = _app()
    at.switch_page("ui/documents.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2
    assert [s.label for s in at.selectbox] == ["Read", "Page"]


def test_admin_is_refused_without_a_token(live_index):
    at = _app()
    at.switch_page("ui/admin.py").run()
    assert "ASSISTANT_ADMIN_TOKEN" in at.warning[0].value
    assert not at.text_input and not at.get("file_uploader") and not at.button


def test_admin_with_token_previews_adds_and_rebuilds(own_index, monkeypatch):
    corpus, _ = own_index
    monkeypatch.setenv("ASSISTANT_ADMIN_TOKEN", "s3cret-token")
    at = _app()
    at.switch_page("ui/admin.py").run()
    at.text_input[0].set_value("wrong").run()
    assert at.error[0].value == "That token is not right."
    at.text_input[0].set_value("s3cret-token").run()
    assert at.get("file_uploader")
    # the browser's upload widget is exercised by the browser test; here the same server-side
    # function the page calls stages the file
    text = (
        "I. Progress\n\n1. The <b>Green</b> Customs **survey** <script>alert(1)</script> results "
        "were presented in 2026.\n"
    )
    uploads.stage(corpus, "../../update 2026\x07.txt", text.encode())
    at.run()
    assert [m.label for m in at.metric] == ["Pages", "Passages", "Action rows", "Status items"]
    assert at.metric[1].value == "1"
    next(b for b in at.button if b.label == "Add to the corpus").click().run()
    assert (corpus / "update-2026.txt").exists()
    assert "update\\-2026\\.txt is in the corpus" in at.success[0].value
    next(b for b in at.button if b.label == "Rebuild now").click().run()
    assert not at.exception
    assert "1 added" in at.success[0].value
    # running sessions pick up the new generation; its text is shown escaped, never as HTML
    at.switch_page("ui/ask.py").run()
    at.chat_input[0].set_value("What were the survey results presented in 2026?").run()
    answer = _texts(at)
    assert "<script>alert(1)</script>" in answer  # shown as the characters it is
    raw = "\n".join(m.value for m in at.markdown)
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in raw and "\\*\\*survey\\*\\*" in raw
