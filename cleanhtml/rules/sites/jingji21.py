"""21st Century Business Herald (21世纪经济报道, 21jingji.com) article pages.

The PC template keeps the body in ``<div class="txtContent">`` (older pages:
``.detailCont``, ``.main_content``) under the ``.titleHead`` title and the
``.newsInfo`` byline. A per-source extractor in the code index (file id 59838097567,
2026) reads the body from a ``txtContent`` class first, as the profile does;
DIYgod/RSSHub's 21caijing route (``lib/routes/21caijing/channel.ts``) reads
``div.main_content, div.txtContent`` after removing ``div.rela-box`` (related
articles) and ``div.copyright`` (the reposting notice), the title from
``div.titleHead h1`` and the date from ``div.author-infos span``; those two boxes are
removed inside the kept container. No real saved page with a redistributable
licence was found: the fixture is a page written from this structure around a real
article body (its README names the source).
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

_HAS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"

SITE = Site(
    name="21jingji",
    summary="21st Century Business Herald (21jingji.com) article pages (.txtContent)",
    hosts=("21jingji.com",),
    containers=(".txtContent", ".detailCont", ".main_content"),
    title_suffixes=("_21经济网", "-21经济网", " - 21经济网"),
    drop=tuple(
        f"//div[{_HAS.format(body)}]//div[{_HAS.format(box)}]"
        for body in ("txtContent", "detailCont", "main_content")
        for box in ("rela-box", "copyright")
    ),
    published=(
        "//div[contains(@class, 'newsInfo')]//*[contains(@class, 'date')]",
        "//div[contains(@class, 'author-infos')]",
    ),
    source=("//div[contains(@class, 'newsInfo')]//*[contains(@class, 'source')]",),
    fixtures=("page-21jingji-article",),
)
