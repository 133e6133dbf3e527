"""cleanhtml benchmark: every figure is a ratio to plain lxml.html parse+serialize.

Run from the repository root:

    python benchmarks/bench.py            # full run (a few minutes)
    python benchmarks/bench.py --quick    # tiny inputs, for the test suite
    python benchmarks/bench.py --instructions   # + instruction-count ratios (valgrind)

Each ratio is the median over several rounds of (ours / baseline) with the two run back
to back in every round, on the same inputs, so a slow spell of a busy machine shifts
both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import atexit
import gzip
import itertools
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
START_LOAD = "?"


def _timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def paired(
    func: Callable[[], object], base: Callable[[], object], rounds: int
) -> tuple[float, float]:
    """(median of per-round ratios ``func``/``base``, median ``base`` time in seconds).

    The two run alternately, one right after the other in each round (after a warm-up
    call of each), so a slow spell of a shared machine hits both sides of a ratio.
    """
    func()
    base()
    ratios, bases = [], []
    for _ in range(rounds):
        took_base = _timed(base)
        ratios.append(_timed(func) / took_base)
        bases.append(took_base)
    return statistics.median(ratios), statistics.median(bases)


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


def _walk_kind() -> str:
    """Which census walk this run measured: the compiled one (``pip install .``) or the
    Python one (an editable install, ``CLEANHTML_PURE=1``, or no compiler at install)."""
    from cleanhtml import census

    return "compiled" if census.compiled() else "Python (not compiled)"


def baseline(docs: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        for data in docs:
            lxml.html.tostring(lxml.html.document_fromstring(data), encoding="unicode")

    return run


def ours(docs: list[bytes], to: str) -> Callable[[], None]:
    from cleanhtml.api import clean_document, render

    def run() -> None:
        for data in docs:
            render(clean_document(data, to=to), to)  # (as the command line cleans for it)

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


# Every run of the command line gets this cache folder (removed at exit), never the
# user's own cache: a benchmark must not leave files behind or read old entries.
_CACHE = Path(tempfile.mkdtemp(prefix="cleanhtml-bench-cache-"))
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
ENV = {**os.environ, "CLEANHTML_CACHE_DIR": str(_CACHE)}
# The command line runs from an empty folder: from the repository's root, ``python -m
# cleanhtml`` (and ``python -c``) would import the source tree, not the installed
# package this process imports (without the compiled census walk of ``pip install .``).
RUN_DIR = tempfile.mkdtemp(prefix="cleanhtml-bench-run-")
atexit.register(shutil.rmtree, RUN_DIR, ignore_errors=True)


def run_cmd(args: list[str], stdin: bytes | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        args,
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
        env=ENV,
        cwd=RUN_DIR,
    )
    return time.perf_counter() - start


def startup(rounds: int) -> list[tuple[str, float, str]]:
    post = (SINA / "000.md").read_bytes() if SINA.exists() else b"<p>x</p>"
    py = sys.executable
    # byte-compile the package first, as `pip install` does: with PYTHONDONTWRITEBYTECODE
    # set (or a read-only checkout) an editable install would otherwise compile every
    # module from source on each start, which no installed copy does
    import cleanhtml

    package = Path(cleanhtml.__file__).parent  # (the one the runs below import)
    subprocess.run([py, "-m", "compileall", "-q", str(package)], check=False, cwd=RUN_DIR)
    version, one, bases = [], [], []
    for _ in range(rounds):  # interleaved: each ratio from neighbouring runs
        base = run_cmd([py, "-c", "import lxml.html, click"])
        version.append(run_cmd([py, "-m", "cleanhtml", "--version"]) / base)
        one.append(run_cmd([py, "-m", "cleanhtml", "-"], post) / base)
        bases.append(base)
    took = statistics.median(bases) * 1000
    note = f"baseline `python -c 'import lxml.html, click'` = {took:.0f} ms"
    return [
        ("start-up: cleanhtml --version", statistics.median(version), note),
        ("start-up: clean one post from stdin", statistics.median(one), "target <= 1.15x"),
    ]


RAM_FOLDER = "/dev/shm"
"""Where the batch row's tree goes when it exists (see :func:`batch`)."""


def batch(
    posts: list[bytes], count: int, rounds: int, folder: str | None = None
) -> tuple[float, float, float]:
    """Throughput of the CLI over ``count`` small posts: (-j 1 files/s, -j 2 files/s,
    median of the per-round ratios), the tree made in ``folder`` (None: the system's
    temporary folder).

    Each run writes its outputs into a new folder. On ext4 (this machine's disk) a file
    made within minutes of many deletions costs the kernel a scan past the deleted
    inodes (``recently_deleted`` in a profile): after the 2,000 files of the previous
    round were removed, 0.3-0.9 s of system time a run, which -j 2 cannot share out.
    That is the disk's cost, not cleaning's: the row's tree is made in RAM
    (:data:`RAM_FOLDER`), and the same runs on disk are printed beside it."""
    tmp = Path(tempfile.mkdtemp(prefix="cleanhtml-bench-", dir=folder))
    try:
        src = tmp / "posts"
        src.mkdir()
        for i in range(count):
            (src / f"{i:05d}.md").write_bytes(posts[i % len(posts)])
        py = sys.executable

        runs = itertools.count()

        def once(jobs: int) -> float:
            out = tmp / f"out{next(runs)}"  # a new folder, the others kept until the end
            # --no-cache: the posts repeat every few dozen files, so the cache would serve
            # most of them; this row measures cleaning
            args = [py, "-m", "cleanhtml", "-q", "--no-cache", "-j", str(jobs), "-o", str(out)]
            return run_cmd([*args, str(src)])

        times: dict[int, list[float]] = {1: [], 2: []}
        for _ in range(rounds):  # interleaved, like every other ratio
            for jobs in (1, 2):
                times[jobs].append(once(jobs))
        one, two = statistics.median(times[1]), statistics.median(times[2])
        speedup = statistics.median(a / b for a, b in zip(times[1], times[2], strict=True))
        return count / one, count / two, speedup
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def batch_rows(posts: list[bytes], count: int, rounds: int) -> list[tuple[str, float, str]]:
    """The batch rows: in RAM where there is a RAM folder, and on disk (see :func:`batch`)."""
    rows = []
    ram = os.path.isdir(RAM_FOLDER) and os.access(RAM_FOLDER, os.W_OK)
    if ram:
        one, two, speedup = batch(posts, count, rounds, RAM_FOLDER)
        rows += [
            (f"batch {count} posts -j 1: files/s", one, f"absolute; tree in {RAM_FOLDER}"),
            (f"batch {count} posts -j 2: files/s", two, f"absolute; tree in {RAM_FOLDER}"),
            ("batch -j 2 throughput / -j 1", speedup, f"target >= 1.8x; tree in {RAM_FOLDER}"),
        ]
    one, two, speedup = batch(posts, count, rounds)
    disk = tempfile.gettempdir()
    rows += [
        (f"batch {count} posts -j 1 on disk: files/s", one, f"absolute; tree in {disk}"),
        (f"batch {count} posts -j 2 on disk: files/s", two, f"absolute; tree in {disk}"),
        (
            "batch -j 2 throughput / -j 1, on disk",
            speedup,
            "the file system's share: see bench.batch" if ram else "target >= 1.8x",
        ),
    ]
    return rows


def cache_rerun(posts: list[bytes], count: int) -> list[tuple[str, float, str]]:
    """A second ``--check`` over an unchanged tree of ``count`` posts against the first.

    The posts get a modification time well in the past (a fresh one is not trusted by
    the cache, which then hashes the bytes): the case of a tree checked again later.
    The cache goes to a fresh temporary folder, so the first run starts cold.
    """
    tmp = Path(tempfile.mkdtemp(prefix="cleanhtml-cache-bench-"))
    try:
        src = tmp / "posts"
        src.mkdir()
        for i in range(count):
            path = src / f"{i:05d}.md"
            path.write_bytes(posts[i % len(posts)])
            os.utime(path, (1_000_000_000, 1_000_000_000))
        env = {**os.environ, "CLEANHTML_CACHE_DIR": str(tmp / "cache")}
        args = [sys.executable, "-m", "cleanhtml", "-q", "--check", str(src)]

        def timed() -> tuple[float, float]:
            """(wall seconds, CPU seconds of the run and its workers)."""
            import resource

            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(args, env=env, capture_output=True, check=False, cwd=RUN_DIR)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            return wall, cpu

        first = timed()
        seconds = [timed() for _ in range(3)]
        wall = statistics.median(w for w, _ in seconds)
        cpu = statistics.median(c for _, c in seconds)
        return [
            (
                f"cache: first --check / second, {count} posts (wall)",
                first[0] / wall,
                f"{first[0]:.2f} s then {wall:.3f} s; target >= 20x",
            ),
            (
                f"cache: first --check / second, {count} posts (CPU)",
                first[1] / cpu,
                f"{first[1]:.2f} s then {cpu:.3f} s of CPU (with workers)",
            ),
        ]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def peak_rss_mib(args: list[str]) -> float:
    """Peak RSS of a cleanhtml run in MiB: its own (VmHWM) or its largest worker's
    (forked: what it shares with the parent counts in it). Linux counts KiB."""
    import resource

    proc = subprocess.run(
        [sys.executable, "-c",
         "import resource, sys; sys.argv = sys.argv[1:]; "
         "sys.stdout = open('/dev/null', 'w')\n"
         "from cleanhtml.cli import main  # (the command itself, cli.run, ends the process)\n"
         "try:\n    main()\n"
         "except SystemExit:\n    pass\n"
         "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
         "try:  # ru_maxrss keeps the parent's size across fork+exec; VmHWM is our own\n"
         "    peak = int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
         "except (OSError, IndexError):\n"
         "    pass\n"
         "# files are cleaned in forked workers: the largest of them counts too\n"
         "peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
         "print(peak, file=sys.stderr)",
         "cleanhtml", *args],
        capture_output=True, check=False, env=ENV, cwd=RUN_DIR,
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


def _workload(kind: str, mode: str) -> None:
    """Run one workload in this process (what ``--instructions`` counts under valgrind)."""
    from cleanhtml.api import clean_document, render

    docs = load_pages(False)[::6] if kind == "pages" else load_posts(False)
    # warm up: lazy imports and caches (every input once: a module one of them needs
    # is imported once a batch, not once a post)
    render(clean_document(docs[0]), "html")
    for data in docs:
        render(clean_document(data), "text")
    lxml.html.tostring(lxml.html.document_fromstring(docs[0]))
    if mode == "base":
        baseline(docs)()
    elif mode != "none":
        ours(docs, mode)()


def _instructions_of(kind: str, mode: str) -> int:
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         __file__, "--workload", kind, mode],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(proc.stderr.rsplit("Collected :", 1)[1].split()[0])


def instructions() -> list[tuple[str, float, str]]:
    """Ratios of instruction counts (valgrind's callgrind): the same on every run.

    Wall time on a shared machine moves by tens of percent; instructions do not (they
    ignore cache misses and frequency, so they are a proxy for time, not a measure).
    Every 6th bench page and every post; start-up and warm-up are counted out.
    """
    from concurrent.futures import ThreadPoolExecutor

    modes = ("none", "base", "html", "text")
    jobs = [(kind, mode) for kind in ("pages", "posts") for mode in modes]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        counts = dict(zip(jobs, pool.map(lambda job: _instructions_of(*job), jobs), strict=True))
    rows = []
    for kind in ("pages", "posts"):
        base = counts[kind, "base"] - counts[kind, "none"]
        for to in ("html", "text"):
            ratio = (counts[kind, to] - counts[kind, "none"]) / base
            rows.append((f"instructions, {kind}: cleanhtml -t {to}", ratio, f"base {base:,}"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="tiny inputs, one round (for tests)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated sections to skip: peers,startup,batch,cache,memory",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind (repeatable on a noisy machine; slow)",
    )
    parser.add_argument("--workload", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        _workload(*args.workload)
        return 0
    if not BENCH_CORPUS.exists() or not SINA.exists():
        print(f"benchmark corpora not found under {SHARED}", file=sys.stderr)
        return 2
    global START_LOAD
    if hasattr(os, "getloadavg"):
        START_LOAD = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rounds = 1 if args.quick else args.rounds
    skip = set(filter(None, args.skip.split(",")))
    pages, posts = load_pages(args.quick), load_posts(args.quick)
    rows: list[tuple[str, float, str]] = []
    targets = {  # issue 16's target, then the further goal
        "bench-corpus pages": {"html": "<= 1.6x (goal 1.15x)", "text": "<= 1.9x (goal 1.05x)"},
        "sina posts": {"html": "<= 2.5x (goal 1.15x)", "text": "<= 3.0x (goal 1.05x)"},
    }
    for label, docs in (("bench-corpus pages", pages), ("sina posts", posts)):
        base = baseline(docs)
        size = sum(map(len, docs)) / 2**20
        measured = []
        ours_ratio: dict[str, float] = {}
        for to, target in targets[label].items():
            ratio, base_time = paired(ours(docs, to), base, rounds)
            ours_ratio[to] = ratio
            measured.append((f"{label}: cleanhtml -t {to}", ratio, f"target {target}"))
        rows.append(
            (
                f"{label}: lxml.html parse+serialize",
                1.0,
                f"{base_time * 1000:.0f} ms for {len(docs)} docs, {size:.1f} MiB",
            )
        )
        rows += measured
        if "peers" not in skip and label.startswith("bench"):
            for name, func in peers(docs).items():
                ratio, _ = paired(func, base, max(1, rounds // 2))
                rows.append((f"{label}: {name}", ratio, "peer"))
                if name.startswith("html_text"):
                    rows.append(
                        (
                            f"{label}: cleanhtml -t text / html_text",
                            ours_ratio["text"] / ratio,
                            "target < 1 (faster than html_text in the same run)",
                        )
                    )
    if "startup" not in skip:
        rows += startup(3 if args.quick else 15)
    if "batch" not in skip:
        rows += batch_rows(posts, 50 if args.quick else 2000, 1 if args.quick else 5)
    if "cache" not in skip:
        rows += cache_rerun(posts, 50 if args.quick else 10000)
    if "memory" not in skip:
        rows += memory(posts, 1 if args.quick else 50, 100 if args.quick else 20000)
    if args.instructions and shutil.which("valgrind"):
        rows += instructions()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs,"
        f" Python {platform.python_version()}, lxml {lxml.html.etree.__version__};"
        f" load average at the end {load} (started at {START_LOAD});"
        f" census walk: {_walk_kind()}"
    )
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'ratio':>7}  note")
    for name, ratio, note in rows:
        print(f"{name:<{width}}  {ratio:7.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
