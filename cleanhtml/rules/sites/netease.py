"""NetEase (网易, 163.com) article pages: news.163.com, the NetEase Hao (网易号) pages
under www.163.com/dy/ and the other channels.

The 2020 template keeps the body in ``<div class="post_body">`` inside
``#content.post_content``; the editor credit follows it in
``<div class="creative_statement">责任编辑：李曦_NN2587</div>`` and a platform
statement (``.post_statement``), both outside the container. The 2012-2019 template
keeps it in ``<div class="post_text" id="endText">``, which ends with
``<div class="ep-source cDGray">`` holding the source line and
``<span class="ep-editor">责任编辑：杨倩_NF4425</span>`` (the editor-footer rule takes
the span), and may hold a 200x300 ad box (``.gg200x300``). NetEase Hao bodies often
end with ``编辑/倪家宁``, which the editor-footer rule takes too. The title carries the
article's keywords after ``|`` and a ``_网易订阅``-style suffix, so the ``<h1>`` is the
title. The 2004-2005 biz.163.com pages keep the text in ``<div id="text">`` or in a
``<span class="grayb">`` table cell (the long one; short ones hold dates), as the
real pages of immortal-autumn/Chinese-Web-Content-Extraction-Dataset show; their byline
is ``#subjection`` (2005) or a ``td.graysl`` cell (2004: ``2005-01-14 17:02:30 来源: …``).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="netease",
    summary="NetEase 163.com article pages (.post_body, #endText)",
    hosts=("163.com",),
    containers=(
        ".post_body",
        "#endText",
        ".post_text",
        "div#text",  # 2005 biz.163.com
        # 2004-2005 biz.163.com: the text in a gray span (the long one: dates use it too)
        "//span[@class = 'grayb'][string-length(normalize-space(.)) > 200]",
    ),
    markers=("#endText", ".post_main .post_body"),
    drop=(".gg200x300",),
    title_suffixes=(
        "_网易订阅",
        "_网易新闻",
        "_网易科技",
        "_网易财经",
        "_网易体育",
        "_网易娱乐",
        "_网易号",
        "_*_网易",
        "_网易",
        "_商业频道",  # biz.163.com, 2004
    ),
    source=(".post_info a", "#ne_article_source", ".ep-source .left"),
    published=(".post_info", ".post_time_source", "#subjection", "td.graysl"),
    editor=(".creative_statement", ".ep-editor"),
    fixtures=("page-163-article", "page-163-2004"),
)
