"""Front matter: where a post's YAML block ends, kept as raw text; the newline style."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

_OPENING = re.compile(  # noqa: DUO138 — linear: anchored, each repeat ends at its own \n
    r"\A(?:[ \t]*\r?\n)*+---[ \t]*\r?\n"
)


_CLOSING_LINE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.M)


@functools.cache
def _yaml_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A line that looks like YAML, and one that holds a key (compiled for the first
    front matter left unclosed). Matched against one line at a time; each alternative
    reads the line once."""
    line = re.compile(
        r"[ \t]*(?:#.*)?|[ \t]+\S.*|[ \t]*-(?:[ \t].*)?|[^\s:<#-][^:]*:(?:[ \t].*)?|\.\.\.[ \t]*"
    )
    return line, re.compile(r"[^\s:<#-][^:]*:(?:[ \t]|\Z)")


# Where a YAML quoted scalar may open on a line: after indentation and list dashes,
# right away or after a ``key:`` (see _quote_start; one pattern for it backtracked
# quadratically on a line of dashes).
_LIST_LEAD = re.compile(r"[ \t]*(?:-[ \t]+)*+")


_QUOTE_AFTER_KEY = re.compile(r""":[ \t]+(["'])""")
_CLOSED_SCALAR = re.compile(r"""[A-Za-z_][\w-]*:[ \t]+(?:'[^']*'|"[^"\\]*")[ \t]*""")
"""A whole line ``key: 'value'`` (or ``"value"``, nothing escaped) whose quote opens
and closes on it: what :func:`_quote_start` and :func:`_closes` find there, told by one
match (a post's title, image and thumbnail lines are such)."""
_LEADS = (" ", "\t", "-")
"""What a line starts with when ``_LIST_LEAD`` matches some of it."""
_BLANKS = (" ", "\t")


def _closes(rest: str, quote: str) -> bool:
    """True when the YAML quoted scalar open at the start of ``rest`` (one line) ends
    on it: a ``'`` that is not one of a doubled pair ``''``, or a ``"`` not escaped by
    a backslash (what ``(?:[^']|'')*+'(?!')`` and ``(?:[^"\\]|\\.)*+"`` match, found
    with ``str.find``: several times cheaper than the patterns, which read every
    character in Python's regex engine). Each search starts after the previous one.
    """
    if quote == "'":
        at = rest.find("'")
        while at >= 0 and rest.startswith("''", at):
            at = rest.find("'", at + 2)
        return at >= 0
    closing = rest.find('"')
    at = 0
    while closing >= 0:
        slash = rest.find("\\", at, closing)
        if slash < 0:
            return True  # nothing escapes it
        at = slash + 2  # the escaped character, maybe this quote, is skipped
        if at > closing:
            closing = rest.find('"', at)
    return False


def _quote_start(line: str) -> tuple[str, int] | None:
    """The quote that opens a YAML quoted scalar on ``line``, and where its text starts.

    What ``^[ \\t]*(?:-[ \\t]+)*(?:[^\\s'"#][^#]*?:[ \\t]+)?(["'])`` matches, in one
    pass: after the indentation and list dashes, a quote, or a key (not starting with
    whitespace, a quote or ``#``; no ``#`` in it) then ``:``, blanks and a quote. The
    key may also start at the last list dash (``- : "x"``), as the pattern's
    backtracking allowed; every earlier dash gives the same candidates.
    """
    start = 0
    if line[:1] in _LEADS:  # (else the pattern matches nothing: most keys start a line)
        lead = _LIST_LEAD.match(line)
        start = lead.end() if lead else 0
    first = line[start : start + 1]
    if first in ("'", '"'):
        return first, start + 1
    if first and not first.isspace() and first != "#":
        found = _quote_after_key(line, start + 1)
        if found:
            return found
    dash = line.rfind("-", 0, start)
    return _quote_after_key(line, dash + 1) if dash >= 0 else None


def _quote_after_key(line: str, start: int) -> tuple[str, int] | None:
    """The first ``:`` at or after ``start`` (before any ``#``) followed by blanks and a quote."""
    comment = line.find("#", start)
    end = len(line) if comment < 0 else comment
    colon = line.find(":", start, end)
    while colon >= 0:
        # (a colon followed by no blank, as in a URL, is no key's: the pattern fails)
        match = (
            _QUOTE_AFTER_KEY.match(line, colon) if line[colon + 1 : colon + 2] in _BLANKS else None
        )
        if match:
            return match.group(1), match.end()
        colon = line.find(":", colon + 1, end)
    return None


def _open_quote_after(text: str, start: int, end: int, quote: str | None) -> str | None:
    """The YAML quote left open after ``text[start:end]`` (whole lines), given the one
    open before it (None when none is)."""
    for line in text[start:end].splitlines():
        rest = line
        if quote is None:
            if "'" not in line and '"' not in line:
                continue  # no quote to open
            if _CLOSED_SCALAR.fullmatch(line):
                continue  # opened and closed on the line
            found = _quote_start(rest)
            if not found:
                continue
            quote, rest = found[0], rest[found[1] :]
        if _closes(rest, quote):
            quote = None
    return quote


def _unclosed_front_matter(text: str, start: int) -> int | None:
    """Where an unclosed front-matter block ends, if its lines all look like YAML.

    It ends before the first line that starts with ``<`` (the HTML body), or at the
    end of the text. ``None`` when some line does not look like YAML.
    """
    markup = re.compile(r"^[ \t]*<", re.M).search(text, start)
    end = markup.start() if markup else len(text)
    lines = text[start:end].splitlines()
    yaml_line, yaml_key = _yaml_patterns()
    if not any(yaml_key.match(line) for line in lines):
        return None
    if all(yaml_line.fullmatch(line) for line in lines):
        return end
    return None


def _closing_lines(text: str, start: int) -> Iterator[re.Match[str]]:
    """What ``_CLOSING_LINE.finditer(text, start)`` finds, for ``start`` just after a
    ``\n`` (the opening line's): its ``^`` matches there or after a ``\n``, so the
    pattern is tried only where ``---`` starts a line (found with ``str.find``; the
    regex engine tests each character of the text for a ``^``)."""
    at = start
    while True:
        if not text.startswith("---", at):
            found = text.find("\n---", at)
            if found < 0:
                return
            at = found + 1
        match = _CLOSING_LINE.match(text, at)
        if match is None:
            at += 3  # (no line starts inside the dashes)
        else:
            yield match
            at = match.end()


def split_front_matter(text: str) -> tuple[str, str]:
    """Split ``text`` into (raw front matter, body). No front matter gives ``("", text)``.

    A block opens with a ``---`` line (blank lines before it allowed) and closes with
    the next ``---`` line that is not inside a quoted YAML string spanning lines (a
    ``---`` line inside quotes is not valid YAML, but scrapers write it). When the
    quotes never balance, the first ``---`` line closes it, as in Jekyll and Hexo.
    A block that never closes is front matter up to the first line starting with
    ``<`` if every line before it looks like YAML (``key: value``, ``- item``,
    indented lines, comments); otherwise it is not front matter and the whole text
    is the body, so nothing is dropped.
    """
    opening = _OPENING.match(text)
    if not opening:
        return "", text
    start = opening.end()
    first: int | None = None
    # the lines are read once: each candidate continues from the previous one
    quote: str | None = None
    scanned = start
    for close in _closing_lines(text, start):
        if first is None:
            first = close.end()
        quote = _open_quote_after(text, scanned, close.start(), quote)
        scanned = close.start()
        if quote is None:
            return text[: close.end()], text[close.end() :]
    if first is not None:
        return text[:first], text[first:]
    end = _unclosed_front_matter(text, start)
    if end is None:
        return "", text
    return text[:end], text[end:]


def detect_newline(text: str) -> str:
    """The newline style of ``text``: that of its first line break (``\\n`` if none)."""
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    return "\n"
