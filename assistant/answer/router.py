"""Which kind of answer a question asks for, learned from labelled examples rather than written
as one regular expression per phrasing.

A multinomial logistic regression over two kinds of evidence: the question's frame words (by
spelling key, from the labelled examples: "who", "deadline", "kpi", "stand"...) and the
question's embedding (the same model that searches). It is fitted by `assistant tune` on the
examples in data/route_examples.json and the dev split of the evaluation; the weights live in
data/router.json. With another embedding model (the tests' fake one) only the words count.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..words import TOKEN, fold, key

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = DATA / "route_examples.json"
WEIGHTS = DATA / "router.json"
ROUTES = ("owner", "when", "priority", "kpi", "status", "list", "acronym", "passage")
FIELDS = ("owner", "when", "priority", "kpi", "status")
_CONTRACTION = re.compile(r"(?i)\b(what|who|when|where|how|that|it|there)'?s\b")


def frame_text(question: str) -> str:
    """The question with contractions spelled out ("who's" -> "who is"), as the router reads it."""
    return _CONTRACTION.sub(r"\1 is", question.replace("’", "'"))


def frame_keys(text: str) -> list[str]:
    """The spelling keys of every word of a text, stopwords included: "who" and "when" matter."""
    return [key(fold(t)) for t in TOKEN.findall(frame_text(text))]


@functools.cache
def example_words(routes: tuple[str, ...] = ROUTES) -> frozenset[str]:
    """The words of the labelled examples of `routes` (folded): how a question asks, not what
    about. The names in them ("the Policy Commission", "Compliance") stand for a topic, as X
    does: a word written with a capital, but an example's first, is not among them."""
    data = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    return frozenset(
        fold(t)
        for route in routes
        for example in data[route]
        for n, t in enumerate(TOKEN.findall(frame_text(example)))
        if t not in ("X", "Y") and not (t[0].isupper() and n) and not any(c.isupper() for c in t[1:])
    )


@dataclass(frozen=True)
class Model:
    routes: tuple[str, ...]
    vocabulary: dict[str, int]  # frame key -> column
    coef: np.ndarray  # routes x (len(vocabulary) [+ dimension])
    intercept: np.ndarray
    dense: bool  # whether the question's embedding is part of the features


class Router:
    """Route probabilities for a question and its embedding."""

    def __init__(self, fingerprint: str | None, path: Path = WEIGHTS):
        data = json.loads(path.read_text(encoding="utf-8"))
        use = data["dense"] if data.get("dense", {}).get("fingerprint") == fingerprint else data["lexical"]
        vocabulary = {k: i for i, k in enumerate(data["vocabulary"])}
        self.model = Model(
            tuple(data["routes"]),
            vocabulary,
            np.asarray(use["coef"], dtype=np.float64),
            np.asarray(use["intercept"], dtype=np.float64),
            use is data.get("dense"),
        )

    def probabilities(self, question: str, vector: np.ndarray | None) -> dict[str, float]:
        features = features_of(question, vector, self.model.vocabulary, self.model.dense)
        logits = self.model.coef @ features + self.model.intercept
        logits -= logits.max()
        odds = np.exp(logits)
        odds /= odds.sum()
        return {route: float(p) for route, p in zip(self.model.routes, odds, strict=True)}


def features_of(
    question: str, vector: np.ndarray | None, vocabulary: dict[str, int], dense: bool
) -> np.ndarray:
    """Frame words present (0/1, by key), then the embedding when the model uses it."""
    words = np.zeros(len(vocabulary))
    for k in frame_keys(question):
        if k in vocabulary:
            words[vocabulary[k]] = 1.0
    if not dense:
        return words
    return np.concatenate([words, np.asarray(vector, dtype=np.float64)])


def entropy(probabilities: dict[str, float]) -> float:
    """How unsure the router is, 0 (certain) to 1 (all routes alike)."""
    values = [p for p in probabilities.values() if p > 0]
    return -sum(p * math.log(p) for p in values) / math.log(len(probabilities))
