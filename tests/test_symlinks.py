"""Symbolic links and the project root (issue 17): nothing outside the root is read or
written, whatever links a tree holds; links that stay inside the root still work."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanhtml.cli import main
from cleanhtml.files import Source, expand, inside, project_root
from cleanhtml.runner import process_file

DIRTY = "<p>正文<!-- ad --><span id='stock_sz300959'><a class='keyword'>线上</a></span>。</p>\n"
CLEAN = "<p>正文线上。</p>\n"
BASHRC = 'export PATH=/usr/bin\n# <b style="x">note</b>\n'
SKIPPED = ("abs.html", "evil.html", "linkdir", "up")  # the links leading out of tree/


def layout(base: Path) -> Path:
    """The issue's tree, plus the other kinds of link; returns ``base/tree``.

    outside/ holds what links lead to; tree/ is the project root (no git):
    ``evil.html`` (relative file link out), ``abs.html`` (absolute file link out),
    ``linkdir`` (folder link out), ``up`` (link to the folder above the root),
    ``posts/loop`` (a link loop), ``posts/c-link.html`` (relative file link inside),
    ``zz-alias`` (absolute folder link inside).
    """
    outside, tree = base / "outside", base / "tree"
    (outside / "dir").mkdir(parents=True)
    (outside / "bashrc").write_text(BASHRC, "utf-8")
    (outside / "dir" / "d.html").write_text(DIRTY, "utf-8")
    (outside / "abs.html").write_text(DIRTY, "utf-8")
    (outside / "target.html").write_text(DIRTY, "utf-8")
    (tree / "posts").mkdir(parents=True)
    (tree / "shared").mkdir()
    (tree / "posts" / "a.html").write_text(DIRTY, "utf-8")
    (tree / "shared" / "c.html").write_text(DIRTY, "utf-8")
    (tree / "evil.html").symlink_to("../outside/bashrc")
    (tree / "abs.html").symlink_to(outside / "abs.html")
    (tree / "linkdir").symlink_to("../outside/dir")
    (tree / "up").symlink_to("..")
    (tree / "posts" / "loop").symlink_to("..")
    (tree / "posts" / "c-link.html").symlink_to("../shared/c.html")
    (tree / "zz-alias").symlink_to(tree / "posts")
    return tree


def state(folder: Path) -> dict[str, tuple[str, bytes, int]]:
    """Every entry below ``folder`` without following links: kind, bytes or target, mtime."""
    found: dict[str, tuple[str, bytes, int]] = {}
    for top, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(top, name)
            info = path.lstat()
            if path.is_symlink():
                found[str(path)] = ("link", os.readlink(path).encode(), info.st_mtime_ns)
            elif path.is_dir():
                found[str(path)] = ("dir", b"", info.st_mtime_ns)
            else:
                found[str(path)] = ("file", path.read_bytes(), info.st_mtime_ns)
    return found


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--no-config", *args])
    return result.exit_code, result.stdout, result.stderr


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A real ``python -m cleanhtml`` run (a process pool for batches)."""
    command = [sys.executable, "-m", "cleanhtml", "--no-config", *args]
    return subprocess.run(command, capture_output=True, cwd=cwd, check=False, text=True)


# --- the project root -----------------------------------------------------------------


def test_root_is_the_common_parent_without_git(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    real = os.path.realpath(tree)
    assert project_root(["."], cwd=str(tree)) == real
    assert project_root(["posts/a.html", "shared"], cwd=str(tree)) == real
    assert project_root(["posts"], cwd=str(tree)) == os.path.join(real, "posts")
    # a named link counts as the folder holding it, not as where it leads
    assert project_root(["linkdir"], cwd=str(tree)) == real
    assert project_root(["evil.html"], cwd=str(tree)) == real
    assert project_root(["-"], cwd=str(tree)) == real


def test_root_is_the_git_work_tree_holding_the_inputs(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    (tree / ".git").mkdir()  # all the root needs: no git command is run
    assert project_root(["posts/a.html"], cwd=str(tree)) == os.path.realpath(tree)
    assert project_root(["linkdir"], cwd=str(tree)) == os.path.realpath(tree)
    # so a link from posts/ to shared/ is followed when posts/ alone is named
    code, _, err = run("-v", "-i", str(tree / "posts"))
    assert code == 3, err  # the loop
    assert (tree / "shared" / "c.html").read_text("utf-8") == CLEAN
    assert "c-link.html: skipped" not in err


def test_without_git_a_named_folder_is_the_root(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    code, _, err = run("-v", "-i", str(tree / "posts"))
    assert code == 0, err  # posts/loop leads above posts/: skipped, not a loop error
    assert f"c-link.html: skipped: symbolic link to {os.path.realpath(tree)}" in err
    assert f"loop: skipped: symbolic link to {os.path.realpath(tree)}," in err
    assert (tree / "shared" / "c.html").read_text("utf-8") == DIRTY
    assert (tree / "posts" / "a.html").read_text("utf-8") == CLEAN


def test_inside() -> None:
    assert inside("/a/b", "/a/b") and inside("/a/b/c", "/a/b") and inside("/x", "/")
    assert not inside("/a/bc", "/a/b") and not inside("/a", "/a/b")


# --- walking folders -----------------------------------------------------------------


def test_search_skips_links_out_and_follows_links_in(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    found = expand([str(tree)], include=["*.html"], root=os.path.realpath(tree))
    names = [os.path.relpath(s.name, tree) for s in found.sources]
    # zz-alias leads to posts/, searched already: each real folder once, no error
    assert names == ["posts/a.html", "posts/c-link.html"]
    assert sorted(os.path.basename(name) for name, _ in found.skipped) == sorted(SKIPPED)
    assert [os.path.relpath(n, tree) for n, _ in found.errors] == ["posts/loop"]
    # without a root (--allow-outside-root) links lead anywhere, as before
    anywhere = expand([str(tree)], include=["*.html"])
    assert len(anywhere.sources) > len(found.sources) and not anywhere.skipped


def test_in_place_changes_nothing_outside_the_root(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    before = state(tmp_path / "outside")
    links = {p: os.readlink(p) for p in tree.iterdir() if p.is_symlink()}
    done = cli("-i", ".", cwd=tree)
    assert done.returncode == 3, done.stderr  # the loop is an error line, as before
    assert state(tmp_path / "outside") == before
    assert (tree / "posts" / "a.html").read_text("utf-8") == CLEAN
    assert (tree / "shared" / "c.html").read_text("utf-8") == CLEAN  # through a link inside
    assert (tree / "posts" / "c-link.html").is_symlink()
    assert {p: os.readlink(p) for p in tree.iterdir() if p.is_symlink()} == links
    assert "4 skipped (links outside the project root; -v names them)" in done.stderr
    assert "evil.html" not in done.stderr  # named only with -v
    assert done.stderr.count("\n") == 2  # the loop's line and the summary


def test_skipped_links_are_named_with_verbose_and_do_not_fail(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    (tree / "posts" / "loop").unlink()
    code, _, err = run("-v", "--check", str(tree))
    assert code == 1, err
    for name in SKIPPED:
        assert f"{tree / name}: skipped: symbolic link to " in err
    assert "4 skipped (links outside the project root);" in err
    assert "2 files: 2 would be cleaned, 0 unchanged, 0 failed" in err


def test_only_links_out_is_nothing_to_do(tmp_path: Path) -> None:
    layout(tmp_path)
    only = tmp_path / "only"
    only.mkdir()
    (only / "evil.html").symlink_to("../outside/bashrc")
    (only / "linkdir").symlink_to("../outside/dir")
    code, out, err = run("-t", "text", str(only))
    assert (code, out) == (0, "")
    assert err == (
        "cleanhtml: no input files found (2 skipped: links outside the project root);"
        " nothing to do\n"
    )


def test_output_dir_changes_nothing_outside_the_root(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    out = tree / "out"
    (out / "posts").mkdir(parents=True)
    (out / "posts" / "a.html").symlink_to(tmp_path / "outside" / "target.html")
    (out / "posts" / "c-link.html").symlink_to(tmp_path / "outside" / "target.html")
    before = state(tmp_path / "outside")
    inputs = state(tree / "posts") | state(tree / "shared")
    done = cli("-o", "out", ".", cwd=tree)
    assert done.returncode == 3, done.stderr  # the loop
    assert state(tmp_path / "outside") == before
    assert state(tree / "posts") | state(tree / "shared") == inputs
    # the links in the output folder were replaced by regular files, not written through
    for name in ("a.html", "c-link.html"):
        assert not (out / "posts" / name).is_symlink()
        assert (out / "posts" / name).read_text("utf-8") == CLEAN
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "posts",
        "posts/a.html",
        "posts/c-link.html",
    ]


def test_output_link_holding_the_same_bytes_is_still_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(DIRTY, "utf-8")
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text(CLEAN, "utf-8")
    elsewhere.chmod(0o600)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.html").symlink_to(elsewhere)
    code, _, err = run("-o", str(tmp_path / "out"), str(tmp_path / "a.html"))
    assert code == 0, err
    assert not (tmp_path / "out" / "a.html").is_symlink()
    assert (tmp_path / "out" / "a.html").read_text("utf-8") == CLEAN
    assert (tmp_path / "out" / "a.html").stat().st_mode & 0o777 != 0o600  # not the link's


def test_output_link_is_replaced_on_a_cached_second_run(tmp_path: Path) -> None:
    """The content cache never takes a link in the output folder for the result."""
    (tmp_path / "a.html").write_text(DIRTY, "utf-8")
    out = tmp_path / "out"
    for _ in range(2):
        assert run("-o", str(out), str(tmp_path / "a.html"))[0] == 0
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text(CLEAN, "utf-8")
    (out / "a.html").unlink()
    (out / "a.html").symlink_to(elsewhere)
    code, _, err = run("-v", "-o", str(out), str(tmp_path / "a.html"))
    assert code == 0, err
    assert not (out / "a.html").is_symlink() and (out / "a.html").read_text("utf-8") == CLEAN
    assert elsewhere.read_text("utf-8") == CLEAN


def test_folder_link_in_the_output_folder_is_refused(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    (tree / "posts" / "c-link.html").unlink()
    (tree / "out").mkdir()
    (tree / "out" / "posts").symlink_to(tmp_path / "outside" / "dir")
    (tree / "out" / "shared").symlink_to(tree / "shared")  # would land on the input itself
    before = state(tmp_path / "outside")
    inputs = state(tree / "posts") | state(tree / "shared")
    code, _, err = run("-o", str(tree / "out"), "--exclude", "loop", str(tree))
    assert code == 3
    lines = err.splitlines()
    for rel, real in (
        ("posts/a.html", tmp_path / "outside/dir"),
        ("shared/c.html", tree / "shared"),
    ):
        assert (
            f"cleanhtml: {tree / rel}: cannot write {tree / 'out' / rel}: a symbolic link below"
            f" {tree / 'out'} leads to {os.path.realpath(real)}; not written"
        ) in lines
    assert state(tmp_path / "outside") == before
    assert state(tree / "posts") | state(tree / "shared") == inputs


# --- named files ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["evil.html", "abs.html", "linkdir", "up"])
@pytest.mark.parametrize("mode", [["-i"], ["--check"], ["-t", "text"], ["-o", "out"]])
def test_a_named_link_out_of_the_root_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, mode: list[str]
) -> None:
    tree = layout(tmp_path)
    monkeypatch.chdir(tree)
    before = state(tmp_path / "outside")
    code, out, err = run(*mode, name)
    assert (code, out) == (3, "")
    real = os.path.realpath(tree / name)
    root = os.path.realpath(tree)
    assert err.splitlines()[0] == (
        f"cleanhtml: {name}: symbolic link to {real}, outside the project root {root};"
        " not read (--allow-outside-root allows it)"
    )
    assert state(tmp_path / "outside") == before
    assert not (tree / "out").exists()


def test_allow_outside_root_by_option_or_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = layout(tmp_path)
    monkeypatch.chdir(tree)
    code, out, _ = run("-t", "text", "--allow-outside-root", "evil.html")
    assert (code, out) == (0, "export PATH=/usr/bin # note\n")
    (tree / ".cleanhtml.toml").write_text("allow-outside-root = true\n", "utf-8")
    result = CliRunner().invoke(main, ["-i", "linkdir"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "outside" / "dir" / "d.html").read_text("utf-8") == CLEAN
    (tree / ".cleanhtml.toml").write_text("allow-outside-root = 1\n", "utf-8")
    result = CliRunner().invoke(main, ["-i", "abs.html"])
    assert result.exit_code == 2 and "'allow-outside-root'" in result.stderr


def test_a_named_link_inside_the_root_is_cleaned_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = layout(tmp_path)
    monkeypatch.chdir(tree)
    # without git the root is the folder holding the named link: shared/ is outside it
    code, _, err = run("-i", "posts/c-link.html")
    assert code == 3 and "outside the project root" in err
    code, _, err = run("-i", "posts/c-link.html", "shared")  # the root is tree/
    assert code == 0, err
    (tree / "shared" / "c.html").write_text(DIRTY, "utf-8")
    (tree / ".git").mkdir()  # in a work tree, the root is the work tree
    code, _, err = run("-i", "posts/c-link.html")
    assert code == 0, err
    assert (tree / "posts" / "c-link.html").is_symlink()
    assert (tree / "shared" / "c.html").read_text("utf-8") == CLEAN
    code, out, _ = run("-t", "text", "zz-alias/a.html")
    assert (code, out) == (0, "正文线上。\n")


def test_a_link_retargeted_after_the_search_is_not_written(tmp_path: Path) -> None:
    tree = layout(tmp_path)
    link = tree / "posts" / "c-link.html"
    vetted = Source(str(link), "c-link.html", "c-link.html", real=os.path.realpath(link))
    link.unlink()
    link.symlink_to(tmp_path / "outside" / "target.html")
    from cleanhtml.config import Settings

    result = process_file(vetted, Settings(in_place=True))
    assert result.status == "failed" and result.error is not None
    assert result.error.startswith("symbolic link now leads to ")
    assert (tmp_path / "outside" / "target.html").read_text("utf-8") == DIRTY
