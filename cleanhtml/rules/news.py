"""News-site boilerplate: stock-quote links, promo blocks, editor footers.

The rules also record what they see in ``ctx.meta`` (stock codes, the editor's name,
the original title and the source), so metadata needs no second parse.

These rules know the shapes Sina Finance (and the many feeds copied from it) wrap
around an article. Each removes or unwraps by what a thing *is* (its class, its
link target, its whole text), never by the tag alone.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import NamedTuple, cast

from lxml import etree

from cleanhtml.census import Census, attached, iter_tags, xml_tokens
from cleanhtml.rule import Context, rule
from cleanhtml.treeops import (
    WHITESPACE,
    Finder,
    compact_text,
    drop,
    drop_all,
    find,
    has_any_phrase,
    has_phrase,
    holds,
    in_order,
    is_blank,
    outermost,
    test,
    text_known,
    text_of,
    unwrap_all,
    whole_text,
)

# Quote pages a stock keyword links to, in the URL forms Sina uses.
QUOTE_URL_PARTS = (
    "finance.sina.com.cn/realstock/",
    "stock.finance.sina.com.cn/usstock/quotes/",
    "stock.finance.sina.com.cn/hkstock/quotes/",
    "finance.sina.com.cn/fund/quotes/",
    "finance.sina.com.cn/futures/quotes/",
    "biz.finance.sina.com.cn/suggest/lookup",
    "finance.sina.com.cn/q/",
)
_HREF_TEST = " or ".join(f"contains(@href, '{part}')" for part in QUOTE_URL_PARTS)
# Three queries, not one union: libxml2 merges node-sets of a union pairwise, in time
# that grows with the product of their sizes.
_STOCK_SPAN = (
    "starts-with(@id, 'stock_') or starts-with(@id, 'usstock_') or starts-with(@id, 'hkstock_')"
)
# Each query reads the attribute first (``//span/@id[test]/..``): libxml2 then tests
# only the elements that have it, many times faster than ``//span[test(@id)]``.
_STOCK_WRAPPER_QUERIES = (
    find(f"descendant-or-self::span/@id[{_STOCK_SPAN.replace('@id', '.')}]/.."),
    find(
        "descendant-or-self::a/@class[contains(concat(' ', normalize-space(.), ' '), ' keyword ')]"
        f"/parent::*[ancestor::span[{_STOCK_SPAN}]]"
    ),
    find(f"descendant-or-self::a/@href[{_HREF_TEST.replace('@href', '.')}]/.."),
)
_SPAN_MARKETS = {"stock_": "", "usstock_": "us", "hkstock_": "hk"}
_US_MARKETS = frozenset({"oq", "o", "n", "nq", "a", "us"})


def stock_code(market: str, symbol: str) -> str:
    """One form for every market: ``sz300959``, ``sh600000``, ``hk00700``, ``usJPM``.

    ``market`` is a prefix or exchange suffix as pages write it (``sz``, ``HK``, ``OQ``
    for NASDAQ, ``N`` for NYSE, ``us``); US symbols are upper-cased.
    """
    key = market.lower()
    if key in _US_MARKETS:
        return "us" + symbol.upper()
    return key + symbol


def _span_code(span_id: str) -> str:
    for prefix, market in _SPAN_MARKETS.items():
        if span_id.startswith(prefix):
            rest = span_id[len(prefix) :]
            return stock_code(market, rest) if market else rest
    return span_id


_STOCK_PREFIXES = ("stock_", "usstock_", "hkstock_")


def _is_stock_id(value: str) -> bool:
    return value.startswith(_STOCK_PREFIXES)


def _any_starting(values: Iterable[str], prefix: str | tuple[str, ...]) -> bool:
    """True when one of ``values`` starts with ``prefix`` (or one of them)."""
    for value in values:  # noqa: SIM110 (a loop: any() over a generator costs more)
        if value.startswith(prefix):
            return True
    return False


def _is_keyword_class(value: str) -> bool:
    return "keyword" in xml_tokens(value)


def _in_stock_span(el: etree._Element) -> bool:
    for above in el.iterancestors():  # (a loop: any() over a generator costs more)
        if above.tag == "span" and _is_stock_id(above.get("id") or ""):
            return True
    return False


def _stock_wrappers(root: etree._Element, census: Census | None = None) -> list[etree._Element]:
    """The stock spans and quote links under ``root``, in document order. With the
    census, the spans and keyword links are read from its lists and the quote links
    from the links (each query was a walk of the whole tree)."""
    spans = keywords = None
    if census is not None:
        spans = census.elements_with(root, "id", _is_stock_id, ("span",))
        keywords = census.elements_with(root, "class", _is_keyword_class, ("a",))
    if spans is None or keywords is None:
        found = {el for query in _STOCK_WRAPPER_QUERIES for el in query(root)}
    else:
        found = {*spans, *(el for el in keywords if _in_stock_span(el))}
        for link in root.iter("a"):
            href = link.get("href") or ""
            for part in QUOTE_URL_PARTS:
                if part in href:
                    found.add(link)
                    break
    if not found:
        return []
    return [el for el in root.iter("span", "a") if el in found]


_QUOTE_PLACEHOLDERS = find("descendant-or-self::span/@id[starts-with(., 'quote_')]/..")


# Patterns are compiled when first used, once per process (see cleanhtml.rules).
@functools.cache
def _foreign_quote_href() -> re.Pattern[str]:
    """A US or Hong Kong quote page: ``.../usstock/quotes/JPM.html`` is ``usJPM``."""
    return re.compile(r"/(us|hk)stock/quotes/([0-9A-Za-z]{1,12})(?:[./?#]|$)")


@functools.cache
def _code_in_href() -> re.Pattern[str]:
    """The stock code in a quote page's URL."""
    return re.compile(r"/(?:realstock/company|quotes)/([A-Za-z]{0,3}[0-9A-Za-z.]+?)(?:/|\.html|$)")


_APP_PROMO_CLASSES = ("appendQr", "kaihu-qr")
_APP_PROMO_IDS = ("kaihu-qr",)
_APP_PROMO_QUERIES = (
    find("descendant-or-self::*/@class[contains(., 'appendQr') or contains(., 'kaihu-qr')]/.."),
    find("descendant-or-self::*/@id[contains(., 'kaihu-qr')]/.."),
)


def _is_promo_class(value: str) -> bool:
    return "appendQr" in value or "kaihu-qr" in value  # _APP_PROMO_CLASSES


def _is_promo_id(value: str) -> bool:
    return "kaihu-qr" in value  # _APP_PROMO_IDS


def _is_app_promo(el: etree._Element) -> bool:
    """``contains(@class, 'appendQr') or contains(@class, 'kaihu-qr') or contains(@id,
    'kaihu-qr')``."""
    return _is_promo_class(el.get("class") or "") or _is_promo_id(el.get("id") or "")


def _app_promos(root: etree._Element, census: Census | None = None) -> list[etree._Element]:
    """What ``//*[promo][not(ancestor::*[promo])]`` selects, the attributes read first:
    the outermost of the promos under ``root``, none when one holds ``root``. A query
    whose attribute values the census never saw is not run."""
    queries: tuple[Finder, ...] = _APP_PROMO_QUERIES
    listed = None
    if census is not None:
        classes = census.elements_with(root, "class", _is_promo_class)
        ids = census.elements_with(root, "id", _is_promo_id)
        if classes is not None and ids is not None:
            listed = in_order(root, classes, ids)
    if listed is not None:
        found = listed
    elif census is not None:
        queries = tuple(
            query
            for query, names, values in (
                (queries[0], _APP_PROMO_CLASSES, census.classes),
                (queries[1], _APP_PROMO_IDS, census.ids),
            )
            if any(name in value for value in values for name in names)
        )
        found = in_order(root, *(query(root) for query in queries))
    else:
        found = in_order(root, *(query(root) for query in queries))
    if not found:
        return []
    for above in root.iterancestors():
        if _is_app_promo(above):
            return []
    return outermost(found)


_SINAADS = "contains(concat(' ', normalize-space(@class), ' '), ' sinaads ')"
_AD_SLOT_QUERIES = (
    find(f"descendant-or-self::*/@class[{_SINAADS.replace('@class', '.')}]/.."),
    find("descendant-or-self::*/@data-ad-pdps/.."),
)
_IN_AD_SLOT = test(f"ancestor::*[{_SINAADS} or @data-ad-pdps]")


def _ad_slots(root: etree._Element) -> list[etree._Element]:
    """What ``//*[slot][not(ancestor::*[slot])]`` selects, the attributes read first."""
    found = in_order(root, *(query(root) for query in _AD_SLOT_QUERIES))
    return [el for el in found if not _IN_AD_SLOT(el)]


# Phrases that open a promo box; checked on the block's whole text.
RELATED_PHRASES = (
    "相关新闻", "相关阅读", "相关报道", "相关文章", "延伸阅读", "推荐阅读", "热门推荐",
    "热点推荐", "更多精彩", "往期回顾",
)  # fmt: skip
_RELATED = f"(?:{'|'.join(RELATED_PHRASES)})"


@functools.cache
def promo_prefixes() -> re.Pattern[str]:
    """The openings of a promo box (compiled when a block is first checked: most posts
    hold no promo phrase, and compiling costs more than cleaning a post)."""
    return re.compile(
        rf"^{_RELATED}\s*[:：|丨]"
        r"|^炒股就看金麒麟"  # the Sina blurb; "炒股就看心态……" can open an article paragraph
        r"|^海量资讯、精准解读，尽在新浪财经APP$"
        r"|^新浪财经(?:APP|app)?[:：]?\s*(?:下载|扫码)"
    )


@functools.cache
def promo_heading() -> re.Pattern[str]:
    """A heading over a list of links: the phrase alone, colon optional (compiled when
    first needed, as :func:`promo_prefixes`)."""
    return re.compile(rf"^[▌■●◆▼【\[]?{_RELATED}[】\]]?[:：|丨]?$")


PROMO_HEADING_MAX_CHARS = 8  # the longest text promo_heading() matches
PROMO_MAX_CHARS = 400  # a larger block is an article container, not a box
PROMO_WORDS = ("相关", "阅读", "推荐", "精彩", "往期", "炒股就看", "新浪财经")
PROMO_PHRASES = (*RELATED_PHRASES, "炒股就看金麒麟", "新浪财经")
"""What a block's text, whitespace removed, holds when :func:`promo_prefixes` or
:func:`promo_heading` matches it (each alternative starts with one of these)."""
PROMO_HOLDERS = ("blockquote", "p", "div", "section", "li", "table", "h2", "h3", "h4")


@functools.lru_cache(maxsize=64)
def _promo_holders(words: tuple[str, ...]) -> etree.XPath:
    """Blocks whose text, joined across their tags, holds one of ``words`` (in C)."""
    holder = " or ".join(f"self::{tag}" for tag in PROMO_HOLDERS)
    test = " or ".join(f"contains(., '{word}')" for word in words)
    return etree.XPath(f"descendant-or-self::*[{holder}][{test}]")


def _promo_candidates(root: etree._Element, ctx: Context) -> list[etree._Element]:
    """Blocks holding a promo word in their joined text, in document order.

    The words are looked for in the tree's text as it is now, joined across tags, so a
    phrase split by markup (``炒股<font>就看</font>``) is found before a later rule
    joins it (otherwise a second cleaning would remove what the first kept). The list
    is shared by the promo rules of one run: a removal can detach a holder (callers
    check :func:`~cleanhtml.census.attached`); what it joins stands in a holder listed
    already, which held the removed heading's promo word too.
    """
    cached = ctx.shared.get("promo-candidates")
    if cached is not None and cached[0] is root:
        return cast(list[etree._Element], cached[1])
    if _long_input(ctx):
        words = _promo_words_across(_text_chunks(root))
    else:
        text = whole_text(root, ctx.shared)
        words = tuple([word for word in PROMO_WORDS if has_phrase(text, word)])
        if words:  # (相关 is a common word) a block's text is a stretch of the whole
            compact = compact_text(root, ctx.shared)  # text: without a phrase in it,
            # whitespace removed, no block opens with one
            if not has_any_phrase(compact, PROMO_PHRASES):
                words = ()
    found = cast(list[etree._Element], _promo_holders(words)(root)) if words else []
    ctx.shared["promo-candidates"] = (root, found)
    return found


SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters ``str.split()`` splits on (those ``str.isspace()`` is true of)."""


LONG_INPUT = 1 << 20
"""Inputs over this size (bytes) have the text gates read the tree's text a chunk at a
time (:func:`_text_chunks`), never whole: a str of CJK text takes 2-4 bytes a character
and lxml holds the text's UTF-8 while decoding it (peak memory)."""
TEXT_CHUNK = 1 << 20


def _long_input(ctx: Context) -> bool:
    """Whether the input is over :data:`LONG_INPUT` bytes (the pipeline's needle scanner
    knows its size; on a bare call, without one, it counts as short)."""
    size = getattr(ctx.needles, "size", 0)
    return isinstance(size, int) and size > LONG_INPUT


def _text_chunks(root: etree._Element) -> Iterator[str]:
    """The tree's text, ``etree.tostring(root, method="text", encoding="unicode")``, in
    pieces of about :data:`TEXT_CHUNK` characters (or more: a text node is never cut)."""
    chars = TEXT_CHUNK
    pieces: list[str] = []
    count = 0
    for text in root.itertext():
        pieces.append(cast(str, text))  # (bytes only from a tree built with bytes)
        count += len(text)
        if count >= chars:
            yield "".join(pieces)
            pieces.clear()
            count = 0
    if root.tail:  # (tostring writes the text after the element too)
        pieces.append(root.tail)
    if pieces:
        yield "".join(pieces)


def _holds_across(chunks: Iterable[str], needles: tuple[str, ...]) -> bool:
    """Whether the text ``"".join(chunks)`` holds one of ``needles``: each chunk is read
    after the end of the one before it (a needle's length, less one)."""
    keep = max(map(len, needles)) - 1
    tail = ""
    for chunk in chunks:
        piece = tail + chunk
        if any(needle in piece for needle in needles):
            return True
        tail = piece[max(0, len(piece) - keep) :]
    return False


def _compact_chunks(chunks: Iterable[str]) -> Iterator[str]:
    """Each chunk without whitespace: together, the text without it."""
    for chunk in chunks:
        yield "".join(chunk.split())


def _promo_words_across(chunks: Iterable[str]) -> tuple[str, ...]:
    """The words of :func:`_promo_candidates`'s gate, read from the text ``"".join(chunks)``
    a chunk at a time: the :data:`PROMO_WORDS` the text holds, or none when the text,
    whitespace removed, holds none of :data:`PROMO_PHRASES`."""
    found: set[str] = set()
    phrased = False
    keep = max(map(len, PROMO_WORDS)) - 1
    keep_compact = max(map(len, PROMO_PHRASES)) - 1
    tail = tail_compact = ""
    for chunk in chunks:
        piece = tail + chunk
        found.update(word for word in PROMO_WORDS if word in piece)
        tail = piece[max(0, len(piece) - keep) :]
        if not phrased:
            compact = tail_compact + "".join(chunk.split())
            phrased = any(phrase in compact for phrase in PROMO_PHRASES)
            tail_compact = compact[max(0, len(compact) - keep_compact) :]
            del compact
        del piece, chunk
    return tuple(word for word in PROMO_WORDS if word in found) if phrased else ()


_LEAVES_INSIDE = find(
    ".//*[self::p or self::div or self::section or self::blockquote or self::li]"
    "[not(.//p or .//div or .//section or .//blockquote or .//li)]"
)
_LINK_BOX_CANDIDATES = find("descendant-or-self::blockquote[count(.//a[@href]) >= 2]")
_LINKS = find(".//a[@href]")
# Plain strings: lxml's "smart" text results walk back over adjacent text nodes to
# find their parent, quadratic on a text that C-level strips left in pieces.
_UNLINKED_TEXT = etree.XPath(".//text()[not(ancestor::a[@href])]", smart_strings=False)


# The credit and the 原标题/来源 lines are read with str methods, not regexes: a class
# mixing ASCII with full-width punctuation costs re ~1.2M instructions to compile (the
# three patterns were 5% of a one-post run). Each reader answers exactly what the
# pattern in its docstring matches (tests/test_meta_lines.py checks it on random texts).
_OPENINGS = "[【（("
_CLOSINGS = "]】）)"
_CLOSING = {"[": "]", "【": "】", "（": "）", "(": ")"}
_CREDIT_STOPS = frozenset(":：]】）()，。！？；,!?;")


class Credit(NamedTuple):
    """An editor credit's name and staff code (``黄忆南``, ``PN269``)."""

    name: str
    code: str | None


class MetaLine(NamedTuple):
    """A 原标题 or 来源 line: its opening bracket, if any, and its value."""

    opening: str | None
    value: str


@functools.cache
def _spaces() -> re.Pattern[str]:
    return re.compile(r"\s*")


def _after_spaces(text: str, at: int) -> int:
    """Where the run of whitespace (``\\s``) at ``at`` ends (read in C: a run may be long;
    ``\\s`` is what ``str.isspace`` is true of, so a position holding none is the end)."""
    if at < len(text) and text[at].isspace():
        return _spaces().match(text, at).end()  # type: ignore[union-attr]
    return at if at <= len(text) else len(text)  # (as the match clamps a start past the end)


def _at_end(text: str, at: int) -> bool:
    """True where a pattern's ``$`` matches: the end, or before a newline ending ``text``."""
    return at == len(text) or (at == len(text) - 1 and text[at] == "\n")


_EDITOR_CREDIT_ROLES = ("责任编辑", "责编", "编辑")


def editor_credit(text: str) -> Credit | None:
    """The name and staff code of ``text`` when the whole of it is an editor credit
    (``责任编辑：徐小曼``, ``编辑/倪家宁 SF055``, ``【责编：黄忆南 PN269】``); what the pattern
    ``^[\\[【（(]?\\s*(?:责任编辑|责编|编辑)\\s*[:：/／]\\s*(?P<name>[^\\s:：\\]】）()，。！？；,!?;]``
    ``[^:：\\]】）()，。！？；,!?;]{0,24}?)(?:\\s+(?P<code>[A-Z]{1,4}\\d{2,6}))?\\s*[\\]】）)]?$``
    matches."""
    at = _after_spaces(text, 1 if text[:1] and text[0] in _OPENINGS else 0)
    for role in _EDITOR_CREDIT_ROLES:  # (a loop: a generator costs more)
        if text.startswith(role, at):
            break
    else:
        return None
    at = _after_spaces(text, at + len(role))
    if at >= len(text) or text[at] not in ":：/／":
        return None
    start = _after_spaces(text, at + 1)
    if start >= len(text) or text[start] in _CREDIT_STOPS:
        return None
    # the shortest name (up to 25 characters, no stop) after which comes a staff code
    # or not, spaces and a closing bracket or not, and the end: what follows a name is
    # made of spaces, capitals, digits and a bracket, so it ends at the last other
    # character or after it (ends before that are not tried; their stops are checked)
    last = min(start + 25, len(text))
    tail = len(text)
    while tail > start + 1 and _in_code_or_closing(text[tail - 1]):
        tail -= 1
    if tail > last or not _CREDIT_STOPS.isdisjoint(text[start : tail - 1]):
        return None
    for end in range(max(start + 1, tail), last + 1):
        if text[end - 1] in _CREDIT_STOPS:
            return None
        code = _code_at(text, end)
        if code is not None:
            return Credit(text[start:end], code or None)
    return None


def _in_code_or_closing(char: str) -> bool:
    """True when ``char`` may stand after a credit's name: a space, a staff code's capital
    or digit, or a closing bracket (what ``(?:\\s+[A-Z]{1,4}\\d{2,6})?\\s*[\\]】）)]?$`` reads)."""
    return char.isspace() or "A" <= char <= "Z" or char.isdecimal() or char in _CLOSINGS


def _code_at(text: str, at: int) -> str | None:
    """``(?:\\s+([A-Z]{1,4}\\d{2,6}))?\\s*[\\]】）)]?$`` at ``at``: the code, "" when
    it matches without one, None when it does not match."""
    letters = _after_spaces(text, at)
    if letters > at:  # (each run is read only as far as its limit and one more)
        digits = letters
        while digits < min(len(text), letters + 5) and "A" <= text[digits] <= "Z":
            digits += 1
        end = digits
        while end < min(len(text), digits + 7) and text[end].isdecimal():
            end += 1
        if 1 <= digits - letters <= 4 and 2 <= end - digits <= 6 and _closes(text, end):
            return text[letters:end]
    return "" if _closes(text, at) else None


def _closes(text: str, at: int) -> bool:
    """``\\s*[\\]】）)]?$`` at ``at``."""
    at = _after_spaces(text, at)
    return _at_end(text, at) or (at < len(text) and text[at] in _CLOSINGS and _at_end(text, at + 1))


STAFF_ROLES = (
    "总监制", "监制", "出品人", "策划", "统筹", "主编", "责任编辑", "责编", "编辑",
    "审读", "审校", "校对", "排版", "美编", "制图", "版面编辑",
)  # fmt: skip
"""The staff roles a closing credit line names (``监 制：高明勇``, ``编辑 周褶褶 ｜ 排版 魏蔚``)."""
EDITOR_ROLES = frozenset({"责任编辑", "责编", "编辑"})
_NAME_STOPS = frozenset(":：，。！？；,!?;、“”\"'()（）[]【】<>《》")
STAFF_NAME_MAX_CHARS = 16  # a name, or two, with a staff code: "邹 明", "黄忆南 PN269"
_ROLE_INITIALS = frozenset(role[0] for role in STAFF_ROLES)
_LEADING = WHITESPACE + "｜|丨"  # what comes before a line's first item


@functools.cache
def _staff_patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns of a staff item, of the spacing before one and of the bars between
    items, compiled when first needed (together about a fifth of the start-up's
    instructions; most posts never ask: their last block does not open with a role's
    first character)."""
    spacing = "[ \u3000\xa0]?"
    # a role, with the spacing some pages put between its characters (监 制, 审 读), then
    # a colon or a space; longer roles first (责任编辑 before 责编)
    item = re.compile(
        "^(?P<role>"
        + "|".join(spacing.join(role) for role in sorted(STAFF_ROLES, key=len, reverse=True))
        + ")(?:[ \u3000\xa0]*(?P<colon>[:：])|[ \u3000\xa0])"
    )
    # the spacing before a role and its colon: where "编辑：张三 校对：李四" splits in two.
    # Tried only where a run of spacing starts, and the run taken whole: else a long run
    # would be tried from each of its characters, each try backing off one at a time
    before_role = re.compile(
        "(?<![ \u3000\xa0])[ \u3000\xa0]++(?=(?:"
        + "|".join(spacing.join(role) for role in STAFF_ROLES)
        + ")[ \u3000\xa0]?[:：])"
    )
    return item, before_role, re.compile("[｜|丨]")  # and what separates items


def _staff_item(part: str) -> tuple[str, str, bool] | None:
    """(role, name, had a colon) when ``part`` is ``ROLE：NAME`` or ``ROLE NAME``."""
    match = _staff_patterns()[0].match(part)
    if not match:
        return None
    name = part[match.end() :].strip(WHITESPACE)
    if not 0 < len(name) <= STAFF_NAME_MAX_CHARS or any(c in _NAME_STOPS for c in name):
        return None
    role = "".join(c for c in match.group("role") if c not in WHITESPACE)
    return role, name, match.group("colon") is not None


def staff_credit(text: str) -> str | None:
    """The editor a closing staff-credit line names ("" when it names none), or None
    when ``text`` is not one.

    A staff-credit line is made only of ``ROLE：NAME`` items from :data:`STAFF_ROLES`
    (``总监制：邹 明``, ``监 制：高明勇``, ``编辑：张三 校对：李四``), or of two or more
    ``ROLE NAME`` items joined by ``｜`` (``编辑 周褶褶 ｜ 排版 魏蔚``): a role word
    alone, without its colon or its partner, is article text.
    """
    if text.lstrip(_LEADING)[:1] not in _ROLE_INITIALS:
        return None  # its first item opens with no role (the items split off below)
    _, before_role, separators = _staff_patterns()
    parts = [
        item.strip(WHITESPACE)
        for part in separators.split(text)
        for item in before_role.split(part)
    ]
    items = [_staff_item(part) for part in parts if part]
    if not items or any(item is None for item in items):
        return None
    found = cast("list[tuple[str, str, bool]]", items)
    if len(found) == 1 and not found[0][2]:
        return None
    return next((name for role, name, _ in found if role in EDITOR_ROLES), "")


def editor_name(credit: Credit) -> str:
    """The editor a credit names, with the staff code when there is one:
    ``责编：黄忆南 PN269`` -> ``黄忆南 PN269`` (``杨倩_NF4425`` keeps its underscore)."""
    name = credit.name.strip()
    return f"{name} {credit.code}" if credit.code else name


_EDITOR_QUERIES = (
    find(
        "descendant-or-self::p/@class"
        "[contains(concat(' ', normalize-space(.), ' '), ' article-editor ')]/.."
    ),
    find(
        "descendant-or-self::span/@class"
        "[contains(concat(' ', normalize-space(.), ' '), ' ep-editor ')]/.."
    ),
)


def _is_editor_class(value: str) -> bool:
    if "-editor" not in value:  # (in both names: most classes are not split)
        return False
    tokens = xml_tokens(value)
    return "article-editor" in tokens or "ep-editor" in tokens


def _is_empty_credit(text: str) -> bool:
    """True when ``text`` is an editor credit with no name: the role and its colon
    alone, bracketed or not (Sohu's ``<p data-role="editor-name">责任编辑：<span></span>
    </p>`` when the page was saved before its script filled in the name)."""
    text = "".join(text.split())
    if text[:1] in _OPENINGS and text[-1:] == _CLOSING[text[0]]:
        text = text[1:-1]
    return text[-1:] in (":", "：") and text[:-1] in EDITOR_ROLES


def _editor_paragraphs(root: etree._Element, census: Census | None = None) -> list[etree._Element]:
    """The ``p.article-editor`` and ``span.ep-editor`` elements, in document order."""
    listed = None
    if census is not None:
        listed = census.elements_with(root, "class", _is_editor_class, ("p", "span"))
    if listed is None:
        return in_order(root, *(query(root) for query in _EDITOR_QUERIES))
    return [
        el
        for el in listed
        if ("article-editor" if el.tag == "p" else "ep-editor") in xml_tokens(el.get("class") or "")
    ]


EDITOR_CLASSES = ("article-editor", "ep-editor")
BLOCKS = ("p", "div", "section", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6")
CONTAINERS = ("p", "div", "section", "blockquote", "li")


_CONTAINER_SET = frozenset(CONTAINERS)


def _is_leaf_block(el: etree._Element) -> bool:
    """True when no container (``p``, ``div``, ...) is inside ``el``.

    A plain walk: a leaf block is small, and a container usually shows one at once
    (a tag-filtered ``iter`` costs more to set up than these few steps); a loop, as
    ``all()`` over a generator costs more (the generator is made and closed).
    """
    if not len(el):
        return True
    for inner in el.iterdescendants():
        tag = inner.tag
        if isinstance(tag, str) and tag in _CONTAINER_SET:
            return False
    return True


_HAS_MEDIA = test(".//img | .//video | .//audio | .//iframe | .//embed | .//object")


def add_stock(ctx: Context, code: str) -> None:
    """Record a stock code in ``ctx.meta["stocks"]`` (each once, in order of appearance)."""
    stocks: list[str] = ctx.meta.setdefault("stocks", [])
    if code and code not in stocks:
        stocks.append(code)


_add_stock = add_stock


@rule(
    "N001",
    "unwrap-stock-links",
    "news",
    "Unwrap stock-quote spans and keyword links; the word stays.",
    needs_cjk=True,
    reshapes=True,
    records_reshapes=True,
)
def unwrap_stock_links(root: etree._Element, ctx: Context) -> int:
    """Unwrap stock-quote spans and keyword links, keeping their word exactly in place.

    Sina wraps company names and ordinary words (``线上线下``) in
    ``<span id="stock_sz300959"><a class="keyword" href=".../realstock/...">``. The word
    is article text; the wrapper is an ad for a quote page. Nested and broken spans
    are unwrapped too, and so are the US and Hong Kong forms (``usstock_JPM``,
    ``hkstock_00700``). The stock codes are recorded in ``ctx.meta["stocks"]`` in one
    form for every market (``sz300959``, ``usJPM``, ``hk00700``).

    ``采取<span id="stock_sz300959"><a class="keyword" href="…">线上线下</a></span>方式``
    becomes ``采取线上线下方式``.
    """
    census = ctx.census  # (it answers at once; a needle scan read the whole input)
    stocks = census is None or census.quote_links or _any_starting(census.ids, _STOCK_PREFIXES)
    if not stocks:
        return 0
    found = _stock_wrappers(root, census)
    for el in found:
        if el.tag == "span":
            _add_stock(ctx, _span_code(el.get("id", "")))
        else:
            href = el.get("href", "")
            foreign = _foreign_quote_href().search(href)
            match = None if foreign else _code_in_href().search(href)
            if foreign:
                _add_stock(ctx, stock_code(foreign.group(1), foreign.group(2)))
            elif match:
                _add_stock(ctx, match.group(1))
        ctx.removed(el)
    ctx.reshaping(unwrap_all(root, found))
    return len(found)


QUOTE_CHARACTERS = frozenset("0123456789.,%+-()（）， \t\r\n\xa0\u3000")
"""What a quote the page's script filled in is made of: ``(115.395, 2.79, 2.47%)``."""


def _is_quote_id(value: str) -> bool:
    return value.startswith("quote_")


def _is_filled_quote(el: etree._Element) -> bool:
    """True when ``el`` holds a price quote and nothing else: digits in brackets."""
    text = text_of(el)
    if not text.strip(WHITESPACE) or not any(c.isdigit() for c in text):
        return False
    body = text.strip(WHITESPACE)
    return body[:1] in "(（" and body[-1:] in ")）" and set(body) <= QUOTE_CHARACTERS


@rule(
    "N002",
    "remove-quote-placeholders",
    "news",
    'Remove <span id="quote_…"> quote placeholders, empty or filled with a quote.',
    needs_cjk=True,
    reshapes=True,
    records_reshapes=True,
)
def remove_quote_placeholders(root: etree._Element, ctx: Context) -> int:
    """Remove the ``<span id="quote_…">`` placeholders a quote widget fills in.

    Empty ones are dropped, and so are filled ones, when what the page's script put
    in is only a quote (digits, signs and commas in brackets: ``(115.395, 2.79,
    2.47%)``); one that holds other text is unwrapped, so no text is lost.

    ``名称<span id="quote_sz300959"></span>方式`` becomes ``名称方式``;
    ``摩根大通<span id="quote_JPM">(<font>115.395</font>, …)</span>`` becomes ``摩根大通``.
    """
    census = ctx.census  # (its ids answer at once; a needle scan read the whole input)
    if census is not None and not _any_starting(census.ids, "quote_"):
        return 0
    listed = None if census is None else census.elements_with(root, "id", _is_quote_id, ("span",))
    found = _QUOTE_PLACEHOLDERS(root) if listed is None else listed
    holding: list[etree._Element] = []
    empty: list[etree._Element] = []
    for el in found:
        ctx.removed(el)
        filled = len(el) or (el.text or "").strip(WHITESPACE)
        (holding if filled and not _is_filled_quote(el) else empty).append(el)
    drop_all(root, empty)  # first: an empty one may sit in one that holds text
    ctx.reshaping(unwrap_all(root, holding))
    return len(found)


@rule(
    "N003",
    "remove-app-promos",
    "news",
    "Remove app and account-opening QR promo blocks.",
    removes_text=True,
    needs_cjk=True,
)
def remove_app_promos(root: etree._Element, ctx: Context) -> int:
    """Remove app and brokerage-account QR promo blocks.

    Sina appends ``<div class="appendQr_wrap">`` ("海量资讯、精准解读，尽在新浪财经APP"
    with a QR code) and ``<div class="app-kaihu-qr">`` (open an account) to every post.
    Their ``<style>`` and marker comments go with the style and comment rules.
    """
    found = _app_promos(root, ctx.census)
    for el in found:
        ctx.removed(el)
    drop_all(root, found)  # none inside another: the query leaves those out
    return len(found)


@rule(
    "N008",
    "remove-ad-slots",
    "news",
    'Remove Sina ad slots (<ins class="sinaads">).',
    removes_text=True,
    needs_cjk=True,
)
def remove_ad_slots(root: etree._Element, ctx: Context) -> int:
    """Remove Sina ad slots: ``<ins class="sinaads" data-ad-pdps="…">`` and what they hold.

    Sina article bodies (and copies of them) carry in-text ad slots, often filled with
    an ``<iframe>`` to an ad server. The text around the slot stays.

    ``<p>正文<ins class="sinaads" data-ad-pdps="PDPS0000"><iframe …></iframe></ins></p>``
    becomes ``<p>正文</p>``.
    """
    census = ctx.census  # (it answers at once; a needle scan read the whole input)
    if census is not None and not (
        census.has_attribute("data-ad-pdps") or census.class_holds("sinaads")
    ):
        return 0
    found = _ad_slots(root)
    for el in found:
        ctx.removed(el)
    drop_all(root, found)  # none inside another: the query leaves those out
    return len(found)


def _block_text(el: etree._Element, limit: int | None = None) -> str | None:
    """The text of ``el`` without whitespace; None once it is longer than ``limit``.

    The limit spares reading a whole article container to learn it is no promo line.
    """
    if limit is None or not len(el):
        text = "".join(text_of(el).split())
        return None if limit is not None and len(text) > limit else text
    pieces: list[str] = []
    size = 0
    for piece in el.itertext():
        piece = "".join(piece.split())  # type: ignore[arg-type]
        size += len(piece)
        if size > limit:
            return None
        pieces.append(piece)
    return "".join(pieces)


def _unlinked_text(el: etree._Element) -> str:
    """The text of ``el`` that is not inside a link, whitespace removed."""
    texts = cast(list[str], _UNLINKED_TEXT(el))
    return "".join("".join(texts).split())


def _is_link_only(el: etree._Element) -> bool:
    """True when ``el`` holds a link and, besides link text, only bullets and punctuation."""
    return bool(_LINKS(el)) and all(
        unicodedata.category(char)[0] in "PSNZ" for char in _unlinked_text(el)
    )


def _is_promo_box(el: etree._Element) -> bool:
    text = _block_text(el, PROMO_MAX_CHARS)
    if text is None or not promo_prefixes().match(text):
        return False
    # a container is a box only when all it holds after the promo line is links
    leaves = [leaf for leaf in _LEAVES_INSIDE(el) if not is_blank(text_of(leaf))]
    return all(_is_link_only(leaf) for leaf in leaves[1:])


@rule(
    "N004",
    "remove-promo-boxes",
    "news",
    "Remove 相关新闻：… lines and boxes and 炒股就看金麒麟… blurbs.",
    removes_text=True,
    needs_cjk=True,
)
def remove_promo_boxes(root: etree._Element, ctx: Context) -> int:
    """Remove promo boxes: ``相关新闻：…`` lines and boxes, ``炒股就看金麒麟…`` blurbs.

    A box is told by what it is, not by its tag: a block whose whole text starts with
    a promo phrase (``相关新闻：``, ``延伸阅读：``, ``炒股就看金麒麟``…) and holds
    nothing after that line but links. A ``<blockquote>`` of quoted prose stays, and so
    does an article container that merely starts with such a line.

    ``<p>　　相关新闻：<a href="…">某新闻</a></p>`` is removed.
    """
    edits = 0
    for el in _promo_candidates(root, ctx):
        if not attached(el, root) or not _is_promo_box(el):
            continue
        ctx.removed(el)
        drop(el)
        edits += 1
    return edits


def _following_links(heading: etree._Element) -> list[etree._Element]:
    found = []
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str) or is_blank(text_of(sibling)):
            continue
        if not _is_link_only(sibling):
            break
        found.append(sibling)
    return found


@rule(
    "N006",
    "remove-related-link-lists",
    "news",
    "Remove a 相关阅读/推荐阅读 heading and the links under it.",
    removes_text=True,
    needs_cjk=True,
)
def remove_related_link_lists(root: etree._Element, ctx: Context) -> int:
    """Remove a ``相关阅读`` / ``推荐阅读`` heading and the link-only blocks under it.

    Related-news lists also come as a heading paragraph followed by one paragraph or
    list item per link. The list ends at the first block that is not just a link.

    ``<p>推荐阅读</p><p>➤<a href="…">某文章</a></p><p>正文</p>`` keeps ``<p>正文</p>``.
    """
    edits = 0
    for heading in _promo_candidates(root, ctx):
        if not attached(heading, root):
            continue
        text = _block_text(heading, PROMO_HEADING_MAX_CHARS)
        if text is None or not promo_heading().match(text):
            continue
        links = _following_links(heading)
        for el in [heading, *links] if links else []:
            ctx.removed(el)
            drop(el)
            edits += 1
    return edits


def _is_link_box(box: etree._Element) -> bool:
    """A ``<blockquote>`` of two links or more and almost no other text."""
    text = "".join(text_of(box).split())
    return len(_unlinked_text(box).strip("：:，,、。；;|丨·-—")) <= max(6, len(text) // 10)


def _in_link_box(el: etree._Element, known: dict[etree._Element, bool]) -> bool:
    """True when a ``<blockquote>`` above ``el`` is a box of links (each box judged
    once: ``known`` keeps the answers, so a long box costs its length, not its square)."""
    for box in el.iterancestors("blockquote"):
        found = known.get(box)
        if found is None:
            found = known[box] = len(_LINKS(box)) >= 2 and _is_link_box(box)
        if found:
            return True
    return False


@rule(
    "N007",
    "remove-link-boxes",
    "news",
    "Remove <blockquote> boxes that hold only links.",
    removes_text=True,
    tags=("blockquote",),
    needs_cjk=True,
)
def remove_link_boxes(root: etree._Element, ctx: Context) -> int:
    """Remove a ``<blockquote>`` that is a box of links (research-report lists).

    Sina puts lists of paid research-report links in a ``<blockquote>`` at the top of
    an article. Two or more links and almost no other text (a short label at most)
    tell it apart from a quotation that happens to contain links.
    """
    edits = 0
    for box in _LINK_BOX_CANDIDATES(root):
        if not attached(box, root):
            continue
        if _is_link_box(box):
            ctx.removed(box)
            drop(box)
            edits += 1
    return edits


def _record_editor(ctx: Context, text: str) -> None:
    credit = editor_credit(text)
    if credit and "editor" not in ctx.meta:
        ctx.meta["editor"] = editor_name(credit)


@rule(
    "N005",
    "remove-editor-footer",
    "news",
    "Remove the closing editor credit (责任编辑：…).",
    removes_text=True,
    needs_cjk=True,
)
def remove_editor_footer(root: etree._Element, ctx: Context) -> int:
    """Remove the editor credit at the end of an article (``责任编辑：徐小曼``).

    Removes ``<p class="article-editor">`` and NetEase's ``<span class="ep-editor">``
    wherever they are, and closing paragraphs whose
    whole text is an editor credit: ``责任编辑``, ``编辑`` or ``责编``, a full-width or
    ASCII colon or a slash (``编辑/倪家宁``), a name, an optional staff code
    (``SF055``), optional brackets; and closing staff-credit lines, each item a role
    from a fixed list (总监制, 监制, 出品人, 策划, 统筹, 主编, 编辑, 审读, 审校, 校对, 排版,
    美编, 制图) and a name: with a colon (``总监制：邹 明``, ``监 制：高明勇``, several on a
    line: ``责任编辑：李明　校对：赵六``), or two or more without colons joined by ``｜``
    (``编辑 周褶褶 ｜ 排版 魏蔚``); and a closing credit with no name (``责任编辑：``
    alone, what a page saved before its script filled the name in shows). The word
    编辑 inside article text, or a byline at the top, is content and stays. A box of
    links (a ``<blockquote>`` remove-link-boxes, next, removes) after the credits does
    not stop them from closing the article. The name,
    with its staff code (``黄忆南 PN269``), is recorded in ``ctx.meta["editor"]``.
    """
    census = ctx.census
    named = (
        census.class_holds(*EDITOR_CLASSES)
        if census is not None
        else any(ctx.has(c) for c in EDITOR_CLASSES)
    )
    found = _editor_paragraphs(root, census) if named else []
    for el in found:
        _record_editor(ctx, text_of(el).strip(WHITESPACE))
        ctx.removed(el)
    drop_all(root, found)
    edits = len(found)
    # from the end backwards: only the closing blocks are looked at. The credits go
    # together at the end (one by one, each would carry the growing whitespace after
    # it to the one before), or before a block that holds one is looked at.
    pending: list[etree._Element] = []
    boxes: dict[etree._Element, bool] = {}
    for el in reversed(list(iter_tags(root, ctx.census, BLOCKS))):
        if el is root:
            continue
        if pending and holds(el, pending[-1]):
            drop_all(root, pending)
            pending = []
        if not _is_leaf_block(el):
            continue
        if _in_link_box(el, boxes):
            continue  # remove-link-boxes, next, removes it: the credit before it closes
        text = text_of(el).strip(WHITESPACE)
        if not text:
            if _HAS_MEDIA(el):
                break
            continue
        if editor_credit(text):
            _record_editor(ctx, text)
        elif _is_empty_credit(text):
            pass  # a credit whose name the page left out: nothing to record
        else:
            editor = staff_credit(text)
            if editor is None:
                break
            if editor and "editor" not in ctx.meta:
                ctx.meta["editor"] = editor
        ctx.removed(el)
        pending.append(el)
        edits += 1
    drop_all(root, pending)
    return edits


def original_title(line: str) -> MetaLine | None:
    """The original title ``line`` gives (``原标题：…``, ``（原标题：…）``, ``原标题 …``); what
    ``^(?P<open>[\\[【（(])?\\s*原标题(?:\\s*[:：]\\s*|\\s+)(?P<value>\\S.{0,199})$`` matches."""
    opening = line[0] if line[:1] and line[0] in _OPENINGS else None
    at = _after_spaces(line, 1 if opening else 0)
    if not line.startswith("原标题", at):
        return None
    at += 3
    spaced = _after_spaces(line, at)
    if spaced < len(line) and line[spaced] in ":：":  # a colon between optional spaces
        value = _title_at(line, _after_spaces(line, spaced + 1))
        if value is not None:
            return MetaLine(opening, value)
    if spaced > at:  # or spaces alone
        value = _title_at(line, spaced)
        if value is not None:
            return MetaLine(opening, value)
    return None


def _title_at(line: str, at: int) -> str | None:
    """``\\S.{0,199}$`` at ``at`` (after a run of spaces taken whole)."""
    end = len(line) - 1 if line.endswith("\n") else len(line)
    value = line[at:end]
    if not value or "\n" in value or len(value) > 200:
        return None
    return value


_SOURCE_STOPS = frozenset("。！？；;!?")


def source_line(line: str) -> MetaLine | None:
    """The source ``line`` names (``来源：燕赵都市报``, ``（来源：新华社）``, ``文章来源|…``); what
    ``^(?P<open>[\\[【（(])?\\s*(?:文章)?来源\\s*[:：|丨｜]\\s*(?P<value>[^。！？；;!?]{1,60})$``
    matches."""
    opening = line[0] if line[:1] and line[0] in _OPENINGS else None
    at = _after_spaces(line, 1 if opening else 0)
    if line.startswith("文章来源", at):
        at += 4
    elif line.startswith("来源", at):
        at += 2
    else:
        return None
    at = _after_spaces(line, at)
    if at >= len(line) or line[at] not in ":：|丨｜":
        return None
    # the value, after the spaces; the last space when nothing follows them (the
    # regex gives it back to the value)
    start = _after_spaces(line, at + 1)
    if start == len(line) and start > at + 1:
        start -= 1
    for end in (len(line), len(line) - 1):
        if _at_end(line, end) and 1 <= end - start <= 60:
            value = line[start:end]
            if _SOURCE_STOPS.isdisjoint(value):
                return MetaLine(opening, value)
    return None


META_MARKS = ("原标题", "来源")
"""What a line :func:`original_title` or :func:`source_line` reads holds (a line is a
stretch of its block's text, whitespace collapsed: a mark holds none)."""
META_HEAD_BLOCKS = 5  # the original title and the source open an article...
META_TAIL_BLOCKS = 3  # ...or the source closes it: "（来源：新华社）"
_TEXT_AND_BREAKS = etree.XPath(".//text() | .//br", smart_strings=False)


def _lines(el: etree._Element, text: str | None = None) -> list[str]:
    """The lines of ``el``'s text, a ``<br>`` ending one too; ``text`` is its
    :func:`text_of`, when already read."""
    if not len(el):  # its own text alone (an XPath call costs more than the rest)
        text = (el.text or "") if text is None else text
        return [" ".join(line.split()) for line in text.split("\n")]
    if next(el.iter("br"), None) is None:  # no break: its text, as .//text() reads it
        text = text_of(el) if text is None else text
        return [" ".join(line.split()) for line in text.split("\n")]
    found = cast(list[object], _TEXT_AND_BREAKS(el))
    parts = [part if isinstance(part, str) else "\n" for part in found]
    return [" ".join(line.split()) for line in "".join(parts).split("\n")]


def _record_line(ctx: Context, line: str) -> None:
    for key, read in (("original_title", original_title), ("source", source_line)):
        found = read(line)
        if found:
            value = found.value.strip()
            closing = _CLOSING.get(found.opening or "")
            if closing and value.endswith(closing):
                value = value[: -len(closing)].rstrip()
            if value:
                ctx.meta.setdefault(key, value)
            return


@rule(
    "N009",
    "record-article-meta",
    "news",
    "Record the 原标题 and 来源 lines as metadata (edits nothing).",
    needs_cjk=True,
    hidden_in=("html", "text", "markdown"),  # what it records only -t json writes
    records_only=True,
)
def record_article_meta(root: etree._Element, ctx: Context) -> int:
    """Record the original title and the source lines in the metadata; edit nothing.

    Reposted news opens with ``原标题：…`` (the title at the original outlet; also
    ``原标题 …`` and ``（原标题：…）``) and ``来源：…`` (the outlet), or closes with
    ``（来源：新华社）``. Both are article text and
    stay; this rule only reads the first and last few paragraphs and records
    ``ctx.meta["original_title"]`` and ``ctx.meta["source"]`` for ``-t json``. The source
    forms are ``来源：``, ``来源|``, ``来源丨`` and ``文章来源：``; an image credit
    (``来源/燃财经截图``) is not a source. It returns 0: it never edits the tree.

    ``<p>　　来源：燕赵都市报</p>`` records ``source = "燕赵都市报"``.
    """
    candidates = list(iter_tags(root, ctx.census, BLOCKS))
    texts: dict[etree._Element, str] = {}  # read once, for the test and for the lines

    def holds_text(el: etree._Element) -> bool:
        if el is root or not _is_leaf_block(el):
            return False
        text = texts[el] = text_of(el)
        return bool(text.strip(WHITESPACE))

    # the first few and the last few leaf blocks with text, looked for from each end
    head: list[etree._Element] = []
    head_end = len(candidates)  # where the head's last block stands (no tail without one)
    for position, el in enumerate(candidates):
        if holds_text(el):
            head.append(el)
            if len(head) == META_HEAD_BLOCKS:
                head_end = position
                break
    tail: list[etree._Element] = []
    for el in reversed(candidates[head_end + 1 :]):
        if len(tail) == META_TAIL_BLOCKS:
            break
        if holds_text(el):
            tail.append(el)
    tail.reverse()
    for el in head + tail:
        text = texts[el]
        if META_MARKS[0] not in text and META_MARKS[1] not in text:
            continue  # no line of it is a 原标题 or 来源 line (nor is read as one)
        for line in _lines(el, text):
            _record_line(ctx, line)
    return 0


COPYRIGHT_PHRASES = (
    "未经授权，不得转载",
    "未经授权不得转载",
    "未经许可，不得转载",
    "未经许可不得转载",
    "未经允许，不得转载",
    "未经允许不得转载",
    "未经授权，禁止转载",
    "未经许可，禁止转载",
    "版权所有，未经",
    "转载请注明出处",
    "转载时务请注明出处",
    "本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP",
    # 39健康网: 39健康网(www.39.net)专稿，未经书面授权请勿转载。 / 以上内容仅授权39健康网
    # 独家使用，未经版权方授权请勿转载。 / 39健康网（www.39.net）原创内容，未经授权不得转载
    "未经书面授权请勿转载",
    "未经版权方授权请勿转载",
    "未经授权请勿转载",
    # 未经千龙新闻网书面特别授权，请勿转载或建立镜像，违者依法必究 (news sites' footers)
    "请勿转载或建立镜像",
    # CSDN: 版权声明：本文为博主原创文章，遵循 CC 4.0 BY-SA 版权协议，转载请附上原文出处链接…
    "转载请附上原文出处链接和本声明",
    # dugushici.com: 转载请注明:原文链接 - https://dugushici.com/ancient_proses/21337
    "转载请注明:原文链接",
    "转载请注明：原文链接",
    # self-media platforms' statements: 以上内容（包括图片及视频）为创作者平台"快传号"用户上传并
    # 发布，本平台仅提供信息存储服务 (360kuai; 网易号 alike), 平台声明：该文观点仅代表作者本人，
    # 搜狐号系信息发布平台，搜狐仅提供信息存储空间服务。 (Sohu; 凤凰网's 大风号 alike)
    "仅提供信息存储服务",
    "仅提供信息存储空间服务",
    # NetEase's English line after its Chinese one: Notice: The content above (including
    # the pictures and videos if any) is uploaded and posted by a user of NetEase Hao,
    # which is a social media platform and only provides information storage services.
    "onlyprovidesinformationstorageservices",
)
"""Phrases of portal copyright and reposting notices (looked for in a block's text,
whitespace removed: an English phrase is written without its spaces)."""
_COPYRIGHT_KEYS = ("载", "权", "储", "storage")
"""A character of each phrase (载 in most, 权 in 版权所有，未经, 储 in the platforms'
statements, ``storage`` in NetEase's English statement; the needle scan reads the
input lower-cased): a phrase can be in the tree's text only when the input holds its
characters (rules add no text; the needle scan reads references too), so without any
of them the text is not serialized."""
COPYRIGHT_KEYS = ("未经", "转载", "澎湃", "信息存储", "storage")
"""Each of :data:`COPYRIGHT_PHRASES` holds one of these."""
COPYRIGHT_OPENINGS = (
    "本文为",
    "本文系",
    "本作品为",
    "版权声明",
    "版权所有",
    "声明：",
    "(本文来自",
    "（本文来自",
    "未经",  # 未经千龙新闻网书面特别授权，请勿转载或建立镜像
    "转载请注明",
    "以上内容仅授权",  # 以上内容仅授权39健康网独家使用，未经版权方授权请勿转载。
    "39健康网(",  # 39健康网(www.39.net)专稿，未经书面授权请勿转载。
    "39健康网（",
    "以上内容",  # 以上内容（包括图片及视频）为创作者平台"快传号"用户上传并发布，…
    "特别声明：",  # 特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”…
    "“特别声明：",
    "平台声明：",  # 平台声明：该文观点仅代表作者本人，搜狐号系信息发布平台，…
    "Notice:Thecontentabove",  # NetEase's English statement (whitespace removed)
)
"""Openings of a block that is a notice when it holds a phrase of :data:`COPYRIGHT_PHRASES`
(a block in brackets is one too)."""
COPYRIGHT_BRACKETS = {"【": "】", "[": "]", "（": "）", "(": ")"}
COPYRIGHT_MAX_CHARS = 160
"""A notice's text at most (whitespace removed)."""
COPYRIGHT_ENGLISH = "Notice:"
COPYRIGHT_ENGLISH_MAX_CHARS = 240
"""An English notice's text at most (whitespace removed): its words are longer (NetEase's
is 166 characters without its spaces)."""


def _is_copyright_notice(text: str) -> bool:
    """A whole block that is a reposting notice: a phrase of the list, in brackets or
    opened by ``本文为``/``版权声明``/... (an article quoting such words is not one)."""
    if not text or len(text) > COPYRIGHT_ENGLISH_MAX_CHARS:
        return False
    if len(text) > COPYRIGHT_MAX_CHARS and not text.startswith(COPYRIGHT_ENGLISH):
        return False
    if not any(phrase in text for phrase in COPYRIGHT_PHRASES):
        return False
    closing = COPYRIGHT_BRACKETS.get(text[0])
    return (closing is not None and text.endswith(closing)) or text.startswith(COPYRIGHT_OPENINGS)


def _holds_copyright_phrase(text: str) -> bool:
    return has_any_phrase(text, COPYRIGHT_KEYS) and has_any_phrase(text, COPYRIGHT_PHRASES)


@rule(
    "N010",
    "remove-copyright-notices",
    "news",
    "Remove portal copyright and reposting notices (未经授权，不得转载…).",
    removes_text=True,
    needs_cjk=True,
)
def remove_copyright_notices(root: etree._Element, ctx: Context) -> int:
    """Remove portal copyright and reposting notices inside the article.

    A leaf block (or the outermost block holding only it) whose whole text is a
    notice: one of :data:`COPYRIGHT_PHRASES` (``未经授权，不得转载``, the Paper's
    ``本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP``, ...) in a text that is
    bracketed (``【…】``, ``（…）``) or opens with one of :data:`COPYRIGHT_OPENINGS`
    (``本文为``, ``版权声明``, ``声明：``, ``未经``, ``转载请注明``, ``39健康网(``...):
    39健康网's ``39健康网(www.39.net)专稿，未经书面授权请勿转载。``, CSDN's
    ``版权声明：…转载请附上原文出处链接和本声明。``, the footer line
    ``未经大河网书面特别授权，请勿转载或建立镜像``, Sohu's ``平台声明：…搜狐仅提供信息存储
    空间服务。``.

    ``<p><strong>【…作品的中文相关权益归腾讯公司独家所有。未经授权，不得转载、摘编等。】</strong></p>``
    goes; a sentence that mentions 未经授权，不得转载 inside a paragraph stays.
    """
    if not text_known(root, ctx.shared) and not any(ctx.has(key) for key in _COPYRIGHT_KEYS):
        return 0  # a character of every phrase is absent from the input (a text kept
        # is read at once: the scan for storage would lower-case the input)
    if _long_input(ctx):  # the phrases hold no whitespace: found as written, found
        # without whitespace too
        if not _holds_across(_compact_chunks(_text_chunks(root)), COPYRIGHT_PHRASES):
            return 0
        return _remove_copyright_blocks(root, ctx)
    # scans for the words the phrases share, before one scan a phrase; blocks are
    # read without whitespace, so a phrase split by a space counts: looked for in the
    # text without whitespace (where one written whole is found too: it holds none)
    if not _holds_copyright_phrase(compact_text(root, ctx.shared)):
        return 0
    return _remove_copyright_blocks(root, ctx)


def _remove_copyright_blocks(root: etree._Element, ctx: Context) -> int:
    """The work of :func:`remove_copyright_notices`, past its gate."""
    edits = 0
    for el in list(iter_tags(root, ctx.census, BLOCKS)):
        if el is root or not attached(el, root) or not _is_leaf_block(el):
            continue
        body = _block_text(el, COPYRIGHT_ENGLISH_MAX_CHARS)
        if body is None or not _is_copyright_notice(body):
            continue
        ctx.removed(el)
        drop(el)
        edits += 1
    return edits


PLAYER_CHROME = frozenset(
    {
        "play",
        "play video",
        "pause",
        "replay",
        "mute",
        "unmute",
        "fullscreen",
        "自动播放",
        "播放",
        "暂停",
        "重播",
        "全屏",
        "退出全屏",
        "静音",
        "倍速",
        "清晰度",
        "向前",
        "向后",
        "正在加载...",
        "正在加载…",
        "加载中...",
        "加载中…",
        "<",
        ">",
        "‹",
        "›",
        "/",
        "|",
        # m1905's player (1905.com, 2024): its menus, tips and error box
        "直播",
        "流畅",
        "标清",
        "高清",
        "超清",
        "蓝光",
        "循环播放",
        "跳过片头",
        "跳过片尾",
        "设置成功",
        "很抱歉，当前视频播放失败",
        "立即刷新",
        "帮助反馈",
        "建议wifi下打开",
        # its ad layer: <span class="cdTime"></span>秒<a><span>会员跳过广告</span></a>,
        # <a class="knowDetail">了解详情&gt;</a>, <span class="publicTipTag">广告</span>
        "秒",
        "会员跳过广告",
        "跳过广告",
        "了解详情>",
        "了解详情",
        "广告",
    }
)
"""Whole texts of video-player controls (compared case-insensitively, one text node each).

Besides these, a player's playback rates (``2.0X``, ``0.75x``), percentages (``100%``),
resolutions (``480P``, ``高清 720P``) and its status lines opened by a phrase of
:data:`PLAYER_STATUS` are chrome too; all of them only inside a player (see
:func:`remove_player_chrome`), never in article text.
"""
PLAYER_STATUS = (
    "正在为您切换到",  # 正在为您切换到<font>高清 480P</font>,请稍候...
    "播放速度：",  # 播放速度：<font>2X</font>
    "错误代码：",  # 错误代码：<span>QVS.4100</span>
    "时长：",  # <div class="reminder"><span>时长：01:45</span><span>建议WIFI下打开</span>
)
"""Openings of a player's status lines (m1905's player). A text opened by one of these
makes the element holding it a status line, all of whose text is chrome (its values sit
in their own ``<font>`` or ``<span>``), when that element's text is at most
:data:`PLAYER_STATUS_CHARS` characters."""
PLAYER_STATUS_CHARS = 40
"""A status line's length at most (whitespace aside)."""


@functools.cache
def _time_code() -> re.Pattern[str]:
    """A player's time code (``/2:54``, ``01:02:03``)."""
    return re.compile(r"^/?\s?\d{1,2}:\d{2}(?::\d{2})?$")


PLAYER_MAX_LEVELS = 8
"""How far above a ``<video>`` the player that wraps it is looked for."""
PLAYER_MAX_NODES = 200
"""A player holds fewer nodes than this (elements, comments)."""
_MEDIA = ("video", "audio")
_PLAYER_CLASS = "contains(translate(@class, 'PLAYER', 'player'), 'player')"
_PLAYERS = find(  # the outermost ones, found in C (deep nesting costs no Python calls)
    f"descendant-or-self::*[{_PLAYER_CLASS}][not(ancestor::*[{_PLAYER_CLASS}])]"
    "[not(.//video or .//audio)]"
)
_TEXT_NODES = etree.XPath(".//text()[not(ancestor::video or ancestor::audio)]")


def _is_digits(text: str, low: int, high: int) -> bool:
    """True when ``text`` is ``low`` to ``high`` ASCII digits."""
    return low <= len(text) <= high and text.isascii() and text.isdigit()


def _is_setting(text: str) -> bool:
    """True when ``text`` is a player's setting: ``2.0X``, ``100%``, ``480P``, ``高清 720P``."""
    last = text[-1:]
    if last in ("x", "X", "×"):  # a playback rate: 2X, 1.75X
        whole, _, part = text[:-1].partition(".")
        return _is_digits(whole, 1, 1) and (part == "" or _is_digits(part, 1, 2))
    if last == "%":
        return _is_digits(text[:-1], 1, 3)
    if last in ("p", "P"):  # a resolution, alone or after its quality's name
        name, _, height = text[:-1].rpartition(" ")
        return (not name or name in PLAYER_CHROME) and _is_digits(height, 3, 4)
    return False


def _is_chrome(text: str | None) -> bool:
    """True when ``text`` is blank, a player control's label or a time code (``/2:54``)."""
    text = (text or "").strip(WHITESPACE)
    return (
        not text
        or text.lower() in PLAYER_CHROME
        or _time_code().match(text) is not None
        or _is_setting(text)
    )


def _status_line(piece: etree._ElementUnicodeResult) -> etree._Element | None:
    """The element of a player's status line that text ``piece`` opens, if it opens one.

    The line is the element holding ``piece``; its text, whitespace aside, is at most
    :data:`PLAYER_STATUS_CHARS` characters (reading stops past that).
    """
    if not str(piece).strip(WHITESPACE).startswith(PLAYER_STATUS):
        return None
    holder = piece.getparent()
    if holder is None or (piece.is_tail and (holder := holder.getparent()) is None):
        return None
    size = 0
    for part in cast(Iterator[str], holder.itertext()):
        size += len(part.strip(WHITESPACE))
        if size > PLAYER_STATUS_CHARS:
            return None
    return holder


def _chrome_state(el: etree._Element) -> tuple[bool, bool]:
    """(all of ``el``'s text outside media is player chrome, some of it is not blank).

    An element of more than :data:`PLAYER_MAX_NODES` nodes is no player: counting stops
    there, so looking above each of many videos never rereads a whole article.
    """
    for count, _ in enumerate(el.iter()):
        if count >= PLAYER_MAX_NODES:
            return False, True
    seen = False
    line: etree._Element | None = None  # the status line being read
    for piece in cast(list[etree._ElementUnicodeResult], _TEXT_NODES(el)):
        if is_blank(piece):
            continue
        if line is None or not _inside(piece, line, el):
            line = _status_line(piece)
            if line is None and not _is_chrome(piece):
                return False, seen
        seen = True
    return True, seen


def _is_player(el: etree._Element) -> bool:
    """True when ``el``'s class names a player (``mplayer``, ``video-player``)."""
    return "player" in (el.get("class") or "").lower()


def _small(el: etree._Element) -> bool:
    """True when ``el`` holds fewer than :data:`PLAYER_MAX_NODES` nodes (counting stops)."""
    return next(itertools.islice(el.iter(), PLAYER_MAX_NODES, None), None) is None


def _player_box(media: etree._Element, root: etree._Element) -> etree._Element | None:
    """The outermost element around ``media`` whose class names a player, if small.

    Looked for at most :data:`PLAYER_MAX_LEVELS` up; it holds fewer than
    :data:`PLAYER_MAX_NODES` nodes, so an article's wrapper is never one.
    """
    box = None
    el = media
    for _ in range(PLAYER_MAX_LEVELS):
        parent = el.getparent()
        if parent is None or parent is root or parent.tag in ("body", "html"):
            break
        el = parent
        if _is_player(el):
            if not _small(el):
                break
            box = el
    return box


def _strip_chrome_blocks(box: etree._Element, ctx: Context) -> int:
    """Drop each element inside player ``box`` that shows only chrome and holds no media.

    The rest of the player (its media, a title) stays: m1905's player (1905.com)
    carries its status lines, menus, error box and ad layer beside the video's title.
    """
    doomed: list[etree._Element] = []
    stack = list(box)
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag in _MEDIA:
            continue
        chrome, shown = _chrome_state(el)
        holds_media = next(el.iter(*_MEDIA), None) is not None
        if chrome and shown and not holds_media:
            doomed.append(el)
        elif not chrome or holds_media:
            stack.extend(el)
    for el in doomed:
        ctx.removed(el)
        drop(el)
    return len(doomed)


def _labelled(el: etree._Element) -> bool:
    """True when some text of ``el`` is a word: more than a number (``0:00``, ``100%``).

    An element whose class names a player and that holds no media goes only when it
    shows a control's label or a status line: numbers alone could be a sports
    player's (``<td class="player-pct">75%</td><td class="player-time">32:15</td>``).
    """
    for piece in cast(list[str], _TEXT_NODES(el)):
        text = piece.strip(WHITESPACE)
        if text and not (_is_setting(text) or _time_code().match(text) or text in ("/", "|")):
            return True
    return False


def _inside(piece: etree._ElementUnicodeResult, line: etree._Element, top: etree._Element) -> bool:
    """True when text ``piece`` is part of ``line``'s text (not its tail), both in ``top``."""
    holder = piece.getparent()
    if piece.is_tail and holder is not None:
        holder = holder.getparent()
    while holder is not None:
        if holder is line:
            return True
        if holder is top:
            return False
        holder = holder.getparent()
    return False


def _strip_player(player: etree._Element, ctx: Context) -> int:
    """Remove the chrome inside ``player`` and keep the path to each media element."""
    path: set[etree._Element] = set()
    for media in player.iter(*_MEDIA):
        for above in media.iterancestors():
            path.add(above)
            if above is player:
                break
    path.add(player)
    edits = 0
    doomed: list[etree._Element] = []
    for holder in path:
        if not is_blank(holder.text):
            ctx.removed(holder.text or "")
            holder.text = None
            edits += 1
        for child in holder:
            if not is_blank(child.tail):
                ctx.removed(child.tail or "")
                child.tail = None
                edits += 1
            if child in path or not isinstance(child.tag, str) or child.tag in _MEDIA:
                continue
            if not _chrome_state(child)[1]:
                continue  # no text: an icon or a layer, harmless
            doomed.append(child)
    for el in doomed:
        ctx.removed(el)
        drop(el)
    return edits + len(doomed)


@rule(
    "N014",
    "remove-player-chrome",
    "news",
    "Remove video-player control labels (Play Video, 0:00, 自动播放...); the video stays.",
    removes_text=True,
    needs_cjk=True,
)
def remove_player_chrome(root: etree._Element, ctx: Context) -> int:
    """Remove the text of a video player's controls inside the article.

    A player is the outermost element around a ``<video>`` (or ``<audio>``), at most
    eight levels up, whose text is nothing but control labels of
    :data:`PLAYER_CHROME` (``Play Video``, ``自动播放``, ``向前``, ``向后``, ...), time
    codes (``0:00``, ``/2:54``), settings (``2.0X``, ``100%``, ``高清 480P``) and status
    lines (``正在为您切换到高清 480P,请稍候...``, ``播放速度：2X``, ``时长：01:45``: see
    :data:`PLAYER_STATUS`) and an ad layer's labels (``会员跳过广告``, ``了解详情>``,
    ``广告``); those go and the media element stays. When the player around the
    media also shows other text (the video's title), each element inside it that
    shows only such chrome goes, the player being the outermost element around the
    media whose class names a player (m1905's ``div.video-player``, under 200 nodes);
    so it does too beside a player of chrome alone found inside that one. An element
    whose class names a player and which holds no media goes whole when its text is
    only such chrome, one text more than a number (``<td class="player-pct">75%</td>``
    is a sports player's). A word of the list inside article text is never touched:
    only a text that *is* a label, inside a player, goes.

    ``<div class="player"><video src="v.mp4"></video><span>Play Video</span>
    <span>0:00</span></div>`` keeps only the ``<video>``.
    """
    census = ctx.census  # (it answers at once; a needle scan read the whole input)
    if census is not None and not (
        census.has_tag(*_MEDIA) or census.class_holds("player", lower=True)
    ):
        return 0
    edits = 0
    seen: set[etree._Element] = set()
    for media in list(root.iter(*_MEDIA)):
        player = media
        for _ in range(PLAYER_MAX_LEVELS):
            parent = player.getparent()
            if parent is None or parent is root or parent.tag in ("body", "html"):
                break
            if not _chrome_state(parent)[0]:
                break
            player = parent
        if player is not media and player not in seen and _chrome_state(player)[1]:
            seen.add(player)
            edits += _strip_player(player, ctx)
        # the player classed as one around it may show chrome beside it too (m1905's
        # status lines beside the ad layer of its video's own box)
        box = _player_box(media, root)
        if box is not None and box not in seen:
            seen.add(box)
            edits += _strip_chrome_blocks(box, ctx)
    for el in _PLAYERS(root):
        if el is root or not attached(el, root) or el.getparent() is None:
            continue
        if _chrome_state(el) != (True, True) or not _labelled(el):
            continue
        ctx.removed(el)
        drop(el)
        edits += 1
    return edits


SHARE_PHRASES = frozenset(
    {
        "分享",
        "分享到",
        "分享至",
        "分享给",
        "一键分享",
        "分享让更多人看到",
        "分享到微信",
        "分享到微博",
        "分享到朋友圈",
        "分享到QQ空间",
        "用微信扫码二维码",
        "分享至好友和朋友圈",
        "扫一扫",
        "微信",
        "微博",
        "新浪微博",
        "腾讯微博",
        "人民微博",
        "QQ",
        "QQ空间",
        "QQ好友",
        "朋友圈",
        "微信朋友圈",
        "豆瓣",
        "复制链接",
        "点赞",
        "赞",
        "首赞",
        "收藏",
        "转发",
    }
)
"""Whole texts of share and like widgets' parts (a trailing colon or bar ignored)."""
SHARE_BLOCKS = frozenset({"分享让更多人看到", "分享到", "分享至", "一键分享"})
"""Phrases that are a share widget even in a block with no share class."""
_SHARE_MARK = "享"
"""A character of each of :data:`SHARE_BLOCKS` (whitespace removal keeps it)."""
_SHARE_TRIM = WHITESPACE + ":：|｜丨"
# the attributes first (see _STOCK_WRAPPER_QUERIES), one query each, merged in order
_SHARE_QUERIES = (
    find(
        "descendant-or-self::*/@class[contains(translate(., 'SHARE', 'share'), 'share')"
        " or contains(concat(' ', normalize-space(.), ' '), ' article-like ')"
        " or contains(concat(' ', normalize-space(.), ' '), ' like-box ')]/.."
    ),
    find("descendant-or-self::*/@id[contains(translate(., 'SHARE', 'share'), 'share')]/.."),
)


_SHARE_LOWER = str.maketrans("SHARE", "share")


def _names_share(value: str) -> bool:
    """``contains(translate(., 'SHARE', 'share'), 'share')`` (only those five letters
    are lowered: a value holding "share" lowered with them holds it lowered at all)."""
    return "share" in value or (
        "share" in value.lower() and "share" in value.translate(_SHARE_LOWER)
    )


def _is_share_class(value: str) -> bool:
    """What the first of :data:`_SHARE_QUERIES` tests of a ``class`` value."""
    if _names_share(value):
        return True
    if "like" not in value:
        return False
    tokens = xml_tokens(value)
    return "article-like" in tokens or "like-box" in tokens


def _share_widgets(root: etree._Element, census: Census | None = None) -> list[etree._Element]:
    """Elements whose class or id names a share or like widget, in document order: read
    from the census's class and id lists when it kept them (the two XPaths cost ~1,500
    instructions an element of the tree: ~0.3 ms on a Chinese bench page)."""
    if census is not None:
        classes = census.elements_with(root, "class", _is_share_class)
        ids = census.elements_with(root, "id", _names_share)
        if classes is not None and ids is not None:
            return in_order(root, classes, ids)
    return in_order(root, *(query(root) for query in _SHARE_QUERIES))


@functools.cache
def _count() -> re.Pattern[str]:
    """A share widget's count (``+12``)."""
    return re.compile(r"^\+?\d{1,9}$")


def _share_state(el: etree._Element) -> tuple[bool, bool]:
    """(every text of ``el`` is a share-widget phrase or a count, one is not blank)."""
    seen = False
    for piece in cast(list[str], el.itertext()):
        piece = piece.strip(_SHARE_TRIM)
        if not piece:
            continue
        known = piece in SHARE_PHRASES or piece.upper() in SHARE_PHRASES
        if not known and not _count().match(piece):
            return False, seen
        seen = True
    return True, seen


@rule(
    "N015",
    "remove-share-widgets",
    "news",
    "Remove share and like widgets (分享到：微信 微博, 分享让更多人看到, 点赞).",
    removes_text=True,
    needs_cjk=True,
)
def remove_share_widgets(root: etree._Element, ctx: Context) -> int:
    """Remove share and like widgets inside the article.

    An element whose class or id names a share widget (``share``, ``bdsharebuttonbox``,
    ``section-common-share-wrap``, ``article-like``, ...) goes when each of its texts is
    a phrase of :data:`SHARE_PHRASES` (``分享到``, ``微信``, ``QQ空间``, ``点赞``, ...) or a
    count, and one is there; so does a leaf block whose whole text is
    ``分享让更多人看到``, ``分享到：`` or ``分享至``. A block with any other text stays,
    and so does every mention of 微信 or 分享 in article text.

    ``<p class="paper_num"><em class="section-common-share-wrap">分享让更多人看到
    <i class="btn_share_common"><img src="share.png"></i></em></p>`` goes.
    """
    edits = 0
    census = ctx.census  # (it answers at once; a needle scan read the whole input)
    named = census is None or (
        census.class_holds("share", lower=True)
        or census.class_holds("article-like", "like-box")
        or census.id_holds("share", lower=True)
    )
    for el in outermost(_share_widgets(root, census)) if named else ():
        if el is root or el.getparent() is None or _share_state(el) != (True, True):
            continue
        ctx.removed(el)
        drop(el)
        edits += 1
    if not (ctx.has("分") and ctx.has("享")):  # the blocks are read without whitespace:
        return edits  # "分 享到" is one, so the pair is not a needle
    if not _long_input(ctx) and _SHARE_MARK not in whole_text(root, ctx.shared):
        return edits  # (a block's text is a stretch of the tree's: none holds the mark)
    # a leaf block holds no container, so one dropped here detaches none listed after it
    for el in list(iter_tags(root, ctx.census, CONTAINERS)):
        if el is root or (not len(el) and _SHARE_MARK not in (el.text or "")):
            continue  # (a childless block's text, read once: no phrase without the mark)
        if not _is_leaf_block(el):
            continue
        body = _block_text(el, 12)
        if body is not None and body.strip(_SHARE_TRIM) in SHARE_BLOCKS:
            ctx.removed(el)
            drop(el)
            edits += 1
    return edits


NAV_LINKS = frozenset(
    {"上一篇", "下一篇", "上一页", "下一页", "上一条", "下一条", "返回顶部", "回到顶部", "返回目录"}
)
"""Link texts (brackets and arrows aside) that are page navigation, not article text."""
_NAV_TRIM = WHITESPACE + "[]【】<>《》«»"
HOME_LINK_MAX_CHARS = 16
"""The longest ``返回…首页`` link text (``返回腾讯网首页``: 7) taken as navigation."""
_HREF_LINKS = find("descendant-or-self::a[@href]")


def _is_home_link(text: str) -> bool:
    """``返回腾讯网首页>>`` (whitespace removed, arrows trimmed): back to the home page."""
    return len(text) <= HOME_LINK_MAX_CHARS and text.startswith("返回") and text.endswith("首页")


def _is_nav_text(text: str) -> bool:
    text = "".join(text.split()).strip(_NAV_TRIM)
    return text in NAV_LINKS or _is_home_link(text)


def _is_nav_link(link: etree._Element) -> bool:
    return "".join(text_of(link).split()).strip(_NAV_TRIM) in NAV_LINKS


def _leaf_blocks_of(links: list[etree._Element], root: etree._Element) -> list[etree._Element]:
    """The nearest container above each of ``links`` that is a leaf block (not
    ``root``), once each, in document order."""
    found: list[etree._Element] = []
    for link in links:
        el = link.getparent()
        while el is not None and el is not root and el.tag not in _CONTAINER_SET:
            el = el.getparent()
        if el is None or el is root or (found and found[-1] is el) or not _is_leaf_block(el):
            continue
        found.append(el)
    return found


@rule(
    "N016",
    "remove-nav-links",
    "news",
    "Remove page navigation links in the article ([上一篇] [下一篇], 返回腾讯网首页>>).",
    removes_text=True,
    needs_cjk=True,
    # one character of each text (its last): whitespace the rule ignores cannot split one
    needles=("篇", "页", "条", "部", "录"),
)
def remove_nav_links(root: etree._Element, ctx: Context) -> int:
    """Remove navigation links inside the article: a link whose whole text is
    ``返回<site>首页`` (with its ``>>``), and a block that holds only links to the
    previous or next page or article (``[上一篇]  [下一篇]``, ``上一页 下一页``).

    A block with any text besides such links and punctuation stays, and so does every
    mention of 上一篇 or 首页 in article text: only a link's whole text counts.

    ``<p><a href="40.shtml">[上一篇]</a>&nbsp;&nbsp;<a href="42.shtml">[下一篇]</a></p>``
    goes.
    """
    edits = 0
    nav: list[etree._Element] = []  # the other navigation links, in document order
    for link in _HREF_LINKS(root):
        if link is root or not attached(link, root):
            continue
        text = "".join(text_of(link).split()).strip(_NAV_TRIM)
        if text in NAV_LINKS:
            nav.append(link)
        if not _is_home_link(text):
            continue
        ctx.removed(link)
        drop(link)
        edits += 1
    if edits:  # a link that held a home link reads differently now (nested links)
        nav = [link for link in _HREF_LINKS(root) if link is not root and _is_nav_link(link)]
    # a block of navigation links is a leaf block holding one: the nearest container
    # above that link (a leaf holds none, so none stands between them); a leaf block
    # holds no container, so one dropped here detaches none listed after it
    for el in _leaf_blocks_of(nav, root):
        links = _LINKS(el)
        if not links or len(links) > 6 or not _is_link_only(el):
            continue
        if all(_is_nav_text(text_of(link)) for link in links):
            ctx.removed(el)
            drop(el)
            edits += 1
    return edits


PAGER_STEPS = ("上一页", "下一页", "前一页", "后一页", "上页", "下页")
"""Words of a pager that step to the previous or next page; a pager line holds one."""
PAGER_WORDS = (*PAGER_STEPS, "第一页", "最后一页", "最末页", "末页", "尾页", "首页")
"""Every word a plain-text pager line may hold besides page numbers, ``第N页`` and ``共N页``."""
PAGER_SEPARATORS = frozenset("|｜/／<>＜＞«»‹›←→[]【】()（）,，、·…-—_:：")
"""Characters between the words of a pager line (``<< 上一页 | 下一页 >>``)."""
PAGER_LINE_MAX_CHARS = 80
"""A pager line's text at most (whitespace removed): a longer block is no pager."""
_PAGER_HOLDERS = frozenset({"p", "div", "section", "li", "dd", "dt", "td", "th", "center"})
_PAGER_INLINE = frozenset(
    {"a", "b", "strong", "em", "i", "u", "font", "span", "small", "big", "label", "nobr"}
)
_PAGER_MARKS = (*PAGER_STEPS, "页/共", "页共")
"""What the text of a pager line holds, whitespace removed: a step word, or the
``第N页/共M页`` count."""
# the text nodes that may belong to a pager line (each text node read once, in C)
_PAGER_TEXTS = etree.XPath("descendant-or-self::text()[contains(., '页')]", smart_strings=True)


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def is_pager_line(text: str) -> bool:
    """True when ``text`` (whitespace removed) is nothing but a pager.

    A pager is a sequence of :data:`PAGER_WORDS`, page numbers, ``第N页``, ``共N页``
    and :data:`PAGER_SEPARATORS`, holding a step word (``上一页``/``下一页``...) and
    something more (another word, a number, a count), or the count ``第N页…共M页``
    itself: ``第1页/共1页<<上一页|下一页>>``, ``<第一页|上一页|1|下一页|最末页>``,
    ``上一页123下一页``. Any other character (a sentence's word) and it is none; a bare
    ``下一页`` is none either (a link of it is remove-nav-links' case).
    """
    steps = others = 0
    counted = ""
    at, end = 0, len(text)
    while at < end:
        char = text[at]
        if char in PAGER_SEPARATORS:
            at += 1
            continue
        if _is_digit(char):  # a page number
            while at < end and _is_digit(text[at]):
                at += 1
            others += 1
            continue
        if char in "第共":  # 第N页, 共N页
            after = at + 1
            while after < end and _is_digit(text[after]):
                after += 1
            if after > at + 1 and text[after : after + 1] == "页":
                counted += char
                at = after + 1
                continue
        word = next((w for w in PAGER_WORDS if text.startswith(w, at)), None)
        if word is None:
            return False
        if word in PAGER_STEPS:
            steps += 1
        else:
            others += 1
        at += len(word)
    if steps:
        return steps + others + bool(counted) >= 2
    return "第" in counted and "共" in counted


def _pager_block(piece: etree._ElementUnicodeResult) -> etree._Element | None:
    """The nearest ``p``/``div``/``li``/``td``/... above text ``piece``, past inline
    elements (``第<b>1</b>页``); None when another element stands first."""
    holder = piece.getparent()
    if holder is not None and piece.is_tail:
        holder = holder.getparent()
    while holder is not None and holder.tag in _PAGER_INLINE:
        holder = holder.getparent()
    return holder if holder is not None and holder.tag in _PAGER_HOLDERS else None


def _is_pager_block(holder: etree._Element) -> bool:
    """True when ``holder`` (a :func:`_pager_block`) is a plain-text pager line: it holds
    no other block, no image or media, and its whole text, whitespace removed, is at
    most :data:`PAGER_LINE_MAX_CHARS` characters and :func:`is_pager_line`."""
    text = _block_text(holder, PAGER_LINE_MAX_CHARS)
    if text is None or not is_pager_line(text):
        return False
    return _is_leaf_block(holder) and not _HAS_MEDIA(holder) and holder.find(".//table") is None


@rule(
    "N018",
    "remove-pager-lines",
    "news",
    "Remove plain-text pager lines (第1页/共1页 << 上一页 | 下一页 >>, 上一页 1 2 3 下一页).",
    removes_text=True,
    needs_cjk=True,
    needles=("页",),
)
def remove_pager_lines(root: etree._Element, ctx: Context) -> int:
    """Remove a pager line: a block whose whole text is a page count and the words that
    step through the pages (``第1页/共1页 << 上一页 | 下一页 >>``, ``< 第一页 |上一页| 1 |
    下一页 | 最末页>``, ``上一页 1 2 3 下一页``), linked or not.

    The line is a block (``p``, ``div``, ``li``, ``td``...) holding no other block and
    no image, whose whole text, whitespace removed, is at most
    :data:`PAGER_LINE_MAX_CHARS` characters made only of :data:`PAGER_WORDS`, page
    numbers, ``第N页``, ``共N页`` and separators (``|<>[]``...), with a step word
    (``上一页``, ``下一页``...) and something more, or the count ``第N页/共M页``. A block
    with any other text stays, and so does every sentence that mentions the next page
    (``请翻到下一页继续阅读。``).

    ``<td align="right" class="ygg">第<b>1</b>页/共<b>1</b>页 <<&nbsp;上一页 |
    下一页&nbsp;>></td>`` (cn.news.yahoo.com, 2005) goes.
    """
    if not _long_input(ctx):  # a line's text, whitespace removed, is a stretch of the
        compact = compact_text(root, ctx.shared)  # tree's: a step word or the count is
        if not any(mark in compact for mark in _PAGER_MARKS):  # there
            return 0
    doomed: list[etree._Element] = []
    seen: etree._Element | None = None  # the block of the last piece (each read once)
    for piece in cast(list[etree._ElementUnicodeResult], _PAGER_TEXTS(root)):
        block = _pager_block(piece)
        if block is None or block is seen or block is root:
            continue
        seen = block
        if _is_pager_block(block):
            doomed.append(block)
    return _drop_blocks(doomed, root, ctx)


def _drop_blocks(doomed: list[etree._Element], root: etree._Element, ctx: Context) -> int:
    """Drop each of ``doomed`` still in the tree (one inside an earlier one went with it),
    recording it; how many went."""
    edits = 0
    for block in doomed:
        if not attached(block, root):
            continue
        ctx.removed(block)
        drop(block)
        edits += 1
    return edits


TAG_LABELS = (
    "关键字", "关键词", "标签", "文章关键字", "文章关键词", "文章标签", "本文关键词",
    "本文标签", "热门关键字", "热门关键词", "热门标签",
)  # fmt: skip
"""Labels of a line of tag links (``关键字：<a>LPR</a>``), each followed by a colon."""
TAG_LINE_MAX_CHARS = 200
"""A tag line's text at most (whitespace removed): a longer block is no tag line."""
_TAG_COLONS = ("：", ":")
_TAG_MARKS = tuple(dict.fromkeys(label[-1] + c for label in TAG_LABELS for c in _TAG_COLONS))
"""What the text of a tag line holds, whitespace removed: a label's last character and
a colon (each label ends in 字, 词 or 签)."""
_TAG_SEPARATORS = WHITESPACE + "，,、;；|｜丨/·"
_TAG_INLINE = frozenset({"span", "strong", "b", "em", "i", "font", "label", "q"})
_TAG_HOLDERS = frozenset({"p", "div", "section", "li", "dd", "dt", "td"})
# the text nodes that may open a tag line: one of the labels' last characters (in C,
# each text node read once)
_TAG_TEXTS = etree.XPath(
    "descendant-or-self::text()[contains(., '字') or contains(., '词') or contains(., '签')]"
    "[not(ancestor::a[@href])]",
    smart_strings=True,
)


def _tag_label(text: str) -> str | None:
    """The label and colon opening ``text`` (whitespace removed), if it opens with one."""
    for label in TAG_LABELS:
        if text.startswith(label) and text[len(label) : len(label) + 1] in _TAG_COLONS:
            return text[: len(label) + 1]
    return None


def _tag_line(piece: etree._ElementUnicodeResult) -> etree._Element | None:
    """The block of a tag line that text ``piece`` opens with its label, if it is one.

    The block is the nearest ``p``/``div``/``li``/``dd``/... above the piece, past
    inline elements (``<span>标签：</span>``); its whole text, whitespace removed, opens
    with the label and colon, is at most :data:`TAG_LINE_MAX_CHARS` characters, and is
    nothing else but the text of one link or more and separators (``，、|``).
    """
    label = _tag_label("".join(piece.split()))
    if label is None:
        return None
    holder = piece.getparent()
    if holder is not None and piece.is_tail:
        holder = holder.getparent()
    while holder is not None and holder.tag in _TAG_INLINE:
        holder = holder.getparent()
    if holder is None or holder.tag not in _TAG_HOLDERS:
        return None
    text = _block_text(holder, TAG_LINE_MAX_CHARS)
    if text is None or not text.startswith(label) or not _LINKS(holder):
        return None
    if _unlinked_text(holder).strip(_TAG_SEPARATORS) != label:
        return None
    if "".join(text_of(link).strip(_TAG_SEPARATORS) for link in _LINKS(holder)) == "":
        return None
    return holder


@rule(
    "N017",
    "remove-tag-lines",
    "news",
    "Remove lines of tag links (关键字：<a>LPR</a>, 标签：<a>…</a><a>…</a>).",
    removes_text=True,
    needs_cjk=True,
    # one character of each label (its last): whitespace cannot split one
    needles=("字", "词", "签"),
)
def remove_tag_lines(root: etree._Element, ctx: Context) -> int:
    """Remove a line of tag links: a label of :data:`TAG_LABELS` (``关键字``,
    ``关键词``, ``标签``, ...) with its colon, then links only.

    The line is a block (``p``, ``div``, ``li``, ``dd``...) whose whole text is the
    label, the links' text and separators (``，、|`` and spaces), at most
    :data:`TAG_LINE_MAX_CHARS` characters. A block with any other text stays (an
    academic abstract's ``关键词：淘宝网；物流配送`` has no links), and so does every
    mention of 关键词 inside article text.

    ``<div class="ar_keywords">关键字：<a href="…?tag=CPI">CPI</a></div>`` (caijing.com.cn)
    and ``<div class="rel-label"><span>标签：</span><a href="…">蓝羽会客厅</a></div>``
    (1905.com) go.
    """
    if not _long_input(ctx):  # a line's text, whitespace removed, is a stretch of the
        compact = compact_text(root, ctx.shared)  # tree's: its label's last character
        if not has_any_phrase(compact, _TAG_MARKS):  # and the colon are there
            return 0
    doomed: list[etree._Element] = []
    for piece in cast(list[etree._ElementUnicodeResult], _TAG_TEXTS(root)):
        block = _tag_line(piece)
        if block is not None and block is not root and (not doomed or doomed[-1] is not block):
            doomed.append(block)
    return _drop_blocks(doomed, root, ctx)
