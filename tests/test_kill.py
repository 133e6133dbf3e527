"""A batch killed with SIGKILL leaves every file either as it was or fully cleaned.

The kill is timed by the batch's own progress, not by a delay: every input starts
with a past mtime, and the test watches the folder until the wanted number of files
has been replaced (a new mtime) while others still wait, then kills the whole process
group. So the batch is provably mid-way on any machine, however fast or slow.
"""

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
OLD = 1_000_000_000  # a past mtime: a file with any other mtime has been replaced
TIMEOUT = 60.0


def _replaced(paths: list[Path]) -> int:
    return sum(os.stat(p).st_mtime_ns != OLD for p in paths)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not found")
@pytest.mark.parametrize("kill_after", [1, COPIES // 4])
def test_sigkill_mid_batch_leaves_old_or_new(tmp_path: Path, kill_after: int) -> None:
    posts = []
    for post in sorted(CORPUS.glob("*.md")):  # only posts a clean changes: new != old
        data = post.read_bytes()
        cleaned = clean_document(data)
        new = dump(cleaned.doc, edited=cleaned.edited)
        if new != data:
            posts.append((data, new))
    assert len(posts) > 5
    originals: dict[Path, tuple[bytes, bytes]] = {}
    for i in range(COPIES):
        path = tmp_path / f"d{i % 5}" / f"{i:04d}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(posts[i % len(posts)][0])
        os.utime(path, ns=(OLD, OLD))
        originals[path] = posts[i % len(posts)]
    paths = list(originals)
    proc = subprocess.Popen(
        [sys.executable, "-m", "cleanhtml", "--no-config", "-q", "-i", "-j", "2", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so the kill reaches the pool's workers too
    )
    try:
        deadline = time.monotonic() + TIMEOUT
        while (seen := _replaced(paths)) < kill_after:
            assert proc.poll() is None, f"the batch ended with only {seen} files replaced"
            assert time.monotonic() < deadline, "the batch made no progress"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    states = {"old": 0, "new": 0}
    for path, (old, new) in originals.items():
        now = path.read_bytes()
        assert now in (old, new), f"{path} is neither old nor new"
        states["old" if now == old else "new"] += 1
    # the kill landed mid-way: some files were cleaned and some were not reached
    assert states["new"] >= kill_after, states
    assert states["old"] > 0, f"the batch finished before the kill: {states}"
    # whatever the kill left half-written is a temp file, never an input
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file() and p not in originals]
    assert all(".cleanhtml.tmp" in p.name for p in leftovers), leftovers
