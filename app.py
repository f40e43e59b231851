"""Streamlit entry point: the pages of the Green Customs plan assistant (`streamlit run app.py`).

The pages in ui/ only wire widgets to the `assistant` library; no retrieval or parsing here.
"""

from pathlib import Path

import streamlit as st

from assistant.config import get_settings

# a local icon: with a Material icon as favicon the browser fetches it from a font CDN
ICON = str(Path(__file__).resolve().parent / "ui" / "icon.png")
st.set_page_config(page_title="Green Customs plan assistant", page_icon=ICON, layout="wide")

pages = [
    st.Page("ui/ask.py", title="Ask", icon=":material/forum:", default=True),
    st.Page("ui/actions.py", title="Actions", icon=":material/table_chart:", url_path="actions"),
    st.Page("ui/documents.py", title="Documents", icon=":material/description:", url_path="documents"),
    # staff's page: out of the menu until a token turns it on (at /admin it says how)
    st.Page(
        "ui/admin.py",
        title="Admin",
        icon=":material/admin_panel_settings:",
        url_path="admin",
        visibility="visible" if get_settings().admin_token else "hidden",
    ),
]
st.navigation(pages, position="top").run()  # the full width for tables
