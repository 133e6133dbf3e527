"""Guangming Online (光明网, gmw.cn) article pages.

The body is ``<div id="contentMain">``; it ends with a "返回光明网首页" logo link and
``<div id="contentLiability">[责任编辑:…]</div>``. The byline sits in ``#contentMsg``
(``#pubTime``, ``#source``). The 2024 template keeps the paragraphs in
``<div class="u-mainText">`` inside ``#articleBox`` (which also holds a video player,
a survey widget and a "阅读剩余全文" link), closed by ``<div class="m-zbTool
liability">[ 责编：张倩 ]</div>``, which the editor-footer rule takes; the byline is
``.m-con-time`` and ``.m-con-source``. Those pages often carry no URL: the title
ending ``_光明网`` names the site.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

# gmw's pages end their <title> in _光明网 (" _国际 _光明网", "\n_光明网"): one look at
# <head> names the site of a saved page that carries no URL
_TITLE_MARKER = (
    "/html/head/title[substring(normalize-space(.),"
    " string-length(normalize-space(.)) - 3) = '_光明网']"
)

SITE = Site(
    name="gmw",
    summary="Guangming Online (gmw.cn) article pages (#contentMain, .u-mainText)",
    hosts=("gmw.cn",),
    containers=("#contentMain", ".u-mainText"),
    markers=("#contentLiability", _TITLE_MARKER),
    drop=("//a[img[@title = '返回光明网首页']][not(normalize-space(.))]",),
    title_suffixes=(" _* _光明网", "_*_光明网", "_光明网"),
    source=("#source", ".m-con-source"),
    author=("#author",),
    published=("#pubTime", ".m-con-time"),
    editor=("#editor_baidu",),
    fixtures=("page-gmw-article", "page-gmw-news-2024"),
)
