"""Fitting what answers learn, on the dev split only (`assistant tune`): the router (which kind
of answer a question asks for), the precedents (which passage or row answered each question)
and the calibrated abstention (whether the documents answer).

The test split is never read here: `assistant eval` reports it afterwards.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from ..answer.abstention import EXAMPLES as ABSTENTION_EXAMPLES
from ..answer.abstention import WEIGHTS as ABSTENTION_WEIGHTS
from ..answer.abstention import Evidence, alike_unanswered, nearest_unanswered
from ..answer.precedents import WEIGHTS as PRECEDENT_WEIGHTS
from ..answer.precedents import Precedents
from ..answer.router import EXAMPLES, ROUTES, Router, features_of, frame_keys, frame_text
from ..answer.router import WEIGHTS as ROUTER_WEIGHTS
from ..engine import Assistant
from .evaluation import Question, figures_of, run

# the route a dev question's kind asks for (follow-ups, GCAP items and unanswerable questions
# are routed by other means, so they teach the router nothing)
KIND_ROUTES = {
    "owner": "owner",
    "when": "when",
    "priority": "priority",
    "kpi": "kpi",
    "status": "status",
    "list": "list",
    "passage": "passage",
    "why-how": "passage",
}
# topics put in place of X in the examples, so that the router learns the frame, not the topic
FILLERS = ("the waste procedures", "the training workshop", "this action", "the survey")
FOLDS = 5  # routers fitted, each without a fifth of dev, to read the abstention's evidence
REFUSED_ON_DEV = 0.03  # share of answerable dev questions the threshold may refuse
DENSE_MARGIN = 0.05  # how far under the least similar answerable dev question the floor lies
REGULARISATION = 3.0  # inverse strength (C) of the logistic regressions' L2 penalty


def router_examples(dev: list[Question]) -> tuple[list[str], list[str]]:
    """Texts and routes: the written examples (X filled with several topics) and the dev split."""
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    texts, routes = [], []
    for route in ROUTES:
        for n, example in enumerate(data[route]):
            for filler in (FILLERS[n % len(FILLERS)], FILLERS[(n + 1) % len(FILLERS)]):
                texts.append(example.replace("X", filler).replace("Y", "goals"))
                routes.append(route)
    for question in dev:
        if question.kind in KIND_ROUTES and not question.history:
            texts.append(question.question)
            routes.append(KIND_ROUTES[question.kind])
    return texts, routes


def fit_router(assistant: Assistant, dev: list[Question], path: Path = ROUTER_WEIGHTS) -> dict:
    """Fit the router's two models (frame words alone; frame words and the embedding)."""
    from sklearn.linear_model import LogisticRegression

    texts, routes = router_examples(dev)
    reader = assistant.answerer().reader
    texts = [reader.codes_for_names(t) for t in texts]  # as the router reads a question
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    vocabulary = sorted(
        {k for route in ROUTES for example in data[route] for k in frame_keys(example.replace("X", " "))}
    )
    columns = {k: i for i, k in enumerate(vocabulary)}
    vectors = assistant.embedder.encode([frame_text(t) for t in texts])
    out = {"routes": list(ROUTES), "vocabulary": vocabulary, "examples": len(texts)}
    for name, dense in (("lexical", False), ("dense", True)):
        matrix = np.vstack([features_of(t, v, columns, dense) for t, v in zip(texts, vectors, strict=True)])
        model = LogisticRegression(C=REGULARISATION, max_iter=5000).fit(matrix, routes)
        order = [list(model.classes_).index(r) if r in model.classes_ else None for r in ROUTES]
        coef = [model.coef_[i].tolist() if i is not None else [0.0] * matrix.shape[1] for i in order]
        intercept = [float(model.intercept_[i]) if i is not None else -30.0 for i in order]
        out[name] = {"coef": coef, "intercept": intercept}
    out["dense"]["fingerprint"] = assistant.embedder.fingerprint
    path.write_text(json.dumps(out, separators=(",", ":")) + "\n", encoding="utf-8")
    return out


def precedent_data(
    assistant: Assistant, dev: list[Question]
) -> tuple[np.ndarray, list[list[str]], list[int]]:
    """Each answerable dev question's vector (as the answerer reads it), the texts that answer
    it (its quoted sentences, its rows' actions: a list's rows are a filter's, not one answer)
    and its place in dev."""
    answerer = assistant.answerer()
    vectors, anchors, places = [], [], []
    for n, question in enumerate(dev):
        if not question.scored_as_answerable or question.history:
            continue
        texts = list(question.quotes)
        if question.kind != "list":
            texts += [row.action for row in answerer.lib.rows.values() if row.row in question.rows]
        if texts:
            vectors.append(answerer.read(question.question).vector)
            anchors.append(texts)
            places.append(n)
    return np.vstack(vectors).astype(np.float32), anchors, places


def fit_precedents(assistant: Assistant, dev: list[Question], path: Path = PRECEDENT_WEIGHTS) -> dict:
    """Keep each answerable dev question's vector and the texts that answered it."""
    vectors, anchors, _ = precedent_data(assistant, dev)
    np.save(path.with_name(path.stem + ".npy"), vectors.astype(np.float16), allow_pickle=False)
    out = {
        "fingerprint": assistant.embedder.fingerprint,
        "file": path.stem + ".npy",
        "questions": len(anchors),
        "anchors": anchors,
    }
    path.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return out


def precedents_by_set(assistant: Assistant, dev: list[Question]) -> dict[str, dict[str, float]]:
    """Dev hit@1 and answer accuracy as a new set of questions meets the precedents: each
    source's questions (a set written by one hand) answered with the other sources'
    precedents, and with none."""
    vectors, anchors, places = precedent_data(assistant, dev)
    answerer = assistant.answerer()
    kept = answerer.precedents
    full = Precedents(vectors, anchors, answerer.lib.items_by_id, twins=answerer.lib.twins)
    sources = np.asarray([dev[n].source for n in places])
    asked = [q for q in dev if not q.other_language]  # told to ask in English, precedent or not
    found = {}
    try:
        for name in ("none", "others"):
            outcomes = []
            for question in asked:
                dropped = sources == question.source if name == "others" else np.ones(len(anchors), bool)
                answerer.precedents = full.without(dropped)
                outcomes += run(assistant, [question])
            figures = figures_of(outcomes)
            found[name] = {"hit@1": figures["hit@1"], "answer accuracy": figures["answer accuracy"]}
    finally:
        answerer.precedents = kept
    return found


def abstention_data(assistant: Assistant, dev: list[Question]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The evidence each dev question's answer was decided on, whether it is answerable, and
    the question's vector (as the answerer reads it), each read by a router fitted without it.

    The router learns from the dev questions themselves, so it is surer of them than of any
    question it has not seen, and so is every piece of evidence its routes shape (the answer's
    kind, its row, the date or figure it must give), and so are the precedents, where every
    dev question is its own. A new question is one neither has seen: the abstention is fitted
    on evidence gathered the same way (FOLDS routers and precedents, each without a fifth of
    dev), not on their memory of their own examples."""
    rows: list[tuple[int, np.ndarray, int, np.ndarray]] = []  # (place in dev, evidence, label, vector)
    answerer = assistant.answerer()
    kept, kept_precedents = answerer.reader.router, answerer.precedents
    vectors, anchors, places = precedent_data(assistant, dev)
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "router.json"
        for fold in range(FOLDS):
            fit_router(assistant, [q for n, q in enumerate(dev) if n % FOLDS != fold], path)
            answerer.reader.router = Router(assistant.embedder.fingerprint, path)
            # so are the precedents: a question is never its own
            answerer.precedents = Precedents(
                vectors, anchors, answerer.lib.items_by_id, twins=answerer.lib.twins
            ).without(np.asarray(places) % FOLDS == fold)
            try:
                rows += [(n, *_evidence(assistant, q)) for n, q in enumerate(dev) if n % FOLDS == fold]
            finally:
                answerer.reader.router, answerer.precedents = kept, kept_precedents
    rows = sorted((r for r in rows if r[1] is not None), key=lambda r: r[0])
    return (
        np.vstack([r[1] for r in rows]),
        np.asarray([r[2] for r in rows]),
        np.vstack([r[3] for r in rows]).astype(np.float32),
    )


def _evidence(assistant: Assistant, question: Question) -> tuple[np.ndarray | None, int, np.ndarray | None]:
    """The evidence a question's answer was decided on (None for routes decided without it:
    lists, another language), whether it is answerable, and its vector."""
    if question.other_language:
        return None, 0, None
    history = []
    for previous in question.history:
        history.append(assistant.ask(previous, history))
    answer = assistant.ask(question.question, history)
    if answer.evidence is None:
        return None, 0, None
    return (
        answer.evidence.vector(),
        int(question.answerable),
        assistant.answerer().read(question.question).vector,
    )


def fit_abstention(assistant: Assistant, dev: list[Question], path: Path = ABSTENTION_WEIGHTS) -> dict:
    """Fit P(answerable | evidence) and pick the threshold that catches every unanswerable dev
    question while refusing the fewest answerable ones."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    features, labels, vectors = abstention_data(assistant, dev)
    # each dev question's neighbours are the other dev questions (leave one out): at run time
    # a new question has all of them, but never itself
    unanswered = (1 - labels).astype(np.float32)
    alike, nearest = (Evidence.names().index(n) for n in ("alike_unanswered", "nearest_unanswered"))
    for i in range(len(labels)):
        others = np.arange(len(labels)) != i
        features[i, alike] = alike_unanswered(vectors[i], vectors[others], unanswered[others])
        features[i, nearest] = nearest_unanswered(vectors[i], vectors[others], unanswered[others])
    scaler = StandardScaler().fit(features)
    model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=5000)
    model.fit(scaler.transform(features), labels)
    # fold the scaling into the weights: the product computes coef @ x + intercept on raw values
    coef = model.coef_[0] / scaler.scale_
    intercept = float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scaler.scale_))
    probability = 1 / (1 + np.exp(-(features @ coef + intercept)))
    threshold = _threshold(probability, labels)
    refused = probability < threshold
    dense = features[:, Evidence.names().index("dense")]
    out = {
        "features": Evidence.names(),
        "coef": coef.tolist(),
        "intercept": intercept,
        "threshold": threshold,
        # a margin under the least similar answerable dev question: a floor, not a second model
        "dense_floor": float(dense[labels == 1].min() - DENSE_MARGIN),
        "fitted_on": {"questions": int(len(labels)), "unanswerable": int((labels == 0).sum())},
        "left_one_out": {
            "unanswerable caught": float(refused[labels == 0].mean()),
            "answerable refused": float(refused[labels == 1].mean()),
        },
        "examples": {
            "file": ABSTENTION_EXAMPLES.name,
            "fingerprint": assistant.embedder.fingerprint,
            "unanswered": unanswered.astype(int).tolist(),
        },
    }
    np.save(path.with_name(ABSTENTION_EXAMPLES.name), vectors.astype(np.float16), allow_pickle=False)
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return out


def _threshold(probability: np.ndarray, labels: np.ndarray) -> float:
    """The threshold that refuses every unanswerable question it can while refusing at most
    REFUSED_ON_DEV of the answerable ones (under the goal of one in twenty, for the margin a
    test split needs); halfway between neighbouring scores."""
    answerable = np.sort(probability[labels == 1])
    unanswerable = np.sort(probability[labels == 0])
    allowed = int(len(answerable) * REFUSED_ON_DEV)
    # the highest threshold that refuses no more than `allowed` answerable questions
    ceiling = answerable[allowed] if len(answerable) > allowed else 1.0
    caught = unanswerable[unanswerable < ceiling]
    top = caught.max() if len(caught) else ceiling / 2
    return float((top + ceiling) / 2)
