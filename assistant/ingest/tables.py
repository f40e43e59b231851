"""Tables from PDFs by their geometry: action tables into ActionRow records, an update's table
of GCAP items into (number, action, responsible) entries.

Word processors export tables in many shapes: ruled or not, with a header of one to three
stacked rows (names that wrap in their cells, group labels over two columns), repeated on
each page or not, rows cut by page breaks, section rows spanning the table, merged cells. A
cell-by-cell table finder reads each of those differently; this module reads the words and
their positions (pdfplumber) instead:

- the header is found by its names, tolerantly matched, in up to three stacked text lines;
- the columns are fixed by the header and the page's geometry (its vertical rules, or where
  the body's text lines start), and every later word is placed by its x-position;
- rows are the bands between horizontal rules, or, without rules, lines grouped by the gaps
  between them; a band whose text runs across the columns is a section row;
- a table continues on the next page with or without its header; a row's fragment at the top
  of a page (none of the short cells its row already has) is joined to it;
- a cell under a merged cell (no rule above it) takes the merged cell's text, marked
  inherited; lines are joined as the document's words need (hyphenation repaired), list cells
  split at their separators and at line breaks that are not wraps;
- every row cites the page its action starts on.

Pages are read one at a time and let go, so a long PDF costs one page of memory.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import DocumentError
from .actions import ActionRow, row_from_cells
from .text import join_lines, vocabulary, word_pairs

# header names (lower case, letters only) -> field; the first pattern that matches wins
_HEADER_FIELDS = (
    (r"\bgcap\b|^no$|^item no|^number$|^ref", "gcap"),
    (r"strategic|^so$|^sos$", "strategic_objectives"),
    (r"area|topic|theme", "topic"),
    (r"objective|goal|aim", "objective"),
    (r"action|activit|measure|task", "action"),
    (r"time ?frame|timeline|timing of|deadline|due|when|date|schedule", "timeframe"),
    (r"priorit", "priority"),
    (r"kpi|indicator|performance", "kpi"),
    (r"body|lead|owner|in charge", "body_in_charge"),
    (r"responsib|team|unit|secretariat", "responsible_team"),
)
_LIST_FIELDS = ("body_in_charge", "responsible_team", "strategic_objectives")
_ONE_LINE_FIELDS = ("priority", "gcap")
_SHORT_FIELDS = ("priority", "timeframe", "strategic_objectives", "body_in_charge", "gcap")
_CARRIED = ("strategic_objectives", "topic", "objective")  # what a merged cell may cover
_CONNECTORS = frozenset("and of with in for the to on by de et".split())
_LIST_SPLIT = re.compile(r"\s*(?:[;,]|\s&\s)\s*(?![^()]*\))")  # not inside parentheses
_GCAP_CODE = re.compile(r"\b([A-Z]{2,8})[-‐‑–]?\s?(\d{1,3})\b")


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict]

    @property
    def text(self) -> str:
        return " ".join(w["text"] for w in self.words)


@dataclass
class _Column:
    field: str | None
    left: float
    right: float


@dataclass
class _Layout:
    """The columns of a table, fixed by its header: what each x-position holds."""

    columns: list[_Column]
    ruled: bool
    size: float  # the table's font size
    text_right: dict[str, float] = field(default_factory=dict)  # how far each column's text runs

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}

    @property
    def kind(self) -> str:
        return "status" if "gcap" in self.fields else "actions"

    def column_of(self, x: float) -> _Column | None:
        """The column a word starting at x is in: the last one starting before it."""
        if x < self.left - 2 or x > self.right + 2:
            return None
        return next((c for c in reversed(self.columns) if c.left - 1 <= x), None)

    @property
    def left(self) -> float:
        return self.columns[0].left

    @property
    def right(self) -> float:
        return self.columns[-1].right


@dataclass
class _Band:
    """One row of a table on one page: its cells' lines, or the text of a section row."""

    page: int
    top: float
    cells: dict[str, list[_Line]] = field(default_factory=dict)
    spanning: str = ""
    merged: set[str] = field(default_factory=set)  # fields whose cell continues from above
    first_on_page: bool = False


@dataclass
class _Row:
    page: int
    section: str
    cells: dict[str, list[_Line]]
    layout: _Layout
    inherited: list[str] = field(default_factory=list)
    action_page: int | None = None


def extract_rows(
    path: Path, doc: str, first_page: int = 1, text: str = "", warnings: list[str] | None = None
) -> list[ActionRow]:
    """The action rows of every action table in a PDF (none if it has no such table). `text`,
    the document's text, tells how it writes its words (hyphens, names wrapped in cells);
    words inside a table that fell in no named column are added to `warnings`."""
    rows, unplaced = _read(path, first_page)
    if warnings is not None and unplaced:
        shown_lines = "; ".join(f"“{line}”" for line in unplaced[:5])
        more = f" and {len(unplaced) - 5} more" if len(unplaced) > 5 else ""
        warnings.append(
            f"{path.name}: text in the action table under no known column, not read into rows: "
            f"{shown_lines}{more}; check the extracted rows (download the register, correct it, upload it)"
        )
    vocab, phrases = vocabulary(text), word_pairs(text)
    actions = [r for r in rows if r.layout.kind == "actions"]
    # a list column written inline ("CBD, EC, PTC") breaks its lines only to wrap them
    inline = {
        fname
        for fname in _LIST_FIELDS
        if any(_LIST_SPLIT.search(" ".join(line.text for line in r.cells.get(fname, []))) for r in actions)
    }
    return [_action_row(doc, n, row, vocab, phrases, inline) for n, row in enumerate(actions)]


def extract_status_entries(path: Path, text: str = "", first_page: int = 1) -> list[dict]:
    """Entries of an update's table of items: code ("GCAP-19"), action text, responsible units,
    page."""
    rows, _ = _read(path, first_page)
    vocab = vocabulary(text)
    entries = []
    for row in rows:
        if row.layout.kind != "status":
            continue
        code = _GCAP_CODE.search(" ".join(line.text for line in row.cells.get("gcap", [])))
        if not code:
            continue
        entries.append(
            {
                "code": f"{code.group(1).upper()}-{int(code.group(2))}",
                "number": int(code.group(2)),
                "text": _text(row.cells.get("action", []), vocab),
                "responsible": _text(row.cells.get("responsible_team", []), vocab),
                "page": row.action_page or row.page,
            }
        )
    return entries


# ---------------------------------------------------------------- reading pages


def _read(path: Path, first_page: int) -> tuple[list[_Row], list[str]]:
    import pdfplumber

    rows: list[_Row] = []
    unplaced: list[str] = []
    layout: _Layout | None = None
    section = ""
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages[first_page - 1 :]:
                bands, layout = _page_bands(page, layout, unplaced)
                page.close()  # its parsed objects go: memory stays one page deep
                for band in bands:
                    if band.spanning:
                        section = band.spanning
                        continue
                    if rows and _continues(band, rows[-1]):
                        _append(rows[-1], band)
                        continue
                    if rows:  # what runs into this band from a merged cell above is that cell's
                        for fname in band.merged & set(_CARRIED):
                            rows[-1].cells.setdefault(fname, []).extend(band.cells.pop(fname, []))
                    if not _has_text(band.cells.get("action")) and not _has_text(band.cells.get("gcap")):
                        continue  # a fragment without an action is never a row of its own
                    rows.append(_new_row(band, rows[-1] if rows else None, section, layout))
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise DocumentError(
            path,
            f"its tables cannot be read ({type(exc).__name__})",
            "re-export the PDF, or write its rows in a register CSV",
        ) from exc
    return rows, unplaced


def _page_bands(page, layout: _Layout | None, unplaced: list[str]) -> tuple[list[_Band], _Layout | None]:
    """The table rows on one page, and the layout they were read with (carried to the next)."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, extra_attrs=["size"])
    lines = _lines(words)
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["bottom"] - e["top"] > 4]
    horizontals = [e for e in page.edges if e["orientation"] == "h" and e["x1"] - e["x0"] > 4]
    header = _find_header(lines)
    body = lines
    if header is not None:  # a new table, or the same one's header repeated on this page
        start, end, names = header
        if layout is None or not _same_header(layout, names):
            layout = _layout(names, lines[end:], verticals, lines[start].top) or layout
        body = lines[end:]
    if layout is None:
        return [], None
    # the table's own header repeated further down a page (a table split by its program)
    while (again := _find_header(body)) is not None and _same_header(layout, again[2]):
        body = body[: again[0]] + body[again[1] :]
    body = _table_lines(body, layout, horizontals, verticals)
    if not body:
        return [], layout
    if layout.ruled:
        bands = _ruled_bands(body, layout, horizontals, verticals, page.page_number)
    else:
        bands = _gap_bands(body, layout, page.page_number)
    for band in bands:
        for fname in list(band.cells):
            if fname == "?":
                unplaced.extend(f"p. {band.page}: {line.text}" for line in band.cells.pop(fname))
    if bands:
        bands[0].first_on_page = True
    return bands, layout


def _lines(words: list[dict]) -> list[_Line]:
    """Words grouped into text lines by their tops, top to bottom, left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(word["top"] - lines[-1].top) <= 2:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word["bottom"])
        else:
            lines.append(_Line(word["top"], word["bottom"], [word]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _header_field(name: str) -> str | None:
    key = re.sub(r"\s+", " ", re.sub(r"[^a-z ]+", " ", name.lower())).strip()
    if not key or len(key) > 40 or len(key.split()) > 5:
        return None
    return next((fname for pattern, fname in _HEADER_FIELDS if re.search(pattern, key)), None)


def _find_header(lines: list[_Line]) -> tuple[int, int, list[tuple[str, float, float]]] | None:
    """The header: a run of tight text lines (a header of up to three rows, names centred or
    wrapped in their cells: up to eight text lines, with no more than half a line between
    them; a table's first row always stands further off, by its cells' padding) whose cells
    name at least four fields, the action among them (or, for an update's item table, an item
    number and an action). Returns the line range and the header cells (name, left, right)."""
    for start in range(len(lines)):
        size = _size(lines[start])
        end, bottom = start + 1, lines[start].bottom
        while end < len(lines) and end - start < 8 and lines[end].top - bottom <= 0.5 * size:
            bottom = max(bottom, lines[end].bottom)
            end += 1
        for stop in range(end, start, -1):  # the whole run, else its longest part that names
            cells = _header_cells(lines[start:stop])
            fields = [f for f in (_header_field(name) for name, _, _ in cells) if f]
            if len(set(fields)) == len(fields) and "action" in fields:
                if len(fields) >= 4 or {"gcap", "action"} <= set(fields):
                    return start, stop, cells
    return None


def _header_cells(window: list[_Line]) -> list[tuple[str, float, float]]:
    """Header cells: words stacked over each other form one cell ("Body in" over "charge"); a
    group label over two cells ("Timing" over "Timeframe" and "Priority") is left out."""
    words = [w for line in window for w in line.words]
    size = _size(window[0])
    gap = 0.9 * size  # more than a space between two words of one cell

    def overlaps(a, b) -> bool:
        return a["x0"] < b["x1"] and b["x0"] < a["x1"]

    labels = []
    for word in words:
        below = [o for o in words if o is not word and o["top"] > word["bottom"] - 1 and overlaps(word, o)]
        # over two words that stand apart on one line: a group label
        apart = any(
            abs(a["top"] - b["top"]) <= 2 and (b["x0"] - a["x1"] > gap or a["x0"] - b["x1"] > gap)
            for i, a in enumerate(below)
            for b in below[i + 1 :]
        )
        if not apart:
            labels.append(word)
    cells: list[list[dict]] = []
    for word in sorted(labels, key=lambda w: w["x0"]):
        home = next(
            (
                cell
                for cell in cells
                if any(
                    overlaps(word, o)
                    or (abs(word["top"] - o["top"]) <= 2 and 0 <= word["x0"] - o["x1"] <= gap)
                    for o in cell
                )
            ),
            None,
        )
        if home is None:
            cells.append([word])
        else:
            home.append(word)
    out = []
    for cell in cells:
        cell.sort(key=lambda w: (round(w["top"]), w["x0"]))
        out.append(
            (" ".join(w["text"] for w in cell), min(w["x0"] for w in cell), max(w["x1"] for w in cell))
        )
    return sorted(out, key=lambda c: c[1])


def _layout(
    names: list[tuple[str, float, float]], body: list[_Line], verticals: list[dict], header_top: float
) -> _Layout | None:
    """Columns from the header cells and the page: between vertical rules where the table has
    them; else from where the body's lines start (text is left-aligned in its cell, a header
    name may be centred over it)."""
    size = _size(body[0]) if body else 8.0
    rules = sorted({round(e["x0"], 0) for e in verticals if e["bottom"] > header_top + 2})
    edges = _merge_close(rules, 2.0)
    columns: list[_Column] = []
    if len(edges) >= 3:
        for left, right in zip(edges, edges[1:], strict=False):
            inside = [n for n in names if left - 1 <= (n[1] + n[2]) / 2 <= right + 1]
            fname = next((f for f in (_header_field(n[0]) for n in inside) if f), None)
            columns.append(_Column(fname, left, right))
        ruled = True
    else:
        starts = _column_starts(body, size)
        if not starts:
            return None
        for name, x0, x1 in names:
            begin = max((s for s in starts if s <= x0 + 2), default=None)
            if begin is None:
                begin = x0
            columns.append(_Column(_header_field(name), begin, x1))
        columns.sort(key=lambda c: c.left)
        columns = [c for i, c in enumerate(columns) if i == 0 or c.left > columns[i - 1].left + 1]
        for current, following in zip(columns, columns[1:], strict=False):
            current.right = following.left - 0.5
        columns[-1].right = max(
            columns[-1].right, max((w["x1"] for line in body for w in line.words), default=0)
        )
        ruled = False
    named = [c.field for c in columns if c.field]
    if "action" not in named or len(set(named)) != len(named):
        return None
    return _Layout(columns, ruled, size)


def _same_header(layout: _Layout, names: list[tuple[str, float, float]]) -> bool:
    """A header naming the same fields at the same places: the table's own, repeated (its
    columns stay as measured on the page with the most body text)."""
    fields = [(_header_field(name), (x0 + x1) / 2) for name, x0, x1 in names]
    return [f for f, _ in fields if f] == [c.field for c in layout.columns if c.field] and all(
        f is None or layout.column_of(centre) is not None and layout.column_of(centre).field == f
        for f, centre in fields
    )


def _column_starts(body: list[_Line], size: float) -> list[float]:
    """Where text lines start in the body (x-positions shared by three lines or more)."""
    starts = []
    for line in body[:200]:
        previous = None
        for word in line.words:
            if previous is None or word["x0"] - previous["x1"] > 0.9 * size:
                starts.append(word["x0"])
            previous = word
    clusters = _merge_close(sorted(starts), 1.5, minimum=3)
    return clusters


def _merge_close(values: list[float], within: float, minimum: int = 1) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(values):
        if groups and value - groups[-1][-1] <= within:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [min(g) for g in groups if len(g) >= minimum]


def _size(line: _Line) -> float:
    return float(Counter(round(w.get("size", 8.0), 1) for w in line.words).most_common(1)[0][0])


def _table_lines(
    lines: list[_Line], layout: _Layout, horizontals: list[dict], verticals: list[dict]
) -> list[_Line]:
    """The lines of the table's body on a page: within its columns, above the page's footer
    and the text after the table (ruled: between its top and bottom rules; unruled: until a
    gap of several lines, as before a footer, or a line of prose across the columns)."""
    inside = [line for line in lines if line.words[0]["x0"] >= layout.left - 3]
    if not inside:
        return []
    if layout.ruled:
        rules = [e["top"] for e in horizontals if e["x0"] < layout.right and e["x1"] > layout.left]
        # a row cut by the page's end (or start) may have no rule under (over) it: its column
        # rules still run there
        columns = [e for e in verticals if layout.left - 2 <= e["x0"] <= layout.right + 2]
        rules += [e["bottom"] for e in columns] + [e["top"] for e in columns]
        if not rules:
            return []
        return [line for line in inside if min(rules) - 1 <= line.top < max(rules)]
    out = [inside[0]]
    pitch = 1.5 * layout.size
    for line in inside[1:]:
        if line.top - out[-1].bottom > 2.5 * pitch:
            break
        if _is_prose(line, layout):
            break
        out.append(line)
    return out


def _is_prose(line: _Line, layout: _Layout) -> bool:
    """A line of running text across the columns (the paragraph after a table): one run of
    words without a column's gap, across three columns, of a sentence's length."""
    segments = _segments(line, layout.size)
    if len(segments) != 1:
        return False
    columns = {id(layout.column_of(w["x0"])) for w in line.words}
    return len(columns) >= 3 and (len(line.words) >= 12 or (len(line.words) >= 8 and line.text.endswith(".")))


def _segments(line: _Line, size: float) -> list[list[dict]]:
    """A line's runs of words, cut where the gap is wider than a space: one run per cell."""
    runs: list[list[dict]] = []
    for word in line.words:
        if runs and word["x0"] - runs[-1][-1]["x1"] <= 0.9 * size:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def _ruled_bands(
    lines: list[_Line], layout: _Layout, horizontals: list[dict], verticals: list[dict], page_number: int
) -> list[_Band]:
    """Rows between horizontal rules; a cell with no rule above it continues a merged cell."""
    ys = [e["top"] for e in horizontals if e["x1"] - e["x0"] > 4]
    if verticals:
        ys += [min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)]
    ys = _merge_close(ys, 1.5)
    bands: list[_Band] = []
    for top, bottom in zip(ys, ys[1:], strict=False):
        inside = [line for line in lines if top - 1 <= (line.top + line.bottom) / 2 < bottom]
        if not inside:
            continue
        band = _Band(page_number, inside[0].top)
        middle = (top + bottom) / 2
        internal = [c.left for c in layout.columns[1:]]
        crossed = [
            x
            for x in internal
            if any(abs(e["x0"] - x) <= 2 and e["top"] <= middle <= e["bottom"] for e in verticals)
        ]
        if internal and not crossed:  # no rule inside the band: one cell across the table
            band.spanning = join_lines([line.text for line in inside])
            bands.append(band)
            continue
        _fill(band, inside, layout)
        for column in layout.columns:
            if column.field is None:
                continue
            centre = (column.left + column.right) / 2
            ruled_above = any(
                abs(e["top"] - top) <= 1.5 and e["x0"] <= centre <= e["x1"] for e in horizontals
            )
            if not ruled_above:
                band.merged.add(column.field)
        bands.append(band)
    return bands


def _gap_bands(lines: list[_Line], layout: _Layout, page_number: int) -> list[_Band]:
    """Rows of a table without rules: lines grouped where the gap between them is wider than
    the gap between the lines of one cell."""
    pitches = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False)]
    pitch = Counter(round(p, 1) for p in pitches).most_common(1)[0][0] if pitches else 1.2 * layout.size
    groups: list[list[_Line]] = []
    for line in lines:
        if groups and line.top - groups[-1][-1].top <= pitch * 1.25:
            groups[-1].append(line)
        else:
            groups.append([line])
    bands = []
    for group in groups:
        band = _Band(page_number, group[0].top)
        if len(group) == 1 and (_spans(group[0], layout) or _heading(group[0], layout)):
            band.spanning = group[0].text
        else:
            _fill(band, group, layout)
        bands.append(band)
    return bands


def _spans(line: _Line, layout: _Layout) -> bool:
    """A line that starts in the first column and runs on across two more without a gap."""
    if (
        layout.column_of(line.words[0]["x0"]) is not layout.columns[0]
        or len(_segments(line, layout.size)) != 1
    ):
        return False
    # one run of words across a column's edge: no cell does that, its padding makes a gap
    return len(layout.columns) > 1 and line.words[-1]["x1"] > layout.columns[1].left


def _heading(line: _Line, layout: _Layout) -> bool:
    """A row of one short run of words in the first column alone ("SP4. Research"): a
    section's title, which a table without rules cannot show spanning its columns."""
    runs = _segments(line, layout.size)
    return (
        len(runs) == 1
        and layout.column_of(line.words[0]["x0"]) is layout.columns[0]
        and layout.columns[0].field != "action"
        and line.text[:1].isupper()
        and len(line.words) >= 2
    )


def _fill(band: _Band, lines: list[_Line], layout: _Layout) -> None:
    """Each word into the column its start falls in; words of one column on one text line
    form one line of that cell."""
    for line in lines:
        parts: dict[str, list[dict]] = {}
        for word in line.words:
            column = layout.column_of(word["x0"])
            key = column.field if column is not None and column.field else "?"
            parts.setdefault(key, []).append(word)
        for key, words in parts.items():
            band.cells.setdefault(key, []).append(_Line(line.top, line.bottom, words))
            layout.text_right[key] = max(layout.text_right.get(key, 0.0), words[-1]["x1"])


# ---------------------------------------------------------------- rows


def _has_text(lines: list[_Line] | None) -> bool:
    return bool(lines) and any(line.words for line in lines)


def _continues(band: _Band, previous: _Row) -> bool:
    """A band at the top of a page continues the last row when it lacks the one-line cell
    (priority, item number) its row already has: that fits on the row's first page, longer
    cells run over. Without such a column, when it has none of the short cells its row has."""
    if not band.first_on_page:
        return False
    anchors = [f for f in _ONE_LINE_FIELDS if f in previous.layout.fields] or list(_SHORT_FIELDS)
    had = [f for f in anchors if _has_text(previous.cells.get(f))]
    return bool(had) and not any(_has_text(band.cells.get(f)) for f in had)


def _append(row: _Row, band: _Band) -> None:
    for fname, lines in band.cells.items():
        if lines:
            if fname == "action" and row.action_page is None:
                row.action_page = band.page
            row.cells.setdefault(fname, []).extend(lines)


def _new_row(band: _Band, previous: _Row | None, section: str, layout: _Layout) -> _Row:
    row = _Row(band.page, section, dict(band.cells), layout)
    if _has_text(band.cells.get("action")):
        row.action_page = band.page
    for fname in _CARRIED:
        # a merged cell over this one: its text is this row's too, and said to be inherited
        if fname in band.merged and not _has_text(band.cells.get(fname)) and previous is not None:
            if _has_text(previous.cells.get(fname)):
                row.cells[fname] = previous.cells[fname]
                row.inherited.append(fname)
    return row


def _text(lines: list[_Line], vocab: Counter) -> str:
    return join_lines([line.text for line in lines], vocab, tidy=False)


def _items(
    lines: list[_Line], right: float | None, size: float, phrases: set[str], vocab: Counter
) -> list[str]:
    """A list cell's items ("EC" / "PTC", "CBD, EC"): split at separators and at line breaks,
    but for a wrap: a line that could not have taken the next line's first word, and that the
    next line continues (it starts in lower case, the line before ends on "and", "of", ...,
    or the two words are written together elsewhere in the document: "Policy Commission")."""
    groups: list[list[str]] = []
    for n, line in enumerate(lines):
        wrapped = False
        if n and right is not None:
            before = lines[n - 1].words[-1]
            first = line.words[0]
            fits = (first["x1"] - first["x0"]) + 0.25 * size <= right - before["x1"]
            pair = f"{before['text']} {first['text']}".lower()
            joined = (
                first["text"][:1].islower()
                or before["text"].lower() in _CONNECTORS
                or before["text"].endswith(("-", "&"))
                or pair in phrases
            )
            wrapped = not fits and joined
        if wrapped and groups:
            groups[-1].append(line.text)
        else:
            groups.append([line.text])
    items = []
    for group in groups:
        items += [p for p in _LIST_SPLIT.split(join_lines(group, vocab)) if p]
    return items


def _action_row(
    doc: str, index: int, row: _Row, vocab: Counter, phrases: set[str], inline: set[str]
) -> ActionRow:
    cells = {}
    for fname in ("topic", "objective", "action", "timeframe", "priority", "kpi"):
        cells[fname] = _text(row.cells.get(fname, []), vocab)
    for fname in _LIST_FIELDS:
        joiner = " " if fname == "strategic_objectives" else "; "
        lines = row.cells.get(fname, [])
        if fname in inline:
            items = [p for p in _LIST_SPLIT.split(_text(lines, vocab)) if p]
        else:
            items = _items(lines, row.layout.text_right.get(fname), row.layout.size, phrases, vocab)
        cells[fname] = joiner.join(items)
    cells["section"] = row.section
    cells["inherited"] = "; ".join(row.inherited)
    page = row.action_page or row.page
    return replace(row_from_cells(doc, index + 1, page, cells), source="pdf")
