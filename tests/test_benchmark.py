"""The benchmark runs end to end on tiny inputs (timings are not asserted here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.mark.skipif(not (SHARED / "bench-corpus").is_dir(), reason="shared corpora not found")
def test_benchmark_quick_run_prints_the_table() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench.py"), "--quick", "--skip", "peers"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    for label in (
        "lxml.html parse+serialize",
        "cleanhtml -t html",
        "cleanhtml -t text",
        "start-up: clean one post from stdin",
        "batch -j 2 throughput / -j 1",
        "peak RSS / input size",
    ):
        assert label in proc.stdout, label
