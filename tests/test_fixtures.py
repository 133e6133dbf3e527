"""Every fixtures/<case>/ folder: input + expected outputs, plus idempotency.

A case folder holds ``input.md`` or ``input.html``, the expected outputs
(``expected.md``/``expected.html`` for ``-t html``, ``expected.txt`` for ``-t text``,
and any other ``expected.<ext>`` a renderer owns), and optionally ``case.toml`` with
``select``/``extend-select``/``ignore`` keys as in ``[tool.cleanhtml]``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanhtml.api import Cleaned, clean_document
from cleanhtml.config import Settings
from cleanhtml.document import split_front_matter
from cleanhtml.render import FORMATS, render
from cleanhtml.rule import Rule

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def _input(case: Path) -> Path:
    found = [p for p in case.iterdir() if p.stem == "input"]
    assert len(found) == 1, f"{case.name}: expected exactly one input.* file"
    return found[0]


def settings_of(case: Path) -> Settings:
    """The settings of a case: the defaults, or its case.toml (the same keys as
    ``[tool.cleanhtml]``: profile, select, extend-select, ignore, drop, unwrap,
    drop-text, root), read as ``clean(config=...)`` reads a config file."""
    toml = case / "case.toml"
    return Settings.build(config=toml if toml.exists() else None)


def _rules(case: Path) -> tuple[Rule, ...]:
    """The rules of a case (tests/test_digests.py reads cases the same way)."""
    return settings_of(case).rules()


def _clean(case: Path, source: bytes, path: str | None = None) -> Cleaned:
    """``source`` cleaned under the case's settings, as the runner cleans a file."""
    settings = settings_of(case)
    return clean_document(
        source,
        rules=settings.rules(),
        encoding=settings.encoding,
        keep_comments=settings.keep_comments,
        path=path,
        url=settings.url,
    )


def _expected(case: Path) -> list[tuple[Path, str]]:
    """The expected files of a case and their formats, by the suffixes in the format
    table (:data:`cleanhtml.render.FORMATS`; ``html`` takes the input's suffix)."""
    by_suffix = {fmt.expected or _input(case).suffix: name for name, fmt in FORMATS.items()}
    out = []
    for path in sorted(case.glob("expected.*")):
        to = by_suffix.get(path.suffix)
        assert to, f"{path}: unknown expected-file suffix"
        out.append((path, to))
    return out


def expected_text(path: Path) -> str:
    """An expected file's text as written, line ends included (CRLF pages keep CRLF)."""
    with path.open(encoding="utf-8", newline="") as f:
        return f.read()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture(case: Path, request: pytest.FixtureRequest) -> None:
    source = _input(case).read_bytes()
    expected_files = _expected(case)
    assert expected_files, f"{case.name}: no expected.* file"
    cleaned = _clean(case, source, _input(case).name)
    for path, to in expected_files:
        got = render(cleaned, to)
        if request.config.getoption("--update-fixtures"):
            path.write_text(got, "utf-8", newline="")
            continue
        assert got == expected_text(path), f"{path.relative_to(FIXTURES)} differs"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_fixture_idempotent(case: Path) -> None:
    """Cleaning the expected HTML makes 0 edits and changes no byte; front matter is kept."""
    source = _input(case).read_bytes()
    once = render(_clean(case, source), "html").encode("utf-8")
    again = _clean(case, once)
    assert again.edits == {}, f"second pass edited: {again.edits}"
    assert render(again, "html").encode("utf-8") == once
    front, _ = split_front_matter(source.decode("utf-8-sig", "replace"))  # GB pages too
    assert once.decode("utf-8").startswith(front)
