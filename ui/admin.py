"""Admin (staff only): upload documents, preview them, add them to the corpus, rebuild."""

import hmac

import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from assistant.ingest import uploads
from ui.common import escape, get_assistant

assistant = get_assistant()
st.title("Admin")
token = assistant.settings.admin_token
if not token:
    st.warning(
        "The admin page is off. To enable it, start the app with a secret token in the "
        "environment, for example `ASSISTANT_ADMIN_TOKEN=$(openssl rand -hex 16) make run`, "
        "and give the token to staff."
    )
    st.stop()
entered = st.text_input("Admin token", type="password")
if not entered:
    st.stop()
if not hmac.compare_digest(entered.encode(), token.encode()):
    st.error("That token is not right.")
    st.stop()

corpus = assistant.corpus_dir
st.subheader("Add documents")
files = st.file_uploader(
    "PDF, text or Markdown files (50 MB at most each), or a corrected register (<document>.actions.csv)",
    type=["pdf", "txt", "md", "csv"],
    accept_multiple_files=True,
)
for file in files or []:
    key = f"staged-{file.file_id}"
    if key not in st.session_state:
        try:
            st.session_state[key] = str(uploads.stage(corpus, file.name, file.getvalue()))
        except AssistantError as exc:
            st.session_state[key] = None
            st.error(str(exc))

staging = corpus / uploads.STAGING
staged = sorted(staging.glob("*")) if staging.exists() else []
for path in staged:
    with st.container(border=True):
        key = f"preview-{path.name}-{path.stat().st_mtime_ns}"  # read once per staged file
        if key not in st.session_state:
            st.session_state[key] = assistant.preview(path)
        preview = st.session_state[key]
        st.markdown(f"**{escape(path.name)}** — waiting to be added")
        if preview.error:
            st.error(preview.error)
        else:
            m1, m2, m3, m4 = st.columns(4)
            m1.metric("Pages", preview.pages)
            m2.metric("Passages", preview.passages)
            m3.metric("Action rows", preview.action_rows)
            m4.metric("Status items", preview.status_items)
            for text in preview.first_passages:
                st.caption(escape(text))
            if preview.rows:  # the action table as read: to review before it goes live
                st.caption(
                    "The action rows as read from the document. To correct them, download the register, "
                    "edit it in a spreadsheet and upload it back: a register beside its document wins "
                    "over what is read from the PDF."
                )
                st.dataframe(pd.DataFrame(preview.rows), hide_index=True, width="stretch", height=300)
                if not preview.register_for:
                    st.download_button(
                        "Download the register (CSV)",
                        preview.register_csv().encode("utf-8"),
                        file_name=f"{path.stem}.actions.csv",
                        mime="text/csv",
                        key=f"register-{path.name}",
                        icon=":material/download:",
                    )
            if preview.register_for:
                st.info(
                    f"A reviewed register for {escape(preview.register_for)}: "
                    "it replaces the rows read from it."
                )
        for warning in preview.warnings:
            st.warning(warning)
        b1, b2, _ = st.columns([1, 1, 4])
        if b1.button("Add to the corpus", key=f"accept-{path.name}", disabled=bool(preview.error)):
            uploads.accept(corpus, path)
            # shown after the rerun (a message written before st.rerun() never reaches the page)
            st.session_state["admin-added"] = (
                f"{path.name} is in the corpus; rebuild the index to make it live."
            )
            st.rerun()
        if b2.button("Discard", key=f"discard-{path.name}"):
            path.unlink(missing_ok=True)
            st.rerun()

if added := st.session_state.pop("admin-added", None):
    st.success(escape(added))

st.subheader("Rebuild the index")
st.caption(
    "Only new or changed documents are read and embedded. Delegates keep using the current index "
    "until the new one is complete; then every session switches to it."
)
if st.button("Rebuild now", type="primary", icon=":material/refresh:"):
    bar = st.progress(0.0, text="Starting…")
    done: dict[str, int] = {}

    def progress(stage: str, advance: int, total: int) -> None:
        done[stage] = done.get(stage, 0) + advance
        share = min(done[stage] / total, 1.0) if total else 1.0
        bar.progress(share, text=f"{stage}: {done[stage]} of {total}")

    try:
        summary = assistant.build(progress=progress, wait=30)
    except AssistantError as exc:
        st.error(str(exc))
    else:
        bar.progress(1.0, text="Done")
        state = "updated to" if summary.changed else "unchanged at"
        st.success(
            f"Index {state} {summary.generation}: {len(summary.added)} added, {len(summary.updated)} "
            f"updated, {len(summary.unchanged)} unchanged, {len(summary.removed)} removed, "
            f"{len(summary.failed)} failed; {summary.passages} passages, {summary.actions} action rows; "
            f"{summary.seconds:.1f} s."
        )
        for name, message in summary.failed.items():
            kept = " Its previous version stays indexed." if name in summary.kept else ""
            st.error(message + kept)
        for messages in summary.warnings.values():
            for message in messages:
                st.warning(message)
