"""Cailian Press (财联社, www.cls.cn/detail/<id>) article pages.

The body is ``<div class="detail-content">``, after the ``.detail-title`` title, the
``.detail-time`` date and the ``.detail-brief`` summary in brackets (【…】, which
repeats the first paragraph and is left out). No real saved page with a
redistributable licence was found: the fixtures are pages written from this structure
around real article bodies (their READMEs name the sources).

The site is a Next.js application: the page carries its data in ``<script
id="__NEXT_DATA__" type="application/json">``, the article at
``props.pageProps.articleDetail`` (``id``, ``title``, ``brief``, ``content`` the body's
HTML, ``ctime`` epoch seconds, ``author.name``, ``images``; DIYgod/RSSHub's
``lib/routes/cls/depth.ts`` renders ``articleDetail.content`` as the item, and two
readers in the code index, file ids 59838097567 and 55222263887, take the same path).
A page saved before the application rendered holds the body only there:
:func:`read_next_data` (run before the safety rules remove the script) parses the JSON
and puts ``content`` in the empty ``.detail-content``, or in a new one when the page has
none; its date and author fill the json record where the page's markup gives none.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.sites.base import SCRIPT_META, Site
from cleanhtml.treeops import find

NEXT_DATA = "__NEXT_DATA__"
"""The ``id`` of the script holding the Next.js page data."""
_HAS_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' detail-content ')"
_CONTAINERS = find(f"/html/body//*[{_HAS_CLASS}]")


def _article(data: Any) -> dict[str, Any] | None:
    """``props.pageProps.articleDetail`` of the page data, when it is an object."""
    for key in ("props", "pageProps", "articleDetail"):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data if isinstance(data, dict) else None


def _meta(article: dict[str, Any]) -> dict[str, str]:
    """The date (``ctime``, epoch seconds, as UTC), author and title of the article data."""
    from cleanhtml.rules.sites.meta import MAX_FIELD_CHARS, iso_date

    found: dict[str, str] = {}
    ctime = article.get("ctime")
    if isinstance(ctime, int) and not isinstance(ctime, bool) and 10**9 <= ctime < 10**10:
        published = iso_date(str(ctime * 1000))
        if published:
            found["published"] = published
    author = article.get("author")
    name = author.get("name") if isinstance(author, dict) else None
    if isinstance(name, str) and name.strip():
        found["author"] = " ".join(name.split())[:MAX_FIELD_CHARS]
    title = article.get("title")
    if isinstance(title, str) and title.strip():
        found["title"] = " ".join(title.split())[:MAX_FIELD_CHARS]
    return found


def read_next_data(root: etree._Element, ctx: Context) -> int:
    """Put the article a page holds only in its Next.js data in ``.detail-content``.

    The page data (``<script id="__NEXT_DATA__">``, JSON, read with the ``json``
    module, up to :data:`~cleanhtml.rules.sites.scripts.MAX_SCRIPT_CHARS`) holds the
    article's HTML at ``props.pageProps.articleDetail.content``. It is parsed into the
    page's ``.detail-content`` when that is empty, or into a new ``<div
    class="detail-content">`` (at the end of the application's ``#__next`` root, else
    before the script) when the page has none. A ``.detail-content`` that already holds
    text or an image is left alone. Nothing is removed: the script goes with the
    safety rules that run next.
    """
    import json

    from cleanhtml.rules.sites.scripts import MAX_SCRIPT_CHARS, graft, is_empty, parse_fragment

    body = root.find("body")
    if body is None:
        return 0
    holder = next(iter(_CONTAINERS(root)), None)
    if holder is not None and not is_empty(holder):
        return 0
    for script in root.iter("script"):
        text = script.text
        if script.get("id") != NEXT_DATA or not text or len(text) > MAX_SCRIPT_CHARS:
            continue
        try:
            article = _article(json.loads(text))
        except (ValueError, RecursionError):
            continue
        markup = article.get("content") if article is not None else None
        if article is None or not isinstance(markup, str):
            continue
        parsed = parse_fragment(markup)
        if parsed is None:
            continue
        if holder is None:
            app = next((el for el in body.iter("div") if el.get("id") == "__next"), None)
            holder = etree.Element("div", {"class": "detail-content"})
            if app is not None:
                app.append(holder)
            elif any(ancestor is body for ancestor in script.iterancestors()):
                script.addprevious(holder)
            else:
                body.append(holder)
        graft(root, ctx, holder, parsed, markup)
        ctx.shared[SCRIPT_META] = _meta(article)
        ctx.removed(f"<script id={NEXT_DATA}> (its article put in .detail-content)")
        return 1
    return 0


SITE = Site(
    name="cls",
    summary="Cailian Press (cls.cn) article pages (.detail-content, the __NEXT_DATA__ article)",
    hosts=("cls.cn",),
    containers=(".detail-content",),
    title_suffixes=("_财联社", " - 财联社", "-财联社"),
    published=(".detail-time",),
    scripts=(read_next_data,),
    script_needles=("__next_data__",),
    fixtures=("page-cls-article", "page-cls-next-data"),
)
