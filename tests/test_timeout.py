"""A per-file time limit, a batch that shows it is alive, and a clean Ctrl-C (issue 12).

A file that never finishes is made by ``tests/data/looping/sitecustomize.py``, put on
PYTHONPATH of a real ``cleanhtml`` process: a document holding LOOP-FOREVER sends the
first rule into C code that never checks for signals (OpenSSL's PBKDF2 for half an
hour), so no Python signal handler can stop it (as with a runaway libxml2 parse), and
CRASH-NOW kills the process cleaning it. Time limits here are 1 s, so the whole file stays fast.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanhtml.cli import main
from cleanhtml.config import Settings, parse_table
from cleanhtml.errors import ConfigError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

PLUGIN = Path(__file__).resolve().parent / "data" / "looping"
DIRTY = "<p>正文<!-- ad --><span id='stock_sz300959'><a class='keyword'>线上</a></span>。</p>\n"
CLEAN = "<p>正文线上。</p>\n"
LOOPING = "<p>LOOP-FOREVER<!-- ad --></p>\n"
CRASHING = "<p>CRASH-NOW<!-- ad --></p>\n"


def env() -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(PLUGIN), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def cli(*args: str, stdin: bytes | None = None) -> tuple[int, str, str, float]:
    """A real ``python -m cleanhtml`` run with the looping plugin loaded."""
    command = [sys.executable, "-m", "cleanhtml", "--no-config", *args]
    started = time.monotonic()
    done = subprocess.run(command, input=stdin, capture_output=True, env=env(), check=False)
    elapsed = time.monotonic() - started
    return done.returncode, done.stdout.decode(), done.stderr.decode(), elapsed


def batch(root: Path, count: int = 6) -> tuple[list[Path], Path]:
    root.mkdir()
    good = []
    for index in range(count):
        path = root / f"good{index}.html"
        path.write_text(DIRTY, "utf-8")
        good.append(path)
    stuck = root / "good2.html"  # in the middle of the batch
    stuck.write_text(LOOPING, "utf-8")
    good.remove(stuck)
    return good, stuck


# --- Done when: a file that cannot finish ------------------------------------------------


@pytest.mark.parametrize(("jobs", "mode"), [("1", "-i"), ("2", "-o")])
def test_batch_reports_the_file_past_its_limit_writes_the_others_exit_3(
    tmp_path: Path, jobs: str, mode: str
) -> None:
    good, stuck = batch(tmp_path / "in")
    out = tmp_path / "out"
    args = ["-i"] if mode == "-i" else ["-o", str(out)]
    code, stdout, stderr, elapsed = cli("--timeout", "1", "-j", jobs, *args, str(tmp_path / "in"))
    assert code == 3, stderr
    lines = stderr.splitlines()
    assert lines[0] == f"cleanhtml: {stuck}: took longer than 1 s; left unchanged"
    counts = "5 cleaned, 0 unchanged" if mode == "-i" else "5 written, 0 already up to date"
    assert lines[1].startswith(f"cleanhtml: 6 files: {counts}, 1 failed;")
    assert len(lines) == 2 and stdout == ""
    assert 1 <= elapsed < 15
    assert stuck.read_text("utf-8") == LOOPING
    for path in good:
        written = path if mode == "-i" else out / path.name
        assert written.read_text("utf-8") == CLEAN
    if mode == "-o":
        assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in good)
    assert not [p for p in tmp_path.rglob("*") if ".cleanhtml.tmp" in p.name]


def test_dask_tasks_keep_the_limit_too(tmp_path: Path) -> None:
    """On Dask each task cleans its files in a child of the Dask worker, killed past the
    limit: the file fails alone, the worker and the batch go on."""
    pytest.importorskip("distributed")
    good, stuck = batch(tmp_path / "in")
    code, _, stderr, _ = cli(
        "--dask", "local", "-j", "2", "--timeout", "1", "-i", str(stuck.parent)
    )
    assert code == 3, stderr
    assert f"cleanhtml: {stuck}: took longer than 1 s; left unchanged" in stderr.splitlines()
    assert "5 cleaned, 0 unchanged, 1 failed" in stderr
    assert stuck.read_text("utf-8") == LOOPING
    assert all(path.read_text("utf-8") == CLEAN for path in good)


def test_single_file_past_its_limit_is_one_line_exit_3(tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.html"
    stuck.write_text(LOOPING, "utf-8")
    code, stdout, stderr, elapsed = cli("--timeout", "1", str(stuck))
    assert (code, stdout) == (3, "")
    assert stderr == f"cleanhtml: {stuck}: took longer than 1 s; left unchanged\n"
    assert 1 <= elapsed < 10
    code, stdout, stderr, _ = cli("--timeout", "1.5", "-t", "text", stdin=LOOPING.encode())
    assert (code, stdout) == (3, "")
    assert stderr == "cleanhtml: <stdin>: took longer than 1.5 s; left unchanged\n"
    code, stdout, stderr, _ = cli("--timeout", "1", "-i", str(stuck))
    assert (code, stdout) == (3, "")
    assert stderr.splitlines()[0] == f"cleanhtml: {stuck}: took longer than 1 s; left unchanged"
    assert stuck.read_text("utf-8") == LOOPING


def test_timeout_from_the_config_file(tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.html"
    stuck.write_text(LOOPING, "utf-8")
    config = tmp_path / "c.toml"
    config.write_text("timeout = 1\n", "utf-8")
    command = [sys.executable, "-m", "cleanhtml", "--config", str(config), str(stuck)]
    done = subprocess.run(command, capture_output=True, env=env(), check=False, timeout=30)
    assert done.returncode == 3
    assert done.stderr.decode() == f"cleanhtml: {stuck}: took longer than 1 s; left unchanged\n"


def test_a_worker_that_dies_fails_its_file_only(tmp_path: Path) -> None:
    good, _ = batch(tmp_path / "in")
    crash = tmp_path / "in" / "good2.html"
    crash.write_text(CRASHING, "utf-8")
    code, _, stderr, _ = cli("-j", "2", "-i", str(tmp_path / "in"))
    assert code == 3
    assert stderr.splitlines()[0] == (
        f"cleanhtml: {crash}: the worker process died while cleaning it (killed by SIGKILL)"
    )
    assert "5 cleaned, 0 unchanged, 1 failed" in stderr
    assert all(p.read_text("utf-8") == CLEAN for p in good)
    assert crash.read_text("utf-8") == CRASHING


def test_a_file_being_written_is_not_cut_short(tmp_path: Path) -> None:
    slow = tmp_path / "slow-write.html"
    slow.write_text(DIRTY, "utf-8")
    code, _, stderr, elapsed = cli("--timeout", "1", "-v", "-i", str(slow))
    assert code == 0, stderr
    assert elapsed >= 1.5
    assert slow.read_text("utf-8") == CLEAN
    assert "took longer" not in stderr


def test_a_board_caught_mid_update_is_no_state() -> None:
    """The parent never acts on a child's state read while the child rewrites it."""
    import mmap

    from cleanhtml import workers

    board = mmap.mmap(-1, workers.BOARD_AT + workers.BOARD.size)
    worker = workers._Worker(os.getpid(), -1, -1, board)
    workers._note(board, 3, 12.5, 0)
    assert worker.state() == (3, 12.5, False)
    workers._announcer(board)()
    assert worker.state() == (3, 12.5, True)
    board[0] += 1  # as if stopped half-way through a rewrite
    assert worker.state() is None
    board[0] += 1
    worker.resumed = 20.0  # back from Ctrl-Z: time counts from then
    assert worker.state() == (3, 20.0, True)


def test_no_limit_cleans_in_process_and_finishes(tmp_path: Path) -> None:
    code, out, err = invoke("--timeout", "0", "-t", "text", input=DIRTY)
    assert (code, out, err) == (0, "正文线上。\n", "")


# --- the library: clean(timeout=) -----------------------------------------------------------


def test_library_timeout_kills_the_call_in_c_code(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleanhtml
    from cleanhtml import pipeline
    from cleanhtml.errors import TimeLimitError

    assert cleanhtml.clean(DIRTY, timeout=5) == cleanhtml.clean(DIRTY) == CLEAN
    assert cleanhtml.clean(DIRTY, timeout=5, to="text") == "正文线上。\n"

    def looping(*args: object, **kwargs: object) -> None:
        # in C for half an hour, deaf to signals: the child (forked with this patch) is stuck
        hashlib.pbkdf2_hmac("sha256", b"x", b"y", 2**31 - 1)

    monkeypatch.setattr(pipeline, "run", looping)
    started = time.monotonic()
    with pytest.raises(TimeLimitError, match=r"^took longer than 0.5 s$") as caught:
        cleanhtml.clean("<p>x</p>", timeout=0.5)
    assert 0.5 <= time.monotonic() - started < 5
    assert isinstance(caught.value, TimeoutError)


def test_library_timeout_passes_errors_and_deaths_back(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleanhtml
    from cleanhtml import pipeline
    from cleanhtml.errors import InputError, UsageError

    def failing(*args: object, **kwargs: object) -> None:
        raise InputError("refused in the child")

    monkeypatch.setattr(pipeline, "run", failing)
    with pytest.raises(InputError, match=r"^refused in the child$"):
        cleanhtml.clean("<p>x</p>", timeout=5)

    def dying(*args: object, **kwargs: object) -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(pipeline, "run", dying)
    with pytest.raises(InputError, match=r"^the process cleaning it died \(killed by SIGKILL\)$"):
        cleanhtml.clean("<p>x</p>", timeout=5)
    for bad in (0, -1, True, float("nan"), "5"):
        with pytest.raises(UsageError, match="timeout"):
            cleanhtml.clean("<p>x</p>", timeout=bad)  # type: ignore[arg-type]


# --- option and config key ----------------------------------------------------------------


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--no-config", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_timeout_values() -> None:
    assert Settings().timeout == 60
    assert parse_table({"timeout": 2.5}, "c")["timeout"] == 2.5
    assert parse_table({"timeout": 0}, "c")["timeout"] == 0
    for bad in (-1, "60", True, float("nan")):
        with pytest.raises(ConfigError, match="bad value for 'timeout'"):
            parse_table({"timeout": bad}, "c")
    code, _, err = invoke("--timeout", "-1", "-")
    assert code == 2 and "--timeout" in err


# --- Done when: Ctrl-C on a terminal ------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\r")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_ctrl_c_on_a_terminal_stops_the_batch_one_line_exit_130(tmp_path: Path) -> None:
    import pty
    import select

    root = tmp_path / "in"
    root.mkdir()
    originals = {}
    for index in range(40):
        path = root / f"{index:02d}.html"
        # the first files of both workers' first chunks loop: both stuck in C code at once
        text = LOOPING if index < 10 else DIRTY
        path.write_text(text, "utf-8")
        originals[path] = text
    master, slave = pty.openpty()
    terminal = {**env(), "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    terminal.pop("NO_COLOR", None)
    command = [sys.executable, "-m", "cleanhtml", "--no-config", "-j", "2", "-i", str(root)]
    proc = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=terminal,
        start_new_session=True,  # its own process group, as a shell's foreground job
    )
    os.close(slave)
    screen = b""

    def read(until: float) -> None:
        nonlocal screen
        while time.monotonic() < until:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer is gone
                    return
                if not chunk:
                    return
                screen += chunk
            elif proc.poll() is not None:
                return

    # the bar is up while no file has finished yet, naming the files in flight
    deadline = time.monotonic() + 20
    while b"2 in flight" not in screen and time.monotonic() < deadline:
        read(time.monotonic() + 0.1)
    assert b"2 in flight" in screen, screen
    assert b"0/40" in screen
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
    interrupted = time.monotonic()
    read(interrupted + 10)
    code = proc.wait(timeout=10)
    took = time.monotonic() - interrupted
    os.close(master)
    text = ANSI.sub("\n", screen.decode("utf-8", errors="replace"))
    assert code == 130, text
    assert took < 3, took
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    messages = [line for line in text.splitlines() if line.startswith("cleanhtml")]
    assert messages == ["cleanhtml: interrupted; every file written so far is complete"]
    for path, before in originals.items():
        assert path.read_text("utf-8") in (before, CLEAN)
    for index in range(10):
        assert (root / f"{index:02d}.html").read_text("utf-8") == LOOPING
    assert sorted(root.iterdir()) == sorted(originals)  # no temporary file left behind
    assert not _group(proc.pid), "a worker outlived the run"


def _group(pgid: int) -> list[int]:
    """Live processes of the process group ``pgid`` (workers left behind, if any)."""
    found = []
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else []:
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, _, group = stat.rsplit(")", 1)[1].split()[:3]
            if int(group) == pgid and state not in "ZX":
                found.append(int(entry.name))
    return found
