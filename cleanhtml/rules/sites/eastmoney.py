"""Eastmoney (东方财富网, eastmoney.com) article pages: finance.eastmoney.com and
stock.eastmoney.com news, the wap pages and Guba posts.

The body is ``<div class="txtinfos" id="ContentBody">`` inside ``.newsContent``, as
every scraper in the code index reads it (dongrunhua/simhash's ``custom_constant.py``:
``//div[@id="ContentBody"]``; Scrapy spiders since 2015: ``//div[@id="ContentBody"]/p``
with the ``<h1>`` in ``.newsContent`` and the byline ``.time-source``: ``div.time``,
``div.source`` (``data-source``), ``div.author``, the editor link in ``span a``; the
2015 pages had ``.Info span`` for the date; the 2023 layout has ``.infos .item``).
Its text opens with an app promo link ``<a class="toplink">`` (全新妙想投研助理，立即体验)
in a paragraph of its own, marks companies and sectors with quote hooks
(``<span id="stock_1.600030"><a class="keytip">中信证券</a></span><span
id="quote_1.600030"></span>``, ``bk_90.BK1036``/``bkquote_90.BK1036``, and
``<span class="em_stock_key_common">`` around a name) and ends with
``<p class="em_media">（文章来源：第一财经）</p>``, which stays: it names the source, as
the byline does. ``（责任编辑：DF318）`` lines inside the body are taken by the
editor-footer rule; ``p.res-edit`` below it is read as the editor. The
``郑重声明：东方财富发布此内容…`` disclaimer and the "热点阅读" list follow the body
(the disclaimer is removed by its exact opening should a layout put it inside).
The wap pages (wap.eastmoney.com) keep the text in ``<article id="zwtext">``
(JansonLv/eastmoney's spider); Guba posts in ``#zwconbody`` or ``#zw_body`` (a
configuration of content XPaths in the code index); 财富号 columns
(caifuhao.eastmoney.com/news/...) in ``div.article.page-article`` (a userscript that
isolates the article, file id 1030798895). Titles end with ``_东方财富网``.
No real saved page with a redistributable licence was found: the fixtures are pages
written from this structure around real article bodies (their READMEs name the
sources).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="eastmoney",
    summary="Eastmoney (eastmoney.com) article pages (#ContentBody)",
    hosts=("eastmoney.com",),
    containers=(
        "#ContentBody",
        ".txtinfos",
        ".newsContent",
        "#zwtext",
        "#zwconbody",
        "#zw_body",
        "div.article.page-article",
    ),
    markers=("div.txtinfos#ContentBody",),
    drop=(
        "#ContentBody a.toplink",
        # the disclaimer, should a layout put it inside the body (its exact opening)
        "//div[@id = 'ContentBody']//*[self::p or self::div]"
        "[starts-with(normalize-space(.), '郑重声明：东方财富')]",
    ),
    title_suffixes=("_*_东方财富网", "_东方财富网"),
    source=(".infos .item a", ".source a", ".time-source .source"),
    author=(".time-source .author",),
    published=(".infos .item", ".time", ".Info span"),
    editor=(".res-edit",),
    fixtures=("page-eastmoney-article", "page-eastmoney-2020"),
)
