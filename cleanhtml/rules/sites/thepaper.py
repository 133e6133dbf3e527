"""The Paper (澎湃新闻, thepaper.cn) article pages.

No redistributable real page was found; the structure follows the selectors of public
scrapers. The 2022 template is built with hashed class names: the body is
``<div class="index_cententWrap__Jv8jK">`` (matched by its ``index_cententWrap__``
prefix), the byline ``<div class="index_left__LfzyH">``; the 2014-2021 template keeps
the body in ``<div class="news_txt" data-size="standard">`` with the byline in
``.news_about`` and the editor in ``.news_editor``. Reposted bodies end with
``(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)``, which the copyright-notice
rule removes. The title ends with ``_澎湃新闻-The Paper``.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="thepaper",
    summary="The Paper (thepaper.cn) article pages (index_cententWrap__*, .news_txt)",
    hosts=("thepaper.cn",),
    containers=("//div[starts-with(@class, 'index_cententWrap__')]", ".news_txt"),
    title_suffixes=("_澎湃新闻-The Paper", "_澎湃新闻"),
    source=("//div[starts-with(@class, 'index_left__')]//span[starts-with(., '来源')]",),
    published=("//div[starts-with(@class, 'index_left__')]//span", ".news_about p"),
    editor=(".news_editor",),
    fixtures=("page-thepaper-article",),
)
