"""Sohu (搜狐, sohu.com) article pages: the www.sohu.com/a/... template since 2017.

The body is ``<article class="article" id="mp-editor">``. Inside it the template puts
a hidden ``<p data-role="original-title" style="display:none">原标题：…</p>``, a
"展开全文" (show the whole article) button box ``.lookall-box`` before the part it
folds away (``.hidden-content``, which is article text and stays), the
``<a id="backsohucom">返回搜狐，查看更多</a>`` link at the end of the last paragraph,
and an empty ``<p data-role="editor-name">责任编辑：<span></span></p>`` (the name is
often written in the text instead: ``【编辑:刘欢】``, which the editor-footer rule
takes). The byline is ``#news-time`` and ``[data-role=original-link]``; the title
carries the article's keywords as suffixes (``_苏银``), so the ``<h1>`` is the title.
The 2004-2005 pages (business.sohu.com, auto.sohu.com) keep the text in the table
cell ``<td id="fontzoom">`` under a ``td.main`` byline cell (date, author, 来源) and
end their titles with ``-搜狐财经``-style channel names, as the real pages of
immortal-autumn/Chinese-Web-Content-Extraction-Dataset show. Inside the cell: a Sogou
search box (``form[name=sogouform]``: 共找到 13,046 个相关新闻.), a grey
``table[bgcolor=#cccccc]`` of channel links (理财：… 股票：… 评论：…) and an SMS ad link
(``/sms/intro.php``: 发送GP到6666 随时随地查行情), which go.
"""

from __future__ import annotations

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.news import original_title
from cleanhtml.rules.sites.base import Site
from cleanhtml.treeops import WHITESPACE, drop, find, text_of

_ORIGINAL_TITLE = find("descendant-or-self::p[@data-role = 'original-title']")


def record_original_title(root: etree._Element, ctx: Context) -> int:
    """Record Sohu's hidden ``原标题：…`` paragraph as ``original_title`` and drop it.

    The page hides it (``display:none``); it repeats the headline, so it is metadata,
    not text the reader sees.
    """
    edits = 0
    for p in _ORIGINAL_TITLE(root):
        if p.getparent() is None:
            continue
        found = original_title(" ".join(text_of(p).strip(WHITESPACE).split()))
        if found:
            ctx.meta.setdefault("original_title", found.value.strip())
        ctx.removed(p)
        drop(p)
        edits += 1
    return edits


# the 2004-2005 byline cell: "BUSINESS.SOHU.COM 2004年7月16日08:19 [ 黄宇 ] 来源：[ 国际金融报 ]"
_BYLINE_2004 = "//td[@class = 'main'][contains(., '来源：')]"

SITE = Site(
    name="sohu",
    summary="Sohu (sohu.com) article pages (#mp-editor)",
    hosts=("sohu.com",),
    containers=("#mp-editor", "article.article", "#contentText", "td#fontzoom"),
    markers=("#mp-editor",),
    drop=(
        # 2004-2005: the Sogou search box, a grey table of channel links and an SMS
        # ad inside td#fontzoom
        "form[name=sogouform]",
        "//td[@id = 'fontzoom']//table[@bgcolor = '#cccccc'][.//a]"
        "[not(.//text()[not(ancestor::a)][string-length(normalize-space(.)) > 2])]",
        "//td[@id = 'fontzoom']//a[contains(@href, '/sms/intro.php')]",
        "#backsohucom",
        ".lookall-box",
        "//p[@data-role = 'editor-name'][not(normalize-space(span))]",
    ),
    rules=(record_original_title,),
    title_suffixes=("_搜狐新闻", "_搜狐网", "_搜狐", "-搜狐*"),  # 2004-2005: -搜狐财经
    source=(
        "[data-role=original-link] a",
        "[data-role=original-link]",
        _BYLINE_2004 + "//a",
    ),
    published=("#news-time", _BYLINE_2004),
    editor=("p[data-role=editor-name]",),
    fixtures=("page-sohu-article", "page-sohu-2004", "page-sohu-2005", "page-sohu-2004-search"),
)
