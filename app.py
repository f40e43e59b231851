"""Streamlit app: a thin adapter over the `assistant` library (no retrieval logic here)."""

import streamlit as st

from assistant.engine import Assistant
from assistant.errors import AssistantError

st.set_page_config(page_title="Green Customs plan assistant", layout="wide")


@st.cache_resource
def get_assistant() -> Assistant:
    """One Assistant per process: the model and index load once, not per session or rerun."""
    return Assistant()


st.title("Green Customs plan assistant")
st.caption("Offline, citation-first answers from the WCO Green Customs Action Plan documents.")

try:
    documents = get_assistant().documents()
except AssistantError as exc:
    st.error(str(exc))
    st.stop()

st.subheader("Indexed documents")
st.dataframe(
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
    ],
    hide_index=True,
    use_container_width=True,
)
