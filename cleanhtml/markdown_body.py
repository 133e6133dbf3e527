"""Markdown posts: clean the raw HTML inside a CommonMark body, copy every other byte.

Most Hexo/Jekyll/Hugo posts are Markdown holding a little HTML. Parsing such a body as
HTML would rewrite its code samples and delete ``<!-- more -->``; this module cleans
only what CommonMark itself reads as raw HTML.

**Which bodies are Markdown.** Only a *post* (a document with front matter) or a file
named ``*.md``/``*.markdown`` can be one. Its body is cleaned as HTML, as before, when
its first non-blank line starts with ``<`` and CommonMark reads it as an HTML block (or
as no HTML at all: a tag it rejects, such as ``<img onerror=`x`>``, is broken HTML, which
a browser would still run), and it holds no construct only Markdown has outside its
HTML blocks: a fenced code block, a heading, a list, a block quote, a
thematic break, a table, a code span, a link or an image, or a Hexo/Jekyll/Hugo tag
line (``{% ... %}``, ``{{< ... >}}``). Every other body is Markdown. (Feed posts are one
HTML document: their first line is ``<div>`` or ``<p>`` and nothing in them is
Markdown-only, so they come out as before. Indented lines after a blank line, which
CommonMark reads as code, are not evidence: HTML documents indent their markup and CSS.)

**How the HTML is found.** markdown-it-py (CommonMark, plus GFM tables) parses the
body. An ``html_block`` token's source lines come from its ``map``; an ``html_inline``
token's offset is recorded as the inline parser meets it and mapped back to the
source through its paragraph's lines. A span is kept only when the source bytes at
the computed place are exactly the token's text, so a mapping mistake leaves HTML
alone rather than damaging anything else. HTML inside a tag plugin that holds code
(``{% codeblock %}``, ``{% highlight %}``, ``{% code %}``, ``{% comment %}``, Hugo's
``{{< highlight >}}``) is not touched; HTML inside ``{% raw %}`` / ``{% verbatim %}``
is cleaned like any other (those only stop the template engine: their HTML reaches
the page), the tags themselves kept; in display math (``$$ ... $$``) only a tag a
safety rule would act on is touched, its ``<`` written ``&lt;`` (see
``defuse_pseudo_tags``). Liquid/Hugo tags inside HTML (``<a href="{{ site.url }}">``) are kept
as they are where they are inert: where a browser, reading their characters as
markup, reads the same elements and attribute names around them (an unclosed
``on{{click=...`` or ``title="{{" onclick=... x="}}"`` is read as HTML, by the rules too).

**How it is cleaned: one shadow document.** Inline HTML comes in pieces
(``<span style=x>``, the text, ``</span>``), and a block can open in one HTML block
and close in another with Markdown between them. So the whole body becomes one HTML
document in which every stretch that is not raw HTML (text, code, blank lines, tag
plugins) is replaced by an opaque placeholder: a private-use delimiter, its number,
and its text escaped (so the rules see CJK text, and an element holding Markdown is
not empty). The rules run on that document once, as on any HTML. It is then split at
the placeholders; each stretch of HTML between two placeholders is compared with the
same stretch of the document parsed without the rules: unchanged stretches keep
their source bytes, changed ones take the cleaned markup, and every placeholder gives
back its original bytes. When libxml2 had to repair the shadow (it drops a misplaced
``<body onload=...>``; SVG and MathML it reads unlike a browser), every stretch takes
the cleaned markup, as an HTML document is then written from its tree; a tag cut off
at the end of an HTML block (which would join the Markdown after it) is dropped, as
at the end of a file. A placeholder that disappeared went with the element that
held it (a ``<div class="ad">`` wrapping Markdown). A changed stretch never gains a
blank line it did not have (that would end an HTML block and turn the next indented
line into code), an HTML block that is emptied goes with its lines, and a stretch
that ended a line still ends it. If the placeholders cannot be found again in order
(or the cleaned HTML would make code of other text), the body is left as it was and a
warning says so, except the stretches of HTML the safety rules change read alone:
their ``<`` are written ``&lt;``. A raw-text element left open
(``<script>`` in prose, an HTML block ``<style>`` never closed) is closed at the end
of its stretch, so removing it takes no Markdown with it. Such a block, which
CommonMark would run to the end of the document, ends at its first blank line in our
reading (see :func:`_html_block`): what follows is Markdown, with its own HTML blocks
(another unclosed ``<script>`` too) and its code, and is read so by every step.

**Boilerplate paragraphs.** Scraped posts converted to Markdown carry the same
footers as HTML ones, so the rules that remove whole blocks by their text
(``removes_text``: the editor credit, promo lines, ``drop-text`` rules) also look at
each top-level Markdown paragraph, rendered to HTML; a paragraph they remove whole
goes with its lines. A paragraph they would only shorten is kept.

**Output.** ``-t html`` writes the cleaned post (front matter and Markdown);
``-t markdown`` the same, so cleaning it again changes nothing; ``-t text`` and
``-t json`` read the cleaned Markdown rendered to HTML, so they carry the text, not
the markup characters.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cleanhtml import document

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline
    from markdown_it.token import Token

    from cleanhtml.cleaned import Cleaned
    from cleanhtml.document import Document
    from cleanhtml.rule import Rule

# in document, so that the cleaner asks it before importing this module
from cleanhtml.document import MARKDOWN_SUFFIXES

_OPEN, _MID, _CLOSE = "\ue000", "\ue002", "\ue001"
_TOKEN = "cleanhtmlliquid"  # ASCII: lxml URL-escapes other characters in href/src
_DELIMITERS = (_OPEN, _MID, _CLOSE, _TOKEN)

# Sound shortcut: without any of these, no Markdown-only construct can be present. Cheap
# substring tests first, then only lines starting with a marker character are matched.
_MARKER_LINE = r"\n {0,3}[#>\-+*|~=_\[0-9]"  # a literal start: a fast search
_MARKDOWN_LINE = (  # a line opening with a marker (every alternative starts with one)
    r" {0,3}(?:#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|[0-9]{1,9}[.)](?:[ \t]|$)|~~~|\|"
    r"|\[[^\]\n]*\]:|=+[ \t]*$|(?:_[ \t]*){3,}$|(?:-[ \t]*){3,}$|(?:\*[ \t]*){3,}$)"
)
"""The patterns of Markdown-only lines, compiled when first used (:func:`_text_patterns`,
:func:`_byte_marker`, :func:`_byte_line`): the line pattern costs ~2.8M instructions to
compile, as much as a post's whole cleaning, and most posts (HTML bodies) never need it."""


@functools.cache
def _text_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """:data:`_MARKER_LINE` and :data:`_MARKDOWN_LINE`, compiled for text."""
    return (
        re.compile(_MARKER_LINE),
        re.compile(_MARKDOWN_LINE, re.M),  # noqa: DUO138 — linear: repeats start at a marker; reads one line
    )


@functools.cache
def _tag_start() -> re.Pattern[str]:
    return re.compile(r"</?[A-Za-z]")


@functools.cache
def _tag_line() -> re.Pattern[str]:
    return re.compile(r"^ {0,3}(?:\{%|\{\{<|\{\{%)", re.M)


_MARKDOWN_BLOCKS = frozenset(
    {
        "fence", "heading_open", "bullet_list_open", "ordered_list_open",
        "blockquote_open", "hr", "table_open",
    }
)  # fmt: skip
_MARKDOWN_INLINE = frozenset({"code_inline", "link_open", "image"})

# Tag plugins whose content is code or literal text. Inside one, other tags are text.
_CODE_TAGS = ("raw", "codeblock", "code", "highlight", "comment", "verbatim", "include_code")
# Of those, the ones that only stop the template engine: what they hold still goes to the
# Markdown engine (Jekyll renders Liquid first, then Markdown), so HTML in them reaches the
# page as HTML and is cleaned like any other; the tags themselves keep their bytes.
_TEMPLATE_ONLY_TAGS = frozenset({"raw", "verbatim"})


class _Patterns:
    """The patterns of Markdown posts, compiled when the first body is read as Markdown
    (an HTML body never needs them, and compiling them costs about as much as cleaning
    a post)."""

    def __init__(self) -> None:
        self.placeholder = re.compile(
            "\ue000([0-9]+)\ue002[^\ue001]*\ue001|" + _TOKEN + "([0-9]+)x"
        )
        self.one_tag = re.compile(r"\{[{%][^\n]*[}%]\}\Z")
        self.raw_open = re.compile(
            r"<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)(?=[\s/>])", re.I
        )
        self.blank_run = re.compile(r"\n(?:[ \t]*\n)+")
        self.blank_line = re.compile(r"\n[ \t]*\n")
        self.liquid_open = re.compile(r"\{%-?\s*(end)?(" + "|".join(_CODE_TAGS) + r")\b")
        self.hugo_open = re.compile(r"\{\{[<%]\s*(/)?\s*(highlight|code|raw)\b")
        # CommonMark's end of a raw block, and the element's own end
        self.raw_closer = re.compile(r"</(?a:script|pre|style|textarea)>", re.I)
        self.own_closer = re.compile(r"</(?a:(script|pre|style|textarea))", re.I)
        self.raw_block = re.compile(r"<(?a:(script|pre|style|textarea))(?=\s|>|$)", re.I)


@functools.cache
def _patterns() -> _Patterns:
    return _Patterns()


@functools.lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """CommonMark with raw HTML and GFM tables; ``html_inline`` tokens know their offset."""
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline.html_inline import html_inline

    md = MarkdownIt("commonmark", {"html": True}).enable("table")

    def positioned(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not html_inline(state, silent):
            return False
        if not silent:
            state.tokens[-1].meta["pos"] = start
        return True

    md.inline.ruler.at("html_inline", positioned)
    md.block.ruler.at("html_block", _html_block, {"alt": ["paragraph", "reference", "blockquote"]})
    return md


class _RawEnds:
    """Where raw blocks can end in one parse: the lines holding CommonMark's closer
    (``</pre>`` ends a ``<script>`` block too) and each element's own ``</name``,
    found in one scan of the source, so each block asks in logarithmic time."""

    def __init__(self, src: str) -> None:
        import bisect  # (here and below: a post whose body is HTML needs none of it)

        starts = [0]
        position = src.find("\n")
        while position >= 0:
            starts.append(position + 1)
            position = src.find("\n", position + 1)
        self.closers = sorted(
            {
                bisect.bisect_right(starts, m.start()) - 1
                for m in _patterns().raw_closer.finditer(src)
            }
        )
        self.own: dict[str, list[int]] = {}
        for match in _patterns().own_closer.finditer(src):
            line = bisect.bisect_right(starts, match.start()) - 1
            found = self.own.setdefault(match.group(1).lower(), [])
            if not found or found[-1] != line:
                found.append(line)
        self.outdent: dict[tuple[int, int, str], tuple[int, int, bool]] = {}

    @staticmethod
    def after(lines: list[int], line: int) -> int | None:
        """The first of the sorted ``lines`` at or after ``line``."""
        import bisect

        index = bisect.bisect_left(lines, line)
        return lines[index] if index < len(lines) else None

    def first_outdent(self, state: StateBlock, start: int, stop: int) -> int:
        """The first line in ``[start, stop)`` that is not blank and less indented than
        the block (it ends the block's container), else ``stop``. Remembered per
        container, so blocks after one another in it scan each line once."""
        key = (state.blkIndent, state.lineMax, state.parentType)
        first, reached, hit = self.outdent.get(key, (start, start, False))
        if not first <= start <= reached:
            first, reached, hit = start, start, False
        if hit:
            return min(reached, stop)
        line = reached
        while line < stop:
            if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
                self.outdent[key] = (first, line, True)
                return line
            line += 1
        self.outdent[key] = (first, max(line, reached), False)
        return stop


def _html_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """CommonMark's HTML block, except that a ``<script>``, ``<pre>``, ``<style>`` or
    ``<textarea>`` block whose element is never closed in it (CommonMark runs it to the
    end of the document) ends at its first blank line, as other HTML blocks do: what
    follows is read as Markdown, further HTML blocks and code included. Where the
    element can end is looked up (:class:`_RawEnds`), never scanned for, so many such
    blocks take linear time."""
    from markdown_it.rules_block.html_block import html_block

    position = state.bMarks[start] + state.tShift[start]
    line_end = state.eMarks[start]
    opener = _patterns().raw_block.match(state.src, position, line_end)
    if (
        silent
        or opener is None
        or state.is_code_block(start)
        or _patterns().raw_closer.search(state.src, position, line_end)
    ):
        return html_block(state, start, end, silent)
    # the line after the last one the block takes: its blank line, as CommonMark ends
    # it before one (an outdented line, a closer line), or its CommonMark end
    line = start + 1
    while line < end:
        if state.isEmpty(line):
            break
        if state.sCount[line] < state.blkIndent:
            return html_block(state, start, end, silent)  # ends here in CommonMark too
        text_start = state.bMarks[line] + state.tShift[line]
        if _patterns().raw_closer.search(state.src, text_start, state.eMarks[line]):
            return html_block(state, start, end, silent)  # closed before a blank line
        line += 1
    if line < end:  # a blank line: does the element end within CommonMark's block?
        ends = state.env.get("cleanhtml_raw_ends")
        if not isinstance(ends, _RawEnds):
            ends = state.env["cleanhtml_raw_ends"] = _RawEnds(state.src)
        own = ends.after(ends.own.get(opener.group(1).lower(), []), start)
        closer = ends.after(ends.closers, line)
        limit = end if closer is None else min(end, closer + 1)
        if own is not None and own < limit:
            stop = ends.first_outdent(state, line, limit)
            if own < stop:
                return html_block(state, start, end, silent)  # CommonMark's block is closed
    state.line = line
    token = state.push("html_block", "", 0)
    token.map = [start, line]
    token.content = state.getLines(start, line, state.blkIndent, True)
    return True


_TOKENS: dict[str, tuple[Token, ...]] = {}
"""Tokens of the texts of the post being cleaned (emptied when a post starts and ends)."""


def _parse(body: str) -> tuple[Token, ...]:
    """The tokens of ``body``, parsed once however many steps of one post ask."""
    tokens = _TOKENS.get(body)
    if tokens is None:
        tokens = _TOKENS[body] = tuple(parser().parse(body))
    return tokens


def is_candidate(doc: Document, path: str | None) -> bool:
    """True when ``doc`` may be a Markdown post: it has front matter, or a Markdown name."""
    return bool(doc.front_matter) or bool(path and path.lower().endswith(MARKDOWN_SUFFIXES))


def _first_line(body: str) -> str:
    """The first non-blank of the first 50 lines (the 51st piece is the rest of
    ``body``), else ``body`` without its leading whitespace: what
    ``body.split("\n", 50)`` gives, without copying the body into lines."""
    start = 0
    for _ in range(50):
        end = body.find("\n", start)
        if end < 0:
            break
        if not body[start:end].isspace() and end > start:
            return body[start:end]
        start = end + 1
    rest = body[start:]
    return rest if rest.strip() else body.lstrip()


def _may_be_markdown(body: str) -> bool:
    """False when ``body`` cannot hold a Markdown-only construct (C-level scans)."""
    # one-character searches first: they are a memchr each, two-character ones are not
    if "`" in body or ("]" in body and ("](" in body or "][" in body)):
        return True
    if "{" in body and ("{%" in body or "{{" in body):
        return True
    marker, line = _text_patterns()
    if line.match(body):
        return True
    return any(line.match(body, m.start() + 1) for m in marker.finditer(body))


# :data:`_MARKER_LINE` and :data:`_MARKDOWN_LINE` for UTF-8 bytes: their classes are
# ASCII, and no byte of a multi-byte character is ASCII, so they match the bytes of a
# text where they match the text.


@functools.cache
def _byte_marker() -> re.Pattern[bytes]:
    return re.compile(_MARKER_LINE.encode("ascii"))


@functools.cache
def _byte_line() -> re.Pattern[bytes]:
    return re.compile(_MARKDOWN_LINE.encode("ascii"), re.M)  # noqa: DUO138 — linear: as _text_patterns


def _opens_with_marker(raw: bytes) -> bool:
    """False when :data:`_MARKDOWN_LINE` cannot match at the start of ``raw``: each of
    its alternatives opens (after up to three spaces) with a character of the marker
    class, as :data:`_MARKER_LINE` spells it after its newline."""
    return _byte_marker().match(b"\n" + raw[:4].lstrip(b" ")[:1]) is not None


def _html_for_sure(loaded: Document) -> bool:
    """True when :func:`is_markdown` would answer False for ``loaded``'s body at its
    first checks (its first line a tag, no Markdown-only construct), told from the
    input's UTF-8 bytes: a Chinese post's body is not decoded for it (about a tenth
    of the cost of parsing the post). False when that cannot be told so (the text is
    then read as before): a body repaired or re-encoded, holding ``\r`` or an XML
    declaration, or whose first line is not a tag."""
    if loaded.body is not None or loaded.with_references is not None:
        return False
    raw = loaded.source[loaded.body_start :]
    # (``int in bytes`` is a memchr; ``bytes in bytes`` formats a TypeError first, as
    # it tries its needle as an int: ``find`` for the longer needles)
    if 0x0D in raw:  # \r
        return False
    start = 0
    for _ in range(50):  # as _first_line reads it, one line decoded at a time
        end = raw.find(b"\n", start)
        if end < 0:
            return False
        first = raw[start:end].decode("utf-8")
        if end > start and not first.isspace():
            break
        start = end + 1
    else:
        return False
    stripped = first.lstrip(" ")
    if not stripped.startswith("<") or len(first) - len(stripped) > 3:
        return False
    if first.lstrip()[:5].lower() == "<?xml":
        return False  # the body read follows the declaration
    # _may_be_markdown, on the bytes
    if 0x60 in raw or (0x5D in raw and (raw.find(b"](") >= 0 or raw.find(b"][") >= 0)):
        return False  # ` ] (see above)
    if 0x7B in raw and (raw.find(b"{%") >= 0 or raw.find(b"{{") >= 0):  # {
        return False
    # the line pattern compiled only for a line that opens with a marker
    if _opens_with_marker(raw) and _byte_line().match(raw):
        return False
    for match in _byte_marker().finditer(raw):  # (a loop: a generator costs more)
        if _byte_line().match(raw, match.start() + 1):
            return False
    return True


def is_markdown(body: str, tokens: Sequence[Token] | None = None) -> bool:
    """True when ``body`` is Markdown, False when it is one HTML document (see the module doc)."""
    first = _first_line(body)
    if not first.lstrip(" ").startswith("<") or len(first) - len(first.lstrip(" ")) > 3:
        return bool(body.strip())
    if not _may_be_markdown(body):
        return False
    if _tag_line().search(body):
        return True
    tokens = _parse(body) if tokens is None else tokens
    if not tokens or tokens[0].type not in ("html_block", "paragraph_open"):
        return True
    if tokens[0].type == "paragraph_open":
        children = tokens[1].children or []
        # a first tag CommonMark rejects is broken HTML, which browsers still read
        return not (
            children and children[0].type == "text" and _tag_start().match(children[0].content)
        )
    for token in tokens:
        if token.type in _MARKDOWN_BLOCKS:
            return True
        if token.type == "inline" and any(
            child.type in _MARKDOWN_INLINE for child in token.children or ()
        ):
            return True
    return False


# --- where the raw HTML is -------------------------------------------------------------


class _Lines:
    """The body's lines (split at ``\\n`` only, as markdown-it splits them) and offsets."""

    def __init__(self, body: str) -> None:
        self.text = body.split("\n")
        self.starts = [0]
        for line in self.text[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)
        self.cursor: dict[int, int] = {}


def _block_spans(token: Token, lines: _Lines) -> list[tuple[int, int]]:
    """The source spans of an HTML block: each line's part after its container prefix."""
    assert token.map is not None
    content = token.content
    parts = content.split("\n")
    if content.endswith("\n"):
        parts.pop()
    spans = []
    for index, part in enumerate(parts):
        number = token.map[0] + index
        if number >= min(token.map[1], len(lines.text)):
            return []
        line = lines.text[number]
        if not line.endswith(part):
            return []
        start = lines.starts[number] + len(line) - len(part)
        end = lines.starts[number] + len(line)
        if number + 1 < len(lines.text) and (index + 1 < len(parts) or content.endswith("\n")):
            end += 1  # the newline ends the HTML block's line
        spans.append((start, end))
    return spans


def _inline_offsets(token: Token, lines: _Lines) -> list[tuple[int, int]] | None:
    """(offset in the token's content, offset in the body) of each content line."""
    assert token.map is not None
    parts = token.content.split("\n")
    offsets = []
    position = 0
    for index, part in enumerate(parts):
        number = token.map[0] + index
        if number >= len(lines.text):
            return None
        line = lines.text[number]
        if index < len(parts) - 1:
            if not line.endswith(part):
                return None
            column = len(line) - len(part)
        else:
            column = line.find(part, lines.cursor.get(number, 0)) if part else len(line)
            if column < 0:
                return None
            lines.cursor[number] = column + len(part)
        offsets.append((position, lines.starts[number] + column))
        position += len(part) + 1
    return offsets


def _inline_spans(token: Token, body: str, lines: _Lines) -> list[tuple[int, int]]:
    children = [c for c in token.children or () if c.type == "html_inline" and "pos" in c.meta]
    if not children or token.map is None:
        return []
    offsets = _inline_offsets(token, lines)
    if offsets is None:
        return []
    spans = []
    line = 0
    for child in sorted(children, key=lambda c: int(c.meta["pos"])):
        pos = child.meta["pos"]
        while line + 1 < len(offsets) and offsets[line + 1][0] <= pos:
            line += 1  # the children come in order: the line only moves on
        base_content, base_source = offsets[line]
        start = base_source + pos - base_content
        end = start + len(child.content)
        if body[start:end] == child.content:  # else leave it alone: never guess
            spans.append((start, end))
    return spans


def _protected(body: str) -> list[tuple[int, int]]:
    """Spans of tag plugins that hold code (``{% highlight %}`` ... ``{% endhighlight %}``,
    ``{% codeblock %}``, ``{% comment %}``, Hugo's ``{{< highlight >}}``...).

    Inside such a tag, and inside ``{% raw %}`` / ``{% verbatim %}``, other tags are text
    (``{% raw %}{% highlight %}{% endraw %}``), so only its own end tag closes it; one
    never closed runs to the end of the body. A ``raw`` or ``verbatim`` span is not
    protected: it only stops the template engine, and the HTML in it reaches the page.
    """
    spans: list[tuple[int, int]] = []
    for pattern, closer in ((_patterns().liquid_open, "%}"), (_patterns().hugo_open, "}}")):
        current: str | None = None
        start = 0
        for match in pattern.finditer(body):
            closing, name = match.group(1), match.group(2)
            if current is None and not closing:
                current, start = name, match.start()
            elif current is not None and closing and name == current:
                end = body.find(closer, match.end())
                if current not in _TEMPLATE_ONLY_TAGS:
                    spans.append((start, len(body) if end < 0 else end + 2))
                current = None
        if current is not None and current not in _TEMPLATE_ONLY_TAGS:
            spans.append((start, len(body)))
    return spans


def _display_math(body: str) -> list[tuple[int, int]]:
    """Spans of display math, ``$$ ... $$`` (its ``<`` and ``>`` are not tags)."""
    spans = []
    position = body.find("$$")
    while position >= 0:
        end = body.find("$$", position + 2)
        if end < 0:
            break
        spans.append((position, end + 2))
        position = body.find("$$", end + 2)
    return spans


def _outside(
    spans: list[tuple[int, int]], protected: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The sorted ``spans`` that overlap none of the sorted ``protected`` spans (one sweep)."""
    kept = []
    index = 0
    reach = -1  # the furthest end among protected spans starting before the current span
    for start, end in spans:
        while index < len(protected) and protected[index][0] < end:
            reach = max(reach, protected[index][1])
            index += 1
        # a protected span starting before this one's end overlaps it if it ends after
        # its start; those starting earlier are all summed up in reach
        if reach <= start:
            kept.append((start, end))
    return kept


_MAX_TEMPLATE_TAGS = 32
"""Template tags judged in one stretch of HTML; one holding more is read as HTML whole
(each judgement parses the stretch: this bounds the work per stretch)."""


def _without_liquid(start: int, end: int, body: str) -> list[tuple[int, int]]:
    """``(start, end)`` minus the Liquid/Hugo tags in it (``{{ ... }}``, ``{% ... %}``)
    that are inert there.

    A tag is left out of the HTML (and its bytes kept) only where it cannot change
    how a browser, which reads its characters as they are, reads the markup around
    it: the stretch must parse to the same elements and attribute names with the tag
    as written as with a plain token in its place. An opener that
    is not the start of such a tag (never closed in the stretch, as in
    ``<div on{{click=...>``, or closed where it would hide markup, as in
    ``<div title="{{" onclick="alert(1)" x="}}">``) is text, read as HTML by the
    rules, as a browser reads it; the search for tags goes on after it. A stretch
    of HTML the rules do not change keeps its bytes, tags and all.
    """
    pieces = []
    tags: list[tuple[int, int]] = []
    literal: list[tuple[str, tuple[str, ...]]] | None = None
    position = start  # where the HTML after the last tag left out starts
    search = start  # where the next opener is looked for
    ahead = {"{{": -1, "{%": -1}  # the next place of each opener, looked for once per pass
    judged = 0
    while search < end:
        for mark, at in ahead.items():
            if at != end and at < search:
                found = body.find(mark, search, end)
                ahead[mark] = end if found < 0 else found
        mark, at = min(ahead.items(), key=lambda item: item[1])
        if at == end:
            break
        closer = body.find("}}" if mark == "{{" else "%}", at + 2, end)
        if closer < 0:
            break  # no opener after this one closes either: the rest is HTML
        judged += 1
        if judged > _MAX_TEMPLATE_TAGS:
            return [(start, end)]
        if literal is None:
            literal = _shape(body[start:end])
        if literal is None or literal != _shape(
            _tokenized(body, start, end, [*tags, (at, closer + 2)])
        ):
            search = at + 2  # not a tag here: text, and the search goes on after it
            continue
        if at > position:
            pieces.append((position, at))
        tags.append((at, closer + 2))
        position = search = closer + 2
    if position < end:
        pieces.append((position, end))
    return pieces


def _tokenized(body: str, start: int, end: int, tags: list[tuple[int, int]]) -> str:
    """``body[start:end]`` with each of the template ``tags`` a plain token (as the
    shadow document holds them)."""
    parts: list[str] = []
    position = start
    for number, (at, after) in enumerate(tags):
        parts += (body[position:at], f"{_TOKEN}{number}x")
        position = after
    parts.append(body[position:end])
    return "".join(parts)


def _shape(markup: str) -> list[tuple[str, tuple[str, ...]]] | None:
    """The elements of ``markup`` in document order, each with its attribute names;
    None when lxml refuses the text (a control character)."""
    from lxml import etree

    try:
        root = etree.fromstring(f"<div>{markup}</div>", etree.HTMLParser())
    except (ValueError, etree.LxmlError):
        return None
    if root is None:
        return []
    return [(str(el.tag), tuple(str(name) for name in el.attrib)) for el in root.iter()]


def _commonmark_html(body: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The source spans CommonMark reads as raw HTML (blocks and inline tags), unsorted."""
    lines = _Lines(body)
    spans: list[tuple[int, int]] = []
    for token in tokens:
        if token.type == "html_block" and token.map is not None:
            spans.extend(_block_spans(token, lines))
        elif token.type == "inline":
            spans.extend(_inline_spans(token, body, lines))
    return spans


def html_spans(body: str, tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The merged, ordered source spans of the raw HTML in ``body`` that is cleaned
    (not inside a tag plugin holding code or in display math)."""
    spans = _commonmark_html(body, tokens)
    protected = _protected(body) if "{%" in body or "{{" in body else []
    if "$$" in body:
        protected += _display_math(body)
    spans.sort()
    if protected:
        spans = _outside(spans, sorted(protected))
    if "{{" in body or "{%" in body:
        spans = [piece for span in spans for piece in _without_liquid(*span, body)]
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- cleaning ------------------------------------------------------------------------------


class _Shadow:
    """The body as alternating stretches: ``html[k]`` precedes ``kept[k]``, ``html[-1]`` ends."""

    def __init__(self, body: str, spans: Sequence[tuple[int, int]]) -> None:
        self.body = body
        self.html: list[str] = []
        self.kept: list[str] = []
        self.html_at: list[tuple[int, int]] = []
        position, current, current_at = 0, "", (0, 0)
        for start, end in spans:  # merged: two spans never touch
            if start > position:
                self.html.append(current)
                self.html_at.append(current_at)
                self.kept.append(body[position:start])
            current, current_at, position = body[start:end], (start, end), end
        if position < len(body):
            self.html.append(current)
            self.html_at.append(current_at)
            self.kept.append(body[position:])
            current, current_at = "", (len(body), len(body))
        self.html.append(current)
        self.html_at.append(current_at)

    def bound_attributes(self, notes: list[str]) -> None:
        """Leave out the attributes of a crowded tag after its first few hundred names in
        each stretch of HTML (see :func:`cleanhtml.repairs._bound_attributes`), here
        rather than when the shadow is parsed: a stretch the rules do not change keeps
        its bytes, which must not hold attributes the parsed tree (and so the safety
        rules) never saw."""
        from cleanhtml.repairs import _bound_attributes

        self.html = [_bound_attributes(markup, notes) for markup in self.html]

    def drop_cut_tags(self, notes: list[str]) -> None:
        """Drop a tag cut off at the end of a stretch of HTML (an HTML block ends at a
        blank line: ``<img src=x on`` then ``error=alert(1)>`` as Markdown), as
        :func:`cleanhtml.repairs._drop_cut_tag` drops one at the end of a file. Left
        in, the tag would take the placeholder after it in the shadow document, and
        its bytes would join the Markdown text after it into one tag for a browser
        (``onerror=...``) that the rules never saw."""
        from cleanhtml.repairs import _CUT_TAG

        for index, markup in enumerate(self.html):
            if index < len(self.kept) and _patterns().one_tag.match(self.kept[index]):
                continue  # a template tag inside the tag (<a href="{{ url }}">) goes on
            last = markup.rfind("<")
            match = _CUT_TAG.match(markup, last) if last >= 0 else None
            if match is None or match.group(0).startswith("<!--"):
                continue
            kept = markup[:last]
            if markup.endswith("\n") and kept.strip():
                kept = kept.rstrip(" \t") + ("" if kept.endswith("\n") else "\n")
            elif not kept.strip():
                kept = ""
            self.html[index] = kept
            notes.append("dropped a tag cut off at the end of an HTML block")

    def markup(self) -> str:
        parts = [_closed(self.html[0])]
        for index, kept in enumerate(self.kept):
            if _patterns().one_tag.match(kept):  # a template tag, maybe inside an attribute value
                parts.append(f"{_TOKEN}{index}x")
            else:
                import html  # here: the package loads html.entities, a large table

                escaped = html.escape(kept, quote=True)
                parts.append(f"{_OPEN}{index}{_MID}{escaped}{_CLOSE}")
            parts.append(_closed(self.html[index + 1]))
        return "".join(parts)


def _closed(markup: str) -> str:
    """``markup`` with a raw-text element it leaves open (``<script>`` in prose) closed.

    Left open, the element would take the Markdown after it as its text, and removing
    the element would delete that text. Closed, only the tag goes.
    """
    last = None
    for match in _patterns().raw_open.finditer(markup):
        last = match
    if last is None:
        return _pre_closed(markup)
    if markup.find(">", last.end()) < 0:
        return markup  # none, or the tag itself goes on (a template tag in an attribute)
    name = last.group(1).lower()
    if markup.lower().find(f"</{name}", last.end()) >= 0:
        return markup
    return f"{markup}</{name}>"


def _pre_closed(markup: str) -> str:
    """``markup`` closed with ``</pre>`` when it is an HTML block of whole lines opened
    by a ``<pre>`` it never closes (:func:`_html_block` ended it at its first blank
    line). Left open, the element would take the HTML blocks after it as its content
    when the stretches are parsed together, and the first cleaning would nest them in
    it, which a second cleaning reads differently. An inline ``<pre>`` tag (no newline
    of its own) stays as it is."""
    opener = _patterns().raw_block.match(markup.lstrip(" "))
    if opener is None or opener.group(1).lower() != "pre" or not markup.endswith("\n"):
        return markup
    if markup.lower().find("</pre", opener.end()) >= 0:
        return markup
    return f"{markup}</pre>"


def _split(serialized: str) -> tuple[list[int], list[str]] | None:
    """Placeholder numbers in order, and the markup before each (plus the tail)."""
    numbers: list[int] = []
    gaps: list[str] = []
    position = 0
    for match in _patterns().placeholder.finditer(serialized):
        numbers.append(int(match.group(1) or match.group(2)))
        gaps.append(serialized[position : match.start()])
        position = match.end()
    gaps.append(serialized[position:])
    if any(a >= b for a, b in itertools.pairwise(numbers)):
        return None
    if any(mark in gap for gap in gaps for mark in _DELIMITERS):
        return None
    return numbers, gaps


def _settled_gap(cleaned: str, source: str, body: str, at: int) -> str:
    """A changed stretch of HTML, shaped so the Markdown around it reads the same."""
    if not _patterns().blank_line.search(source):
        cleaned = _patterns().blank_run.sub("\n", cleaned)
    at_line_start = at == 0 or body[at - 1] == "\n"
    if source.endswith("\n") and at_line_start and not cleaned.strip():
        return ""
    if source.endswith("\n") and not cleaned.endswith("\n") and cleaned.strip():
        cleaned += "\n"
    return cleaned


def _reassemble(shadow: _Shadow, before: str, after: str, *, trusted: bool = True) -> str | None:
    """The body with each stretch of HTML the rules changed taken from ``after`` (the
    cleaned shadow), the others kept as written; every stretch from ``after`` when the
    parse is not ``trusted`` (libxml2 repaired it: the source reads otherwise in a
    browser)."""
    split_before, split_after = _split(before), _split(after)
    if split_before is None or split_after is None:
        return None
    numbers_before, gaps_before = split_before
    numbers, gaps = split_after
    if numbers_before != list(range(len(shadow.kept))):
        return None
    out: list[str] = []
    tail = ""  # the last two characters of "".join(out), kept as it grows (emptied
    # blocks add empty parts: looking back past them would be quadratic)
    previous = -1
    for number, gap in [*zip(numbers, gaps, strict=False), (len(shadow.kept), gaps[-1])]:
        emptied = line_emptied = False
        if trusted and number == previous + 1 and gaps_before[number] == gap:
            out.append(shadow.html[number])
            tail = (tail + shadow.html[number][-2:])[-2:]
        else:
            start = shadow.html_at[previous + 1][0]
            end = shadow.html_at[number][1]
            source = shadow.body[start:end]
            settled = _settled_gap(gap, source, shadow.body, start)
            line_start = start == 0 or shadow.body[start - 1] == "\n"
            whole_lines = source.endswith("\n") and line_start
            emptied = whole_lines and not settled  # a block gone with its lines
            # inline HTML that was all its line (<ins class="sinaads">…</ins>) went: the
            # line goes too, not left blank (which would split a paragraph in two)
            line_emptied = line_start and not whole_lines and not settled
            out.append(settled)
            tail = (tail + settled[-2:])[-2:]
        if number < len(shadow.kept):
            kept = shadow.kept[number]
            if line_emptied and kept.startswith("\n"):
                kept = kept[1:]  # the emptied line's own newline
                emptied = tail.endswith("\n\n") or previous == -1
            if emptied and (tail.endswith("\n\n") or previous == -1):
                kept = kept[1:] if kept.startswith("\n") else kept  # its separating blank line
            elif emptied and not kept.startswith("\n"):
                kept = "\n" + kept  # the block ended what came before: a blank line still does
            out.append(kept)
            tail = (tail + kept[-2:])[-2:]
        previous = number
    return "".join(out)


_PASSES = 4
"""How many times a body is cleaned at most, each after raw HTML was written as text."""


def _clean_html(
    body: str, tokens: Sequence[Token], rules: Sequence[Rule], options: dict[str, Any]
) -> tuple[str, Cleaned | None, list[str]]:
    """The body with its raw HTML cleaned; the shadow's result; notes (a warning if
    given up).

    When the raw HTML could not be cleaned in place and a piece of it was written as
    text instead (see :func:`_defused`), the body is cleaned again: with that piece
    text, the rest of its HTML usually can be, and a second run of cleanhtml would
    do it (not idempotent otherwise)."""
    notes: list[str] = []
    for _ in range(_PASSES):
        new, cleaned, found = _clean_html_once(body, tokens, rules, options)
        if cleaned is not None and new != body:  # cleaned: an earlier give-up is undone
            notes = [note for note in notes if not note.startswith(_LEFT_AS_IT_WAS)]
        notes += found
        if cleaned is not None or new == body:
            return new, cleaned, notes
        body, tokens = new, _parse(new)
    return body, None, notes


def _clean_html_once(
    body: str, tokens: Sequence[Token], rules: Sequence[Rule], options: dict[str, Any]
) -> tuple[str, Cleaned | None, list[str]]:
    """One cleaning of the body's raw HTML (see :func:`_clean_html`)."""
    from cleanhtml.cleaned import clean_html

    spans = html_spans(body, tokens)
    if not spans:
        return body, None, []
    shadow = _Shadow(body, spans)
    notes: list[str] = []
    shadow.bound_attributes(notes)
    shadow.drop_cut_tags(notes)
    markup = shadow.markup()
    cleaned = clean_html(markup.encode("utf-8"), rules=rules, markers=True, **options)
    if not cleaned.edited and not notes:
        return body, cleaned, []
    after = _inner_markup(cleaned.doc)
    before = _inner_markup(document.load(markup.encode("utf-8")))
    # a repair of the parse (a misplaced <body onload=...> dropped, SVG read unlike a
    # browser...) means libxml2 read the markup otherwise than a browser reads its bytes:
    # as the plain path rewrites such a document from its tree, so are its stretches
    # (a text repair, a control character dropped, makes no markup out of the bytes)
    parse_repairs = [note for note in cleaned.doc.repairs if not note.startswith(_TEXT_REPAIRS)]
    result = _reassemble(shadow, before, after, trusted=not parse_repairs)
    notes.extend(parse_repairs)
    if result is None:
        return _defused(shadow, cleaned, rules, options, "its pieces could not be told apart")
    code, before_code = _code(_parse(result)), _code(tokens)
    kept_all = len(_split(after)[0]) == len(shadow.kept)  # type: ignore[index]
    if code != before_code if kept_all else not _is_subsequence(code, before_code):
        # code must stay code: all of it, unless an element holding some went. A cleaned
        # block that no longer reads as HTML (a stray </div> went from its first line),
        # or a removed block that no longer ends a list, would change it: keep the source
        return _defused(shadow, cleaned, rules, options, "cleaning it would make code")
    return result, cleaned, notes


_LEFT_AS_IT_WAS = "markdown: raw HTML left as it was"


def _defused(
    shadow: _Shadow,
    cleaned: Cleaned,
    rules: Sequence[Rule],
    options: dict[str, Any],
    reason: str,
) -> tuple[str, None, list[str]]:
    """The body with its raw HTML left as it was, when its ``cleaned`` shadow cannot be
    put back (``reason``), except a stretch of HTML the safety rules (or a parse
    repair) would change read alone: its ``<`` are written ``&lt;``, so it reads as
    the text it is in Markdown and as no markup in a browser. Kept as it was, its
    bytes would carry what the rules found (``<img onerror=...>``). The stretches
    are read alone only when the shadow's cleaning found such a thing."""
    from cleanhtml.cleaned import clean_html

    safety = [rule for rule in rules if rule.group == "safety"]
    html = list(shadow.html)
    unit: list[int] = []  # stretches joined by template tags: one piece of markup
    defused = 0
    names = {rule.name for rule in safety}
    unsafe = any(name in names for name in cleaned.edits) or any(
        not note.startswith(_TEXT_REPAIRS) for note in cleaned.doc.repairs
    )
    written: list[int] = []  # the pieces written as text
    from cleanhtml.rules.markup import KEEP_COMMENTS

    keep = (*KEEP_COMMENTS, *options.get("keep_comments", ()))
    for index in range(len(html) if unsafe else 0):
        unit.append(index)
        if index < len(shadow.kept) and _patterns().one_tag.match(shadow.kept[index]):
            continue
        markup = "".join(
            html[number] + (f"{_TOKEN}{number}x" if number != unit[-1] else "") for number in unit
        )
        if "<" in markup:
            alone = clean_html(
                _closed(markup).encode("utf-8"), rules=safety, markers=True, **options
            )
            repaired = [note for note in alone.doc.repairs if not note.startswith(_TEXT_REPAIRS)]
            if alone.edits or repaired:
                for number in unit:
                    html[number] = _as_text(html[number], keep)
                    written.append(number)
                defused += 1
        unit = []
    body = _joined(shadow, html)
    if written and _code(_parse(body)) != _code(_parse(_joined(shadow, shadow.html))):
        # read as text now, not as an HTML block, a piece made code of its backticks,
        # fences or indentation (a table cell's `<i>`): those are written inertly too
        for number in written:
            html[number] = _inert(html[number])
        body = _joined(shadow, html)
        if _code(_parse(body)) != _code(_parse(_joined(shadow, shadow.html))):
            # a paragraph now, it took the lines after it (an indented code block the
            # HTML block ended before): a blank line ends it where the block ended
            for number in written:
                after = shadow.kept[number] if number < len(shadow.kept) else ""
                if html[number].endswith("\n") and after[:1] not in ("", "\n"):
                    html[number] += "\n"
            body = _joined(shadow, html)
    notes = [f"{_LEFT_AS_IT_WAS} ({reason})"]
    if defused:
        plural = "s" if defused > 1 else ""
        notes.append(f"markdown: wrote {defused} piece{plural} of raw HTML as text (unsafe)")
    return body, None, notes


_MARKER_MAX = 200
"""The longest comment text :func:`_as_text` reads as a generator marker."""


def _as_text(markup: str, keep: Sequence[str]) -> str:
    """``markup`` with its ``<`` written ``&lt;`` (it reads as text), but for the
    generator markers among its comments (``<!-- more -->``, ``keep`` read as
    ``remove-comments`` reads it): a whole comment holding no ``<`` or ``>``,
    which no browser reads as anything but a comment."""
    from cleanhtml.rules.markup import is_kept_text

    out: list[str] = []
    done = 0
    at = markup.find("<!--")
    while at >= 0:
        end = markup.find("-->", at + 4, at + 4 + _MARKER_MAX + 3)
        text = markup[at + 4 : end] if end >= 0 else ""
        if end >= 0 and "<" not in text and ">" not in text and is_kept_text(text, keep):
            out += (markup[done:at].replace("<", "&lt;"), markup[at : end + 3])
            done = end + 3
        at = markup.find("<!--", max(at + 4, done))
    out.append(markup[done:].replace("<", "&lt;"))
    return "".join(out)


def _joined(shadow: _Shadow, html: Sequence[str]) -> str:
    """The body: the pieces of raw HTML ``html`` between the shadow's kept Markdown."""
    out = [html[0]]
    for index, kept in enumerate(shadow.kept):
        out += (kept, html[index + 1])
    return "".join(out)


def _inert(text: str) -> str:
    """``text`` (raw HTML written as text) with what Markdown would read as code written
    as references a browser shows alike: each backtick, the first ``~`` of a line that
    opens with ``~~~`` and the first character of an indented line."""
    lines = text.replace("`", "&#96;").split("\n")
    for number, line in enumerate(lines):
        if line[:1] in (" ", "\t"):
            lines[number] = ("&#32;" if line[0] == " " else "&#9;") + line[1:]
        elif line.startswith("~~~"):
            lines[number] = "&#126;" + line[1:]
    return "\n".join(lines)


def _inner_markup(doc: Document) -> str:
    """The serialized shadow document, without the ``<html><body>`` a page has: a
    Markdown body holding a ``<body>`` or ``<html>`` tag parses as a page, but its
    stretches are pieces of a body, and a stretch rewritten must not gain them."""
    if doc.is_fragment:
        return document.serialize_body(doc)
    from lxml import etree

    parts: list[str] = []
    for part in (doc.root.find("head"), doc.root.find("body")):
        if part is not None:
            parts.append(part.text or "")
            parts += [etree.tostring(child, encoding="unicode", method="html") for child in part]
    return "".join(parts)


def _code(tokens: Sequence[Token]) -> list[str]:
    """The code of ``tokens``: fenced and indented blocks, code spans."""
    found = []
    for token in tokens:
        if token.type in ("fence", "code_block"):
            found.append(token.content)
        found.extend(c.content for c in token.children or () if c.type == "code_inline")
    return found


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    """True when ``part`` is ``whole`` with some items left out (the removed ones)."""
    items = iter(whole)
    return all(any(item == wanted for item in items) for wanted in part)


def _paragraph_text_rules(rules: Sequence[Rule]) -> list[Rule]:
    return [rule for rule in rules if rule.removes_text and rule.name != "keep-article-root"]


def _drop_boilerplate_paragraphs(
    body: str, tokens: Sequence[Token], rules: Sequence[Rule], options: dict[str, Any]
) -> tuple[str, Cleaned | None]:
    """Remove top-level paragraphs the text-removing rules remove whole."""
    from cleanhtml.cleaned import clean_html

    chosen = _paragraph_text_rules(rules)
    md = parser()
    paragraphs: list[tuple[int, int]] = []
    parts: list[str] = []
    for index, token in enumerate(tokens):
        if token.type != "inline" or token.level != 1 or token.map is None:
            continue
        if index == 0 or tokens[index - 1].type != "paragraph_open":
            continue
        number = len(paragraphs)
        paragraphs.append((token.map[0], token.map[1]))
        inner = str(md.renderer.renderInline(token.children or [], md.options, {}))  # type: ignore[attr-defined]
        parts.append(f'<p data-cleanhtml-md="{number}">{inner}</p>\n')
    if not chosen or not paragraphs:
        return body, None
    cleaned = clean_html("".join(parts).encode("utf-8"), rules=chosen, **options)
    if not cleaned.edits:
        return body, None
    kept = {int(p.get("data-cleanhtml-md", "-1")) for p in cleaned.doc.root.iter("p")}
    gone = [span for number, span in enumerate(paragraphs) if number not in kept]
    if not gone:
        return body, None
    lines = body.split("\n")
    drop: set[int] = set()
    for first, last in gone:
        drop.update(range(first, last))
        after = last
        before_blank = first == 0 or (first - 1 in drop) or not lines[first - 1].strip()
        if before_blank and after < len(lines) - 1 and not lines[after].strip():
            drop.add(after)  # the blank line that separated it
    return "\n".join(line for number, line in enumerate(lines) if number not in drop), cleaned


# --- pseudo-tags: Markdown text a browser would read as a tag ---------------------------


@functools.cache
def _pseudo_tag() -> re.Pattern[str]:
    return re.compile(r"<[A-Za-z]")


_REFRESH = ("refresh", "set-cookie")


def _pseudo_tag_rule(body: str, tag: re.Match[str]) -> str | None:
    """The safety rule that would act on the element a browser (or a Markdown engine
    passing text through) makes of the pseudo-tag ``tag``; None when it is harmless."""
    from cleanhtml.repairs import _attribute_patterns
    from cleanhtml.rules import safety

    name = tag.group(1).lower()
    for tags, rule_name in (
        (safety.SCRIPT_TAGS, "remove-scripts"),
        (safety.EMBED_TAGS, "remove-embeds"),
        (safety.ANIMATION_TAGS, "remove-svg-animations"),
        (("template", "style"), "remove-mutation-shapes"),
        (("base",), "remove-base-and-refresh"),
    ):
        if name in tags:
            return rule_name
    for item in _attribute_patterns()[1].finditer(body, tag.start(2), tag.end(2)):
        attribute, value = item.group(1).lower(), (item.group(2) or "").strip("\"'")
        local = attribute.rsplit(":", 1)[-1]
        if name == "meta" and attribute == "http-equiv" and value.strip().lower() in _REFRESH:
            return "remove-base-and-refresh"
        if attribute.startswith("on") or local.startswith("on") or local == "srcdoc":
            return "remove-script-attributes"
        if local == "style":
            if safety.unsafe_css(value, attribute=True):
                return "remove-script-attributes"
        elif local not in safety.TEXT_ATTRIBUTES and safety.script_url(
            value, anywhere=local in safety.LIST_ATTRIBUTES, raster_ok=local in ("src", "srcset")
        ):
            return "remove-script-attributes"
    return None


def _code_and_kept_lines(tokens: Sequence[Token]) -> set[int]:
    """Lines of fenced and indented code (never touched)."""
    lines: set[int] = set()
    for token in tokens:
        if token.type in ("fence", "code_block") and token.map is not None:
            lines.update(range(*token.map))
    return lines


def _escaped(body: str, positions: Sequence[int]) -> str:
    """``body`` with the ``<`` at each position written ``&lt;``; a backslash escaping
    it goes too (``\\<`` and ``&lt;`` both read as ``<`` in Markdown)."""
    parts: list[str] = []
    done = 0
    for at in positions:
        first = at
        while first > done and body[first - 1] == "\\":
            first -= 1
        start = at - 1 if (at - first) % 2 else at
        parts += (body[done:start], "&lt;")
        done = at + 1
    parts.append(body[done:])
    return "".join(parts)


def defuse_pseudo_tags(body: str, rules: Sequence[Rule]) -> tuple[str, dict[str, int]]:
    """Write ``&lt;`` for the ``<`` of each pseudo-tag in Markdown text that a safety rule
    would act on, and the edits per rule.

    CommonMark reads ``!<s!pan onclick="alert(1)">x`` as text (``s!pan`` is no tag
    name to it), but a browser, and a Markdown engine that passes tag-like text through
    (Python-Markdown does), makes an element with an event handler of it. ``&lt;``
    reads as ``<`` in Markdown, so the post renders the same: only such a ``<`` is
    written so, where the selected safety rules would remove the element or one of its
    attributes (an ``on*`` handler, a script URL, ``<script>``, ``<iframe>``...). A
    harmless one (``a<b``, ``<3``) keeps its bytes, as do code, raw HTML (cleaned as
    HTML) and tag plugins holding code; an escape that would change how the post
    renders (inside a code span, a link destination) is not made.

    Display math (``$$ ... $$``) is not cleaned as HTML (``a<b>c`` is TeX there), but a
    Markdown engine without math support, or a browser before MathJax runs, reads a tag
    in it as HTML: one a safety rule would act on has its ``<`` written ``&lt;`` too,
    although that changes what such an engine shows (no math reads as an event handler,
    and MathJax reads ``&lt;`` as ``<``).
    """
    selected = {rule.name for rule in rules}
    if "<" not in body or not selected & _PSEUDO_RULES:
        return body, {}
    import bisect

    from cleanhtml.repairs import _bounding_patterns

    start_tag = _bounding_patterns()[1]
    tokens = _parse(body)
    lines = _Lines(body)
    skipped = sorted(html_spans(body, tokens) + _protected(body))
    math = _display_math(body)

    @functools.cache
    def markup() -> list[tuple[int, int]]:
        return sorted(_commonmark_html(body, tokens))

    code = _code_and_kept_lines(tokens)
    found: list[tuple[int, str]] = []
    in_math: list[tuple[int, str]] = []
    pos, index, math_index = 0, 0, 0
    while match := _pseudo_tag().search(body, pos):
        at = match.start()
        while index < len(skipped) and skipped[index][1] <= at:
            index += 1
        if index < len(skipped) and skipped[index][0] <= at:
            pos = skipped[index][1]
            continue
        tag = start_tag.match(body, at)
        rule_name = _pseudo_tag_rule(body, tag) if tag is not None and tag.group(3) else None
        line = bisect.bisect_right(lines.starts, at) - 1
        if rule_name is None or rule_name not in selected or line in code:
            pos = tag.end() if tag is not None and rule_name is None and tag.group(3) else at + 1
            continue
        while math_index < len(math) and math[math_index][1] <= at:
            math_index += 1
        if math_index < len(math) and math[math_index][0] <= at and _in_spans(at, markup()):
            in_math.append((at, rule_name))  # HTML to CommonMark: escaping it is the point
        else:
            found.append((at, rule_name))
        pos = at + 1  # what the tag held is text now: a tag inside it would open
    kept = sorted(_rendering_kept(body, found, tokens, lines) + in_math)
    edits: dict[str, int] = {}
    for _, rule_name in kept:
        edits[rule_name] = edits.get(rule_name, 0) + 1
    return _escaped(body, [at for at, _ in kept]), edits


def _in_spans(at: int, spans: list[tuple[int, int]]) -> bool:
    """Whether ``at`` is inside one of the sorted, non-nested ``spans``."""
    import bisect

    index = bisect.bisect_right(spans, (at, sys.maxsize)) - 1
    return index >= 0 and spans[index][0] <= at < spans[index][1]


_PSEUDO_RULES = frozenset(
    {
        "remove-scripts", "remove-embeds", "remove-svg-animations",
        "remove-mutation-shapes", "remove-base-and-refresh", "remove-script-attributes",
    }
)  # fmt: skip


def _rendering_kept(
    body: str, found: list[tuple[int, str]], tokens: Sequence[Token], lines: _Lines
) -> list[tuple[int, str]]:
    """The escapes of ``found`` that leave the rendering of their top-level block as it
    was (checked a block at a time, then an escape at a time where a block changed)."""
    if not found:
        return []
    import bisect

    blocks = sorted(
        (token.map[0], token.map[1])
        for token in tokens
        if token.level == 0 and token.nesting >= 0 and token.map is not None
    )
    starts = [start for start, _ in blocks]
    by_block: dict[tuple[int, int], list[tuple[int, str]]] = {}
    for at, rule_name in found:
        line = bisect.bisect_right(lines.starts, at) - 1
        number = bisect.bisect_right(starts, line) - 1
        block = blocks[number] if number >= 0 and line < blocks[number][1] else (line, line + 1)
        by_block.setdefault(block, []).append((at, rule_name))
    kept: list[tuple[int, str]] = []
    md = parser()
    for (first, last), items in by_block.items():
        start = lines.starts[first]
        end = lines.starts[last] if last < len(lines.starts) else len(body)
        source = body[start:end]

        def rendered(escapes: list[int], source: str = source, start: int = start) -> str:
            return str(md.render(_escaped(source, [at - start for at in escapes])))

        before = rendered([])
        if rendered([at for at, _ in items]) == before:
            kept += items
        else:
            kept += [item for item in items if rendered([item[0]]) == before]
    return sorted(kept)


def clean_markdown(
    body: str, rules: Sequence[Rule], options: dict[str, Any]
) -> tuple[str, dict[str, int], list[Cleaned], list[str], list[str]]:
    """Clean the raw HTML of a Markdown ``body`` (``\\n`` newlines) with ``rules``.

    Returns the new body, the edits per rule, the runs whose metadata and removals
    count, warnings, and repairs (changes no rule made: attributes of a crowded tag).

    A changed body is cleaned again, until a pass changes nothing (at most
    :data:`_PASSES`): its raw HTML is read as pieces between the Markdown, and a
    piece that went whole can leave the pieces beside it read otherwise the next time
    (an empty ``<div>`` kept between two stretches of Markdown, one of them only the
    blank line before a ``<div>`` that went), so a second run of cleanhtml would
    change what the first wrote. Only posts whose HTML changed pay the second pass.
    """
    new, edits, runs, warnings, repairs = _clean_markdown_once(body, rules, options)
    for _ in range(_PASSES - 1):
        if new == body:
            break
        body = new
        new, more, again, more_warnings, more_repairs = _clean_markdown_once(body, rules, options)
        for name, count in more.items():
            edits[name] = edits.get(name, 0) + count
        for run in again:
            for removal in run.ctx.removals:
                removal.line = None  # a line of a body already changed, not of the post
        runs += again
        warnings += [note for note in more_warnings if note not in warnings]
        repairs += [note for note in more_repairs if note not in repairs]
    return new, edits, runs, warnings, repairs


def _clean_markdown_once(
    body: str, rules: Sequence[Rule], options: dict[str, Any]
) -> tuple[str, dict[str, int], list[Cleaned], list[str], list[str]]:
    """One pass of :func:`clean_markdown`."""
    edits: dict[str, int] = {}
    runs: list[Cleaned] = []
    warnings: list[str] = []
    repairs: list[str] = []
    if any(mark in body for mark in _DELIMITERS):
        warning = "markdown: private-use delimiters in the text; left as it was"
        return body, edits, runs, [warning], repairs
    original = body
    tokens = _parse(body)
    body, dropped = _drop_boilerplate_paragraphs(body, tokens, rules, options)
    if dropped is not None:
        for removal in dropped.ctx.removals:
            removal.line = None  # a line of the paragraphs' own document, not of the post
        runs.append(dropped)
        tokens = _parse(body)
    defused: dict[str, int] = {}
    if "<" in body:
        new, cleaned, notes = _clean_html(body, tokens, rules, options)
        for note in notes:  # HTML left uncleaned is a warning, whatever was written as text
            left = note.startswith(_LEFT_AS_IT_WAS)
            (repairs if new != body and not left else warnings).append(note)
        if cleaned is not None and new != body:
            runs.append(cleaned)
        body, defused = defuse_pseudo_tags(new, rules)
    if original.endswith("\n") and not original.endswith("\n\n") and body.endswith("\n\n"):
        body = body.rstrip("\n") + "\n"  # what a removal left at the end
    for run_edits in [run.edits for run in runs] + [defused]:
        for name, count in run_edits.items():
            edits[name] = edits.get(name, 0) + count
    return body, edits, runs, warnings, repairs


def render_html(body: str) -> str:
    """The Markdown ``body`` rendered to HTML (what a blog shows), raw HTML included."""
    md = parser()
    return str(md.renderer.render(list(_parse(body)), md.options, {}))


_TEXT_REPAIRS = ("re-encoded", "removed", "turned form feeds")
"""Load-time repairs that change the text itself (not how the HTML parses)."""
_REFERENCE_REPAIR = "to controls"
"""The end of the repair note a Markdown post does not take (see ``with_references``)."""


def clean_post(
    loaded: Document,
    rules: Sequence[Rule],
    *,
    explain: bool = False,
    path: str | None = None,
    keep_comments: Sequence[str] = (),
    url: str | None = None,
) -> Cleaned | None:
    """Clean ``loaded`` as a Markdown post, or return None when its body is HTML.

    ``loaded`` is the input as :func:`cleanhtml.document.load` read it (decoded, front
    matter split off); its HTML tree is not used. The result's document holds the
    cleaned Markdown as its serialized body (written by ``-t html`` and
    ``-t markdown``) and, as its tree, that Markdown rendered to HTML (read by
    ``-t text`` and ``-t json``).
    """
    if loaded.prolog or not is_candidate(loaded, path):
        return None
    _TOKENS.clear()
    try:
        return _clean_post(
            loaded, rules, explain=explain, path=path, keep_comments=keep_comments, url=url
        )
    finally:
        _TOKENS.clear()


def _clean_post(
    loaded: Document,
    rules: Sequence[Rule],
    *,
    explain: bool,
    path: str | None,
    keep_comments: Sequence[str],
    url: str | None = None,
) -> Cleaned | None:
    # a Markdown body keeps its references to controls (text to Markdown, in code
    # always); those in its raw HTML go when that HTML is cleaned
    if _html_for_sure(loaded):
        return None
    body = loaded.with_references or loaded.body_text()
    if not is_markdown(body):
        return None
    from cleanhtml.cleaned import Cleaned
    from cleanhtml.rule import Context

    front_matter = loaded.front_matter
    options: dict[str, Any] = {"explain": explain, "keep_comments": tuple(keep_comments)}
    new_body, edits, runs, warnings, repairs = clean_markdown(body, rules, options)
    if new_body == body:
        edits, runs = {}, []
    ctx = Context(explain=explain, line_offset=front_matter.count("\n"))
    for run in runs:
        ctx.meta.update(run.ctx.meta)
        ctx.removals.extend(run.ctx.removals)
    for removal in ctx.removals:
        if removal.line is not None:
            removal.line += ctx.line_offset
    doc = document.load(render_html(new_body).encode("utf-8"))
    doc.source, doc.front_matter, doc.body = loaded.source, front_matter, new_body
    doc.encoding, doc.newline, doc.bom = loaded.encoding, loaded.newline, loaded.bom
    doc.repairs = [
        note
        for note in loaded.repairs
        if note.startswith(_TEXT_REPAIRS) and not note.endswith(_REFERENCE_REPAIR)
    ] + repairs
    doc.warnings = [*loaded.warnings, *warnings]
    doc.serialized, doc.markdown = new_body, True
    from cleanhtml.rules.sites.base import page_url

    ctx.url = page_url(doc, url)  # the post's front-matter link, for the json record
    return Cleaned(doc, edits, ctx, path)
