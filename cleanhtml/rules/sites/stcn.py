"""Securities Times (证券时报网, stcn.com) article pages.

The 2023 template (``/article/detail/<id>.html``) keeps the body in
``<div class="detail-content">`` after ``.detail-title`` and the ``.detail-info``
byline (``来源：证券时报网 作者：…`` and the date); the older template used
``<div class="txt_con" id="ctrlfscont">``. Public scrapers select the same
containers (``.detail-content p`` in a Playwright crawler of the code index;
``#ctrlfscont``/``.txt_con`` in dongrunhua/simhash's ``custom_constant.py``;
DIYgod/RSSHub's stcn route, ``lib/routes/stcn/index.ts``, reads ``.detail-title``,
the author from the first ``.detail-info span`` (after its ``：``), the date from the
last, the tags from ``.detail-content-tags div`` and the body from
``.detail-content``). No real saved page with a redistributable licence was found:
the fixture is a page written from this structure around a real article body (its
README names the source).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

_BYLINE = "//div[contains(@class, 'detail-info')]/span"

SITE = Site(
    name="stcn",
    summary="Securities Times (stcn.com) article pages (.detail-content, #ctrlfscont)",
    hosts=("stcn.com",),
    containers=(".detail-content", "#ctrlfscont", ".txt_con"),
    title_suffixes=("_证券时报网", "-证券时报网"),
    source=(
        "//div[contains(@class, 'detail-info')]/span[starts-with(normalize-space(.), '来源')]",
    ),
    author=(
        "//div[contains(@class, 'detail-info')]/span[starts-with(normalize-space(.), '作者')]",
    ),
    published=(f"{_BYLINE}[last()]",),
    fixtures=("page-stcn-article",),
)
