"""Cleaning one HTML document: load it, run the rules, settle; and what that gives.

:func:`clean_html` is the core every entry point reaches (:func:`cleanhtml.clean`, the
runner, Dask, the HTML regions of a Markdown post). Every renderer takes its result,
:class:`Cleaned` (see :mod:`cleanhtml.render`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from cleanhtml import census as census_
from cleanhtml import document, pipeline
from cleanhtml.document import Document
from cleanhtml.rule import Context, Rule


@dataclass
class Cleaned:
    """A document after the rules ran, with what they did."""

    doc: Document
    edits: dict[str, int]
    ctx: Context = field(default_factory=Context)
    path: str | None = None

    @property
    def edited(self) -> bool:
        """True when some rule changed the tree (or the parser had to repair it)."""
        return bool(self.edits) or bool(self.doc.repairs)


def clean_html(
    raw: bytes,
    *,
    rules: Sequence[Rule],
    encoding: str | None = None,
    explain: bool = False,
    path: str | None = None,
    keep_comments: Sequence[str] = (),
    markers: bool = False,
    url: str | None = None,
) -> Cleaned:
    """Load ``raw`` as HTML (front matter kept aside) and run ``rules`` over it.

    A post (front matter, or ``markers``: the HTML of a Markdown body) keeps its
    generator markers (:data:`~cleanhtml.rules.markup.KEEP_COMMENTS`); every document
    keeps ``keep_comments``. ``url`` is the page's own address (``--url``); without it
    the document's own is used (see :func:`cleanhtml.rules.sites.base.page_url`).
    """
    doc = document.load(raw, encoding=encoding)
    return clean_loaded(
        doc,
        rules,
        explain=explain,
        path=path,
        keep_comments=keep_comments,
        markers=markers,
        url=url,
    )


def clean_loaded(
    doc: Document,
    rules: Sequence[Rule],
    *,
    explain: bool = False,
    path: str | None = None,
    keep_comments: Sequence[str] = (),
    markers: bool = False,
    url: str | None = None,
) -> Cleaned:
    """Run ``rules`` over ``doc``, an HTML document :func:`cleanhtml.document.load` read.

    Generator markers are kept, and ``url`` used, as :func:`clean_html` says.
    """
    ctx = Context(explain=explain, line_offset=doc.front_matter.count("\n"))
    if doc.front_matter or markers:  # a post: its generator's markers stay
        from cleanhtml.rules.markup import KEEP_COMMENTS

        keep_comments = (*KEEP_COMMENTS, *keep_comments)
    ctx.keep_comments = tuple(keep_comments)
    from cleanhtml.rules.sites.base import page_url

    ctx.url = page_url(doc, url)
    chosen = rules
    edits = pipeline.run(doc, chosen, ctx)
    if _unsettled(doc, chosen, edits):
        _settle(doc, chosen, ctx, edits)
    return Cleaned(doc, edits, ctx, path)


def _unsettled(doc: Document, rules: Sequence[Rule], edits: dict[str, int]) -> bool:
    """True when the edited tree may serialize to markup that parses to another tree."""
    if any(rule.reshapes and rule.name in edits for rule in rules):
        return True
    census = doc.census
    if not edits or census is None:
        return False
    return census.block_in_paragraph or (
        census.block_in_inline and census_.block_in_closing_inline(doc.root)
    )


SETTLE_ROUNDS = 3


def _settle(doc: Document, rules: Sequence[Rule], ctx: Context, edits: dict[str, int]) -> None:
    """Parse the output again until it parses back to itself, rerunning the rules if not.

    Edits can leave nesting HTML cannot express (a ``<p>`` left in a ``<b>`` once the
    ``<a>`` between them went); the output would then parse to another tree, and
    cleaning it again would change it. One extra parse (in C) usually settles it.
    """
    html = document.serialize_body(doc)
    for _ in range(SETTLE_ROUNDS):
        ctx.census, ctx.shared = None, {}  # the old tree goes before the new one is built
        document.reparse(doc, html)
        settled = document.serialize_body(doc)
        if settled == html:
            del settled
            doc.serialized = html  # the html renderer need not serialize again
            return
        more = pipeline.run(doc, rules, ctx)
        for name, count in more.items():
            edits[name] = edits.get(name, 0) + count
        html = document.serialize_body(doc) if more else settled
