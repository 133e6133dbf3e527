"""The content cache of batches (issue 16): hits on an unchanged tree, never a stale result."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import cleanhtml
import cleanhtml.api
from cleanhtml import cache
from cleanhtml.cli import main

REPO = Path(__file__).resolve().parent.parent
SINA = REPO.parent / "shared" / "corpus" / "sina"
DIRTY = "<p>正文<!-- ad --><span id='stock_sz300959'><a class='keyword'>线上</a></span>。</p>\n"
CLEAN = "<p>正文线上。</p>\n"
OLD = 1_000_000_000  # a past mtime: old enough for the cache to trust it


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test alone."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_DIR, str(folder))
    return folder


@pytest.fixture
def cleans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the cleaner is run on (in this process: -j 1 --timeout 0)."""
    seen: list[str] = []
    real = cleanhtml.api.clean_document

    def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("path") or "?")
        return real(*args, **kwargs)

    monkeypatch.setattr(cleanhtml.api, "clean_document", counting)
    return seen


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    """A small tree: real posts (some need cleaning), a clean file, a sub-folder."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)  # the config search stops here
    tree = root / "posts"
    (tree / "sub").mkdir(parents=True)
    sources = sorted(SINA.glob("*.md"))[:4] if SINA.is_dir() else []
    for index, source in enumerate(sources):
        shutil.copy(source, tree / ("sub" if index % 2 else ".") / source.name)
    (tree / "dirty.html").write_text(DIRTY, encoding="utf-8")
    (tree / "clean.html").write_text(CLEAN, encoding="utf-8")
    (tree / "sub" / "keep.html").write_text("<p>keep <b>this</b></p>\n", encoding="utf-8")
    age(tree)
    return tree


def age(tree: Path) -> None:
    for path in tree.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD, OLD))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["-j", "1", "--timeout", "0", *args])
    return result.exit_code, result.stdout, result.stderr


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("cache.*.bin"))


def test_suite_never_writes_the_user_cache() -> None:
    """conftest.py points every test (and every subprocess) at a temporary folder."""
    assert os.environ[cache.ENV_DIR]
    assert cache.cache_dir() == Path(os.environ[cache.ENV_DIR])
    assert not str(cache.cache_dir()).startswith(os.path.expanduser("~/.cache"))


def test_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cache.ENV_DIR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform not in ("win32", "darwin"):
        assert cache.cache_dir() == tmp_path / "cleanhtml"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    if sys.platform not in ("win32", "darwin"):
        assert cache.cache_dir() == Path(os.path.expanduser("~/.cache/cleanhtml"))


def test_unchanged_tree_rerun_hits(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    first = run("--check", str(posts))
    count = len(cleans)
    assert count == len(files(posts)) >= 3
    assert len(cache_files(cache_dir)) == 1
    cleans.clear()
    second = run("--check", str(posts))
    assert cleans == []  # nothing cleaned again
    assert second[:2] == first[:2]
    assert second[2].splitlines()[:-1] == first[2].splitlines()[:-1]  # all but the timing


def test_quiet_runs_agree_with_their_edits_left_undecoded(
    posts: Path, cache_dir: Path, cleans: list[str]
) -> None:
    """A ``-q`` hit does not decode its edits (see cache.Entry); with ``--statistics`` or
    ``-v`` it does: every combination says what a run without the cache says."""
    run("--check", str(posts))  # (fills the cache)
    for args in (["-q"], ["-q", "--statistics"], ["--statistics"], ["-q", "-v"], []):
        cleans.clear()
        code, out, err = run("--check", *args, str(posts))
        assert cleans == []  # answered by the cache
        assert (code, out, err.splitlines()[:-1]) == _no_cache_run("--check", *args, str(posts))


def test_fresh_files_are_hashed_not_trusted(
    tmp_path: Path, cache_dir: Path, cleans: list[str]
) -> None:
    """A modification time younger than the clock's resolution is not trusted: rewriting
    a file with other bytes of the same size right after a run is still seen."""
    tree = tmp_path / "t"
    tree.mkdir()
    page = tree / "a.html"
    page.write_text(CLEAN, encoding="utf-8")
    stamp = page.stat().st_mtime_ns
    assert run("--check", str(tree))[0] == 0
    page.write_bytes(DIRTY.encode()[: len(CLEAN.encode())])  # other bytes, same length
    os.utime(page, ns=(stamp, stamp))  # even the same time
    cleans.clear()
    code, _, err = run("--check", str(tree))
    assert cleans == [str(page)]
    assert code == 1 and "would clean" in err
    cleans.clear()
    assert run("--check", str(tree))[0] == 1
    assert cleans == []  # the same bytes again: found by digest


def test_edited_file_misses(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    run("--check", str(posts))
    (posts / "clean.html").write_text(DIRTY, encoding="utf-8")
    age(posts)
    os.utime(posts / "clean.html", ns=(OLD + 10**9, OLD + 10**9))
    cleans.clear()
    code, _, err = run("--check", str(posts))
    assert cleans == [str(posts / "clean.html")]
    assert code == 1 and f"would clean {posts / 'clean.html'}" in err


def test_same_size_and_time_but_touched_is_found_by_digest(
    posts: Path, cache_dir: Path, cleans: list[str]
) -> None:
    run("--check", str(posts))
    for path in posts.rglob("*.html"):
        os.utime(path, ns=(OLD + 5, OLD + 5))  # a new time, the same bytes
    cleans.clear()
    run("--check", str(posts))
    assert cleans == []


def _no_cache_run(*args: str) -> tuple[int, str, list[str]]:
    code, out, err = run("--no-cache", *args)
    return code, out, err.splitlines()[:-1]


def _agree(*args: str) -> None:
    """A cached run says exactly what a run without the cache says."""
    code, out, err = run(*args)
    assert (code, out, err.splitlines()[:-1]) == _no_cache_run(*args)


def test_changed_config_misses(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    """A config anywhere above the files, or beside some of them, changing: never stale."""
    repo = posts.parent
    run("--check", str(posts))
    (repo / ".cleanhtml.toml").write_text('ignore = ["remove-comments"]\n', encoding="utf-8")
    cleans.clear()
    _agree("--check", "-v", str(posts))
    assert len(cleans) == 2 * len(files(posts))  # both runs cleaned every file
    cleans.clear()
    (posts / "sub" / ".cleanhtml.toml").write_text('ignore = ["ALL"]\n', encoding="utf-8")
    _agree("--check", "-v", str(posts))
    _agree("--check", "-v", str(posts / "sub"))
    (posts / "sub" / ".cleanhtml.toml").write_text('select = ["ALL"]\n', encoding="utf-8")
    _agree("--check", "-v", str(posts / "sub"))
    _agree("--check", "-v", str(posts))


def test_changed_profile_definition_misses(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    config = posts.parent / ".cleanhtml.toml"
    config.write_text('profile = "mine"\n[profiles.mine]\nignore = []\n', encoding="utf-8")
    run("--check", str(posts))
    config.write_text('profile = "mine"\n[profiles.mine]\nignore = ["ALL"]\n', encoding="utf-8")
    cleans.clear()
    code, _, err = run("--check", str(posts))
    assert len(cleans) == len(files(posts))
    assert code == 0, err


def test_changed_rule_selection_misses(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    run("--check", str(posts))
    cleans.clear()
    code, _, err = run("--check", "--ignore", "ALL", str(posts))
    assert len(cleans) == len(files(posts))
    assert code == 0, err
    cleans.clear()
    run("--check", "--ignore", "remove-comments", str(posts))
    assert len(cleans) == len(files(posts))
    cleans.clear()
    run("--check", "--drop", "b", str(posts))
    assert len(cleans) == len(files(posts))
    cleans.clear()
    run("--check", str(posts))  # back to the first selection: its entries still hold
    assert cleans == []


def test_changed_keep_comments_misses(tmp_path: Path, cache_dir: Path) -> None:
    """--keep-comments changes what a file becomes: a result cached without it is not
    served with it (it was, before the cache key took every setting that shapes output)."""
    tree = tmp_path / "kc"
    tree.mkdir()
    (tree / "a.html").write_text("<p>a<!-- more -->b</p>\n", encoding="utf-8")
    age(tree)
    assert run("--check", str(tree))[0] == 1
    assert run("--check", "--keep-comments", "more", str(tree))[0] == 0
    assert run("--check", str(tree))[0] == 1


def test_every_setting_that_shapes_output_keys_the_cache() -> None:
    """Each Settings field not listed as output-neutral changes the cache's key."""
    from cleanhtml.config import OUTPUT_NEUTRAL, Settings

    changed = {
        "to": "text",
        "select": ("markup",),
        "extend_select": ("N",),
        "ignore": ("M001",),
        "encoding": "gbk",
        "profile": "generic",
        "drop": (".ad",),
        "unwrap": ("span",),
        "drop_text": ("x",),
        "root": "#main",
        "keep_comments": ("more",),
        "url": "https://finance.sina.com.cn/",
        "profiles": {"mine": {"drop": ["p"]}},
    }
    shaping = set(Settings.__slots__) - OUTPUT_NEUTRAL
    assert shaping == set(changed)  # a new field: give it a changed value here
    base = cache.settings_key(Settings())
    for name, value in changed.items():
        assert cache.settings_key(Settings().replace(**{name: value})) != base, name
    neutral = Settings(jobs=3, quiet=True, check=True, output_dir=Path("out"), timeout=5)
    assert cache.settings_key(neutral) == base


def test_new_cleanhtml_version_misses(
    posts: Path, cache_dir: Path, cleans: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run("--check", str(posts))
    monkeypatch.setattr(cleanhtml, "__version__", "99.0.0")
    cleans.clear()
    run("--check", str(posts))
    assert len(cleans) == len(files(posts))


def test_edited_cleanhtml_source_misses(
    posts: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An editable install keeps its version: the key also covers the modules' stamps."""
    from cleanhtml.config import Settings

    before = cache.settings_key(Settings())
    real = cache._code_fingerprint
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: [*real(), ["rules/new.py", 1, 2]])
    assert cache.settings_key(Settings()) != before


def test_cache_cut_in_half_is_ignored_and_rebuilt(
    posts: Path, cache_dir: Path, cleans: list[str]
) -> None:
    first = run("--check", str(posts))
    (path,) = cache_files(cache_dir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    cleans.clear()
    second = run("--check", str(posts))
    assert len(cleans) == len(files(posts))  # nothing trusted
    assert second[:2] == first[:2]
    assert path.read_bytes() == data  # rebuilt whole
    cleans.clear()
    run("--check", str(posts))
    assert cleans == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data.replace(b"unchanged", b"Unchanged"),  # body edited: digest fails
        lambda data: data.replace(cache.FORMAT, b"cleanhtml-cache 9"),
        lambda data: b"\x00" * len(data),
        lambda data: b"",
    ],
)
def test_corrupt_cache_is_not_trusted(
    posts: Path, cache_dir: Path, cleans: list[str], damage: Any
) -> None:
    first = run("--check", str(posts))
    (path,) = cache_files(cache_dir)
    path.write_bytes(damage(path.read_bytes()))
    cleans.clear()
    assert run("--check", str(posts))[:2] == first[:2]
    assert len(cleans) == len(files(posts))


def test_bad_entries_are_not_used(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    """A well-formed file whose entries have the wrong shape: each such entry is a miss."""
    first = run("--check", str(posts))
    (path,) = cache_files(cache_dir)
    entries = cache._read(path)
    decoded = {name: cache._entry(raw) for name, raw in entries.items()}
    assert len(entries) == len(files(posts)) and None not in decoded.values()
    shapes = [
        lambda e: marshal.dumps(e[:2]),
        lambda e: marshal.dumps((*e[:3], "maybe", *e[4:])),
        lambda e: marshal.dumps((*e, 1)),
        lambda e: marshal.dumps(list(e)),
        lambda e: marshal.dumps((*e[:7], marshal.loads(e[7]), *e[8:])),  # (layout 2)
        lambda e: marshal.dumps((*e[:7], b"\xff", *e[8:])),  # edits that do not decode
        lambda e: marshal.dumps((*e[:7], marshal.dumps([("x", 1)]), *e[8:])),
        lambda e: marshal.dumps(e)[:-3],  # cut short
        lambda e: None,
        lambda e: b"\xff" + marshal.dumps(e),
    ]
    broken = {
        name: shapes[i % len(shapes)](entry)
        for i, (name, entry) in enumerate(sorted(decoded.items()))
    }
    body = marshal.dumps(broken)
    path.write_bytes(cache.FORMAT + b" " + cache.digest(body).encode() + b"\n" + body)
    cleans.clear()
    assert run("--check", str(posts))[:2] == first[:2]
    assert len(cleans) == len(files(posts))


def test_a_result_marshal_cannot_write_is_not_kept(posts: Path, cache_dir: Path) -> None:
    """A note that is a str subclass (an lxml string, say) cannot be marshalled: that
    file is not cached, and the batch goes on."""
    from cleanhtml.config import Settings
    from cleanhtml.files import Source
    from cleanhtml.runner import FileResult

    class Smart(str):
        pass

    store = cache.Cache(Settings(check=True), cache_dir)
    source = Source(str(posts / "clean.html"), "clean.html", "clean.html")
    result = FileResult("clean.html", "unchanged", 3, 3, {}, notes=[Smart("note")])
    result.cached = cache.Outcome((3, 1), "d", "d")
    store.record(source, result)
    assert store.changed == {}
    result.notes = ["note"]
    store.record(source, result)
    assert list(store.changed) == [os.path.abspath(posts / "clean.html")]


def test_in_place_then_check(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    run("--check", str(posts))
    before = files(posts)
    cleans.clear()
    code, _, err = run("-i", str(posts))
    assert code == 0, err
    after = files(posts)
    rewritten = sorted(name for name in before if before[name] != after[name])
    assert rewritten and "clean.html" not in rewritten
    assert len(cleans) == len(rewritten)  # unchanged files came from the cache
    assert (posts / "dirty.html").read_text(encoding="utf-8") == CLEAN
    cleans.clear()
    code, _, err = run("--check", str(posts))
    assert code == 0, err  # never the stale "would clean" of the first run
    assert sorted(Path(p).relative_to(posts).as_posix() for p in cleans) == rewritten


def test_diff_is_printed_for_cached_changed_files(posts: Path, cache_dir: Path) -> None:
    run("--check", str(posts))
    _agree("--diff", str(posts))


def test_output_dir_not_rewritten_when_right(
    posts: Path, tmp_path: Path, cache_dir: Path, cleans: list[str]
) -> None:
    out = tmp_path / "out"
    for to in ("html", "text", "json"):
        assert run("-o", str(out / to), "-t", to, str(posts))[0] == 0
    written = files(out)
    age(out)
    cleans.clear()
    for to in ("html", "text", "json"):
        assert run("-o", str(out / to), "-t", to, "-v", str(posts))[0] == 0
    assert cleans == []
    assert files(out) == written
    assert all(p.stat().st_mtime_ns == OLD for p in out.rglob("*") if p.is_file())
    # an output file gone or altered is written again, from a fresh clean
    (out / "html" / "dirty.html").unlink()
    (out / "text" / "clean.txt").write_text("tampered", encoding="utf-8")
    run("-o", str(out / "html"), str(posts))
    run("-o", str(out / "text"), "-t", "text", str(posts))
    assert sorted(Path(p).name for p in cleans) == ["clean.html", "dirty.html"]
    assert files(out) == written


def test_no_cache_writes_nothing(posts: Path, cache_dir: Path, cleans: list[str]) -> None:
    run("--no-cache", "--check", str(posts))
    assert not cache_dir.exists()
    run("--check", str(posts))
    cleans.clear()
    run("--no-cache", "--check", str(posts))
    assert len(cleans) == len(files(posts))


def test_stdout_and_explain_runs_do_not_use_the_cache(posts: Path, cache_dir: Path) -> None:
    run(str(posts / "dirty.html"))
    run("--explain", "--check", str(posts))
    assert not cache_dir.exists()


def test_unwritable_cache_dir_is_harmless(posts: Path, tmp_path: Path, monkeypatch: Any) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker / "cache"))
    code, _, err = run("--check", str(posts))
    assert code == 1 and "would clean" in err


def _cli(*args: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "cleanhtml", "-q", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def many(tmp_path: Path) -> Iterator[Path]:
    tree = tmp_path / "many"
    tree.mkdir()
    for index in range(60):
        text = DIRTY if index % 3 else CLEAN
        (tree / f"{index:03d}.html").write_text(text.replace("正文", f"正文{index}"), "utf-8")
    yield tree


def test_concurrent_runs_both_succeed(many: Path, tmp_path: Path, cache_dir: Path) -> None:
    expected = subprocess.run(
        [sys.executable, "-m", "cleanhtml", "--no-cache", "--check", str(many)],
        capture_output=True,
        check=False,
    )
    for _ in range(2):
        runs = [_cli("--check", "-j", "2", str(many)) for _ in range(2)]
        runs.append(_cli("-o", str(tmp_path / "out"), "-j", "1", str(many)))
        outputs = [proc.communicate() for proc in runs]
        assert [proc.returncode for proc in runs] == [1, 1, 0], outputs
        for out, err in outputs[:2]:
            assert out == b"" and err == b""
        (path,) = cache_files(cache_dir)
        assert cache._read(path)  # whole and valid
    check = subprocess.run(
        [sys.executable, "-m", "cleanhtml", "--check", str(many)], capture_output=True, check=False
    )
    assert check.returncode == 1
    assert check.stderr.splitlines()[:-1] == expected.stderr.splitlines()[:-1]
    assert files(tmp_path / "out") == {
        name: (CLEAN.replace("正文", f"正文{int(name[:3])}")).encode() for name in files(many)
    }


def test_files_under_several_configs_are_all_cached(
    posts: Path, cache_dir: Path, cleans: list[str]
) -> None:
    """Each file's entry is kept under its own settings (its nearest config file)."""
    (posts.parent / ".cleanhtml.toml").write_text('ignore = ["remove-comments"]\n', "utf-8")
    (posts / "sub" / ".cleanhtml.toml").write_text('ignore = ["ALL"]\n', encoding="utf-8")
    first = _no_cache_run("--check", "-v", str(posts))
    cleans.clear()
    code, out, err = run("--check", "-v", str(posts))
    assert (code, out, err.splitlines()[:-1]) == first
    assert len(cache_files(cache_dir)) == 2
    cleans.clear()
    code, out, err = run("--check", "-v", str(posts))
    assert (code, out, err.splitlines()[:-1]) == first
    assert cleans == []
    (posts / "sub" / ".cleanhtml.toml").write_text('ignore = ["remove-comments"]\n', "utf-8")
    code, out, err = run("--check", "-v", str(posts))
    assert sorted(Path(p).parent.name for p in cleans) == ["sub"] * 3
    assert (code, out, err.splitlines()[:-1]) == _no_cache_run("--check", "-v", str(posts))


def test_profile_definitions_beside_files_key_their_entries(
    posts: Path, cache_dir: Path, cleans: list[str]
) -> None:
    """Two configs that differ only in a profile's definition: two keys, never stale."""
    define = 'profile = "mine"\n[profiles.mine]\nignore = [{}]\n'
    (posts.parent / ".cleanhtml.toml").write_text(define.format(""), encoding="utf-8")
    (posts / "sub" / ".cleanhtml.toml").write_text(define.format('"ALL"'), encoding="utf-8")
    _agree("--check", "-v", str(posts))
    _agree("--check", "-v", str(posts))
    (posts / "sub" / ".cleanhtml.toml").write_text(define.format(""), encoding="utf-8")
    _agree("--check", "-v", str(posts))


def test_entries_of_deleted_files_are_pruned(posts: Path, cache_dir: Path) -> None:
    """A save leaves out the entries of files that are gone (renamed, deleted)."""
    run("--check", str(posts))
    (posts / "clean.html").unlink()
    (posts / "dirty.html").write_text(DIRTY + "\n", encoding="utf-8")  # a new entry to save
    run("--check", str(posts))
    (saved,) = cache_files(cache_dir)
    entries = cache._read(saved)
    real = Path(os.path.realpath(posts))  # entries are keyed by real paths
    assert str(real / "dirty.html") in entries
    assert str(real / "clean.html") not in entries
    assert str(real / "sub" / "keep.html") in entries  # (unchanged: kept)


def test_a_batch_holds_each_new_entry_as_bytes(
    posts: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Until they are saved, new entries are kept as their marshal bytes (a few hundred
    bytes a file), not as the tuples, dicts and strings of each."""
    held: list[object] = []
    save = cache.Cache.save

    def looking(self: cache.Cache) -> None:
        held.extend(self.changed.values())
        save(self)

    monkeypatch.setattr(cache.Cache, "save", looking)
    run("--check", str(posts))
    assert len(held) == len(files(posts))
    assert all(isinstance(entry, bytes) and len(entry) < 400 for entry in held)


DUMP = """
import atexit, runpy, sys
atexit.register(lambda: sys.__stderr__.write("MODULES " + " ".join(sorted(sys.modules)) + "\\n"))
sys.argv = ["cleanhtml", *sys.argv[1:]]
runpy.run_module("cleanhtml", run_name="__main__")
"""


def test_a_rerun_answered_by_the_cache_loads_no_cleaner(
    posts: Path, tmp_path: Path, cache_dir: Path
) -> None:
    """Every file a hit: neither the cleaner nor the pool is loaded, nor what only they
    (or a mistyped option) need: hashlib's OpenSSL, json, difflib and gettext's locale
    (click's first try of ``-q`` as a long option), dataclasses. (Outside a git work
    tree: asking git what .gitignore ignores loads subprocess, and locale with it.)"""
    tree = shutil.copytree(posts, tmp_path / "plain")
    age(tree)
    args = ["-q", "-j", "2", "--no-config", "--check", str(tree)]
    # the first run without a time limit: on a loaded machine a post past it would not be
    # cached, and the second run would rightly clean it (the limit is output-neutral)
    first = subprocess.run(
        [sys.executable, "-m", "cleanhtml", "--timeout", "0", *args], capture_output=True
    )
    assert first.returncode == 1, first.stderr
    again = subprocess.run([sys.executable, "-c", DUMP, *args], capture_output=True, check=False)
    assert again.returncode == 1, again.stderr
    line = next(x for x in again.stderr.decode().splitlines() if x.startswith("MODULES "))
    modules = set(line.split()[1:])
    unwanted = {
        "cleanhtml.api", "cleanhtml.document", "cleanhtml.workers", "multiprocessing", "rich",
        "hashlib", "_hashlib", "json", "difflib", "locale", "dataclasses",
    }  # fmt: skip
    assert modules & unwanted == set(), again.stderr.decode()[-2000:]


def test_a_cache_file_is_its_header_then_its_body(tmp_path: Path) -> None:
    """The file is FORMAT, the body's digest and a line break, then the marshalled
    entries (written in two pieces, never joined in memory); what was written reads
    back, and the entries given are let go once marshalled (peak memory of a batch)."""
    import marshal

    path = tmp_path / "cache.x.bin"
    entries = {f"/p/{i}.md": marshal.dumps((i, -1, "d", "cleaned")) for i in range(50)}
    copy = dict(entries)
    cache._write(path, entries)
    head, _, body = path.read_bytes().partition(b"\n")
    assert head == cache.FORMAT + b" " + cache.digest(body).encode()
    assert marshal.loads(body) == copy
    assert entries == {} and cache._read(path) == copy
