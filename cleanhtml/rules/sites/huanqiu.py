"""Huanqiu (环球网, huanqiu.com) article pages.

Two forms of the same template, as public code reads them:

* the page as the server sends it (what ``curl`` or a "HTML only" save gets): the
  article is data for the page's script, in ``<div class="data-container">`` >
  ``<article>``, one ``<textarea>`` per field: ``article-aid``, ``article-title``,
  ``article-time`` (epoch milliseconds), ``article-author``, ``article-source-name``
  and ``article-content``, whose text is the article's HTML, escaped
  (``&lt;article&gt;&lt;section&gt;&lt;p&gt;…``). DIYgod/RSSHub's huanqiu route reads
  ``textarea.article-content`` as the item's HTML and ``textarea.article-time`` as its
  date; a TypeScript reader in the code index checks the same six textareas under
  ``.data-container > article``. The profile keeps that ``<article>``, removes the
  field textareas (the source's name read from the escaped link in
  ``article-source-name``) and puts the decoded article HTML in place of
  ``textarea.article-content`` (sanitized: only text and layout elements and a few
  plain attributes come through, since the safety rules have already run);
* the page as a browser shows it (a "complete" save after the script ran): the body
  in ``<article>`` inside ``<div class="l-con clear">``, under ``.t-container-title``
  (the ``<h3>`` title) and ``.metadata-info`` (``p.time`` date, ``span.source`` and
  ``span.author``); a spider configuration in the code index reads
  ``//div[@class='t-container-title']/h3``, ``//article//p``, ``//p[@class='time']``
  and ``//span[@class='source']/span``. That ``<article>`` is kept when it holds
  paragraphs.

Older pages used ``<div class="la_con">`` or ``<div id="text">`` (dongrunhua/simhash's
``custom_constant.py``). No real saved page with a redistributable licence was found:
the fixtures are pages written from this structure around real article bodies (their
READMEs name the sources).
"""

from __future__ import annotations

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.sites.base import Site
from cleanhtml.treeops import drop, find, unwrap

_HAS_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_CONTENT_SLOT = f"textarea[{_HAS_CLASS.format('article-content')}]"
_DATA_ARTICLE = f"//div[{_HAS_CLASS.format('data-container')}]/article[{_CONTENT_SLOT}]"
# the escaped article HTML, wherever the kept container put it
_CONTENT_SLOTS = find(f"//article/{_CONTENT_SLOT}")
# the source's name as an escaped link: <textarea class="article-source-name">&lt;a …
_SOURCE_SLOTS = find(f"//article/textarea[{_HAS_CLASS.format('article-source-name')}]")

_KEEP_TAGS = frozenset(
    {
        "p", "br", "strong", "b", "em", "i", "u", "s", "sup", "sub", "span", "div",
        "section", "article", "center", "font", "a", "img", "figure", "figcaption",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "hr",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th",
    }
)  # fmt: skip
"""Elements the decoded article keeps; any other goes with its content when it is
script, style, a frame, a plugin, a form or media (:data:`_DROP_TAGS`), else is
unwrapped (its text stays)."""
_DROP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object",
        "embed", "applet", "svg", "math", "form", "input", "button", "select", "textarea",
        "video", "audio", "source", "track", "link", "meta", "base", "title", "head",
        "noembed", "noframes", "xmp", "plaintext", "portal", "fencedframe",
    }
)  # fmt: skip
_KEEP_ATTRIBUTES = frozenset(
    {"href", "src", "alt", "title", "width", "height", "colspan", "rowspan"}
)
_URL_ATTRIBUTES = frozenset({"href", "src"})
MAX_SOURCE_CHARS = 2_000
"""A source textarea longer than this is removed without being read."""
MAX_SLOT_CHARS = 2_000_000
"""A content textarea longer than this is left as it is (an article is far shorter)."""


def _sanitized(holder: etree._Element) -> None:
    """Leave in ``holder`` only the elements of :data:`_KEEP_TAGS` with plain attributes."""
    from cleanhtml.rules.safety import script_url

    for el in list(holder.iterdescendants()):
        if el.getparent() is None:
            continue  # inside an element already dropped
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _DROP_TAGS or not tag:
            drop(el)  # comments and processing instructions too
            continue
        for name, value in list(el.attrib.items()):
            name, value = str(name), str(value)
            lowered = name.lower()
            if lowered not in _KEEP_ATTRIBUTES or (
                lowered in _URL_ATTRIBUTES and script_url(value)
            ):
                del el.attrib[name]
    for el in list(holder.iterdescendants()):
        if str(el.tag).lower() not in _KEEP_TAGS:
            unwrap(el)


def decode_article_slot(root: etree._Element, ctx: Context) -> int:
    """Put the article HTML that ``<textarea class="article-content">`` holds in its place.

    The server-sent page keeps the article as escaped HTML in a textarea for its script
    to show; a reader of the saved page would otherwise get nothing (text output skips
    a textarea) or the markup as text. The decoded fragment keeps only text and layout
    elements (paragraphs, headings, lists, tables, links, images) and their plain
    attributes; script, style, frames, plugins, forms and media go.
    """
    from lxml import html as lxml_html

    decoded: list[str] = []
    for slot in _CONTENT_SLOTS(root):
        markup = slot.text or ""
        if "<" not in markup or len(markup) > MAX_SLOT_CHARS:
            continue
        try:
            holder = lxml_html.fragment_fromstring(markup, create_parent="div")
        except (etree.ParserError, ValueError):
            continue
        _sanitized(holder)
        holder.tail = slot.tail
        parent = slot.getparent()
        if parent is None:
            continue
        parent.replace(slot, holder)
        unwrap(holder)
        ctx.removed("<textarea class=article-content> (its article HTML decoded in place)")
        decoded.append(markup)
    if decoded:  # later rules must see the decoded elements and their text
        ctx.grafted(root, "\n".join(decoded))
    return len(decoded)


def read_source_slot(root: etree._Element, ctx: Context) -> int:
    """Record the source named in ``<textarea class="article-source-name">`` and remove it.

    The server page keeps the source as an escaped link
    (``&lt;a href="…"&gt;人民日报&lt;/a&gt;``); its text is the json ``source`` when the
    byline gave none.
    """
    from lxml import html as lxml_html

    edits = 0
    for slot in _SOURCE_SLOTS(root):
        markup = (slot.text or "").strip()
        if markup and len(markup) <= MAX_SOURCE_CHARS:
            try:
                name = " ".join(
                    lxml_html.fragment_fromstring(markup, create_parent="div")
                    .text_content()
                    .split()
                )
            except (etree.ParserError, ValueError):
                name = ""
            page = ctx.meta.get("page") or {}
            if name and not page.get("source"):
                ctx.meta.setdefault("source", name)
        ctx.removed(slot)
        drop(slot)
        edits += 1
    return edits


SITE = Site(
    name="huanqiu",
    summary="Huanqiu (huanqiu.com) article pages (.l-con article, the article-content textarea)",
    hosts=("huanqiu.com",),
    containers=(
        # a browser's page: the shown article, when it holds paragraphs
        f"//div[{_HAS_CLASS.format('l-con')}]//article[.//p]",
        # the server's page: the data <article> whose textarea holds the article HTML
        _DATA_ARTICLE,
        ".l-con",
        ".la_con",
        "#text",
        # a page already cut to its article (cleaned again): the kept <article> alone
        "/html/body/article",
    ),
    drop=(
        # the data article's field textareas (id, title, time, author, source, ...)
        "//article/textarea[starts-with(@class, 'article-')]"
        f"[not({_HAS_CLASS.format('article-content')})]"
        f"[not({_HAS_CLASS.format('article-source-name')})]",
    ),
    rules=(read_source_slot, decode_article_slot),
    title_suffixes=("_*_环球网", "_环球网", "-环球网"),
    source=("//div[contains(@class, 'metadata-info')]//*[contains(@class, 'source')]//a",),
    author=(
        "//div[contains(@class, 'metadata-info')]//*[contains(@class, 'author')]",
        f"//article/textarea[{_HAS_CLASS.format('article-author')}]",
    ),
    published=(
        "//div[contains(@class, 'metadata-info')]//*[contains(@class, 'time')]",
        f"//article/textarea[{_HAS_CLASS.format('article-time')}]",
    ),
    fixtures=("page-huanqiu-article", "page-huanqiu-server"),
)
