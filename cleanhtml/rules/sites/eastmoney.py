"""Eastmoney (东方财富网, eastmoney.com) article pages: finance.eastmoney.com and
stock.eastmoney.com news.

No redistributable real page was found; the structure follows the selectors of public
scrapers. The body is ``<div class="txtinfos" id="ContentBody">`` (older pages:
``.newsContent``); it opens with an app promo link ``<a class="toplink">`` (全新妙想
投研助理，立即体验) in a paragraph of its own, and ends with ``(文章来源：…)`` and
``（责任编辑：…）``, which the editor-footer rule takes. Titles end with
``_东方财富网``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="eastmoney",
    summary="Eastmoney (eastmoney.com) article pages (#ContentBody)",
    hosts=("eastmoney.com",),
    containers=("#ContentBody", ".txtinfos", ".newsContent"),
    markers=("div.txtinfos#ContentBody",),
    drop=("#ContentBody a.toplink",),
    title_suffixes=("_*_东方财富网", "_东方财富网"),
    source=(".infos .item a", ".source a"),
    published=(".infos .item", ".time"),
    fixtures=("page-eastmoney-article",),
)
