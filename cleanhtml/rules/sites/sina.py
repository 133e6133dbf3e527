"""Sina (新浪): finance, tech and news article pages, mobile sina.cn, blogs and k.sina.

Sina's article templates keep the body in one of a few containers:

* ``<div class="article" id="artibody">``: finance.sina.com.cn, tech.sina.com.cn and
  most channels (2016 and 2019 layouts), and k.sina.com.cn;
* ``<div class="article" id="article">``: news.sina.com.cn since 2017;
* ``<section class="art_pic_card art_content">``: the mobile pages of sina.cn;
* ``<div class="articalContent">``: blog.sina.com.cn posts.

Inside ``#artibody`` the 2016 finance template puts a quote chart with "热点栏目" links
(``.ct_hqimg``) above the text and a "进入【新浪财经股吧】讨论" promo below it; both go,
as does the hidden share thumbnail (``#wx_pic``) at the end of sina.cn articles.
The mobile byline names the source in ``.weibo_user`` and the date in ``.weibo_time``.
The other news boilerplate inside them (stock-quote spans, the editor footer, app promos,
ad slots) is handled by the ``news`` rules, which were written for Sina.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SINA = Site(
    name="sina",
    summary="Sina finance/tech/news, sina.cn, blog and k.sina article pages",
    hosts=("sina.com.cn", "sina.cn", "sina.com"),
    containers=("#artibody", "#article", ".art_content", ".articalContent"),
    markers=("#artibody",),
    drop=(
        ".ct_hqimg",  # 2016 finance: the quote chart and its 热点栏目 links
        # 进入【新浪财经股吧】讨论
        "//div[@data-sudaclick = 'suda_1028_guba'][contains(., '股吧')]",
        "#wx_pic",  # sina.cn: the hidden thumbnail WeChat takes when the page is shared
    ),
    title_suffixes=(
        "_新浪财经_新浪网",
        "_新浪科技_新浪网",
        "|*_新浪新闻",
        "_新浪新闻",
        "_*_新浪网",
        "_新浪网",
        "_手机新浪网",
        "_*_新浪博客",
        "_新浪博客",
    ),
    source=(".date-source .source", ".source", "#media_name", ".weibo_user"),
    author=(".show_author",),
    editor=(".article-editor",),
    published=(".date-source .date", ".date", "#pub_date", ".weibo_time"),
    fixtures=(
        "page-sina-article",
        "page-sina-news",
        "page-sina-news-2024",
        "page-sina-finance-2016",
        "page-sina-mobile",
    ),
)
SITES = (SINA,)
