"""Cutting documents into citable passages along their own structure.

A passage is one numbered paragraph, one unnumbered paragraph, one list with its lead-in,
one status item (GCAP-n) or one footnote; a long one is split at list items or sentences.
The action table is left to `actions`, which turns it into records.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .actions import table_region
from .documents import Document
from .text import (
    footnote_marker_pattern,
    join_lines,
    split_sentences,
    strip_footnote_markers,
    vocabulary,
)

MAX_CHARS = 900  # about one paragraph: precise enough to cite, long enough to answer
MIN_CHARS = 30  # shorter pieces are joined to the next passage of the same section

_NUMBERED = re.compile(r"^(\d{1,2})\.\s+(\S.*)$")
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+(\S.*)$")
_BULLET = re.compile(r"^(?:[-–•▪◦]|\(?[a-z]\)|\(?[ivx]{1,4}\))\s+\S")
_ITEM = re.compile(r"^([A-Z]{2,8}-\d{1,3})\b")  # status items: "GCAP-19"
# legend lines such as "SO3. Protection of society" (roman numerals are not codes)
_CODE_ITEM = re.compile(r"^(?![IVX]+\.)(?:[A-Z]{2,4}\d{0,2})\.\s+[A-Z]")
_URL = re.compile(r"^(?:https?|chrome-extension|file)://\S*$|^www\.\S+$")
_ORNAMENT = re.compile(r"^[*•·\s]*\*[*•·\s]*$")
_CAPTION = re.compile(r"^(?:Figure|Table|Chart)\s+\d+\s*[:.]")
_FOOTNOTE = re.compile(r"^(\d{1,2})\s+(\S.*)$")
_SENTENCE_DONE = (".", "!", "?", ".”", '."', ".)")


@dataclass(frozen=True)
class Passage:
    doc: str
    ordinal: int
    page: int
    section: str
    paragraph: str  # "4", "GCAP-19", "footnote 1", or "" for unnumbered text
    text: str
    context: str = ""  # the lead-in of a list split over passages: embedded, not quoted

    @property
    def embed_text(self) -> str:
        return " ".join(part for part in (self.section, self.context, self.text) if part)


@dataclass
class _Line:
    page: int
    text: str
    blank_before: bool
    index: int = 0  # position among all the document's lines


@dataclass
class _Unit:
    page: int
    section: str
    paragraph: str
    index: int = 0
    segments: list[list[str]] = field(default_factory=lambda: [[]])

    def add(self, line: str, new_segment: bool = False) -> None:
        if new_segment and self.segments[-1]:
            self.segments.append([])
        self.segments[-1].append(line)

    def raw_length(self) -> int:
        return sum(len(line) + 1 for seg in self.segments for line in seg)


def split_passages(document: Document) -> list[Passage]:
    """The passages of a document, leaving out its action table (see `actions`)."""
    numbered = [(page.number, line) for page in document.pages for line in page.text.split("\n")]
    region = table_region([line for _, line in numbered])
    skip = set(range(*region)) if region else set()
    vocab = vocabulary("\n".join(line for _, line in numbered))
    footnotes, consumed = _footnotes(numbered)
    lines = _content_lines(numbered, skip | consumed)
    marker = footnote_marker_pattern(n for n, _, _, _ in footnotes)
    units = _units(lines)

    passages: list[Passage] = []
    for unit in _merge_short(units, vocab):
        for text, context in _pieces(unit, vocab):
            text = strip_footnote_markers(text, marker)
            passages.append(
                Passage(
                    document.doc,
                    len(passages),
                    unit.page,
                    strip_footnote_markers(unit.section, marker),
                    unit.paragraph,
                    text,
                    strip_footnote_markers(context, marker),
                )
            )
    for number, index, page, body in footnotes:
        before = [u.section for u in units if u.index < index]
        section = strip_footnote_markers(before[-1] if before else "", marker)
        passages.append(
            Passage(document.doc, len(passages), page, section, f"footnote {number}", join_lines(body, vocab))
        )
    return passages


def _footnotes(numbered: list[tuple[int, str]]) -> tuple[list[tuple[int, int, int, list[str]]], set[int]]:
    """Footnotes (number, line index, page, lines) under a separator at a page's foot."""
    found: list[tuple[int, int, int, list[str]]] = []
    consumed: set[int] = set()
    for i, (page, line) in enumerate(numbered):
        if not _is_separator(line) or i + 1 >= len(numbered):
            continue
        match = _FOOTNOTE.match(numbered[i + 1][1].strip())
        if not match:
            continue
        body = [match.group(2)]
        consumed.update({i, i + 1})
        j = i + 2
        while j < len(numbered) and numbered[j][0] == page:
            text = numbered[j][1].strip()
            if not text or body[-1].rstrip().endswith(_SENTENCE_DONE):
                break
            body.append(text)
            consumed.add(j)
            j += 1
        found.append((int(match.group(1)), i, page, body))
    return found, consumed


def _is_separator(line: str) -> bool:
    stripped = line.strip()
    return (not stripped and len(line) >= 20) or bool(re.fullmatch(r"_{5,}", stripped))


def _content_lines(numbered: list[tuple[int, str]], skip: set[int]) -> list[_Line]:
    """Lines that carry text: no blanks, links, ornaments, figure captions or skipped lines."""
    lines: list[_Line] = []
    blank = True
    for i, (page, raw) in enumerate(numbered):
        text = raw.strip()
        if i in skip:
            blank = True
            continue
        if not text or _ORNAMENT.match(text) or _URL.match(text) or _CAPTION.match(text):
            blank = True
            continue
        lines.append(_Line(page, text, blank, i))
        blank = False
    return lines


def _units(lines: list[_Line]) -> list[_Unit]:
    units: list[_Unit] = []
    section = ""
    current: _Unit | None = None
    last_paragraph = 0
    fragments = _fragment_runs(lines)
    i = 0
    while i < len(lines):
        line, text = lines[i], lines[i].text
        prev = lines[i - 1].text if i else ""

        if i in fragments:  # table header cells and the like: no sentence, no passage
            current = None
            i += 1
            continue
        numbered = _NUMBERED.match(text)
        if numbered and _plausible_paragraph(int(numbered.group(1)), last_paragraph):
            last_paragraph = int(numbered.group(1))
            current = _start(units, line, section, numbered.group(1))
            current.add(numbered.group(2))
        elif _ROMAN.match(text) and (span := _roman_heading(lines, i)):
            heading = " ".join(lines[k].text for k in range(i, i + span))
            section = heading.rstrip(":").strip()
            current = None
            if heading.endswith(":"):  # "III. The PTC is invited to:" leads into its list
                current = _start(units, line, section)
                current.add(heading)
            i += span
            continue
        elif item := _ITEM.match(text):
            current = _start(units, line, section, item.group(1))
            current.add(text)
        elif _CODE_ITEM.match(text):
            if current is None or not _CODE_ITEM.match(current.segments[0][0]):
                current = _start(units, line, section)
            current.add(text, new_segment=True)
        elif _is_heading(lines, i):
            section, current = text, None
        elif _BULLET.match(text) or _ROMAN.match(text):
            current = current or _start(units, line, section)
            current.add(text, new_segment=True)
        elif (
            current is None
            or not current.paragraph
            and (line.blank_before or line.page != current.page)
            and prev.endswith(_SENTENCE_DONE)
            and _starts_upper(text)
        ):
            current = _start(units, line, section)
            current.add(text)
        else:
            current.add(text)
        i += 1
    return units


def _start(units: list[_Unit], line: _Line, section: str, paragraph: str = "") -> _Unit:
    """Open a new unit at `line` and add it to `units`."""
    unit = _Unit(line.page, section, paragraph, line.index)
    units.append(unit)
    return unit


def _plausible_paragraph(number: int, last: int) -> bool:
    """Numbered paragraphs run 1, 2, 3...; "2024." ending a line is not paragraph 2024."""
    return number == 1 or last < number <= last + 2


def _starts_upper(text: str) -> bool:
    return text[:1].isupper() or text[:1] in '“"‘('


def _roman_heading(lines: list[_Line], i: int) -> int:
    """Lines (1 or 2) of a roman-numbered heading at i, or 0 if it is a list item."""
    span = 1
    if i + 1 < len(lines) and not lines[i + 1].blank_before and lines[i + 1].page == lines[i].page:
        if lines[i + 1].text[:1].islower() or not _ROMAN.match(lines[i + 1].text):
            span = 2
    if span == 2 and i + 2 < len(lines) and not lines[i + 2].blank_before:
        return 0  # a third line with no break: a paragraph, not a heading
    text = " ".join(lines[k].text for k in range(i, i + span))
    if len(text) > 180 or text.endswith((".", ";", ",")) or ". " in text[4:]:
        return 0
    return span


def _is_heading(lines: list[_Line], i: int) -> bool:
    text = lines[i].text
    words = text.split()
    if not (3 <= len(text) <= 75 and 1 <= len(words) <= 12):
        return False
    if not _starts_upper(text) or text.endswith((".", ",", ";", ":", "-")) or ". " in text:
        return False
    prev = lines[i - 1] if i else None
    if prev and prev.page == lines[i].page and not prev.text.endswith((*_SENTENCE_DONE, ":")):
        if not _is_heading_shape(prev.text):
            return False
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt and nxt.text[:1].islower():
        return False
    if len(words) == 1 and nxt and not nxt.blank_before:
        return False
    return True


def _is_heading_shape(text: str) -> bool:
    return len(text) <= 75 and _starts_upper(text) and not text.endswith((".", ",", ";"))


def _fragment_runs(lines: list[_Line]) -> set[int]:
    """Runs of 3+ one-to-three-word lines without sentences: table headers, not prose."""

    def short(line: _Line) -> bool:
        words = line.text.split()
        return len(words) <= 3 and not _NUMBERED.match(line.text) and not _ITEM.match(line.text)

    def opens_run(i: int) -> bool:  # after a sentence or heading, not inside a sentence
        prev = lines[i - 1].text if i else ""
        return lines[i].blank_before and (
            not prev or prev.endswith(_SENTENCE_DONE + (":",)) or _is_heading_shape(prev)
        )

    found: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines + [_Line(0, "a b c d e", True)]):
        if i < len(lines) and short(line) and (run or opens_run(i)):
            run.append(i)
            continue
        if len(run) >= 3:
            found.update(run)
        run = []
    return found


def _merge_short(units: list[_Unit], vocab: Counter) -> list[_Unit]:
    """Fold a piece shorter than MIN_CHARS into the next passage of its section."""
    merged: list[_Unit] = []
    carry: _Unit | None = None
    for unit in units:
        if carry is not None:
            if carry.section == unit.section and not unit.paragraph:
                unit.segments[0] = [line for seg in carry.segments for line in seg] + unit.segments[0]
                unit.page = carry.page
            else:
                merged.append(carry)
            carry = None
        if unit.raw_length() < MIN_CHARS:
            carry = unit
            continue
        merged.append(unit)
    if carry is not None:
        merged.append(carry)
    return merged


def _pieces(unit: _Unit, vocab: Counter) -> list[tuple[str, str]]:
    """The unit's text, split at list items, then sentences, into pieces of MAX_CHARS or less."""
    segments = [join_lines(seg, vocab) for seg in unit.segments if seg]
    if sum(len(s) + 1 for s in segments) <= MAX_CHARS:
        return [(" ".join(segments), "")]
    lead = _hard_split(split_sentences(segments[0])[0])[0] if segments else ""
    atoms: list[str] = []
    for segment in segments:
        atoms.extend([segment] if len(segment) <= MAX_CHARS else _sentence_chunks(segment))
    pieces: list[tuple[str, str]] = []
    buffer = ""
    for atom in atoms:
        if buffer and len(buffer) + 1 + len(atom) > MAX_CHARS:
            pieces.append((buffer, "" if not pieces else lead))
            buffer = atom
        else:
            buffer = f"{buffer} {atom}".strip()
    if buffer:
        pieces.append((buffer, "" if not pieces else lead))
    return pieces


def _hard_split(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut at the last space before it where there is one."""
    pieces = []
    start = 0  # positions, not copies of the rest: a 90 MB line is cut in one pass
    while len(text) - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > 0 else start + limit
        pieces.append(text[start:cut].rstrip())
        start = cut
        while start < len(text) and text[start] == " ":
            start += 1
    rest = text[start:]
    return [*pieces, rest] if rest else pieces


def _sentence_chunks(text: str) -> list[str]:
    chunks: list[str] = []
    buffer = ""
    # a "sentence" longer than a passage (a table flattened to text, a blob without stops) is
    # cut at spaces, or anywhere: no passage is longer than MAX_CHARS, whatever the text
    for sentence in (piece for s in split_sentences(text) for piece in _hard_split(s)):
        if buffer and len(buffer) + 1 + len(sentence) > MAX_CHARS:
            chunks.append(buffer)
            buffer = sentence
        else:
            buffer = f"{buffer} {sentence}".strip()
    if buffer:
        chunks.append(buffer)
    return chunks
