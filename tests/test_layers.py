"""The package's shape: stages in the order a document goes through them, no import cycles,
no arrow from an earlier stage into a later one, and the library never imports streamlit."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "assistant"
# earlier stages first; a module may import its own stage and earlier ones only
STAGES = [
    {"assistant", "assistant.config", "assistant.errors", "assistant.faults", "assistant.words"},
    {"assistant.ingest"},
    {"assistant.index"},
    {"assistant.answer"},
    {"assistant.engine", "assistant.exports"},  # the library's face: one Assistant object
    {"assistant.tooling"},  # evaluation, tuning and benchmarks: beside the product path
    {"assistant.cli", "assistant.__main__"},  # the adapter that also runs the tooling
]


def _module(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every assistant module a file imports, at the top or inside a function."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("assistant"):
                for alias in node.names:  # "from . import store" imports a module
                    candidate = f"{target}.{alias.name}"
                    found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("assistant")}
    return found


def _exists(module: str) -> bool:
    relative = Path(*module.split(".")[1:])
    return (PACKAGE / relative).with_suffix(".py").exists() or (PACKAGE / relative / "__init__.py").exists()


def _stage(module: str) -> int:
    for n, stage in enumerate(STAGES):
        if module in stage or any(module.startswith(f"{s}.") for s in stage if s != "assistant"):
            return n
    raise AssertionError(f"{module} belongs to no stage")


GRAPH = {_module(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def test_no_arrow_from_an_earlier_stage_into_a_later_one():
    backwards = [
        (module, target)
        for module, targets in GRAPH.items()
        for target in targets
        if _stage(target) > _stage(module)
    ]
    assert backwards == []


def test_no_import_cycles():
    def visit(node, path):
        if node in path:
            return path[path.index(node) :] + [node]
        for target in sorted(GRAPH.get(node, ())):
            if cycle := visit(target, [*path, node]):
                return cycle
        return None

    cycles = [cycle for module in GRAPH if (cycle := visit(module, []))]
    assert cycles == []


def test_the_library_never_imports_streamlit():
    assert not [p for p in PACKAGE.rglob("*.py") if "import streamlit" in p.read_text(encoding="utf-8")]
