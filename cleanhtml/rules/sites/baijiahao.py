"""Baijiahao (百家号, baijiahao.baidu.com/s?id=...) article pages.

The server-rendered template keeps the body in
``<div class="index-module_articleWrap_…">`` (a CSS-module class whose hash suffix
changes: ``_2Zphx``, ``__Os-HM``), after ``index-module_articleTitle_…`` and the
author and time; its last line is a "举报/反馈" (report) link. The older template used
``<div class="article-content">`` with ``<span class="bjh-p">`` paragraphs. Public
scrapers select the same containers (``.index-module_articleWrap_2Zphx``, stripping a
trailing "举报/反馈"; ``span.bjh-p``; ``div#ssr-content-wrapper``). No real saved page
with a redistributable licence was found: the fixture is constructed.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="baijiahao",
    summary="Baijiahao (baijiahao.baidu.com) article pages (index-module_articleWrap)",
    hosts=("baijiahao.baidu.com",),
    containers=(
        "//div[contains(@class, 'index-module_articleWrap')]",
        ".article-content",
        "#ssr-content-wrapper",
    ),
    drop=("//*[normalize-space(.) = '举报/反馈'][not(*[normalize-space(.) = '举报/反馈'])]",),
    author=("//*[contains(@class, 'index-module_authorName')]", ".author-name"),
    published=("//*[contains(@class, 'index-module_time')]",),
    fixtures=("page-baijiahao-article",),
)
