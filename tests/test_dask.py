"""cleanhtml.dask on a real Dask bag (synchronous scheduler: no cluster needed here)."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any, Literal

import pytest

import cleanhtml
from cleanhtml.errors import InputError, UsageError

db = pytest.importorskip("dask.bag")
import cleanhtml.dask as cdask  # noqa: E402

DOCS = [
    '<p>采取<span id="stock_sz300959"><a class="keyword">线上线下</a></span>方式</p>',
    "<p>a<!-- x -->b</p>",
]


@pytest.mark.parametrize("to", ["html", "text"])
def test_clean_bag_equals_clean(to: str) -> None:
    bag = db.from_sequence(DOCS * 5, npartitions=3)
    got = cdask.clean_bag(bag, to=to).compute(scheduler="synchronous")
    assert got == [cleanhtml.clean(d, to=to) for d in DOCS * 5]


def test_clean_bag_unknown_rule_fails_before_compute() -> None:
    with pytest.raises(UsageError, match="unknown rule"):
        cdask.clean_bag(db.from_sequence(DOCS), ignore="no-such-rule")


# the first bytes of a 1x1 PNG: binary, so cleaning it raises InputError
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
BAD_AND_GOOD = [PNG, "<p>ok</p>", PNG, "<p>a<!-- x -->b</p>"]


@pytest.mark.parametrize("npartitions", [1, 2])
def test_errors_none_maps_bad_documents_to_none(npartitions: int) -> None:
    bag = db.from_sequence(BAD_AND_GOOD, npartitions=npartitions)
    got = cdask.clean_bag(bag, errors="none", to="text").compute(scheduler="synchronous")
    assert got == [None, "ok\n", None, "ab\n"]


def test_errors_raise_fails_the_compute_naming_the_reason() -> None:
    bag = db.from_sequence(BAD_AND_GOOD, npartitions=2)
    with pytest.raises(InputError, match=r"^binary file \(PNG image\), not HTML$"):
        cdask.clean_bag(bag, to="text").compute(scheduler="synchronous")
    with pytest.raises(InputError, match="binary file"):
        cdask.clean_bag(bag, errors="raise").compute(scheduler="synchronous")


@pytest.mark.parametrize("errors", ["raise", "none"])
def test_clean_partition_errors_modes(errors: Literal["raise", "none"]) -> None:
    if errors == "raise":
        with pytest.raises(InputError, match="binary file"):
            cdask.clean_partition(BAD_AND_GOOD, errors=errors)
    else:
        got = cdask.clean_partition(BAD_AND_GOOD, errors=errors)
        assert got == [None, "<p>ok</p>", None, "<p>ab</p>"]


@pytest.fixture
def without_dask(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import dask``/``import distributed`` fail, as without the extra."""
    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith(("dask", "distributed")):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)


@pytest.mark.usefixtures("without_dask")
def test_missing_dask_says_how_to_install() -> None:
    with pytest.raises(UsageError, match=r"pip install 'cleanhtml\[dask\]'"):
        cdask.require_dask()


@pytest.mark.usefixtures("without_dask")
def test_cli_dask_without_extra_is_usage_error() -> None:
    from click.testing import CliRunner

    from cleanhtml.cli import main

    result = CliRunner().invoke(main, ["--dask", "local", "--no-config", "-"], input="<p>x</p>")
    assert result.exit_code == 2
    assert "pip install 'cleanhtml[dask]'" in result.stderr


def test_clean_bag_equals_clean_on_every_fixture() -> None:
    """Every fixture (whole pages included), with its case.toml's settings and in every
    format it has an expected file for: the bag gives what ``clean()`` gives, and for
    html/text/markdown exactly the expected file."""
    from collections import defaultdict

    from test_fixtures import CASES, _expected, _input, expected_text, settings_of

    groups: dict[tuple[object, str], list[tuple[bytes, str | None]]] = defaultdict(list)
    for case in CASES:
        for path, to in _expected(case):
            want = None if to == "json" else expected_text(path)  # json names the path
            groups[settings_of(case), to].append((_input(case).read_bytes(), want))
    assert any(len(items) > 1 for items in groups.values())
    checked = 0
    for (settings, to), items in groups.items():
        inputs = [data for data, _ in items]
        bag = db.from_sequence(inputs, npartitions=min(3, len(inputs)))
        got = cdask.clean_bag(bag, to=to, settings=settings).compute(scheduler="synchronous")
        assert got == [cleanhtml.clean(d, to=to, settings=settings) for d in inputs]
        for out, (_, want) in zip(got, items, strict=True):
            assert want is None or out == want
            checked += 1
    assert checked >= len(CASES)


def test_clean_bag_takes_the_keywords_of_clean() -> None:
    page = (Path(__file__).parent.parent / "fixtures/page-sina-article/input.html").read_bytes()
    bag = db.from_sequence([page], npartitions=1)
    for options in ({}, {"root": "#artibody"}, {"profile": "generic"}, {"drop": ["p"]}):
        got = cdask.clean_bag(bag, to="text", **options).compute(scheduler="synchronous")
        assert got == [cleanhtml.clean(page, to="text", **options)]
