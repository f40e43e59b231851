"""Documents: what is indexed, and a reader that opens a document at a cited passage."""

import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from ui.common import escape, get_assistant

assistant = get_assistant()
st.title("Documents")
try:
    generation = assistant.generation()
    documents = generation.documents()
except AssistantError as exc:
    st.error(str(exc))
    st.stop()

st.dataframe(
    pd.DataFrame(
        [
            {
                "Title": d.title,
                "Kind": d.kind,
                "Date": d.date,
                "Meeting": d.meeting,
                "File": d.doc,
                "Pages": d.pages,
                "Passages": d.passages,
                "Action rows": d.actions,
                "Indexed": d.indexed_at,
            }
            for d in documents
        ]
    ),
    hide_index=True,
    width="stretch",
)
st.caption(f"Index generation {generation.name}")

names = [d.doc for d in documents]
wanted_doc = st.query_params.get("doc")
wanted_item = st.query_params.get("item")
doc = st.selectbox(
    "Read",
    names,
    index=names.index(wanted_doc) if wanted_doc in names else 0,
    format_func=lambda name: next(d.title for d in documents if d.doc == name),
)
passages = generation.items_of(doc=doc, kind="passage")
target = next((p for p in passages if wanted_item and str(p.id) == wanted_item), None)
pages = sorted({p.page for p in passages})
default_page = target.page if target else int(st.query_params.get("page", pages[0] if pages else 1))
page = st.selectbox("Page", pages, index=pages.index(default_page) if default_page in pages else 0)

section = None
for passage in (p for p in passages if p.page == page):
    if passage.section and passage.section != section:
        section = passage.section
        st.markdown(f"#### {escape(section)}")
    label = f"**{escape(passage.paragraph)}.** " if passage.paragraph else ""
    body = escape(passage.text)
    if target is not None and passage.id == target.id:
        st.markdown(f"{label}:orange-background[{body}]")
        st.caption("The cited passage")
    else:
        st.markdown(f"{label}{body}")
rows = [r for r in assistant.actions() if r.doc == doc and r.page == page]
if rows:
    st.markdown(f"#### Action table ({len(rows)} rows on this page)")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Row": r.row,
                    "Action": r.action,
                    "Body in charge": ", ".join(r.body_in_charge),
                    "Responsible team": ", ".join(r.responsible_team),
                    "Timeframe": r.timeframe,
                    "Priority": r.priority,
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
