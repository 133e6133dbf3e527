"""Load repairs on the text before parsing: control characters, unclosed comments and
raw-text elements, a tag cut off at the end, markup nested too deep, content after </html>.

Each repair that changes the text notes it in the document's ``repairs``."""

from __future__ import annotations

import functools
import itertools
import re

_UNCLOSED_COMMENT = "<!--"


# Elements whose content the parser reads as text up to their end tag: one left open
# turns the rest of the file into its text, which a rule then deletes.
RAW_TEXT_TAGS = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")


@functools.cache
def _raw_tag() -> re.Pattern[str]:
    """An opening or closing raw-text tag (compiled when first needed, as the patterns
    below that most inputs never need: a one-post run compiles none of them)."""
    return re.compile(rf"<(/?)({'|'.join(RAW_TEXT_TAGS)})(?=[\s/>])", re.I)


@functools.cache
def _markup_line() -> re.Pattern[str]:
    return re.compile(r"\n[ \t]*</?[A-Za-z!]")


@functools.cache
def _body_end() -> re.Pattern[str]:
    return re.compile(r"</(?:body|html)\s*>", re.I)


# Whitespace and </body>, </html> end tags (each position allows one of them only, so
# the possessive repeat gives up nothing a match could need).
@functools.cache
def _trailer_items() -> re.Pattern[str]:
    return re.compile(r"(?:\s|</(?:body|html)\s*>)*+", re.I)


_CUT_TAG = re.compile(r"<[A-Za-z/!?][^<>]*\Z")


@functools.cache
def _control_chars() -> re.Pattern[str]:
    """Characters lxml refuses in text (its setters raise, losing the text) or libxml2
    garbles; compiled for the first input that may hold one (most hold none)."""
    return re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffe\uffff]")


_C0_BYTES = (*range(0x09), 0x0B, *range(0x0E, 0x20))
"""The C0 control bytes (as ints: ``int in bytes`` is a ``memchr``; ``bytes in bytes``
first tries the needle as an int and formats a TypeError, ~1,000 instructions each)."""


# Character references to the same characters (``&#x4;``, ``&#11``): the parser would
# put them in the tree.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9])"
    r"|[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F]));?"
)


_FORM_FEED = "\x0c"


@functools.cache
def _tag() -> re.Pattern[str]:
    return re.compile(r"<(/?)([A-Za-z][^\s/>]*)[^>]*>")


VOID_TAGS = frozenset(
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame",
    }
)  # fmt: skip


def _may_hold_controls(data: bytes, encoding: str, text: str) -> bool:
    """False when the input proves the text has no control character (fast C-level checks).

    In every ASCII-compatible encoding a C0 control is its own byte; U+FFFE/U+FFFF are
    looked for in the decoded ``text`` (a character search, instant on ASCII text).
    """
    if encoding.startswith(("utf-16", "utf-32")):
        return True
    # one memchr per control byte: several times faster than any one-pass filter in Python
    for byte in _C0_BYTES:  # (ints: see _C0_BYTES; a loop: a generator costs more)
        if byte in data:
            return True
    return "\ufffe" in text or "\uffff" in text


def _remove_control_chars(body: str, repairs: list[str]) -> str:
    controls = _control_chars()
    if controls.search(body):
        body, count = controls.subn("", body)
        repairs.append(f"removed {count} control character{'s' if count > 1 else ''} (NUL, ...)")
    if _FORM_FEED in body:
        body = body.replace(_FORM_FEED, " ")
        repairs.append("turned form feeds into spaces")
    return body


def _remove_control_references(body: str, repairs: list[str], holds: bool | None = None) -> str:
    """Remove the character references to controls; ``holds``: whether there is one, when
    the caller knows (the compiled walk's ``holds_control_reference`` of the body's bytes:
    ~15 against ~64 us a bench page)."""
    if not (_holds_control_reference(body) if holds is None else holds):  # rare: decide fast
        return body
    body, count = _CONTROL_REFERENCE.subn("", body)
    repairs.append(f"removed {count} character reference{'s' if count > 1 else ''} to controls")
    return body


_SEARCHED_WHOLE = 8192
"""Up to this many characters from the first ``&`` on, the regex searches them (a step
a ``&`` costs a few thousand instructions, about as many as the engine spends on a
thousand characters: a post's style block holds a few ``&#123;``)."""


def _holds_control_reference(body: str) -> bool:
    """``_CONTROL_REFERENCE.search(body)``, told by matching at each ``&`` (found with a
    ``memchr``; every match starts with ``&#``). A regex search, or a search for the two
    characters, steps through every character of the text (3 to 6 instructions a
    character, up to 7% of parsing a page); past one ``&`` in 256 characters, the regex
    search finishes the scan, and it searches a rest of at most :data:`_SEARCHED_WHOLE`
    characters from the first ``&`` at once."""
    at = body.find("&")
    if at >= 0 and len(body) - at <= _SEARCHED_WHOLE:
        return _CONTROL_REFERENCE.search(body, at) is not None
    budget = len(body) >> 8
    while at >= 0:
        if budget <= 0:
            return _CONTROL_REFERENCE.search(body, at) is not None
        budget -= 1
        if body.startswith("#", at + 1) and _CONTROL_REFERENCE.match(body, at):
            return True
        at = body.find("&", at + 1)
    return False


def comment_end(text: str, start: int) -> int:
    """Where the comment whose ``<!--`` is at ``start`` ends (just after its ``-->`` or
    ``--!>``), as libxml2 2.14 reads it (HTML5's tokenizer); -1 when it never ends.

    ``<!-->`` and ``<!--->`` are empty comments: they close as they open. Real pages
    end every downlevel-revealed IE conditional comment so (HTML5 Boilerplate's
    ``<!--[if gt IE 8]><!--> <html class="no-js"> <!--<![endif]-->``): the
    ``<!--`` of its ``<!-->`` opens nothing.
    """
    after = start + 4
    if text.startswith(">", after):
        return after + 1
    if text.startswith("->", after):
        return after + 2
    end = text.find("-->", after)
    bang = text.find("--!>", after, len(text) if end < 0 else end)
    if bang >= 0:
        return bang + 4
    return end if end < 0 else end + 3


def _close_unterminated_comment(body: str, repairs: list[str]) -> str:
    """Close a ``<!--`` that never ends, at the end of its line.

    libxml2 (like a browser) would turn everything after it into one comment, and the
    comment rule would then delete the rest of the article. The last ``<!--`` of the
    text decides: one that ends (:func:`comment_end`: ``<!-->`` does) leaves none open.
    """
    start = body.rfind(_UNCLOSED_COMMENT)
    if start < 0 or comment_end(body, start) >= 0:
        return body
    end = body.find("\n", start)
    end = len(body) if end < 0 else end
    repairs.append("closed an unterminated comment")
    return body[:end] + "-->" + body[end:]


def _close_unterminated_raw_text(body: str, repairs: list[str]) -> str:
    """Close a ``<style>``, ``<script>``, ``<title>``... left open, before the next markup line.

    Left open, it makes the rest of the file its text (``<style>`` then the article
    is all CSS to a parser), and removing it would delete the article. Only an
    opening tag after the last closing one of its name can be left open: one scan.
    """
    pending: dict[str, int] = {}  # tag -> end of its first opening after its last closing
    for match in _raw_tag().finditer(body):
        tag = match.group(2).lower()
        if match.group(1):
            pending.pop(tag, None)
        elif tag not in pending:
            pending[tag] = body.find(">", match.end())
    for tag, end in sorted(pending.items(), key=lambda item: item[1], reverse=True):
        line = _markup_line().search(body, end + 1) if end >= 0 else None
        if line is None:
            continue
        repairs.append(f"closed an unterminated <{tag}>")
        body = body[: line.start()] + f"</{tag}>" + body[line.start() :]
    return body


def _content_end(text: str) -> int:
    """``len(text.rstrip())`` without copying a large text."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _drop_cut_tag(body: str, repairs: list[str]) -> str:
    """Drop a tag cut off by the end of the file (``<a href="http://exa``), as parsers do.

    Recorded as a repair so the output is re-serialized with its elements closed.
    """
    end = _content_end(body)
    # only the last "<" can start one (no "<" follows a match): look there alone (a
    # search would try the pattern at every position of the last 4,096 characters)
    last = body.rfind("<", max(0, end - 4096), end)
    match = _CUT_TAG.match(body, last, end) if last >= 0 else None
    if not match or match.group(0).startswith("<!--"):
        return body
    repairs.append("dropped a tag cut off at the end of the file")
    return body[: match.start()] + body[end:]


def _flatten(markup: str, limit: int) -> str:
    """Drop the start and end tags of elements nested deeper than ``limit``; keep all text.

    Linear: a tag ends at a ``>``, so nothing after the last one is searched (each
    ``<x`` there would read to the end of the text), and an end tag whose name is not
    open costs no walk down the stack.
    """
    stack: list[tuple[str, bool]] = []
    open_names: dict[str, int] = {}

    def tag(match: re.Match[str]) -> str:
        name = match.group(2).lower()
        if not match.group(1):
            if name in VOID_TAGS:
                return match.group(0)
            keep = len(stack) < limit
            stack.append((name, keep))
            open_names[name] = open_names.get(name, 0) + 1
            return match.group(0) if keep else ""
        if not open_names.get(name):
            return match.group(0)
        for index in range(len(stack) - 1, -1, -1):  # pops what it walks past
            if stack[index][0] == name:
                keep = stack[index][1]
                for closed, _ in stack[index:]:
                    open_names[closed] -= 1
                del stack[index:]
                return match.group(0) if keep else ""
        return match.group(0)  # pragma: no cover - open_names said it is open

    end = markup.rfind(">") + 1
    return _tag().sub(tag, markup[:end]) + markup[end:]


def _only_trailer(body: str, pos: int) -> bool:
    """True when only whitespace, comments and ``</body>``/``</html>`` follow ``pos``.

    One forward pass (``(?:\\s|<!--.*?-->|</(?:body|html)\\s*>)*\\Z`` backtracked
    exponentially on adjacent comments), each comment ending where libxml2 ends it
    (:func:`comment_end`): text between two comments is content (read as one comment
    from the first ``<!--`` to the last ``-->``, it was lost after ``</html>``). A
    comment that never ends holds the rest.
    """
    while (pos := _end_of(_trailer_items(), body, pos)) < len(body):
        if not body.startswith("<!--", pos):
            return False
        pos = comment_end(body, pos)
        if pos < 0:
            return True
    return True


def _end_of(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where ``pattern`` (which matches the empty string) stops matching from ``pos``."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _reopen_closed_body(body: str, repairs: list[str], start: int = 0) -> str:
    """Drop ``</body>``/``</html>`` end tags that content follows, as browsers ignore them.

    libxml2 silently discards everything after ``</html>``, and puts what follows
    ``</body>`` outside the body; a browser shows both in the body. ``start``: no end
    tag starts before it (-1: none at all), as the compiled walk's ``first_body_end``
    tells from the body's bytes (the search over the whole text tried a match at each
    ``</``: 85-107 us a bench page).
    """
    if start < 0:
        return body
    end = _body_end().search(body, start)
    if not end or _only_trailer(body, end.start()):
        return body
    repairs.append("moved content after </body> or </html> into the body, as browsers do")
    return _body_end().sub("", body)


# --- attribute lists: bounded before parsing --------------------------------------------

MAX_ATTRIBUTES = 256
"""Attributes of one long tag that reach the parser; real pages use a few dozen at
most. libxml2 appends each attribute of an element by walking the ones before it, so a
tag with tens of thousands of them (garbage or an attack) takes quadratic time."""
SCAN_WINDOW = 1024
"""Tags spanning over twice this many characters free of ``<`` and ``>`` are checked.
A shorter tag holds fewer than SCAN_WINDOW attributes, whose quadratic cost is bounded
by a constant per character (a few times the cost of parsing it)."""

# The pieces of markup as libxml2 2.14 reads them (HTML5's tokenizer): a tag name runs
# to whitespace, '/' or '>'; an attribute name starts with any other character ('='
# and quotes too) and runs to whitespace, '/', '>' or '='; a value is quoted (to its
# quote: '>' and '<' included) or runs to whitespace or '>'; a '/' not before '>'
# separates like whitespace. Every repeat is possessive and each alternative is chosen
# by its first characters, so a match reads each character once.
_WS = " \t\n\f\r"
_SEPARATORS = rf"[{_WS}]*+(?:/(?!>)[{_WS}]*+)*+"
_NAME = rf"[^{_WS}/>][^{_WS}/>=]*+"
_VALUE = rf"(?:[{_WS}]*+=[{_WS}]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^{_WS}>]*+))?+"
_ATTRIBUTES = rf"{_SEPARATORS}(?:{_NAME}{_VALUE}{_SEPARATORS}){{0,{MAX_ATTRIBUTES}}}+"


@functools.cache
def _attribute_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """An attribute (its name a group), and an attribute with its value (with its
    quotes) a group too; compiled when first needed (a tag that may hold too many
    attributes, a pseudo-tag in a Markdown post)."""
    attribute = re.compile(f"({_NAME}){_VALUE}")
    with_value = re.compile(
        rf"({_NAME})(?:[{_WS}]*+=[{_WS}]*+(\"[^\"]*+\"?|'[^']*+'?|[^{_WS}>]*+))?+"
    )
    return attribute, with_value


_RAW_TEXT = frozenset(
    {"script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title", "plaintext"}
)


def _any_case(word: str) -> str:
    return "".join(f"[{char}{char.upper()}]" for char in word)


def _closed_raw_text(name: str) -> str:
    """A ``name`` element, start tag to end tag (not included), as libxml2 reads it; a
    script only when it holds no ``<!--``, which changes where it ends."""
    end = f"/{_any_case(name)}[{_WS}/>]"
    stop = "|!--" if name == "script" else ""
    return (
        f"<{_any_case(name)}(?=[{_WS}/>]){_ATTRIBUTES}"
        f"(?:/>|>(?:[^<]++|<(?!{end}{stop}))*+(?=<{end}))"
    )


_NOT_RAW_TEXT = "|".join(_any_case(name) for name in sorted(_RAW_TEXT))


@functools.cache
def _bounding_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The patterns :func:`_bound_every_tag` reads markup with, compiled when first
    needed (a tag that may hold too many attributes is rare; compiling the first costs
    a tenth of a one-post run's instructions): bounded markup, and a start tag.

    Bounded markup: start tags holding at most MAX_ATTRIBUTES attributes, read as
    libxml2 reads them: text, comments, doctypes, bogus comments, end tags (their
    attributes are read and dropped), start tags, closed scripts, styles, titles and
    textareas with their text (a script only without '<!--'). A match stops before
    anything else: another raw-text element, a tag with more attributes, a comment or
    tag the end of the text cuts off.
    """
    bounded = re.compile(  # noqa: DUO138 — linear: possessive repeats; each piece is chosen by its first characters
        "(?:[^<]++"
        f"|<(?!(?:{_NOT_RAW_TEXT})[{_WS}/>])[A-Za-z][^{_WS}/>]*+{_ATTRIBUTES}/?>"
        + "".join(f"|{_closed_raw_text(name)}" for name in ("script", "style", "title", "textarea"))
        + f"|</[A-Za-z][^{_WS}/>]*+{_SEPARATORS}(?:{_NAME}{_VALUE}{_SEPARATORS})*+/?>"
        "|<!--(?:>|->|(?:[^-]++|-(?!-!?>))*+--!?>)"
        "|<[!?][^>]*+>|</>|</[^A-Za-z>][^>]*+>"
        "|<(?![A-Za-z/!?]))*+"
    )
    start_tag = re.compile(  # noqa: DUO138 — linear: possessive repeats; each piece is chosen by its first characters
        rf"<([A-Za-z][^{_WS}/>]*+)((?:{_SEPARATORS}{_NAME}{_VALUE})*+){_SEPARATORS}(/?>|\Z)"
    )
    return bounded, start_tag


@functools.cache
def _crowded_tag() -> re.Pattern[str]:
    return re.compile(  # noqa: DUO138 — linear: possessive repeats; each piece is chosen by its first characters
        rf"<[A-Za-z][^{_WS}/>]*+(?:{_SEPARATORS}{_NAME}{_VALUE}){{{MAX_ATTRIBUTES + 1}}}"
    )


@functools.cache
def _script_mark() -> re.Pattern[str]:
    return re.compile(rf"</script(?=[{_WS}/>])|<!--|<script(?=[{_WS}/>])|-->", re.I)


def _raw_text_end(text: str, name: str, pos: int) -> int:
    """Where the text of the raw-text element ``name`` that starts at ``pos`` ends (at
    its end tag, or the end of the text), as libxml2 finds it: at the first ``</name``
    followed by whitespace, '/' or '>', in any case."""
    if name == "plaintext":
        return len(text)
    size = len(name) + 2
    at = pos
    while (at := text.find("<", at)) >= 0:  # one memchr per '<' in the text
        closes = text[at + 1 : at + size].lower() == "/" + name
        if closes and text[at + size : at + size + 1] in _END_NAME:
            break
        at += 1
    end = len(text) if at < 0 else at
    if name == "script" and text.find("<!--", pos, end) >= 0:
        return _script_end(text, pos)
    return end


_END_NAME = frozenset(_WS + "/>")


def _script_end(text: str, pos: int) -> int:
    """Where a script holding ``<!--`` ends: HTML5's escaped states, where ``<script``
    opens a part in which ``</script>`` does not end the script, until ``-->`` or the
    next ``</script>``."""
    escaped = double = False
    for mark in _script_mark().finditer(text, pos):
        token = mark.group(0).lower()
        if token == "<!--":  # '<!-->' and '<!--->' close as they open
            at = mark.start()
            escaped = not (text.startswith("-->", at + 2) or text.startswith("-->", at + 3))
        elif token == "-->":
            escaped = double = False
        elif token == "<script":
            double = double or escaped
        elif double:
            double = False
        else:
            return mark.start()
    return len(text)


_NAME_BUFFER = 100
"""libxml2 keeps the first 100 bytes of a name (HTML_PARSER_BUFFER_SIZE) and drops the
rest, so names alike in those bytes are one name to it."""


def _name_key(name: str) -> bytes:
    """``name`` as libxml2 stores an attribute name: ASCII letters lowered, cut to fit its
    buffer (a character that does not fit is left out, a shorter one after it is not)."""
    kept = bytearray()
    for char in name:
        code = char.encode("utf-8", "replace")
        if len(kept) + len(code) <= _NAME_BUFFER:
            kept += code.lower() if len(code) == 1 else code
    return bytes(kept)


def _bounded_tag(text: str, tag: re.Match[str]) -> tuple[str, int]:
    """The start tag ``tag`` without its later duplicate attributes and without every
    attribute after its first MAX_ATTRIBUTES names; and how many names went."""
    seen: set[bytes] = set()
    dropped: set[bytes] = set()
    kept: list[str] = []
    for item in _attribute_patterns()[0].finditer(text, tag.start(2), tag.end(2)):
        key = _name_key(item.group(1))
        if key in seen or key in dropped:
            continue
        if len(seen) < MAX_ATTRIBUTES:
            seen.add(key)
            kept.append(item.group(0))
        else:
            dropped.add(key)
    # a name after a space is read as the value of a valueless name before it when it
    # starts with '=' ('a =b'): a '/' keeps them apart; a space before the end keeps an
    # unquoted value from taking the '/' of '/>'
    joined = "".join((" / " if item.startswith("=") else " ") + item for item in kept)
    return f"<{tag.group(1)}{joined} {tag.group(3)}", len(dropped)


def _may_hold_crowded_tag(body: str) -> bool:
    """False when ``body`` holds no start tag with more than MAX_ATTRIBUTES attributes
    spanning over 2 * SCAN_WINDOW characters free of ``<`` and ``>``: one or two
    ``str.find`` calls (a memchr each) per SCAN_WINDOW characters, so that normal
    pages pay next to nothing.

    Such a stretch holds a whole window [k * SCAN_WINDOW, (k + 1) * SCAN_WINDOW).
    Where a window is free of both, the stretch around it is looked at once: text (it
    follows a ``>``) is passed over, a start tag is read and its attributes counted.
    """
    step = SCAN_WINDOW
    size = len(body)
    find = body.find
    next_lt = next_gt = -1  # the next '<' and '>' at or after a window, once looked for
    window = 0
    while window + step <= size:
        if find(">", window, window + step) >= 0 or find("<", window, window + step) >= 0:
            window += step
            continue
        if next_lt < window:
            next_lt = find("<", window) % (size + 1)  # none: the end of the text
        if next_gt < window:
            next_gt = find(">", window) % (size + 1)
        end = min(next_lt, next_gt)
        # The stretch starts at the last '<' or '>' before the window, which lies in the
        # window before (it held one, or the last stretch ended in it). Text unless a '<'
        # and a letter start it; a tag's attributes are counted up to the stretch's end.
        start = body.rfind("<", max(0, window - step), window)
        if (
            start >= 0
            and body.rfind(">", start, window) < 0
            and body[start + 1 : start + 2] in _LETTERS
            and _crowded_tag().match(body, start, end)
        ):
            return True
        if end == size:
            break
        window = (end // step + 1) * step  # past the stretch: it was looked at
    return False


_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _count_attributes(body: str, tag: re.Match[str]) -> int:
    """The attributes of ``tag``, counted up to MAX_ATTRIBUTES + 1."""
    items = _attribute_patterns()[0].finditer(body, tag.start(2), tag.end(2))
    return sum(1 for _ in itertools.islice(items, MAX_ATTRIBUTES + 1))


def _bound_attributes(body: str, repairs: list[str]) -> str:
    """Leave out the attributes of a start tag beyond its first MAX_ATTRIBUTES names.

    One forward scan that reads the markup as libxml2 does, in C but for the rare
    piece the pattern does not take (a script holding ``<!--``, a tag with too many
    attributes). Such a tag loses its later duplicates (libxml2 keeps the first of a
    name anyway) and every attribute after its first MAX_ATTRIBUTES names, which is
    noted in ``repairs``.
    """
    return _bound_every_tag(body, repairs) if _may_hold_crowded_tag(body) else body


def _bound_every_tag(body: str, repairs: list[str]) -> str:
    """:func:`_bound_attributes` without the quick check: the scan itself."""
    pieces: list[str] = []
    dropped = done = pos = 0
    end = len(body)
    bounded, start_tag = _bounding_patterns()
    while True:
        pos = bounded.match(body, pos).end()  # type: ignore[union-attr]
        tag = start_tag.match(body, pos) if pos < end else None
        if tag is None or not tag.group(3):
            break  # the end, or a comment or tag left open up to the end: nothing follows
        after = tag.end()
        if _count_attributes(body, tag) > MAX_ATTRIBUTES:
            rebuilt, count = _bounded_tag(body, tag)
            pieces += (body[done:pos], rebuilt)
            done, dropped = after, dropped + count
        name = tag.group(1).lower()
        if tag.group(3) == ">" and name in _RAW_TEXT:
            after = _raw_text_end(body, name, after)
        pos = after
    if not pieces:
        return body
    pieces.append(body[done:])
    if dropped:
        repairs.append(
            f"left out {dropped} attribute{'s' if dropped > 1 else ''} of a tag "
            f"after its first {MAX_ATTRIBUTES}"
        )
    return "".join(pieces)
