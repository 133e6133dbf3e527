"""Every output of every real input we have, pinned by its SHA-256.

Inputs: each fixture's input (with the rules of its ``case.toml``), each post of the
shared corpus (``../shared/corpus/sina``) and of ``tests/heldout``, each page of the
shared bench corpus (``../shared/bench-corpus/html/*.html.gz``) and each vector of
``tests/data/xss_vectors.txt``. Each is cleaned once and rendered in every format
(``html``, ``text``, ``markdown``, ``json``), cleaned for that format (as the command
line does: rules whose edits cannot show in it left out) and with every rule applied,
which must give the same output; the SHA-256 of each output (or of the error message,
for an input refused) must match ``tests/data/digests.json``.

This is the net for work that must not change any output (a faster loader, a linear
rewrite of a scan): any output that moves fails here, named. When a change alters
outputs *on purpose*, regenerate the file and read the list it prints::

    python tests/test_digests.py            # rewrite tests/data/digests.json, list changes

and say in the commit message which outputs changed and why. Folders that are absent
(the shared corpora live beside the clone) are skipped, never counted as passing.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from cleanhtml.api import clean_document, render
from cleanhtml.errors import CleanHtmlError

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
SHARED = REPO.parent / "shared"
DIGESTS = TESTS / "data" / "digests.json"
FORMATS = ("html", "text", "markdown", "json")
VECTORS = TESTS / "data" / "xss_vectors.txt"

Reader = Callable[[], bytes]


def _fixtures() -> Iterator[tuple[str, Path, Reader]]:
    for case in sorted(p for p in (REPO / "fixtures").iterdir() if p.is_dir()):
        source = next(p for p in case.iterdir() if p.stem == "input")
        yield f"fixtures/{case.name}", case, source.read_bytes


def _posts(folder: Path, prefix: str) -> Iterator[tuple[str, Path | None, Reader]]:
    if not folder.is_dir():
        return
    for post in sorted(folder.iterdir()):
        if post.suffix in (".md", ".html") and post.stem != "README":
            yield f"{prefix}/{post.name}", None, post.read_bytes


def _bench() -> Iterator[tuple[str, Path | None, Reader]]:
    folder = SHARED / "bench-corpus" / "html"
    if not folder.is_dir():
        return
    for page in sorted(folder.glob("*.html.gz")):
        yield f"bench/{page.name[:16]}", None, lambda page=page: gzip.decompress(page.read_bytes())


def _vectors() -> Iterator[tuple[str, Path | None, Reader]]:
    lines = VECTORS.read_text("utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.strip() and not line.startswith("#"):
            yield f"xss/{number}", None, lambda line=line: line.encode("utf-8")


GROUPS: dict[str, tuple[Callable[[], Iterator[tuple[str, Path | None, Reader]]], Path]] = {
    "fixtures": (_fixtures, REPO / "fixtures"),
    "corpus": (lambda: _posts(SHARED / "corpus" / "sina", "corpus"), SHARED / "corpus" / "sina"),
    "heldout": (lambda: _posts(TESTS / "heldout", "heldout"), TESTS / "heldout"),
    "bench": (_bench, SHARED / "bench-corpus" / "html"),
    "xss": (_vectors, VECTORS),
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def digests_of(data: bytes, case: Path | None) -> dict[str, str]:
    """The SHA-256 of each format's output for ``data`` (of the error, if refused)."""
    rules = None
    url = None
    if case is not None:
        from test_fixtures import _rules, settings_of  # the fixture test's case.toml reading

        rules, url = _rules(case), settings_of(case).url
    try:
        cleaned = clean_document(data, rules=rules, path="input", url=url)
    except CleanHtmlError as exc:
        return {"error": _sha(f"{type(exc).__name__}: {exc}")}
    found = {}
    for to in FORMATS:
        # cleaned for the format, as the command line does (the rules whose edits cannot
        # show in it left out): the same output as with every rule applied
        output = render(clean_document(data, rules=rules, path="input", url=url, to=to), to)
        assert output == render(cleaned, to), f"{to}: cleaning for the format changed it"
        found[to] = _sha(output)
    return found


def compute(group: str) -> dict[str, dict[str, str]]:
    """Digests of every input of ``group`` (a key of :data:`GROUPS`)."""
    inputs, _ = GROUPS[group]
    return {name: digests_of(read(), case) for name, case, read in inputs()}


def _stored() -> dict[str, dict[str, dict[str, str]]]:
    stored: dict[str, dict[str, dict[str, str]]] = json.loads(DIGESTS.read_text("utf-8"))
    return stored


@pytest.mark.parametrize("group", list(GROUPS))
def test_outputs_unchanged(group: str) -> None:
    """Each output's digest is the stored one; no input is missing or new."""
    _, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    expected = _stored()[group]
    got = compute(group)
    changed = sorted(name for name in got.keys() & expected.keys() if got[name] != expected[name])
    detail = [
        f"{name}: {', '.join(k for k in got[name] if got[name][k] != expected[name].get(k))}"
        for name in changed
    ]
    assert not changed, "outputs changed (see tests/test_digests.py):\n" + "\n".join(detail)
    assert sorted(got) == sorted(expected), "inputs added or removed: regenerate the digests"


def main() -> int:
    """Rewrite the digest file from the current code; print what changed."""
    sys.path.insert(0, str(TESTS))
    old = _stored() if DIGESTS.exists() else {}
    new = dict(old)
    for group, (_, folder) in GROUPS.items():
        if not folder.exists():
            print(f"{group}: {folder} not found; kept as stored", file=sys.stderr)
            continue
        new[group] = compute(group)
        before = old.get(group, {})
        for name in sorted(new[group].keys() | before.keys()):
            a, b = before.get(name), new[group].get(name)
            if a != b:
                what = "added" if a is None else "removed" if b is None else "changed"
                formats = (
                    ""
                    if a is None or b is None
                    else ": " + ", ".join(k for k in b.keys() | a.keys() if a.get(k) != b.get(k))
                )
                print(f"{what} {name}{formats}")
    DIGESTS.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
