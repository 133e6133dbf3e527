"""Huanqiu (环球网, huanqiu.com) article pages.

The 2020s template keeps the body in ``<article>`` inside ``<div class="l-con
clear">``, under ``.t-container-title`` (the ``<h3>`` title) and ``.metadata-info``
(date and source); older pages used ``<div class="la_con">`` or ``<div id="text">``.
Public scrapers select the same containers (``div.l-con.clear p``; ``la_con``/``#text``
in dongrunhua/simhash's ``custom_constant.py``). No real saved page with a
redistributable licence was found: the fixture is constructed.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="huanqiu",
    summary="Huanqiu (huanqiu.com) article pages (.l-con article, .la_con)",
    hosts=("huanqiu.com",),
    containers=(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' l-con ')]//article",
        ".l-con",
        ".la_con",
        "#text",
    ),
    title_suffixes=("_*_环球网", "_环球网", "-环球网"),
    source=("//div[contains(@class, 'metadata-info')]//*[contains(@class, 'source')]//a",),
    published=("//div[contains(@class, 'metadata-info')]//*[contains(@class, 'time')]",),
    fixtures=("page-huanqiu-article",),
)
