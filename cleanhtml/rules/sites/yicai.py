"""Yicai (第一财经, yicai.com) article pages.

No redistributable real page was found; the structure follows the selectors of public
scrapers. The body is ``<div class="m-txt">`` (older pages: ``.m-text``) under the
title block ``.m-title`` (``<h1>`` and an ``<h2>`` byline); the body ends with a
``责编：…`` line, which the editor-footer rule takes. Titles end with ``_第一财经``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="yicai",
    summary="Yicai (yicai.com) article pages (.m-txt)",
    hosts=("yicai.com",),
    containers=(".m-txt", ".m-text"),
    title_suffixes=("_*_第一财经", "_第一财经", "-第一财经"),
    published=(".m-title h2", ".m-title p"),
    fixtures=("page-yicai-article",),
)
