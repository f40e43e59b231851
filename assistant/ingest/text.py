"""Repairs for text extracted from PDFs: lines joined, split words rejoined, markers removed."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..words import tokens

_TRAILING_WORD = re.compile(r"([A-Za-z]+)-?$")
_LEADING_WORD = re.compile(r"^([a-z]+)")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])(?=\s|$)")
_SPACED_HYPHEN = re.compile(r"\b([A-Za-z]+)- ([a-z]+)\b")
_SPACES = re.compile(r"[ \t\u00a0]+")
# A sentence ends at . ! ? (optionally closed by a quote or bracket) before a capital, a quote,
# a bracket or a list dash. "e.g. through" does not end one: a lower-case word follows.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"(‘-])")
_ABBREVIATIONS = ("e.g.", "i.e.", "No.", "etc.", "Mr.", "Ms.", "Dr.", "cf.", "vs.")


def vocabulary(text: str) -> Counter:
    """Lower-cased words of a document (hyphenated compounds kept whole), with counts."""
    # a compound broken after its hyphen ("Self-" / "Assessment") still counts as one word
    text = re.sub(r"(?<=[A-Za-z])-[ \t]*\n[ \t]*(?=[A-Za-z])", "-", text)
    return Counter(w.lower() for w in tokens(text) if not w.isdigit())


def word_pairs(text: str) -> set[str]:
    """Pairs of words written next to each other on one line of a text (lower case): how the
    document writes a name that a table cell wraps ("Policy" / "Commission")."""
    pairs = set()
    for line in text.split("\n"):
        words = line.split()
        pairs.update(f"{a} {b}".lower() for a, b in zip(words, words[1:], strict=False))
    return pairs


def join_lines(lines: Iterable[str], vocab: Counter | None = None, tidy: bool = True) -> str:
    """Join extracted lines into running text, rejoining words the layout split.

    "self-" + "assessment" stays "self-assessment" (the hyphen is the author's) unless the
    document spells the word without one; "Environmentall" + "y" becomes "Environmentally"
    when the joined word occurs in the document and the fragment occurs nowhere else.
    """
    vocab = vocab if vocab is not None else Counter()
    pieces: list[str] = []  # joined once at the end: growing one string would be quadratic
    for raw in lines:
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            continue
        if pieces:
            # only the end of the text so far decides how the next line joins it
            glue, drop_hyphen = _glue(pieces[-1][-_TAIL:], line, vocab)
            if drop_hyphen:
                pieces[-1] = pieces[-1][:-1]
            line = glue + line
        pieces.append(line)
    out = _SPACED_HYPHEN.sub(lambda m: _rejoin_compound(m, vocab), "".join(pieces))
    # `tidy`: text extracted as a stream has spaces before punctuation that the author did not
    # type; words placed by position keep the author's own
    return _SPACE_BEFORE_PUNCT.sub(r"\1", out) if tidy else out


_TAIL = 120  # characters of the text so far that decide how a line joins it


def _rejoin_compound(match: re.Match, vocab: Counter) -> str:
    """ "self- assessment" is "self-assessment" where the document spells it so elsewhere."""
    first, second = match.group(1), match.group(2)
    return f"{first}-{second}" if vocab.get(f"{first}-{second}".lower(), 0) else match.group(0)


def _glue(left: str, right: str, vocab: Counter) -> tuple[str, bool]:
    """What goes between the text so far (its end, `left`) and the next line: a space or
    nothing, and whether the hyphen ending `left` goes."""
    head = _TRAILING_WORD.search(left)
    tail = _LEADING_WORD.match(right)
    if head and tail:
        first, second = head.group(1), tail.group(1)
        joined = (first + second).lower()
        if left.endswith("-") and not left.endswith(" -"):
            # keep the author's hyphen unless the document writes the word without one
            drop = bool(vocab.get(joined, 0) and not vocab.get(f"{first}-{second}".lower(), 0))
            return "", drop
        if vocab.get(joined, 0) and vocab.get(first.lower(), 0) <= 1 and len(first) > 2:
            if vocab.get(second.lower(), 0) <= 1 or len(second) <= 2:
                return "", False
    elif left.endswith("-") and not left.endswith(" -") and right[:1].isupper():
        return "", False  # "Sub-" + "Sahara", "Co-" + "operation" in title case
    return " ", False


def footnote_marker_pattern(numbers: Iterable[int]) -> re.Pattern | None:
    """Matches footnote markers glued to a word ("BBAs1", "Council1"), never codes ("SO1")."""
    numbers = sorted(set(numbers))
    if not numbers:
        return None
    alternatives = "|".join(str(n) for n in numbers)
    return re.compile(rf"\b([A-Za-z]*[a-z])({alternatives})\b")


def strip_footnote_markers(text: str, pattern: re.Pattern | None) -> str:
    return pattern.sub(r"\1", text) if pattern else text


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences, keeping each exactly as written."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        # only the end of the candidate decides: looking at all of it each time would make a
        # text with many false ends ("A. A. A. ...") quadratic
        tail = text[max(start, match.start() - _TAIL) : match.start()].rstrip()
        if tail.endswith(_ABBREVIATIONS) or _ends_with_initial(tail, whole=match.start() - start <= _TAIL):
            continue
        parts.append(text[start : match.end()].strip())
        start = match.end()
    rest = text[start:].strip()
    if rest:
        parts.append(rest)
    return parts


def _ends_with_initial(tail: str, whole: bool) -> bool:
    # "I." or "IV." opening a list item, a single initial, or a code such as "SO3." heading a
    # legend entry is not a sentence end; `whole`: the tail is the whole candidate
    return bool((_INITIAL_AT_START if whole else _INITIAL).search(tail))


_TAIL = 24  # characters of a candidate sentence that decide whether it ends
_INITIAL = re.compile(r"\s(?:[A-Z]|[IVX]{1,4}|[A-Z]{2,4}\d{1,2})\.$")
_INITIAL_AT_START = re.compile(r"(?:^|\s)(?:[A-Z]|[IVX]{1,4}|[A-Z]{2,4}\d{1,2})\.$")
