"""Actions: the whole action table, filtered, sorted, charted and downloadable."""

import textwrap
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from assistant.exports import table, xlsx_bytes
from assistant.ingest.actions import NOT_ASSIGNED, bodies_of, select, teams_of
from ui.common import DOCUMENTS_PAGE, escape, get_assistant

# what staff filter on, visible without scrolling sideways at 1400 px; the rest on request
SHOWN = [
    "Row",
    "Action",
    "Body in charge",
    "Responsible team",
    "Timeframe",
    "Due",
    "Priority",
    "KPI",
    "Status",
]
MORE = [
    "Area/Topic",
    "Objective",
    "Strategic objectives",
    "Strategic priority",
    "GCAP (likely match)",
    "Document",
    "Page",
]
WIDTHS = {
    "Row": 48,
    "Action": 330,
    "Body in charge": 110,
    "Responsible team": 120,
    "Timeframe": 110,
    "Due": 96,
    "Priority": 64,
    "KPI": 210,
    "Status": 96,
}
NO_PRIORITY = "not given"
# one colour per priority, told apart by colour-blind readers too (same in both charts)
PRIORITY_COLOURS = {"A": "#c0392b", "B": "#2471a3", "?": "#e69f00", NO_PRIORITY: "#8c8c8c"}
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1, title="Actions")

assistant = get_assistant()
st.title("Action plan")
try:
    rows = assistant.actions()
    statuses = {s.code: s for s in assistant.status_items()}
except AssistantError as exc:
    st.error(str(exc))
    st.stop()


def options(values) -> list[str]:
    return sorted({v for v in values if v})


# the filters live in the address too ("?body=EC&priority=A"): a reload keeps them and a link
# shares them. Read once, when the page opens; written back as they change.
CHOICES = {
    "body": options(b for r in rows for b in bodies_of(r)),
    "team": options(t for r in rows for t in teams_of(r)),
    "priority": options(r.priority for r in rows),
    "so": options(o for r in rows for o in r.strategic_objectives),
    "sp": options(r.section for r in rows),
    "status": options([r.status or "no status" for r in rows]),
}
params = st.query_params
for name, known in CHOICES.items():
    st.session_state.setdefault(f"filter-{name}", [v for v in params.get_all(name) if v in known])
st.session_state.setdefault("filter-words", params.get("words", ""))


def choose(column, label: str, name: str) -> list[str]:
    return column.multiselect(label, CHOICES[name], key=f"filter-{name}")


with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    bodies = choose(c1, "Body in charge", "body")
    teams = choose(c2, "Responsible team", "team")
    priorities = choose(c3, "Priority", "priority")
    objectives = choose(c4, "Strategic objective", "so")
    c5, c6, c7 = st.columns([2, 1, 2])
    sections = choose(c5, "Strategic priority", "sp")
    status_choice = choose(c6, "Status", "status")
    text = c7.text_input(
        "Words in the action, topic, objective or KPI", placeholder="e.g. waste", key="filter-words"
    )

# the filters chosen, as the address holds them (each a list of values), written when they differ
chosen_filters = {
    name: value if isinstance(value, list) else [value]
    for name in (*CHOICES, "words")
    if (value := st.session_state[f"filter-{name}"])
}
if chosen_filters != {name: params.get_all(name) for name in (*CHOICES, "words") if params.get_all(name)}:
    st.query_params.from_dict(chosen_filters)

chosen = select(rows, bodies, teams, priorities, objectives, sections, status_choice, text)
mended_note = ""  # "wildife" finds nothing: the rows for "wildlife", and the page says so
if not chosen and text.strip() and (mended := assistant.spelled(text)) != text:
    if found := select(rows, bodies, teams, priorities, objectives, sections, status_choice, mended):
        chosen = found
        mended_note = f" No action has the words “{text.strip()}”: showing “{mended.strip()}”."
header, *values = table(chosen)
frame = pd.DataFrame(values, columns=header)
frame.insert(0, "Row", [r.row for r in chosen])
top_left, top_right = st.columns([3, 2])
top_left.caption(
    f"{len(chosen)} of {len(rows)} actions. Click a column's name to sort; tick the box at the "
    "left of a row to open it with its source." + escape(mended_note)
)
extra = top_right.multiselect("More columns", MORE, placeholder="More columns: topic, objective…")
event = st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    height="content",  # every filtered row, no box to scroll inside
    row_height=72,  # three lines: long action texts and KPIs wrap instead of being cut
    on_select="rerun",
    selection_mode="single-row",
    key="actions",
    placeholder="",
    column_order=SHOWN + extra,
    column_config={
        **{name: st.column_config.TextColumn(width=width) for name, width in WIDTHS.items()},
        "Row": st.column_config.NumberColumn(width=WIDTHS["Row"]),
        "Due": st.column_config.DateColumn(width=WIDTHS["Due"], format="MMM YYYY"),
    },
)

d1, d2, _ = st.columns([1, 1, 3])
d1.download_button(
    "Download CSV",
    frame.drop(columns="Row").to_csv(index=False).encode("utf-8-sig"),
    file_name="green-customs-actions.csv",
    mime="text/csv",
    icon=":material/download:",
)
d2.download_button(
    "Download Excel",
    xlsx_bytes(chosen),
    file_name="green-customs-actions.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)


@st.dialog("Action row", width="large")
def row_detail(row) -> None:
    """A clicked row in full, over the page: the table is taller than the window, and a panel
    under it would open out of sight."""
    st.subheader(f"Row {row.row}: {escape(row.topic or row.section)}")
    st.markdown(escape(row.action))
    st.markdown(
        escape(
            f"Body in charge: {', '.join(row.body_in_charge) or 'not given'} · "
            f"Responsible team: {', '.join(row.responsible_team) or 'not given'} · "
            f"Timeframe: {row.timeframe or 'not given'} · Priority: {row.priority or 'not given'}"
        )
    )
    st.markdown(escape(f"KPI: {row.kpi or 'not given'}"))
    due = f"due {date.fromisoformat(row.due_end):%B %Y}" if row.due_end else "no date to sort by"
    st.caption(
        escape(
            f"{row.section} · strategic objectives: {', '.join(row.strategic_objectives) or 'not given'} · "
            f"{due} (read from the timeframe)"
        )
    )
    if row.inherited:
        st.caption(escape(f"Carried down from the merged cell above: {', '.join(row.inherited)}"))
    if row.note:
        st.caption(escape(f"Reviewer's note: {row.note}"))
    if row.gcap and row.gcap in statuses:
        item = statuses[row.gcap]
        st.info(
            escape(
                f"Likely {item.code} in the update (matched by wording: the update does not say "
                f"which row it is): {item.status or 'no status given'}. “{item.evidence or item.text}”"
            )
        )
    st.page_link(
        DOCUMENTS_PAGE,
        label=f"Open the source page (p. {row.page}) at row {row.row}",
        icon=":material/menu_book:",
        query_params={"doc": row.doc, "page": str(row.page), "row": str(row.row)},
    )


selected = event.selection.rows if event and event.selection else []
if selected and selected[0] < len(chosen):
    row = chosen[selected[0]]
    # once per click: the dialog is not opened again by a later rerun (a filter changed)
    if st.session_state.get("row shown") != (row.doc, row.row):
        st.session_state["row shown"] = (row.doc, row.row)
        row_detail(row)
else:
    st.session_state.pop("row shown", None)

st.subheader("The plan at a glance")
left, right = st.columns(2)
priority_colour = alt.Color(
    "Priority:N",
    scale=alt.Scale(domain=list(PRIORITY_COLOURS), range=list(PRIORITY_COLOURS.values())),
    legend=alt.Legend(title="Priority", orient="bottom"),
)
owners = pd.DataFrame(
    [
        {"Body in charge": body, "Priority": r.priority or NO_PRIORITY}
        for r in chosen
        # under each body it names; once as "not assigned" if it names none ("TBD", "All")
        for body in sorted(set(bodies_of(r)))
    ]
)
if not owners.empty:
    left.altair_chart(
        alt.Chart(owners, title="Actions by body in charge")
        .mark_bar()
        .encode(
            y=alt.Y("Body in charge:N", sort="-x", axis=alt.Axis(labelLimit=0, title=None)),
            x=alt.X("count():Q", axis=COUNT_AXIS),
            color=priority_colour,
            tooltip=["Body in charge", "Priority", alt.Tooltip("count():Q", title="Actions")],
        ),
        width="stretch",
    )
    left.caption(
        f"“{NOT_ASSIGNED}”: the plan names no body (TBD, All, None, or an empty cell). A body it "
        "names to coordinate with counts as its own. Priority “?” is what the plan's table "
        f"writes (no priority set yet); “{NO_PRIORITY}” is an empty cell."
    )
dated = pd.DataFrame(
    [
        {
            "Label": f"{r.row}. {textwrap.shorten(r.action, 48, placeholder='…')}",
            "Action": r.action,
            "From": r.due_start,
            "Due": r.due_end,
            "Priority": r.priority or NO_PRIORITY,
            "Timeframe": r.timeframe,
            "Body in charge": ", ".join(r.body_in_charge) or "not given",
        }
        for r in chosen
        if r.due_end
    ]
)
if not dated.empty:
    right.altair_chart(
        alt.Chart(dated, title="Timeframes of dated actions")
        .mark_bar(size=10)
        .encode(
            x=alt.X("From:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)),
            x2="Due:T",
            y=alt.Y("Label:N", sort="x", axis=alt.Axis(labelLimit=0, title=None)),
            color=priority_colour,
            tooltip=["Action", "Timeframe", "Body in charge", "Priority"],
        ),
        width="stretch",
    )
    right.caption(
        "From start to due date; the full action text is in the tooltip. TBD and continuous "
        "actions are in the table only."
    )
