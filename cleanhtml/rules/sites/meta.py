"""Page metadata read before the page is cut to its article: title, date, byline.

* ``title``: the ``<title>`` (also one the parser moved into the body) without the
  portal's suffix. When an ``<h1>`` (one of the
  first few: Sina's channel logo is an ``<h1>`` too) is
  how the title starts, that is the title; else the site's suffixes are cut
  (``_新浪财经_新浪网``; a ``*`` in a suffix stands for a channel name, as in
  ``|*_新浪新闻`` for ``|公园_新浪新闻``).
* ``published``: ISO 8601, from ``article:published_time`` and the other date meta
  tags, else from the site's byline date element (``2016年10月14日07:17``).
* ``author`` and ``source``: from ``<meta name="author">`` and the like (not a bare
  number or a ``L_104485``-style account, which are CMS user ids), else from the
  site's byline elements, without their ``作者：``/``来源：`` label.
* ``editor``: the name in the site's editor credit outside the container
  (``[责任编辑：alonliu]``, also after an author credit: ``[作者: 刘满仓 责任编辑: 杨丹宇 ]``),
  when the container's own footer rule found none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lxml import etree

from cleanhtml.treeops import Finder, text_of

if TYPE_CHECKING:
    from cleanhtml.rules.sites.base import Site

MAX_FIELD_CHARS = 200
"""Byline texts are read up to this length (a wrong selector cannot make a field huge)."""
EPOCH_MS_DIGITS = 13
"""A date field of exactly this many digits is epoch milliseconds (2001-09-09 to 2286)."""
MAX_CHANNEL_CHARS = 12
"""The longest channel name a ``*`` in a title suffix stands for."""

DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publication_date",
    "weibo: article:create_at",
    "dcterms.created",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)
AUTHOR_META = ("author", "article:author", "dc.creator", "byl", "parsely-author")
SOURCE_META = ("source", "mediaid")

_DATE = re.compile(
    r"(\d{4})\s?[-/年.]\s?(\d{1,2})\s?[-/月.]\s?(\d{1,2})\s?日?"
    r"(?:[\sT]{0,3}(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?:\.\d{1,9})?"
    r"(Z|[+-]\d{2}:?\d{2})?)?"
)
_LABELS = (
    "来源：",
    "来源:",
    "来源丨",
    "来源|",
    "作者：",
    "作者:",
    "作者丨",
    "作者|",
    "文/",
    "文｜",
)


def iso_date(text: str) -> str | None:
    """``2016年10月14日07:17`` -> ``2016-10-14T07:17:00``; None when no date is found.

    A text of exactly 13 digits is a time in epoch milliseconds (huanqiu's
    ``<textarea class="article-time">1716171480000</textarea>``), given in UTC:
    ``2024-05-20T02:18:00+00:00``.
    """
    stripped = text.strip()
    if len(stripped) == EPOCH_MS_DIGITS and stripped.isascii() and stripped.isdigit():
        from datetime import UTC, datetime

        moment = datetime.fromtimestamp(int(stripped) / 1000, UTC)
        return moment.replace(microsecond=0).isoformat()
    found = _DATE.search(text[:MAX_FIELD_CHARS])
    if not found:
        return None
    year, month, day, hour, minute, second, zone = found.groups()
    if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
        return None
    date = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is None:
        return date
    if int(hour) > 23 or int(minute) > 59:
        return date
    stamp = f"{date}T{int(hour):02d}:{minute}:{second or '00'}"
    if zone:
        stamp += "+00:00" if zone == "Z" else (zone if ":" in zone else f"{zone[:3]}:{zone[3:]}")
    return stamp


def _is_cms_user(author: str) -> bool:
    """``40237861`` or ``L_104485``: a CMS account (people.cn's meta author), no name."""
    head, _, number = author.rpartition("_")
    return number.isdigit() and (not head or (head.isascii() and head.isalpha()))


def _clean(text: str) -> str:
    text = " ".join(text[: MAX_FIELD_CHARS * 2].split())
    for label in _LABELS:
        if text.startswith(label):
            text = text[len(label) :].strip()
    return text[:MAX_FIELD_CHARS]


def strip_title(title: str, suffixes: Sequence[str], headline: str | None = None) -> str:
    """``title`` without the portal suffix (see the module docstring)."""
    title = " ".join(title.split())
    if headline:
        headline = " ".join(headline.split())
        if headline and title.startswith(headline) and len(headline) < len(title):
            return headline
    for suffix in suffixes:
        sep, star, tail = suffix.partition("*")
        if not star:
            if title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip()
            continue
        if not title.endswith(tail) or len(title) <= len(tail):
            continue
        rest = title[: len(title) - len(tail)]  # a suffix may end in its * (-搜狐*)
        cut = rest.rfind(sep)
        if cut > 0 and len(rest) - cut - len(sep) <= MAX_CHANNEL_CHARS:
            return rest[:cut].rstrip()
    return title


def _metas(head: etree._Element | None) -> dict[str, str]:
    found: dict[str, str] = {}
    if head is None:
        return found
    for el in head.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        content = (el.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content
    return found


_EDITOR_LABEL = re.compile(r"(?:责任编辑|责编)\s*[:：]")


def _after_credits(text: str) -> str:
    """``[作者: 刘满仓 责任编辑: 杨丹宇 ]`` -> ``责任编辑: 杨丹宇 ]``: the editor part of a
    credit line that names the author first (Xinhua's), or ``""``."""
    found = _EDITOR_LABEL.search(text)
    return text[found.start() :] if found else ""


def _first_text(root: etree._Element, exprs: Sequence[str], finders: Mapping[str, Finder]) -> str:
    for expr in exprs:
        for el in finders[expr](root):
            text = _clean(text_of(el))
            if text:
                return text
    return ""


MAX_HEADINGS = 8
"""How many ``<h1>`` elements are tried as the headline the ``<title>`` starts with."""


def _headline(body: etree._Element | None, title: str) -> str | None:
    """The first of the first few ``<h1>`` whose text the title starts with."""
    if body is None or not title:
        return None
    for count, h1 in enumerate(body.iter("h1")):
        if count >= MAX_HEADINGS:
            break
        text = " ".join(text_of(h1).split())
        if text and title.startswith(text):
            return text
    return None


def _stray_title(body: etree._Element) -> str:
    """The text of a ``<title>`` the parser put in the body: a ``<div>`` in the
    ``<head>`` ends the head there (news.cn's pages), and what follows it, the title
    too, goes to the body. An ``<svg>``'s ``<title>`` (a tooltip) is not one."""
    for el in body.iter("title"):
        if not any(a.tag == "svg" for a in el.iterancestors()):
            return " ".join(text_of(el).split())
    return ""


def page_meta(
    root: etree._Element, site: Site | None, finders: Mapping[str, Finder]
) -> dict[str, str | None]:
    """The metadata of a whole page (``root`` is ``<html>``), before it is cut."""
    head = root.find("head")
    metas = _metas(head)
    title_el = head.find("title") if head is not None else None
    title = " ".join(text_of(title_el).split()) if title_el is not None else ""
    body = root.find("body")
    if not title and body is not None:
        title = _stray_title(body)
    if not title and (body is None or body.find(".//title") is None):
        # WeChat leaves <title> empty for its script to fill; og:title has it
        title = " ".join(metas.get("og:title", "")[: MAX_FIELD_CHARS * 2].split())
    headline = _headline(body, title)
    suffixes = site.title_suffixes if site is not None else ()
    published = next((d for k in DATE_META if k in metas and (d := iso_date(metas[k]))), None)
    if site is not None and (published is None or "T" not in published):
        byline = iso_date(_first_text(root, site.published, finders))
        if byline and (published is None or byline.startswith(published)):
            published = byline  # the byline's time of the day the meta tag gives
    author = next((_clean(metas[k]) for k in AUTHOR_META if k in metas), "")
    if _is_cms_user(author):  # a CMS user number (people.cn, news.cn), not a name
        author = ""
    if not author and site is not None:
        author = _first_text(root, site.author, finders)
    source = _first_text(root, site.source, finders) if site is not None else ""
    editor = None
    if site is not None and site.editor:
        from cleanhtml.rules.news import editor_credit, editor_name

        text = " ".join(_first_text(root, site.editor, finders).split())
        credit = editor_credit(text) or editor_credit(_after_credits(text))
        editor = editor_name(credit) if credit else None
    if not source:
        source = next((_clean(metas[k]) for k in SOURCE_META if k in metas), "")
    return {
        "title": strip_title(title, suffixes, headline) if title else None,
        "published": published,
        "author": author or None,
        "source": source or None,
        "editor": editor,
    }
