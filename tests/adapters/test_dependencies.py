"""The parsers and the web server are installed at or above their security floors."""

import re
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
GUARDED = {"streamlit", "pypdf", "pdfplumber", "pdfminer.six"}


def test_installed_versions_meet_the_security_floors():
    requirements = [Requirement(r) for r in tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]]
    floors = {r.name.lower(): r for r in requirements if r.name.lower() in GUARDED}
    assert set(floors) == GUARDED
    for name, requirement in floors.items():
        installed = metadata.version(name)
        assert requirement.specifier.contains(installed, prereleases=True), (name, installed)
        assert re.search(r">=\s*\d", str(requirement.specifier)), f"{name} has no floor"
