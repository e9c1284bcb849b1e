"""The layout stays true: layers point one way and no module imports itself in a circle.

Every import counts, including those inside functions (a lazy import is the same dependency).
Layers, bottom to top: ``features.media`` → ``features`` (extractors) → ``scorer`` (scoring, pipeline,
batch, CLI). ``features`` never imports ``scorer``; ``features.media`` imports nothing else of ours.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("features", "scorer", "rubrics")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Our modules that ``path`` imports anywhere in its body (resolved to the longest known module)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            parts = target.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in known:
                    if candidate != name:
                        found.add(candidate)
                    break
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    graph = {name: _imports(path, name, known) for name, path in modules.items()}
    # a package's __init__ is imported with any of its modules; an __init__ that imports nothing adds no edge
    return graph


def test_features_never_import_scorer() -> None:
    bad = sorted(f"{m} imports {t}" for m, ts in _graph().items() if m.startswith("features") for t in ts if t.startswith("scorer"))
    assert not bad, "features/ must not import scorer/:\n" + "\n".join(bad)


def test_media_layer_imports_nothing_above_it() -> None:
    bad = sorted(
        f"{m} imports {t}"
        for m, ts in _graph().items()
        if m.startswith("features.media")
        for t in ts
        if not t.startswith("features.media") and t != "features"
    )
    assert not bad, "features/media/ is the bottom layer:\n" + "\n".join(bad)


SCORING = ("scorer.rubric", "scorer.rubric_loader", "scorer.model", "scorer.explain", "scorer.calibration")


def test_scoring_receives_the_signal_registry() -> None:
    """Rubrics, models, explanations and calibration take the signals as an argument: they import no extractor,
    only the media layer and the record types of ``features.base``; ``scorer.scorers`` binds the registry."""
    bad = sorted(
        f"{m} imports {t}"
        for m, ts in _graph().items()
        if m.startswith(SCORING)
        for t in ts
        if t.startswith("features") and not t.startswith("features.media") and t not in ("features", "features.base")
    )
    assert not bad, "scoring must not import the extractors or their registry:\n" + "\n".join(bad)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import cycles (lazy imports count):\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_cycle_check_can_fail() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_over_400_lines() -> None:
    long = sorted(
        f"{p.relative_to(ROOT)}: {n}"
        for pkg in PACKAGES
        for p in (ROOT / pkg).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400
    )
    assert not long, "modules over 400 lines:\n" + "\n".join(long)
