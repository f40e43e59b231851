"""Precedents: a question close in meaning to an answered dev question leans to what answered it."""

import json

import numpy as np

from assistant.answer.precedents import FLOOR, NONE, Precedents
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
    same = precedents.nearest(_unit(1))
    assert same.strength == 1.0 and same.items == {1}
    assert same.of(1) == 1.0 and same.of(2) == same.of(4) == 0.0
    # a row's action finds the row
    assert precedents.nearest(_unit(0, 1)).items == {3}
    # closer than the floor: in proportion to how much closer
    cosine = (1 + FLOOR) / 2
    halfway = _unit(cosine, np.sqrt(1 - cosine**2) / np.sqrt(2), 0, np.sqrt(1 - cosine**2) / np.sqrt(2))
    assert abs(precedents.nearest(halfway).of(1) - 0.5) < 1e-4


def test_nothing_is_said_when_no_answered_question_is_close_or_its_text_is_gone():
    precedents = _precedents()
    assert precedents.nearest(_unit(0, 0, 0, 1)) == NONE  # far from every labelled question
    assert precedents.nearest(_unit(0, 0, 1)) == NONE  # its anchor is in no item of this index
    assert precedents.nearest(None) == NONE
    # left out (as tuning does for a question's own fold), a precedent says nothing
    assert precedents.without(np.array([True, False, False])).nearest(_unit(1)) == NONE
    assert Precedents(None, [], ITEMS).nearest(_unit(1)) == NONE


def test_a_precedent_names_the_near_duplicates_of_what_answered_it_and_the_words_choose():
    twins = {3: (5,)}  # "Develop a handbook on waste" and "Update a handbook on waste"
    precedents = Precedents(
        np.vstack([_unit(1), _unit(0, 1), _unit(0, 0, 1)]), ANCHORS, ITEMS, twins=lambda i: twins.get(i, ())
    )
    assert precedents.nearest(_unit(0, 1)).items == {3, 5}
    assert precedents.nearest(_unit(1)).items == {1}  # an item without twins: itself


def test_the_conversations_rows_lean_besides_what_the_example_says_not_instead():
    from assistant.answer.precedents import Precedent

    leaning = Precedent(0.5, frozenset({1}), frozenset({1, 2}), 1.0)
    assert leaning.of(1) == 1.5 and leaning.of(2) == 1.0 and leaning.of(3) == 0.0
    assert leaning.named == {1, 2}
    assert Precedent(0.5, frozenset({1})).with_context(frozenset({2}), 1.0).of(2) == 1.0


def test_precedents_are_used_only_with_the_model_that_embedded_them(tmp_path):
    path = tmp_path / "precedents.json"
    vectors = np.vstack([_unit(1), _unit(0, 1), _unit(0, 0, 1)])
    np.save(tmp_path / "precedents.npy", vectors.astype(np.float16))
    path.write_text(json.dumps({"fingerprint": "model-a", "file": "precedents.npy", "anchors": ANCHORS}))
    assert Precedents.load(ITEMS, "model-a", path).nearest(_unit(1)).items == {1}
    assert Precedents.load(ITEMS, "model-b", path).nearest(_unit(1)) == NONE
    assert Precedents.load(ITEMS, "model-a", tmp_path / "absent.json").nearest(_unit(1)) == NONE


def test_what_a_precedent_names_is_weighed_even_when_the_search_ranks_it_low():
    """A row the search puts fourth is still a candidate when an answered question names it."""
    from assistant.answer.precedents import Precedent
    from assistant.answer.reading import Reading
    from assistant.answer.routes import candidates
    from assistant.answer.search import Hit

    rows = [Hit(_item(10 + n, f"action {n}", kind="action"), 0.03 - n / 1000, 0.5, None) for n in range(6)]
    plain = Reading("q", "q", [], {"passage": 1.0})
    assert [h.item.id for h in candidates(rows, plain, 3)] == [10, 11, 12]
    named = Reading("q", "q", [], {"passage": 1.0}, precedent=Precedent(0.5, frozenset({14})))
    assert [h.item.id for h in candidates(rows, named, 3)] == [10, 11, 12, 14]
