"""The one settings value: built from keywords, a config file or both; one rule list."""

from __future__ import annotations

import doctest
import pickle
from pathlib import Path

import pytest

import cleanhtml
from cleanhtml import Settings
from cleanhtml.errors import ConfigError, UsageError

PAGE = (Path(__file__).parent.parent / "fixtures/page-sina-article/input.html").read_bytes()
NAV_PAGE = "<body><div id='nav'><p>首页 新闻</p></div><div id='main'><p>正文</p></div></body>"


def test_settings_are_one_hashable_value() -> None:
    one = Settings.build(root="#a", drop=[".ad"], profiles={"x": {"drop": ["p"]}})
    two = Settings.build(drop=".ad", root="#a", profiles={"x": {"drop": ["p"]}})
    assert one == two and hash(one) == hash(two) and one.cache_key() == two.cache_key()
    assert pickle.loads(pickle.dumps(one)) == one
    assert len({one, two, Settings()}) == 2
    with pytest.raises(AttributeError):
        one.root = "#b"  # type: ignore[misc]


def test_cache_key_follows_what_changes_output() -> None:
    base = Settings()
    assert Settings(jobs=3, quiet=True, output_dir=Path("out")).cache_key() == base.cache_key()
    for other in (
        Settings(to="text"),
        Settings(drop_text=("x",)),
        Settings(profile="generic"),
        Settings(profiles={"mine": {"drop": ["p"]}}),
        Settings(encoding="gbk"),
    ):
        assert other.cache_key() != base.cache_key(), other


def test_clean_takes_root_drop_and_profile_keywords() -> None:
    assert cleanhtml.clean(NAV_PAGE, root="#main", to="text") == "正文\n"
    assert cleanhtml.clean(NAV_PAGE, drop=["#nav"], to="text") == "正文\n"
    whole = cleanhtml.clean(PAGE, to="text", profile="generic")
    article = cleanhtml.clean(PAGE, to="text")  # the default profile cuts to #artibody
    assert len(article) < len(whole)


def test_clean_takes_a_config_file(tmp_path: Path) -> None:
    config = tmp_path / ".cleanhtml.toml"
    config.write_text('root = "#main"\nto = "text"\n', "utf-8")
    assert cleanhtml.clean(NAV_PAGE, config=config) == "正文\n"
    html = cleanhtml.clean(NAV_PAGE, config=str(config), to="html")
    assert '<div id="main"><p>正文</p></div>' in html and "nav" not in html
    # keywords override the file's keys
    assert cleanhtml.clean(NAV_PAGE, config=config, root="#nav") == "首页 新闻\n"
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.cleanhtml]\ndrop = ["#nav"]\n', "utf-8")
    assert cleanhtml.clean(NAV_PAGE, config=pyproject, to="text") == "正文\n"
    config.write_text('root = "#nav"\n', "utf-8")  # a changed file is read again
    assert cleanhtml.clean(NAV_PAGE, config=config, to="text") == "首页 新闻\n"


def test_record_takes_the_same_settings() -> None:
    assert cleanhtml.record(NAV_PAGE, root="#main")["text"] == "正文\n"


def test_bad_settings_fail_by_name(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match=r"unknown setting 'dorp'.*'drop'"):
        cleanhtml.clean("<p>x</p>", dorp=["p"])
    with pytest.raises(UsageError, match="drop-text: invalid regular expression"):
        cleanhtml.clean("<p>x</p>", drop_text=["("])
    with pytest.raises(UsageError, match="unknown rule 'no-such'"):
        cleanhtml.clean("<p>x</p>", ignore="no-such")
    with pytest.raises(ConfigError, match="config file not found"):
        cleanhtml.clean("<p>x</p>", config=tmp_path / "missing.toml")
    with pytest.raises(TypeError, match="not both"):
        cleanhtml.clean("<p>x</p>", settings=Settings(), root="#a")


def test_settings_rules_is_the_one_rule_selection() -> None:
    from cleanhtml.profiles import profile_rules

    settings = Settings.build(profile="generic", drop=[".ad"], ignore=["M001"])
    direct = profile_rules("generic", drop=[".ad"], ignore=["M001"])
    assert [r.name for r in settings.rules()] == [r.name for r in direct]
    assert "drop-selected" in {r.name for r in direct} and "remove-comments" not in str(direct)
    assert settings.rules() is settings.rules()  # built once


@pytest.mark.parametrize(
    "module", ["cleanhtml.api", "cleanhtml.config", "cleanhtml.records", "cleanhtml.rules.custom"]
)
def test_docstring_examples(module: str) -> None:
    import importlib

    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted and not result.failed
