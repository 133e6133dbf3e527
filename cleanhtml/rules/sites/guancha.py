"""Guancha (观察者网, guancha.cn) article pages.

The body is ``<div class="content all-txt">`` in ``.left-main``, after the ``<h3>``
title and ``<div class="time fix">`` (date, then ``来源：…``). Original pieces end
with "本文系观察者网独家稿件……未经授权，不得转载……", which remove-copyright-notices
takes. Public scrapers select the same container (``//div[contains(@class,
"all-txt")]`` in dongrunhua/simhash's ``custom_constant.py``, ``class="content
all-txt"`` in several crawlers' regexes). DIYgod/RSSHub's guancha route
(``lib/routes/guancha/index.ts``) reads ``.all-txt``, else ``.article-txt-content``,
the body of a 风闻 post (user.guancha.cn/main/content?id=...), whose date is in
``.time1``; it takes the author from ``.author-intro p a`` (a column's author box),
the 风闻 post's ``.article-content div div h4 a``, ``.editor-intro p a`` or the third
span of ``.left-main > div.time.fix``. No real saved page with a redistributable
licence was found: the fixture is a page written from this structure around a real
article body (its README names the source).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="guancha",
    summary="Guancha (guancha.cn) article pages and 风闻 posts (.all-txt, .article-txt-content)",
    hosts=("guancha.cn",),
    containers=(".all-txt", ".article-txt-content"),
    title_suffixes=("_观察者网", "-观察者网"),
    source=("//div[contains(@class, 'time')]/span[starts-with(normalize-space(.), '来源')]",),
    author=(".author-intro p a", ".article-content div div h4 a"),
    published=("//div[contains(@class, 'time')]/span[1]", ".time1"),
    fixtures=("page-guancha-article",),
)
