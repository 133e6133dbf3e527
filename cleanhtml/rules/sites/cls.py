"""Cailian Press (财联社, www.cls.cn/detail/<id>) article pages.

The body is ``<div class="detail-content">``, after the ``.detail-title`` title, the
``.detail-time`` date and the ``.detail-brief`` summary in brackets (【…】, which
repeats the first paragraph and is left out). No real saved page with a
redistributable licence was found: the fixture is constructed.
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
