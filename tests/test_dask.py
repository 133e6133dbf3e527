"""cleanhtml.dask on a real Dask bag (synchronous scheduler: no cluster needed here)."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

import cleanhtml
from cleanhtml.errors import UsageError

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


def test_errors_none_maps_bad_documents_to_none() -> None:
    bag = db.from_sequence([b"\xff\xfe<p>\x00bad", "<p>ok</p>"], npartitions=1)
    got = cdask.clean_bag(bag, errors="none", to="text").compute(scheduler="synchronous")
    assert got[1] == "ok\n"


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
