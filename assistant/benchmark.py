"""Benchmarks that print figures (never timed tests): warm ask latency against its floor."""

from __future__ import annotations

import statistics
import time

from .engine import Assistant
from .evaluation import DEFAULT_QUESTIONS, load_questions


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ask_latency(assistant: Assistant, rounds: int = 5) -> list[str]:
    """Median and p95 of warm `ask` over the evaluation questions, next to one query embedding."""
    questions = [q.question for q in load_questions(DEFAULT_QUESTIONS)]
    assistant.ask(questions[0])  # load the model and the index: "warm" means after this
    ask_ms, embed_ms = [], []
    for _ in range(rounds):  # each round: the floor over all questions, then ask over all
        for question in questions:
            started = time.perf_counter()
            assistant.embedder.encode([question])
            embed_ms.append((time.perf_counter() - started) * 1000)
        for question in questions:
            started = time.perf_counter()
            assistant.ask(question)
            ask_ms.append((time.perf_counter() - started) * 1000)
    ratio = statistics.median(ask_ms) / statistics.median(embed_ms)

    def line(label: str, values: list[float]) -> str:
        median, p95 = statistics.median(values), _percentile(values, 0.95)
        return f"{label:<23} median {median:6.1f} ms   p95 {p95:6.1f} ms"

    return [
        f"questions: {len(questions)} x {rounds} rounds",
        line("ask (warm):", ask_ms),
        line("query embedding floor:", embed_ms),
        f"ask / floor (medians): {ratio:.2f}x",
    ]
