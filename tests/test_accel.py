"""The compiled census walk gives what the Python walk gives (issue 16, pages).

``pip install .`` builds ``cleanhtml/_cwalk.pyx`` with Cython as ``cleanhtml._cwalk``
(setup.py) where it can; :mod:`cleanhtml.census` uses it unless ``CLEANHTML_PURE`` is
set, and the Python walk (``cleanhtml/_walk.py``) for a tree it cannot answer for. Both
are run here side by side, on random markup and on every real input: the censuses must
be equal field by field (the same proxies, in the same order), and every output cleaned
with the compiled walk must match the stored digests (those of the Python walk).

The tests usually run on the source tree (``python -m pytest`` puts it first on the
path), where an editable install builds no extension: the compiled module is then taken
from the installed package (``pip install .``) when there is one. Under CI (``CI`` set,
after the README's ``pip install .``) it must be there and in use: nothing skips.
"""

from __future__ import annotations

import gzip
import importlib.machinery
import importlib.util
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from test_census_walk import ATTRIBUTES, FIELDS, TAGS
from test_digests import GROUPS, _stored, digests_of

from cleanhtml import _walk, census, document, pipeline, repairs, treefixes
from cleanhtml.api import clean_document
from cleanhtml.census import KEPT_MAX, Census, Names
from cleanhtml.errors import CleanHtmlError
from cleanhtml.render import text
from cleanhtml.rule import Context
from cleanhtml.rules import whitespace
from cleanhtml.rules.whitespace import BLOCK_CONTAINERS, REMOVABLE_WHEN_EMPTY, _may_empty_walk

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))
REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
NAME = "cleanhtml._cwalk"


def _installed() -> ModuleType | None:
    """The compiled walk of the installed package (``pip install .``), when the tests
    import cleanhtml from elsewhere (the source tree)."""
    for folder in {sysconfig.get_path("platlib"), sysconfig.get_path("purelib")}:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = Path(folder) / "cleanhtml" / f"_cwalk{suffix}"
            if path.is_file():
                spec = importlib.util.spec_from_file_location(NAME, path)
                assert spec is not None and spec.loader is not None
                module = importlib.util.module_from_spec(spec)
                try:
                    spec.loader.exec_module(module)
                except ImportError:  # (built for another lxml: not used, see setup.py)
                    return None
                return module
    return None


def _compiled() -> ModuleType | None:
    try:
        from cleanhtml import _cwalk
    except ImportError:
        return _installed()
    return _cwalk


COMPILED = _compiled()
needs_compiled = pytest.mark.skipif(
    COMPILED is None and not os.environ.get("CI"),
    reason="no compiled walk (pip install . builds it; editable installs do not)",
)


Fill = Callable[[Census, etree._Element, str | None], bool]


def compiled_fill() -> Fill:
    assert COMPILED is not None, "CI: pip install . must build cleanhtml._cwalk"
    fill: Fill = COMPILED.fill
    assert type(fill).__name__ == "cython_function_or_method"
    return fill


def _same(root: etree._Element, text: str | None = None, *, told: bool = True) -> None:
    """Both walks give the same census (``told``: the compiled one can tell for this tree;
    else it says it cannot, and the Python walk is taken)."""
    pure, fast = Census(), Census()
    _walk.fill(pure, root, text)
    assert compiled_fill()(fast, root, text) is told
    if told:
        for field in (*FIELDS, "flagged"):
            assert getattr(fast, field) == getattr(pure, field), field
    taken = census.take(root, text)
    for field in (*FIELDS, "flagged"):
        assert getattr(taken, field) == getattr(pure, field), field


LOADS = """
import sys, cleanhtml.census as c
from lxml import etree
def walk(markup):
    c.take(etree.fromstring(markup, etree.HTMLParser()), markup)
    return "cleanhtml._cwalk" in sys.modules
small, large = "<p>x</p>", "<p class=x>y</p>" * (c.SMALL // 16)
print(walk(small), walk(small), walk(small), c.compiled(), c._fast_fill)
"""


@pytest.mark.skipif(not os.environ.get("CI"), reason="CI only: after pip install .")
def test_ci_installs_and_uses_the_compiled_walk(tmp_path: Path) -> None:
    """After ``pip install .`` the installed package walks in C from a process's second
    document on, or from its first when that is large; never for one small post."""
    env = {k: v for k, v in os.environ.items() if k not in ("CLEANHTML_PURE", "PYTHONPATH")}

    def loads(code: str) -> str:
        run = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,  # (not the source tree: the installed package)
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout

    assert loads(LOADS).startswith("False True True True <cyfunction fill"), loads(LOADS)
    large_first = LOADS.replace("print(walk(small)", "print(walk(large)")
    assert loads(large_first).startswith("True True True True <cyfunction fill")
    assert COMPILED is not None


def test_cleanhtml_pure_forces_the_python_walk() -> None:
    env = {**os.environ, "CLEANHTML_PURE": "1"}
    run = subprocess.run(
        [sys.executable, "-c", LOADS], env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["False", "False", "False", "False", "None"]
    in_use = census.compiled()  # (loads it, where built)
    assert in_use == (census._fast_fill is not None)


PIECES = ["t", " ", "<!-- c -->", "<!-- cleanhtml: off -->", "<?pi x?>", "<![CDATA[x]]>",
          "&amp;", "&nbsp;", "中文", "<br>", "<p class='中' data-é='ü:&amp;'>",
          "<p class>"]  # fmt: skip
MARKUP = st.lists(
    st.one_of(
        st.tuples(st.sampled_from([*TAGS, "strike", "tt", "svg", "x-y", "ä"]), ATTRIBUTES).map(
            lambda t: f"<{t[0]}{t[1]}>"
        ),
        st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
        st.sampled_from(PIECES),
    ),
    max_size=80,
)


@needs_compiled
@settings(max_examples=1000 * SCALE, deadline=None)
@given(MARKUP, st.sampled_from(["", "<!-- a -->", "<!DOCTYPE html><!-- cleanhtml: x -->"]))
def test_compiled_walk_equals_python_walk_on_random_markup(pieces: list[str], before: str) -> None:
    markup = "".join(pieces)
    root = etree.fromstring(
        f"{before}<html><body>{markup}</body></html><!-- after -->", etree.HTMLParser()
    )
    if root is not None:
        _same(root)
        _same(root, markup)
        _same(root[-1] if len(root) else root, before + markup)


@needs_compiled
def test_what_the_compiled_walk_cannot_tell_the_python_walk_does() -> None:
    """Namespaced names (lxml spells them ``{uri}name``) and XML trees: it says so."""
    html = "<html><body><p class='a' onclick='f()'>x</p><!-- c --></body></html>"
    root = etree.fromstring(html, etree.HTMLParser())
    _same(root)
    etree.SubElement(root[0], "{urn:x}y")
    _same(root, told=False)
    root = etree.fromstring(html, etree.HTMLParser())
    root[0][0].set("{urn:x}z", "javascript:f()")
    _same(root, told=False)
    root = etree.fromstring(html, etree.HTMLParser())
    root[0].append(etree.Entity("nbsp"))
    _same(root, told=False)
    _same(etree.fromstring("<html><body><p class='a'>x</p></body></html>"), told=False)
    _same(etree.fromstring(html, etree.HTMLParser())[0][0])  # (any node of the tree)


@needs_compiled
def test_the_compiled_walk_imports_only_under_the_lxml_it_was_built_for() -> None:
    assert COMPILED is not None
    built_for = COMPILED.BUILT_FOR
    running = etree.LIBXML_VERSION
    assert built_for == (etree.__version__, running[0] * 10000 + running[1] * 100 + running[2])
    probe = (
        "import importlib.util, lxml.etree as e; e.__version__ = '5.0.0'\n"
        f"spec = importlib.util.spec_from_file_location({NAME!r}, {COMPILED.__file__!r})\n"
        "try:\n    spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "except ImportError as error:\n    print('refused:', error)"
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.startswith("refused: cleanhtml._cwalk was built for lxml/libxml2")


@needs_compiled
def test_compiled_walk_equals_python_walk_on_a_large_tree() -> None:
    markup = "".join(f"<p class='c{i}' id='i{i}'>t<b>x</b></p>" for i in range(KEPT_MAX + 1))
    root = etree.fromstring(f"<html><body>{markup}<a onclick='f()'>y</a></body></html>",
                            etree.HTMLParser())  # fmt: skip
    _same(root)


def _closing_same(root: etree._Element) -> bool:
    """The compiled answer to census.block_in_closing_inline is the XPath's; that answer."""
    assert COMPILED is not None
    expected = bool(census._BLOCK_IN_CLOSING_INLINE(root))
    assert COMPILED.block_in_closing_inline(root) is expected
    return expected


NESTING = st.lists(
    st.one_of(
        st.sampled_from(["p", "b", "i", "a", "table", "span", "font", "strike", "tt", "div"]).map(
            lambda tag: f"<{tag}>"
        ),
        st.sampled_from(["</p>", "</b>", "</a>", "</span>", "t", "<!-- c -->", "<?x y?>"]),
    ),
    max_size=40,
)


@needs_compiled
@settings(max_examples=1000 * SCALE, deadline=None)
@given(NESTING, st.lists(st.sampled_from(["span", "font", "div", "em", "b", "a"]), max_size=3),
       st.booleans())  # fmt: skip
def test_compiled_block_in_closing_inline_equals_the_xpath(
    pieces: list[str], stripped: list[str], namespaced: bool
) -> None:
    """On parsed markup, once the elements between are unwrapped (what rules do), and
    with namespaced elements (no XPath name test matches them)."""
    root = etree.fromstring(f"<html><body>{''.join(pieces)}</body></html>", etree.HTMLParser())
    if root is None:
        return
    _closing_same(root)
    etree.strip_tags(root, *stripped)
    _closing_same(root)
    if namespaced:
        for el in list(root.iter("b", "a", "p", "table")):
            if len(el) and el is not root:
                el.tag = "{urn:x}" + str(el.tag)
                _closing_same(root)
                break


def test_block_in_closing_inline_cases() -> None:
    """Found: a <p> right inside <b> (any of CLOSED_BY_BLOCK's "p"), a <table> right
    inside <a>; not with an element between, nor a namespaced one."""
    if COMPILED is None:
        pytest.skip("no compiled walk")
    made = etree.HTMLParser()
    for markup, found in (
        ("<b><span><p>x</p></span></b>", False),
        ("<a><span><table></table></span></a>", False),
        ("<i><span><div><p>x</p></div></span></i>", False),
    ):
        root = etree.fromstring(f"<html><body>{markup}</body></html>", made)
        assert _closing_same(root) is found
        etree.strip_tags(root, "span")
        assert _closing_same(root) is (markup != "<i><span><div><p>x</p></div></span></i>")
    root = etree.fromstring("<html><body><b><span><p>x</p></span></b></body></html>", made)
    etree.strip_tags(root, "span")
    root[0][0].tag = "{urn:x}b"
    assert _closing_same(root) is False


def _inputs() -> list[bytes]:
    inputs = [
        next(p for p in case.iterdir() if p.stem == "input").read_bytes()
        for case in sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir())
    ]
    inputs += [p.read_bytes() for p in sorted((SHARED / "corpus" / "sina").glob("*.md"))]
    inputs += [
        gzip.decompress(p.read_bytes())
        for p in sorted((SHARED / "bench-corpus" / "html").glob("*.html.gz"))
    ]
    return inputs


@needs_compiled
def test_compiled_walk_equals_python_walk_on_every_real_input() -> None:
    compared = 0
    for data in _inputs():
        try:
            loaded = document.load(data)
        except CleanHtmlError:
            continue
        _same(loaded.root)
        _closing_same(loaded.root)
        etree.strip_tags(loaded.root, "span", "font", "div", "em", "strong")
        _closing_same(loaded.root)
        compared += 1
    assert compared > 200


@needs_compiled
@pytest.mark.parametrize("group", list(GROUPS))
def test_outputs_with_the_compiled_walk_match_the_digests(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every fixture, post, bench page and vector cleaned with the compiled walk gives,
    in every format, the bytes the stored digests pin (those of the Python walk)."""
    inputs, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    monkeypatch.setattr(census, "_fast_fill", compiled_fill())
    assert COMPILED is not None
    monkeypatch.setattr(census, "_fast_closing", COMPILED.block_in_closing_inline)
    monkeypatch.setattr(census, "_fast_may_empty", COMPILED.may_empty)
    monkeypatch.setattr(census, "_fast_blank_lines", COMPILED.blank_line_runs)
    monkeypatch.setattr(census, "_fast_empty_edits", COMPILED.empty_edits)
    monkeypatch.setattr(census, "_fast_gathered", COMPILED.gathered)
    monkeypatch.setattr(census, "_fast_references", COMPILED.references)
    monkeypatch.setattr(census, "_fast_body_end", COMPILED.first_body_end)
    monkeypatch.setattr(census, "_fast_nested_link", COMPILED.holds_nested_link)
    monkeypatch.setattr(census, "_fast_control_reference", COMPILED.holds_control_reference)
    monkeypatch.setattr(census, "_loaded", True)
    expected = _stored()[group]
    got = {name: digests_of(read(), case) for name, case, read in inputs()}
    assert sorted(got) == sorted(expected)
    assert [name for name in got if got[name] != expected[name]] == []


def _may_empty_same(root: etree._Element, present: tuple[str, ...] = REMOVABLE_WHEN_EMPTY) -> None:
    """The compiled ``may_empty`` lists the very proxies, in the same order, that the
    Python walk of remove-empty-elements lists (``present``: the names it asks lxml for)."""
    assert COMPILED is not None
    subset = Census()
    subset.tags.update(present)
    expected = _may_empty_walk(root, subset)
    got = COMPILED.may_empty(root, subset.present(REMOVABLE_WHEN_EMPTY), REMOVABLE_WHEN_EMPTY)
    assert got is not None
    assert [id(el) for el in got] == [id(el) for el in expected]
    assert got == expected


BLANKS = [" ", "\n", "&nbsp;", "\u3000", "\u200b", "\ufeff", "\v", "\u2003", "&#12288; x"]
EMPTYING = st.lists(
    st.one_of(
        st.sampled_from(["p", "div", "span", "b", "a", "em", "td", "ul", "li", "font", "img",
                         "section", "label", "table", "br"]).map(lambda tag: f"<{tag}>"),
        st.sampled_from(["</p>", "</div>", "</span>", "</b>", "</a>", "</li>", "</ul>", "t",
                         "<!-- c -->", "<?x y?>", "<![CDATA[ ]]>", *BLANKS]),
    ),
    max_size=60,
)  # fmt: skip


@needs_compiled
@settings(max_examples=1000 * SCALE, deadline=None)
@given(EMPTYING, st.lists(st.sampled_from(REMOVABLE_WHEN_EMPTY), max_size=4),
       st.sampled_from(["", "span", "div", "p"]))  # fmt: skip
def test_compiled_may_empty_equals_the_python_walk(
    pieces: list[str], absent: list[str], stripped: str
) -> None:
    """On random nestings of removable and other elements with blank and other text, from
    the root and from an element inside, with names the census did not see left out, and
    once elements are unwrapped (text nodes side by side)."""
    root = etree.fromstring(f"<html><body>{''.join(pieces)}</body></html>", etree.HTMLParser())
    if root is None:
        return
    present = tuple(name for name in REMOVABLE_WHEN_EMPTY if name not in absent)
    for _ in range(2):
        _may_empty_same(root)
        _may_empty_same(root, present)
        for el in root.iter("div", "p", "span"):
            _may_empty_same(el)
            break
        if stripped:
            etree.strip_tags(root, stripped)


@needs_compiled
def test_compiled_may_empty_leaves_to_python_what_it_cannot_tell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A namespaced element is neither a leaf nor climbed through; an entity reference
    is a child. Where it cannot tell, None: the rule walks in Python."""
    assert COMPILED is not None
    made = etree.HTMLParser()
    root = etree.fromstring("<html><body><div><p> </p><span></span></div></body></html>", made)
    _may_empty_same(root)
    assert [el.tag for el in _may_empty_walk(root, None)] == ["span", "p", "div"]
    root[0][0].tag = "{urn:x}div"
    _may_empty_same(root)
    assert [el.tag for el in _may_empty_walk(root, None)] == ["span", "p"]
    root[0][0][0].tag = "{urn:x}p"
    _may_empty_same(root)
    assert [el.tag for el in _may_empty_walk(root, None)] == ["span"]
    # (an empty namespace, which lxml's "p" matches, is not made by lxml's API: where
    # the compiled walk cannot tell, it says None and the rule walks in Python)
    monkeypatch.setattr(census, "_fast_may_empty", lambda *args: None)
    assert [el.tag for el in whitespace._may_empty(root, None)] == ["span"]
    monkeypatch.setattr(census, "_fast_may_empty", COMPILED.may_empty)
    assert [el.tag for el in whitespace._may_empty(root, None)] == ["span"]
    root = etree.fromstring("<html><body><p> </p></body></html>", made)
    root[0][0].text = None
    root[0][0].append(etree.Entity("nbsp"))
    _may_empty_same(root)  # (an entity reference counts as a child: not a leaf)
    root = etree.fromstring("<html><body><p>x</p></body></html>", made)
    etree.strip_elements(root, "b")
    _may_empty_same(root)


@needs_compiled
def test_compiled_may_empty_equals_the_python_walk_on_every_real_input() -> None:
    compared = 0
    for data in _inputs():
        try:
            loaded = document.load(data)
        except CleanHtmlError:
            continue
        _may_empty_same(loaded.root)
        etree.strip_tags(loaded.root, "span", "font", "a", "img", "br", "input", "em")
        _may_empty_same(loaded.root)
        for el in loaded.root.iter("div"):
            _may_empty_same(el)
            break
        compared += 1
    assert compared > 200


def _blank_lines_same(root: etree._Element, present: Names = BLOCK_CONTAINERS) -> None:
    """The compiled ``blank_line_runs`` finds the very texts and tails, in the same order,
    that the Python loop of tidy-blank-lines finds."""
    assert COMPILED is not None
    subset = Census()
    subset.tags.update(present)
    expected = whitespace._blank_line_runs_walk(root, subset)
    got = COMPILED.blank_line_runs(root, subset.present(BLOCK_CONTAINERS), BLOCK_CONTAINERS)
    assert got is not None
    for found, wanted in zip(got, expected, strict=True):
        assert [id(el) for el in found] == [id(el) for el in wanted]


RUNS = st.lists(
    st.one_of(
        st.sampled_from(["div", "p", "ul", "li", "span", "table", "tr", "td", "body", "section",
                         "b", "pre", "br"]).map(lambda tag: f"<{tag}>"),
        st.sampled_from(["</div>", "</p>", "</ul>", "</span>", "</table>", "t", "<!-- c -->",
                         "<?x y?>", "<![CDATA[\n\n]]>", "\n", "\n\n", " \n \n ", "\t\r\n\f\n",
                         "\v\n\n", "\xa0\n\n", "\u3000\n\n", "\r\r", "&#10;&#10;"]),
    ),
    max_size=60,
)  # fmt: skip


@needs_compiled
@settings(max_examples=1000 * SCALE, deadline=None)
@given(RUNS, st.lists(st.sampled_from(sorted(BLOCK_CONTAINERS)), max_size=4),
       st.sampled_from(["", "span", "p", "div"]))  # fmt: skip
def test_compiled_blank_line_runs_equal_the_python_loop(
    pieces: list[str], absent: list[str], stripped: str
) -> None:
    """On random nestings with runs of every kind of space and line break (CDATA among
    them), from the root and from an element inside, with names the census did not see
    left out, and once elements are unwrapped (text nodes side by side)."""
    root = etree.fromstring(f"<html><body>{''.join(pieces)}</body></html>", etree.HTMLParser())
    if root is None:
        return
    present = frozenset(name for name in BLOCK_CONTAINERS if name not in absent)
    for _ in range(2):
        _blank_lines_same(root)
        _blank_lines_same(root, present)
        for el in root.iter("div", "ul", "table"):
            _blank_lines_same(el)
            break
        if stripped:
            etree.strip_tags(root, stripped)


@needs_compiled
def test_compiled_blank_line_runs_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    """A namespaced container is not one; where it cannot tell, None: Python reads."""
    made = etree.HTMLParser()
    root = etree.fromstring("<html><body><div>\n\n<p>a</p>\n \n<p>b</p>\n</div></body></html>",
                            made)  # fmt: skip
    _blank_lines_same(root)
    texts, tails = whitespace._blank_line_runs_walk(root, None)
    assert ([el.tag for el in texts], [el.tag for el in tails]) == (["div"], ["p"])
    root[0][0].tag = "{urn:x}div"
    _blank_lines_same(root)
    assert whitespace._blank_line_runs_walk(root, None) == ([], [])
    monkeypatch.setattr(census, "_fast_blank_lines", lambda *args: None)
    assert whitespace._blank_line_runs(root, None) == ([], [])


@needs_compiled
def test_compiled_blank_line_runs_equal_the_python_loop_on_every_real_input() -> None:
    compared = 0
    for data in _inputs():
        try:
            loaded = document.load(data)
        except CleanHtmlError:
            continue
        _blank_lines_same(loaded.root)
        etree.strip_elements(loaded.root, "script", "style", "nav", with_tail=False)
        etree.strip_tags(loaded.root, "span", "font", "a", "section")
        _blank_lines_same(loaded.root)
        compared += 1
    assert compared > 200


def _empty_edits_same(root: etree._Element, present: Names = REMOVABLE_WHEN_EMPTY) -> None:
    """The compiled ``empty_edits`` decides what remove-empty-elements' Python loop
    decides: the same elements to drop and to unwrap, in the same order, the same count."""
    assert COMPILED is not None
    subset = Census()
    subset.tags.update(present)
    expected = whitespace._empty_edits_walk(root, subset)
    got = COMPILED.empty_edits(
        root, subset.present(REMOVABLE_WHEN_EMPTY), REMOVABLE_WHEN_EMPTY, whitespace.INLINE
    )
    assert got is not None
    assert got[2] == expected[2]
    for found, wanted in zip(got[:2], expected[:2], strict=True):
        assert [id(el) for el in found] == [id(el) for el in wanted]


@needs_compiled
@settings(max_examples=2000 * SCALE, deadline=None)
@given(EMPTYING, st.lists(st.sampled_from(REMOVABLE_WHEN_EMPTY), max_size=4),
       st.sampled_from(["", "span", "div", "p"]), st.booleans())  # fmt: skip
def test_compiled_empty_edits_equal_the_python_loop(
    pieces: list[str], absent: list[str], stripped: str, named: bool
) -> None:
    """On random nestings of removable, inline and other elements with blank and other
    text (the runs around empty blocks that keep them, anchors with an id), from the root
    and from an element inside, with names the census did not see left out, and once
    elements are unwrapped (text nodes side by side)."""
    markup = "".join(pieces)
    if named:
        markup = markup.replace("<a>", "<a id=x>", 1).replace("<a>", "<a name=''>", 1)
    root = etree.fromstring(f"<html><body>{markup}</body></html>", etree.HTMLParser())
    if root is None:
        return
    present = tuple(name for name in REMOVABLE_WHEN_EMPTY if name not in absent)
    for _ in range(2):
        _empty_edits_same(root)
        _empty_edits_same(root, present)
        for el in root.iter("div", "p", "span", "a"):
            _empty_edits_same(el)
            break
        if stripped:
            etree.strip_tags(root, stripped)


@needs_compiled
def test_compiled_empty_edits_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text on both sides keeps an empty block; a blank inline goes or is unwrapped; an
    entity reference inside a sibling read, or a namespaced one: Python reads (None)."""
    assert COMPILED is not None
    made = etree.HTMLParser()
    for markup, dropped, unwrapped in (
        ("<div>a<div></div>b</div>", [], []),
        ("<div>a<b> </b><div></div><i></i> b</div>", ["i"], ["b"]),
        ("<div><p>\u3000</p><span></span>x<a name=n></a><a id=''></a></div>",
         ["a", "span", "p"], []),
        ("<div><ul><li> </li><li><em>\xa0</em></li></ul></div>", ["div"], []),
    ):  # fmt: skip
        root = etree.fromstring(f"<html><body>{markup}</body></html>", made)
        _empty_edits_same(root)
        drop, unwrap, _ = whitespace._empty_edits_walk(root, None)
        assert ([el.tag for el in drop], [el.tag for el in unwrap]) == (dropped, unwrapped)
    root = etree.fromstring("<html><body><div><b> </b><div></div>y</div></body></html>", made)
    root[0][0][0].append(etree.Entity("nbsp"))
    assert COMPILED.empty_edits(root, REMOVABLE_WHEN_EMPTY, REMOVABLE_WHEN_EMPTY,
                                whitespace.INLINE) is None  # fmt: skip
    monkeypatch.setattr(census, "_fast_empty_edits", lambda *args: None)
    ctx = Context()
    assert whitespace.remove_empty_elements(root, ctx) == 0
    root[0][0][0].tag = "{urn:x}b"
    _empty_edits_same(root)


@needs_compiled
def test_compiled_empty_edits_equal_the_python_loop_on_every_real_input() -> None:
    compared = 0
    for data in _inputs():
        try:
            loaded = document.load(data)
        except CleanHtmlError:
            continue
        _empty_edits_same(loaded.root)
        etree.strip_elements(loaded.root, "script", "style", "img", "svg", "input", "button",
                             "iframe", with_tail=False)  # fmt: skip
        _empty_edits_same(loaded.root)
        etree.strip_tags(loaded.root, "a", "font")
        _empty_edits_same(loaded.root)
        compared += 1
    assert compared > 200


# --- the text renderer's gathered text ------------------------------------------------


def _gathered_same(root: etree._Element) -> None:
    """The compiled ``gathered`` writes the string the stylesheet's path writes; where
    the tree's text holds one of the stylesheet's marks (its path gives None and the
    Python walk makes the blocks), the blocks made of it are the walk's."""
    assert COMPILED is not None
    got = COMPILED.gathered(root, text._KINDS)
    assert got is not None
    expected = text._stylesheet_gathered(root)
    if expected is not None:
        assert got == expected
    else:
        assert list(text._finish([got])) == list(text._walk_blocks(root))


GATHERED = st.lists(
    st.one_of(
        st.sampled_from(sorted({*text.BLOCK_TAGS, *text.SKIP_TAGS, *text.CELL_TAGS}
                               | {"br", "span", "b", "a", "x-y"})).map(lambda tag: f"<{tag}>"),
        st.sampled_from(["p", "div", "tr", "td", "pre", "table", "span", "li", "script", "a"]).map(
            lambda tag: f"</{tag}>"
        ),
        st.sampled_from(["t", " ", "  ", "\n", "\t", "&#13;", "\f", " a \n b ", "中文",
                         "\n中\n", "<!-- c -->", "<?pi x?>", "&nbsp;", "\u3000", "\x80",
                         "&#129;", "\x85 x", "<![CDATA[x]]>", "<br>", "é"]),
    ),
    max_size=60,
)  # fmt: skip


@needs_compiled
@settings(max_examples=2000 * SCALE, deadline=None)
@given(GATHERED, st.sampled_from(["html", "body", "table", "pre", "td"]))
def test_compiled_gathered_equals_the_stylesheet(pieces: list[str], top: str) -> None:
    """On random nestings of blocks, rows and cells (rows in rows), ``<pre>`` (whitespace
    of every kind, in and after it), skipped elements and their tails, ``<br>``, comments
    and processing instructions, from the root or from an element inside it."""
    root = etree.fromstring(f"<html><body>{''.join(pieces)}</body></html>", etree.HTMLParser())
    if root is None:
        return
    _gathered_same(root)
    for inner in root.iter(top):
        _gathered_same(inner)
        break


def test_compiled_gathered_cases() -> None:
    """What the stylesheet writes, spelled out (the internal marks: BLOCK \\x04, BR \\x00,
    CELL \\x01, PRE_SPACE \\x02, PRE_TAB \\x03), and what the compiled walk leaves to it."""
    if COMPILED is None:
        pytest.skip("no compiled walk")
    cases = {
        "<p>a</p> \n <p>b</p>": "\x04a\x04b\x04",
        "<div>x<script>s</script>y</div>": "\x04xy\x04",
        "<table><tr><td>1</td><td>2</td></tr></table>": "\x041\x012\x04",
        "<pre>a b\n\tc</pre>": "\x04a\x02b\x00\x03c\x04",
        "<p>a<br>b</p>": "\x04a\x00b\x04",
        "<p>a<!-- c -->b</p>": "\x04ab\x04",
    }
    for markup, expected in cases.items():
        root = etree.fromstring(f"<html><body>{markup}</body></html>", etree.HTMLParser())
        assert text._stylesheet_gathered(root) == expected, markup
        assert COMPILED.gathered(root, text._KINDS) == expected, markup
    deep = "<table><tr><td>x" * 100 + "y" + "</td></tr></table>z" * 100  # rows in rows
    root = etree.fromstring(f"<html><body>{deep}</body></html>", etree.HTMLParser())
    assert COMPILED.gathered(root, text._KINDS) == text._stylesheet_gathered(root)
    root = etree.fromstring("<html><body><p>a</p></body></html>", etree.HTMLParser())
    etree.SubElement(root[0], "{urn:x}p").text = "b"
    assert COMPILED.gathered(root, text._KINDS) is None  # a namespaced element
    assert COMPILED.gathered(etree.Comment("x"), text._KINDS) is None


@needs_compiled
def test_compiled_gathered_equals_the_stylesheet_on_every_real_input() -> None:
    """Every real input, as loaded and as cleaned (what the text renderer reads)."""
    compared = 0
    for data in _inputs():
        try:
            loaded = document.load(data)
            cleaned = clean_document(data, to="text")
        except CleanHtmlError:
            continue
        _gathered_same(loaded.root)
        _gathered_same(cleaned.doc.root)
        compared += 1
    assert compared > 200


# --- the needles' character references ------------------------------------------------


def _references_spec(source: bytes) -> set[bytes]:
    """What :func:`cleanhtml.pipeline._references_in` is: the patterns' findall."""
    found = set(pipeline._NUMERIC_REFERENCE.findall(source))
    if found:
        found.update(pipeline._NAMED_REFERENCE.findall(source))
    return found


REFERENCE_PIECES = [b"&", b"#", b"x", b"X", b"1", b"9", b"a", b"F", b"g", b";", b" ", b"Z",
                    "中".encode(), b"&#123;", b"&amp;", b"&#x4e2d", b"&nbsp", b"&&#", b"&#&",
                    b"a" * 31, b"0" * 40, b"\x00", b"&#x;", b"&#;"]  # fmt: skip


@needs_compiled
@settings(max_examples=3000 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(REFERENCE_PIECES), max_size=60))
def test_compiled_references_equal_the_patterns(pieces: list[bytes]) -> None:
    """Numeric references cut, crowded and nested, named ones of every length up to and
    past the pattern's 32 characters, with and without their ``;``, at the very end."""
    assert COMPILED is not None
    source = b"".join(pieces)
    assert COMPILED.references(source) == _references_spec(source)


@needs_compiled
def test_compiled_references_equal_the_patterns_on_every_real_input() -> None:
    assert COMPILED is not None
    inputs = _inputs()
    assert sum(COMPILED.references(data) != _references_spec(data) for data in inputs) == 0
    assert sum(bool(COMPILED.references(data)) for data in inputs) > 20


# --- where a page's markup may end ----------------------------------------------------

_BODY_END_START = re.compile(r"</(?i:body|html)")


def _body_end_spec(data: bytes) -> int:
    """Where the first match of repairs._body_end() can start, in characters."""
    found = _BODY_END_START.search(data.decode("utf-8"))
    return -1 if found is None else found.start()


BODY_END_PIECES = ["</body>", "</BODY >", "</bOdY", "</html>", "</HTML\n>", "</htm", "</bod",
                   "<", "/", "</", "<b", "body", "中", "é", "\U0001f600", "x", " ",
                   "</ body>", "<!-- </body> -->", "\u212a"]  # fmt: skip


@needs_compiled
@settings(max_examples=3000 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(BODY_END_PIECES), max_size=40))
def test_compiled_first_body_end_equals_the_pattern(pieces: list[str]) -> None:
    """Characters of one to four bytes before it, cut and mixed-case end tags, one cut
    by the end of the text."""
    assert COMPILED is not None
    data = "".join(pieces).encode("utf-8")
    assert COMPILED.first_body_end(data) == _body_end_spec(data)


@needs_compiled
def test_compiled_first_body_end_on_every_real_input() -> None:
    assert COMPILED is not None
    compared = 0
    for data in _inputs():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        assert COMPILED.first_body_end(data) == _body_end_spec(data)
        compared += 1
    assert compared > 200


@needs_compiled
def test_pages_closed_early_load_the_same_with_the_compiled_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Content after ``</body>`` or ``</html>`` (moved into the body), an end tag in a
    comment before the real one, none at all, a repair before the look (the bytes no
    longer the text's: the whole text is searched)."""
    assert COMPILED is not None
    pages = [
        "<html><body><p>a</p></body></html><p>after</p>",
        "<html><body><p>中文</p></BODY><p>é after</p></html>",
        "<html><body><!-- </body> --><p>a</p></body></html>\n",
        "<html><body><p>a</p>",
        "<html><body><p>a</p></body></html><!-- c -->\n",
        "<html><body><p>a</p><!-- unclosed\n</body></html><p>b</p>",
    ]
    for page in pages:
        data = page.encode("utf-8")
        monkeypatch.setattr(census, "_fast_body_end", None)
        plain = document.load(data)
        monkeypatch.setattr(census, "_fast_body_end", COMPILED.first_body_end)
        fast = document.load(data)
        assert etree.tostring(fast.root) == etree.tostring(plain.root), page
        assert fast.repairs == plain.repairs, page


# --- a link inside a link -------------------------------------------------------------

LINKS = st.lists(
    st.sampled_from(["<a>", "</a>", "<a href=x>", "<p>", "</p>", "<div>", "</div>", "<span>",
                     "</span>", "t", "<!-- c -->", "<b>", "</b>", "<table>", "<td>"]),
    max_size=40,
)  # fmt: skip


@needs_compiled
@settings(max_examples=3000 * SCALE, deadline=None)
@given(LINKS, st.sampled_from(["html", "a", "p", "div", "span"]), st.booleans())
def test_compiled_nested_link_equals_the_python_loop(
    pieces: list[str], top: str, graft: bool
) -> None:
    """From the root or an element inside it (a link itself), with links grafted where
    libxml2 would not nest them (a link made inside a link by lxml)."""
    assert COMPILED is not None
    root = etree.fromstring(f"<html><body>{''.join(pieces)}</body></html>", etree.HTMLParser())
    if graft:
        for link in root.iter("a"):
            etree.SubElement(link, "a").text = "in"
            break
    for start in [root, *root.iter(top)][:4]:
        assert treefixes._holds_nested_link_walk(start) == COMPILED.holds_nested_link(start)


@needs_compiled
def test_compiled_nested_link_on_every_real_input() -> None:
    assert COMPILED is not None
    compared = 0
    for data in _inputs():
        try:
            root = document.load(data).root
        except CleanHtmlError:
            continue
        assert treefixes._holds_nested_link_walk(root) == COMPILED.holds_nested_link(root)
        compared += 1
    assert compared > 200
    root = etree.fromstring("<html><body><a>x</a></body></html>", etree.HTMLParser())
    etree.SubElement(root[0][0], "{urn:x}a")
    assert COMPILED.holds_nested_link(root) is None  # (a namespaced element: Python's)


# --- references to controls -----------------------------------------------------------

CONTROL_PIECES = ["&#", "&#x", "&#X", "0", "00", "1", "8", "9", "11", "12", "13", "31", "32",
                  "65534", "65535", "65536", "b", "B", "e", "f", "F", "1f", "20", "fffe",
                  "FFFF", "10000", ";", "&", "x", "中", " ", "&amp;", "9" * 30]  # fmt: skip


@needs_compiled
@settings(max_examples=5000 * SCALE, deadline=None)
@given(st.lists(st.sampled_from(CONTROL_PIECES), max_size=30))
def test_compiled_control_reference_equals_the_pattern(pieces: list[str]) -> None:
    """Decimal and hex references to every edge of the control ranges, leading zeros,
    runs cut by other characters or by the end, values past any range."""
    assert COMPILED is not None
    text_ = "".join(pieces)
    expected = repairs._CONTROL_REFERENCE.search(text_) is not None
    assert COMPILED.holds_control_reference(text_.encode("utf-8")) is expected


@needs_compiled
def test_compiled_control_reference_on_every_real_input(monkeypatch: pytest.MonkeyPatch) -> None:
    assert COMPILED is not None
    compared = 0
    for data in _inputs():
        try:
            body = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        assert COMPILED.holds_control_reference(data) is repairs._holds_control_reference(body)
        compared += 1
    assert compared > 200
    page = b"<html><body><p>a&#1;b&#x0B;c&#0012;d&#65535;e&#x1f</p></body></html>"
    monkeypatch.setattr(census, "_fast_control_reference", None)
    plain = document.load(page)
    monkeypatch.setattr(census, "_fast_control_reference", COMPILED.holds_control_reference)
    fast = document.load(page)
    assert fast.repairs == plain.repairs and any("to controls" in r for r in fast.repairs)
    assert etree.tostring(fast.root) == etree.tostring(plain.root)
