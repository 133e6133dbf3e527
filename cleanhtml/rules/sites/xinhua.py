"""Xinhua (新华网, news.cn and xinhuanet.com) article pages.

The 2021 template keeps the body in ``<span id="detailContent">`` inside
``<div id="detail">``; ``#articleEdit`` after it holds a 纠错 (report an error) link,
keyword tags and the editor credit ``【责任编辑:王頔】``. A video in the body comes
with its player's labels (Play Video, ``0:00``, ``/2:54``; the player-chrome rule
takes them), and long picture stories end with a pager (``center.xinhuaPager``: 1 2 3
下一页). Older pages (xinhuanet.com, 2012-2020) use ``#p-detail``, ``.main-aticle``,
``#content`` or ``.article``; the 2005 regional channels (chinaneast.xinhuanet.com)
``<div id="Content">``, which ends with a pager ``<p class="pagelink">[1] [2]…``; their
editor credit ``（责任编辑：黄帅）`` is the next row's ``td.zw > div.tit14``. The
``<title>`` has no suffix; the byline is ``.info`` (and ``.header-cont .source``).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="xinhua",
    summary="Xinhua (news.cn, xinhuanet.com) article pages (#detailContent, #p-detail)",
    hosts=("news.cn", "xinhuanet.com"),
    containers=("#detailContent", "#detail", "#p-detail", ".main-aticle", "#content", "#Content"),
    markers=("#detailContent",),
    drop=(".xinhuaPager", "#articleEdit", "p.pagelink"),
    title_suffixes=("-新华网", "_新华网", "-新华网客户端"),
    source=(".info .sourceText", ".header-cont .source", ".info span"),
    published=(".info .time", ".info"),
    editor=("#articleEdit .editor", ".editor", "td.zw > div.tit14"),
    fixtures=("page-xinhua-article", "page-xinhua-2005"),
)
