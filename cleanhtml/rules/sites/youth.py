"""China Youth Net (中国青年网, youth.cn) article pages.

The body is ``<div class="TRS_Editor">`` (the TRS content system) inside
``#container.article-content``; the title is ``<div class="l_tit">`` and the editor
credit follows the body in ``<span id="editor_baidu">``. The 2024 template puts the
body in the same ``.TRS_Editor`` (inside ``.page_text``) and the date and source in
``<p class="pwz">发稿时间：… 来源：<a>…</a></p>``. Titles end in ``_<channel>_中国青年网``
(``_教育频道_中国青年网``, ``_新闻频道_中国青年网``).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

# The page names no URL outside its scripts, and .TRS_Editor is the TRS content
# system's class that many government sites share; the <title> ending in 中国青年网 is
# the youth.cn page's own (one look at <head>, no walk over the page).
_TITLE_MARKER = (
    "/html/head/title[substring(normalize-space(.),"
    " string-length(normalize-space(.)) - 5) = '_中国青年网']"
)

SITE = Site(
    name="youth",
    summary="China Youth Net (youth.cn) article pages (.TRS_Editor)",
    hosts=("youth.cn",),
    containers=(".TRS_Editor", "#container"),
    markers=(_TITLE_MARKER,),
    title_suffixes=("_*_中国青年网", "_中国青年网"),
    source=("#source_baidu a", ".pwz a"),
    published=("#pubtime_baidu", ".pwz"),
    editor=("#editor_baidu",),
    fixtures=("page-youth-article", "page-youth-news-2024"),
)
