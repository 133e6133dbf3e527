"""Under CI, a missing ``../shared`` fails the run instead of skipping a third of it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _run_without_shared(tmp_path: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    """Run pytest on a copy of our conftest in a repository with no ``../shared``."""
    tests = tmp_path / "repo" / "tests"
    tests.mkdir(parents=True)
    shutil.copy(TESTS / "conftest.py", tests / "conftest.py")
    (tests / "test_one.py").write_text("def test_one() -> None:\n    pass\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(tests)]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)


def test_missing_shared_fails_under_ci(tmp_path: Path) -> None:
    done = _run_without_shared(tmp_path, "1")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "CI is set and the shared corpora are missing" in done.stderr
    assert str(tmp_path / "shared" / "corpus" / "sina") in done.stderr


def test_missing_shared_is_named_but_runs_locally(tmp_path: Path) -> None:
    done = _run_without_shared(tmp_path, None)
    assert done.returncode == pytest.ExitCode.OK, done.stdout + done.stderr
    assert "shared corpora MISSING" in done.stdout


def test_ci_run_fails_without_shared(tmp_path: Path) -> None:
    ci = tmp_path / "repo" / ".ci"
    ci.mkdir(parents=True)
    shutil.copy(TESTS.parent / ".ci" / "run", ci / "run")
    done = subprocess.run(["bash", str(ci / "run")], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr == (
        ".ci/run: ../shared/corpus/sina not found; the tests that read it would be skipped\n"
    )
