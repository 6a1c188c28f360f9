"""No new import circle in `gingham/`: modules that import each other, directly or through others,
cannot be understood, tested or moved one at a time.

The graph is read from the source: every module-level import, those under TYPE_CHECKING included
(a circle a type checker needs is still a circle a reader must follow); imports inside functions
are left out. The circles that exist today are listed in KNOWN_CIRCLES, to be taken apart; any
other circle fails the test, and so does a listed one that has gone, so that the list only
shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).parent.parent / "gingham"

# Each a set of modules that import one another (a strongly connected component).
KNOWN_CIRCLES: list[frozenset[str]] = [
    # The state machine starts and ends OAuth trips; the trips take the machine by its type.
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_level(tree: ast.Module) -> Iterator[ast.stmt]:
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from node.body
        else:
            yield node


def imports_of(path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in _module_level(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found.update(name for name in names if name in modules)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) - {name} for name, path in paths.items()}


def circles(graph: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


class TestImportGraph:
    def test_no_new_import_circle(self) -> None:
        new = [sorted(c) for c in circles(import_graph()) if c not in KNOWN_CIRCLES]
        assert not new, f"new import circles in gingham/: {new}"

    def test_the_known_circles_are_still_there_or_struck_off(self) -> None:
        current = circles(import_graph())
        gone = [sorted(c) for c in KNOWN_CIRCLES if c not in current]
        assert not gone, f"remove these from KNOWN_CIRCLES, they are gone: {gone}"

    def test_a_circle_is_found(self) -> None:
        graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
        assert circles(graph) == [frozenset({"a", "b", "c"})]
