"""Cleaning for an output format leaves out the rules whose edits cannot show in it.

A rule declares the formats its edits never change (:attr:`Rule.hidden_in`); cleaning
for one of them (``clean_document(..., to=...)``, the command line, ``clean()``)
skips it, and applies it after the others where its edits matter (no other edit, or
settling ahead). The output must then be, byte for byte, the one every rule gives,
and the document must count as changed exactly when it did. Every real input is held
to that by ``tests/test_digests.py``; here generated markup (the strategies of
``test_properties.py``, also inside ``<pre>``), the late paths, and the check itself:
a rule hidden where its edits show is caught.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import EXAMPLES, bodies, documents

from cleanhtml import cleaned as cleaned_module
from cleanhtml.api import clean_document, render
from cleanhtml.cleaned import Cleaned
from cleanhtml.cli import main
from cleanhtml.rule import Rule
from cleanhtml.rules import RULES, markup, safety, select_rules, whitespace
from cleanhtml.rules.custom import user_rules

GATED = tuple(sorted({to for rule in RULES for to in rule.hidden_in}))
"""The formats some rule is hidden in."""


def _cleaned(
    source: str | bytes, rules: Sequence[Rule] | None, to: str | None
) -> tuple[Cleaned, bool]:
    """The document cleaned (for ``to``), and whether it was settled."""
    settled = []
    settle = cleaned_module._settle

    def counted(*args: Any) -> None:
        settled.append(True)
        settle(*args)

    cleaned_module._settle = counted
    try:
        return clean_document(source, rules=rules, to=to), bool(settled)
    finally:
        cleaned_module._settle = settle


def differences(source: str | bytes, rules: Sequence[Rule] | None = None) -> list[str]:
    """The formats whose output (or changed-or-not answer, or settling) cleaning for
    the format changes, against cleaning with every rule."""
    whole, settled = _cleaned(source, rules, None)
    found = []
    for to in GATED:
        gated, gated_settled = _cleaned(source, rules, to)
        if (
            render(gated, to) != render(whole, to)
            or gated.edited != whole.edited
            or gated_settled != settled
        ):
            found.append(to)
    return found


def _copy(rule: Rule, **changes: object) -> Rule:
    fields = {name: getattr(rule, name) for name in Rule.__slots__}
    fields.update(changes)
    return Rule(**fields)  # type: ignore[arg-type]


def _replaced(old: Rule, new: Rule, rules: Sequence[Rule] = RULES) -> tuple[Rule, ...]:
    return tuple(new if rule is old else rule for rule in rules)


def test_the_hidden_rules() -> None:
    """What is left out for each format (a rule added here needs the proof its
    ``hidden_in`` docstring asks for); none in json, which writes every edit."""
    hidden = {rule.name: rule.hidden_in for rule in RULES if rule.hidden_in}
    assert hidden == {
        "remove-style-attributes": ("text", "markdown"),
        "remove-cms-attributes": ("text", "markdown"),
        "remove-tracking-attributes": ("text", "markdown"),
        "record-article-meta": ("html", "text", "markdown"),
        "tidy-blank-lines": ("text",),
    }
    assert not any(rule.reshapes for rule in RULES if rule.hidden_in)
    with pytest.raises(ValueError, match="reshaping"):
        _copy(markup.unwrap_font, hidden_in=("text",))


@EXAMPLES
@given(st.one_of(documents, bodies.map(lambda body: f"<pre>{body}</pre>\n<p>x</p>")))
def test_cleaning_for_a_format_gives_its_output(source: str) -> None:
    assert differences(source) == []


@pytest.mark.parametrize(
    "source",
    [
        '<p style="color:red">a</p>',  # no other edit: the skipped rule says it changed
        '<p cms-style="font-L">这是</p>',
        "<div><p>a</p>\n\n\n<p>b</p></div>",
        '<p><a><div style="x">a</div></a></p>',  # settles: the tree of every rule first
        '<p><a><div style="x">a</div></a><!-- c --></p>',
        "<pre><div><span>a</span>\n\n\n<span>b</span></div></pre>",  # tidy runs in <pre>
        "<p>a</p>",
    ],
)
def test_late_paths(source: str) -> None:
    assert differences(source) == []


def test_a_style_only_file_still_changes() -> None:
    cleaned = clean_document('<p style="color:red">a</p>', to="text")
    assert cleaned.edited and cleaned.edits == {"remove-style-attributes": 1}
    assert cleaned.skipped == ()  # applied after all: it renders in any format


def test_rendered_only_in_its_format() -> None:
    cleaned = clean_document(
        '<div><p style="color:red">a</p><!-- c -->\n\n\n<p>b</p></div>', to="text"
    )
    assert cleaned.skipped == ("remove-style-attributes", "tidy-blank-lines")
    assert render(cleaned, "text") == "a\n\nb\n"
    with pytest.raises(ValueError, match="remove-style-attributes"):
        render(cleaned, "html")


def test_a_page_s_metadata_is_read_for_json_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """keep-site-article records the whole page's title, date, author and source, which
    only ``-t json`` writes."""
    from cleanhtml.rules.sites import meta

    read = []
    page_meta = meta.page_meta
    monkeypatch.setattr(meta, "page_meta", lambda *args: read.append(1) or page_meta(*args))
    page = "<html><head><title>T</title></head><body><p>a</p></body></html>"
    for to in ("html", "text", "markdown"):
        assert render(clean_document(page, to=to), to) == render(clean_document(page), to)
    assert read == [1, 1, 1]  # (those cleaned for every format)
    record = render(clean_document(page, to="json"), "json")
    assert read == [1, 1, 1, 1] and '"title":"T"' in record
    with pytest.raises(ValueError, match="cleaned for 'html'"):
        render(clean_document(page, to="html"), "json")


def test_explain_applies_every_rule() -> None:
    cleaned = clean_document('<p style="color:red">a<!-- c --></p>', to="text", explain=True)
    assert cleaned.skipped == () and "remove-style-attributes" in cleaned.edits


# -- the check catches a rule hidden where its edits show --------------------------------


def test_a_rule_changing_the_text_wrongly_hidden_is_caught() -> None:
    wrong = _copy(whitespace.remove_empty_elements, hidden_in=("text",))
    source = "<div><span>a<div></div></span>b</div><!-- c -->"
    assert differences(source) == []
    assert differences(source, _replaced(whitespace.remove_empty_elements, wrong)) == ["text"]


def test_a_shown_with_left_out_is_caught() -> None:
    wrong = _copy(whitespace.tidy_blank_lines, shown_with=())
    source = "<pre><div><span>a</span>\n\n\n<span>b</span></div></pre><!-- c -->"
    assert differences(source) == []
    assert differences(source, _replaced(whitespace.tidy_blank_lines, wrong)) == ["text"]


def test_a_later_rule_reading_what_a_hidden_one_removes_is_caught() -> None:
    """A rule after remove-style-attributes that reads ``style`` (here a user drop
    rule moved behind it) sees what it would not have seen."""
    (drop,) = user_rules({"drop": ["[style]"]})
    late_reader = (*select_rules(), drop)
    source = '<p style="x">a</p><p>b<!-- c --></p>'
    assert differences(source, late_reader) == ["markdown", "text"]


@pytest.mark.parametrize(
    "source",
    [
        '<div><p>推荐阅读</p><p><a href="javascript:;">某文章</a></p><p>正文</p></div><!-- c -->',
        '<p><a href="javascript:;">[上一篇]</a> <a href="javascript:;">[下一篇]</a></p><p>正文</p>',
    ],
)
def test_script_attributes_show_in_text(source: str) -> None:
    """Why remove-script-attributes is not hidden in text though the text renderer reads
    no attribute: the news rules after it read which links have an ``href``."""
    wrong = _copy(safety.remove_script_attributes, hidden_in=("text",))
    assert differences(source) == []
    assert differences(source, _replaced(safety.remove_script_attributes, wrong)) == ["text"]


# -- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "status"),
    [('<p style="color:red">a</p>\n', "cleaned"), ("<p>a</p>\n", "unchanged")],
)
def test_the_command_line_tells_a_change_as_before(source: str, status: str) -> None:
    """``-t text`` cleans for text, and a file whose only edit is a hidden rule's still
    counts as cleaned (``--check``, ``--diff`` and ``-i`` take only ``-t html``, where the
    only rule left out edits nothing)."""
    from click.testing import CliRunner

    args = ["--no-config", "--no-cache", "-v", "-t", "text", "-"]
    result = CliRunner().invoke(main, args, input=source)
    assert (result.exit_code, result.stdout) == (0, "a\n")
    assert f"{status} <stdin>" in result.stderr


def test_statistics_name_the_rules_left_out() -> None:
    from click.testing import CliRunner

    args = ["--no-config", "--no-cache", "--statistics", "-t", "text", "-"]
    result = CliRunner().invoke(main, args, input="<p>a<!-- c --></p>\n")
    assert result.exit_code == 0
    assert "remove-style-attributes, remove-cms-attributes" in result.stderr
    result = CliRunner().invoke(main, [*args[:-2], "html", "-"], input="<p>a<!-- c --></p>\n")
    assert "left out" not in result.stderr
