"""Whether the documents answer: one calibrated decision on the evidence an answer would rest
on, never a word list.

The evidence: how close in meaning the best cited item is to the question, how much of the
question's topic it uses (in any spelling), how much of the topic the index never uses at all,
how rare the rarest topic word left uncovered is, whether the question names something (a
name, code, number or year) that the documents never mention, whether a "how many" question
finds no figure (a "when" question no date, a "where was it held" no place), and how many of
the labelled dev questions nearest in meaning to this one the documents do not answer ("which
countries signed...", "how much did ... cost" ask for details plans rarely give, whatever the topic).
A logistic regression turns these into the probability that the documents answer; it is fitted
on the dev split (`assistant tune`) and its weights live in data/abstention.json, with a floor
on the closeness in meaning; the labelled questions' vectors in data/abstention-examples.npy.
"""

from __future__ import annotations

import json
import math
import warnings
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import numpy as np

from .precedents import FLOOR

WEIGHTS = Path(__file__).resolve().parent / "data" / "abstention.json"
EXAMPLES = WEIGHTS.with_name("abstention-examples.npy")  # dev question vectors; labels in WEIGHTS
NEIGHBOURS = 7  # labelled questions a question is compared with


@dataclass(frozen=True)
class Evidence:
    dense: float  # cosine of the best cited item to the question
    coverage: float  # weighted share of the topic words the cited item uses, literally (0-1)
    unknown: float  # weighted share of the topic words the index never uses (0-1)
    uncovered: float  # the rarest topic word the cited item does not use (0-1, by weight)
    missing_names: float  # names, codes, numbers or years the documents never mention (count)
    kind_missing: float  # 1 when "how many" finds no figure, or "when" no date, in what it cites
    alike_unanswered: float = 0.0  # share of the nearest labelled dev questions not answered (0-1)
    # how close the nearest labelled question is (0-1, from the precedents' FLOOR) when the
    # documents do not answer it: the same question asked again is not answered either
    nearest_unanswered: float = 0.0
    # countries the documents never mention (count; the other names are missing_names): unlike
    # a code or an abbreviation, never a reader's variant of a name the documents do use
    missing_countries: float = 0.0

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def vector(self) -> np.ndarray:
        return np.asarray(astuple(self), dtype=np.float64)


def alike_unanswered(vector: np.ndarray, examples: np.ndarray, unanswered: np.ndarray) -> float:
    """The similarity-weighted share of unanswerable questions among the NEIGHBOURS labelled
    questions nearest to `vector` (rows of `examples`, unit length)."""
    return _alike(examples @ np.asarray(vector, dtype=np.float32), unanswered)


def nearest_unanswered(vector: np.ndarray, examples: np.ndarray, unanswered: np.ndarray) -> float:
    """The nearest labelled question's closeness to `vector`, rescaled from FLOOR (0) to
    identical (1), when it is one the documents do not answer; 0 otherwise."""
    return _nearest(examples @ np.asarray(vector, dtype=np.float32), unanswered)


def _alike(similarity: np.ndarray, unanswered: np.ndarray) -> float:
    if len(similarity) > NEIGHBOURS:  # the NEIGHBOURS largest, in no order: a weighted sum needs none
        nearest = np.argpartition(-similarity, NEIGHBOURS - 1)[:NEIGHBOURS]
    else:
        nearest = np.arange(len(similarity))
    weights = np.clip(similarity[nearest], 1e-6, None)
    return float(weights @ unanswered[nearest] / weights.sum())


def _nearest(similarity: np.ndarray, unanswered: np.ndarray) -> float:
    nearest = int(np.argmax(similarity))
    return max(0.0, (float(similarity[nearest]) - FLOOR) / (1.0 - FLOOR)) * float(unanswered[nearest])


class Calibration:
    """P(the documents answer | evidence), and the threshold below which an answer abstains."""

    def __init__(self, path: Path = WEIGHTS, fingerprint: str | None = None):
        data = json.loads(path.read_text(encoding="utf-8"))
        # weights by name: evidence the fit never saw weighs 0 (the fitted model, exactly), so
        # `assistant tune` can run after a feature is added; evidence no longer gathered is a
        # different model, said once
        fitted = dict(zip(data["features"], data["coef"], strict=True))
        if gone := set(fitted) - set(Evidence.names()):
            warnings.warn(
                f"{path} weighs evidence no longer gathered ({', '.join(sorted(gone))}): "
                "run `assistant tune`",
                stacklevel=2,
            )
        self.coef = np.asarray([fitted.get(name, 0.0) for name in Evidence.names()], dtype=np.float64)
        self.intercept = float(data["intercept"])
        self.threshold = float(data["threshold"])
        # below the closest any answerable dev question came in meaning, nothing answers
        self.dense_floor = float(data.get("dense_floor", 0.0))
        # the labelled questions, usable only with the model that embedded them
        labelled = data.get("examples", {})
        self.unanswered = np.asarray(labelled.get("unanswered", []), dtype=np.float32)
        self.examples = None
        if labelled and labelled.get("fingerprint") == fingerprint:
            self.examples = np.load(path.with_name(labelled["file"]), allow_pickle=False).astype(np.float32)
        self.prior = float(self.unanswered.mean()) if len(self.unanswered) else 0.0

    def neighbours(self, vector: np.ndarray | None, *also: np.ndarray) -> dict[str, float]:
        """The evidence of the labelled questions near a question's vector (with `also`, near
        the mean direction of them all: a question read two ways); without the model that
        embedded them, the dev split's share and no nearest one."""
        if self.examples is None or vector is None:
            return {"alike_unanswered": self.prior, "nearest_unanswered": 0.0}
        vector = np.asarray(vector, dtype=np.float32)
        if also:
            vector = vector + np.sum(np.asarray(also, dtype=np.float32), axis=0)
            vector /= np.linalg.norm(vector)
        similarity = self.examples @ vector  # once, for both
        return {
            "alike_unanswered": _alike(similarity, self.unanswered),
            "nearest_unanswered": _nearest(similarity, self.unanswered),
        }

    def probability(self, evidence: Evidence) -> float:
        z = float(self.coef @ evidence.vector() + self.intercept)
        return 1.0 / (1.0 + math.exp(-z))

    def answers(self, evidence: Evidence) -> tuple[bool, float]:
        """Whether to answer, and the probability that the documents answer."""
        p = self.probability(evidence)
        return p >= self.threshold and evidence.dense >= self.dense_floor, p
