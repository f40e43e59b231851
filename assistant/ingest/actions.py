"""The plan's action table as records (ActionRow): who owns what, when, with which KPI.

Rows come from a reviewed register beside the document (`<document>.actions.csv`) when there
is one, else from the ruled tables of a PDF (pdfplumber). A register's cells are the
document's own text; `register_problems` checks that against the source.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..errors import DocumentError
from ..words import key, keys_of
from .timeframes import first_day, parse_timeframe

# Header cells of an action table, as plans spell them (matched in lower case).
_HEADER_WORDS = ("objective", "action", "timeframe", "priority", "kpi", "body in charge", "responsible")
_TABLE_END = re.compile(r"^\s*_{5,}\s*$")
_SECTION = re.compile(r"^(SP\d+)\.\s*(\S.*)$")
_SO_CODE = re.compile(r"\b(SO\s*\d|ORG)\b")
_PRIORITY = re.compile(r"(?:(?<=\s)|^)([AB?])(?=\s|$)")
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """One field of an action row, and everywhere it appears: the register CSV staff review,
    the CLI's JSON contract (../shared/design.md), the exports and the app's labels."""

    name: str  # the ActionRow attribute, the register column and the contract key
    label: str  # how people read it: exports, the app
    register: bool = False  # a column of the reviewed register
    contract: bool = False  # a key of the CLI contract, in this order
    joiner: str | None = None  # a list: how the register writes it


# The one schema of an action row; every list below is derived from it.
COLUMNS = (
    Column("id", "Id", contract=True),
    Column("row", "Row", register=True),
    Column("doc", "Document", contract=True),
    Column("page", "Page", register=True, contract=True),
    Column("section", "Strategic priority", register=True, contract=True),
    Column("strategic_objectives", "Strategic objectives", register=True, contract=True, joiner=" "),
    Column("topic", "Area/Topic", register=True, contract=True),
    Column("objective", "Objective", register=True, contract=True),
    Column("action", "Action", register=True, contract=True),
    Column("timeframe", "Timeframe", register=True, contract=True),
    Column("due_start", "From"),
    Column("due_end", "Due"),
    Column("priority", "Priority", register=True, contract=True),
    Column("kpi", "KPI", register=True, contract=True),
    Column("body_in_charge", "Body in charge", register=True, contract=True, joiner=LIST_SEPARATOR),
    Column("responsible_team", "Responsible team", register=True, contract=True, joiner=LIST_SEPARATOR),
    Column("gcap", "GCAP (likely match)", contract=True),
    Column("status", "Status", contract=True),
    Column("inherited", "Inherited from the row above", register=True, joiner=LIST_SEPARATOR),
    Column("note", "Note", register=True),
)
CONTRACT_FIELDS = tuple(c.name for c in COLUMNS if c.contract)
REGISTER_COLUMNS = tuple(c.name for c in COLUMNS if c.register)
LIST_FIELDS = tuple(c.name for c in COLUMNS if c.joiner and c.contract)
LABELS = {c.name: c.label for c in COLUMNS}


def cell_text(row: ActionRow, name: str, joiner: str | None = None) -> str:
    """A field as one cell of text: a list joined (as the register writes it, or with
    `joiner`), nothing for None."""
    value = getattr(row, name)
    if isinstance(value, list):
        column = next(c for c in COLUMNS if c.name == name)
        return (joiner or column.joiner or LIST_SEPARATOR).join(value)
    return "" if value is None else str(value)


@dataclass
class ActionRow:
    """One action of a plan's table, with every field as the document writes it."""

    id: str
    doc: str
    page: int
    section: str
    strategic_objectives: list[str]
    topic: str
    objective: str
    action: str
    timeframe: str
    priority: str
    kpi: str
    body_in_charge: list[str]
    responsible_team: list[str]
    gcap: str | None = None  # the status item this row most likely is (a likely match)
    status: str | None = None
    row: int = 0
    inherited: list[str] = field(default_factory=list)  # fields carried down a merged cell
    note: str = ""
    due_start: str | None = None  # the timeframe parsed into a date range, where it has one
    due_end: str | None = None
    gcap_score: float | None = None
    source: str = "register"  # "register" (reviewed CSV) or "pdf" (read from the PDF's table)

    def to_dict(self) -> dict:
        return asdict(self)

    def contract_dict(self) -> dict:
        """The row as the CLI contract gives it (design.md): its fields in order, extras after."""
        data = asdict(self)
        return {key: data.pop(key) for key in CONTRACT_FIELDS} | data

    @classmethod
    def from_dict(cls, data: dict) -> ActionRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def search_text(self) -> str:
        """What retrieval sees: every field, labelled."""
        parts = [
            self.section,
            self.topic,
            self.objective,
            self.action,
            f"Timeframe: {self.timeframe}" if self.timeframe else "",
            f"Priority: {self.priority}" if self.priority else "",
            f"KPI: {self.kpi}" if self.kpi else "",
            f"Body in charge: {', '.join(self.body_in_charge)}" if self.body_in_charge else "",
            f"Responsible team: {', '.join(self.responsible_team)}" if self.responsible_team else "",
            " ".join(self.strategic_objectives),
        ]
        return ". ".join(p for p in parts if p)


def register_path(document: Path) -> Path:
    """Where a document's reviewed register lives: corpus/<name>.actions.csv."""
    return document.with_name(document.stem + ".actions.csv")


# what a "body in charge" cell holds when no body is named
_NOT_ASSIGNED = {"all", "none", "tbd", "tbc", "n/a", "na", "not given", "unknown", "various", "-", "?"}
_NAME_JOINERS = {"of", "and", "for", "on", "the", "&"}


def named_body(value: str) -> bool:
    """Whether a body-in-charge value names a body ("EC", "Policy Commission", "Council") rather
    than saying none is named ("TBD", "All", "None") or describing a role ("In coordination
    with PTC"): a name is capitalised words and acronyms, joined only by words like "of"."""
    value = value.strip()
    if value.lower() in _NOT_ASSIGNED:
        return False
    words = re.findall(r"[^\s()]+", value)
    return bool(words) and all(w[0].isupper() or w[0].isdigit() or w in _NAME_JOINERS for w in words)


NOT_ASSIGNED = "not assigned"  # a row whose body-in-charge cell names no body


def bodies_of(row: ActionRow) -> list[str]:
    """The bodies a row's body-in-charge cell names, those it coordinates with included ("CBC;
    In coordination with PTC" names CBC and PTC), or [NOT_ASSIGNED] when it names none ("TBD",
    "All", an empty cell)."""
    return [b for value in row.body_in_charge for b in _named_in(value) if named_body(b)] or [NOT_ASSIGNED]


# "CBD in coordination with Facilitation", "In coordination with PTC": both are named; a remark
# in brackets ("Comm (for coordination, on the basis of ...)") is not a name. Literal splits:
# linear in a cell's length, whatever a hostile table puts in it
_COORDINATION = re.compile(r"in coordination with", re.IGNORECASE)


def _named_in(value: str) -> list[str]:
    return [p.strip() for p in _COORDINATION.split(value.split("(", 1)[0]) if p.strip()]


def teams_of(row: ActionRow) -> list[str]:
    """The teams a row's responsible-team cell names, those it coordinates with included
    ("CBD in coordination with Facilitation" names CBD and Facilitation)."""
    return [t for value in row.responsible_team for t in _named_in(value) if t.lower() not in _NOT_ASSIGNED]


def row_id(doc: str, row: int) -> str:
    return f"{Path(doc).stem}#{row}"


def split_list(cell: str, pattern: str = ";") -> list[str]:
    """A list cell: a register separates items with ";" ("EC; PTC")."""
    return [p.strip() for p in re.split(pattern, cell) if p.strip()]


def split_objectives(cell: str) -> list[str]:
    return [code.replace(" ", "") for code in _SO_CODE.findall(cell)]


# ---------------------------------------------------------------- the register


def load_register(path: Path, doc: str) -> list[ActionRow]:
    """Rows from a reviewed register CSV; a malformed one names its file, row and column."""
    return parse_register(path.read_bytes(), path, doc)


def parse_register(data: bytes, path: Path, doc: str) -> list[ActionRow]:
    """Rows from a register's bytes (a file's, or an upload's), checked as load_register does."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, "is not UTF-8", "save the register as CSV UTF-8 and rebuild") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in REGISTER_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DocumentError(
            path, f"lacks the column(s) {', '.join(missing)}", f"use the header: {','.join(REGISTER_COLUMNS)}"
        )
    rows = []
    for line, record in enumerate(reader, start=2):
        try:
            number, page = int(record["row"]), int(record["page"] or 0)
        except ValueError:
            raise DocumentError(
                path, f"line {line} has a row or page that is not a number", "correct it and rebuild"
            ) from None
        priority = record["priority"].strip()
        if priority not in ("A", "B", "?", ""):
            raise DocumentError(
                path, f"line {line} has priority {priority!r}", "use A, B, ? or leave it empty, then rebuild"
            )
        rows.append(row_from_cells(doc, number, page, record))
    return rows


def row_from_cells(doc: str, number: int, page: int, cells: dict[str, str]) -> ActionRow:
    """A row from its cells as text (a register's, or a table's): lists split, dates parsed."""
    start, end = parse_timeframe(cells.get("timeframe", ""))
    return ActionRow(
        id=row_id(doc, number),
        doc=doc,
        page=page,
        section=cells.get("section", "").strip(),
        strategic_objectives=split_objectives(cells.get("strategic_objectives", "")),
        topic=cells.get("topic", "").strip(),
        objective=cells.get("objective", "").strip(),
        action=cells.get("action", "").strip(),
        timeframe=cells.get("timeframe", "").strip(),
        priority=cells.get("priority", "").strip(),
        kpi=cells.get("kpi", "").strip(),
        body_in_charge=split_list(cells.get("body_in_charge", "")),
        responsible_team=split_list(cells.get("responsible_team", "")),
        row=number,
        inherited=[f for f in re.split(r"[;,\s]+", cells.get("inherited", "")) if f],
        note=cells.get("note", "").strip(),
        due_start=start,
        due_end=end,
    )


def write_register(rows: list[ActionRow], path: Path) -> None:
    """Write rows in register form, for staff to review in a spreadsheet and rebuild."""
    path.write_text(register_csv(rows), encoding="utf-8", newline="")


def register_csv(rows: list[ActionRow]) -> str:
    """Rows in register form, as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REGISTER_COLUMNS)
    for r in rows:
        writer.writerow([cell_text(r, name) for name in REGISTER_COLUMNS])
    return out.getvalue()


def register_problems(rows: list[ActionRow], source: str, max_fragments: int = 3) -> list[str]:
    """Cells of a register that do not occur in the source text (whitespace ignored).

    A cell may be interrupted by other cells in extracted text (a page break, a cell beside
    it), so it may be found in up to `max_fragments` pieces, in order, close together.
    """
    flat = re.sub(r"\s+", "", source)
    bare = re.sub(r"[\s,;&]+", "", source)  # list items are compared without their separators
    problems = []
    for row in rows:
        for name in ("section", "topic", "objective", "action", "timeframe", "kpi", *LIST_FIELDS):
            value = getattr(row, name)
            if isinstance(value, list):
                cell, found = (
                    "; ".join(value),
                    _covered(re.sub(r"[\s,;&]+", "", "".join(value)), bare, max_fragments),
                )
            else:
                cell, found = value, _covered(re.sub(r"\s+", "", value), flat, max_fragments)
            if cell and not found:
                problems.append(f"row {row.row}, {name}: {cell!r} is not in the source text")
    return problems


def _covered(cell: str, source: str, max_fragments: int, window: int = 4000) -> bool:
    position, last = 0, -1
    for _ in range(max_fragments):
        start = last + 1 if last >= 0 else 0
        stop = last + window if last >= 0 else len(source)
        best = None
        low, high = 1, len(cell) - position
        while low <= high:  # longest prefix of the rest found after the previous piece
            middle = (low + high) // 2
            found = source.find(cell[position : position + middle], start, stop + middle)
            if found >= 0:
                best, low = (middle, found), middle + 1
            else:
                high = middle - 1
        if best is None or (best[0] < 6 and position + best[0] < len(cell)):
            return False  # a short piece could be found anywhere: only a cell's last piece may be
        position, last = position + best[0], best[1] + best[0] - 1
        if position == len(cell):
            return True
    return False


def source_priorities(table_text: str) -> list[str]:
    """The priority cells (A, B, ?) of an extracted table, in order: one per action."""
    return [m.group(1) for line in table_text.split("\n") for m in _PRIORITY.finditer(line.strip())]


def table_region(lines: list[str]) -> tuple[int, int] | None:
    """Line range [start, end) of an action table in extracted text, or None.

    The table starts at the header line that names at least three of its columns (with the
    header cells broken onto the lines just above it) and ends at the closing rule or the end.
    """
    for i, line in enumerate(lines):
        lowered = line.lower()
        if len(line) > 160 or sum(word in lowered for word in _HEADER_WORDS) < 3:
            continue
        start, j = i, i - 1
        while j >= 0 and i - j <= 6:
            above = lines[j].strip()
            if above and (len(above.split()) > 2 or above.endswith((".", ":", ";"))):
                break
            if above:
                start = j
            j -= 1
        end = next((k for k in range(i + 1, len(lines)) if _TABLE_END.match(lines[k])), len(lines))
        return start, min(end + 1, len(lines))
    return None


def table_text(pages_text: list[str]) -> str:
    """The extracted text of a document's action table, or '' if it has none."""
    lines = "\n".join(pages_text).split("\n")
    region = table_region(lines)
    return "\n".join(lines[region[0] : region[1]]) if region else ""


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class ActionFilter:
    body: str | None = None
    team: str | None = None
    involved: str | None = None  # a name that is a body in some rows, a team in others: either
    priority: str | None = None
    so: str | None = None
    section: str | None = None
    topic: str | None = None  # the table's topic column, whole ("Waste")
    status: str | None = None
    due_before: str | None = None  # "2024-01" or "2024-01-31": due (range end) before it
    due_after: str | None = None  # "2023-01-01": due on or after it
    text: str | None = None


def matches(row: ActionRow, f: ActionFilter) -> bool:
    """Whether a row passes every filter given (case-insensitive)."""

    def has(values: list[str], wanted: str) -> bool:
        wanted = wanted.lower()
        return any(wanted == v.lower() or re.search(rf"\b{re.escape(wanted)}\b", v.lower()) for v in values)

    # the bodies and teams a row names as such, as the Actions page offers them
    if f.body and not has(bodies_of(row), f.body):
        return False
    if f.team and not has(teams_of(row), f.team):
        return False
    if f.involved and not (has(bodies_of(row), f.involved) or has(teams_of(row), f.involved)):
        return False
    if f.priority and row.priority.lower() != f.priority.lower():
        return False
    if f.so and f.so.upper().replace(" ", "") not in row.strategic_objectives:
        return False
    if f.section and not (
        row.section.lower().startswith(f.section.lower() + ".") or f.section.lower() in row.section.lower()
    ):
        return False
    if f.topic and row.topic.lower() != f.topic.lower():
        return False
    if f.status and (row.status or "").lower() != f.status.lower():
        return False
    if f.due_before:
        if not row.due_end or row.due_end >= first_day(f.due_before):
            return False
    if f.due_after and (not row.due_end or row.due_end < f.due_after):
        return False
    if f.text:
        # each word as written or in another form of it ("plastics" finds "plastic"), and
        # the row's likely GCAP item ("GCAP-19")
        blob = " ".join([row.action, row.topic, row.objective, row.kpi, row.gcap or ""]).lower()
        forms = keys_of(blob)
        if not all(word in blob or key(word) in forms for word in f.text.lower().split()):
            return False
    return True


def select(
    rows: list[ActionRow],
    bodies: list[str] = (),
    teams: list[str] = (),
    priorities: list[str] = (),
    objectives: list[str] = (),
    sections: list[str] = (),
    statuses: list[str] = (),
    text: str = "",
) -> list[ActionRow]:
    """Rows matching any of the values chosen for each field, and all words of `text`; bodies
    and teams are those a row names (`bodies_of`, `teams_of`), NOT_ASSIGNED choosing the rows
    that name no body."""

    def any_of(values: list[str], chosen) -> bool:
        return not chosen or any(v in chosen for v in values)

    return [
        r
        for r in rows
        if any_of(bodies_of(r), bodies)
        and any_of(teams_of(r), teams)
        and any_of([r.priority], priorities)
        and any_of(r.strategic_objectives, objectives)
        and any_of([r.section], sections)
        and any_of([r.status or "no status"], statuses)
        and matches(r, ActionFilter(text=text or None))
    ]
