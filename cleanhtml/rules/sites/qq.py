"""Tencent QQ (腾讯网) article pages: news.qq.com, tech.qq.com and the other channels.

The 2012-2018 template keeps the body in ``<div id="Cnt-Main-Article-QQ">``; the
newer ``new.qq.com/omn/...`` pages use ``<div class="content-article">``, and the
``new.qq.com/rain/a/...`` pages of 2024 put the text in ``<div id="ArticleContent">``
inside it, between the title and author card and the 免责声明 disclaimer, 举报 link
and an ad after it; an image viewer (``.image-carousel``, "查看原图 264K") follows the
text inside ``#ArticleContent``. Inside the
old one sit a "精彩视频推荐" heading and the related-video player under it
(``.rv-root-v2``: 自动播放, 正在加载..., ``<`` ``>``), share buttons, and keyword links:
company names linked to a quote page (``stockhtm.finance.qq.com/.../GOOG.OQ.htm``)
followed by ``(微博)``, a link to the company's microblog. The editor credit
``[责任编辑：…]`` follows the container.
"""

from __future__ import annotations

import re

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.news import add_stock, stock_code
from cleanhtml.rules.sites.base import Site
from cleanhtml.treeops import drop, find, unwrap

_QUOTE_LINKS = find(
    "descendant-or-self::a[contains(@href, 'stockhtm.finance.qq.com/')"
    " or contains(@href, 'gu.qq.com/')]"
)
_WEIBO_KEYWORDS = find("descendant-or-self::a[contains(@href, '#pref=qqcom.keyword')]")
_KEYWORD_LINKS = find(
    "descendant-or-self::a"
    "[contains(concat(' ', normalize-space(@class), ' '), ' a-tips-Article-QQ ')]"
)
_QUOTE_PAGE = re.compile(r"/([A-Za-z0-9]{1,10})\.(OQ|O|N|NQ|A|HK|SH|SZ)\.html?$", re.IGNORECASE)


def unwrap_keyword_links(root: etree._Element, ctx: Context) -> int:
    """Unwrap QQ's keyword and quote links and drop their ``(微博)`` microblog links.

    ``<a class="a-tips-Article-QQ" href="…/ggcx/GOOG.OQ.htm">谷歌</a>(<a href="…
    #pref=qqcom.keyword">微博</a>)`` becomes ``谷歌``; the code is recorded in
    ``stocks`` (``usGOOG``). Only a microblog link written exactly as ``(微博)``, its
    brackets touching it, goes.
    """
    edits = 0
    for a in _WEIBO_KEYWORDS(root):
        before = a.getprevious()
        parent = a.getparent()
        if (
            parent is None
            or (a.text or "") != "微博"
            or len(a)
            or not (a.tail or "").startswith(")")
        ):
            continue
        lead = before.tail if before is not None else parent.text
        if not (lead or "").endswith("("):
            continue
        if before is not None:
            before.tail = (before.tail or "")[:-1]
        else:
            parent.text = (parent.text or "")[:-1]
        a.tail = (a.tail or "")[1:]
        ctx.removed(a)
        drop(a)
        edits += 1
    for a in dict.fromkeys([*_QUOTE_LINKS(root), *_KEYWORD_LINKS(root)]):
        if a.getparent() is None:
            continue
        found = _QUOTE_PAGE.search(a.get("href", ""))
        if found:
            add_stock(ctx, stock_code(found.group(2), found.group(1)))
        ctx.removed(a)
        unwrap(a)
        edits += 1
    return edits


# Tencent News pages (new.qq.com/rain/a/...) end their <title> in _腾讯新闻 and name no
# URL in their markup: one look at <head> names them.
_TITLE_MARKER = (
    "/html/head/title[substring(normalize-space(.),"
    " string-length(normalize-space(.)) - 4) = '_腾讯新闻']"
)

SITE = Site(
    name="qq",
    summary="Tencent QQ news article pages (#Cnt-Main-Article-QQ, .content-article)",
    hosts=("qq.com",),
    containers=("#Cnt-Main-Article-QQ", "#ArticleContent", ".content-article"),
    markers=("#Cnt-Main-Article-QQ", _TITLE_MARKER),
    drop=(
        ".image-carousel",  # 2024: the 查看原图 image viewer after the text
        ".mbArticleShareBtn",
        "#tipsWBzf",
        ".rv-root-v2",
        "//p[normalize-space(.) = '精彩视频推荐'][not(.//img)]",
    ),
    rules=(unwrap_keyword_links,),
    title_suffixes=("_*_腾讯网", "_腾讯网", "_腾讯新闻"),
    source=(".where", ".a-src", ".color-a-1"),
    published=(".pubTime", ".a-time", "//div[@id = 'article-author']//div[@class = 'media-info']"),
    editor=(".QQeditor",),
    fixtures=("page-qq-article", "page-qq-news-2024"),
)
