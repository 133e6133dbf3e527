"""Guangming Online (光明网, gmw.cn) article pages.

The body is ``<div id="contentMain">``; it ends with a "返回光明网首页" logo link and
``<div id="contentLiability">[责任编辑:…]</div>``. The byline sits in ``#contentMsg``
(``#pubTime``, ``#source``).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="gmw",
    summary="Guangming Online (gmw.cn) article pages (#contentMain)",
    hosts=("gmw.cn",),
    containers=("#contentMain",),
    markers=("#contentLiability",),
    drop=("//a[img[@title = '返回光明网首页']][not(normalize-space(.))]",),
    title_suffixes=(" _* _光明网", "_*_光明网", "_光明网"),
    source=("#source",),
    author=("#author",),
    published=("#pubTime",),
    editor=("#editor_baidu",),
    fixtures=("page-gmw-article",),
)
