"""Sina (新浪): finance, tech and news article pages, mobile sina.cn, blogs and k.sina.

Sina's article templates keep the body in one of a few containers:

* ``<div class="article" id="artibody">``: finance.sina.com.cn, tech.sina.com.cn and
  most channels (2016 and 2019 layouts), and k.sina.com.cn;
* ``<div class="article" id="article">``: news.sina.com.cn since 2017;
* ``<section class="art_pic_card art_content">``: the mobile pages of sina.cn;
* ``<div class="articalContent">``: blog.sina.com.cn posts.

The news boilerplate inside them (stock-quote spans, the editor footer, app promos,
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
    source=(".date-source .source", ".source", "#media_name"),
    author=(".show_author",),
    published=(".date-source .date", ".date", "#pub_date"),
    fixtures=("page-sina-article", "page-sina-news"),
)
SITES = (SINA,)
