"""Bytes in, bytes out: a scraped file as front matter + HTML tree + encoding + newline style.

A file is one of three kinds:

* a **post**: a YAML front-matter block (``---`` ... ``---``, blank lines before it
  allowed) followed by an HTML body (Hexo/Jekyll posts made from RSS feeds);
* a **fragment**: an HTML snippet with no ``<html>``/``<body>``; it stays a fragment;
* a **page**: a whole document; its doctype, ``<html>``, ``<head>`` and ``<body>`` are kept.

The front matter is kept as raw text and written back byte for byte. The body is
parsed once with libxml2's HTML parser. When no rule edits the tree, :func:`dump`
returns the input bytes unchanged (lxml re-serialization is not byte-stable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from cleanhtml.errors import InputError

_FRONT_MATTER = re.compile(
    r"\A((?:[ \t]*\r?\n)*---[ \t]*\r?\n(?:.*?\r?\n)??---[ \t]*(?:\r?\n|\Z))", re.S
)
_PAGE_START = re.compile(r"<!doctype|<html[\s>]|<head[\s>]|<body[\s>]", re.I)
_DOCTYPE = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<!doctype", re.I | re.S)
_UNCLOSED_COMMENT = "<!--"

_PARSER = etree.HTMLParser(huge_tree=True, no_network=True)

_FRAGMENT_OPEN = "<html><body>"
_FRAGMENT_CLOSE = "</body></html>"


@dataclass(eq=False)
class Document:
    """A loaded input. ``root`` is ``<body>`` for fragments and posts, ``<html>`` for pages."""

    source: bytes
    front_matter: str
    body: str
    root: etree._Element
    is_fragment: bool
    encoding: str = "utf-8"
    newline: str = "\n"
    bom: bool = False
    has_doctype: bool = False
    trailing: str = ""
    repairs: list[str] = field(default_factory=list)

    @property
    def tree_root(self) -> etree._Element:
        """The element rules search from: ``<body>`` of a fragment, ``<html>`` of a page."""
        return self.root


def split_front_matter(text: str) -> tuple[str, str]:
    """Split ``text`` into (raw front matter, body). No front matter gives ``("", text)``.

    A block that opens with ``---`` but never closes is not front matter: the whole
    text is the body (nothing is dropped, and the user sees it in the output).
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return "", text
    return match.group(1), text[match.end() :]


def detect_newline(text: str) -> str:
    """The newline style of ``text``: that of its first line break (``\\n`` if none)."""
    index = text.find("\n")
    if index > 0 and text[index - 1] == "\r":
        return "\r\n"
    return "\n"


def decode(data: bytes, *, encoding: str | None = None) -> tuple[str, str, bool]:
    """Decode ``data`` to (text, encoding name, had BOM)."""
    if encoding:
        try:
            return data.decode(encoding), encoding, False
        except (LookupError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot decode as {encoding}: {exc}") from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8", True
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid UTF-8 (byte {exc.start}); use --encoding") from None


def _close_unterminated_comment(body: str, repairs: list[str]) -> str:
    """Close a ``<!--`` that never ends, at the end of its line.

    libxml2 (like a browser) would turn everything after it into one comment, and the
    comment rule would then delete the rest of the article.
    """
    start = body.rfind(_UNCLOSED_COMMENT)
    if start < 0 or body.find("-->", start + 4) >= 0:
        return body
    end = body.find("\n", start)
    end = len(body) if end < 0 else end
    repairs.append("closed an unterminated comment")
    return body[:end] + "-->" + body[end:]


def parse(body: str, *, repairs: list[str]) -> tuple[etree._Element, bool, bool]:
    """Parse ``body`` to (root, is_fragment, has_doctype)."""
    body = _close_unterminated_comment(body, repairs)
    if _PAGE_START.search(body):
        root = etree.fromstring(body, _PARSER) if body.strip() else None
        if root is None:
            root = etree.fromstring("<html></html>", _PARSER)
        return root, False, bool(_DOCTYPE.match(body))
    html = etree.fromstring(_FRAGMENT_OPEN + body + _FRAGMENT_CLOSE, _PARSER)
    container = html.find("body")
    if container is None:  # libxml2 always creates <body> for this input; be safe
        container = etree.SubElement(html, "body")
    return container, True, False


def load(data: bytes, *, encoding: str | None = None) -> Document:
    """Read ``data`` into a :class:`Document`."""
    text, encoding_name, bom = decode(data, encoding=encoding)
    front_matter, body = split_front_matter(text)
    newline = detect_newline(text)
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    repairs: list[str] = []
    root, is_fragment, has_doctype = parse(body, repairs=repairs)
    trailing = "" if is_fragment else body[len(body.rstrip()) :]
    return Document(
        source=data,
        front_matter=front_matter,
        body=body,
        root=root,
        is_fragment=is_fragment,
        encoding=encoding_name,
        newline=newline,
        bom=bom,
        has_doctype=has_doctype,
        trailing=trailing,
        repairs=repairs,
    )


def serialize_body(doc: Document) -> str:
    """The cleaned body as HTML text with ``\\n`` newlines."""
    if doc.is_fragment:
        html = etree.tostring(doc.root, encoding="unicode", method="html")
        if html.startswith("<body>") and html.endswith("</body>"):
            return html[6:-7]
        if html == "<body></body>" or html == "<body/>":
            return ""
        # <body> gained attributes from the input: keep the children only
        inner = [doc.root.text or ""]
        inner += [etree.tostring(c, encoding="unicode", method="html") for c in doc.root]
        return "".join(inner)
    tree = doc.root.getroottree()
    if doc.has_doctype:
        return etree.tostring(tree, encoding="unicode", method="html") + doc.trailing
    parts = []
    sibling = doc.root.getprevious()
    while sibling is not None:
        parts.append(etree.tostring(sibling, encoding="unicode", method="html", with_tail=False))
        sibling = sibling.getprevious()
    parts.reverse()
    parts.append(etree.tostring(doc.root, encoding="unicode", method="html"))
    return "\n".join(parts) + doc.trailing


def to_text(doc: Document) -> str:
    """The whole cleaned document (front matter + body) as text in its newline style."""
    body = serialize_body(doc)
    if doc.newline != "\n":
        body = body.replace("\n", doc.newline)
    return doc.front_matter + body


def dump(doc: Document, *, edited: bool) -> bytes:
    """Bytes to write back: the input unchanged when nothing was edited, else UTF-8."""
    if not edited and not doc.repairs:
        return doc.source
    data = to_text(doc).encode("utf-8")
    return b"\xef\xbb\xbf" + data if doc.bom else data
