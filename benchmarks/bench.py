"""cleanhtml benchmark: every figure is a ratio to plain lxml.html parse+serialize.

Run from the repository root:

    python benchmarks/bench.py            # full run (a few minutes)
    python benchmarks/bench.py --quick    # tiny inputs, for the test suite

Each measurement runs several rounds and takes the median; the baseline is measured in
the same run on the same inputs, so a busy machine shifts both sides alike.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
BENCH_CORPUS = SHARED / "bench-corpus" / "html"
SINA = SHARED / "corpus" / "sina"


def median_time(func: Callable[[], object], rounds: int) -> float:
    """Median wall time of ``rounds`` calls of ``func`` (after one warm-up call)."""
    func()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def load_pages(quick: bool) -> list[bytes]:
    files = sorted(BENCH_CORPUS.glob("*.html.gz"))
    if quick:
        files = files[:3]
    return [gzip.decompress(f.read_bytes()) for f in files]


def load_posts(quick: bool) -> list[bytes]:
    files = sorted(SINA.glob("*.md"))
    if quick:
        files = files[:3]
    return [f.read_bytes() for f in files]


def baseline(docs: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        for data in docs:
            lxml.html.tostring(lxml.html.document_fromstring(data), encoding="unicode")

    return run


def ours(docs: list[bytes], to: str) -> Callable[[], None]:
    from cleanhtml.api import clean_document, render

    def run() -> None:
        for data in docs:
            render(clean_document(data), to)

    return run


def peers(docs: list[bytes]) -> dict[str, Callable[[], None]]:
    """Peer tools that are installed (``pip install '.[bench]'``)."""
    found: dict[str, Callable[[], None]] = {}
    texts = [d.decode("utf-8", "replace") for d in docs]
    try:
        from lxml_html_clean import Cleaner

        cleaner = Cleaner()
        found["lxml_html_clean Cleaner (html)"] = lambda: [cleaner.clean_html(t) for t in texts]  # type: ignore[func-returns-value]
    except ImportError:
        pass
    try:
        import nh3

        found["nh3 (html)"] = lambda: [nh3.clean(t) for t in texts]  # type: ignore[func-returns-value]
    except ImportError:
        pass
    try:
        import html_text

        found["html_text (text)"] = lambda: [html_text.extract_text(t) for t in texts]  # type: ignore[func-returns-value]
    except ImportError:
        pass
    try:
        import inscriptis

        found["inscriptis (text)"] = lambda: [inscriptis.get_text(t) for t in texts]  # type: ignore[func-returns-value]
    except ImportError:
        pass
    try:
        import trafilatura

        found["trafilatura (text)"] = lambda: [trafilatura.extract(t) for t in texts]  # type: ignore[func-returns-value]
    except ImportError:
        pass
    return found


def run_cmd(args: list[str], stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        args, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def startup(rounds: int) -> list[tuple[str, float, str]]:
    post = (SINA / "000.md").read_bytes() if SINA.exists() else b"<p>x</p>"
    py = sys.executable
    # byte-compile the package first, as `pip install` does: with PYTHONDONTWRITEBYTECODE
    # set (or a read-only checkout) an editable install would otherwise compile every
    # module from source on each start, which no installed copy does
    subprocess.run([py, "-m", "compileall", "-q", str(ROOT / "cleanhtml")], check=False)
    base = statistics.median(run_cmd([py, "-c", "import lxml.html, click"]) for _ in range(rounds))
    version = statistics.median(
        run_cmd([py, "-m", "cleanhtml", "--version"]) for _ in range(rounds)
    )
    one = statistics.median(run_cmd([py, "-m", "cleanhtml", "-"], post) for _ in range(rounds))
    note = f"baseline `python -c 'import lxml.html, click'` = {base * 1000:.0f} ms"
    return [
        ("start-up: cleanhtml --version", version / base, note),
        ("start-up: clean one post from stdin", one / base, "target <= 1.15x"),
    ]


def batch(posts: list[bytes], count: int, rounds: int) -> list[tuple[str, float, str]]:
    """Throughput of the CLI over ``count`` small posts, -j 1 against -j 2."""
    tmp = Path(tempfile.mkdtemp(prefix="cleanhtml-bench-"))
    try:
        src = tmp / "posts"
        src.mkdir()
        for i in range(count):
            (src / f"{i:05d}.md").write_bytes(posts[i % len(posts)])
        py = sys.executable
        times = {}
        for jobs in (1, 2):

            def once(jobs: int = jobs) -> float:
                out = tmp / f"out{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                return run_cmd(
                    [py, "-m", "cleanhtml", "-q", "-j", str(jobs), "-o", str(out), str(src)]
                )

            times[jobs] = statistics.median(once() for _ in range(rounds))
        return [
            (f"batch {count} posts -j 1: files/s", count / times[1], "absolute"),
            (f"batch {count} posts -j 2: files/s", count / times[2], "absolute"),
            ("batch -j 2 throughput / -j 1", times[1] / times[2], "target >= 1.8x"),
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def peak_rss_mib(args: list[str]) -> float:
    """Peak RSS of a child process in MiB (Linux ru_maxrss is KiB)."""
    import resource

    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, runpy, sys; sys.argv = sys.argv[1:]; "
         "sys.stdout = open('/dev/null', 'w')\n"
         "try:\n    runpy.run_module('cleanhtml', run_name='__main__')\n"
         "except SystemExit:\n    pass\n"
         "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
         "cleanhtml", *args],
        capture_output=True, check=False,
    )  # fmt: skip
    del resource
    last = proc.stderr.decode().strip().splitlines()[-1]
    return int(last) / 1024


def memory(posts: list[bytes], big_mb: int, files: int) -> list[tuple[str, float, str]]:
    tmp = Path(tempfile.mkdtemp(prefix="cleanhtml-mem-"))
    try:
        big = tmp / "big.html"
        body = b"".join(p.split(b"\n---", 2)[-1] for p in posts)
        with big.open("wb") as handle:
            handle.write(b"<html><body>")
            written = 0
            while written < big_mb * 1024 * 1024:
                handle.write(body)
                written += len(body)
            handle.write(b"</body></html>")
        size_mib = big.stat().st_size / 2**20
        rss = peak_rss_mib(["-t", "html", str(big)])
        rows = [
            (
                f"peak RSS / input size ({size_mib:.0f} MiB file)",
                rss / size_mib,
                f"{rss:.0f} MiB; target <= 6x",
            )
        ]
        src = tmp / "many"
        src.mkdir()
        for i in range(files):
            (src / f"{i:05d}.md").write_bytes(posts[i % len(posts)])
        small = peak_rss_mib(
            [
                "-q",
                "-j",
                "1",
                "-o",
                str(tmp / "o1"),
                *[str(p) for p in sorted(src.iterdir())[: files // 10]],
            ]
        )
        large = peak_rss_mib(["-q", "-j", "1", "-o", str(tmp / "o2"), str(src)])
        rows.append(
            (
                f"peak RSS {files} files / {files // 10} files",
                large / small,
                f"{large:.0f} vs {small:.0f} MiB; flat = ~1.0x",
            )
        )
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one round (for tests)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--skip", default="", help="comma-separated sections to skip: peers,startup,batch,memory"
    )
    args = parser.parse_args()
    if not BENCH_CORPUS.exists() or not SINA.exists():
        print(f"benchmark corpora not found under {SHARED}", file=sys.stderr)
        return 2
    rounds = 1 if args.quick else args.rounds
    skip = set(filter(None, args.skip.split(",")))
    pages, posts = load_pages(args.quick), load_posts(args.quick)
    rows: list[tuple[str, float, str]] = []
    for label, docs in (("bench-corpus pages", pages), ("sina posts", posts)):
        base = median_time(baseline(docs), rounds)
        size = sum(map(len, docs)) / 2**20
        rows.append(
            (
                f"{label}: lxml.html parse+serialize",
                1.0,
                f"{base * 1000:.0f} ms for {len(docs)} docs, {size:.1f} MiB",
            )
        )
        for to, target in (("html", "<= 1.15x"), ("text", "<= 1.05x")):
            rows.append(
                (
                    f"{label}: cleanhtml -t {to}",
                    median_time(ours(docs, to), rounds) / base,
                    f"target {target}",
                )
            )
        if "peers" not in skip and label.startswith("bench"):
            for name, func in peers(docs).items():
                rows.append(
                    (f"{label}: {name}", median_time(func, max(1, rounds // 2)) / base, "peer")
                )
    if "startup" not in skip:
        rows += startup(3 if args.quick else 15)
    if "batch" not in skip:
        rows += batch(posts, 50 if args.quick else 2000, 1 if args.quick else 3)
    if "memory" not in skip:
        rows += memory(posts, 1 if args.quick else 50, 100 if args.quick else 20000)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}, lxml {lxml.html.etree.__version__}"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'ratio':>7}  note")
    for name, ratio, note in rows:
        print(f"{name:<{width}}  {ratio:7.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
