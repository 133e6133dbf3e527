"""Stray control characters are cleaned, not refused; every ``on*`` attribute goes.

Issue 12, points 5 and 6. Scraped text and XSS payloads carry a few C0 control
characters; they are dropped as browsers drop them from what they show (tab, line
feed, carriage return and form feed stay), and ``-v`` says so. Only what really is
binary is refused: a file signature, bytes no encoding reads, NUL bytes or control
bytes in a share no text has.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleanhtml
from cleanhtml.api import clean_document, render
from cleanhtml.cli import main
from cleanhtml.errors import InputError

CONTROLS = "".join(chr(c) for c in (*range(0x01, 0x09), 0x0B, *range(0x0E, 0x20)))
"""The C0 controls dropped (NUL aside): all but tab, LF, FF and CR."""


def _article_with_controls(count: int) -> bytes:
    """Some 2 KB of article markup with ``count`` stray controls in its first KB (where
    the binary check looks)."""
    words = ["<p>正文第", "段，", "这是文章内容。</p>\n"] * 40
    picks = random.Random(count)
    for index in range(count):
        words.insert(picks.randrange(30), CONTROLS[index % len(CONTROLS)])
    return "".join(words).encode("utf-8")


@pytest.mark.parametrize("count", [1, 8, 20, 40])
def test_stray_controls_are_dropped_not_refused(count: int) -> None:
    data = _article_with_controls(count)
    assert len(data) > 1024 and data.find(b"</p>", 1024) > 0
    cleaned = clean_document(data)
    html, text = render(cleaned, "html"), render(cleaned, "text")
    assert not any(char in html or char in text for char in CONTROLS)
    expected = data.decode("utf-8").translate({ord(c): None for c in CONTROLS})
    assert html == expected
    assert f"removed {count} control character" in " ".join(cleaned.doc.repairs)


def test_tab_newline_and_carriage_return_stay() -> None:
    assert cleanhtml.clean(b"<pre>a\tb\r\nc</pre>\x01") == "<pre>a\tb\r\nc</pre>"


def test_verbose_says_control_characters_were_dropped(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(_article_with_controls(20))
    result = CliRunner().invoke(main, ["--no-config", "-v", "-t", "text", str(page)])
    assert result.exit_code == 0, result.stderr
    assert "note: removed 20 control characters" in result.stderr
    assert "正文第" in result.stdout and not any(c in result.stdout for c in CONTROLS)
    quiet = CliRunner().invoke(main, ["--no-config", "-t", "text", str(page)])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_controls_cannot_hide_a_handler_or_a_script_url() -> None:
    """Dropping a control joins what it split; the safety rules see the joined name."""
    data = b'<img src=x on\x01error="alert(1)"><a href="java\x02script:alert(1)">go</a>' * 5
    html = cleanhtml.clean(data)
    assert "onerror" not in html and "javascript" not in html and "alert" not in html
    assert html.count("<a>go</a>") == 5


_PICK = random.Random(7)
BINARY = {
    "nul-heavy": b"<p>" + b"\x00" * 16 + b"text</p>" * 100,
    "control-dense": bytes(_PICK.choice(b"\x01\x02\x03\x04\x05abc<>") for _ in range(2048)),
    "random": random.Random(4).randbytes(4096),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "gzip": bytes.fromhex("1f8b0800000000000003") + b"<p>x</p>" * 20,
}


@pytest.mark.parametrize("kind", sorted(BINARY))
def test_binary_files_are_still_refused(kind: str) -> None:
    with pytest.raises(InputError, match=r"^binary file \(.+\), not HTML$"):
        clean_document(BINARY[kind])


HANDLER_NAMES = [
    "onload",
    "ONCLICK",
    "OnMouseOver",
    "onload!#$%&()*~+-_.,:;?@[",
    "on:x",
    "onerror:y",
    "on-x",
    "on_",
    "on",
]


@pytest.mark.parametrize("name", HANDLER_NAMES)
def test_every_attribute_named_on_anything_goes(name: str) -> None:
    html = cleanhtml.clean(f'<p {name}="alert(1)" title="t">x</p>')
    assert html == '<p title="t">x</p>', name


def test_attributes_merely_containing_on_stay() -> None:
    html = '<p data-on="1" x-onclick="2" title="on">x</p>'
    assert cleanhtml.clean(html, select=["safety"]) == html
