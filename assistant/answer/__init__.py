"""The answer stage: reading a question, searching, the kinds of answer, the calibrated
decision to abstain, and how answers and their citations read."""

from .answerer import Answerer
from .rendering import Answer, Citation, to_markdown

__all__ = ["Answer", "Answerer", "Citation", "to_markdown"]
