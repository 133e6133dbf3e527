"""The Paper (澎湃新闻, thepaper.cn) article pages: www.thepaper.cn and m.thepaper.cn.

No redistributable real page was found; the structure follows the selectors of public
scrapers, across three templates:

* 2022 on (www and m): hashed class names, the body
  ``<div class="index_cententWrap__Jv8jK">`` (matched by its ``index_cententWrap__``
  prefix) inside ``index_cententWrapBox__``, the ``index_title__`` ``<h1>`` and the
  byline ``<div class="index_left__LfzyH">`` (author, then ``ant-space-item`` spans:
  the date and ``来源：…``); several crawlers in the code index read exactly these;
* 2014-2021 www: ``<div class="news_txt" data-size="standard">`` under
  ``.newscontent .news_title``, the byline ``.news_about`` (a ``<p>`` with the author,
  then one with ``2019-05-27 18:13 来源：澎湃新闻``; DIYgod/RSSHub's old thepaper
  route reads them so), the editor in ``.news_editor``;
* 2014-2021 m.thepaper.cn: ``<div class="news_part news_part_limit"><div>`` with the
  text in ``<br/>``-separated runs (``<div class="contheight"></div>`` between
  paragraphs), under ``h1.t_newsinfo`` and two ``p.about_news`` (the author, then the
  date and source), followed by the "点击查看全文" button ``.news_part_all`` and
  ``<div class="news_bl"><span>责任编辑：…</span> 澎湃新闻，未经授权不得转载…</div>``;
  read-mode scripts in the code index keep ``.news_part_limit`` and remove
  ``.news_part_all``, ``a.news_open_app`` and ``#carousel_banner``, and spiders read
  ``.news_part_limit`` after ``.news_txt``.

Reposted bodies end with ``(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)``, which
the copyright-notice rule removes; articles of 澎湃号 accounts end with the platform's
statement "本文为澎湃号作者或机构在澎湃新闻上传并发布，仅代表该作者或机构观点……申请澎湃号
请用电脑访问http://renzheng.thepaper.cn。" (public text cleaners strip it), removed by
its opening words. Titles end with ``_澎湃新闻-The Paper``, often after a channel
(``_翻书党_澎湃新闻-The Paper``).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

_BODIES = (
    "//div[starts-with(@class, 'index_cententWrap__')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_txt ')]",
    "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_part_limit ')]",
)
_STATEMENT = "本文为澎湃号作者或机构在澎湃新闻上传并发布"

SITE = Site(
    name="thepaper",
    summary="The Paper (thepaper.cn) article pages (index_cententWrap__*, .news_txt)",
    hosts=("thepaper.cn",),
    containers=(_BODIES[0], ".news_txt", ".news_part_limit"),
    drop=tuple(
        f"{body}//*[self::p or self::div][starts-with(normalize-space(.), '{_STATEMENT}')]"
        for body in _BODIES
    ),
    title_suffixes=("_*_澎湃新闻-The Paper", "_澎湃新闻-The Paper", "_澎湃新闻"),
    source=("//div[starts-with(@class, 'index_left__')]//span[starts-with(., '来源')]",),
    published=(
        "//div[starts-with(@class, 'index_left__')]//span",
        # 2014-2021 www: the author's <p>, then the date's (DIYgod/RSSHub's old route)
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_about ')]/p[2]",
        ".news_about p",
        "//p[contains(concat(' ', normalize-space(@class), ' '), ' about_news ')]"
        "[contains(., '来源')]",
    ),
    author=(
        "//p[contains(concat(' ', normalize-space(@class), ' '), ' about_news ')][1]",
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' news_about ')]/p[1]",
    ),
    editor=(".news_editor", ".news_bl span"),
    fixtures=("page-thepaper-article", "page-thepaper-mobile"),
)
