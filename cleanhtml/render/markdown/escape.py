"""Markdown rendering: escaping text, URLs and code spans where Markdown would read markup."""

from __future__ import annotations

import re
import unicodedata

# --- characters ----------------------------------------------------------------------

ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# An "&" that would start a reference: a named one (CommonMark needs the ";") or any
# numeric one, with or without ";" (HTML parsers read "&#1" as U+0001, so cleaning the
# Markdown again as HTML would change it).
_ENTITY = re.compile(r"&(?:#[0-9]|#[xX][0-9a-fA-F]|[A-Za-z][A-Za-z0-9]{1,31};)")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?]|$)")
_BAD_SCHEME = re.compile(r"^\s*(?:javascript|vbscript|file|data):", re.I)
_GOOD_DATA = re.compile(r"^\s*data:image/(?:gif|png|jpeg|webp);", re.I)
_URL_UNSAFE = re.compile(r"[\x00-\x20<>\x7f]")  # percent-encoded in a destination
_URL_ESCAPE = re.compile(r"[\\()]")  # backslash-escaped in a destination
_LANGUAGE = re.compile(r"(?:^|\s)(?:language|lang)-([\w+#.-]+)")


def _space(char: str | None) -> bool:
    """CommonMark's Unicode whitespace; ``None`` (a line edge) counts as whitespace."""
    return char is None or char in "\t\n\v\f\r" or unicodedata.category(char) == "Zs"


def _punct(char: str | None) -> bool:
    """CommonMark's punctuation: ASCII punctuation or Unicode categories P and S."""
    return char is not None and (
        char in ASCII_PUNCT or unicodedata.category(char).startswith(("P", "S"))
    )


def _left_flanking(before: str | None, after: str | None) -> bool:
    return not _space(after) and (not _punct(after) or _space(before) or _punct(before))


def _right_flanking(before: str | None, after: str | None) -> bool:
    return not _space(before) and (not _punct(before) or _space(after) or _punct(after))


def _escape_char(char: str, before: str | None, after: str | None, text: str, i: int) -> str:
    if char in "`[]":
        return "\\" + char
    if char == "\\":
        return "\\\\" if after is None or after in ASCII_PUNCT else char
    if char in "*~_":
        if before is None or after is None:
            return "\\" + char  # markup may be next to it: always escape
        if _space(before) and _space(after):
            return char  # between spaces: neither opens nor closes emphasis
        intraword = not (_space(before) or _punct(before) or _space(after) or _punct(after))
        return char if char == "_" and intraword else "\\" + char
    if char == "<":
        return "&lt;" if after is None or _TAG_START.match(text, i) else char
    if char == "&":
        return "&amp;" if _ENTITY.match(text, i) else char
    return char


_COLLAPSIBLE = " \t\n\r\f"  # the whitespace HTML collapses (not U+3000, not NBSP)
_SPECIAL = frozenset("`[]\\*~_<&")
_SPECIAL_RE = re.compile(r"[`\[\]\\*~_<&]")


def escape(text: str) -> str:
    """Escape ``text`` where Markdown would read it as markup, and nowhere else.

    The edges of ``text`` are treated as unknown neighbours (markup may follow), so a
    ``*`` there is always escaped; inside, ``a * b`` and ``snake_case`` stay as they are.
    """
    if not _SPECIAL_RE.search(text):
        return text
    out = []
    last = len(text) - 1
    for i, char in enumerate(text):
        if char in _SPECIAL:
            before = text[i - 1] if i > 0 else None
            after = text[i + 1] if i < last else None
            out.append(_escape_char(char, before, after, text, i))
        else:
            out.append(char)
    return "".join(out)


# Line starts that would begin a block: a heading, a bullet or ordered item, a block
# quote, a setext underline or thematic break, a table's delimiter row. ("*", "_",
# "~", "`", "[" and "<" at a line start are escaped already.)
# (A delimiter row is a line of only " \t|:-" holding a "-" and a "|": said with
# lookaheads and a possessive run, as "[ \t|:-]*-[ \t|:-]*$" tried every "-" of a
# long row. Each "(?:-[ \t]*)" starts at a "-" the blanks before it cannot hold.)
_LINE_START = re.compile(  # noqa: DUO138 — linear: see the comment above
    r"(?:#{1,6}|[-+]|\d{1,9}[.)])(?=[ \t]|$)|>|[=-]+[ \t]*$|(?:-[ \t]*){3,}$"
    r"|(?=[^|]*\|)(?=[^-]*-)[ \t|:-]*+$"
)


def _escape_line_start(line: str) -> str:
    """Escape the character that would make ``line`` start a block (``1.`` -> ``1\\.``)."""
    if not _LINE_START.match(line):
        return line
    at = len(line) - len(line.lstrip("0123456789"))
    if line[at] in "|:":
        at = line.index("-")
    return line[:at] + "\\" + line[at:]


def _unreference(match: re.Match[str]) -> str:
    """A reference kept as text in a destination or title: ``\\&copy;``, ``&amp;#1``.

    A numeric one takes ``&amp;``: behind a backslash, ``&#1`` would still be a
    reference to an HTML reader.
    """
    ref = match.group(0)
    return "&amp;" + ref[1:] if ref[1] == "#" else "\\" + ref


def _destination(url: str, title: str | None = None) -> str:
    """A link destination (and title) in parentheses, escaped for Markdown."""
    url = _URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", url.strip())
    url = _URL_ESCAPE.sub(r"\\\g<0>", url)
    url = _ENTITY.sub(_unreference, url)
    if title is None or not title.strip():
        return f"({url})"
    title = " ".join(title.split())
    title = _ENTITY.sub(_unreference, title.replace("\\", "\\\\").replace('"', '\\"'))
    title = title.replace("<", "&lt;")  # after: this "&lt;" must stay a reference
    return f'({url} "{title}")'


def _code_span(code: str) -> str:
    if not code:
        return ""
    if _TAG_START.search(code) or _ENTITY.search(code):  # as HTML: its content is Markdown
        return "<code>" + escape(code) + "</code>"
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * (longest + 1)
    pad = code[0] == "`" or code[-1] == "`" or (code[0] == code[-1] == " " and code.strip(" "))
    return f"{fence} {code} {fence}" if pad else f"{fence}{code}{fence}"


def _url_ok(url: str, *, image: bool) -> bool:
    return bool(url) and (not _BAD_SCHEME.match(url) or (image and bool(_GOOD_DATA.match(url))))
