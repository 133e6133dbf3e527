"""The rule registry: unique codes and names, a documented example and a fixture per rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleanhtml.api import clean_document
from cleanhtml.rule import Rule
from cleanhtml.rules import RULES, select_rules
from cleanhtml.rules.custom import user_rules

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
USER = user_rules({"root": "#a", "drop": [".b"], "unwrap": [".c"], "drop-text": ["d"]})
CODE = re.compile(r"^[SMNWU]\d{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
RECORDS_ONLY = {"record-article-meta"}  # edits nothing: its fixture checks what it records


def test_codes_and_names_are_unique_and_well_formed() -> None:
    every = (*RULES, *USER)
    assert len({r.code for r in every}) == len(every)
    assert len({r.name for r in every}) == len(every)
    for rule in every:
        assert CODE.match(rule.code), rule.code
        assert NAME.match(rule.name), rule.name
        assert rule.code[0] == rule.group[0].upper(), (rule.code, rule.group)
        assert rule.summary.endswith(".") and len(rule.summary) <= 100, rule.name


@pytest.mark.parametrize("rule", [*RULES, *USER], ids=lambda r: r.code)
def test_every_rule_documents_an_example(rule: Rule) -> None:
    doc = rule.doc
    assert doc != rule.summary, f"{rule.name}: its function has no docstring"
    assert "``<" in doc, f"{rule.name}: no markup example in its docstring"


def test_deferrals_name_later_selected_rules() -> None:
    """A rule defers only to a rule that runs after it (and so finishes its work)."""
    order = [r.name for r in RULES]
    deferring = [r for r in RULES if r.defers_to]
    assert deferring  # S004, S006
    for rule in deferring:
        for name in rule.defers_to:
            assert name in order and order.index(name) > order.index(rule.name), name


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_has_a_fixture_where_it_acts(rule: Rule) -> None:
    """fixtures/<rule-name>/ exists and the rule, run alone, edits its input (further
    ``<rule-name>-*`` folders may show what it keeps)."""
    case = FIXTURES / rule.name
    assert case.is_dir(), f"no fixtures/{rule.name}/ folder"
    if rule.name in RECORDS_ONLY:
        return
    source = next(p for p in case.iterdir() if p.stem == "input")
    cleaned = clean_document(source.read_bytes(), rules=select_rules(rule.code), path=source.name)
    assert rule.name in cleaned.edits, f"fixtures/{rule.name}: the rule changed nothing"


def test_load_time_tree_fixes_are_named_steps_in_order() -> None:
    """The fixes a parsed tree gets before the rules: named, unique, and those that
    make elements (before the census is taken) first."""
    from cleanhtml.document import load
    from cleanhtml.treefixes import TREE_FIXES

    names = [fix.name for fix in TREE_FIXES]
    assert len(set(names)) == len(names) and all(NAME.match(n) for n in names)
    census_from = next(i for i, fix in enumerate(TREE_FIXES) if fix.needs_census)
    assert all(fix.needs_census for fix in TREE_FIXES[census_from:])
    doc = load(b'<p><a href="1">x<b><a href="2">y</a></b></a><svg:script>1</svg:script></p>')
    assert doc.repairs[:2] == [TREE_FIXES[0].repair, TREE_FIXES[1].repair]
