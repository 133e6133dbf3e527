"""Phoenix New Media (凤凰网, ifeng.com) article pages: news, finance, pl (commentary)
and the Dafeng Hao (大风号) pages under /c/.

The 2019 template is built with hashed class names: the body is
``<div class="index_main_content_j-HoG">`` (the part after ``index_main_content_``
changes between builds, so it is matched by prefix), holding
``<div class="index_text_D0U1y">`` with the paragraphs; commentary pages end it with
``<p class="index_author_IWF1P">责编：黄忆南 PN269</p>``, which the editor-footer rule
takes with the staff credits before it (``总监制：邹 明``, ``监 制：高明勇``; Dafeng
Hao features close with ``编辑 周褶褶 ｜ 排版 魏蔚``). After the container come a
platform statement (``.index_copyRight_*``) and the ``[责任编辑：杜智 PX209]`` credit
(``p.index_author_*``). The 2016-2018 template keeps the body in ``#main_content``
inside ``#artical_real``; original columns use ``.yc_con_txt``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="ifeng",
    summary="ifeng.com (凤凰网) article pages (index_main_content_*, #main_content)",
    hosts=("ifeng.com",),
    containers=(
        "//div[starts-with(@class, 'index_main_content_')]",
        "#main_content",
        "#artical_real",
        ".yc_con_txt",
    ),
    markers=(
        "//div[starts-with(@class, 'index_main_content_')]"
        "[.//div[starts-with(@class, 'index_text_')]]",
        "#artical_real",
    ),
    title_suffixes=("_*_凤凰网", "_凤凰网"),
    source=(
        "//*[starts-with(@class, 'index_sourceTitleText_')]",
        "//span[starts-with(@class, 'index_source_')]",
        "[itemprop=publisher] [itemprop=name]",
    ),
    published=(
        "//*[starts-with(@class, 'index_timeBref_')]",
        "//span[starts-with(@class, 'index_date_')]",
        "[itemprop=datePublished]",
    ),
    editor=("//p[starts-with(@class, 'index_author_')]",),
    fixtures=("page-ifeng-article", "page-ifeng-dafenghao"),
)
