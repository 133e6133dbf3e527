"""Start-up: what a one-post run imports (issue 16). Each module costs every run.

A post read from standard input needs the cleaner and nothing else: no progress bar
(rich), no diff (difflib), no encoding detection (charset-normalizer) for UTF-8, no
YAML (front matter is kept as raw text), no Markdown parser for a post whose body is
HTML, no cache (nothing is written), no pool. The lists below are exact for our own
modules, so a new import on this path shows up here and is a choice, not an accident.
Measure a change with ``python -X importtime -m cleanhtml - < post.md``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import cast

import pytest

from cleanhtml.guard import COLLECT_AFTER

REPO = Path(__file__).resolve().parent.parent
POST = REPO.parent / "shared" / "corpus" / "sina" / "000.md"

DUMP = """
import atexit, json, runpy, sys
def dump():
    sys.__stderr__.write("MODULES " + json.dumps(sorted(sys.modules)) + "\\n")
atexit.register(dump)
sys.argv = ["cleanhtml", *sys.argv[1:]]
runpy.run_module("cleanhtml", run_name="__main__")
"""

FORBIDDEN = (
    "rich",
    "difflib",
    "charset_normalizer",
    "yaml",
    "markdown_it",
    "hashlib",
    "multiprocessing",
    "concurrent.futures",
    "dask",
    "dataclasses",
    "html",
    "locale",
    "cleanhtml.cache",
    "cleanhtml.render.text",
    "cleanhtml.render.markdown",
    "cleanhtml.render.json",
)
"""Never imported by a one-post run (json is not listed: the dump itself uses it). locale
is what click's gettext calls import (its help and version options, click.Path: the
command makes its own, tests/test_startup.py::test_paths_as_click_checks_them). html
(with html.entities, a large table) is loaded only for an input holding a named character
reference or a numeric one to an unusual character; 000.md holds ``&#123;`` and ``&#125;``."""

CLEANER = {
    "cleanhtml",
    "cleanhtml.api",
    "cleanhtml.census",
    "cleanhtml.cleaned",
    "cleanhtml.cli",
    "cleanhtml.config",
    "cleanhtml.document",
    "cleanhtml.encoding",
    "cleanhtml.errors",
    "cleanhtml.files",
    "cleanhtml.frontmatter",
    "cleanhtml.guard",
    "cleanhtml.markdown_body",
    "cleanhtml.parse",
    "cleanhtml.pipeline",
    "cleanhtml.profiles",
    "cleanhtml.records",
    "cleanhtml.render",
    "cleanhtml.repairs",
    "cleanhtml.report",
    "cleanhtml.rule",
    "cleanhtml.rules",
    "cleanhtml.rules.custom",
    "cleanhtml.rules.markup",
    "cleanhtml.rules.news",
    "cleanhtml.rules.safety",
    "cleanhtml.rules.sites",
    "cleanhtml.rules.sites.base",
    "cleanhtml.rules.whitespace",
    "cleanhtml.runner",
    "cleanhtml.serialize",
    "cleanhtml.treefixes",
    "cleanhtml.treeops",
    "cleanhtml.watch",
    "cleanhtml._walk",
}
"""Our modules a post cleaned in this process loads (``--timeout 0``): no site module
(the registry's static table picks the site; this post names none, and a post of a
site imports that site's module only: tests/test_sites.py). ``cleanhtml.guard`` is the
command's first module (the guard process, which forked the one cleaning), ``watch`` its
child's side. ``_walk`` is the census walk in Python (and the names it tests); the
compiled one (``_cwalk``, setup.py) is not loaded for a process's first small document
(``cleanhtml.census.SMALL``): loading it costs one post more than it saves."""


def imported(*args: str, data: bytes) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", DUMP, *args], input=data, capture_output=True, check=True
    )
    line = next(x for x in run.stderr.decode().splitlines() if x.startswith("MODULES "))
    assert run.stdout  # the cleaned post
    return set(json.loads(line.removeprefix("MODULES ")))


def forbidden(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith(FORBIDDEN))


@pytest.fixture(scope="module")
def post() -> bytes:
    if not POST.is_file():
        pytest.skip(f"{POST} not found")
    return POST.read_bytes()


def test_one_post_in_process_imports_only_the_cleaner(post: bytes) -> None:
    modules = imported("--timeout", "0", "-", data=post)
    assert forbidden(modules) == []
    assert "copy" not in modules  # (copyreg is Python's own: not a FORBIDDEN prefix)
    assert "bisect" not in modules  # (Markdown bodies only)
    assert {m for m in modules if m.startswith("cleanhtml")} == CLEANER
    assert [m for m in modules if site_module(m)] == []


def site_module(name: str) -> bool:
    """A site profile's module (``cleanhtml.rules.sites.<site>``), or the page helpers
    beside them (``meta``, the finder ``density``): a post of no known site needs none."""
    parent, _, leaf = name.rpartition(".")
    return parent == "cleanhtml.rules.sites" and leaf != "base"


def test_one_post_with_a_time_limit_is_cleaned_under_the_guard(post: bytes) -> None:
    """The default run (a time limit) cleans the post in the process the guard forked
    before any of this was imported (cleanhtml.guard): no worker, no pool machinery."""
    modules = imported("-", data=post)
    assert forbidden(modules) == []
    assert {m for m in modules if m.startswith("cleanhtml")} == CLEANER
    assert [m for m in modules if site_module(m)] == []


def test_writing_a_file_loads_no_openssl(post: bytes, tmp_path: Path) -> None:
    """Each process that writes files (a batch's workers, ``-i``, ``-o``) names its
    temporary files and digests its outputs without hashlib, secrets or random: they load
    OpenSSL and random's tables, ~7 ms of every worker's start (issue 16's ``-j`` row)."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "post.md").write_bytes(post)
    out = tmp_path / "out"
    args = ["--timeout", "0", "-o", str(out), str(tmp_path / "in" / "post.md")]
    run = subprocess.run([sys.executable, "-c", DUMP, *args], capture_output=True, check=True)
    line = next(x for x in run.stderr.decode().splitlines() if x.startswith("MODULES "))
    modules = set(json.loads(line.removeprefix("MODULES ")))
    assert (out / "post.md").read_bytes()  # written, by this process (no worker)
    assert "cleanhtml.runner" in modules and "cleanhtml.cache" in modules
    assert modules & {"hashlib", "_hashlib", "secrets", "random", "hmac"} == set()


GUARD = """
import json, sys
before = set(sys.modules)
import cleanhtml.guard
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_the_guard_imports_almost_nothing() -> None:
    """What the guard holds when it forks, the child copies as it touches it (reference
    counts): the guard imports only modules written in C (not typing, not click)."""
    run = subprocess.run([sys.executable, "-c", GUARD], capture_output=True, check=True)
    new = set(json.loads(run.stdout))
    ours = {"cleanhtml", "cleanhtml.guard", "cleanhtml.watch"}
    assert new <= {*ours, "gc", "select", "_signal", "time", "__future__"}


COLLECTIONS = """
import atexit, gc, runpy, sys
counts = []
def count(phase, info):  # once the command set its threshold (not Python's own start)
    if phase == "stop" and gc.get_threshold()[0] != 700:
        counts.append(info["generation"])
gc.callbacks.append(count)
atexit.register(
    lambda: sys.__stderr__.write(f"COLLECTIONS {len(counts)} {gc.get_threshold()[0]}\\n")
)
sys.argv = ["cleanhtml", *sys.argv[1:]]
runpy.run_module("cleanhtml", run_name="__main__")
"""


@pytest.mark.parametrize("args", [["--timeout", "0", "-"], ["--version"]])
def test_the_command_collects_no_garbage_while_it_imports(post: bytes, args: list[str]) -> None:
    """Importing the command, lxml and the rules makes objects that live as long as the
    process: the collector's first generation is large enough (guard.COLLECT_AFTER) that
    a one-post run makes no collection at all (~30 at Python's default of 700, 4-5 ms of
    a 65 ms run)."""
    run = subprocess.run(
        [sys.executable, "-c", COLLECTIONS, *args], input=post, capture_output=True, check=True
    )
    assert run.stdout
    assert f"COLLECTIONS 0 {COLLECT_AFTER}" in run.stderr.decode().splitlines()


def test_the_library_leaves_the_collector_as_it_is() -> None:
    """Only the command sets the threshold: a host program's collector is its own."""
    code = (
        "import gc; before = gc.get_threshold(); import cleanhtml; "
        "cleanhtml.clean('<p>x</p>'); print(gc.get_threshold() == before)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert run.stdout.strip() == b"True"


def test_html_page_to_text_imports_only_the_text_renderer(post: bytes) -> None:
    page = b"<html><body><p>\xe6\xad\xa3\xe6\x96\x87</p><div>x</div></body></html>"
    modules = imported("--timeout", "0", "--to", "text", "-", data=page)
    assert forbidden(modules - {"cleanhtml.render.text"}) == []
    assert "cleanhtml.render.text" in modules
    assert "cleanhtml.markdown_body" not in modules and "html.entities" not in modules


QUICK_EXIT = """
import atexit, sys
from cleanhtml.cli import run
atexit.register(lambda: sys.stderr.write("exit handler ran\\n"))
sys.argv = ["cleanhtml", *sys.argv[1:]]
run()
"""


@pytest.mark.parametrize(
    ("args", "data", "code"),
    [
        (["--timeout", "0", "-"], b"<p>x</p>" * 200_000, 0),  # 1.6 MB through a pipe
        (["-"], b"<p>x</p>" * 200_000, 0),
        (["-"], b"\x89PNG\r\n\x1a\n....", 3),
        (["--to", "nothing", "-"], b"<p>x</p>", 2),
    ],
)
def test_the_command_ends_without_teardown_but_flushed(
    args: list[str], data: bytes, code: int
) -> None:
    """``cleanhtml`` skips Python's teardown of its objects (cli.run): its output is
    still complete, its exit handlers run, its status is main's."""
    done = subprocess.run(
        [sys.executable, "-c", QUICK_EXIT, *args], input=data, capture_output=True, check=False
    )
    assert done.returncode == code, done.stderr
    assert done.stderr.decode().endswith("exit handler ran\n")
    if code == 0:
        assert done.stdout == data


# Counts the patterns compiled by our own code (re.compile, re.match... all go through
# re._compile), then runs the code given after it.
SPY = """
import json, re, sys
compiled = []
_real = re._compile
def _spy(pattern, flags):
    frame = sys._getframe(1)
    while frame.f_globals.get("__name__") == "re":
        frame = frame.f_back
    if frame.f_globals.get("__name__", "").startswith("cleanhtml"):
        compiled.append(f"{frame.f_globals['__name__']}:{frame.f_lineno}")
    return _real(pattern, flags)
re._compile = _spy
"""


def spy(code: str, data: bytes = b"") -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", SPY + code + "\nprint(json.dumps(compiled))"],
        input=data,
        capture_output=True,
        check=True,
    )
    return cast(list[str], json.loads(run.stdout.decode().splitlines()[-1]))


def test_importing_the_rules_compiles_no_pattern() -> None:
    """Compiling a regex costs more than most lookups it serves: a one-post run would pay
    ~20M instructions for the patterns of rules that never match (issue 16). The rules
    compile each pattern when first used (a ``functools.cache``'d function)."""
    modules = (
        "cleanhtml.rules, cleanhtml.rules.custom, cleanhtml.rules.sites.base, cleanhtml.census"
    )
    assert spy(f"import {modules}") == []


def test_a_pattern_is_compiled_once_per_process(post: bytes) -> None:
    """Lazy, not per call: cleaning a post again compiles nothing (nor asks re's cache)."""
    code = """
import cleanhtml
post = sys.stdin.read()
cleanhtml.clean(post)
for to in ("html", "text", "json"):
    cleanhtml.clean(post, to=to)
compiled.clear()
for to in ("html", "text", "json"):
    cleanhtml.clean(post, to=to)
"""
    assert spy(code, post) == []


@pytest.mark.parametrize(
    "options", [{"allow_dash": True}, {"file_okay": False, "path_type": Path}, {"dir_okay": False}]
)
def test_paths_as_click_checks_them(tmp_path: Path, options: dict[str, object]) -> None:
    """The command's path type gives what click.Path gives (which it replaces only to
    keep gettext out of start-up), and refuses what it refuses, in its words."""
    import click

    from cleanhtml.cli import _Path

    (tmp_path / "file").write_text("x", "utf-8")
    (tmp_path / "folder").mkdir()
    ours, theirs = _Path(**options), click.Path(**options)  # type: ignore[arg-type]
    assert ours.name == theirs.name
    for value in ("-", str(tmp_path / "file"), str(tmp_path / "folder"), str(tmp_path / "none")):
        try:
            expected: object = theirs.convert(value, None, None)
        except click.BadParameter as exc:
            with pytest.raises(click.BadParameter) as caught:
                ours.convert(value, None, None)
            assert caught.value.message == exc.message
        else:
            got = ours.convert(value, None, None)
            assert (got, type(got)) == (expected, type(expected))


SEEN = """
import json, re, sys
seen = []
_real = re._compile
def _spy(pattern, flags):
    seen.append(pattern.decode("latin-1") if isinstance(pattern, bytes) else str(pattern))
    return _real(pattern, flags)
re._compile = _spy
import cleanhtml
cleanhtml.clean(sys.stdin.buffer.read())
print(json.dumps(seen))
"""


def test_a_post_compiles_no_pattern_it_does_not_use(post: bytes) -> None:
    """A post whose body is HTML (000.md: no Markdown-only line, no XML declaration, no
    ``<meta>``) compiles neither the Markdown line pattern (~2.8M instructions as text,
    as many again as bytes), nor the declaration's nor the ``<meta>`` charset's: each
    is compiled when first needed (a one-post run's start-up, issue 16)."""
    run = subprocess.run([sys.executable, "-c", SEEN], input=post, capture_output=True, check=True)
    seen = json.loads(run.stdout)
    assert [p for p in seen if "{0,3}(?:#{1,6}" in p] == []
    assert [p for p in seen if p.startswith(r"\A\s*<\?xml") or p.startswith("(encoding")] == []
    assert [p for p in seen if "charset" in p] == []


FROZEN = """
import atexit, gc, runpy, sys
atexit.register(lambda: sys.__stderr__.write(f"FROZEN {gc.get_freeze_count()}\\n"))
sys.argv = ["cleanhtml", *sys.argv[1:]]
runpy.run_module("cleanhtml", run_name="__main__")
"""


def test_a_batch_keeps_its_imports_out_of_collections(post: bytes, tmp_path: Path) -> None:
    """A batch's first collection would walk every object its imports made (~7 ms of a
    second ``--check`` over 10,000 posts that the cache answers): the command freezes them
    once its modules are loaded (cli._run)."""
    for name in ("a.md", "b.md"):
        (tmp_path / name).write_bytes(post)
    args = ["--no-cache", "--timeout", "0", "-j", "1", "--check", str(tmp_path)]
    run = subprocess.run([sys.executable, "-c", FROZEN, *args], capture_output=True)
    assert run.returncode == 1  # both would be cleaned
    frozen = [x for x in run.stderr.decode().splitlines() if x.startswith("FROZEN ")]
    assert int(frozen[0].split()[1]) > 10_000  # click's, lxml's and the rules' objects
