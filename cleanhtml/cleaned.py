"""Cleaning one HTML document: load it, run the rules, settle; and what that gives.

:func:`clean_html` is the core every entry point reaches (:func:`cleanhtml.clean`, the
runner, Dask, the HTML regions of a Markdown post). Every renderer takes its result,
:class:`Cleaned` (see :mod:`cleanhtml.render`).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from cleanhtml import census as census_
from cleanhtml import document, pipeline
from cleanhtml.document import Document
from cleanhtml.records import Record
from cleanhtml.rule import Context, Rule
from cleanhtml.treefixes import TREE_FIXES


class Cleaned(Record):
    """A document after the rules ran, with what they did."""

    __slots__ = ("ctx", "doc", "edits", "path", "skipped", "to")

    doc: Document
    edits: dict[str, int]
    ctx: Context
    path: str | None
    to: str | None
    """The output format the document was cleaned for, the only one it renders in
    (None: any)."""
    skipped: tuple[str, ...]
    """The rules left out because their edits cannot show in :attr:`to` (see
    :attr:`~cleanhtml.rule.Rule.hidden_in`)."""

    def __init__(
        self,
        doc: Document,
        edits: dict[str, int],
        ctx: Context | None = None,
        path: str | None = None,
        to: str | None = None,
        skipped: tuple[str, ...] = (),
    ) -> None:
        self.doc = doc
        self.edits = edits
        self.ctx = Context() if ctx is None else ctx
        self.path = path
        self.to = to
        self.skipped = skipped

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
    to: str | None = None,
) -> Cleaned:
    """Run ``rules`` over ``doc``, an HTML document :func:`cleanhtml.document.load` read.

    Generator markers are kept, and ``url`` used, as :func:`clean_html` says.

    ``to`` names the output format the result is for: rules whose edits cannot show in
    it are left out (:attr:`~cleanhtml.rule.Rule.hidden_in`; not with ``explain``,
    which lists every removal). They are applied after the others where their edits
    matter: when no other rule edited (whether the document changed is then theirs to
    say) and when the tree may need settling (which parses the serialized tree again
    and runs every rule again on it): the tree settled is the one a run of every rule
    leaves.
    """
    ctx = Context(explain=explain, line_offset=doc.front_matter.count("\n"))
    if doc.front_matter or markers:  # a post: its generator's markers stay
        from cleanhtml.rules.markup import KEEP_COMMENTS

        keep_comments = (*KEEP_COMMENTS, *keep_comments)
    ctx.keep_comments = tuple(keep_comments)
    from cleanhtml.rules.sites.base import page_url

    ctx.url = page_url(doc, url)
    chosen = rules
    ctx.to = to
    skipped: list[Rule] | None = None if to is None or explain else []
    edits = pipeline.run(doc, chosen, ctx, to=to, skipped=skipped)
    unsettled = _unsettled(doc, chosen, edits, ctx.reshaped)
    if skipped and (not edits or unsettled):
        # the tree every rule leaves, then whether it needs settling: what the skipped
        # rules edit (attributes, whitespace between blocks) never makes a parent that
        # parses back to itself parse otherwise, so a tree settled without them is
        # settled with them too (only their absence of edits may have to be told)
        pipeline.apply_skipped(doc, chosen, skipped, ctx, edits)
        skipped = [rule for rule in skipped if rule.records_only]  # (not applied late)
        unsettled = _unsettled(doc, chosen, edits, ctx.reshaped)
    if unsettled:
        _settle(doc, chosen, ctx, edits)
    ctx.reshaped = None
    names = tuple(rule.name for rule in skipped) if skipped else ()
    return Cleaned(doc, edits, ctx, path, to=to, skipped=names)


_SPLIT_LINKS = next(fix.repair for fix in TREE_FIXES if fix.name == "split-nested-links")


def _unsettled(
    doc: Document,
    rules: Sequence[Rule],
    edits: dict[str, int],
    reshaped: list[etree._Element] | None,
) -> bool:
    """True when the edited tree may serialize to markup that parses to another tree.

    Rules that only drop whole elements, attributes or text leave a tree that parses
    back, unless the census saw nesting HTML cannot express. An edit of a reshaping
    rule is checked where it was made: each outermost parent the rules moved, wrapped
    or retagged something under is parsed again on its own (see :func:`_parses_back`);
    when a rule did not say where, the whole output is parsed again.
    """
    census = doc.census
    if _SPLIT_LINKS in doc.repairs:
        return True  # a split can leave a block in a block HTML cannot express (<li> in <li>)
    if (
        edits
        and census is not None
        and (
            census.block_in_paragraph
            or (census.block_in_inline and census_.block_in_closing_inline(doc.root))
        )
    ):
        return True
    if _reshaping(rules).isdisjoint(edits):
        return False
    return (
        census is None
        or reshaped is None
        or census.block_in_phrasing
        or not census.tags <= LOCAL_TAGS
        or not _parses_back(doc.root, reshaped)
    )


_last_reshaping: tuple[Sequence[Rule], frozenset[str]] = ((), frozenset())


def _reshaping(rules: Sequence[Rule]) -> frozenset[str]:
    """The names of ``rules`` that reshape (remembered for the last list: a batch passes
    the same one, and a post's check asked each of its rules)."""
    global _last_reshaping
    if _last_reshaping[0] is not rules:
        _last_reshaping = (rules, frozenset(rule.name for rule in rules if rule.reshapes))
    return _last_reshaping[1]


def _parses_back(root: etree._Element, parents: list[etree._Element]) -> bool:
    """True when each outermost of ``parents`` still in ``root``'s tree, inside its
    ``<body>``, serializes to markup that parses back to itself.

    libxml2 builds an element's content from the tokens between its start and end tags
    and the elements open inside it: the elements around it are consulted only when a
    tag closes the element itself or something outside it, and then the element parsed
    on its own differs too. So an element that parses back to itself on its own (in a
    ``<body>``) parses back to itself in place, and the rest of the output, which the
    edits did not touch, is what it was. False when a parent is ``<body>``, ``<head>``,
    ``<html>`` or outside ``<body>`` (the whole output is then parsed again).
    """
    top = root.getroottree().getroot()
    wanted = dict.fromkeys(parents)
    outermost: list[etree._Element] = []
    for parent in wanted:
        if not isinstance(parent.tag, str) or parent.tag in _DOCUMENT_TAGS:
            return False
        in_body = attached = False
        for ancestor in parent.iterancestors():
            if ancestor in wanted:
                break  # checked with that one
            if ancestor.tag == "body":
                in_body = True
            elif ancestor is top:
                attached = True
        else:
            if not attached and parent is not top:
                continue  # removed since by a later rule: nothing of it is written
            if not in_body:
                return False
            outermost.append(parent)
    if not outermost:
        return True
    # one parse for all: a parent that parses back to itself closes where it ended, so
    # the next one starts where it would on its own
    markups = [
        etree.tostring(parent, encoding="unicode", method="html", with_tail=False)
        for parent in outermost
    ]
    parser = etree.HTMLParser(huge_tree=True, no_network=True, encoding="utf-8")
    try:
        html = etree.fromstring(_BODY_OPEN + "".join(markups).encode("utf-8"), parser)
    except etree.XMLSyntaxError:  # pragma: no cover - libxml2's HTML parser recovers
        return False
    body = html.find("body")
    if body is None or len(body) != len(markups) or body.text:
        return False
    for markup, again in zip(markups, body, strict=True):
        if again.tail:
            return False
        if etree.tostring(again, encoding="unicode", method="html", with_tail=False) != markup:
            return False
    return True


_DOCUMENT_TAGS = frozenset({"html", "head", "body"})
LOCAL_TAGS = frozenset(
    {
        "html", "head", "body", "title", "meta", "link", census_.COMMENT, "p", "div",
        "span", "a", "b", "strong", "i", "em", "u", "s", "small", "big", "sub", "sup",
        "font", "img", "br", "hr", "style", "script", "blockquote", "section", "article",
        "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "center", "figure",
        "figcaption", "code",
    }
)  # fmt: skip
"""The elements of a document whose reshaping edits may be checked where they were made
(:func:`_parses_back`): the tags of news posts, whose output libxml2 parses back to the
same tree once no block stands inside an inline element. Any other (list items and
table parts, whose end tags the serializer may leave out; raw text; forms) has the
whole output parsed again."""
_BODY_OPEN = b"<html><body>"


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
