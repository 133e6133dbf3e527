"""``--dask local``: a real LocalCluster (2 worker processes) against ``-j 1``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("distributed")

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "sina"
COUNT = 2000


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _summary(stderr: str) -> str:
    """The summary line without its timing, which differs from run to run."""
    lines = [line for line in stderr.splitlines() if " files: " in line]
    assert lines, stderr
    return re.sub(r"; [\d.]+ s, \d+ files/s$", "", lines[-1])


@pytest.fixture(scope="module")
def posts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    src = sorted(CORPUS.glob("*.md"))
    root = tmp_path_factory.mktemp("posts")
    for i in range(COUNT):
        sub = root / f"d{i % 7}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:04d}.md").write_bytes(src[i % len(src)].read_bytes())
    (root / "bad.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return root


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleanhtml", *args], capture_output=True, text=True, check=False
    )


def test_dask_local_equals_jobs_1(posts: Path, tmp_path: Path) -> None:
    one = _run("-j", "1", "-o", str(tmp_path / "one"), str(posts))
    dask = _run("--dask", "local", "-j", "2", "-o", str(tmp_path / "dask"), str(posts))
    assert one.returncode == dask.returncode == 3  # the binary file fails in both
    assert "bad.html" in one.stderr and "bad.html" in dask.stderr
    assert _summary(one.stderr) == _summary(dask.stderr)
    tree = _tree(tmp_path / "one")
    assert len(tree) == COUNT
    assert tree == _tree(tmp_path / "dask")


def test_dask_text_to_stdout_in_order(posts: Path) -> None:
    files = [str(p) for p in sorted((posts / "d0").glob("*.md"))[:40]]
    one = _run("-j", "1", "-t", "text", *files)
    dask = _run("--dask", "local", "-t", "text", *files)
    assert one.returncode == dask.returncode == 0
    assert one.stdout == dask.stdout
