"""The package's layers: the model at the top of ``sim/``, each user of it (a wing) in a folder of its own.

Imports flow one way: the wings (``sim.study`` with its Hydra plugins in ``hydra_plugins/``, ``sim.search``,
``sim.validation``, ``sim.page``) use the model; the model imports no wing; and no chain of
imports comes back to where it started. Every import counts, also one inside a function.
``sim/__main__.py`` (``python -m sim``) is the entry point of the command line, not part of
the model.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIM = ROOT / "sim"
WINGS = ("sim.study", "sim.validation", "sim.page", "sim.search", "hydra_plugins")
ENTRY_POINTS = {"sim.__main__"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for folder in ("sim", "hydra_plugins") for p in (ROOT / folder).rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """The modules of ``sim`` and ``hydra_plugins`` that ``path`` imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from sim.page import explain` imports the module sim.page.explain
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in MODULES else node.module
                     for alias in node.names]
        else:
            continue
        found |= {name for name in names if name in MODULES}
    return found


GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def is_wing(name: str) -> bool:
    return any(name == wing or name.startswith(wing + ".") for wing in WINGS)


def test_the_model_imports_no_wing():
    model = [m for m in GRAPH if not is_wing(m) and m not in ENTRY_POINTS]
    assert "sim.model" in model and "sim.levers" in model and "sim.roads.custom" in model
    wrong = {m: sorted(filter(is_wing, GRAPH[m])) for m in model if any(map(is_wing, GRAPH[m]))}
    assert not wrong, f"model modules that import a wing: {wrong}"


def test_no_chain_of_imports_comes_back():
    state: dict[str, int] = {}   # 1 on the path, 2 done
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        path.append(name)
        for target in sorted(GRAPH[name]):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[name] = 2
        return None

    for name in sorted(GRAPH):
        if name not in state:
            cycle = visit(name)
            assert cycle is None, "modules that import each other: " + " -> ".join(cycle)


def test_every_wing_is_a_folder_and_the_top_holds_the_model():
    for wing in WINGS[:3]:
        assert (ROOT / wing.replace(".", "/") / "__init__.py").exists(), wing
    top = {p.stem for p in SIM.glob("*.py")} - {"__init__", "__main__"}
    assert {"model", "agents", "levers", "management", "organisation", "employees", "customers", "service",
            "accounting", "measurement"} <= top
    assert not top & {"cli", "sweep", "aggregate", "plots", "sensitivity", "validate", "patterns", "app", "explain"}
