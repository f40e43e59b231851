"""What the pages share: one Assistant per process, and safe rendering of document text."""

from __future__ import annotations

import re
import string

import pandas as pd
import streamlit as st

from assistant.config import get_settings
from assistant.engine import Assistant
from assistant.ingest.actions import LABELS
from ui.warm import warmed

DOCUMENTS_PAGE = "ui/documents.py"
# CommonMark lets every ASCII punctuation character be escaped; escaping them all leaves no
# list marker, heading, link, HTML tag, entity, emphasis, Streamlit directive (":red[...]")
# or LaTeX ("$") in document text, and the text reads the same
_MARKDOWN_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")


@st.cache_resource(show_spinner="Loading the model and the index…")
def _assistant_for(settings) -> Assistant:
    return warmed(settings)  # already loaded when the server was started by `python -m ui.serve`


def get_assistant() -> Assistant:
    """One Assistant per process and settings: the model and the index load once, not per
    session or rerun; it picks up a new index generation by itself after a rebuild."""
    return _assistant_for(get_settings())


def escape(text: str) -> str:
    """Document text shown as Markdown, never as markup: every special character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def lines(text: str) -> str:
    """Escaped text whose line breaks survive Markdown; an answer's own list of rows ("- “…”"
    lines, written by the answerer, not taken from a document) shown as a list."""
    return "  \n".join(
        f"- {escape(line[2:])}" if line.startswith("- ") else escape(line) for line in text.split("\n")
    )


def highlighted(text: str, quote: str) -> str:
    """A passage with the sentences the answer quoted highlighted (no HTML involved)."""
    out = escape(text)
    for part in filter(None, (p.strip() for p in quote.split(" … "))):
        target = escape(part)
        if target and target in out:
            out = out.replace(target, f":orange-background[{target}]", 1)
    return out


# the row fields shown under an answer and for a row opened in the reader, in this order, labelled
# as everywhere else
ROW_FIELDS = [
    (name, LABELS[name])
    for name in (
        "action",
        "body_in_charge",
        "responsible_team",
        "timeframe",
        "priority",
        "kpi",
        "topic",
        "objective",
        "strategic_objectives",
        "gcap",
        "status",
    )
]
DERIVED = {"gcap", "status"}  # read from the updates, not cells of the table: shown when found


def show_row(row) -> None:
    """An action row, every field whole, in the order and with the labels used everywhere: a
    blank cell as the answers say it, and no line for a GCAP item or status none is found for."""
    cells = row.to_dict()
    shown = []  # (label, value)
    for name, field_label in ROW_FIELDS:
        value = cells[name]
        value = ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        if value or name not in DERIVED:
            shown.append((field_label, value or "not given in the table"))
    st.table(  # st.table renders Markdown in its cells: document text escaped
        pd.DataFrame(
            {"Field": [label for label, _ in shown], "Value": [escape(v) for _, v in shown]}
        ).set_index("Field")
    )
