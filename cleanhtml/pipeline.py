"""Run rules over a document. No I/O."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from lxml import etree

from cleanhtml import census as census_
from cleanhtml.rule import Context, Rule
from cleanhtml.rules.markup import opt_out_marker
from cleanhtml.treeops import TEXTS

if TYPE_CHECKING:
    from cleanhtml.document import Document

Protected = list[tuple[etree._Element, etree._Element]]


def _marker(node: etree._Element) -> str | None:
    if not isinstance(node, etree._Comment):
        return None
    match = opt_out_marker().match(node.text or "")
    return match.group(1) if match else None


def protect(root: etree._Element) -> Protected:
    """Move what stands between ``cleanhtml: off`` and ``cleanhtml: on`` out of the tree.

    The nodes (and text) after an ``off`` marker, up to the ``on`` marker with the same
    parent or the parent's end, go into a detached holder, so no rule sees them;
    :func:`restore` puts them back unchanged after the rules ran. An ``off`` marker
    inside a region already taken out is left where it is (its region went with it):
    each node moves once, so thousands of unbalanced markers cost no more than one.
    """
    protected: Protected = []
    top = root.getroottree().getroot()
    for comment in list(root.iter(etree.Comment)):
        if _marker(comment) != "off" or comment.getparent() is None:
            continue
        if protected and not _in_tree(comment, top):
            continue
        holder = etree.Element("protected")
        holder.text, comment.tail = comment.tail, None
        sibling = comment.getnext()
        while sibling is not None and _marker(sibling) != "on":
            following = sibling.getnext()
            holder.append(sibling)  # moves it, with its tail
            sibling = following
        protected.append((comment, holder))
    return protected


def _in_tree(node: etree._Element, top: etree._Element) -> bool:
    """True when ``node`` is under ``top`` (not in a holder :func:`protect` made)."""
    ancestor = node.getparent()
    while ancestor is not None:
        if ancestor is top:
            return True
        ancestor = ancestor.getparent()
    return False


def restore(protected: Protected) -> None:
    """Put back what :func:`protect` took out, right after each ``off`` marker."""
    for comment, holder in protected:
        comment.tail = holder.text
        if comment.getparent() is None:
            continue
        previous = comment
        for node in list(holder):
            previous.addnext(node)  # moves it, with its tail; no index walk
            previous = node


_CJK_LEAD_BYTES = range(0xE4, 0xEA)  # UTF-8 of U+4E00-U+9FFF
"""Lead bytes of CJK ideographs in UTF-8, as ints: ``int in bytes`` is a ``memchr``,
while ``bytes in bytes`` first tries its needle as an int and formats the TypeError
(~1,000 instructions a test; :meth:`Needles._in_lowered` uses ``find`` for that)."""


# Only numeric references: libxml2 knows the HTML 4 named entities, and the only ones
# that spell a character a needle may hold (ASCII, CJK) are &lt; &gt; &amp; &quot; &apos;,
# which no needle contains or the serializer writes back escaped.
_REFERENCE = re.compile(rb"&#")
LOWERED_COPY_MAX = 8 << 20
"""Inputs up to this size (bytes) are searched in one lower-cased copy of them."""
_WINDOW = 1 << 20
_AROUND = 64  # bytes kept each side of a character reference: longer than any needle spelled out
# A numeric reference as html.unescape reads it (the decimal or hex digits, ``;`` optional).
_NUMERIC_REFERENCE = re.compile(rb"&#(?:[0-9]+|[xX][0-9a-fA-F]+);?")
_NAMED_REFERENCE = re.compile(rb"&[A-Za-z][A-Za-z0-9]{0,31};?")
"""A named reference as html.unescape reads it (one inside a stretch is decoded too)."""
_ANYTHING = "\x00"  # in the spelled set: any character may be spelled
"""What the named references inside a decoded stretch can spell (see ``_REFERENCE``)."""
_ANYTHING_SET = frozenset(_ANYTHING)
_SPELLS: dict[bytes, frozenset[str]] = {}
"""What each reference met so far spells (see :func:`_spells`); the same few recur."""
_CACHE_LIMIT = 4096


def _spells(reference: bytes) -> frozenset[str]:
    """The characters ``reference`` (``&#123;``, ``&amp;``) reads as, ASCII ones also
    lower-cased, or :data:`_ANYTHING` for one that reads as nothing (``&#xFDD0;``: its
    neighbours meet)."""
    known = _SPELLS.get(reference)
    if known is None:
        text = _ordinary_character(reference)
        if text is None:
            import html  # only here: html.entities is a large table to load

            text = html.unescape(reference.decode("ascii"))
        known = frozenset(text + text.lower()) if text else _ANYTHING_SET
        if len(_SPELLS) >= _CACHE_LIMIT:
            _SPELLS.clear()
        _SPELLS[reference] = known
    return known


def _ordinary_character(reference: bytes) -> str | None:
    """The character a numeric reference to an ordinary one spells (``&#123;`` is
    ``{``, ``&#x4e2d`` is ``中``: printable ASCII, or U+00A0 to U+FDCF but surrogates),
    as :func:`html.unescape` reads it; None for any other reference, which html.unescape
    reads. Most posts hold only such references (``&#123;`` in a Sina style block), and
    importing :mod:`html` loads its table of named references: 3% of a one-post run."""
    digits = reference[2:].rstrip(b";")
    if not reference.startswith(b"&#") or not 0 < len(digits) <= 7:
        return None
    if digits[:1] in (b"x", b"X"):
        hex_digits = digits[1:]
        if not hex_digits or hex_digits.strip(b"0123456789abcdefABCDEF"):
            return None
        number = int(hex_digits, 16)
    elif digits.isdigit():
        number = int(digits)
    else:
        return None
    if 0x20 <= number < 0x7F or 0xA0 <= number < 0xD800 or 0xE000 <= number < 0xFDD0:
        return chr(number)
    return None


_SEARCHED_WHOLE = 8192
"""Up to this many bytes from the first ``&`` on, :func:`_references_in` leaves them to
the engine at once."""


def _references_in(source: bytes) -> set[bytes]:
    """The numeric references of ``source`` (``set(_NUMERIC_REFERENCE.findall(source))``)
    and, when there is one, its named ones too (``_NAMED_REFERENCE``'s): what
    :meth:`Needles._spelled_out` reads. Each ``&`` is found with a ``memchr`` and a
    numeric reference matched there (the regex engine, or a search for two bytes,
    would test every byte of ``source``); past one ``&`` in 256 bytes, the engine
    finishes the scan (a Python step per ``&`` would cost more). The other ``&`` are
    noted and the named references matched at those alone (a reference holds no
    ``&``, so each starts at one), not in a second walk: a post's few references are
    all numeric (``&#123;`` in its style block). Where the compiled census walk is
    loaded, its ``references`` does the same in C (each ``&`` a ``memchr`` and a few
    byte tests: ~75 us a bench page of Python steps and regex scans before)."""
    fast = census_._fast_references
    if fast is not None:
        return fast(source)
    found: set[bytes] = set()
    others: list[int] = []
    at = source.find(b"&")
    # from the first "&" on, a short rest is left to the engine at once (a Python step
    # a "&" costs what the engine spends on ~1,000 bytes; a post's few references stand
    # in its style block, near its end)
    budget = 0 if at >= 0 and len(source) - at <= _SEARCHED_WHOLE else len(source) >> 8
    while at >= 0:
        if budget <= 0:  # many: the engine finishes the scans
            found.update(_NUMERIC_REFERENCE.findall(source, at))
            if found:
                found.update(_NAMED_REFERENCE.findall(source, at))
            break
        budget -= 1
        if source[at + 1 : at + 2] == b"#":
            match = _NUMERIC_REFERENCE.match(source, at)
            if match is not None:
                found.add(match.group())
                at = source.find(b"&", match.end())
                continue
        else:
            others.append(at)
        at = source.find(b"&", at + 1)
    if found:
        for at in others:
            match = _NAMED_REFERENCE.match(source, at)
            if match is not None:
                found.add(match.group())
    return found


_ENCODED: dict[str, tuple[bytes, bool, bool]] = {}
"""Each needle met so far as UTF-8, whether that is ASCII, and whether it holds an
ASCII letter."""


def _encoded(needle: str) -> tuple[bytes, bool, bool]:
    known = _ENCODED.get(needle)
    if known is None:
        raw = needle.encode("utf-8")
        known = raw, raw.isascii(), raw.lower() != raw.upper()
        if len(_ENCODED) >= _CACHE_LIMIT:
            _ENCODED.clear()
        _ENCODED[needle] = known
    return known


DECODED_MAX = 1 << 20
"""Inputs up to this size (bytes) are decoded once for the needles with non-ASCII
characters (see :meth:`Needles._text`); a larger one is searched as bytes (memory)."""


class Needles:
    """Answers "does the input contain this needle?" with one cached scan per needle.

    The input is lower-cased once (ASCII only, in C). A needle with CJK characters is
    looked for only when the input holds a byte that starts a CJK ideograph in UTF-8
    (a ``memchr`` per lead byte), so Chinese-text rules cost next to nothing on pages
    without Chinese. Text spelled with character references (``&#x4e2d;``, ``stock&#95;``)
    is found too: the stretches around each reference are decoded and searched as well,
    so a needle the serializer will write out plainly is never missed (which would make
    a second cleaning do more than the first). Named entities never spell one (see
    ``_REFERENCE``), so only numeric references are decoded.
    """

    def __init__(
        self, doc: Document | None, rules: Sequence[Rule] = (), *, source: bytes | None = None
    ) -> None:
        self._doc = doc
        self._rules = rules  # their needles are likely asked: one scan answers them all
        self._raw: bytes | None = source  # (given: the body's UTF-8 bytes, without a doc)
        self._size: int | None = None
        self._settled = False
        self._haystack: bytes | None = None
        self._seen: dict[str, bool] = {}
        self._cjk: bool | None = None
        self._decoded: bytes | None = None
        self._spelled: frozenset[str] | None = None
        self._window_found: dict[bytes, bool] = {}
        self._decoded_text: str | None = None
        self._added: str | None = None

    @property
    def size(self) -> int:
        """The size in bytes of what the rules clean (the body, as UTF-8)."""
        if self._size is None:
            self._size = len(self._source())
        return self._size

    def settle(self) -> None:
        """Answer every needle of the rules (and :meth:`has_cjk`, :attr:`size`) now, then
        let the input go: :func:`cleanhtml.document.load` does this before a large
        input is freed. A needle asked later that no rule names is taken as present:
        a needle only gates work, so that costs time, never an edit."""
        self._size = len(self._source())
        self.has_cjk()
        for rule in self._rules:
            for needle in rule.needles:
                self.__contains__(needle)
        self._settled = True
        self._raw = self._haystack = self._decoded = None

    @property
    def haystack(self) -> bytes:
        """The input as UTF-8 bytes, ASCII-lower-cased (made on first use)."""
        if self._haystack is None:
            self._haystack = self._source().lower()
        return self._haystack

    def _in_lowered(self, raw: bytes, lettered: bool = True, chars: str | None = None) -> bool:
        """True when ``raw`` occurs in the ASCII-lower-cased input. A needle without
        ASCII letters (``lettered`` False: Chinese ones) is looked for in the input as it
        is (lower-casing changes only letters), so an input asked only such needles is
        never copied lower-cased; ``chars``, the needle as text, given for a non-ASCII
        one, is looked for in the decoded input (see :meth:`_text`). An input larger
        than :data:`LOWERED_COPY_MAX` is not copied lower-cased whole (that copy was as
        large as the input, for the whole cleaning): it is lower-cased a window at a
        time, for every needle not answered yet of the rules', in one pass."""
        source = self._source()
        if not lettered:
            if chars is None:  # (ASCII: found as fast in the bytes)
                return source.find(raw) >= 0  # (see _CJK_LEAD_BYTES: not ``in``)
            text = self._text()
            return source.find(raw) >= 0 if text is None else chars in text
        if len(source) <= LOWERED_COPY_MAX:
            return self.haystack.find(raw) >= 0
        if raw != raw.lower():
            return False  # (a lower-cased input holds no capital)
        if raw in source or not any(97 <= byte <= 122 for byte in raw):
            return raw in source  # lower-casing changes only letters
        found = self._window_found
        if raw not in found:
            pending = {raw} | {
                needle
                for needle in (n.encode("utf-8") for rule in self._rules for n in rule.needles)
                if needle not in found and needle == needle.lower()
            }
            for needle in pending:
                found[needle] = False
            longest = max(map(len, pending))
            for start in range(0, len(source), _WINDOW):
                window = source[start : start + _WINDOW + longest - 1].lower()
                for needle in pending:
                    if not found[needle] and needle in window:
                        found[needle] = True
        return found[raw]

    def _text(self) -> str | None:
        """The input decoded, for a needle with non-ASCII characters (None when the
        input is over :data:`DECODED_MAX` bytes or not valid UTF-8).

        CPython looks for a CJK character in UTF-8 bytes at ~11 instructions a byte
        (its skip table fails on bytes that every CJK character shares); in the
        decoded text, at well under one a character (a ``memchr``), so one decoding
        pays for itself by the second needle missed. The two answers agree: in valid
        UTF-8 a needle's bytes can only match whole characters (a lead byte is never
        a continuation byte), so the bytes hold the needle exactly when the text does.
        """
        if self._decoded_text is None:
            doc = self._doc
            if doc is not None and doc.body is None and doc.decoded is not None:
                source = self._source()  # (decoded as it was loaded, if small enough)
                if len(source) <= DECODED_MAX:
                    self._decoded_text = doc.decoded
                    return self._decoded_text or None
            source = self._source()
            self._decoded_text = ""  # (none: the bytes are searched)
            if len(source) <= DECODED_MAX:
                with contextlib.suppress(UnicodeDecodeError):
                    self._decoded_text = source.decode("utf-8")
        return self._decoded_text or None

    def _source(self) -> bytes:
        if self._raw is None:
            self._raw = self._read_source()
        return self._raw

    def _read_source(self) -> bytes:
        """The body's UTF-8 bytes (never the front matter, which no rule cleans)."""
        doc = self._doc
        assert doc is not None and not self._settled
        if doc.body is None:  # the body is the input's own bytes, unrepaired
            return doc.source[doc.body_start :] if doc.body_start else doc.source
        # re-encoded, or repaired on loading (NULs removed, ...): the text the tree holds
        return doc.body.encode("utf-8", errors="replace")

    def _references(self) -> bytes:
        """The decoded stretches around character references (empty when there are none)."""
        if self._decoded is None:
            spans: list[list[int]] = []
            source = self._source()
            for match in _REFERENCE.finditer(source):
                start, end = max(0, match.start() - _AROUND), match.end() + _AROUND
                if spans and start <= spans[-1][1]:
                    spans[-1][1] = end
                else:
                    spans.append([start, end])
            text = " ".join(source[a:b].decode("utf-8", "ignore") for a, b in spans)
            self._decoded = b""
            if text:
                import html  # only for inputs with character references

                self._decoded = html.unescape(text).encode("utf-8", "replace").lower()
        return self._decoded

    def _spelled_out(self) -> frozenset[str]:
        """The characters the input's numeric references spell (ASCII ones also
        lower-cased): a needle holding none of them is never found in a stretch around
        a reference but where the plain input holds it too."""
        if self._spelled is None:
            source = self._source()
            # a stretch around a numeric one may hold named ones: what they spell counts
            found = _references_in(source)
            spelled: frozenset[str] = frozenset()
            if found:
                if max(map(len, found)) > _AROUND // 2:  # (one, at least)
                    spelled = _ANYTHING_SET  # cut by its stretch: may read as anything there
                else:
                    spelled = frozenset().union(*map(_spells, found))
            self._spelled = spelled
        return self._spelled

    def _may_be_spelled(self, needle: str) -> bool:
        """True when ``needle`` may stand in the input only spelled with references."""
        spelled = self._spelled_out()
        if not spelled:
            return False
        return _ANYTHING in spelled or not spelled.isdisjoint(needle)

    def has_cjk(self) -> bool:
        """True when the input may hold CJK ideographs."""
        if self._cjk is None:
            source = self._source()
            self._cjk = False
            for lead in _CJK_LEAD_BYTES:  # (a loop: see Needles.any)
                if lead in source:
                    self._cjk = True
                    break
            if not self._cjk:
                # the input's own bytes hold none: only a reference can spell one, and
                # what each spells is known (no named entity spells one; a stretch cut
                # in a named reference decodes to Latin-1): U+4000-U+9FFF are the
                # characters whose UTF-8 starts with a lead byte, so the stretches
                # need decoding only when a reference may spell anything
                spelled = self._spelled_out()
                if _ANYTHING in spelled:
                    self._cjk = any(lead in self._references() for lead in _CJK_LEAD_BYTES)
                else:
                    self._cjk = any("\u4000" <= c <= "\u9fff" for c in spelled)
        return self._cjk

    def __contains__(self, needle: object) -> bool:
        if not isinstance(needle, str):
            return False
        found = self._seen.get(needle)
        if found is None:
            if self._settled:
                return True  # (not one of the rules': see settle)
            raw, ascii_only, lettered = _ENCODED.get(needle) or _encoded(needle)
            text, spelled, cjk = self._decoded_text, self._spelled, self._cjk
            if text and spelled is not None and cjk is not None and not (ascii_only or lettered):
                # a needle of CJK characters once the first one was asked: what
                # has_cjk, _in_lowered and _may_be_spelled answer, without their calls
                found = (
                    cjk
                    and (
                        needle in text
                        or (
                            bool(spelled)
                            and (_ANYTHING in spelled or not spelled.isdisjoint(needle))
                            and self._references().find(raw) >= 0
                        )
                    )
                ) or (self._added is not None and needle in self._added)
                self._seen[needle] = found
                return found
            found = (
                (ascii_only or self.has_cjk())
                and (
                    self._in_lowered(raw, lettered, None if ascii_only else needle)
                    or (self._may_be_spelled(needle) and self._references().find(raw) >= 0)
                )
            ) or (self._added is not None and needle in self._added)
            self._seen[needle] = found
        return found

    def any(self, needles: Sequence[str]) -> bool:
        """True when at least one of ``needles`` occurs."""
        for needle in needles:  # noqa: SIM110 (a loop: any() over a generator costs more)
            if needle in self:
                return True
        return False

    def add(self, text: str) -> None:
        """Search ``text`` too from now on: markup a rule put in the tree that the input
        spells otherwise (an article held in a script, escaped for JavaScript or JSON),
        so that a rule is never skipped on this run for text a second run would see."""
        if "&" in text:  # its references too, as the parser read them (&#19979; is 下)
            import html

            text = f"{text}\n{html.unescape(text)}"
        lowered = text.lower()
        self._added = lowered if self._added is None else f"{self._added}\n{lowered}"
        self._seen = {needle: True for needle, found in self._seen.items() if found}
        if any("\u4000" <= char <= "\u9fff" for char in text):
            self._cjk = True


_last_names: tuple[Sequence[Rule], frozenset[str], int] = ((), frozenset(), 0)


def _names(rules: Sequence[Rule]) -> tuple[frozenset[str], int]:
    """The names of ``rules``, and the index of the first rule after the last safety
    rule (remembered for the last list: a batch passes the same one)."""
    global _last_names
    if _last_names[0] is not rules:
        after = max((i + 1 for i, rule in enumerate(rules) if rule.group == "safety"), default=0)
        _last_names = (rules, frozenset(rule.name for rule in rules), after)
    return _last_names[1], _last_names[2]


_last_hidden: tuple[Sequence[Rule], str | None, frozenset[int]] = ((), None, frozenset())


def _hidden(rules: Sequence[Rule], to: str | None) -> frozenset[int]:
    """The positions in ``rules`` of those hidden in format ``to`` (see
    :attr:`Rule.hidden_in`), remembered for the last list and format."""
    global _last_hidden
    if _last_hidden[0] is not rules or _last_hidden[1] != to:
        at = frozenset(i for i, rule in enumerate(rules) if to is not None and to in rule.hidden_in)
        _last_hidden = (rules, to, at)
    return _last_hidden[2]


def run(
    doc: Document,
    rules: Sequence[Rule],
    ctx: Context | None = None,
    *,
    to: str | None = None,
    skipped: list[Rule] | None = None,
) -> dict[str, int]:
    """Apply ``rules`` to ``doc`` in order; return the edit count of each rule that edited.

    With ``to`` (an output format) and ``skipped`` (a list), a rule whose edits cannot
    show in that format (:attr:`Rule.hidden_in`, unless the tree holds one of its
    :attr:`Rule.shown_with`) is not applied but added to ``skipped`` when it would
    have run; a document with opt-out regions applies every rule.
    """
    ctx = ctx if ctx is not None else Context()
    edits: dict[str, int] = {}
    needles = doc.needles if doc.needles is not None else Needles(doc, rules)
    census = doc.census if doc.census is not None else census_.take(doc.root)
    doc.census = census
    ctx.needles, ctx.census = needles, census
    selected, after_safety = _names(rules)
    ctx.selected = selected
    ctx.shared = {TEXTS: {}}
    ctx.reshaped = []
    protected: Protected | None = None
    # (sheltered regions would have to be sheltered again to apply a rule late)
    hidden = _hidden(rules, to) if skipped is not None and not census.opt_out else frozenset()
    for at, rule in enumerate(rules):
        # the input cannot opt out of the safety rules: protect only after them (a rule
        # running before them, which reads a page script, does not protect either)
        if protected is None and at >= after_safety:
            protected = protect(doc.root) if census.opt_out else []
        # read each time: a rule that grafts parsed markup takes the census again
        if rule.tags and census.tags.isdisjoint(rule.tags):
            continue
        if rule.attributes and census.attributes.isdisjoint(rule.attributes):
            continue
        if rule.needs_cjk and not (needles._cjk or needles.has_cjk()):
            continue
        if rule.needles and not needles.any(rule.needles):
            continue
        if at in hidden and (not rule.shown_with or census.tags.isdisjoint(rule.shown_with)):
            skipped.append(rule)  # type: ignore[union-attr]  # (hidden: skipped is a list)
            continue
        ctx.rule = rule.name
        ctx.deferred = bool(rule.defers_to) and not selected.isdisjoint(rule.defers_to)
        count = rule.apply(doc.root, ctx)
        if count:
            ctx.shared[TEXTS] = {}  # what the rules read of the tree may have changed
            edits[rule.name] = count
            if rule.reshapes and not rule.records_reshapes:
                ctx.reshaped = None  # moved things without saying where
    restore(protected or [])
    return edits


def apply_skipped(
    doc: Document, rules: Sequence[Rule], skipped: list[Rule], ctx: Context, edits: dict[str, int]
) -> None:
    """Apply ``skipped`` (the rules :func:`run` left out for their format) to ``doc`` now,
    in table order, adding their edits to ``edits`` (kept in the order of ``rules``).

    No later rule reads what they edit and none of them reshapes (see
    :attr:`Rule.hidden_in`), so the tree is then the one a run applying every rule
    leaves; their counts are of what they find now (fewer, where a later rule took
    an element they would have edited).
    """
    ctx.shared[TEXTS] = {}
    selected = ctx.selected
    late: dict[str, int] = {}
    for rule in skipped:
        if rule.records_only:
            continue  # (edits nothing: what it records no format but json reads)
        ctx.rule = rule.name
        ctx.deferred = bool(rule.defers_to) and not selected.isdisjoint(rule.defers_to)
        count = rule.apply(doc.root, ctx)
        if count:
            ctx.shared[TEXTS] = {}
            late[rule.name] = count
    if late:
        merged = {**edits, **late}
        edits.clear()
        edits.update((rule.name, merged[rule.name]) for rule in rules if rule.name in merged)
