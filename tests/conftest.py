from __future__ import annotations

import os
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# No test reads or writes the user's cache: every run of the suite (and every cleanhtml
# it starts as a subprocess) uses a fresh temporary cache folder, removed at the end.
CACHE_DIR = tempfile.mkdtemp(prefix="cleanhtml-test-cache-")
os.environ["CLEANHTML_CACHE_DIR"] = CACHE_DIR

# CI runs the property tests on a fixed sequence of examples, so a result there can be
# reproduced; local runs stay random and keep hunting (CLEANHTML_HYPOTHESIS_SCALE=20).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
"""The real corpora beside the repository (``../shared``): about a third of the tests."""
SHARED_NEEDED = ("corpus/sina", "bench-corpus")


def missing_shared() -> list[Path]:
    """The folders of ``../shared`` the tests read that are not there."""
    return [SHARED / name for name in SHARED_NEEDED if not (SHARED / name).is_dir()]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-fixtures",
        action="store_true",
        help="rewrite fixtures' expected files from current output, for review in git diff",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Under CI, a missing ``../shared`` is an error, not a third of the suite skipped;
    SIGINT caught (see below)."""
    missing = missing_shared()
    if missing and os.environ.get("CI"):
        names = ", ".join(str(p) for p in missing)
        raise pytest.UsageError(
            f"CI is set and the shared corpora are missing ({names}): the tests that read "
            "them would be skipped. Put the corpora beside the repository, or unset CI."
        )
    # A suite started as a background job of a script (`.ci/run &`) inherits SIGINT
    # ignored, and so would every command it starts: the Ctrl-C tests would then see
    # cleanhtml ignore Ctrl-C, as it should in such a job. Caught here, the signal is
    # back to its default in every command the tests start (exec resets caught signals).
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_report_header(config: pytest.Config) -> str:
    missing = missing_shared()
    if not missing:
        return f"shared corpora: {SHARED}"
    return f"shared corpora MISSING ({', '.join(map(str, missing))}): their tests are skipped"


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(CACHE_DIR, ignore_errors=True)
