"""Admin (staff only): upload documents with their details, review them, add or remove
documents, rebuild the index."""

import hmac

import pandas as pd
import streamlit as st

from assistant.errors import AssistantError
from assistant.ingest import uploads
from assistant.ingest.documents import (
    KINDS,
    DocumentInfo,
    discover,
    guess_kind,
    info_for,
    load_manifest,
    title_from_filename,
)
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
state = st.session_state
state.setdefault("admin-uploader", 0)
state.setdefault("admin-messages", [])


def tell(kind: str, message: str) -> None:
    """A message shown after the next rerun (what is written before st.rerun() never shows)."""
    state["admin-messages"].append((kind, message))


def rebuild() -> None:
    """Rebuild in this script run, so every progress report moves the bar as it happens."""
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
        return
    bar.progress(1.0, text="Done")
    state_word = "updated to" if summary.changed else "unchanged at"
    st.success(
        f"Index {state_word} {summary.generation}: {len(summary.added)} added, {len(summary.updated)} "
        f"updated, {len(summary.unchanged)} unchanged, {len(summary.removed)} removed, "
        f"{len(summary.failed)} failed; {summary.passages} passages, {summary.actions} action rows; "
        f"{summary.seconds:.1f} s."
    )
    for name, message in summary.failed.items():
        kept = " Its previous version stays indexed." if name in summary.kept else ""
        st.error(escape(message + kept))
    for messages in summary.warnings.values():
        for message in messages:
            st.warning(escape(message))


st.subheader("Add documents")
files = st.file_uploader(
    "PDF, text or Markdown files (50 MB at most each), or a corrected register (<document>.actions.csv)",
    type=["pdf", "txt", "md", "csv"],
    accept_multiple_files=True,
    key=f"uploader-{state['admin-uploader']}",
)
if files:
    for file in files:
        try:
            uploads.stage(corpus, file.name, file.getvalue())
        except AssistantError as exc:
            tell("error", str(exc))
    state["admin-uploader"] += 1  # a new, empty uploader: the files are listed below as staged
    st.rerun()

for kind, message in state["admin-messages"]:
    getattr(st, kind)(escape(message))
state["admin-messages"] = []

staging = corpus / uploads.STAGING
staged = sorted(staging.glob("*")) if staging.exists() else []
manifest = load_manifest(corpus)
for path in staged:
    with st.container(border=True):
        key = f"preview-{path.name}-{path.stat().st_mtime_ns}"  # read once per staged file
        if key not in state:
            state[key] = assistant.preview(path)
        preview = state[key]
        st.markdown(f"**{escape(path.name)}** — waiting to be added")
        if preview.error:
            st.error(escape(preview.error))
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
            st.warning(escape(warning))
        is_register = path.name.lower().endswith(uploads.REGISTER_SUFFIX)
        with st.form(f"details-{path.name}", border=False):
            known = manifest.get(path.name)
            if not is_register:  # a document's details, as delegates will see them
                f1, f2 = st.columns([3, 1])
                title = f1.text_input("Title", known.title if known else title_from_filename(path.name))
                kind = f2.selectbox(
                    "Kind", KINDS, index=KINDS.index(known.kind if known else guess_kind(path.name))
                )
                f3, f4 = st.columns([1, 3])
                date = f3.text_input("Date", known.date if known else "", placeholder="YYYY-MM")
                meeting = f4.text_input(
                    "Meeting",
                    known.meeting if known else "",
                    placeholder="e.g. Permanent Technical Committee",
                )
            b1, b2, _ = st.columns([1, 1, 4])
            add = b1.form_submit_button("Add to the corpus", type="primary", disabled=bool(preview.error))
            discard = b2.form_submit_button("Discard")
        if add:
            info = None if is_register else DocumentInfo(path.name, title, kind, date, meeting)
            try:
                uploads.accept(corpus, path, info)
            except AssistantError as exc:
                st.error(escape(str(exc)))
            else:
                tell("success", f"{path.name} is in the corpus; rebuild the index to make it live.")
                st.rerun()
        if discard:
            path.unlink(missing_ok=True)
            tell("info", f"{path.name} was discarded.")
            st.rerun()


@st.dialog("Remove a document")
def confirm_removal(doc: str, title: str) -> None:
    st.markdown(
        f"Remove **{escape(title)}** ({escape(doc)}) from the index? The file is kept in "
        "`corpus/.removed/` and can be moved back; the index is rebuilt without it."
    )
    c1, c2 = st.columns(2)
    if c1.button("Remove and rebuild", type="primary"):
        try:
            kept = uploads.remove(corpus, doc)
        except AssistantError as exc:
            st.error(escape(str(exc)))
            return
        tell("info", f"{doc} was removed; it is kept in {kept.relative_to(corpus)}.")
        state["admin-rebuild"] = True
        st.rerun()
    if c2.button("Cancel"):
        st.rerun()


st.subheader("Documents in the corpus")
for path in discover(corpus):
    info = info_for(path, manifest)
    c1, c2, c3 = st.columns([5, 2, 1], vertical_alignment="center")
    c1.markdown(f"**{escape(info.title)}**  \n{escape(path.name)}")
    c2.caption(escape(" · ".join(filter(None, (info.kind, info.date, info.meeting)))))
    if c3.button("Remove", key=f"remove-{path.name}", icon=":material/delete:"):
        confirm_removal(path.name, info.title)

st.subheader("Rebuild the index")
st.caption(
    "Only new or changed documents are read and embedded. Delegates keep using the current index "
    "until the new one is complete; then every session switches to it."
)
if st.button("Rebuild now", type="primary", icon=":material/refresh:") or state.pop("admin-rebuild", False):
    rebuild()
