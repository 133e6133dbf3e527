"""Sina (新浪): finance, tech and news article pages, mobile sina.cn, blogs and k.sina.

Sina's article templates keep the body in one of a few containers:

* ``<div class="article" id="artibody">``: finance.sina.com.cn, tech.sina.com.cn and
  most channels (2016 and 2019 layouts), and k.sina.com.cn;
* ``<div class="article" id="article">``: news.sina.com.cn since 2017, and
  k.sina.com.cn/article_… pages (a Java news crawler in the code index reads
  ``div#article`` for both URL patterns, with ``.date-source .date`` and the account
  in ``.date-source .author a``; their titles end in keywords and ``_新浪新闻``,
  ``标题|OpenClaw|风险|监管_新浪新闻``, so the title is the ``<h1>`` the title starts
  with);
* ``<div id=article>`` around a title table, a byline row and ``<font id="zoom">``
  with the text: the 2004-2005 pages of every channel (house, book, news); the
  cell holding the ``zoom`` font is kept, without the title and byline rows; the
  sina.net pages of 2005 have no ``#article``: the first ``td.l17`` text cell in the
  table of the ``th.f24`` title is kept;
* ``<section class="art_pic_card art_content">``: the mobile pages of sina.cn;
* ``<div id="sina_keyword_ad_area2" class="articalContent   newfont_family">``:
  blog.sina.com.cn posts, between ``<!-- 正文开始 -->`` and ``<!-- 正文结束 -->``, under
  ``.articalTitle`` (the ``h2.titName`` title, the ``span.time`` date in brackets) and
  ``.articalTag`` (标签, 分类); the share, like and previous/next boxes follow it. The
  id names the site of a saved post that carries no URL.

Inside ``#artibody`` the 2016 finance template puts a quote chart with "热点栏目" links
(``.ct_hqimg``) above the text and a "进入【新浪财经股吧】讨论" promo below it; both go,
as does the hidden share thumbnail (``#wx_pic``) at the end of sina.cn articles and
the 360-pixel 画中画 ad box and the 【发表评论】【关闭窗口】 links of the 2004-2005 pages.
The mobile byline names the source in ``.weibo_user`` and the date in ``.weibo_time``.
The other news boilerplate inside them (stock-quote spans, the editor footer, app promos,
ad slots) is handled by the ``news`` rules, which were written for Sina.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

# Sina's own pages end their <title> in 新浪网 (_新浪财经_新浪网, _读书频道_新浪网, ...):
# one look at <head> names the site of a saved page that carries no URL.
_TITLE_MARKER = (
    "/html/head/title[substring(normalize-space(.),"
    " string-length(normalize-space(.)) - 3) = '_新浪网']"
)

# the 2004-2005 byline row: "http://house.sina.com.cn 2005年03月31日03:18 <font>北京娱乐信报</font>"
# (the channel's address, the date, the source)
_BYLINE_2005 = (
    "//td[@align = 'center'][starts-with(normalize-space(.), 'http://')][contains(., '年')]"
)

SINA = Site(
    name="sina",
    summary="Sina finance/tech/news, sina.cn, blog and k.sina article pages",
    hosts=("sina.com.cn", "sina.cn", "sina.com", "sina.net"),
    containers=(
        "#artibody",
        "//div[@id = 'article']//font[@id = 'zoom']/ancestor::td[1]",  # 2004-2005: the text
        "#article",
        ".art_content",
        ".articalContent",
        # 2005 pages without #article (sina.net): the first text cell under the title
        "//th[@class = 'f24']/ancestor::table[1]//td[@class = 'l17'][1]",
    ),
    # blog.sina.com.cn posts: the body's id is Sina's keyword-ad hook, no other site's
    markers=("#artibody", _TITLE_MARKER, "#sina_keyword_ad_area2"),
    drop=(
        ".ct_hqimg",  # 2016 finance: the quote chart and its 热点栏目 links
        # 进入【新浪财经股吧】讨论
        "//div[@data-sudaclick = 'suda_1028_guba'][contains(., '股吧')]",
        "#wx_pic",  # sina.cn: the hidden thumbnail WeChat takes when the page is shared
        # 2004-2005: the 360-pixel 画中画 ad box inside the text (ad images, no paragraph)
        "//td[@class = 'l17']//table[@width = '360'][not(.//p)]",
        # 2005: the 【发表评论】【关闭窗口】 cell under the text
        "//td[a[contains(@href, 'comment.news.sina.com.cn/')]][contains(., '关闭窗口')]",
    ),
    title_suffixes=(
        "_新浪财经_新浪网",
        "_新浪科技_新浪网",
        "|*_新浪新闻",
        "_新浪新闻",
        "__*_新浪网",  # 2005 sina.net: 标题__商贸_产业资讯_新浪网
        "_*_新浪网",
        "_新浪网",
        "_手机新浪网",
        "_*_新浪博客",
        "_新浪博客",
    ),
    source=(
        ".date-source .source",
        # k.sina: the publishing account (a Java crawler's source selectors in the code index)
        ".date-source .author a",
        ".source",
        "#media_name",
        ".weibo_user",
        f"{_BYLINE_2005}/font",
    ),
    author=(".show_author",),
    editor=(".article-editor",),
    published=(
        ".date-source .date",
        ".date",
        "#pub_date",
        ".weibo_time",
        _BYLINE_2005,
        ".articalTitle .time",  # blog: (2024-05-20 21:36:08)
    ),
    fixtures=(
        "page-sina-article",
        "page-sina-news",
        "page-sina-news-2024",
        "page-sina-finance-2016",
        "page-sina-mobile",
        "page-sina-2005",
        "page-sina-net-2005",
        "page-sina-blog",
    ),
)
SITES = (SINA,)
