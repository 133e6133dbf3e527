"""Baijiahao (百家号, baijiahao.baidu.com/s?id=... and mbd.baidu.com/newspage/...) article
pages.

The server-rendered template keeps the body in
``<div class="index-module_articleWrap_…">`` (a CSS-module class whose hash suffix
changes: ``_2Zphx``, ``__Os-HM``), after ``index-module_articleTitle_…`` and the
author and time; its last line is a "举报/反馈" (report) link. The older template used
``<div class="article-content">`` with ``<span class="bjh-p">`` paragraphs. Public
scrapers select the same containers (``.index-module_articleWrap_2Zphx``, stripping a
trailing "举报/反馈"; ``span.bjh-p``; ``div#ssr-content-wrapper``). No real saved page
with a redistributable licence was found: the fixture is a page written from this
structure around a real article body (its README names the source).

The byline's CSS-module classes seen in public scrapers (file ids in the code index):
``index-module_authorName_27dN1``/``_7y5nA`` (53394692499, 41081419636),
``index-module_articleTime_25iwO`` (53394692499), ``index-module_time_10s4U``
(13208665326), ``index-module_authorTxt_V6XfG > a > p`` (49255576267). The same
article pages are served from mbd.baidu.com (``/newspage/data/landingsuper``, same
``index-module_articleWrap_2Zphx`` body: 41081419636, 47183560306).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="baijiahao",
    summary="Baijiahao (baijiahao.baidu.com) article pages (index-module_articleWrap)",
    hosts=("baijiahao.baidu.com", "mbd.baidu.com"),
    containers=(
        "//div[contains(@class, 'index-module_articleWrap')]",
        ".article-content",
        "#ssr-content-wrapper",
    ),
    drop=("//*[normalize-space(.) = '举报/反馈'][not(*[normalize-space(.) = '举报/反馈'])]",),
    author=(
        "//*[contains(@class, 'index-module_authorName')]",
        "//*[contains(@class, 'index-module_authorTxt')]//p",
        ".author-name",
    ),
    published=(
        "//*[contains(@class, 'index-module_time')]",
        "//*[contains(@class, 'index-module_articleTime')]",
    ),
    fixtures=("page-baijiahao-article",),
)
