"""Cailian Press (财联社, www.cls.cn/detail/<id>) article pages.

The body is ``<div class="detail-content">``, after the ``.detail-title`` title, the
``.detail-time`` date and the ``.detail-brief`` summary in brackets (【…】, which
repeats the first paragraph and is left out). No real saved page with a
redistributable licence was found: the fixture is constructed. Public readers take
the body from ``.detail-content`` or from the Next.js page data
(``__NEXT_DATA__``: ``props.pageProps.articleDetail.content``; DIYgod/RSSHub's
``lib/routes/cls/depth.ts``, and a per-source extractor in the code index, file id
59838097567); a saved page whose body is only in that data (none seen) would keep
the whole page, and say so.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="cls",
    summary="Cailian Press (cls.cn) article pages (.detail-content)",
    hosts=("cls.cn",),
    containers=(".detail-content",),
    title_suffixes=("_财联社", " - 财联社", "-财联社"),
    published=(".detail-time",),
    fixtures=("page-cls-article",),
)
