"""The command line on single files and standard input: options, errors, light imports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanhtml.cli import main

REPO = Path(__file__).resolve().parent.parent
POST = REPO / "fixtures" / "sina-000" / "input.md"
EXPECTED = REPO / "fixtures" / "sina-000" / "expected.md"
EXPECTED_TEXT = REPO / "fixtures" / "sina-000" / "expected.txt"
DIRTY = "<p>采取<!-- ad --><span id='stock_sz300959'><a class='keyword'>线上</a></span>方式</p>\n"


def run(*args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--no-config", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_one_file_to_stdout_nothing_on_stderr() -> None:
    code, out, err = run(str(POST))
    assert (code, err) == (0, "")
    assert out == EXPECTED.read_text("utf-8")


def test_text_format() -> None:
    code, out, _ = run("-t", "text", str(POST))
    assert code == 0
    assert out == EXPECTED_TEXT.read_text("utf-8")


def test_stdin_when_no_path_and_dash() -> None:
    for args in ((), ("-",)):
        code, out, err = run(*args, input=DIRTY)
        assert (code, out, err) == (0, "<p>采取线上方式</p>\n", "")


def test_several_files_to_stdout_one_after_another(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("<p>a<!-- x --></p>", "utf-8")
    (tmp_path / "b.html").write_text("<p>b</p>\n", "utf-8")
    code, out, err = run("-q", str(tmp_path / "a.html"), str(tmp_path / "b.html"))
    assert code == 0
    assert out == "<p>a</p>\n<p>b</p>\n"
    assert err == ""


def test_unknown_format_and_rule_are_usage_errors() -> None:
    code, _, err = run("-t", "pdf", str(POST))
    assert code == 2 and "pdf" in err
    code, _, err = run("--ignore", "remove-comment", str(POST))
    assert code == 2 and "remove-comments" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (["-i", "-t", "text"], "-t html"),
        (["--check", "-t", "text"], "-t html"),
        (["-i", "-o", "out"], "exclude each other"),
        (["--check", "-i"], "write nothing"),
        (["-q", "-v"], "exclude each other"),
        (["-j", "0"], "--jobs"),
        (["--encoding", "no-such-codec"], "no-such-codec"),
        (["--config", "x.toml", "--no-config"], "exclude each other"),
    ],
)
def test_bad_combinations_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, [*args, str(POST)])
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr


def test_stdin_cannot_be_written_in_place() -> None:
    code, _, err = run("-i", "-", input=DIRTY)
    assert code == 2 and "standard input" in err


def test_missing_file_exit_3_others_done(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path / "nope.html"), str(POST))
    assert code == 3
    assert out == EXPECTED.read_text("utf-8")
    assert "nope.html: No such file or directory" in err


def test_explain_lists_removals_per_file() -> None:
    code, out, err = run("--explain", input=DIRTY)
    assert code == 0 and out == "<p>采取线上方式</p>\n"
    assert "<stdin>:\n  remove-comments: 1 edit\n    line 1: <!-- ad -->\n" in err
    assert "  unwrap-stock-links: " in err
    assert "\x1b" not in err  # plain text when piped
    code, out, err = run("--explain", input=out)
    assert code == 0 and err == "<stdin>: no rule changed anything\n"


def test_diff_prints_unified_diff_exit_0_and_check_exit_1(tmp_path: Path) -> None:
    post = tmp_path / "post.html"
    post.write_text(DIRTY, "utf-8")
    code, out, err = run("--diff", str(post))
    assert code == 0
    name = str(post).lstrip("/")  # an absolute path: a/tmp/..., as git writes it
    assert out.startswith(f"--- a/{name}\n+++ b/{name}\n@@")
    assert "-<p>采取<!-- ad -->" in out and "+<p>采取线上方式</p>" in out
    code, out2, err = run("--check", "--diff", str(post))
    assert code == 1 and out2 == out
    assert f"would clean {post}" in err
    assert post.read_text("utf-8") == DIRTY  # nothing written


def test_diff_headers_of_absolute_and_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git's headers: ``a/`` + the path, a leading slash dropped (never ``a//tmp``)."""
    post = tmp_path / "sub" / "p.html"
    post.parent.mkdir()
    post.write_text("<p>x<!-- c --></p>\n", "utf-8")
    _, out, _ = run("--diff", str(post))
    assert str(post).startswith("/") and "//" not in out
    assert out.startswith(f"--- a{post}\n+++ b{post}\n")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("--diff", "sub/p.html")
    assert out.startswith("--- a/sub/p.html\n+++ b/sub/p.html\n")
    if shutil.which("patch"):
        applied = subprocess.run(
            ["patch", "-p1", "--dry-run"], input=out, text=True, capture_output=True, check=False
        )
        assert applied.returncode == 0, applied.stdout + applied.stderr


def test_diff_without_trailing_newline_is_patchable(tmp_path: Path) -> None:
    post = tmp_path / "p.html"
    post.write_text("<p>x<!-- c --></p>", "utf-8")
    _, out, _ = run("--diff", str(post))
    assert out.endswith("+<p>x</p>\n\\ No newline at end of file\n")


def test_list_rules_and_version() -> None:
    code, out, _ = run("--list-rules")
    assert code == 0 and "remove-comments" in out and out.startswith("code")
    code, out, _ = run("--version")
    assert code == 0 and "cleanhtml" in out


def test_help_documents_every_contract_option() -> None:
    _, out, _ = run("--help")
    for option in (
        "--to",
        "--output-dir",
        "--in-place",
        "--check",
        "--diff",
        "--select",
        "--extend-select",
        "--ignore",
        "--list-rules",
        "--jobs",
        "--encoding",
        "--explain",
        "--config",
        "--no-config",
        "--quiet",
        "--verbose",
        "--version",
        "--statistics",
    ):
        assert option in out, option


def test_statistics_without_terminal() -> None:
    code, out, err = run("--statistics", str(POST))
    assert code == 0 and out
    assert "remove-comments" in err and "edits" in err


def test_shell_completion_of_rules() -> None:
    env = {"_CLEANHTML_COMPLETE": "bash_complete", "COMP_WORDS": "cleanhtml --ignore M001,remove-c"}
    result = CliRunner().invoke(main, [], env={**env, "COMP_CWORD": "2"}, prog_name="cleanhtml")
    assert "M001,remove-comments" in result.stdout


def test_shell_completion_of_profiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--profile completes the built-in profiles and those of the config file found."""

    def complete(words: str) -> list[str]:
        env = {"_CLEANHTML_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": "2"}
        result = CliRunner().invoke(main, [], env=env, prog_name="cleanhtml")
        return [line.split(",", 1)[1] for line in result.stdout.splitlines()]

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    from cleanhtml.profiles import BUILTIN

    assert complete("cleanhtml --profile ") == sorted(BUILTIN)
    assert complete("cleanhtml --profile g") == ["generic"]
    (tmp_path / ".cleanhtml.toml").write_text('[profiles.myblog]\nextends = "generic"\n')
    assert "myblog" in complete("cleanhtml --profile ")
    (tmp_path / ".cleanhtml.toml").write_text("not toml [")
    assert complete("cleanhtml --profile s") == ["sina"]


def test_python_m_cleanhtml() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cleanhtml", "--no-config", "-t", "text", str(POST)],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == EXPECTED_TEXT.read_bytes()


LIGHT = """
import json, sys
import cleanhtml.cli
after_import = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
try:
    cleanhtml.cli.main([*sys.argv[1:]])
except SystemExit as exc:
    code = exc.code
after_run = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
sys.stderr.write(json.dumps([code, after_import, after_run]))
"""


def test_single_file_path_stays_light(tmp_path: Path) -> None:
    """One file, stdin or -j 1: no process pool, no rich; no git outside a work tree."""
    heavy = '{"rich", "concurrent", "multiprocessing", "subprocess"}'
    script = f"HEAVY = {heavy}\n{LIGHT}"
    (tmp_path / "two").mkdir()
    for name in ("a.html", "b.html"):
        (tmp_path / "two" / name).write_text(DIRTY, "utf-8")
    runs = [
        ([str(POST)], b""),
        (["-"], DIRTY.encode()),
        (["-j", "2", "-o", "o", str(POST)], b""),
        (["-j", "1", "-o", "o", "two"], b""),  # a piped batch in-process: no bar, no pool
    ]
    for args, stdin in runs:
        done = subprocess.run(
            [sys.executable, "-c", script, "--no-config", *args],
            input=stdin,
            capture_output=True,
            cwd=tmp_path,
            check=False,
        )
        code, after_import, after_run = json.loads(done.stderr.decode().splitlines()[-1])
        assert code == 0, done.stderr
        assert after_import == [] and after_run == [], (args, after_run)


def test_verbose_names_the_encoding_and_a_nul_is_not_binary(tmp_path: Path) -> None:
    gbk = tmp_path / "gbk.html"
    gbk.write_bytes('<meta charset="gbk"><p>责任编辑在文中出现也是正文内容</p>'.encode("gbk"))
    code, out, err = run("-v", "-t", "text", str(gbk))
    assert code == 0 and out == "责任编辑在文中出现也是正文内容\n"
    assert "encoding: gb18030" in err
    stray = tmp_path / "stray.html"
    stray.write_bytes(b"<p>a\x00b</p>")
    code, out, err = run("-t", "text", str(stray))
    assert (code, out) == (0, "ab\n"), err
    png = tmp_path / "image.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    code, out, err = run(str(png))
    assert code == 3 and "image.html" in err and "binary" in err and "Traceback" not in err


def test_explain_on_a_terminal_is_a_rich_tree() -> None:
    import io

    from cleanhtml.config import Settings
    from cleanhtml.report import Reporter
    from cleanhtml.rule import Removal
    from cleanhtml.runner import FileResult

    stream = io.StringIO()
    reporter = Reporter(Settings(explain=True, quiet=True), 1, stream=stream)
    reporter._tty = True  # as on a terminal
    result = FileResult("post.md", "cleaned", edits={"remove-comments": 1, "tidy-blank-lines": 1})
    result.removals = [Removal("remove-comments", 7, "<!-- ad -->")]
    reporter.add(result)
    out = stream.getvalue()
    assert "post.md" in out and "remove-comments" in out and "1 edit" in out
    assert "line 7" in out and "<!-- ad -->" in out and "tidy-blank-lines" in out
    assert any(branch in out for branch in ("├", "└", "+--", "`--"))  # drawn as a tree


def test_command_line_formats_are_the_renderers() -> None:
    """-t offers exactly the library's renderers (named in config so --help need not load them)."""
    from cleanhtml.api import RENDERERS
    from cleanhtml.config import FORMATS

    assert tuple(RENDERERS) == FORMATS


def test_version_does_not_load_the_cleaner() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from click.testing import CliRunner; from cleanhtml.cli import main; "
        "CliRunner().invoke(main, ['--version']); "
        "heavy = ('cleanhtml.api', 'cleanhtml.rules', 'lxml'); "
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
