"""Many users at once: 20 threads ask while rebuilds swap generations under them."""

import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.config import get_settings
from assistant.engine import Assistant

pytestmark = pytest.mark.slow

QUESTIONS = [
    ("Who owns the return-refill guidelines?", "Body in charge: PTC"),
    ("What is Green Customs?", "Green Customs refers to the measures"),
    ("What is the status of GCAP-19?", "in progress"),
    ("Which priority-A actions are due in 2023?", "5 action(s) match"),
    ("How do I reset my CENcomm password?", "not in these documents"),
]


def _whole(answer) -> bool:
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    return (
        bool(answer.text)
        and all(1 <= n <= len(answer.citations) for n in markers)
        and all(c.text for c in answer.citations)
    )


def ask_while(assistant: Assistant, switch: Callable[[], None], users: int = 20) -> None:
    """`users` threads ask QUESTIONS over and over while `switch()` rebuilds the index under
    them: no error, every answer right and whole, and more than one generation read."""
    errors, wrong, answered, generations = [], [], [], set()
    done = threading.Event()

    def user(number: int) -> None:
        turn = number
        while not done.is_set() or turn < number + len(QUESTIONS):
            question, expected = QUESTIONS[turn % len(QUESTIONS)]
            turn += 1
            try:
                answer = assistant.ask(question)
                generations.add(assistant.generation().name)
            except Exception as exc:  # any error at all fails the test
                errors.append(repr(exc))
                continue
            if expected not in answer.text or not _whole(answer):
                wrong.append((question, answer.text[:200]))
            answered.append(question)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    switch()
    done.set()
    for thread in threads:
        thread.join(120)
    assert errors == [] and wrong == []
    assert len(answered) >= users * len(QUESTIONS)
    assert len(generations) >= 2  # the threads really read more than one generation


def add_and_remove_an_update(corpus: Path, builder: Assistant) -> None:
    """Two rebuilds, each switching the live generation: a status update added, then removed."""
    extra = corpus / "status-update-2026.txt"
    extra.write_text("I. Progress\n\n1. The survey results were presented in 2026.\n", encoding="utf-8")
    assert builder.build().changed
    extra.unlink()
    assert builder.build().changed


def test_twenty_threads_ask_while_rebuilds_swap_generations(real_index, real_embedder, tmp_path):
    corpus, index = tmp_path / "live" / "corpus", tmp_path / "live" / "index"
    shutil.copytree(real_index[0], corpus)
    shutil.copytree(real_index[1], index)
    assistant = Assistant(replace(get_settings(), corpus_dir=corpus, index_dir=index), embedder=real_embedder)
    ask_while(assistant, lambda: add_and_remove_an_update(corpus, assistant))
