"""A batch killed with SIGKILL leaves every file either as it was or fully cleaned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleanhtml.api import clean_document
from cleanhtml.document import dump

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "sina"
COPIES = 600


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not found")
@pytest.mark.parametrize("delay", [0.2, 0.45, 0.8])
def test_sigkill_mid_batch_leaves_old_or_new(tmp_path: Path, delay: float) -> None:
    posts = sorted(CORPUS.glob("*.md"))
    originals: dict[Path, bytes] = {}
    for i in range(COPIES):
        data = posts[i % len(posts)].read_bytes()
        path = tmp_path / f"d{i % 5}" / f"{i:04d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        originals[path] = data
    cleaned = {p: dump(c.doc, edited=c.edited) for p, data in originals.items()
               for c in [clean_document(data)]}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanhtml", "-q", "-i", "-j", "2", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the kill reaches the pool's workers too
    )
    time.sleep(delay)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    states = {"old": 0, "new": 0}
    for path, data in originals.items():
        now = path.read_bytes()
        assert now in (data, cleaned[path]), f"{path} is neither old nor new"
        states["old" if now == data else "new"] += 1
    assert sum(states.values()) == COPIES
    # whatever the kill left half-written is a temp file, never an input
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p not in originals]
    assert all(".cleanhtml.tmp" in p.name for p in leftovers), leftovers
