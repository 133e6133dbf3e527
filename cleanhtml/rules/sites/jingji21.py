"""21st Century Business Herald (21世纪经济报道, 21jingji.com) article pages.

The PC template keeps the body in ``<div class="txtContent">`` (older pages:
``.detailCont``, ``.main_content``) under the ``.titleHead`` title and the
``.newsInfo`` byline. No real saved page with a redistributable licence was found:
the fixture is constructed.
"""

from __future__ import annotations

from cleanhtml.rules.sites.base import Site

SITE = Site(
    name="21jingji",
    summary="21st Century Business Herald (21jingji.com) article pages (.txtContent)",
    hosts=("21jingji.com",),
    containers=(".txtContent", ".detailCont", ".main_content"),
    title_suffixes=("_21经济网", "-21经济网", " - 21经济网"),
    published=("//div[contains(@class, 'newsInfo')]//*[contains(@class, 'date')]",),
    source=("//div[contains(@class, 'newsInfo')]//*[contains(@class, 'source')]",),
    fixtures=("page-21jingji-article",),
)
