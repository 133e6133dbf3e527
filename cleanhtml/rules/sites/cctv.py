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
and the editors from the ``.zebian`` spans (a JavaScript reader in the code index,
file id 56117285779, reads the same single-quoted ``var contentdate = '…';`` and takes
the tags out of it: the string holds the article's markup). A page saved as the
server sent it may therefore hold an empty ``#content_area``. :func:`read_script_body`
(run before the safety rules remove the script) decodes that string and puts the
article in the empty ``#content_area`` (in a new one before the script when the page
has none); the safety rules and every other rule then clean it as page markup, and
the placeholder paragraphs go. ``#content_area`` is a container only when it holds
text or an image, so that a page whose script held nothing readable is kept whole
(and said so) rather than cut to nothing.
"""

from __future__ import annotations

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.sites.base import Site

VARIABLE = "contentdate"
"""The page script's variable holding the article's markup (``var contentdate = '…';``)."""


def read_script_body(root: etree._Element, ctx: Context) -> int:
    """Put the article a page holds only in ``var contentdate = '…'`` in ``#content_area``.

    CCTV's 2026 article pages send the body as a JavaScript string for the page's
    script to write into ``<div id="content_area">``; a page saved before that ran
    has the container empty. The string is decoded (JavaScript escapes; an
    entity-escaped string, with ``&lt;`` and no ``<``, is unescaped once) and parsed as
    HTML into the empty container, or into a new ``<div id="content_area">`` put
    before the script when the page has none (and the script is in ``<body>``). A
    container that already holds text or an image is left alone. Nothing is removed:
    the script goes with the safety rules that run next.
    """
    from cleanhtml.rules.sites.scripts import (
        MAX_SCRIPT_CHARS,
        assigned_string,
        graft,
        inline_scripts,
        is_empty,
        parse_fragment,
    )

    body = root.find("body")
    if body is None:
        return 0
    holder = next((el for el in body.iter("div") if el.get("id") == "content_area"), None)
    if holder is not None and not is_empty(holder):
        return 0
    for script in inline_scripts(root, VARIABLE):
        text = script.text or ""
        if len(text) > MAX_SCRIPT_CHARS:
            continue
        markup = assigned_string(text, VARIABLE)
        if markup and "<" not in markup and "&lt;" in markup:
            import html

            markup = html.unescape(markup)
        parsed = parse_fragment(markup or "")
        if parsed is None:
            continue
        if holder is None:
            if not any(ancestor is body for ancestor in script.iterancestors()):
                continue
            holder = etree.Element("div", {"class": "content_area", "id": "content_area"})
            script.addprevious(holder)
        graft(root, ctx, holder, parsed, markup or "")
        ctx.removed(f"<script> var {VARIABLE} (its article put in #content_area)")
        return 1
    return 0


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
    scripts=(read_script_body,),
    script_needles=(VARIABLE,),
    fixtures=("page-cctv-article", "page-cctv-bbs-2005", "page-cctv-script-2026"),
)
