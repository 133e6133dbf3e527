"""News-site boilerplate: stock-quote links, promo blocks, editor footers.

These rules know the shapes Sina Finance (and the many feeds copied from it) wrap
around an article. Each removes or unwraps by what a thing *is* (its class, its
link target, its whole text), never by the tag alone.
"""

from __future__ import annotations

import re

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.treeops import WHITESPACE, drop, find, test, text_of, unwrap

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
_STOCK_WRAPPERS = find(
    "//span[starts-with(@id, 'stock_')]"
    " | //a[contains(concat(' ', normalize-space(@class), ' '), ' keyword ')]"
    f" | //a[{_HREF_TEST}]"
)
_QUOTE_PLACEHOLDERS = find("//span[starts-with(@id, 'quote_')]")
_CODE_IN_HREF = re.compile(
    r"/(?:realstock/company|quotes)/([A-Za-z]{0,3}[0-9A-Za-z.]+?)(?:/|\.html|$)"
)

_APP_PROMOS = find(
    "//*[contains(@class, 'appendQr') or contains(@class, 'kaihu-qr')"
    " or contains(@id, 'kaihu-qr')][not(ancestor::*[contains(@class, 'appendQr')"
    " or contains(@class, 'kaihu-qr') or contains(@id, 'kaihu-qr')])]"
)

# Phrases that open a promo box; checked on the block's whole text.
PROMO_PREFIXES = re.compile(
    r"^(?:相关新闻|相关阅读|相关报道|相关文章|延伸阅读|推荐阅读|热门推荐|热点推荐|更多精彩|往期回顾)\s*[:：|丨]"
    r"|^炒股就看金麒麟"  # the Sina blurb; "炒股就看心态……" can open an article paragraph
    r"|^海量资讯、精准解读，尽在新浪财经APP$"
    r"|^新浪财经(?:APP|app)?[:：]?\s*(?:下载|扫码)"
)
PROMO_MAX_CHARS = 400  # a larger block is an article container, not a box
_PROMO_CANDIDATES = find(
    "//*[self::blockquote or self::p or self::div or self::section or self::li or self::table]"
    "[contains(., '相关') or contains(., '阅读') or contains(., '推荐') or contains(., '精彩')"
    " or contains(., '往期') or contains(., '炒股就看') or contains(., '新浪财经')]"
)
_LINK_BOX_CANDIDATES = find("//blockquote[count(.//a[@href]) >= 2]")

EDITOR_CREDIT = re.compile(
    r"^[\[【（(]?\s*(?:责任编辑|责编|编辑)\s*[:：]\s*"
    r"(?P<name>[^\s:：\]】）()，。！？；,!?;][^:：\]】）()，。！？；,!?;]{0,24}?)"
    r"(?:\s+[A-Z]{1,4}\d{2,6})?\s*[\]】）)]?$"
)
_EDITOR_PARAGRAPHS = find(
    "//p[contains(concat(' ', normalize-space(@class), ' '), ' article-editor ')]"
)
_LEAF_BLOCKS = find(
    "//*[self::p or self::div or self::section or self::blockquote or self::li"
    " or self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
    "[not(.//p or .//div or .//section or .//blockquote or .//li)]"
)
_HAS_MEDIA = test(".//img | .//video | .//audio | .//iframe | .//embed | .//object")


def _add_stock(ctx: Context, code: str) -> None:
    stocks: list[str] = ctx.meta.setdefault("stocks", [])
    if code and code not in stocks:
        stocks.append(code)


def unwrap_stock_links(root: etree._Element, ctx: Context) -> int:
    """Unwrap stock-quote spans and keyword links, keeping their word exactly in place.

    Sina wraps company names and ordinary words (``线上线下``) in
    ``<span id="stock_sz300959"><a class="keyword" href=".../realstock/...">``. The word
    is article text; the wrapper is an ad for a quote page. Nested and broken spans
    are unwrapped too. The stock codes are recorded in ``ctx.meta["stocks"]``.

    ``采取<span id="stock_sz300959"><a class="keyword" href="…">线上线下</a></span>方式``
    becomes ``采取线上线下方式``.
    """
    found = _STOCK_WRAPPERS(root)
    for el in found:
        if el.tag == "span":
            _add_stock(ctx, el.get("id", "")[len("stock_") :])
        else:
            match = _CODE_IN_HREF.search(el.get("href", ""))
            if match:
                _add_stock(ctx, match.group(1))
        ctx.removed(el)
        unwrap(el)
    return len(found)


def remove_quote_placeholders(root: etree._Element, ctx: Context) -> int:
    """Remove the ``<span id="quote_…">`` placeholders a quote widget fills in.

    Empty ones are dropped; one that holds text is unwrapped, so no text is lost.

    ``名称<span id="quote_sz300959"></span>方式`` becomes ``名称方式``.
    """
    found = _QUOTE_PLACEHOLDERS(root)
    for el in found:
        ctx.removed(el)
        if len(el) or (el.text or "").strip(WHITESPACE):
            unwrap(el)
        else:
            drop(el)
    return len(found)


def remove_app_promos(root: etree._Element, ctx: Context) -> int:
    """Remove app and brokerage-account QR promo blocks.

    Sina appends ``<div class="appendQr_wrap">`` ("海量资讯、精准解读，尽在新浪财经APP"
    with a QR code) and ``<div class="app-kaihu-qr">`` (open an account) to every post.
    Their ``<style>`` and marker comments go with the style and comment rules.
    """
    found = _APP_PROMOS(root)
    for el in found:
        ctx.removed(el)
        drop(el)
    return len(found)


def _block_text(el: etree._Element) -> str:
    return "".join(text_of(el).split())


def remove_promo_boxes(root: etree._Element, ctx: Context) -> int:
    """Remove promo boxes: related-news lists, ``炒股就看…`` blurbs, link-only quote boxes.

    A box is told by what it is, not by its tag: a block whose whole text starts with
    a promo phrase (``相关新闻：``, ``延伸阅读：``, ``炒股就看``…), or a ``<blockquote>``
    whose text is all links (two or more). A ``<blockquote>`` of quoted prose stays.
    """
    edits = 0
    for el in _PROMO_CANDIDATES(root):
        text = _block_text(el)
        if len(text) > PROMO_MAX_CHARS or not PROMO_PREFIXES.match(text):
            continue
        if el.getroottree().getroot() is not root.getroottree().getroot():
            continue  # inside a box removed already
        ctx.removed(el)
        drop(el)
        edits += 1
    for box in _LINK_BOX_CANDIDATES(root):
        if box.getroottree().getroot() is not root.getroottree().getroot():
            continue
        text = _block_text(box)
        linked = "".join(_block_text(a) for a in box.iter("a") if a.get("href"))
        rest = text.replace(linked, "", 1) if linked and linked in text else text
        if linked and len(rest.strip("：:，,、。；;|丨·-—")) <= max(6, len(text) // 10):
            ctx.removed(box)
            drop(box)
            edits += 1
    return edits


def _record_editor(ctx: Context, text: str) -> None:
    match = EDITOR_CREDIT.match(text)
    if match and "editor" not in ctx.meta:
        ctx.meta["editor"] = match.group("name").strip()


def remove_editor_footer(root: etree._Element, ctx: Context) -> int:
    """Remove the editor credit at the end of an article (``责任编辑：徐小曼``).

    Removes ``<p class="article-editor">`` wherever it is, and closing paragraphs whose
    whole text is an editor credit: ``责任编辑``, ``编辑`` or ``责编``, a full-width or
    ASCII colon, a name, an optional staff code (``SF055``), optional brackets. The word
    编辑 inside article text, or a byline at the top, is content and stays. The name is
    recorded in ``ctx.meta["editor"]``.
    """
    edits = 0
    for el in _EDITOR_PARAGRAPHS(root):
        _record_editor(ctx, text_of(el).strip(WHITESPACE))
        ctx.removed(el)
        drop(el)
        edits += 1
    for el in reversed(_LEAF_BLOCKS(root)):
        text = text_of(el).strip(WHITESPACE)
        if not text:
            if _HAS_MEDIA(el):
                break
            continue
        if not EDITOR_CREDIT.match(text):
            break
        _record_editor(ctx, text)
        ctx.removed(el)
        drop(el)
        edits += 1
    return edits
