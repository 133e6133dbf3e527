"""Toutiao (今日头条, www.toutiao.com/article/... and m.toutiao.com) article pages.

The 2020s PC template (``toutiao_web_pc``) keeps the body in
``<article class="syl-article-base tt-article-content ...">`` inside
``<div class="article-content">``, after the ``<h1>`` and the
``<div class="article-meta">`` byline (date, then the account name in ``.name``).
The like/comment/share toolbar sits in a left sidebar and the report button and
comment block follow the article, all outside the container. Titles end with
``-今日头条``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="toutiao",
    summary="Toutiao (toutiao.com) article pages (.tt-article-content)",
    hosts=("toutiao.com",),
    containers=(".tt-article-content", ".syl-article-base", ".article-content"),
    markers=(".tt-article-content",),
    title_suffixes=("-今日头条", "_今日头条"),
    source=("//div[contains(@class, 'article-meta')]//*[contains(@class, 'name')]",),
    published=("//div[contains(@class, 'article-meta')]/span[1]",),
    fixtures=("page-toutiao-article",),
)
