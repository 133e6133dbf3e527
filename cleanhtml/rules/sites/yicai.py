"""Yicai (第一财经, yicai.com) article pages.

No redistributable real page was found; the structure follows the selectors of public
scrapers. The body is ``<div class="m-txt">`` (older pages: ``.m-text``) under the
title block ``.m-title`` (``<h1>`` and an ``<h2>`` byline); the body ends with a
``责编：…`` line, which the editor-footer rule takes. Titles end with ``_第一财经``.

DIYgod/RSSHub's yicai routes (``lib/routes/yicai/utils.ts``) read the article from
``.multiText, #multi-text, .txt`` after removing the ``<h1>`` and the ``.u-btn6``,
``.m-smallshare`` (share) and ``.topic-hot`` widgets; dongrunhua/simhash's
``custom_constant.py`` reads ``//div[@class="m-txt"]``. The profile keeps
``#multi-text``/``.multiText`` when the page has it, else ``.m-txt``, and removes those
widgets inside whichever it keeps.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

_HAS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_BODIES = (
    "//*[@id = 'multi-text' or "
    + " or ".join(_HAS.format(name) for name in ("multiText", "m-txt", "m-text"))
    + "]"
)

SITE = Site(
    name="yicai",
    summary="Yicai (yicai.com) article pages (#multi-text, .m-txt)",
    hosts=("yicai.com",),
    containers=("#multi-text", ".multiText", ".m-txt", ".m-text"),
    drop=tuple(f"{_BODIES}//*[{_HAS.format(w)}]" for w in ("u-btn6", "m-smallshare", "topic-hot")),
    title_suffixes=("_*_第一财经", "_第一财经", "-第一财经"),
    published=(".m-title h2", ".m-title p"),
    fixtures=("page-yicai-article", "page-yicai-2024"),
)
