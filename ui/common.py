"""What the pages share: one Assistant per process, and safe rendering of document text."""

from __future__ import annotations

import re

import streamlit as st

from assistant.config import Settings, get_settings
from assistant.engine import Assistant
from assistant.index.embedding import BundledEmbedder

DOCUMENTS_PAGE = "ui/documents.py"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$:])")


@st.cache_resource(show_spinner="Loading the model…")
def get_embedder() -> BundledEmbedder:
    """The embedding model, loaded once per process."""
    embedder = BundledEmbedder()
    embedder.encode(["warm up"])  # load the weights now, not on the first question
    return embedder


@st.cache_resource(show_spinner="Opening the index…")
def _assistant_for(settings: Settings) -> Assistant:
    return Assistant(settings, embedder=get_embedder())


def get_assistant() -> Assistant:
    """One Assistant per process and settings: the model and the index load once, not per
    session or rerun; it picks up a new index generation by itself after a rebuild."""
    return _assistant_for(get_settings())


def escape(text: str) -> str:
    """Document text shown as Markdown, never as markup: every special character escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def lines(text: str) -> str:
    """Escaped text whose line breaks survive Markdown."""
    return "  \n".join(escape(line) for line in text.split("\n"))


def highlighted(text: str, quote: str) -> str:
    """A passage with the sentences the answer quoted highlighted (no HTML involved)."""
    out = escape(text)
    for part in filter(None, (p.strip() for p in quote.split(" … "))):
        target = escape(part)
        if target and target in out:
            out = out.replace(target, f":orange-background[{target}]", 1)
    return out
