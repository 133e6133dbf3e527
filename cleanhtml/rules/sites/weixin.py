"""WeChat official-account articles (微信公众号, mp.weixin.qq.com/s/...).

The body is ``<div class="rich_media_content" id="js_content">`` inside
``#img-content``, after the ``<h1 id="activity-name">`` title and the account name
``<a id="js_name">``. The page ships the body hidden, ``style="visibility: hidden;"``
(some templates add ``opacity: 0``), and a script shows it once the page has loaded.
A saved page keeps the hiding, so the profile removes those two declarations from
the kept container: its text must show in a browser whatever other rules run, even
with ``remove-style-attributes`` off. The account's QR box, the "收录于合集" album
card and the like/share toolbar lie outside the container.
"""

from __future__ import annotations

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.sites.base import Site
from cleanhtml.treeops import find

_CONTAINER_STYLES = find("descendant-or-self::*[@id = 'js_content'][@style]")
_HIDING = {
    "visibility": frozenset({"hidden", "collapse"}),
    "opacity": frozenset({"0", "0.0", "0%"}),
}


def visible_style(style: str) -> str | None:
    """``style`` without the declarations that hide an element (``visibility: hidden``,
    ``opacity: 0``), the others kept as written; None when nothing in it hides.

    ``"visibility: hidden; color: red"`` becomes ``"color: red"``.
    """
    kept, hiding = [], False
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        value = value.replace("!important", "").strip().lower()
        if colon and value in _HIDING.get(name.strip().lower(), ()):
            hiding = True
        elif declaration.strip():
            kept.append(declaration.strip())
    return "; ".join(kept) if hiding else None


def reveal_article(root: etree._Element, ctx: Context) -> int:
    """Remove the ``visibility: hidden`` / ``opacity: 0`` that hide WeChat's article body.

    ``<div id="js_content" style="visibility: hidden;">`` becomes
    ``<div id="js_content">``; other declarations stay (``remove-style-attributes``
    takes them by default). Only the container is touched: the page's script would
    have shown just it.
    """
    edits = 0
    for el in _CONTAINER_STYLES(root):
        style = el.get("style", "")
        shown = visible_style(style)
        if shown is None:
            continue
        if shown:
            el.set("style", shown)
        else:
            del el.attrib["style"]
        ctx.removed(f"style={style!r}")
        edits += 1
    return edits


SITE = Site(
    name="weixin",
    summary="WeChat official-account articles, mp.weixin.qq.com (#js_content, shown)",
    hosts=("mp.weixin.qq.com",),
    containers=("#js_content", ".rich_media_content"),
    markers=("#js_content",),
    rules=(reveal_article,),
    source=("#js_name", ".rich_media_meta_nickname"),
    author=("#js_author_name",),
    published=("#publish_time",),
    fixtures=("page-weixin-article",),
)
