"""Jiemian (界面新闻, jiemian.com) article pages.

The body is ``<div class="article-content">`` inside ``.article-main``, under the
``.article-header`` (``<h1>`` title) and the ``.article-info`` byline. Titles end with
``|界面新闻`` and often a channel (``|界面新闻 · 科技``). No real saved page with a
redistributable licence was found: the fixture is written from the structure public
scrapers select, around a real article body (its README names the source). A per-source
extractor in the code index (file id 59838097567, 2026) reads the body from
``.article-view``, ``.article-content`` or an ``article-main`` class, the title from
``.article-title``, the date from ``.article-time`` or ``.date`` and the author from
``.article-author``; those byline classes are read here after the ``.article-info``
ones. DIYgod/RSSHub's jiemian route (``lib/routes/jiemian/common.tsx``) reads
``div.article-header h1``, the deck ``div.article-header p``, the lead image
``div.article-img img`` (outside the body), ``div.article-content``, the authors as the
links of the first ``span.author`` and the date from
``div.article-info span[data-article-publish-time]``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="jiemian",
    summary="Jiemian (jiemian.com) article pages (.article-content)",
    hosts=("jiemian.com",),
    containers=(".article-content", ".article-main"),
    title_suffixes=("|界面新闻 · *", "|界面新闻"),
    author=(
        "//div[contains(@class, 'article-info')]//*[contains(@class, 'author')]",
        ".article-author",
    ),
    published=(
        "//div[contains(@class, 'article-info')]//*[contains(@class, 'date')]",
        "//div[contains(@class, 'article-info')]//span[@data-article-publish-time]",
        ".article-time",
    ),
    fixtures=("page-jiemian-article",),
)
