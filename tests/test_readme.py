"""README's rules table is generated from the registry and must stay current."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cleanhtml.rules import RULES

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- rules-table:[^>]*-->\n)(.*?)(<!-- /rules-table -->)", re.S)


def rules_table() -> str:
    lines = [
        "| code | name | group | default | removes text | Chinese text only | summary |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in RULES:
        summary = rule.summary.replace("|", "\\|").replace("<", "&lt;")
        lines.append(
            f"| {rule.code} | `{rule.name}` | {rule.group} | {'on' if rule.default else 'off'}"
            f" | {'yes' if rule.removes_text else 'no'} | {'yes' if rule.needs_cjk else ''}"
            f" | {summary} |"
        )
    return "\n".join(lines) + "\n"


def test_rules_table_is_current(request: pytest.FixtureRequest) -> None:
    text = README.read_text("utf-8")
    match = BLOCK.search(text)
    assert match, "README.md lacks the rules-table markers"
    if request.config.getoption("--update-fixtures"):
        README.write_text(text[: match.start(2)] + rules_table() + text[match.end(2) :], "utf-8")
        return
    assert match.group(2) == rules_table(), (
        "README rules table is stale: run pytest --update-fixtures"
    )


def test_quick_start_has_two_commands() -> None:
    text = README.read_text("utf-8")
    block = re.search(r"## Quick start\n\n```bash\n(.*?)```", text, re.S)
    assert block, "README.md lacks a Quick start code block"
    assert len(block.group(1).strip().splitlines()) == 2


RULE_DOCS = README.parent / "docs" / "rules.md"


def rule_docs() -> str:
    """docs/rules.md: every built-in rule's documentation, in table order."""
    out = [
        "# cleanhtml rules",
        "",
        "Generated from `cleanhtml.rules.RULES` by `tests/test_readme.py`; do not edit by hand",
        "(`python -m pytest --update-fixtures tests/test_readme.py` regenerates it).",
        "`cleanhtml --show-rule NAME` prints the same text. Rules run in this order.",
        "",
    ]
    for rule in RULES:
        default = "on" if rule.default else "off"
        removes = "yes" if rule.removes_text else "no"
        cjk = " Runs only on inputs holding Chinese (CJK) text." if rule.needs_cjk else ""
        out += [
            f"## {rule.code} `{rule.name}`",
            "",
            f"Group `{rule.group}`, default {default}, removes visible text: {removes}.{cjk}",
            "",
            rule.doc,
            "",
        ]
    return "\n".join(out)


def test_rule_docs_are_current(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-fixtures"):
        RULE_DOCS.parent.mkdir(exist_ok=True)
        RULE_DOCS.write_text(rule_docs(), "utf-8")
        return
    assert RULE_DOCS.read_text("utf-8") == rule_docs(), "docs/rules.md is stale"
