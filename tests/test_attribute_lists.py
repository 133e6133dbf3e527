"""Crowded tags: attributes past the first few hundred of a tag never reach libxml2.

Issue 12 (linear time). libxml2 appends each attribute of an element by walking the
ones before it, so one tag with tens of thousands of attributes took quadratic time.
A forward scan before parsing (``cleanhtml.repairs._bound_attributes``) leaves out a
long tag's later duplicates (libxml2 keeps the first of a name anyway) and every
attribute after its first ``MAX_ATTRIBUTES`` names, and says so with ``-v``. The growth
tests are in ``tests/test_linear.py``; these check what the scan keeps and leaves alone.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from cleanhtml import repairs
from cleanhtml.api import clean_document, render
from cleanhtml.cli import main
from cleanhtml.repairs import MAX_ATTRIBUTES, SCAN_WINDOW, _bound_attributes

CROWD = MAX_ATTRIBUTES + 44
"""Attributes of the crowded tags below."""


def _attributes(count: int, prefix: str = "a") -> str:
    return " ".join(f'{prefix}{i}="v{i}"' for i in range(count))


assert len(_attributes(CROWD)) > 2 * SCAN_WINDOW  # long enough to be looked at


def _parsed_attributes(html: str) -> list[tuple[str, str]]:
    """The attributes libxml2 gives the first element of the body of ``html``."""
    root = etree.fromstring(html.encode(), etree.HTMLParser())
    return list(root.find("body")[0].attrib.items())  # type: ignore[index]


def test_crowded_tag_keeps_its_first_names_and_says_so() -> None:
    html = f'<div {_attributes(CROWD)} onclick="alert(1)">text</div>\n'
    cleaned = clean_document(html.encode())
    out = render(cleaned, "html")
    assert "onclick" not in out and "alert" not in out
    kept = _parsed_attributes(out)
    assert kept == [(f"a{i}", f"v{i}") for i in range(MAX_ATTRIBUTES)]
    assert cleaned.doc.repairs == [
        f"left out {CROWD + 1 - MAX_ATTRIBUTES} attributes of a tag after its first 256"
    ]
    assert render(clean_document(out.encode()), "html") == out  # idempotent


def test_the_kept_attributes_are_those_libxml2_keeps() -> None:
    """Duplicates count once and the first of a name wins, as in libxml2; names are
    compared as it stores them (ASCII letters lowered)."""
    names = [f"A{i % 300}" if i % 3 else f"a{i % 300}" for i in range(900)]
    body = "<p " + " ".join(f'{name}="{index}"' for index, name in enumerate(names)) + ">x</p>"
    notes: list[str] = []
    bounded = _bound_attributes(body, notes)
    whole = _parsed_attributes(body)  # libxml2 on the whole tag: 300 names
    assert len(whole) == 300
    assert _parsed_attributes(bounded) == whole[:MAX_ATTRIBUTES]
    assert notes == ["left out 44 attributes of a tag after its first 256"]


def test_duplicates_alone_change_nothing() -> None:
    body = "<p " + " ".join(f'a="{i}"' for i in range(2000)) + ' b="x">text</p>\n'
    notes: list[str] = []
    bounded = _bound_attributes(body, notes)
    assert bounded != body and notes == []  # fewer bytes to parse, the same tree
    assert _parsed_attributes(bounded) == _parsed_attributes(body) == [("a", "0"), ("b", "x")]
    cleaned = clean_document(body.encode())
    assert not cleaned.edited and render(cleaned, "html") == body  # not rewritten


@pytest.mark.parametrize(
    "wrap",
    [
        "<script>var s = '{}';</script>",
        "<script><!-- document.write('<script>{}</script>') --></script>",
        "<textarea>{}</textarea>",
        "<title>{}</title>",
        "<style>/* {} */</style>",
        "<!-- {} -->",
    ],
)
def test_tag_shapes_in_raw_text_and_comments_are_left_alone(wrap: str) -> None:
    fake = f"<p {_attributes(CROWD)}>"
    body = wrap.format(fake) + "<p>x</p>\n"
    assert _bound_attributes(body, []) is body


def test_a_real_crowded_tag_after_raw_text_is_found() -> None:
    body = "<script>if (a < b) { x = '<p a b'; }</script>\n" + f"<p {_attributes(CROWD)}>x</p>"
    notes: list[str] = []
    assert _parsed_attributes(_bound_attributes(body, notes)[body.rindex("<p ") :]) == [
        (f"a{i}", f"v{i}") for i in range(MAX_ATTRIBUTES)
    ]
    assert notes


@pytest.mark.parametrize("seed", range(30))
def test_attributes_are_read_as_libxml2_reads_them(seed: int) -> None:
    """Random attribute lists with the awkward shapes (quoted '>' and '<', '=' and
    quotes in names, '/' between names, unquoted values, no space after a quote): the
    scan reads the same names as libxml2, so it cuts a tag where libxml2 would. (The
    quick check in front of it does not look at such a tag: see the next test.)"""
    pick = random.Random(seed)
    shapes = [
        lambda i: f'a{i}="v>{i}"',
        lambda i: f"a{i}='<p {i}'",
        lambda i: f"a{i}=v{i}",
        lambda i: f"a{i}",
        lambda i: f'=a{i}="x"',
        lambda i: f'a"{i}',
        lambda i: f"a{i} = 'q'",
        lambda i: f"a{i}/",
        lambda i: f'a{i}=""',
    ]
    parts = []
    for i in range(pick.randrange(250, 400)):
        parts.append(pick.choice(shapes)(i))
        parts.append(pick.choice([" ", "\n", "/", " / ", "\t"]))
    tag = "<div " + "".join(parts) + ">text</div>"
    match = repairs._bounding_patterns()[1].match(tag)
    assert match is not None
    ours = [
        repairs._name_key(item.group(1)).decode()
        for item in repairs._attribute_patterns()[0].finditer(tag, match.start(2), match.end(2))
    ]
    theirs = [name for name, _ in _parsed_attributes(tag)]
    assert list(dict.fromkeys(ours)) == theirs
    bounded = repairs._bound_every_tag(tag, [])
    assert [name for name, _ in _parsed_attributes(bounded)] == theirs[:MAX_ATTRIBUTES]


def test_the_quick_check_does_not_see_tags_that_hide_their_length() -> None:
    """The documented limit: a '<' or '>' inside a quoted value at least every
    SCAN_WINDOW characters hides a crowded tag from the quick check (the per-file
    time limit covers it); without them the tag is found."""
    hidden = "<p " + " ".join(f'a{i}="{">" if i % 50 == 0 else ""}v"' for i in range(CROWD)) + ">"
    plain = hidden.replace('">', '"')
    assert not repairs._may_hold_crowded_tag(hidden)
    assert repairs._may_hold_crowded_tag(plain)


def test_long_tags_of_real_pages_pass_the_quick_check() -> None:
    """A data: URL or a long style makes a tag long, not crowded: nothing to rewrite."""
    long_value = "x" * (4 * SCAN_WINDOW)
    body = f'<p>a</p><img src="data:image/png;base64,{long_value}" alt="b">' + "<p>中</p>" * 50
    assert not repairs._may_hold_crowded_tag(body)
    assert _bound_attributes(body, []) is body


def test_markdown_post_raw_html_is_bounded_before_its_bytes_are_kept() -> None:
    """In a Markdown post a stretch of HTML the rules did not change keeps its bytes;
    an attribute the parser never saw (an onclick past the cap) must not ride along."""
    crowded = f'<div {_attributes(CROWD)} onclick="alert(1)">\nhello\n</div>'
    code = f"    <p {_attributes(CROWD)} onclick=x>"  # indented code: text, kept
    post = f"---\ntitle: t\n---\nSome *text*.\n\n{crowded}\n\n{code}\n\nMore `code`.\n"
    cleaned = clean_document(post.encode(), path="post.md")
    out = render(cleaned, "html")
    assert "alert" not in out and code in out
    assert out.count('="v') == MAX_ATTRIBUTES + CROWD
    assert any(note.startswith("left out 45 attributes") for note in cleaned.doc.repairs)
    again = clean_document(out.encode(), path="post.md")
    assert not again.edited and render(again, "html") == out


def test_verbose_names_the_attributes_left_out(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(f"<p {_attributes(CROWD)}>x</p>\n", "utf-8")
    result = CliRunner().invoke(main, ["--no-config", "-v", str(page)])
    assert result.exit_code == 0, result.stderr
    assert "note: left out 44 attributes of a tag after its first 256" in result.stderr
