"""CCTV (央视网, cctv.com) article pages: news.cctv.com and the other channels.

No redistributable real page was found; the structure follows the selectors of public
scrapers. The body is ``<div class="content_area" id="content_area">``, followed by
``<div class="zebian">`` with ``<span>编辑：肖潇</span> <span id="zb">责任编辑：…</span>``
(read as the editor); older pages use ``<div class="cnt_bd">`` between
``<!--repaste.body.begin-->`` markers, or ``#text_area``. A 2005 forum thread
(bbs.cctv.com/forumthread.jsp) keeps the post in ``<td class="line_h24"><p
class="large">``, above the thread's reply index. The byline ``.info`` reads
``来源：央视新闻客户端 | 2024年05月10日 08:30``; titles end with
``_新闻频道_央视网(cctv.com)``.

A 2026 crawler in the code index (file id 52412485393, for
news.cctv.com/2026/03/24/ARTI….shtml) reads the body not from ``#content_area`` but
from the page script's ``var contentdate = '…'`` (escaped HTML the script writes into
the page) and drops the ``[!--begin:htmlVideoCode--]…[!--end:htmlVideoCode--]``
video placeholders among its paragraphs; it reads the byline from ``.info``/``.info1``
and the editors from the ``.zebian`` spans. A page saved as the server sent it may
therefore hold an empty ``#content_area``: it is a container only when it holds text
or an image, so that such a page is kept whole (and said so) rather than cut to
nothing. The body in the script is not recovered: the safety rules remove scripts
before the site profiles run. Placeholder paragraphs inside the body are removed.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="cctv",
    summary="CCTV (cctv.com) article pages (#content_area, .cnt_bd)",
    hosts=("cctv.com", "cctv.cn", "cntv.cn"),
    containers=(
        # the body, when the page holds it (not only the script's copy of it)
        "//div[@id = 'content_area'][normalize-space() or .//img]",
        ".cnt_bd",
        "#text_area",
        "//td[@class = 'line_h24'][p[@class = 'large']]",
    ),
    markers=("//div[@id = 'content_area'][following-sibling::div[@class = 'zebian']]",),
    drop=(
        "//div[@id = 'content_area']//p"
        "[starts-with(normalize-space(.), '[!--begin:htmlVideoCode--]')]",
    ),
    title_suffixes=("_*_央视网(cctv.com)", "_央视网(cctv.com)", "_央视网"),
    published=(".info", ".info1"),
    editor=(".zebian",),
    fixtures=("page-cctv-article", "page-cctv-bbs-2005"),
)
