"""Jiemian (界面新闻, jiemian.com) article pages.

The body is ``<div class="article-content">`` inside ``.article-main``, under the
``.article-header`` (``<h1>`` title) and the ``.article-info`` byline. Titles end
with ``|界面新闻`` and often a channel (``|界面新闻 · 科技``). No real saved page with a
redistributable licence was found: the fixture is constructed from the structure
public scrapers select.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="jiemian",
    summary="Jiemian (jiemian.com) article pages (.article-content)",
    hosts=("jiemian.com",),
    containers=(".article-content", ".article-main"),
    title_suffixes=("|界面新闻 · *", "|界面新闻"),
    author=("//div[contains(@class, 'article-info')]//*[contains(@class, 'author')]",),
    published=("//div[contains(@class, 'article-info')]//*[contains(@class, 'date')]",),
    fixtures=("page-jiemian-article",),
)
