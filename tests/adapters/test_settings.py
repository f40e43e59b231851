"""Streamlit settings and safety rules a reviewer would check by hand."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_is_private_by_default():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] == 50
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["headless"] is True


def test_no_document_text_can_reach_the_page_as_html():
    sources = [*ROOT.glob("*.py"), *(ROOT / "ui").glob("*.py"), *(ROOT / "assistant").rglob("*.py")]
    offenders = [str(p) for p in sources if re.search(r"unsafe_allow_html\s*=\s*True", p.read_text())]
    assert offenders == []
    # and the library never imports streamlit: the UI stays a thin adapter
    assert not [p for p in (ROOT / "assistant").rglob("*.py") if "import streamlit" in p.read_text()]


def test_the_escaping_used_for_document_text():
    from ui.common import escape, highlighted

    assert escape("<b>x</b> **y** [link](http://x) :red[z] - 1. &amp; $x$") == (
        "\\<b\\>x\\<\\/b\\> \\*\\*y\\*\\* \\[link\\]\\(http\\:\\/\\/x\\) \\:red\\[z\\] "
        "\\- 1\\. \\&amp\\; \\$x\\$"
    )
    assert highlighted("One. Two. Three.", "One. … Three.") == (
        ":orange-background[One\\.] Two\\. :orange-background[Three\\.]"
    )
