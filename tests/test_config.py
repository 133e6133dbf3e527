"""[tool.cleanhtml] / .cleanhtml.toml: discovery, validation, command-line overrides."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanhtml.cli import main
from cleanhtml.config import CONFIG_ONLY, KEYS, Settings, find_config, resolve, search_start
from cleanhtml.errors import ConfigError, UsageError

POST = "---\ntitle: t\n---\n<p>正文<!-- ad --></p>\n<p>责任编辑：张三</p>\n"
CLEANED = "---\ntitle: t\n---\n<p>正文</p>\n"
KEEP_FOOTER = "---\ntitle: t\n---\n<p>正文</p>\n<p>责任编辑：张三</p>\n"
KEEP_COMMENT = "---\ntitle: t\n---\n<p>正文<!-- ad --></p>\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A project folder (a repository root) with one post in posts/."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text(POST, "utf-8")
    return tmp_path


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_pyproject_ignore_changes_the_result(repo: Path) -> None:
    post = str(repo / "posts" / "a.md")
    assert invoke(post)[1] == CLEANED
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.cleanhtml]\nignore = ["remove-editor-footer"]\n', "utf-8"
    )
    code, out, _ = invoke(post)
    assert (code, out) == (0, KEEP_FOOTER)
    assert invoke("--no-config", post)[1] == CLEANED
    # the command line's --ignore replaces the file's: the footer goes, the comment stays
    assert invoke("--ignore", "M001", post) == (0, KEEP_COMMENT, "")


def test_cleanhtml_toml_with_the_pyproject_header_works(repo: Path) -> None:
    """The README's ``[tool.cleanhtml]`` table pasted into .cleanhtml.toml just works;
    mixed with top-level keys, the error says to drop the header."""
    post = str(repo / "posts" / "a.md")
    config = repo / ".cleanhtml.toml"
    config.write_text('[tool.cleanhtml]\nignore = ["remove-editor-footer"]\n', "utf-8")
    assert invoke(post)[:2] == (0, KEEP_FOOTER)
    config.write_text('jobs = 2\n[tool.cleanhtml]\nignore = ["N005"]\n', "utf-8")
    code, out, err = invoke(post)
    assert code == 2 and out == ""
    assert "unknown key 'tool'" in err and "drop the [tool.cleanhtml] header" in err


def test_typo_key_exits_2_naming_it(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.cleanhtml]\nignor = ["N005"]\n', "utf-8")
    code, out, err = invoke(str(repo / "posts" / "a.md"))
    assert code == 2 and out == ""
    assert "unknown key 'ignor'" in err and "did you mean 'ignore'" in err
    assert "pyproject.toml" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "line, key",
    [
        ("jobs = 0", "jobs"),
        ('jobs = "many"', "jobs"),
        ("check = 1", "check"),
        ('to = "pdf"', "to"),
        ("select = 3", "select"),
        ('ignore = ["no-such-rule"]', "ignore"),
        ('encoding = "klingon"', "encoding"),
    ],
)
def test_bad_values_exit_2_naming_the_key(repo: Path, line: str, key: str) -> None:
    (repo / ".cleanhtml.toml").write_text(line + "\n", "utf-8")
    code, _, err = invoke(str(repo / "posts" / "a.md"))
    assert code == 2
    assert f"bad value for '{key}'" in err


def test_invalid_toml_exits_2(repo: Path) -> None:
    (repo / ".cleanhtml.toml").write_text("ignore = [\n", "utf-8")
    code, _, err = invoke(str(repo / "posts" / "a.md"))
    assert code == 2 and "not valid TOML" in err


def test_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".cleanhtml.toml").write_text('ignore = ["N005"]\n', "utf-8")
    project = tmp_path / "project"
    (project / ".git").mkdir(parents=True)
    (project / "posts").mkdir()
    assert find_config(project / "posts") is None
    assert find_config(tmp_path) == tmp_path / ".cleanhtml.toml"


def test_nearest_file_wins_and_cleanhtml_toml_beats_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.cleanhtml]\nto = "text"\n', "utf-8")
    assert find_config(repo / "posts") == repo / "pyproject.toml"
    (repo / ".cleanhtml.toml").write_text('to = "html"\n', "utf-8")
    assert find_config(repo / "posts") == repo / ".cleanhtml.toml"
    (repo / "posts" / "pyproject.toml").write_text("[tool.black]\n", "utf-8")  # no section
    assert find_config(repo / "posts") == repo / ".cleanhtml.toml"
    (repo / "posts" / ".cleanhtml.toml").write_text("", "utf-8")
    assert find_config(repo / "posts") == repo / "posts" / ".cleanhtml.toml"


def test_search_starts_at_the_common_parent(repo: Path, tmp_path: Path) -> None:
    (repo / "posts" / "2022").mkdir()
    start = search_start([str(repo / "posts" / "a.md"), str(repo / "posts" / "2022")])
    assert start == repo / "posts"
    assert search_start(["-"], cwd=repo) == repo


def test_stdin_searches_from_the_working_directory(repo: Path) -> None:
    (repo / ".cleanhtml.toml").write_text('to = "text"\n', "utf-8")
    settings = resolve(["-"], {}, cwd=repo)
    assert settings.to == "text"
    assert settings.config_file == repo / ".cleanhtml.toml"


def test_verbose_names_the_config_file(repo: Path) -> None:
    (repo / ".cleanhtml.toml").write_text('select = ["markup"]\n', "utf-8")
    code, _, err = invoke("-v", str(repo / "posts" / "a.md"))
    assert code == 0
    assert f"config: {repo / '.cleanhtml.toml'}" in err


def test_config_file_option(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "settings.toml"
    other.write_text('to = "text"\n', "utf-8")
    code, out, _ = invoke("--config", str(other), str(repo / "posts" / "a.md"))
    assert code == 0 and out == "正文\n"
    code, _, err = invoke("--config", str(tmp_path / "missing.toml"), str(repo / "posts" / "a.md"))
    assert code == 2 and "missing.toml" in err


def test_every_key_is_a_long_option() -> None:
    help_text = CliRunner().invoke(main, ["--help"]).stdout
    for key in set(KEYS) - CONFIG_ONLY:
        assert f"--{key}" in help_text, key


def test_command_line_overrides_and_destination_replaces(repo: Path) -> None:
    (repo / ".cleanhtml.toml").write_text(
        'to = "text"\noutput-dir = "clean"\njobs = 3\nexclude = ["drafts"]\nverbose = true\n',
        "utf-8",
    )
    settings = resolve([str(repo / "posts")], {})
    assert settings.output_dir == repo / "clean"  # relative to the config file
    assert (settings.to, settings.jobs, settings.exclude) == ("text", 3, ("drafts",))
    # a pre-commit hook's -i must not clash with the file's output-dir and format
    hook = resolve([str(repo / "posts")], {"in-place": True, "quiet": True})
    assert hook.in_place and hook.output_dir is None and hook.to == "html"
    assert hook.quiet and not hook.verbose
    assert resolve([str(repo / "posts")], {"jobs": 1}).jobs == 1


def test_conflicts_are_usage_errors() -> None:
    with pytest.raises(UsageError, match="exclude each other"):
        resolve([], {"in-place": True, "output-dir": "x"}, no_config=True)
    with pytest.raises(UsageError, match="-t html"):
        resolve([], {"check": True, "to": "text"}, no_config=True)


def test_settings_are_frozen_and_comma_lists_split() -> None:
    settings = resolve([], {"select": ("M001,news", "W")}, no_config=True)
    assert settings.select == ("M001", "news", "W")
    with pytest.raises(AttributeError):
        settings.to = "text"  # type: ignore[misc]
    assert Settings().include[0] == "*.html"


def test_unknown_rule_in_file_is_a_config_error(repo: Path) -> None:
    (repo / ".cleanhtml.toml").write_text('extend-select = ["remove-comment"]\n', "utf-8")
    with pytest.raises(ConfigError, match="extend-select"):
        resolve([str(repo)], {})


# --- nearest config per file ----------------------------------------------------------------

SITE_PAGE = (
    '<body><div id="nav"><p>导航</p></div><div id="a163"><p>网易正文</p></div>'
    '<div id="aif"><p>凤凰正文</p></div></body>'
)


@pytest.fixture
def sites(tmp_path: Path) -> Path:
    """sites/163 and sites/ifeng, each with its own config; ifeng extends ../base.toml."""
    (tmp_path / ".git").mkdir()
    for name in ("163", "ifeng"):
        (tmp_path / "sites" / name).mkdir(parents=True)
        (tmp_path / "sites" / name / "p.html").write_text(SITE_PAGE, "utf-8")
    (tmp_path / "sites" / "163" / ".cleanhtml.toml").write_text('root = "#a163"\n', "utf-8")
    (tmp_path / "sites" / "ifeng" / "pyproject.toml").write_text(
        '[tool.cleanhtml]\nextend = "../base.toml"\nroot = "#aif"\n', "utf-8"
    )
    (tmp_path / "sites" / "base.toml").write_text('drop = ["#a163"]\nroot = "body"\n', "utf-8")
    return tmp_path / "sites"


def test_each_folder_takes_its_nearest_config_in_one_run(sites: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = invoke("-j", "1", "-t", "text", "-o", str(out), str(sites))
    assert code == 0, err
    assert (out / "163" / "p.txt").read_text("utf-8") == "网易正文\n"
    assert (out / "ifeng" / "p.txt").read_text("utf-8") == "凤凰正文\n"  # root replaced base's
    # the same through a process pool
    code, stdout, _ = invoke("-j", "2", "-t", "text", str(sites / "163"), str(sites / "ifeng"))
    assert code == 0 and stdout.split("\f\n") == ["网易正文\n", "凤凰正文\n"]
    (sites / "loose.html").write_text(SITE_PAGE, "utf-8")  # no config above it: defaults
    code, stdout, _ = invoke("-j", "1", "-t", "text", str(sites))
    assert sorted(stdout.split("\f\n")) == sorted(
        ["网易正文\n", "凤凰正文\n", "导航\n\n网易正文\n\n凤凰正文\n"]
    )


def test_extend_inherits_and_the_command_line_overrides_every_file(sites: Path) -> None:
    (sites / "ifeng" / "pyproject.toml").write_text(
        '[tool.cleanhtml]\nextend = "../base.toml"\n', "utf-8"
    )  # ifeng now takes base.toml's root and drop
    code, stdout, _ = invoke("-j", "1", "-t", "text", str(sites))
    assert stdout.split("\f\n") == ["网易正文\n", "导航\n\n凤凰正文\n"]
    assert code == 0
    code, stdout, _ = invoke("-j", "1", "-t", "text", "--root", "#aif", str(sites))
    assert (code, stdout.split("\f\n")) == (0, ["凤凰正文\n", "凤凰正文\n"])


def test_config_option_overrides_all_nearest_configs(sites: Path, tmp_path: Path) -> None:
    chosen = tmp_path / "chosen.toml"
    chosen.write_text('root = "#nav"\n', "utf-8")
    code, stdout, _ = invoke("-j", "1", "-t", "text", "--config", str(chosen), str(sites))
    assert stdout.split("\f\n") == ["导航\n", "导航\n"]
    code, stdout, _ = invoke("-j", "1", "-t", "text", "--no-config", str(sites))
    assert (code, stdout.split("\f\n")) == (0, ["导航\n\n网易正文\n\n凤凰正文\n"] * 2)


def test_a_bad_nearest_config_is_a_config_error_before_anything_runs(sites: Path) -> None:
    (sites / "163" / ".cleanhtml.toml").write_text('extend = "../163/.cleanhtml.toml"\n')
    code, stdout, err = invoke("-t", "text", str(sites))
    assert code == 2 and stdout == "" and "'extend' loops" in err
    (sites / "163" / ".cleanhtml.toml").write_text('extend = "missing.toml"\n')
    code, _, err = invoke("-t", "text", str(sites))
    assert code == 2 and "missing.toml: config file not found" in err


def test_stdin_filename_picks_the_config_of_that_path(sites: Path) -> None:
    args = ["-t", "text", "--stdin-filename"]
    result = CliRunner().invoke(main, [*args, str(sites / "ifeng" / "new.html")], input=SITE_PAGE)
    assert (result.exit_code, result.stdout) == (0, "凤凰正文\n")
    result = CliRunner().invoke(main, [*args, str(sites / "163" / "new.html")], input=SITE_PAGE)
    assert result.stdout == "网易正文\n"
    # and names standard input in messages
    result = CliRunner().invoke(main, [*args, "163/x.html", "-"], input=b"\x89PNG\r\n\x1a\n\0\0")
    assert result.exit_code == 3 and "163/x.html: binary file" in result.stderr


def test_resolver_reads_each_config_once(sites: Path) -> None:
    from cleanhtml.config import Resolver

    base = resolve([str(sites)], {})
    resolver = Resolver(base, {}, fixed=False)
    one = resolver.settings_for(sites / "163" / "p.html")
    assert one.root == "#a163" and one is resolver.settings_for(sites / "163" / "q.html")
    assert resolver.settings_for(sites / "ifeng" / "p.html").drop == ("#a163",)
    assert resolver.settings_for(sites / "other.html") is base
    assert Resolver(base, {}, fixed=True).settings_for(sites / "163" / "p.html") is base


def test_a_changed_nearest_config_is_seen_by_the_cache(sites: Path, tmp_path: Path) -> None:
    import os

    (sites / "ifeng" / "p.html").unlink()  # every file left is under one config, not the run's
    page = sites / "163" / "p.html"
    os.utime(page, (1_000_000_000, 1_000_000_000))  # old: the cache trusts its size and time
    out = tmp_path / "out"
    args = ["-t", "text", "-o", str(out), str(sites.parent)]
    assert invoke(*args)[0] == 0
    assert (out / "sites" / "163" / "p.txt").read_text("utf-8") == "网易正文\n"
    (sites / "163" / ".cleanhtml.toml").write_text('root = "#aif"\n', "utf-8")
    assert invoke(*args)[0] == 0
    assert (out / "sites" / "163" / "p.txt").read_text("utf-8") == "凤凰正文\n"
