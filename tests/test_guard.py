"""The guard: a one-document run forks before its imports and its parent holds the limit.

``cleanhtml`` starts in :mod:`cleanhtml.guard`, which forks at once when the arguments
look like one document onto standard output; the child runs the command and cleans the
document in process, the guard kills it past the time limit (or after Ctrl-C while it
is stuck in C code) and relays its status. The looping plugin of tests/test_timeout.py
makes documents that never finish (C code deaf to signals) or crash.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_timeout import CLEAN, CRASHING, DIRTY, LOOPING, _group, env
from test_timeout import cli as run_cli

from cleanhtml import cli, guard, report, watch

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

COMMAND = [sys.executable, "-m", "cleanhtml", "--no-config"]


@pytest.mark.parametrize(
    ("args", "one"),
    [
        ([], True),
        (["-"], True),
        (["-t", "text", "post.md"], True),
        (["--timeout", "5", "--to=json", "-"], True),
        (["-i", "post.md"], False),
        (["-qi", "post.md"], False),
        (["--in-place", "post.md"], False),
        (["-o", "out", "post.md"], False),
        (["--output-dir=out", "post.md"], False),
        (["--check"], False),
        (["--diff", "-"], False),
        (["-v", "-"], False),
        (["--statistics"], False),
        (["--help"], False),
        (["-h"], False),
        (["--version"], False),
        (["--list-rules"], False),
        (["--show-rule", "remove-comments"], False),
        (["--dask", "local", "-"], False),
        (["--", "-i"], True),  # a file named -i
    ],
)
def test_which_runs_fork_a_guard(args: list[str], one: bool) -> None:
    assert guard.one_document(args) is one


def test_inputs_on_the_command_line_are_counted(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    first.write_text(DIRTY, "utf-8")
    second.write_text(DIRTY, "utf-8")
    assert guard.one_document([str(first)])
    assert not guard.one_document([str(first), str(second)])
    assert not guard.one_document([str(tmp_path)])  # a folder: a batch
    # a config file or the place of standard input is no input
    assert guard.one_document(["--config", str(first), "--stdin-filename", str(second), "-"])


def test_the_guard_speaks_as_the_command() -> None:
    assert watch.INPUT == report.Exit.INPUT
    assert watch.INTERRUPTED == cli.INTERRUPTED == 128 + signal.SIGINT


def test_one_document_is_cleaned_and_its_status_relayed(tmp_path: Path) -> None:
    post = tmp_path / "post.html"
    post.write_text(DIRTY, "utf-8")
    for args, data in ((["-"], DIRTY.encode()), ([str(post)], None)):
        done = subprocess.run([*COMMAND, *args], input=data, capture_output=True, check=False)
        assert (done.returncode, done.stdout.decode(), done.stderr) == (0, CLEAN, b"")
    # large enough to be streamed: a worker cleans it, as before
    big = b"<p>x</p>" * 200_000
    done = subprocess.run([*COMMAND, "-"], input=big, capture_output=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, big, b"")
    done = subprocess.run([*COMMAND, "--to", "nothing", "-"], capture_output=True, check=False)
    assert done.returncode == 2 and b"Invalid value for '-t'" in done.stderr
    binary = subprocess.run(
        [*COMMAND, "-"], input=b"\x89PNG\r\n\x1a\n....", capture_output=True, check=False
    )
    assert binary.returncode == 3 and binary.stderr.startswith(b"cleanhtml: <stdin>: ")


def test_a_config_that_asks_for_a_check_is_the_childs_business(tmp_path: Path) -> None:
    """The arguments look like one document onto stdout; the config file says --check:
    the child runs the check and the guard relays its status 1."""
    post = tmp_path / "post.html"
    post.write_text(DIRTY, "utf-8")
    (tmp_path / ".cleanhtml.toml").write_text("check = true\n", "utf-8")
    command = [sys.executable, "-m", "cleanhtml", str(post)]
    done = subprocess.run(command, capture_output=True, check=False, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.decode().splitlines()[0] == f"would clean {post}"
    assert post.read_text("utf-8") == DIRTY


def test_a_document_that_kills_its_process_is_one_line_exit_3() -> None:
    code, stdout, stderr, _ = run_cli("-", stdin=CRASHING.encode())
    assert (code, stdout) == (3, "")
    assert stderr == (
        "cleanhtml: <stdin>: the worker process died while cleaning it (killed by SIGKILL)\n"
    )


def test_waiting_for_standard_input_is_not_timed() -> None:
    proc = subprocess.Popen(
        [*COMMAND, "--timeout", "1", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
    )
    time.sleep(1.5)  # past the limit, before the document has even arrived
    stdout, stderr = proc.communicate(DIRTY.encode(), timeout=30)
    assert (proc.returncode, stdout.decode(), stderr) == (0, CLEAN, b"")


def _started(args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*COMMAND, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(),
        start_new_session=True,  # its own process group, as a shell's foreground job
        **kwargs,  # type: ignore[call-overload]
    )


def test_ctrl_c_on_a_document_stuck_in_c_code_is_one_line_exit_130(tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.html"
    stuck.write_text(LOOPING, "utf-8")
    proc = _started(["--timeout", "60", str(stuck)])
    time.sleep(1.5)  # in PBKDF2 by now, deaf to signals
    assert proc.poll() is None
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
    interrupted = time.monotonic()
    stdout, stderr = proc.communicate(timeout=20)
    assert time.monotonic() - interrupted < 3
    assert (proc.returncode, stdout) == (130, b"")
    assert stderr.decode() == "cleanhtml: interrupted; every file written so far is complete\n"
    assert stuck.read_text("utf-8") == LOOPING
    assert not _group(proc.pid), "the child outlived the run"


def _reading_a_pipe(pgid: int, timeout: float = 20.0) -> None:
    """Wait until a process of the group ``pgid`` sleeps reading a pipe (the child on
    its standard input), not a fixed time: on a loaded machine its start-up can take
    longer than any sleep (a Ctrl-C then comes before it reads). Without /proc: 1 s."""
    if not Path("/proc/self/wchan").is_file():
        time.sleep(1.0)
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for pid in _group(pgid):
            try:
                wchan = Path(f"/proc/{pid}/wchan").read_text()
            except OSError:
                continue
            if "pipe" in wchan:
                return
        time.sleep(0.02)
    raise AssertionError("the child never read its standard input")


def test_ctrl_c_while_reading_standard_input_is_one_line_exit_130() -> None:
    proc = _started(["-"], stdin=subprocess.PIPE)
    _reading_a_pipe(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=20)
    assert (proc.returncode, stdout) == (130, b"")
    assert stderr.decode() == "cleanhtml: interrupted; every file written so far is complete\n"


def test_a_signal_that_ends_the_guard_ends_the_child_alike() -> None:
    """SIGTERM sent to the command (the guard) goes to the child; the guard then ends
    by the signal that ended the child, as the command did before it had a guard."""
    proc = _started(["-"], stdin=subprocess.PIPE)
    time.sleep(1.0)  # the child waits for standard input
    proc.send_signal(signal.SIGTERM)  # to the guard alone
    proc.communicate(timeout=20)
    assert proc.returncode == -signal.SIGTERM
    assert not _group(proc.pid), "the child outlived the run"
