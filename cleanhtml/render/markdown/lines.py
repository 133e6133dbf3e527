"""Markdown rendering: from inline tokens to lines.

Whitespace collapses across the run, code spans get their backquotes, and emphasis
CommonMark would not recognise is fixed (or left out) here.
"""

from __future__ import annotations

from cleanhtml.render.markdown.escape import (
    _code_span,
    _escape_line_start,
    _left_flanking,
    _punct,
    _right_flanking,
    escape,
)
from cleanhtml.render.markdown.tokens import (
    ATOM,
    BREAK,
    CLOSE,
    CODE,
    CODE_SPAN,
    EMPHASIS,
    LINK,
    OPEN,
    TEXT,
    Tok,
)
from cleanhtml.render.text import BR, MARK, collapse_whitespace

# --- from tokens to lines ------------------------------------------------------------


def _collapsed(toks: list[Tok]) -> list[Tok]:
    """Collapse whitespace across the whole run, looking through inline markup."""
    if not toks:
        return []
    joined = MARK.join(t.text if t.kind == TEXT else BR if t.kind == BREAK else "" for t in toks)
    segments = collapse_whitespace(joined).split(MARK)
    return [Tok(TEXT, seg) if t.kind == TEXT else t for t, seg in zip(toks, segments, strict=True)]


def _strip_lines(toks: list[Tok]) -> list[Tok]:
    """Strip whitespace at both ends of each line (between breaks), as the text output does."""
    out = list(toks)
    for order, strip in ((range(len(out)), str.lstrip), (range(len(out) - 1, -1, -1), str.rstrip)):
        at_edge = True
        for i in order:
            tok = out[i]
            if tok.kind == BREAK:
                at_edge = True
            elif at_edge and tok.kind == TEXT:
                out[i] = tok._replace(text=strip(tok.text))
                at_edge = not out[i].text
            elif tok.kind == ATOM:
                at_edge = False
    return out


def _code_spans(toks: list[Tok]) -> list[Tok]:
    """Turn each ``open ` ... close ``` stretch into a code-span token.

    A break or an image inside code ends the span and starts another after it; code
    that directly follows code joins it (see :func:`_join_code`).
    """
    out: list[Tok] = []
    code: list[str] | None = None  # the span being built, not yet written
    inside = False
    for tok in toks:
        if tok.kind == OPEN and tok.text == CODE:
            inside = True
            code = [] if code is None else code
        elif tok.kind == CLOSE and tok.text == CODE:
            inside = False
        elif tok.kind == TEXT and (inside or (code is not None and not tok.text)):
            code.append(tok.text)  # type: ignore[union-attr]
        else:
            if code is not None:
                out.append(Tok(CODE_SPAN, "".join(code)))
            out.append(tok)
            code = [] if inside else None
    if code is not None:
        out.append(Tok(CODE_SPAN, "".join(code)))
    return [tok for tok in out if tok.kind != CODE_SPAN or tok.text]


def _join_code(toks: list[Tok]) -> list[Tok]:
    """Join code spans that end up side by side into one.

    Two spans written next to each other would merge their backquotes (`` `a``b` `` is
    one span holding ``a``b``), and spans can meet late: ``<code>a</code><b></b>
    <code>b</code>`` only once the empty emphasis between them is dropped.
    """
    out: list[Tok] = []
    for tok in toks:
        if tok.kind == CODE_SPAN and out and out[-1].kind == CODE_SPAN:
            out[-1] = Tok(CODE_SPAN, out[-1].text + tok.text)
        elif tok.kind != TEXT or tok.text:
            out.append(tok)
    return out


def _is_emphasis(tok: Tok) -> bool:
    return tok.kind in (OPEN, CLOSE) and tok.text in EMPHASIS


def _merge_text(toks: list[Tok]) -> list[Tok]:
    out: list[Tok] = []
    for tok in toks:
        if tok.kind == TEXT and not tok.text:
            continue
        if tok.kind == TEXT and out and out[-1].kind == TEXT:
            out[-1] = Tok(TEXT, out[-1].text + tok.text)
        else:
            out.append(tok)
    return out


def _tidy(toks: list[Tok]) -> list[Tok]:
    """Move whitespace and breaks out of emphasis, drop empty spans, join ``</b><b>``.

    One pass: ``**`` followed by a space, or a space before a closing ``**``, would not
    be read as emphasis. ``a<b> b </b>c`` becomes ``a **b** c``.
    """
    out: list[Tok] = []
    pending: list[Tok] = []  # taken out from before closing delimiters
    for tok in toks:
        if _is_emphasis(tok) and tok.kind == CLOSE:
            while out and (
                out[-1].kind == BREAK or (out[-1].kind == TEXT and out[-1].text[-1:].isspace())
            ):
                last = out.pop()
                body = last.text.rstrip() if last.kind == TEXT else ""
                pending.insert(0, Tok(TEXT, last.text[len(body) :]) if body else last)
                if body:
                    out.append(Tok(TEXT, body))
                    break
            if out and out[-1].kind == OPEN and out[-1].text == tok.text:
                out.pop()  # an empty span
            else:
                out.append(tok)
            continue
        out += pending
        if pending:
            pending = []
        elif _is_emphasis(tok) and tok.kind == OPEN and out and out[-1] == Tok(CLOSE, tok.text):
            out.pop()  # </b><b>: one span
            continue
        at = len(out)
        while at and _is_emphasis(out[at - 1]) and out[at - 1].kind == OPEN:
            at -= 1
        if at < len(out) and tok.kind == BREAK:
            out.insert(at, tok)
        elif at < len(out) and tok.kind == TEXT and tok.text[:1].isspace():
            body = tok.text.lstrip()
            out.insert(at, Tok(TEXT, tok.text[: len(tok.text) - len(body)]))
            if body:
                out.append(Tok(TEXT, body))
        elif tok.kind != TEXT or tok.text:
            out.append(tok)
    return _merge_text(out + pending)


def _padded(toks: list[Tok]) -> list[Tok]:
    """A text token (maybe empty) before, after and between all other tokens.

    Fixing emphasis then moves characters between text tokens and drops delimiters by
    emptying them, so the list keeps its length and every index stays valid.
    """
    out = [Tok(TEXT)]
    for tok in toks:
        if tok.kind != TEXT and out[-1].kind != TEXT:
            out.append(Tok(TEXT))
        out.append(tok)
    if out[-1].kind != TEXT:
        out.append(Tok(TEXT))
    return out


def _partners(toks: list[Tok]) -> dict[int, int]:
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, tok in enumerate(toks):
        if tok.kind == OPEN:
            stack.append(i)
        elif tok.kind == CLOSE and stack:
            j = stack.pop()
            pairs[i], pairs[j] = j, i
    return pairs


def _enclosing(toks: list[Tok], pairs: dict[int, int]) -> dict[int, list[int]]:
    """For each emphasis opener, the openers around it that use the same character."""
    stack: list[int] = []
    found: dict[int, list[int]] = {}
    for i, tok in enumerate(toks):
        if not _is_emphasis(tok):
            continue
        if tok.kind == OPEN:
            found[i] = [k for k in stack if toks[k].text[0] == tok.text[0]]
            stack.append(i)
        elif stack and pairs.get(i) == stack[-1]:
            stack.pop()
    return found


def _rendered(tok: Tok) -> str:
    if tok.kind == TEXT:
        return escape(tok.text)
    if tok.kind == CODE_SPAN:
        return _code_span(tok.text)
    if tok.kind == CLOSE and tok.text == LINK:
        return "]" + tok.dest
    return tok.text


def _char_before(toks: list[Tok], i: int, br: str) -> str | None:
    for k in range(i - 1, -1, -1):
        if toks[k].kind == BREAK:
            return br[-1] if br else None
        text = _rendered(toks[k])
        if text:
            return text[-1]
    return None


def _char_after(toks: list[Tok], i: int, br: str) -> str | None:
    for k in range(i + 1, len(toks)):
        if toks[k].kind == BREAK:
            return br[0] if br else None
        text = _rendered(toks[k])
        if text:
            return text[0]
    return None


def _run(toks: list[Tok], i: int) -> list[int]:
    """The delimiters of the run starting at ``toks[i]``: side by side, same character."""
    run = [i]
    k = i + 1
    while k < len(toks):
        tok = toks[k]
        if _is_emphasis(tok) and tok.text[0] == toks[i].text[0]:
            run.append(k)
        elif tok.kind != TEXT or tok.text:
            break
        k += 1
    return run


def _run_start(toks: list[Tok], i: int) -> int:
    start = k = i
    while k > 0:
        k -= 1
        tok = toks[k]
        if _is_emphasis(tok) and tok.text[0] == toks[i].text[0]:
            start = k
        elif tok.kind != TEXT or tok.text:
            break
    return start


def _run_length(toks: list[Tok], i: int) -> int:
    return sum(len(toks[k].text) for k in _run(toks, _run_start(toks, i)))


def _could_close_around(toks: list[Tok], enclosing: list[int], i: int) -> bool:
    """True when the run at ``i``, if it can close, would close a span open around it.

    CommonMark's rule of 3 keeps ``**a*b*c**`` right (run lengths 2 + 1 make 3), but
    ``***a**b…`` would close the ``**`` early.
    """
    length = _run_length(toks, i)
    for k in enclosing:
        if toks[k].kind == OPEN:
            other = _run_length(toks, k)
            if (length + other) % 3 or (length % 3 == 0 and other % 3 == 0):
                return True
    return False


def _edge(text: str) -> int:
    """How many leading characters are punctuation or whitespace."""
    n = 0
    while n < len(text) and (_punct(text[n]) or text[n].isspace()):
        n += 1
    return n


def _drop(toks: list[Tok], pairs: dict[int, int], k: int) -> int:
    """Drop the span whose delimiter is ``toks[k]``; return where to check again."""
    partner = pairs[k]
    toks[k] = toks[partner] = Tok(TEXT)
    return _run_start_near(toks, min(k, partner))


def _run_start_near(toks: list[Tok], i: int) -> int:
    k = i
    while k > 0 and (
        (toks[k - 1].kind == TEXT and not toks[k - 1].text) or _is_emphasis(toks[k - 1])
    ):
        k -= 1
    return k


def _fix_emphasis(toks: list[Tok], br: str) -> list[Tok]:
    """Make every emphasis span one CommonMark reads as such, or drop its delimiters.

    A run of delimiters must flank its text the CommonMark way: an opening ``**``
    before a letter, or before punctuation only when punctuation or a space precedes
    it. Punctuation at the edge of a span moves out of it (``**标题：**正文`` becomes
    ``**标题**：正文``); a span whose edge is a link or an image, where that is not
    enough, loses its delimiters. ``br`` is what a break becomes: ``""`` (a line end)
    or ``"<br>"``. Each fix is local, so a long paragraph costs about linear time.
    """
    toks = _padded(_tidy(toks))
    pairs = _partners(toks)
    enclosing = _enclosing(toks, pairs)
    i = 0
    while i < len(toks):
        if not _is_emphasis(toks[i]):
            i += 1
            continue
        run = _run(toks, i)
        j = run[-1]
        kinds = [toks[k].kind for k in run]
        before, after = _char_before(toks, i, br), _char_after(toks, j, br)
        if OPEN in kinds and CLOSE in kinds:  # "*a***b**": drop the later span's delimiters
            i = _drop(toks, pairs, run[kinds.index(OPEN)])
        elif kinds[0] == OPEN and not _left_flanking(before, after):
            at = _filled(toks, j, 1)
            nxt = toks[at]
            n = _edge(nxt.text) if nxt.kind == TEXT else 0
            if n:  # move the punctuation before the run; the run before may need it
                toks[i - 1] = Tok(TEXT, toks[i - 1].text + nxt.text[:n])
                toks[at] = Tok(TEXT, nxt.text[n:])
                i = _drop_empty(toks, pairs, run, _run_start_near(toks, i))
            else:
                i = _drop(toks, pairs, j)
        elif (
            kinds[0] == OPEN
            and _right_flanking(before, after)
            and _could_close_around(toks, enclosing.get(j, []), j)
        ):
            i = _drop(toks, pairs, j)  # it could close the span around it
        elif kinds[0] == CLOSE and not _right_flanking(before, after):
            at = _filled(toks, i, -1)
            prev = toks[at]
            n = _edge(prev.text[::-1]) if prev.kind == TEXT else 0
            if n:  # move the punctuation after the run
                toks[at] = Tok(TEXT, prev.text[:-n])
                toks[j + 1] = Tok(TEXT, prev.text[-n:] + toks[j + 1].text)
                i = _drop_empty(toks, pairs, run, i)
            else:
                i = _drop(toks, pairs, i)
        else:
            i = j + 1
    return _merge_text(toks)


def _filled(toks: list[Tok], i: int, step: int) -> int:
    """The index of the first token from ``i`` in direction ``step`` that is not empty text."""
    k = i + step
    while 0 <= k + step < len(toks) and toks[k].kind == TEXT and not toks[k].text:
        k += step
    return k


def _drop_empty(toks: list[Tok], pairs: dict[int, int], run: list[int], i: int) -> int:
    """After moving text out of spans, drop those left empty; return where to check again."""
    for k in run:
        if toks[k].kind == TEXT:
            continue
        a, b = sorted((k, pairs[k]))
        if all(t.kind == TEXT and not t.text for t in toks[a + 1 : b]):
            return _drop(toks, pairs, k)
    return i


def _caption_break(toks: list[Tok]) -> list[Tok]:
    """Put the text after an image that opens a paragraph on a line of its own.

    ``![](a.jpg)图为…`` reads better as the image, a hard break, then its caption; the
    text is the same (the text output drops the empty line an image leaves).
    """
    first = next((i for i, t in enumerate(toks) if t.kind != TEXT or t.text.strip()), None)
    if first is None or toks[first].kind != ATOM or not toks[first].text.startswith("!["):
        return toks
    rest = toks[first + 1 :]
    after = next((t for t in rest if t.kind != TEXT or t.text.strip()), None)
    if after is None or after.kind in (BREAK, ATOM):
        return toks
    return [*toks[: first + 1], Tok(BREAK), *rest]


def _bang_at_end(text: str) -> bool:
    """True when ``text`` ends with a "!" that no backslash escapes."""
    if not text.endswith("!"):
        return False
    body = text[:-1]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 0


def _lines(toks: list[Tok], *, trim: bool = True, br: str = "") -> list[str]:
    """Render a run of inline tokens to Markdown lines (hard breaks split lines).

    With ``trim``, empty lines go at both ends and never come two in a row, as in the
    text output's blocks. A table cell keeps its breaks: the text output splits a row
    at each of them, and so it must find them in the rendered Markdown.
    """
    toks = _collapsed(toks)
    if trim:
        toks = _caption_break(toks)
    toks = _join_code(_fix_emphasis(_code_spans(_strip_lines(toks)), br))
    lines: list[str] = []
    current: list[str] = []
    for tok in toks:
        if tok.kind == BREAK:
            lines.append("".join(current))
            current = []
            continue
        if tok.kind == OPEN and tok.text == LINK and current and _bang_at_end(current[-1]):
            current[-1] = current[-1][:-1] + "\\!"  # "![" would open an image
        current.append(_rendered(tok))
    lines.append("".join(current))
    if not trim:
        return lines if any(lines) or len(lines) > 1 else []
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return out


def _paragraph(toks: list[Tok]) -> list[str]:
    """A paragraph block from inline tokens (none if they hold no content)."""
    if all(tok.kind == TEXT and (not tok.text or tok.text.isspace()) for tok in toks):
        return []  # the whitespace between blocks
    lines = [_escape_line_start(line) for line in _lines(toks)]
    return ["\\\n".join(lines)] if lines else []


def _one_line(toks: list[Tok], *, trim: bool = True) -> str:
    """Inline tokens as one line (headings, table cells): breaks become ``<br>``."""
    return "<br>".join(_lines(toks, trim=trim, br="<br>"))
