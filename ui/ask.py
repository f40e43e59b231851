"""Ask: a chat over the documents, each answer with its citations one click away."""

import streamlit as st

from assistant.answer import to_markdown
from assistant.errors import AssistantError
from ui.common import DOCUMENTS_PAGE, escape, get_assistant, highlighted, lines, show_row

EXAMPLES = [
    "What is Green Customs?",
    "What did the 2025 update say about the self-assessment tool?",
    "Who owns the return-refill guidelines?",
    "Which priority-A actions are due in 2023?",
    "What is EC in charge of?",
    "What is the status of GCAP-19?",
]


def show_citation(n: int, citation, key: str) -> None:
    label = escape(
        f"[{n}] {citation.title} — {citation.label}" + (f" — {citation.section}" if citation.section else "")
    )
    with st.expander(label):
        if citation.row is not None:
            show_row(citation.row)
        else:
            st.markdown(highlighted(citation.text, citation.quote))
        st.page_link(
            DOCUMENTS_PAGE,
            label="Open in the document reader",
            icon=":material/menu_book:",
            query_params=(
                {"doc": citation.doc, "page": str(citation.page), "row": str(citation.row.row)}
                if citation.row is not None
                # the page too, so the reader has nothing to add to the address (a history entry)
                else {"doc": citation.doc, "page": str(citation.page), "item": str(citation.item_id)}
            ),
        )


def show_turn(index: int, turn) -> None:
    with st.chat_message("user"):
        st.markdown(escape(turn.question))
    with st.chat_message("assistant"):
        if turn.abstained:
            st.info(lines(turn.text), icon=":material/search_off:")
            if turn.citations:
                st.caption("Closest passages")
        else:
            st.markdown(lines(turn.text))
        for n, citation in enumerate(turn.citations, 1):
            show_citation(n, citation, key=f"{index}-{n}")


assistant = get_assistant()
history = st.session_state.setdefault("history", [])

st.title("Ask the Green Customs documents")
st.caption(
    "Every sentence of an answer is quoted from the documents and cited; "
    "when they do not answer, the assistant says so."
)

question = st.chat_input("Ask about the Green Customs Action Plan and its updates")
if not history and not question:
    examples = st.empty()  # shown on an empty chat only, gone once a question is asked
    with examples.container():
        st.write("Try one of these:")
        columns = st.columns(2)
        for i, example in enumerate(EXAMPLES):
            if columns[i % 2].button(example, key=f"example-{i}", width="stretch"):
                question = example
    if question:
        examples.empty()
if question:
    try:
        history.append(assistant.ask(question, history))
    except AssistantError as exc:
        st.error(str(exc))

for index, turn in enumerate(history):
    show_turn(index, turn)

if history:
    left, right = st.columns([3, 1])
    left.download_button(
        "Download the conversation (Markdown, with sources)",
        to_markdown(history),
        file_name="green-customs-conversation.md",
        mime="text/markdown",
        icon=":material/download:",
    )
    if right.button("Clear the conversation", icon=":material/delete:"):
        history.clear()
        st.rerun()
