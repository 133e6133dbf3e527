"""User rules (drop, unwrap, drop-text, root), profiles and the inline opt-out."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleanhtml
from cleanhtml import profiles
from cleanhtml.api import clean_document, render
from cleanhtml.errors import ConfigError
from cleanhtml.rules import select_rules
from cleanhtml.rules.custom import user_rules

PAGE = """<!DOCTYPE html>
<html><head><title>t</title><meta name="author" content="a"></head>
<body><div class="nav">Home | News</div>
<div id="artibody"><p>第一段<span class="hl">重点</span></p>
<div class="ad-box">Buy now</div>tail stays
<p>（本文作者系某某）</p></div>
<div class="footer">Copyright</div></body></html>
""".encode()
CONFIG = {
    "root": "#artibody",
    "drop": [".ad-box"],
    "unwrap": ["//span[@class='hl']"],
    "drop-text": ["^（本文作者.*）$"],
}


def _clean(data: bytes, config: dict[str, object], to: str = "html") -> str:
    chosen = user_rules(config) + select_rules()
    return render(clean_document(data, rules=chosen), to)


def test_user_rules_change_output_as_documented() -> None:
    html = _clean(PAGE, CONFIG)
    assert "<title>t</title>" in html and 'name="author"' in html  # head kept
    assert "Home" not in html and "Copyright" not in html  # outside the root
    assert "Buy now" not in html and "tail stays" in html  # drop keeps the tail
    assert "<span" not in html and "第一段重点" in html  # unwrap keeps the word in place
    assert "本文作者" not in html  # drop-text
    again = clean_document(html.encode(), rules=user_rules(CONFIG) + select_rules())
    assert again.edits == {}


def test_root_that_matches_nothing_changes_nothing() -> None:
    cleaned = clean_document(PAGE, rules=user_rules({"root": "#nope"}))
    assert cleaned.edits == {}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"drop": ["div[[["]}, "drop: invalid CSS selector"),
        ({"unwrap": ["//div[@"]}, "unwrap: invalid XPath"),
        ({"drop-text": ["(unclosed"]}, "drop-text: invalid regular expression"),
        ({"root": ["a", "b"]}, "root: expected one selector"),
        ({"drop": 3}, "drop: expected a string or a list"),
    ],
)
def test_bad_expressions_are_config_errors(config: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        user_rules(config)


def test_profiles_resolve_and_extend() -> None:
    assert profiles.resolve("generic")["select"] == ["markup", "safety", "whitespace"]
    user = {"mine": {"extends": "generic", "drop": [".x"]}}
    assert profiles.resolve("mine", user) == {
        "select": ["markup", "safety", "whitespace"],
        "drop": [".x"],
    }
    with pytest.raises(ConfigError, match="unknown profile"):
        profiles.resolve("nope")
    with pytest.raises(ConfigError, match="loops"):
        profiles.resolve("a", {"a": {"extends": "b"}, "b": {"extends": "a"}})
    with pytest.raises(ConfigError, match="unknown key"):
        profiles.resolve("a", {"a": {"colour": "red"}})


def test_opt_out_region_is_left_alone_and_markers_survive() -> None:
    src = (
        '<div><p style="x">a<!--c--></p>\n<!-- cleanhtml: off -->kept <p style="y">b'
        "<!--d--><font>f</font></p>\n<span></span><!-- cleanhtml: on --><p style='z'>c</p></div>"
    )
    out = render(clean_document(src), "html")
    assert '<p style="y">b<!--d--><font>f</font></p>\n<span></span>' in out
    assert "<!-- cleanhtml: off -->kept " in out and "<!-- cleanhtml: on -->" in out
    assert "<p>a</p>" in out and "<p>c</p>" in out
    assert clean_document(out).edits == {}


def test_broken_selector_in_config_exits_2_before_any_file_is_written(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleanhtml.cli import main

    (tmp_path / ".git").mkdir()
    (tmp_path / ".cleanhtml.toml").write_text('drop = ["div[[["]\n', "utf-8")
    post = tmp_path / "post.html"
    post.write_text("<p>a<!-- c -->b</p>", "utf-8")
    before = post.read_bytes()
    result = CliRunner().invoke(main, ["-i", str(post)])
    assert result.exit_code == 2
    assert "drop: invalid CSS selector 'div[[['" in result.stderr
    assert ".cleanhtml.toml" in result.stderr
    assert post.read_bytes() == before


def test_profile_from_config_and_explain_names_user_rules(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleanhtml.cli import main

    (tmp_path / ".git").mkdir()
    (tmp_path / ".cleanhtml.toml").write_text(
        'profile = "mine"\n[profiles.mine]\nextends = "generic"\ndrop = [".ad"]\n', "utf-8"
    )
    post = tmp_path / "post.html"
    post.write_text(
        '<p>a<span class="ad">AD</span>b<span id="stock_sh600000">c</span></p>', "utf-8"
    )
    result = CliRunner().invoke(main, ["--explain", str(post)])
    assert result.exit_code == 0, result.stderr
    # generic: no news rules, so the stock span stays; the profile's drop ran
    assert result.stdout == '<p>ab<span id="stock_sh600000">c</span></p>'
    assert "drop-selected: 1 edit" in result.stderr


POST = "<p>稳就业是头等大事。</p><p>就业</p><p>（本文作者：张三）</p>"


def test_drop_text_matches_the_whole_text() -> None:
    kept = "<p>稳就业是头等大事。</p><p>（本文作者：张三）</p>"
    assert cleanhtml.clean(POST, drop_text=["就业"]) == kept
    no_author = "<p>稳就业是头等大事。</p><p>就业</p>"
    assert cleanhtml.clean(POST, drop_text=["（本文作者.*）"]) == no_author


def test_drop_text_contains_matches_anywhere() -> None:
    assert cleanhtml.clean(POST, drop_text=["contains:就业"]) == "<p>（本文作者：张三）</p>"


def test_drop_text_is_documented_the_same_everywhere() -> None:
    from click.testing import CliRunner

    from cleanhtml.cli import main

    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    assert "whole** text" in readme and "`contains:`" in readme
    helped = " ".join(CliRunner().invoke(main, ["--help"]).stdout.split())
    assert "whole text matches REGEX ('contains:REGEX': anywhere in it)" in helped
    shown = CliRunner().invoke(main, ["--drop-text", "x", "--show-rule", "U004"]).stdout
    assert "whole text" in shown and "``contains:``" in shown and "re.fullmatch" in shown
