"""Batches: folders, -i, -o, --check, jobs, failures, progress (issue 3's "Done when")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cleanhtml import runner
from cleanhtml.api import clean_document, render
from cleanhtml.cli import main
from cleanhtml.document import dump

REPO = Path(__file__).resolve().parent.parent
SINA = REPO.parent / "shared" / "corpus" / "sina"
DIRTY = "<p>正文<!-- ad --><span id='stock_sz300959'><a class='keyword'>线上</a></span>。</p>\n"
CLEAN = "<p>正文线上。</p>\n"
OLD = 1_000_000_000  # a past mtime, so any rewrite shows


def run(*args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--no-config", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """A real ``python -m cleanhtml`` run."""
    command = [sys.executable, "-m", "cleanhtml", "--no-config", *args]
    return subprocess.run(command, capture_output=True, cwd=cwd, check=False)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def age(paths: list[Path]) -> None:
    for path in paths:
        os.utime(path, ns=(OLD, OLD))


@pytest.fixture
def sina(tmp_path: Path) -> Path:
    """A copy of the shared Sina corpus, a few posts moved into a sub-folder."""
    if not SINA.is_dir():
        pytest.skip(f"{SINA} not found")
    copy = tmp_path / "sina"
    shutil.copytree(SINA, copy)
    (copy / "2022").mkdir()
    for name in ("001.md", "002.md", "003.md"):
        (copy / name).rename(copy / "2022" / name)
    return copy


def posts(root: Path) -> list[Path]:
    return sorted(root.rglob("*.md"))


# --- Done when: the Sina corpus ----------------------------------------------------------


def test_check_in_place_check_again_and_idempotent(sina: Path) -> None:
    files = posts(sina)
    dirty = [
        p for p in files if dump(clean_document(p.read_bytes()).doc, edited=True) != p.read_bytes()
    ]
    assert dirty, "the corpus has dirty posts"
    before = tree(sina)

    code, out, err = run("--check", str(sina))
    assert code == 1 and out == ""
    for path in dirty:
        assert f"would clean {path}" in err
    assert tree(sina) == before  # --check writes nothing

    code, out, err = run("-i", str(sina))
    assert code == 0 and out == ""
    assert f"{len(files)} files: {len(dirty)} cleaned" in err
    for path in files:
        expected = clean_document(before[path.relative_to(sina).as_posix()])
        assert path.read_bytes() == dump(expected.doc, edited=expected.edited)
    assert tree(sina)["manifest.json"] == before["manifest.json"]  # not an input

    code, _, err = run("--check", str(sina))
    assert code == 0 and "would clean" not in err

    age(files)
    inodes = {p: p.stat().st_ino for p in files}
    code, _, err = run("-i", str(sina))
    assert code == 0 and f"0 cleaned, {len(files)} unchanged" in err
    for path in files:
        assert path.stat().st_mtime_ns == OLD, f"{path} was rewritten"
        assert path.stat().st_ino == inodes[path]


def test_output_dir_text_mirrors_relative_paths(sina: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = run("-o", str(out), "-t", "text", str(sina))
    assert code == 0 and stdout == ""
    expected = {p.relative_to(sina).with_suffix(".txt").as_posix() for p in posts(sina)}
    assert set(tree(out)) == expected
    sample = sina / "2022" / "001.md"
    text = render(clean_document(sample.read_bytes()), "text")
    assert (out / "2022" / "001.txt").read_text("utf-8") == text
    assert "2022/001.md" in tree(sina)  # inputs untouched


def test_jobs_1_and_2_give_identical_trees(sina: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    code, _, _ = run("-j", "1", "-o", str(one), "-t", "text", str(sina))
    done = cli("-j", "2", "-o", str(two), "-t", "text", str(sina))
    assert code == 0 and done.returncode == 0, done.stderr
    assert tree(one) == tree(two) and len(tree(one)) == len(posts(sina))
    html_one, html_two = tmp_path / "h1", tmp_path / "h2"
    run("-j", "1", "-o", str(html_one), str(sina))
    cli("-j", "2", "-o", str(html_two), str(sina))
    assert tree(html_one) == tree(html_two)


def test_stdout_order_is_deterministic_whatever_jobs(sina: Path) -> None:
    one = cli("-j", "1", "-t", "text", str(sina))
    two = cli("-j", "2", "-t", "text", str(sina))
    assert one.returncode == two.returncode == 0
    assert one.stdout == two.stdout
    expected = [render(clean_document(p.read_bytes()), "text") for p in posts(sina)]
    documents = [t if t.endswith("\n") else t + "\n" for t in expected]
    assert one.stdout.decode() == "\f\n".join(documents)  # text: a form-feed line between


# --- Done when: 2,000 posts, a progress bar on a terminal and none when piped -----------


def make_posts(root: Path, count: int) -> None:
    for index in range(count):
        folder = root / f"{index // 500}"
        folder.mkdir(parents=True, exist_ok=True)
        body = f"---\ntitle: post {index}\n---\n<p>第{index}篇<!-- ad --></p>\n<p>正文</p>\n"
        (folder / f"{index:04d}.md").write_text(body, "utf-8")


@pytest.fixture
def many(tmp_path: Path) -> Path:
    root = tmp_path / "posts"
    make_posts(root, 2000)
    return root


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_progress_bar_on_a_terminal(many: Path, tmp_path: Path) -> None:
    import pty

    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("NO_COLOR", None)
    command = [
        sys.executable,
        "-m",
        "cleanhtml",
        "--no-config",
        "-o",
        str(tmp_path / "o"),
        str(many),
    ]
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    stdout, _ = proc.communicate()
    screen = b"".join(chunks).decode("utf-8", errors="replace")
    assert proc.returncode == 0, screen
    assert stdout == b""
    assert "2000/2000" in screen  # the bar reached the end
    assert "━" in screen
    assert screen.count("cleanhtml: 2000 files: 2000 written, 0 already up to date") == 1
    assert len(tree(tmp_path / "o")) == 2000


def test_no_bar_when_piped_only_the_summary(many: Path, tmp_path: Path) -> None:
    done = cli("-o", str(tmp_path / "o"), str(many))
    assert done.returncode == 0
    assert done.stdout == b""
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("cleanhtml: 2000 files: 2000 written,")
    assert "files/s" in lines[0] and "\x1b" not in lines[0]
    done = cli("-q", "-o", str(tmp_path / "o"), str(many))
    assert (done.returncode, done.stderr) == (0, b"")


# --- Done when: failures among good files -----------------------------------------------


def _good_bad_tree(root: Path) -> tuple[list[Path], Path, Path]:
    good = []
    for index in range(4):
        path = root / f"good{index}.html"
        path.write_text(DIRTY, "utf-8")
        good.append(path)
    locked = root / "locked.html"
    locked.write_text(DIRTY, "utf-8")
    binary = root / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return good, locked, binary


def _deny(path: Path) -> Any:
    """``os.open`` refusing ``path`` (the runner reads a file with ``os.open``)."""
    real_open = os.open

    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == os.fspath(path) or str(file).endswith(path.name):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    return fake_open


@pytest.mark.parametrize("mode", ["-i", "-o"])
def test_unreadable_and_binary_named_good_ones_written_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    root = tmp_path / "in"
    root.mkdir()
    good, locked, binary = _good_bad_tree(root)
    binary_bytes = binary.read_bytes()
    # tests run as root, where chmod 000 does not stop reading: refuse the open instead
    monkeypatch.setattr(os, "open", _deny(locked))
    out = tmp_path / "out"
    args = ["-i"] if mode == "-i" else ["-o", str(out)]
    code, _, err = run("-j", "1", *args, str(root))
    assert code == 3
    assert f"{locked}: cannot read: Permission denied" in err
    assert f"{binary}: binary file" in err
    summary = "4 cleaned, 0 unchanged" if mode == "-i" else "4 written, 0 already up to date"
    assert f"{summary}, 2 failed" in err
    assert binary.read_bytes() == binary_bytes and locked.read_text("utf-8") == DIRTY
    for path in good:
        written = path if mode == "-i" else out / path.name
        assert written.read_text("utf-8") == CLEAN
    if mode == "-o":
        assert sorted(tree(out)) == sorted(p.name for p in good)


@pytest.fixture
def unprivileged(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], Path]]:
    """A command prefix that runs as an unprivileged user, and a folder it may use.

    Root reads a ``chmod 000`` file anyway, so as root the command runs as ``nobody``
    (``setpriv``); the folder is then a fresh one outside pytest's private temp folder,
    which ``nobody`` cannot enter. The fixture first checks that ``nobody`` can run this
    Python and import cleanhtml (the venv and the source readable by all); if not, it
    copies cleanhtml and its dependencies into the folder and points PYTHONPATH there.
    """
    if sys.platform == "win32" or not hasattr(os, "geteuid"):
        pytest.skip("POSIX permissions")
    folder = Path(tempfile.mkdtemp(prefix="cleanhtml-unprivileged-"))
    try:
        if os.geteuid() != 0:
            yield [], folder
            return
        import pwd

        setpriv = shutil.which("setpriv")
        assert setpriv, "running as root needs setpriv (util-linux) to test as nobody"
        user = pwd.getpwnam("nobody")
        prefix = [setpriv, f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        folder.chmod(0o755)
        probe = [*prefix, sys.executable, "-c", "import cleanhtml.cli, cleanhtml.runner"]
        if subprocess.run(probe, cwd=folder, capture_output=True).returncode != 0:
            _copy_packages(folder / "lib")
            monkeypatch.setenv("PYTHONPATH", str(folder / "lib"))
        done = subprocess.run(probe, cwd=folder, capture_output=True, text=True)
        assert done.returncode == 0, f"nobody cannot run cleanhtml: {done.stderr}"
        work = folder / "work"
        work.mkdir()
        os.chown(work, user.pw_uid, user.pw_gid)
        yield prefix, work
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_packages(lib: Path) -> None:
    """Copy cleanhtml and the packages it imports to ``lib`` (readable by everyone)."""
    import importlib.util

    names = ("cleanhtml", "lxml", "click", "charset_normalizer", "yaml", "rich", "cssselect")
    for name in (*names, "markdown_it", "mdurl"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        source = Path(next(iter(spec.submodule_search_locations)))
        shutil.copytree(source, lib / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in [lib, *lib.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_chmod_000_file_is_named_exit_3(unprivileged: tuple[list[str], Path], jobs: str) -> None:
    """A file its user cannot read, for real (as ``nobody`` when the suite runs as root)."""
    prefix, root = unprivileged
    good, locked, binary = _good_bad_tree(root)
    binary_bytes = binary.read_bytes()
    if prefix:  # as root: the files belong to nobody, who then runs the batch
        owner = root.stat()
        for path in root.iterdir():
            os.chown(path, owner.st_uid, owner.st_gid)
    (root / "cache").mkdir()
    if prefix:
        os.chown(root / "cache", owner.st_uid, owner.st_gid)
    locked.chmod(0)
    command = [*prefix, sys.executable, "-m", "cleanhtml", "--no-config", "-j", jobs, "-i"]
    env = {**os.environ, "CLEANHTML_CACHE_DIR": str(root / "cache")}
    try:
        done = subprocess.run([*command, str(root)], capture_output=True, cwd=root, env=env)
    finally:
        locked.chmod(0o644)
    err = done.stderr.decode()
    assert done.returncode == 3, err
    assert f"{locked}: cannot read: Permission denied\n" in err
    assert f"{binary}: binary file (PNG image), not HTML\n" in err
    assert "4 cleaned, 0 unchanged, 2 failed" in err
    assert "Traceback" not in err
    assert locked.read_text("utf-8") == DIRTY and binary.read_bytes() == binary_bytes
    assert all(p.read_text("utf-8") == CLEAN for p in good)


def test_unreadable_folder_is_an_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ok.html").write_text(DIRTY, "utf-8")
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "x.html").write_text(DIRTY, "utf-8")
    real_scandir = os.scandir

    def scandir(path: Any) -> Any:
        if os.fspath(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, _, err = run("-i", str(tmp_path))
    assert code == 3
    assert f"{tmp_path / 'closed'}: cannot list folder: Permission denied" in err
    assert (tmp_path / "ok.html").read_text("utf-8") == CLEAN


def test_failed_write_leaves_original_and_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a.html", "b.html", "c.html"):
        (tmp_path / name).write_text(DIRTY, "utf-8")
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if os.fspath(dst).endswith("b.html"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    code, _, err = run("-j", "1", "-i", str(tmp_path))
    assert code == 3
    assert "b.html: cannot write" in err and "No space left on device" in err
    assert (tmp_path / "b.html").read_text("utf-8") == DIRTY
    assert (tmp_path / "a.html").read_text("utf-8") == CLEAN
    assert (tmp_path / "c.html").read_text("utf-8") == CLEAN
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "b.html", "c.html"]


# --- destinations -----------------------------------------------------------------------


def test_in_place_keeps_mode_and_writes_through_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text(DIRTY, "utf-8")
    real.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(real)
    code, _, _ = run("-i", str(link))
    assert code == 0
    assert link.is_symlink() and real.read_text("utf-8") == CLEAN
    assert real.stat().st_mode & 0o777 == 0o640


def test_output_dir_keeps_extension_and_skips_unchanged_rewrites(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "page.htm").write_text(DIRTY, "utf-8")
    (src / "note.md").write_text("---\nt: 1\n---\n<p>ok</p>\n", "utf-8")
    out = tmp_path / "out"
    code, _, err = run("-o", str(out), str(src))
    assert code == 0, err
    assert tree(out) == {"a/page.htm": CLEAN.encode(), "note.md": b"---\nt: 1\n---\n<p>ok</p>\n"}
    age(list(out.rglob("*.*")))
    run("-o", str(out), str(src))
    assert all(p.stat().st_mtime_ns == OLD for p in out.rglob("*.*"))


def test_output_dir_inside_the_input_is_not_searched(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(DIRTY, "utf-8")
    for _ in range(2):
        code, _, err = run("-o", str(tmp_path / "clean"), str(tmp_path))
        assert code == 0 and "1 file:" in err
    assert tree(tmp_path) == {"a.html": DIRTY.encode(), "clean/a.html": CLEAN.encode()}


def test_two_inputs_to_one_output_are_reported_not_overwritten(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("<p>from html</p>", "utf-8")
    (tmp_path / "page.md").write_text("<p>from md</p>", "utf-8")
    (tmp_path / "other.html").write_text(DIRTY, "utf-8")
    out = tmp_path / "out"
    code, _, err = run("-t", "text", "-o", str(out), str(tmp_path))
    assert code == 3
    assert "page.html: output" in err and "page.md: output" in err
    assert "would also be written from" in err
    assert tree(out) == {"other.txt": "正文线上。\n".encode()}


def test_output_onto_the_input_itself_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(DIRTY, "utf-8")
    code, _, err = run("-o", str(tmp_path), str(tmp_path / "a.html"))
    assert code == 2 and "use -i" in err
    assert (tmp_path / "a.html").read_text("utf-8") == DIRTY


def test_text_documents_on_stdout_are_separated_by_a_form_feed_line(tmp_path: Path) -> None:
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "a.html").write_text("<p>一</p><p>二</p>", "utf-8")
    (posts / "b.html").write_text("<p>three\ffour</p>", "utf-8")  # a form feed: a space
    (posts / "c.md").write_text("---\nt: 1\n---\n<p>五</p>\n", "utf-8")
    code, out, _ = run("-j", "1", "-t", "text", str(posts))
    assert code == 0
    assert out == "一\n\n二\n\f\nthree four\n\f\n五\n"
    assert out.split("\f\n") == ["一\n\n二\n", "three four\n", "五\n"]
    code, out, _ = run("-t", "text", str(posts / "a.html"))  # one document: no separator
    assert out == "一\n\n二\n"
    code, out, _ = run("-j", "1", str(posts))  # html: one after another, as before
    assert "\f" not in out


def test_second_output_run_says_nothing_was_written(tmp_path: Path) -> None:
    """The summary tells rewritten outputs from outputs already up to date."""
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("a.html", "b.html", "c.md"):
        (posts / name).write_text(DIRTY, "utf-8")
    (posts / "d.html").write_text("<p>clean</p>\n", "utf-8")
    out = tmp_path / "out"
    code, _, err = run("-j", "1", "-o", str(out), str(posts))
    assert code == 0 and "4 files: 4 written, 0 already up to date, 0 failed" in err
    code, _, err = run("-j", "1", "-o", str(out), str(posts))
    assert code == 0 and "4 files: 0 written, 4 already up to date, 0 failed" in err
    assert "cleaned" not in err
    (out / "b.html").write_text("stale", "utf-8")
    code, _, err = run("-j", "1", "-o", str(out), str(posts))
    assert "4 files: 1 written, 3 already up to date, 0 failed" in err


def test_output_dir_that_is_the_input_dir_is_one_usage_error(tmp_path: Path) -> None:
    """``-o same/ same/``: one line, exit 2, nothing written (not one error per file)."""
    same = tmp_path / "same"
    same.mkdir()
    for name in ("a.html", "b.html", "c.md"):
        (same / name).write_text(DIRTY, "utf-8")
    code, out, err = run("-o", str(same), str(same))
    assert code == 2 and out == ""
    errors = [line for line in err.splitlines() if "overwrite" in line]
    assert len(errors) == 1 and "(and 2 more)" in errors[0] and "use -i" in errors[0]
    assert all(p.read_text("utf-8") == DIRTY for p in same.iterdir())
    # plain text beside the inputs overwrites nothing: allowed
    code, _, _ = run("-t", "text", "-o", str(same), str(same))
    assert code == 0 and (same / "a.txt").exists()


# --- which files ------------------------------------------------------------------------


def test_folder_search_skips_and_explicit_files(tmp_path: Path) -> None:
    for rel in (
        "a.html",
        "b.xhtml",
        "c.markdown",
        "notes.txt",
        ".git/x.html",
        "node_modules/pkg/y.html",
        "env/z.html",
        "drafts/d.html",
    ):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(DIRTY, "utf-8")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n", "utf-8")
    code, _, err = run("--check", "--exclude", "drafts", str(tmp_path))
    assert code == 1
    named = sorted(line.rsplit("/", 1)[-1] for line in err.splitlines() if "would clean" in line)
    assert named == ["a.html", "b.xhtml", "c.markdown"]
    # an explicitly named file is always processed, whatever its name or exclusions
    code, _, err = run("--check", "--exclude", "*.txt", str(tmp_path / "notes.txt"))
    assert code == 1 and "notes.txt" in err


def test_gitignore_respected_in_a_work_tree(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git not installed")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n*.tmp.html\n", "utf-8")
    for rel in ("a.html", "build/b.html", "posts/c.tmp.html", "posts/d.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(DIRTY, "utf-8")
    code, _, err = run("--check", str(tmp_path))
    assert code == 1
    assert "a.html" in err and "posts/d.html" in err
    assert "b.html" not in err and "c.tmp.html" not in err
    code, _, err = run("--check", str(tmp_path / "build" / "b.html"))
    assert code == 1  # explicit: always processed


def test_symlink_loop_is_an_error_line_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(DIRTY, "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    (tmp_path / "self.html").symlink_to(tmp_path / "self.html")
    code, _, err = run("-i", str(tmp_path))
    assert code == 3
    assert "sub/up: symbolic link loop" in err
    assert "self.html: cannot follow symbolic link" in err
    assert (tmp_path / "a.html").read_text("utf-8") == CLEAN


def test_no_files_found(tmp_path: Path) -> None:
    code, out, err = run(str(tmp_path))
    assert (code, out) == (0, "") and "no input files" in err


def test_include_replaces_the_default_globs(tmp_path: Path) -> None:
    for rel in ("a.html", "b.txt", "sub/c.txt", "sub/2019/d.htm"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(DIRTY, "utf-8")
    code, _, err = run("--check", "--include", "*.txt", str(tmp_path))
    named = sorted(
        line.split(str(tmp_path))[1] for line in err.splitlines() if line.startswith("would")
    )
    assert code == 1 and named == ["/b.txt", "/sub/c.txt"]
    code, _, err = run("--check", "--exclude", "sub/2019/*", str(tmp_path))
    assert "a.html" in err and "d.htm" not in err


@pytest.mark.parametrize("suffix", [None, ".txt", ".md"])
def test_output_file_is_output_path_as_a_string(suffix: str | None) -> None:
    """plan() maps each input to its -o output with the string version: the same path
    as pathlib's for every kind of name (no suffix, a leading or a final dot, two)."""
    from cleanhtml.files import Source, output_file, output_path

    names = ["a.md", "a", ".hidden", "a.", "a.b.c", "sub/x.html", "sub.d/x", "sub.d/.x"]
    names += ["d/e/f.tar.gz", "x..", "a/b.", "..a", "...", "é.md", "a b.md"]
    for relative in names:
        source = Source(relative, relative, relative)
        for root in ("/out", "/out/", "out", "/", ""):
            assert output_file(root, source, suffix) == str(output_path(Path(root), source, suffix))


@pytest.mark.parametrize("to", ["html", "text", "markdown", "json"])
def test_output_keys_are_output_file(tmp_path: Path, to: str) -> None:
    """The batch's -o keys (computed inline for html) are output_file's, case-folded as
    normcase does, for every kind of relative name (a leading '/' taken as it is)."""
    from cleanhtml.config import Settings
    from cleanhtml.files import Source, output_file

    names = ["a.md", "a", ".hidden", "a.", "sub/x.html", "sub.d/.x", "/abs/y.md", "é.md"]
    sources = [Source(name, name, name) for name in names]
    for out in (tmp_path / "out", tmp_path / "o.d"):
        settings = Settings(output_dir=out, to=to)
        root = os.path.realpath(out)
        expected = [os.path.normcase(output_file(root, s, runner.suffix_for(to))) for s in sources]
        assert runner._output_keys(sources, settings) == expected


def test_bytes_serialized_straight_are_the_text_encoded() -> None:
    """-o/-i (dump) and an html result to stdout serialize the tree straight to UTF-8
    bytes, a page in pieces: the bytes are to_text()'s, encoded (a BOM first for dump),
    for every fixture and kind of document."""
    from cleanhtml import document

    inputs = [
        p.read_bytes()
        for p in sorted(Path(runner.__file__).parent.parent.glob("fixtures/*/input.*"))
    ]
    inputs += [
        b"<!DOCTYPE html>\r\n<!-- a -->\r\n<html><head><title>t</title></head>"
        b"<body><p>x</p></body></html>\r\n",
        b"<!-- saved from url=(0014)about:internet -->\n"
        b"<html><body><p>a<!-- c --></p></body></html>\n\n",
        b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>\n"
        b"<html><body><p>\xe4\xb8\xad</p></body></html>",
        b"<?php x ?><html><body>\r<p>a</p>\r</body></html>",
        b"---\ntitle: t\n---\n<p>a<script>x</script></p>\n",
        b"<p>fragment</p>",
    ]
    for data in inputs:
        cleaned = clean_document(data)
        doc = cleaned.doc
        text = document.to_text(doc).encode("utf-8")
        assert document.to_bytes(doc) == text
        assert dump(doc, edited=True) == (b"\xef\xbb\xbf" if doc.bom else b"") + text


def test_chunks_shrink_as_a_batch_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files go to children in chunks of a share of what is left: large at the start
    (few round trips), one at a time at the end, so no child is left with a long queue
    while the other has none (the -j 2 tail)."""
    import mmap

    from cleanhtml import workers

    assert [workers._chunk_size(n, 2) for n in (2000, 256, 128, 64, 16, 7)] == [
        64, 32, 16, 8, 2, 1,
    ]  # fmt: skip
    # once the pace is known, a message holds CHUNK_TIME of work (at most CHUNK_MAX
    # files), and still shrinks as the batch ends
    time_of = workers.CHUNK_TIME
    assert workers._chunk_size(100_000, 2, time_of / 100) == 100
    assert workers._chunk_size(100_000, 2, time_of / 10_000) == workers.CHUNK_MAX
    assert workers._chunk_size(100_000, 2, time_of * 3) == 1
    assert workers._chunk_size(80, 2, time_of / 100) == 10
    # the files handed out past the next to output (results held waiting): two messages
    # a child, never fewer than with messages of WINDOW_LEAST files
    assert workers._window(2, 100) == 400
    assert workers._window(2, 1) == workers._window(2, workers.WINDOW_LEAST) == 128
    sent: list[tuple[int, int]] = []  # (child, files in the message)
    forked: list[workers._Worker] = []

    def fork(*args: Any) -> workers._Worker:
        worker = workers._Worker(
            -1 - len(forked), 1000 + len(forked), 2000 + len(forked), mmap.mmap(-1, 64)
        )
        forked.append(worker)
        return worker

    monkeypatch.setattr(workers, "_fork", fork)
    monkeypatch.setattr(workers, "_send", lambda fd, message: sent.append((fd, len(message))))
    tasks = [runner.Source(f"{i}.html", f"{i}.html", f"{i}.html") for i in range(300)]
    pool = workers._Pool(tasks, range(300), 2, 0.0, lambda: None, runner.FileResult.failure)  # type: ignore[arg-type, return-value]
    done = 0
    left_at_end: list[int] = []  # files queued on the other child when one runs dry
    while pool.todo or any(w.queue for w in forked):
        pool.assign(done)
        for worker in forked:  # both children clean a file in the same time
            if worker.queue:
                worker.queue.popleft()
                done += 1
        if not pool.todo and any(not w.queue for w in forked):
            left_at_end.append(max(len(w.queue) for w in forked))
    assert len(forked) == 2 and sum(n for _, n in sent) == 300
    assert [n for _, n in sent][-4:] == [1, 1, 1, 1]  # the last files one at a time
    assert max(left_at_end, default=0) <= 1  # (with chunks of 32: up to 32 files)


def test_files_go_to_a_child_by_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """A child holds the batch's tasks from its fork: it is sent their indexes only (no
    Source pickled for each file), and it cleans the task at each index it is sent."""
    import mmap

    from cleanhtml import workers

    held: list[Any] = []

    def fork(prepare: Any, limit: float, others: Any, tasks: Any) -> workers._Worker:
        held.append(tasks)
        return workers._Worker(-1, 1000, 2000, mmap.mmap(-1, 64))

    sent: list[object] = []
    monkeypatch.setattr(workers, "_fork", fork)
    monkeypatch.setattr(workers, "_send", lambda fd, message: sent.append(message))
    tasks = [runner.Source(f"{i}.html", f"{i}.html", f"{i}.html") for i in range(40)]
    pool = workers._Pool(tasks, range(40), 1, 0.0, lambda: None, runner.FileResult.failure)  # type: ignore[arg-type, return-value]
    pool.assign(0)
    assert held == [tasks]
    assert sent and all(type(m) is list and all(type(i) is int for i in m) for m in sent)
    flat = [i for m in sent for i in m]  # type: ignore[attr-defined]
    assert flat == list(range(len(flat)))  # the first files, in order

    # the child's side: each index sent is looked up in what it holds
    monkeypatch.undo()
    read, write = os.pipe()
    results_read, results_write = os.pipe()
    workers._send(write, [3, 7])
    workers._send(write, None)
    os.close(write)

    def prepare() -> workers.Clean:
        def clean(source: Any, on_write: Any, on_output: Any) -> runner.FileResult:
            return runner.FileResult(source.name, "unchanged")

        return clean

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        workers._child(prepare, 0.0, read, results_write, mmap.mmap(-1, 64), [], tasks)
    os.close(read)
    os.close(results_write)
    os.waitpid(pid, 0)
    answers = []
    while (message := workers._receive(results_read)) is not None:
        answers.append((message[1], message[2].name))
    os.close(results_read)
    assert answers == [(3, "3.html"), (7, "7.html")]


def test_results_gather_for_half_the_shortest_queue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent sleeps while results gather for half the time the child with the
    fewest files queued takes to clean all but one, at the batch's pace so far: long on
    slow files (few wake-ups), short on cheap ones (no child left idle)."""
    import mmap

    from cleanhtml import workers

    pool = workers._Pool([], [], 2, 0.0, lambda: None, runner.FileResult.failure)  # type: ignore[arg-type, return-value]
    a = workers._Worker(-1, 1000, 2000, mmap.mmap(-1, 64))
    b = workers._Worker(-2, 1001, 2001, mmap.mmap(-1, 64))
    pool.children = {2000: a, 2001: b}
    a.queue.extend(range(41))
    b.queue.extend(range(100, 121))  # the fewest: 21 files
    assert pool.lull(10.0) == workers.GATHER  # no result yet: no pace known
    pool.began, pool.answered = 10.0, 200
    # 200 files in 1 s by 2 children: 10 ms a file each; (21 - 1) files / 2 -> 0.1 s
    assert pool.lull(11.0) == workers.LULL_MAX
    pool.answered = 20_000  # 0.1 ms a file: 1 ms
    assert pool.lull(11.0) == pytest.approx(0.001)
    b.queue.clear()
    b.queue.append(120)  # on its last file: read at once
    assert pool.lull(11.0) == 0.0


def test_a_folder_named_by_its_real_path_holds_one_string_a_file(tmp_path: Path) -> None:
    """Each found file's key (its real path) is its name when the folder was named by
    its real path: one string held per file, not two alike (a batch's memory); named
    otherwise (relative, through a link), the key is still the real path."""
    from cleanhtml.files import expand

    real = Path(os.path.realpath(tmp_path)) / "data"
    (real / "sub").mkdir(parents=True)
    for name in ("a.html", "sub/b.md"):
        (real / name).write_bytes(b"<p>x</p>")
    (real.parent / "link").symlink_to(real / "sub")
    found = expand([str(real)], include=["*.html", "*.md"]).sources
    assert [s.relative for s in found] == ["a.html", "sub/b.md"]
    assert all(s.real == os.path.realpath(s.path) and s.real is s.path for s in found)
    for named in (str(real.parent / "link"), os.path.relpath(real / "sub")):
        (source,) = expand([named], include=["*.md"]).sources
        assert source.real == str(real / "sub" / "b.md") and source.real is not source.path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_output_folders_made_as_needed_and_a_file_in_the_way_fails_its_file(
    tmp_path: Path, jobs: str
) -> None:
    """-o makes the folders an output needs (once); where a file stands in the way of
    one, that output fails with the folder named, and the others are written."""
    root = tmp_path / "in"
    (root / "a" / "b").mkdir(parents=True)
    (root / "blocked").mkdir()
    for name in ("top.html", "a/b/deep.html", "blocked/x.html"):
        (root / name).write_text(DIRTY, "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "blocked").write_text("a file, not a folder", "utf-8")
    code, _, err = run("-j", jobs, "-o", str(out), str(root))
    assert code == 3
    assert f"{root / 'blocked' / 'x.html'}: cannot create {out / 'blocked'}: File exists" in err
    for name in ("top.html", "a/b/deep.html"):
        assert (out / name).read_text("utf-8") == "<p>正文线上。</p>\n"
    assert (out / "blocked").read_text("utf-8") == "a file, not a folder"
    assert not [p for p in out.rglob("*") if p.name.endswith(runner.TEMP_SUFFIX)]


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


@needs_fifo
def test_a_fifo_met_in_a_folder_is_refused_without_waiting(tmp_path: Path) -> None:
    """A FIFO found by a folder search is opened without blocking and refused as no
    regular file (nobody writes to it: a blocking open would hang the run); the other
    files are written, exit 3."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.html").write_text(DIRTY, "utf-8")
    os.mkfifo(root / "pipe.html")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cleanhtml", "--no-config", "-o", str(out), str(root)]
    proc = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert proc.returncode == 3, proc.stderr
    assert f"{root / 'pipe.html'}: not a regular file" in proc.stderr.decode()
    assert (out / "a.html").read_text("utf-8") == CLEAN
    assert not (out / "pipe.html").exists()


@needs_fifo
def test_a_fifo_named_on_the_command_line_is_read_to_its_end(tmp_path: Path) -> None:
    """A FIFO named on the command line (``cleanhtml <(curl ...)``) is read until its
    writer closes it, in pieces (its size says 0): the output is that of the same
    bytes in a regular file."""
    content = (DIRTY * 5_000).encode("utf-8")  # several reads' worth
    regular = tmp_path / "post.html"
    regular.write_bytes(content)
    pipe = tmp_path / "pipe.html"
    os.mkfifo(pipe)
    write = "import sys, time\ndata = open(sys.argv[2], 'rb').read()\n"
    write += "with open(sys.argv[1], 'wb') as f:\n"
    write += "    for at in range(0, len(data), 50_000):\n"
    write += "        f.write(data[at : at + 50_000]); f.flush(); time.sleep(0.001)\n"
    writer = subprocess.Popen([sys.executable, "-c", write, str(pipe), str(regular)])
    try:
        from_pipe = cli(str(pipe))
    finally:
        try:
            writer.wait(timeout=60)
        except subprocess.TimeoutExpired:  # nobody opened the pipe: the test fails, no hang
            writer.kill()
            raise
    from_file = cli(str(regular))
    assert from_pipe.returncode == from_file.returncode == 0, from_pipe.stderr
    assert from_pipe.stdout == from_file.stdout
    assert from_file.stdout.count(CLEAN.encode("utf-8")) == 5_000
