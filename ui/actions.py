"""Actions: the whole action table, filtered, sorted, charted and downloadable."""

import altair as alt
import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from assistant.exports import table, xlsx_bytes
from assistant.ingest.actions import select
from ui.common import DOCUMENTS_PAGE, escape, get_assistant

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


with st.container(border=True):
    c1, c2, c3, c4 = st.columns(4)
    bodies = c1.multiselect("Body in charge", options(b for r in rows for b in r.body_in_charge))
    teams = c2.multiselect("Responsible team", options(t for r in rows for t in r.responsible_team))
    priorities = c3.multiselect("Priority", options(r.priority for r in rows))
    objectives = c4.multiselect(
        "Strategic objective", options(o for r in rows for o in r.strategic_objectives)
    )
    c5, c6, c7 = st.columns([2, 1, 2])
    sections = c5.multiselect("Strategic priority", options(r.section for r in rows))
    status_choice = c6.multiselect("Status", options([r.status or "no status" for r in rows]))
    text = c7.text_input("Words in the action, topic, objective or KPI", placeholder="e.g. waste")

chosen = select(rows, bodies, teams, priorities, objectives, sections, status_choice, text)
header, *values = table(chosen)
frame = pd.DataFrame(values, columns=header)
st.caption(f"{len(chosen)} of {len(rows)} actions. Click a column to sort, a row to see its source.")
event = st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="actions",
    column_order=[
        "Action",
        "Body in charge",
        "Responsible team",
        "Timeframe",
        "Due",
        "Priority",
        "KPI",
        "Status",
        "GCAP (likely match)",
        "Area/Topic",
        "Objective",
        "Strategic objectives",
        "Strategic priority",
        "Document",
        "Page",
        "Id",
    ],
    column_config={
        "Action": st.column_config.TextColumn(width="large"),
        "Due": st.column_config.DateColumn(),
        "From": st.column_config.DateColumn(),
    },
)

d1, d2, _ = st.columns([1, 1, 3])
d1.download_button(
    "Download CSV",
    frame.to_csv(index=False).encode("utf-8-sig"),
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

selected = event.selection.rows if event and event.selection else []
if selected:
    row = chosen[selected[0]]
    with st.container(border=True):
        st.subheader(f"Row {row.row}: {row.topic or row.section}")
        st.markdown(escape(row.action))
        st.write(
            f"Body in charge: {', '.join(row.body_in_charge) or 'not given'} · "
            f"Responsible team: {', '.join(row.responsible_team) or 'not given'} · "
            f"Timeframe: {row.timeframe or 'not given'} · Priority: {row.priority or 'not given'}"
        )
        st.write(f"KPI: {row.kpi or 'not given'}")
        if row.inherited:
            st.caption(f"Carried down from the merged cell above: {', '.join(row.inherited)}")
        if row.note:
            st.caption(f"Reviewer's note: {row.note}")
        if row.gcap and row.gcap in statuses:
            item = statuses[row.gcap]
            st.info(
                f"Likely {item.code} in the update (word overlap {row.gcap_score:.2f}, a likely match, "
                f"not a fact): {item.status or 'no status given'}. “{escape(item.evidence or item.text)}”"
            )
        st.page_link(
            DOCUMENTS_PAGE,
            label=f"Open the source page (p. {row.page})",
            icon=":material/menu_book:",
            query_params={"doc": row.doc, "page": str(row.page)},
        )

st.subheader("The plan at a glance")
left, right = st.columns(2)
owners = pd.DataFrame(
    [
        {"Body in charge": b, "Priority": r.priority or "none"}
        for r in chosen
        for b in (r.body_in_charge or ["not given"])
    ]
)
# the same colour for a priority in both charts
priority_colour = alt.Color(
    "Priority:N",
    scale=alt.Scale(domain=["A", "B", "?", "none"], range=["#c0392b", "#e67e22", "#95a5a6", "#bdc3c7"]),
)
if not owners.empty:
    left.altair_chart(
        alt.Chart(owners)
        .mark_bar()
        .encode(
            y=alt.Y("Body in charge:N", sort="-x"),
            x=alt.X("count():Q", title="Actions"),
            color=priority_colour,
            tooltip=["Body in charge", "Priority", "count()"],
        ),
        width="stretch",
    )
dated = pd.DataFrame(
    [
        {
            "Action": f"{r.row}. {r.action[:60]}",
            "From": r.due_start,
            "Due": r.due_end,
            "Priority": r.priority or "none",
            "Timeframe": r.timeframe,
        }
        for r in chosen
        if r.due_end
    ]
)
if not dated.empty:
    right.altair_chart(
        alt.Chart(dated)
        .mark_bar(size=8)
        .encode(
            x=alt.X("From:T", title="Timeframe"),
            x2="Due:T",
            y=alt.Y("Action:N", sort="x", title=None),
            color=priority_colour,
            tooltip=["Action", "Timeframe", "Priority"],
        ),
        width="stretch",
    )
    right.caption(
        "Actions with a dated timeframe, from start to due date; TBD and continuous ones are "
        "in the table only."
    )
