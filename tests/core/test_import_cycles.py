"""Issue 14 item 4: no import cycle among the webapp modules.

Static reading of every `import` and `from ... import` (lazy ones inside functions too, so a
cycle cannot hide behind an import moved into a function body), then Tarjan's strongly
connected components; any component of more than one module is a cycle.
"""
import ast
import pathlib

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parents[2] / "webapp"


def _modules() -> dict[str, pathlib.Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return mods


def _targets(node: ast.AST, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        up = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join(up + ([base] if base else []))
    return [f"{base}.{alias.name}" for alias in node.names] + [base]


def import_graph() -> dict[str, set[str]]:
    mods = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            for target in map(resolve, _targets(node, package)):
                # A module importing its own package's __init__ is not a cycle worth naming.
                if target and target != mod and not mod.startswith(target + "."):
                    graph[mod].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    digraph = nx.DiGraph([(a, b) for a, targets in graph.items() for b in targets])
    return sorted(sorted(c) for c in nx.strongly_connected_components(digraph) if len(c) > 1)


def test_issue14_point4_no_import_cycle_among_webapp_modules():
    assert cycles(import_graph()) == []


def test_issue14_point4_the_check_sees_a_cycle_held_by_a_lazy_import():
    """The detector itself: an import inside a function body counts, and closes a cycle."""
    tree = ast.parse("def run():\n    from webapp.ml import pipeline\n")
    lazy = [t for node in ast.walk(tree) for t in _targets(node, "webapp.ml")]
    assert "webapp.ml.pipeline" in lazy
    graph = import_graph()
    graph["webapp.ml.jobs"].add("webapp.ml.pipeline")  # what that lazy import in jobs would add
    assert any({"webapp.ml.jobs", "webapp.ml.pipeline"} <= set(c) for c in cycles(graph))
