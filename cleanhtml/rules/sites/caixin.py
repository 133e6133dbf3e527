"""Caixin (财新网, caixin.com) article pages.

No redistributable real page was found; the structure follows the selectors of public
scrapers. The body is ``<div id="Main_Content_Val" class="text">`` inside ``.textbox``;
the byline spans ``#pubtime_baidu``, ``#source_baidu`` and ``#author_baidu`` sit in
``#artInfo``. Titles end with ``_财新网`` or a channel and ``_财新网``
(``_金融_财新网``).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="caixin",
    summary="Caixin (caixin.com) article pages (#Main_Content_Val)",
    hosts=("caixin.com",),
    containers=("#Main_Content_Val",),
    markers=("#Main_Content_Val",),
    title_suffixes=("_*_财新网", "_财新网"),
    source=("#source_baidu",),
    author=("#author_baidu",),
    published=("#pubtime_baidu",),
    fixtures=("page-caixin-article",),
)
