"""The real ``pre-commit try-repo`` against this repository's .pre-commit-hooks.yaml.

pre-commit builds a virtualenv and pip-installs cleanhtml into it (about ten seconds a
run, network or pip cache needed). The hooks repository is a temporary git repository
holding the current working tree, committed, so uncommitted work is what gets tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DIRTY_POST = "---\ntitle: 标题\n---\n<p>正文<!-- ad --><span id='quote_1'></span></p>\n"
CLEAN_POST = "---\ntitle: 标题\n---\n<p>正文</p>\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=True)
    return done.stdout.decode()


def snapshot(target: Path) -> Path:
    """This working tree (tracked and untracked, minus ignored files), committed in ``target``."""
    listed = git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=REPO)
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-q", "-m", "snapshot", cwd=target)
    return target


def test_hooks_file_matches_the_contract() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    assert set(hooks) == {"cleanhtml", "cleanhtml-check"}
    assert hooks["cleanhtml"]["entry"] == "cleanhtml --in-place --force-exclude"
    assert hooks["cleanhtml-check"]["entry"] == "cleanhtml --check --diff --force-exclude"
    for hook in hooks.values():
        assert hook["types_or"] == ["html", "markdown"]
        assert hook["language"] == "python"


def test_pre_commit_try_repo_fixes_then_passes(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit")
    hooks = snapshot(tmp_path / "hooks")
    project = tmp_path / "project"
    (project / "source" / "_posts").mkdir(parents=True)
    git("init", "-q", cwd=project)
    post = project / "source" / "_posts" / "post.md"
    post.write_text(DIRTY_POST, "utf-8")
    (project / "notes.txt").write_text("<!-- not html -->\n", "utf-8")
    git("add", "-A", cwd=project)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "--all-files"]
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}

    first = subprocess.run(command, cwd=project, env=env, capture_output=True, check=False)
    output = first.stdout.decode()
    assert first.returncode == 1, output
    assert "files were modified by this hook" in output
    assert post.read_text("utf-8") == CLEAN_POST
    assert (project / "notes.txt").read_text("utf-8") == "<!-- not html -->\n"

    git("add", "-A", cwd=project)
    second = subprocess.run(command, cwd=project, env=env, capture_output=True, check=False)
    output = second.stdout.decode()
    assert second.returncode == 0, output
    assert output.count("Passed") == 2  # cleanhtml and cleanhtml-check


def _readme_snippet(name: str) -> str:
    """The fenced block of the README's pre-commit section whose language is ``name``."""
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("\n## pre-commit\n", 1)[1].split("\n## ", 1)[0]
    return section.split(f"```{name}\n", 1)[1].split("```", 1)[0]


def test_readme_snippet_works_as_written(tmp_path: Path) -> None:
    """The README's .pre-commit-config.yaml and its autoupdate command, run as written
    (only the repository URL points at a local copy): the pin is filled in with a
    commit SHA, and the hook then cleans a post."""
    pytest.importorskip("pre_commit")
    hooks = snapshot(tmp_path / "hooks")
    url = "https://github.com/OWNER/cleanhtml"
    config = _readme_snippet("yaml")
    command = _readme_snippet("bash").strip()
    assert url in config and "rev: COMMIT-SHA" in config and url in command
    project = tmp_path / "project"
    (project / "_posts").mkdir(parents=True)
    git("init", "-q", cwd=project)
    (project / ".pre-commit-config.yaml").write_text(config.replace(url, str(hooks)), "utf-8")
    post = project / "_posts" / "post.md"
    post.write_text(DIRTY_POST, "utf-8")
    git("add", "-A", cwd=project)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}
    words = command.replace(url, str(hooks)).split()
    assert words[:2] == ["pre-commit", "autoupdate"]
    update = [sys.executable, "-m", "pre_commit", *words[1:]]
    done = subprocess.run(update, cwd=project, env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()
    sha = git("rev-parse", "HEAD", cwd=hooks).strip()
    assert f"rev: {sha}" in (project / ".pre-commit-config.yaml").read_text("utf-8")

    git("add", "-A", cwd=project)
    run = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
    done = subprocess.run(run, cwd=project, env=env, capture_output=True, check=False)
    assert done.returncode == 1, done.stdout.decode()
    assert post.read_text("utf-8") == CLEAN_POST


def test_pre_commit_naming_links_changes_nothing_outside(tmp_path: Path) -> None:
    """pre-commit names tracked links (git keeps them as links) when a hook's types let
    it: cleanhtml refuses those leading out of the work tree and cleans those inside."""
    pytest.importorskip("pre_commit")
    hooks = snapshot(tmp_path / "hooks")
    spec = hooks / ".pre-commit-hooks.yaml"
    # a link's only tag is "symlink": no "file" (the default types), no "html"
    types = "types: []\n  types_or: [html, markdown, symlink]"
    spec.write_text(spec.read_text().replace("types_or: [html, markdown]", types))
    git("commit", "-q", "-am", "name links too", cwd=hooks)
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "bashrc").write_text('export PATH=/usr/bin\n# <b style="x">note</b>\n', "utf-8")
    (outside / "dir" / "d.html").write_text(DIRTY_POST, "utf-8")
    project = tmp_path / "project"
    (project / "source" / "_posts").mkdir(parents=True)
    git("init", "-q", cwd=project)
    post = project / "source" / "_posts" / "post.md"
    post.write_text(DIRTY_POST, "utf-8")
    (project / "evil.html").symlink_to("../outside/bashrc")
    (project / "abs.html").symlink_to(outside / "dir" / "d.html")
    (project / "linkdir").symlink_to("../outside/dir")
    (project / "good.html").symlink_to("source/_posts/post.md")
    git("add", "-A", cwd=project)
    before = {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "cleanhtml"]
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}

    done = subprocess.run(
        [*command, "--all-files", "-v"], cwd=project, env=env, capture_output=True, check=False
    )
    output = done.stdout.decode()
    assert done.returncode == 1, output
    root = os.path.realpath(project)
    for name in ("evil.html", "abs.html", "linkdir"):
        assert f"cleanhtml: {name}: symbolic link to " in output
    assert f"outside the project root {root}; not read" in output
    assert {p: p.read_bytes() for p in outside.rglob("*") if p.is_file()} == before
    assert post.read_text("utf-8") == CLEAN_POST  # the post, and the link inside to it
    assert (project / "good.html").is_symlink()
