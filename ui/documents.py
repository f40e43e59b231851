"""Documents: what is indexed, and a reader that opens a document at a cited passage or row."""

import re

import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from ui.common import escape, get_assistant, show_row
from ui.reader import blocks

CITED = "cited"  # the key of the container around the passage or row a link points at
# the marked container stands out, and the page scrolls to it once it is drawn (a static
# script: no document text goes into it)
MARK_STYLE = (
    f"<style>.st-key-{CITED} {{ background: #fff4d6; border-radius: 0.5rem; padding: 0.5rem; }}</style>"
)
SCROLL_SCRIPT = f"""<script>
const find = (tries) => {{
  const el = window.parent.document.querySelector('.st-key-{CITED}');
  if (el) el.scrollIntoView({{block: 'center'}});
  else if (tries < 100) setTimeout(() => find(tries + 1), 100);
}};
find(0);
</script>"""

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
built = re.match(r"g-(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)", generation.name)
st.caption(
    f"Index built {built[1]}-{built[2]}-{built[3]} {built[4]}:{built[5]} UTC. Page numbers are those "
    "printed in each document."
    if built
    else f"Index {generation.name}. Page numbers are those printed in each document."
)

names = [d.doc for d in documents]
if not names:
    st.info("No document is indexed yet.")
    st.stop()
params = st.query_params
wanted_doc = params.get("doc")
if wanted_doc is not None and wanted_doc not in names:
    st.warning(escape(f"The link asks for “{wanted_doc}”, which is not in the index: choose a document."))
doc = st.selectbox(
    "Read",
    names,
    index=names.index(wanted_doc) if wanted_doc in names else 0,
    format_func=lambda name: next(d.title for d in documents if d.doc == name),
)
opened = doc == wanted_doc  # the link's passage or row belongs to the document shown
passages = generation.items_of(doc=doc, kind="passage")
rows_of_doc = [r for r in assistant.actions() if r.doc == doc]
target = next((p for p in passages if opened and str(p.id) == params.get("item")), None)
target_row = next((r for r in rows_of_doc if opened and str(r.row) == params.get("row")), None)
pages = sorted({p.page for p in passages} | {r.page for r in rows_of_doc})
linked_page = target.page if target else target_row.page if target_row else params.get("page")
default_page = int(linked_page) if opened and str(linked_page or "").isdigit() else (pages[0] if pages else 1)
page = st.selectbox("Page", pages, index=pages.index(default_page) if default_page in pages else 0)
# the address follows what is read, so a reload or a shared link shows it; the link's mark is
# kept while its page is the one shown. A bare address showing the first page of the first
# document is left bare: writing it would add a history entry that Back returns to, only to
# be written again (Back seemed to do nothing)
shown_by_default = "doc" not in params and doc == names[0] and page == (pages[0] if pages else 1)
if not shown_by_default and (params.get("doc") != doc or params.get("page") != str(page)):
    mark = {k: params[k] for k in ("item", "row") if k in params and opened and str(linked_page) == str(page)}
    st.query_params.from_dict({"doc": doc, "page": str(page), **mark})

marked = False
units = {s.code: s.responsible for s in assistant.status_items() if s.doc == doc and s.responsible}
for block in blocks([p for p in passages if p.page == page], units):
    if target is not None and block.item_id == target.id:
        with st.container(key=CITED):
            st.markdown(block.markdown)
            st.caption("The cited passage")
        marked = True
    else:
        st.markdown(block.markdown)

rows = [r for r in rows_of_doc if r.page == page]
if rows:
    st.markdown(f"#### Action table ({len(rows)} rows on this page)")
    frame = pd.DataFrame(
        [
            {
                "Row": r.row,
                "Action": r.action,
                "Body in charge": ", ".join(r.body_in_charge),
                "Responsible team": ", ".join(r.responsible_team),
                "Timeframe": r.timeframe,
                "Priority": r.priority,
                "KPI": r.kpi,
            }
            for r in rows
        ]
    )
    widths = {"Action": 420, "Body in charge": 120, "Responsible team": 140, "Timeframe": 140, "Priority": 70}
    columns = {
        "Row": st.column_config.NumberColumn(width=50),
        **{name: st.column_config.TextColumn(width=width) for name, width in widths.items()},
        "KPI": st.column_config.TextColumn(width=260),
    }
    if target_row is not None and target_row in rows:
        with st.container(key=CITED):
            st.caption(f"Row {target_row.row}, the row you opened")
            show_row(target_row)  # every field whole: the table below cuts long cells
        marked = True
    st.dataframe(
        frame, hide_index=True, width="stretch", row_height=72, column_config=columns, height="content"
    )

if marked:
    st.html(MARK_STYLE)
    st.iframe(SCROLL_SCRIPT, height=1)  # static: the warning about untrusted HTML does not apply
