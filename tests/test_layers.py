"""How the modules depend on each other: one way, no circles, light where it matters."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cleanhtml"
MODULES = {
    ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): p
    for p in PACKAGE.rglob("*.py")
}
KNOWN_CIRCLES: list[set[str]] = [
    # the cache reads the runner's FileResult, the runner opens the cache (both lazily);
    # the worker pool is given what it runs by the runner, so it is not in the circle
    {"cleanhtml.cache", "cleanhtml.runner"},
]


def _type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _imports(path: Path, *, lazy: bool) -> set[str]:
    """The cleanhtml modules ``path`` imports: at module level, or anywhere with ``lazy``
    (imports for type checking only are not imports)."""
    tree = ast.parse(path.read_text("utf-8"))
    nodes: list[ast.AST] = []
    stack: list[ast.AST] = [s for s in tree.body if not _type_checking(s)]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if lazy:
            stack.extend(
                child
                for child in ast.iter_child_nodes(node)
                if not (isinstance(child, ast.stmt) and _type_checking(child))
            )
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cleanhtml"):
            assert node.module is not None
            subs = {f"{node.module}.{a.name}" for a in node.names} & set(MODULES)
            found |= subs or {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("cleanhtml")}
    return (found & set(MODULES)) - {"cleanhtml"}


def _circles(*, lazy: bool) -> list[set[str]]:
    graph = {name: _imports(path, lazy=lazy) for name, path in MODULES.items()}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
        return seen

    reached = {name: reach(name) for name in graph}
    circles: list[set[str]] = []
    for name in sorted(graph):
        if name in reached[name] and not any(name in c for c in circles):
            circles.append({other for other in reached[name] if name in reached[other]})
    return circles


def test_no_import_circles_at_module_level() -> None:
    assert _circles(lazy=False) == []


def test_no_import_circles_even_through_lazy_imports() -> None:
    """api <-> render.json and config -> dask -> runner -> config were circles."""
    assert _circles(lazy=True) == KNOWN_CIRCLES


@pytest.mark.parametrize(
    "code, absent",
    [
        # checking `dask = "local"` in a config file loads neither dask nor the cleaner
        (
            "from cleanhtml.config import parse_table; parse_table({'dask': 'local'}, 'x')",
            ("dask", "distributed", "lxml", "cleanhtml.api"),
        ),
        # the format table (CLI choices, -o suffixes) loads no renderer
        (
            "from cleanhtml.render import FORMATS; [f.suffix for f in FORMATS.values()]",
            ("lxml", "cleanhtml.render.text", "cleanhtml.render.markdown"),
        ),
    ],
)
def test_light_paths_stay_light(code: str, absent: tuple[str, ...]) -> None:
    pytest.importorskip("dask")
    probe = f"{code}; import sys; print(sorted(m for m in {absent!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True)
    assert done.stdout.decode().strip() == "[]"


def test_every_format_has_a_renderer_and_a_fixture() -> None:
    """A format is one module and one row: the row's module renders a cleaned document,
    and some fixture holds an expected file for it."""
    import cleanhtml
    from cleanhtml.api import clean_document
    from cleanhtml.render import FORMATS

    fixtures = PACKAGE.parent / "fixtures"
    cleaned = clean_document("<p>a<!-- x -->b</p>")
    for name, fmt in FORMATS.items():
        assert isinstance(fmt.renderer(cleaned), str)
        assert cleanhtml.clean("<p>ab</p>", to=name) == fmt.renderer(clean_document("<p>ab</p>"))
        pattern = f"*/expected{fmt.expected}" if fmt.expected else "*/expected.html"
        assert list(fixtures.glob(pattern)), f"no fixture has an expected file for {name}"
