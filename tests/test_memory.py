"""Loading a large input: its text is let go while libxml2 builds the tree, and its bytes
while it is cleaned; a large output is streamed (issue 16).

A UTF-8 body of :data:`cleanhtml.document.LET_GO_CHARS` characters or more is parsed
from its bytes alone: :func:`cleanhtml.parse.parse` decodes it for the checks before
the parse and forgets the text before libxml2 builds the tree (decoding it again only
for a rare repair after the parse). With the threshold at 0 every input takes that
way; its outputs must be the stored ones (tests/test_digests.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from test_digests import GROUPS, _stored, digests_of

from cleanhtml import document
from cleanhtml.cleaned import Cleaned
from cleanhtml.parse import parse
from cleanhtml.rule import Context, Rule


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_input_parsed_from_its_bytes_alone_gives_the_same_outputs(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    expected = _stored()[group]
    for index, (name, case, read) in enumerate(inputs()):
        if group == "bench" and index % 3:
            continue  # every third real page (they are large: a few seconds each round)
        assert digests_of(read(), case) == expected[name], name


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>a</p><style>p { }\n<p>b</p>\n<div>c</div>",  # swallowed: parsed again
        "<html><body>" + "<div>" * 3000 + "x" + "</div>" * 3000,  # too deep: flattened
        "<p>a</p><textarea>\n<p>b</p>",
        "   \n",
        "<!doctype html><html><body><p>é</p></body></html>\n\n",
    ],
)
def test_parse_from_bytes_alone_matches_parse_from_text(markup: str) -> None:
    from lxml import etree

    notes: list[str] = []
    root, fragment, doctype = parse(markup, repairs=notes)
    raw_notes: list[str] = []
    raw_root, raw_fragment, raw_doctype = parse(None, repairs=raw_notes, raw=markup.encode())
    assert (fragment, doctype, notes) == (raw_fragment, raw_doctype, raw_notes)
    assert etree.tostring(root) == etree.tostring(raw_root)
    if "<style>" in markup or "<div>" * 3000 in markup:  # the paths that read the text again
        assert any(note.startswith(("closed an unterminated", "flattened")) for note in notes)


def test_a_large_page_keeps_what_follows_its_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    page = b"<html><body><p>x</p></body></html>\n\n<!-- after -->\n"
    normal = document.load(page)
    monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    large = document.load(page)
    assert large.trailing == normal.trailing and large.body is None
    assert document.dump(large, edited=True) == document.dump(normal, edited=True)


def test_the_tree_formats_never_read_the_input() -> None:
    """The stdout path drops the input before rendering them (runner.TREE_FORMATS)."""
    from test_digests import _fixtures

    from cleanhtml.api import clean_document, render
    from cleanhtml.runner import TREE_FORMATS

    for name, _, read in _fixtures():
        data = read()
        for to in sorted(TREE_FORMATS):
            expected = render(clean_document(data), to)
            cleaned = clean_document(data)
            cleaned.ctx.needles, cleaned.doc.source = None, b""
            assert render(cleaned, to) == expected, (name, to)


# --- the input let go while it is cleaned (Handed) -------------------------------------


def _outputs(cleaned: Cleaned) -> dict[str, str]:
    from test_digests import FORMATS, _sha

    from cleanhtml.api import render

    return {to: _sha(render(cleaned, to)) for to in FORMATS}


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_input_let_go_while_it_is_cleaned_gives_the_same_outputs(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every input handed over and let go (the threshold at 0, read in pieces of 4 KiB,
    read again for what needs it after cleaning) gives its stored outputs."""
    from test_digests import _sha
    from test_fixtures import _rules, settings_of

    from cleanhtml import parse as parse_module
    from cleanhtml.api import clean_document
    from cleanhtml.errors import CleanHtmlError

    inputs, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    monkeypatch.setattr(parse_module, "CHUNK_BYTES", 4096)
    expected = _stored()[group]
    let_go = 0
    for index, (name, case, read) in enumerate(inputs()):
        if group == "bench" and index % 3 != 1:
            continue  # every third real page (not the third the test above takes)
        data = read()
        rules = _rules(case) if case is not None else None
        url = settings_of(case).url if case is not None else None
        try:
            cleaned = clean_document(
                document.Handed(data, lambda data=data: data), rules=rules, path="input", url=url
            )
        except CleanHtmlError as exc:
            assert expected[name] == {"error": _sha(f"{type(exc).__name__}: {exc}")}, name
            continue
        let_go += not cleaned.doc.held
        assert _outputs(cleaned) == expected[name], name
    # (posts, with front matter, keep their input: their body may be Markdown)
    assert let_go or group in ("corpus", "heldout"), "no input was let go"


def _large_page(size: int) -> bytes:
    """Real post bodies (the fixtures') repeated into one page of ``size`` bytes or more."""
    from test_digests import _fixtures

    bodies = []
    for name, _, read in _fixtures():
        body = read().split(b"\n---", 2)[-1]
        if "sina" in name and b"\xe4" in body and _utf8(body):
            bodies.append(body)
    body = b"".join(bodies)
    return b"<html><body>" + body * (size // len(body) + 1) + b"</body></html>"


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _probe(seen: list[int]) -> Rule:
    import tracemalloc

    def probe(root: etree._Element, ctx: Context) -> int:
        """Notes the Python memory in use (a test's probe)."""
        seen.append(tracemalloc.get_traced_memory()[0])
        return 0

    return Rule("T901", "probe-memory", "test", "notes the Python memory in use", probe)


@pytest.mark.parametrize("diff", [False, True])
def test_the_one_file_path_holds_no_input_while_it_cleans(
    diff: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI's one-file path (runner.process_file, as a worker calls it) lets a large
    input go before the rules run: Python holds less than half its size then (the
    census, the rules' lists: about a third here), where its bytes, or its text, would
    be all of it (with --diff, which reads the input whole, they are held, and the
    probe sees them)."""
    import tracemalloc

    from cleanhtml.config import Settings
    from cleanhtml.runner import process_file

    path = tmp_path / "big.html"
    data = _large_page(3 << 20)
    path.write_bytes(data)
    size = len(data)
    del data
    settings = Settings(to="html", diff=diff)
    seen: list[int] = []
    rules = (_probe(seen), *settings.rules(), _probe(seen))
    pieces: list[bytes] = []
    tracemalloc.start()
    try:
        result = process_file(str(path), settings, rules=rules, on_output=pieces.append)
    finally:
        tracemalloc.stop()
    assert result.error is None and len(seen) == 2
    if diff:
        assert min(seen) > size  # held: the probe can tell
    else:
        assert max(seen) < size // 2, (seen, size)
        assert result.output is None and b"".join(pieces)  # streamed (below)


@pytest.mark.parametrize("to", ["html", "text"])
def test_a_large_output_is_streamed_as_it_is_made(to: str, tmp_path: Path) -> None:
    """For standard output, a large input's html or text output goes to ``on_output``
    in pieces (a worker sends them on) and is the output made whole; a small one comes
    whole."""
    from cleanhtml.config import Settings
    from cleanhtml.runner import STREAM_BYTES, process_file

    settings = Settings(to=to)
    big, small = tmp_path / "big.html", tmp_path / "small.html"
    big.write_bytes(_large_page(STREAM_BYTES))
    small.write_bytes(_large_page(1)[: 64 << 10] + b"</body></html>")
    for path in (big, small):
        pieces: list[bytes] = []
        streamed = process_file(str(path), settings, on_output=pieces.append)
        whole = process_file(str(path), settings)
        assert whole.output is not None and whole.status == "cleaned"
        if path is big:
            assert streamed.output is None and len(pieces) > 1
            assert b"".join(pieces) == whole.output
            assert streamed.bytes_out == whole.bytes_out == len(whole.output)
        else:
            assert pieces == [] and streamed.output == whole.output


@pytest.mark.parametrize("to", ["html", "text"])
def test_the_command_line_prints_a_streamed_output_whole_and_in_order(
    to: str, tmp_path: Path
) -> None:
    """Through the forked worker (a time limit is set): two large files and a small one,
    each printed whole, in order, with the separator between them."""
    import subprocess
    import sys

    from cleanhtml.config import Settings
    from cleanhtml.runner import process_file

    files = []
    for name, size in (("a.html", 2 << 20), ("b.html", 1), ("c.html", 3 << 20)):
        path = tmp_path / name
        path.write_bytes(_large_page(size).replace(b"<body>", f"<body><p>{name}</p>".encode()))
        files.append(str(path))
    run = subprocess.run(
        [sys.executable, "-m", "cleanhtml", "-t", to, "--timeout", "60", *files],
        capture_output=True,
        check=True,
    )
    settings = Settings(to=to)
    from cleanhtml.render import FORMATS

    outputs = []
    for file in files:
        output = process_file(file, settings).output
        assert output is not None
        outputs.append(output if output.endswith(b"\n") else output + b"\n")  # (as cli.py)
    assert run.stdout == FORMATS[to].separator.join(outputs)


def test_a_let_go_input_is_read_again_and_must_be_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An untouched document gives its input back as it came, read again; bytes that
    changed meanwhile are refused, never written."""
    from cleanhtml.errors import InputError

    monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    page = b"<html><body><p>a</p></body></html>\n"
    reads = [page, page.replace(b"a", b"b")]
    doc = document.load(document.Handed(bytes(page), lambda: reads.pop(0)))
    assert not doc.held and doc.size == len(page) and doc.is_input(page)
    assert document.dump(doc, edited=False) == page
    with pytest.raises(InputError, match="changed while it was being cleaned"):
        document.dump(doc, edited=False)
    assert doc.lead(9) == b"<html><bo"


@pytest.mark.parametrize(
    "markup",
    [
        "<html><body><p>a</p><style>p { }\n<p>b</p>\n<div>c</div>",  # swallowed: read again
        "<html><body>" + "<div>" * 3000 + "x" + "</div>" * 3000,  # too deep: read again
        "<p>a</p><textarea>\n<p>b</p>",  # read again
        "<p>é" + "中" * 5000 + "</p>",
        "<!doctype html><html><body><p>é</p></body></html>\n\n",
    ],
)
def test_parse_from_pieces_matches_parse_from_text(
    markup: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lxml import etree

    from cleanhtml import parse as parse_module
    from cleanhtml.parse import Chunks

    monkeypatch.setattr(parse_module, "CHUNK_BYTES", 7)  # pieces cut inside characters
    notes: list[str] = []
    root, fragment, doctype = parse(markup, repairs=notes)
    raw = markup.encode()
    again: list[bytes] = []
    pieces = Chunks(raw, lambda: again.append(raw) or raw)
    piece_notes: list[str] = []
    piece_root, piece_fragment, piece_doctype = parse(None, repairs=piece_notes, raw=pieces)
    assert (fragment, doctype, notes) == (piece_fragment, piece_doctype, piece_notes)
    assert etree.tostring(root) == etree.tostring(piece_root)
    if "<div>" * 3000 not in markup:  # (libxml2 stops reading one too deep)
        assert not pieces.pieces  # all read, none held
    # read again only by the repairs after the parse (a raw-text element left open, depth)
    assert bool(again) == any(x in markup for x in ("<style>", "<textarea>", "<div>" * 3000))


@pytest.mark.parametrize("group", ["fixtures", "corpus", "heldout", "xss"])
def test_text_made_a_few_blocks_at_a_time_is_the_text_made_at_once(
    group: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks made from the gathered text at every block edge (PIECE_CHARS at 1), and
    written a block at a time, give every input's stored text output."""
    from test_digests import _sha
    from test_fixtures import _rules, settings_of

    from cleanhtml.api import clean_document
    from cleanhtml.errors import CleanHtmlError
    from cleanhtml.render import text

    inputs, folder = GROUPS[group]
    if not folder.exists():
        pytest.skip(f"{folder} not found")
    monkeypatch.setattr(text, "PIECE_CHARS", 1)
    expected = _stored()[group]
    for name, case, read in inputs():
        rules = _rules(case) if case is not None else None
        url = settings_of(case).url if case is not None else None
        try:
            cleaned = clean_document(read(), rules=rules, path="input", url=url)
        except CleanHtmlError:
            continue
        assert _sha(text.render(cleaned)) == expected[name]["text"], name
        pieces: list[bytes] = []
        text.write_text(cleaned.doc, pieces.append)
        assert _sha(b"".join(pieces).decode("utf-8")) == expected[name]["text"], name


def _file_runs(tmp: Path, monkeypatch: pytest.MonkeyPatch, let_go: bool) -> list[object]:
    """What -i, -o, --check (html and text) do to three files: an edited page, a page
    only the tree rewrites whose output is its input (an SVG makes it written from the
    tree: not rewritten) and the same page with an error (not written)."""
    import os
    import stat

    from cleanhtml.config import Settings
    from cleanhtml.runner import process_file

    if let_go:
        monkeypatch.setattr(document, "LET_GO_CHARS", 0)
    pages = {
        "edited.html": b"<html><body><p>a<!-- x --></p>" + b"<p>b</p>" * 3000 + b"</body></html>",
        "same.html": b"<html><body><svg></svg>" + b"<p>b</p>" * 3000 + b"</body></html>",
    }
    seen: list[object] = []
    for options in (
        {"in_place": True},
        {"output_dir": "out"},
        {"output_dir": "out"},  # again: the outputs are there already
        {"check": True},
        {"to": "text", "output_dir": "text"},
    ):
        for name, page in pages.items():
            folder = tmp / ("go" if let_go else "held")
            folder.mkdir(exist_ok=True)
            path = folder / name
            path.write_bytes(page)  # (as it was: -i rewrote it)
            os.chmod(path, 0o640)
            before = path.stat()
            chosen = {**options}
            if "output_dir" in chosen:
                chosen["output_dir"] = folder / str(chosen["output_dir"])
            settings = Settings(cache=True, **chosen)  # type: ignore[arg-type]
            result = process_file(str(path), settings)
            assert result.error is None, result.error
            after = path.stat()
            rewritten = (before.st_ino, before.st_mtime_ns) != (after.st_ino, after.st_mtime_ns)
            output = None
            if result.destination is not None:
                written = Path(result.destination)
                output = (written if written.is_absolute() else path).read_bytes()
            fields = (result.status, result.bytes_out, result.written, result.cached)
            seen.append((name, options, fields, rewritten, output, stat.S_IMODE(after.st_mode)))
    return seen


def test_a_let_go_input_is_written_as_if_its_output_were_made_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """-i, -o and --check of a document whose input was let go stream its output to the
    file as it is made: same statuses, sizes, files, modes and cache entries as with
    the output made whole; a page whose output is its input is not rewritten."""
    held = _file_runs(tmp_path, monkeypatch, let_go=False)
    let_go = _file_runs(tmp_path, monkeypatch, let_go=True)
    assert let_go == held
    same_in_place = [run for run in held if run[0] == "same.html" and "in_place" in run[1]]
    assert same_in_place and not same_in_place[0][3]  # (not rewritten)
    assert not list(tmp_path.rglob("*.tmp"))
