"""China Youth Net (中国青年网, youth.cn) article pages.

The body is ``<div class="TRS_Editor">`` (the TRS content system) inside
``#container.article-content``; the title is ``<div class="l_tit">`` and the editor
credit follows the body in ``<span id="editor_baidu">``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="youth",
    summary="China Youth Net (youth.cn) article pages (.TRS_Editor)",
    hosts=("youth.cn",),
    containers=(".TRS_Editor", "#container"),
    title_suffixes=("_*_中国青年网", "_中国青年网"),
    source=("#source_baidu a",),
    published=("#pubtime_baidu",),
    editor=("#editor_baidu",),
    fixtures=("page-youth-article",),
)
