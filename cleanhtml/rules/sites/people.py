"""People's Daily Online (人民网, people.com.cn) article pages.

The 2020 template keeps the body in ``<div class="rm_txt_con">``; inside it, after the
paragraphs and the print-edition line (``《 人民日报 》（ 2024年05月10日 04 版）``),
come the editor credit ``<div class="edit">(责编：胡永秋、杨光宇)</div>`` (the
editor-footer rule takes it), a QR-code box (``.tjewm``: 关注公众号：人民网财经) and a
share button (``p.paper_num``: 分享让更多人看到, taken by the share-widget rule). Some
channels (health, ...) use ``<div class="artDet">`` with the credit after it
(``.editor``); older pages use ``#rwb_zw``, ``.box_con``, ``.show_text`` or
``#p_content``. The title ends with ``--<channel>--人民网``. A reposted article's
headline at its outlet comes first in the container, as a template field
``<div class="otitle">原标题：春季学期开学，织密返校疫情防控网</div>``: it is recorded as
``original_title`` and goes (the headline is metadata, as Sohu's hidden one).
"""

from __future__ import annotations

from lxml import etree

from cleanhtml.rule import Context
from cleanhtml.rules.news import original_title
from cleanhtml.rules.sites.base import Site
from cleanhtml.treeops import WHITESPACE, drop, find, text_of

_ORIGINAL_TITLE = find("descendant-or-self::div[@class = 'otitle']")


def record_original_title(root: etree._Element, ctx: Context) -> int:
    """Record people.cn's ``<div class="otitle">原标题：…</div>`` as ``original_title``
    and drop it; a ``div.otitle`` with other text stays."""
    edits = 0
    for div in _ORIGINAL_TITLE(root):
        if div.getparent() is None or len(div):
            continue
        found = original_title(" ".join(text_of(div).strip(WHITESPACE).split()))
        if found is None:
            continue
        ctx.meta.setdefault("original_title", found.value.strip())
        ctx.removed(div)
        drop(div)
        edits += 1
    return edits


SITE = Site(
    name="people",
    summary="People's Daily Online (people.com.cn) article pages (.rm_txt_con, .artDet)",
    hosts=("people.com.cn", "people.cn"),
    containers=(".rm_txt_con", ".artDet", "#rwb_zw", ".box_con", ".show_text", "#p_content"),
    markers=(".rm_txt_con",),
    drop=(".tjewm", ".rm_txt_con .bza", ".rm_txt_con .box_pic:empty"),
    rules=(record_original_title,),
    title_suffixes=("--*--人民网", "--人民网", "-人民网"),
    source=(".channel .col-1-1 a", ".artOri a", "#rwb_navpath + div a"),
    published=(".channel .col-1-1", ".artOri", ".box01 .fl"),
    author=(".rm_txt .author",),
    editor=(".edit", ".editor"),
    fixtures=("page-people-article", "page-people-2022"),
)
