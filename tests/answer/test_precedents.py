"""Precedents: a question close in meaning to an answered dev question leans to what answered it."""

import json

import numpy as np

from assistant.answer.precedents import FLOOR, Precedents
from assistant.ingest.items import Item


def _item(id_, text, kind="passage"):
    return Item(kind=kind, doc="plan", ordinal=id_, page=1, section="", paragraph="", text=text, id=id_)


ITEMS = {
    1: _item(1, "The draft plan was developed on the basis of the\nactivities already planned."),
    2: _item(2, "Resource constraints may be preventing progress."),
    3: _item(3, "Develop a handbook on waste", kind="action"),
    4: _item(4, "GCAP-2: Develop the activities already planned", kind="status"),
}
ANCHORS = [
    ["on the basis of the activities already planned"],
    ["Develop a handbook on waste"],
    ["not in any"],
]


def _unit(*values):
    v = np.zeros(4, dtype=np.float32)
    v[: len(values)] = values
    return v / np.linalg.norm(v)


def _precedents():
    return Precedents(np.vstack([_unit(1), _unit(0, 1), _unit(0, 0, 1)]), ANCHORS, ITEMS)


def test_the_nearest_answered_question_names_its_items_by_their_text():
    precedents = _precedents()
    # the same question: full strength, to the passage holding the quote (line breaks and
    # case aside), never to a status item that happens to hold it too
    assert precedents.prior(_unit(1)) == {1: 1.0}
    # a row's action finds the row
    assert precedents.prior(_unit(0, 1)) == {3: 1.0}
    # closer than the floor: in proportion to how much closer
    cosine = (1 + FLOOR) / 2
    halfway = _unit(cosine, np.sqrt(1 - cosine**2) / np.sqrt(2), 0, np.sqrt(1 - cosine**2) / np.sqrt(2))
    assert abs(precedents.prior(halfway)[1] - 0.5) < 1e-4


def test_nothing_is_said_when_no_answered_question_is_close_or_its_text_is_gone():
    precedents = _precedents()
    assert precedents.prior(_unit(0, 0, 0, 1)) == {}  # far from every labelled question
    assert precedents.prior(_unit(0, 0, 1)) == {}  # its anchor is in no item of this index
    assert precedents.prior(None) == {}
    # left out (as tuning does for a question's own fold), a precedent says nothing
    assert precedents.without(np.array([True, False, False])).prior(_unit(1)) == {}
    assert Precedents(None, [], ITEMS).prior(_unit(1)) == {}


def test_precedents_are_used_only_with_the_model_that_embedded_them(tmp_path):
    path = tmp_path / "precedents.json"
    vectors = np.vstack([_unit(1), _unit(0, 1), _unit(0, 0, 1)])
    np.save(tmp_path / "precedents.npy", vectors.astype(np.float16))
    path.write_text(json.dumps({"fingerprint": "model-a", "file": "precedents.npy", "anchors": ANCHORS}))
    assert Precedents.load(ITEMS, "model-a", path).prior(_unit(1)) == {1: 1.0}
    assert Precedents.load(ITEMS, "model-b", path).prior(_unit(1)) == {}
    assert Precedents.load(ITEMS, "model-a", tmp_path / "absent.json").prior(_unit(1)) == {}
