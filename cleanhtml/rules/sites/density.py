"""The main-content finder behind ``root = "auto"``: text and link density over blocks.

It cuts a page of no known site when ``root = "auto"`` asks for it, and a page of a
known site whose containers all miss (see ``keep-site-article``). The article is the
block that holds the most sentence text and the least link text. Each paragraph-like
block (``<p>``, or a block holding text directly) of at least
:data:`MIN_PARAGRAPH_CHARS` characters outside links scores one point (when it has a
sentence mark or :data:`LINE_CHARS` characters: the titles of a forum's hundred
replies do not outscore its post) plus one per sentence mark (``。，！？；：、,.!?;``: gne's
punctuation density) plus its length over 100 (at most 3), the way readability and gne
weigh blocks; the score goes to its parent in full and to its grandparent at half (a
container's text of its own beside blocks in it, which readability wraps in a ``<p>``,
scores the container itself and its parent at half). Each
candidate's total is then scaled by the share of its text that is not link text, and
the best candidate is the container (a candidate inside one item of a list, a teaser
in a stream of them, scores a quarter of that: :data:`ITEM_FACTOR`). Then, as
readability does:

* blocks inside page furniture (an ``id``/``class`` naming comments, a footer, a
  sidebar, share or related boxes: :data:`UNLIKELY`; a class naming the page's layout,
  ``panel-two-col-sidebar-right-mix``, names none: :data:`LAYOUT`) score nothing,
  unless what is found without them holds under :data:`FALLBACK_CHARS` characters;
* an ancestor holding :data:`CLIMB_GAIN` times the best's paragraph text, with not
  much more link text, takes its place (an article split over sibling wrappers);
* the best's siblings that hold more of the article join it;
* the headline (``<h1>``) and lines of links only before the first line of article
  text, and page furniture inside, are dropped;
* so are blocks the page hides inside (``display: none``, ``hidden``: :func:`_hidden_in`)
  and lists of links (related stories, teasers, ads: :func:`_link_lists`),
  as readability's conditional cleaning drops them, and lines of a short label and a
  headline's link (``Read more: <a>…</a>``: :data:`LABEL_CHARS`).

Text the page hides in its own markup (``display: none``, ``hidden``) and the text of
scripts, styles and form controls do not count for the scores; the blocks the page
hides inside the article go (:func:`_hidden_in`: not those it may show again); what
else is cut inside the article (lines before it, lists of links) is judged on what
the cleaned page shows, text hidden by a style included (the cleaned page has no
styles), so that a second run cuts nothing more. Everything is counted in one walk
down the tree and a few sums back up it: the cost is linear in the size of the page.
"""

from __future__ import annotations

import re

from lxml import etree

from cleanhtml.treeops import WHITESPACE

MIN_PARAGRAPH_CHARS = 10
"""A block with less text than this outside links (a caption, a button) scores nothing."""
SENTENCE_MARKS = frozenset("。，！？；：、,.!?;")
PARAGRAPHS = frozenset(
    {"p", "div", "section", "td", "li", "pre", "blockquote", "article", "font", "span"}
)
"""Elements whose own text (with that of the inline elements inside) is a block."""
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
"""Headings are lines of their own; they score nothing."""
LINE_CHARS = 25
"""A line (block) of at least this many characters outside links with a sentence mark
is article text; the lines before the first such line are looked at for a headline or
links (see :func:`find_article`)."""
CONTAINERS = frozenset({"div", "article", "section", "td", "main", "tbody", "table", "body"})
"""Elements that collect the scores of the blocks inside them."""
SKIP = frozenset({"script", "style", "noscript", "template", "textarea", "select", "option"})
"""Elements whose text is not page text."""
_HIDDEN = re.compile(r"display\s*:\s*none")
UNLIKELY = re.compile(
    r"comment|pinglun|reply|replies|foot(?!note)|sidebar|share|sponsor|disqus|breadcrumb"
    r"|popup|shoutbox|related|recommend|masthead|navbar|copyright|promo|toolbar|banner"
    r"|byline|(?:post|entry|article)[-_]?meta|header"
)
"""Words of ``id``/``class`` values that name page furniture, as readability's lists:
footers (``footer``, a post's ``postfoot``; not ``footnote``), headers, bylines and a
post's date line (``byline``, ``post-meta``, ``entry-meta``), promotions, toolbars,
banners."""
SIBLING_MIN_SCORE = 10.0
"""A sibling of the best candidate joins it with at least this score (and a fifth of its)."""
SIBLING_CHARS = 80
"""A sibling with this much text outside links and under a quarter in links joins."""
CLIMB_GAIN = 1.6
"""An ancestor of the best candidate with this many times its paragraph text takes its
place (the article split over sibling wrappers)."""
CLIMB_LINKS = 0.1
"""... unless its link density is more than this above the best candidate's."""
FALLBACK_CHARS = 200
"""Less text than this outside links found without the furniture: look again with it."""
LISTS = frozenset(
    {"div", "table", "ul", "ol", "dl", "section", "aside", "nav", "form", "tbody", "tr", "td"}
)
"""Blocks inside the article that go when they are lists of links (:func:`_link_lists`):
blocks with ..."""
LIST_LINKS = 0.5
"""... more than this share of their text in links ..."""
LIST_MARKS = 10
"""... and fewer than this many sentence marks outside links (readability's commas)."""
LIST_ANCHORS = 3
"""A block of this many links or more ..."""
LINK_ROWS = 0.33
"""... with more than this share of its text in links and at most one sentence mark
outside them is a list of links too (teasers with their dates, ``·标题 (2005-04-27)``)."""
LABELS = frozenset({"p", "b", "strong", "span", "font", "em", "dt"})
"""Elements that can be the label of a list (besides headings and :data:`LISTS`)."""
LIST_ITEMS = 3
"""A ``<li>`` among this many ``<li>`` siblings or more is one item of a list ..."""
ITEM_FACTOR = 0.25
"""... and a candidate inside it scores this share of its score: a stream of teasers
with long summaries outscores a short article otherwise."""
HEAD_CHARS = 80
"""A line shorter than this before the article's text, with a date or time in it, is a
dateline (:data:`DATELINE`); the walk keeps this much of each line's text."""
DATELINE = re.compile(r"\d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}|\d{1,2}:\d{2}")
"""A date (``2005-04-27``, ``2004年12月27日``, ``2019/1/6``) or a time (``14:32``)."""
CLAUSE_MARKS = frozenset("，。！？,!?")
"""Marks of a sentence's clauses, which a dateline has none of."""
MAYBE = re.compile(r"article|body|column|content|main|shadow|text|story")
"""Words that keep an element a candidate even when it also names furniture."""
LAYOUT = re.compile(r"(?:one|two|three|four|[1-4])[-_]?col|layout")
"""A class naming a page's layout, not a box of it: a word of :data:`UNLIKELY` inside
it names no furniture (``panel-two-col-sidebar-right-mix``, ``layout-with-sidebar``:
the article's panel, the sidebar beside it)."""


def _is_hidden(el: etree._Element) -> bool:
    """Whether the page hides ``el`` in its own markup (``display: none``, ``hidden``)."""
    style = el.get("style")
    return el.get("hidden") is not None or (
        style is not None and _HIDDEN.search(style.lower()) is not None
    )


def _is_furniture(el: etree._Element) -> bool:
    """Whether ``el``'s ``id`` or ``class`` names page furniture (comments, footer...):
    one of its words (the ``id``, a class) holds a word of :data:`UNLIKELY` and names
    no layout (:data:`LAYOUT`), and none of them says it may hold the article
    (:data:`MAYBE`), as readability's unlikelyCandidates and okMaybeItsACandidate."""
    names = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    if UNLIKELY.search(names) is None or MAYBE.search(names) is not None:
        return False
    return any(
        UNLIKELY.search(word) is not None and LAYOUT.search(word) is None for word in names.split()
    )


def _count(text: str | None) -> tuple[int, int]:
    """(characters that are not whitespace, sentence marks) of ``text``."""
    if not text:
        return 0, 0
    chars = marks = 0
    for c in text:
        if c in SENTENCE_MARKS:
            marks += 1
            chars += 1
        elif c not in WHITESPACE:
            chars += 1
    return chars, marks


class _Walk:
    """What one walk over ``body`` counts: each block's own text outside links and its
    sentence marks, each element's text and link text (its own, not its children's),
    and the elements in document order. With ``styled``, text a style hides counts for
    the scores too (as the cleaned page, whose styles are gone, shows it)."""

    def __init__(self, body: etree._Element, styled: bool = False) -> None:
        self.styled = styled
        self.order: list[etree._Element] = []
        self.own: dict[etree._Element, list[int]] = {}  # block -> [chars, marks, links]
        # the same for the lines of the cleaned page (below), and their first text
        self.lines: dict[etree._Element, list[int]] = {}
        self.head: dict[etree._Element, str] = {}  # block -> its first text (HEAD_CHARS)
        self.text: dict[etree._Element, list[int]] = {}  # el -> [chars, link chars, marks]
        owner: dict[etree._Element, etree._Element] = {body: body}
        in_link: dict[etree._Element, bool] = {body: False}
        skipped: dict[etree._Element, bool] = {body: False}
        # what the cleaned page shows: text hidden by a style counts (the cleaned page
        # has no styles), text under a hidden attribute or in a script does not
        dead: dict[etree._Element, bool] = {body: False}
        self.raw: dict[etree._Element, list[int]] = {}  # el -> [chars, link chars, marks]
        furniture: dict[etree._Element, bool] = {body: False}
        self.furniture = furniture
        self.own_furniture: set[etree._Element] = set()  # named furniture themselves
        self.in_item: set[etree._Element] = set()  # inside one of several list items
        items: dict[etree._Element, int] = {}  # element -> its <li> children
        for el in body.iter():
            if el is body:
                self.order.append(el)
                self._add(body, body, el.text, False)
                self._add_raw(body, body, el.text, False)
                continue
            parent = el.getparent()
            assert parent is not None
            if isinstance(el.tag, str):
                skip = (
                    skipped[parent]
                    or el.tag in SKIP
                    or (el.get("hidden") is not None if styled else _is_hidden(el))
                )
                skipped[el] = skip
                dead[el] = dead[parent] or el.tag in SKIP or el.get("hidden") is not None
                link = in_link[el] = in_link[parent] or el.tag == "a"
                if _is_furniture(el):
                    self.own_furniture.add(el)
                furniture[el] = furniture[parent] or el in self.own_furniture
                if parent in self.in_item:
                    self.in_item.add(el)
                elif el.tag == "li":
                    if parent not in items:
                        items[parent] = sum(1 for c in parent if c.tag == "li")
                    if items[parent] >= LIST_ITEMS:
                        self.in_item.add(el)
                owner[el] = el if el.tag in PARAGRAPHS or el.tag in HEADINGS else owner[parent]
                self.order.append(el)
                if not skip:
                    self._add(el, owner[el], el.text, link)
                if not dead[el]:
                    self._add_raw(el, owner[el], el.text, link)
            if not skipped[parent]:  # the tail is the parent's text
                self._add(parent, owner[parent], el.tail, in_link[parent])
            if not dead[parent]:
                self._add_raw(parent, owner[parent], el.tail, in_link[parent])

    def _add_raw(
        self, el: etree._Element, block: etree._Element, text: str | None, link: bool
    ) -> None:
        """Count ``text`` for ``el`` and its line ``block`` as the cleaned page shows it
        (a style that hides it is gone there), so that what is cut from the article
        is judged as a second run will judge it."""
        chars, marks = _count(text)
        if not chars:
            return
        assert text is not None
        counts = self.raw.setdefault(el, [0, 0, 0])
        line = self.lines.setdefault(block, [0, 0, 0])
        head = self.head.get(block, "")
        if len(head) < HEAD_CHARS:
            self.head[block] = head + text[: HEAD_CHARS - len(head)]
        counts[0] += chars
        if link:
            counts[1] += chars
            line[2] += chars
        else:
            counts[2] += marks
            line[0] += chars
            line[1] += marks

    def _add(self, el: etree._Element, block: etree._Element, text: str | None, link: bool) -> None:
        chars, marks = _count(text)
        if not chars:
            return
        counts = self.text.setdefault(el, [0, 0, 0])
        own = self.own.setdefault(block, [0, 0, 0])
        counts[0] += chars
        if link:
            counts[1] += chars
            own[2] += chars
        else:
            counts[2] += marks
            own[0] += chars
            own[1] += marks


_Totals = dict[etree._Element, list[int]]
_NONE = (0, 0, 0)


def _scores(walk: _Walk, body: etree._Element, furniture: bool) -> dict[etree._Element, float]:
    """Each candidate's paragraph score (its paragraphs in full, its grandchildren's at
    half); paragraphs inside page furniture count only when ``furniture``."""
    scores: dict[etree._Element, float] = {}
    for el, (length, marks, _) in walk.own.items():
        if length < MIN_PARAGRAPH_CHARS or el is body or el.tag in HEADINGS:
            continue
        if not furniture and walk.furniture[el]:
            continue
        # a short block with no sentence mark (a reply's title and date in a thread, a
        # tag) scores no point of its own: hundreds of them outscored the post
        point = 1.0 if marks or length >= LINE_CHARS else 0.0
        score = point + marks + min(length / 100, 3.0)
        parent = el.getparent()
        if parent is None:
            continue
        if el.tag in CONTAINERS and (parent.tag not in CONTAINERS or _holds_blocks(el)):
            # a text block whose parent is inline, or a block holding blocks and text of
            # its own (readability wraps that text in a <p>): the block is the candidate
            parent = el
        scores[parent] = scores.get(parent, 0.0) + score
        grand = parent.getparent()
        if grand is not None and grand is not body.getparent():
            scores[grand] = scores.get(grand, 0.0) + score / 2
    return scores


_BLOCK_TAGS = frozenset(
    {*PARAGRAPHS - {"font", "span"}, *CONTAINERS, *HEADINGS, "ul", "ol", "dl", "form"}
)
"""Elements that make a block of their own: a ``<div>`` holding one and text of its own
holds that text as readability reads it, in a ``<p>`` of its own (see :func:`_scores`)."""


def _holds_blocks(el: etree._Element) -> bool:
    """Whether a child of ``el`` is a block (a ``<div>``, a ``<p>``, a list...)."""
    return any(child.tag in _BLOCK_TAGS for child in el)


def _totals(walk: _Walk, body: etree._Element) -> _Totals:
    """Each element's text, link text and sentence marks outside links, summed up the
    tree in one pass."""
    totals: _Totals = {}
    for el in reversed(walk.order):
        mine = totals.get(el)
        own = walk.text.get(el)
        if own is not None:
            if mine is None:
                mine = totals[el] = [0, 0, 0]
            for i in range(3):
                mine[i] += own[i]
        if mine is not None and el is not body:
            parent = el.getparent()
            assert parent is not None
            up = totals.setdefault(parent, [0, 0, 0])
            for i in range(3):
                up[i] += mine[i]
    return totals


def _final(el: etree._Element, scores: dict[etree._Element, float], totals: _Totals) -> float:
    """``el``'s paragraph score scaled by its share of text outside links."""
    raw = scores.get(el)
    total, links, _ = totals.get(el, _NONE)
    return 0.0 if raw is None or total == 0 else raw * (1 - links / total)


def _best(
    walk: _Walk, scores: dict[etree._Element, float], totals: _Totals
) -> tuple[etree._Element | None, float]:
    """The candidate of highest final score (the outermost of equal ones), and its score."""
    best: etree._Element | None = None
    best_score = 0.0
    for el in walk.order:  # document order: the outermost of equal scores wins
        if el in scores:
            final = _final(el, scores, totals)
            if el in walk.in_item:  # a teaser in a stream, a post in a thread
                final *= ITEM_FACTOR
            if final > best_score:
                best, best_score = el, final
    return best, best_score


def _siblings(
    best: etree._Element,
    best_score: float,
    scores: dict[etree._Element, float],
    totals: _Totals,
    furniture: dict[etree._Element, bool],
) -> list[etree._Element]:
    """``best`` and those of its siblings that hold more of the article, as readability
    joins them: a sibling scoring at least a fifth of ``best`` (and
    :data:`SIBLING_MIN_SCORE`), or a ``<p>`` with :data:`SIBLING_CHARS` characters
    outside links and little link text, or shorter text with no link and a sentence
    mark; never page furniture."""
    parent = best.getparent()
    if parent is None:
        return [best]
    floor = max(SIBLING_MIN_SCORE, best_score / 5)
    kept = []
    for sibling in parent:
        if sibling is best:
            kept.append(sibling)
            continue
        if not isinstance(sibling.tag, str):
            continue
        total, links, marks = totals.get(sibling, _NONE)
        text = total - links
        if text <= 0 or furniture[sibling]:
            continue
        if _final(sibling, scores, totals) >= floor or (
            sibling.tag == "p"
            and ((text >= SIBLING_CHARS and links < total / 4) or (links == 0 and marks > 0))
        ):
            kept.append(sibling)
    return kept


def main_content(body: etree._Element) -> etree._Element | None:
    """The element of ``body`` most likely to be the article, or None when none scores.

    Paragraphs inside page furniture (an ``id``/``class`` naming comments, a footer, a
    sidebar...) are left out, unless what is found without them holds less than
    :data:`FALLBACK_CHARS` characters outside links (a wrapper of the whole page named
    ``has-sidebar``), as readability retries without its list.
    """
    found = article_blocks(body)
    return found[0] if len(found) == 1 else (found[0].getparent() if found else None)


def article_blocks(body: etree._Element) -> list[etree._Element]:
    """The elements of ``body`` that hold the article, in document order: the best
    candidate (see :func:`main_content`) and its siblings that hold more of it; empty
    when none scores or the best is ``body`` itself."""
    return find_article(body)[0]


def find_article(body: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """The elements of ``body`` that hold the article (:func:`article_blocks`), and the
    lines inside them to drop: before the first line of article text
    (:data:`LINE_CHARS` characters with a sentence mark), the headline (``<h1>``, kept
    in json's ``title``) and lines of links only (share and channel links). Only lines
    with no other line (or only lines taken) and no image inside are taken. Page
    furniture inside the article (comments, related lists, copyright boxes:
    :data:`UNLIKELY`) goes too, unless the article's block is named furniture itself.
    (Dropping bylines, dates and unmarked lines after the article too was measured: it
    lost more article text, notices' titles and signatures, lists, than boilerplate;
    dropping link-only lines after it gained some precision but was not idempotent,
    other rules removing the last lines of text after the cut.)"""
    kept, margins, _ = _find(body)
    return kept, margins


def find_cut(
    body: etree._Element, sentences: bool = False
) -> tuple[list[etree._Element], list[etree._Element], bool]:
    """What :func:`find_article` finds, and whether those elements hold all the text
    and media of the page (:func:`_holds_everything`): then the page is its article
    already (a first run's output), and only what goes inside it goes, its wrappers
    stay. With ``sentences``, what holds no line of article text (:data:`LINE_CHARS`
    characters with a sentence mark) is no article: nothing is found (the page of a
    news site whose article is not in its markup, but in data its script reads)."""
    return _find(body, sentences)


def _find(
    body: etree._Element, sentences: bool = False
) -> tuple[list[etree._Element], list[etree._Element], bool]:
    """:func:`find_cut` on the text the page shows, else (nothing found there) on the
    text it hides with a style too: the cleaned page shows that text, so a second run
    would find it."""
    found = _find_in(_Walk(body), body, sentences)
    if found[0]:
        return found
    return _find_in(_Walk(body, styled=True), body, sentences)


def _find_in(
    walk: _Walk, body: etree._Element, sentences: bool
) -> tuple[list[etree._Element], list[etree._Element], bool]:
    totals = _totals(walk, body)
    scores = _scores(walk, body, furniture=False)
    best, best_score = _best(walk, scores, totals)
    furniture = False
    if best is None or _text_outside_links(totals, best) < FALLBACK_CHARS:
        furniture = True  # readability's retry: look again with the furniture
        scores = _scores(walk, body, furniture=True)
        best, best_score = _best(walk, scores, totals)
    if best is None or best is body:
        return [], [], False
    climbed = _climb(best, body, _paragraph_text(walk, body, furniture), totals)
    if climbed is not best:
        best, best_score = climbed, _final(climbed, scores, totals)
    kept = _siblings(best, best_score, scores, totals, walk.furniture)
    furniture_in, lines = _furniture_in(kept, walk)
    if sentences and not any(_is_text_line(el, walk) for el in lines):
        return [], [], False  # not one line of article text: no article found
    return kept, _margins(lines, walk) + furniture_in, _holds_everything(kept, walk)


MEDIA = frozenset({"img", "video", "audio", "iframe", "embed", "object", "picture", "svg"})
"""Elements that are content without text."""


def _holds_everything(kept: list[etree._Element], walk: _Walk) -> bool:
    """Whether ``kept`` hold all the text (links included, as the cleaned page shows it)
    and media of the page, so that cutting would remove wrappers only: the page is its
    article already (the output of a first run). Its wrappers are left as they are, so
    that a second run changes nothing whatever cut the first: the finder, or a site's
    container whose selector names an ancestor the cut removed (``.l-con article``).
    One walk over the kept elements: linear."""
    inside = media = 0
    for top in kept:
        for el in top.iter():
            counts = walk.raw.get(el)  # its text and its children's tails
            if counts is not None:
                inside += counts[0]
            if el.tag in MEDIA:
                media += 1
    total = sum(counts[0] for counts in walk.raw.values())
    return inside == total and media == sum(1 for el in walk.order if el.tag in MEDIA)


def _furniture_in(
    kept: list[etree._Element], walk: _Walk
) -> tuple[list[etree._Element], list[etree._Element]]:
    """The outermost page furniture inside ``kept`` (comments, related lists...; not
    inside a kept element that is named furniture itself) and link lists with their
    labels (:func:`_link_lists`), and the lines of ``kept`` outside them, in document
    order."""
    found: list[etree._Element] = []
    lines: list[etree._Element] = []
    for top in kept:
        named = top in walk.own_furniture
        hidden = _hidden_in(top, walk)
        order: list[etree._Element] = []  # the elements inside top, in document order
        stack = [top]
        while stack:
            el = stack.pop()
            order.append(el)
            for child in reversed(el):
                if not isinstance(child.tag, str):
                    continue
                if (not named and child in walk.own_furniture) or child in hidden:
                    found.append(child)
                else:
                    stack.append(child)
        lists = _link_lists(top, order, walk)
        gone: set[etree._Element] = set()
        for el in order:  # document order: the outermost list first
            if el is not top and el.getparent() in gone:
                gone.add(el)
            elif el in lists:
                gone.add(el)
                found.append(el)
            elif el in walk.lines:
                lines.append(el)
    return found, lines


HIDDEN_SHARE = 0.5
"""Blocks the page hides inside the article stay when together they hold this share
of its text or more: the page hides its article until a script shows it."""


def _hidden_in(top: etree._Element, walk: _Walk) -> set[etree._Element]:
    """The outermost blocks inside ``top`` that the page hides in its own markup
    (``display: none`` in a ``style``, a ``hidden`` attribute: :func:`_is_hidden`),
    which go with the page furniture: a placeholder (``Like Loading...``), a folded
    navigation box, an alternative form of a formula, a note to AI summarisers. Not
    ``visibility: hidden`` (a child may show itself again: ``visibility: visible``) nor
    ``aria-hidden`` (hidden from screen readers only: pull quotes, image credits).

    What the page may show again stays: a block holding media (images loaded lazily),
    a block holding two lines of article text or more (the rest of an article folded
    under 展开全文), and all of them when they hold :data:`HIDDEN_SHARE` of ``top``'s
    text or more. Only when the article was found in the text the page shows (not
    in the second look at the text it hides with a style). One walk over ``top``."""
    if walk.styled:
        return set()
    hidden: list[etree._Element] = []
    shown = 0  # the text outside the hidden blocks (as the cleaned page shows it)
    stack = [top]
    while stack:
        el = stack.pop()
        counts = walk.raw.get(el)  # its text and its children's tails
        if counts is not None:
            shown += counts[0]
        for child in el:
            if isinstance(child.tag, str):
                (hidden if _is_hidden(child) else stack).append(child)
    if not hidden:
        return set()
    drop: set[etree._Element] = set()
    held = 0
    for block in hidden:
        chars, lines, media = _held(block)
        if chars and lines < 2 and not media:
            drop.add(block)
            held += chars
    if held and held >= HIDDEN_SHARE * (shown + held):
        return set()
    return drop


def _held(top: etree._Element) -> tuple[int, int, bool]:
    """(characters, lines of article text, whether media) inside ``top``: its text
    outside scripts and styles, its blocks with :data:`LINE_CHARS` characters and a
    sentence mark of their own."""
    chars = lines = 0
    media = False
    for el in top.iter():
        if not isinstance(el.tag, str):
            continue  # a comment: its tail is its parent's text
        if el.tag in MEDIA:
            media = True
        own, marks = (0, 0) if el.tag in SKIP else _count(el.text)
        for child in el:
            count = _count(child.tail)
            own, marks = own + count[0], marks + count[1]
        chars += own
        if el.tag in PARAGRAPHS and own >= LINE_CHARS and marks:
            lines += 1
    return chars, lines, media


def _link_lists(
    top: etree._Element, order: list[etree._Element], walk: _Walk
) -> set[etree._Element]:
    """The lists of links inside ``top`` (related stories, tags, teasers): blocks
    (:data:`LISTS`) whose text is more than :data:`LIST_LINKS` link text with fewer than
    :data:`LIST_MARKS` sentence marks outside links (readability's conditional
    cleaning), or of :data:`LIST_ANCHORS` links or more, more than :data:`LINK_ROWS` of
    its text in links and at most one sentence mark outside them (teasers with their
    dates); a block left with a short label only (under :data:`LINE_CHARS`
    characters, no sentence mark, no image) once the lists inside it are gone; and the
    heading or label just before a list of two links or more (``<h3>相关阅读</h3><ul>…``).

    Blocks are judged bottom-up on what they hold once the lists inside them are gone,
    and on text the page hides too (the cleaned page shows it, its styles gone): what a
    second run sees, so it finds none. One pass up ``order``: linear."""
    held: dict[etree._Element, list[int]] = {}  # [chars, link chars, marks] left
    emptied: set[etree._Element] = set()  # blocks that had a list inside
    images: set[etree._Element] = set()
    anchors: dict[etree._Element, int] = {}  # links inside
    lists: set[etree._Element] = set()
    for el in reversed(order):
        mine = held.setdefault(el, [0, 0, 0])
        own = walk.raw.get(el)
        if own is not None:
            for i in range(3):
                mine[i] += own[i]
        if el.tag == "img":
            images.add(el)
        if el.tag == "a":
            anchors[el] = anchors.get(el, 0) + 1
        if el is top:
            continue
        parent = el.getparent()
        assert parent is not None  # inside top
        chars, links, marks = mine
        if (
            el.tag in LISTS
            and (
                (chars > 0 and links > LIST_LINKS * chars and marks < LIST_MARKS)
                or (anchors.get(el, 0) >= LIST_ANCHORS and marks <= 1 and links > LINK_ROWS * chars)
                or (el in emptied and _is_label(mine) and el not in images)
            )
        ) or (el not in images and _is_labelled_link(el, mine, walk)):
            lists.add(el)
            emptied.add(parent)
            continue
        up = held.setdefault(parent, [0, 0, 0])
        for i in range(3):
            up[i] += mine[i]
        if el in emptied:
            emptied.add(parent)
        if el in images:
            images.add(parent)
        if el in anchors:
            anchors[parent] = anchors.get(parent, 0) + anchors[el]
    for el in list(lists):
        if anchors.get(el, 0) < 2:
            continue  # one link (a share button) is no list to label
        label = el.getprevious()
        while label is not None and not isinstance(label.tag, str):
            label = label.getprevious()
        if (
            label is not None
            and label not in lists
            and label not in images
            and (label.tag in HEADINGS or label.tag in LISTS or label.tag in LABELS)
            and _is_label(held.get(label, [0, 0, 0]))
            and not (el.getprevious() is label and (label.tail or "").strip(WHITESPACE))
        ):
            lists.add(label)
    return lists


LABEL_CHARS = 12
"""A line whose text outside links is a label this short ending in a colon, before
links of a headline's length (:data:`LINE_CHARS` characters or more: ``Related: <a>…
</a>``, ``Read more: <a>…</a>``, ``相关阅读：<a>…</a>``), is a link line and goes; a
field and its value (``Account: <a>@name</a>``) stays."""


def _is_labelled_link(el: etree._Element, held: list[int], walk: _Walk) -> bool:
    """Whether ``el`` is a line holding all its text itself (``held``: chars, link chars,
    marks) that is a short label ending in a colon, then links of a headline's length
    (:data:`LABEL_CHARS`): ``Read more: <a>…</a>``."""
    own = walk.lines.get(el)
    if own is None:
        return False
    label, _, links = own
    if not 0 < label <= LABEL_CHARS or links < LINE_CHARS or held[0] != label + links:
        return False
    squeezed = "".join(walk.head.get(el, "").split())
    return len(squeezed) >= label and squeezed[label - 1] in ":："


def _is_label(held: list[int]) -> bool:
    """Whether a block holding ``held`` (chars, link chars, marks) is a short label."""
    chars, links, marks = held
    return chars - links < LINE_CHARS and marks == 0


def _text_outside_links(totals: _Totals, el: etree._Element) -> int:
    total, links, _ = totals.get(el, _NONE)
    return total - links


def _paragraph_text(
    walk: _Walk, body: etree._Element, furniture: bool
) -> dict[etree._Element, int]:
    """Each element's characters of scoring paragraphs (outside links), summed up the
    tree in one pass; paragraphs inside page furniture count only when ``furniture``."""
    text: dict[etree._Element, int] = {}
    for el in reversed(walk.order):
        own = walk.own.get(el)
        count = text.get(el, 0)
        if (
            own is not None
            and own[0] >= MIN_PARAGRAPH_CHARS
            and el.tag not in HEADINGS
            and el is not body
            and (furniture or not walk.furniture[el])
        ):
            count += own[0]
            text[el] = count
        parent = el.getparent()
        if count and el is not body and parent is not None:
            text[parent] = text.get(parent, 0) + count
    return text


def _climb(
    best: etree._Element,
    body: etree._Element,
    paragraphs: dict[etree._Element, int],
    totals: _Totals,
) -> etree._Element:
    """The ancestor of ``best`` that holds the article when it is split over sibling
    wrappers (one ``<div>`` per paragraph group): going up, an ancestor with
    :data:`CLIMB_GAIN` times the paragraph text of the best so far replaces it, as long
    as its link density stays under :data:`CLIMB_LINKS` above ``best``'s. One walk up
    from one element: linear."""
    total, links, _ = totals.get(best, _NONE)
    limit = (links / total if total else 0.0) + CLIMB_LINKS
    found, text = best, paragraphs.get(best, 0)
    for el in best.iterancestors():
        total, links, _ = totals.get(el, _NONE)
        if el is body or total == 0 or links / total > limit:
            break  # never the whole page: that is what no root keeps
        if paragraphs.get(el, 0) >= CLIMB_GAIN * text:
            found, text = el, paragraphs.get(el, 0)
    return found


def _margins(lines: list[etree._Element], walk: _Walk) -> list[etree._Element]:
    """The lines before the first line of article text that are the headline
    (``<h1>``) or only links (see :func:`find_article`); ``lines`` leaves out those
    inside page furniture that goes.

    A line holding other lines is taken when all of those are taken (so a second run
    finds nothing more to take): the lines are looked at from the article outwards,
    keeping the position of the nearest line that stays.
    """
    position = {el: i for i, el in enumerate(walk.order)}
    end: dict[etree._Element, int] = {}  # the position of the last element inside
    images: set[etree._Element] = set()  # elements with an image inside
    for el in reversed(walk.order):
        last = max(end.get(el, 0), position[el])
        end[el] = last
        if el.tag == "img":
            images.add(el)
        parent = el.getparent()
        if parent is not None and parent in position:
            end[parent] = max(end.get(parent, 0), last)
            if el in images:
                images.add(parent)
    text = [i for i, el in enumerate(lines) if _is_text_line(el, walk)]
    if not text:
        return []  # no line of article text: nothing to go by
    drops = []
    nearest = position[lines[text[0]]]
    for i in range(text[0] - 1, -1, -1):
        el = lines[i]
        if nearest > end[el] and _is_margin(el, walk) and el not in images:
            drops.append(el)
        else:
            nearest = position[el]
    return drops


def _is_margin(el: etree._Element, walk: _Walk) -> bool:
    """A line before the article's text that goes: the headline (``<h1>``), a line of
    links only, or a dateline (under :data:`HEAD_CHARS` characters with a date or a
    time: ``2005-04-27 14:32更新 来源：千龙新闻网``, ``发表于 2004年12月27日 12:40``)."""
    return el.tag == "h1" or walk.lines[el][0] == 0 or _is_dateline(el, walk)


def _is_dateline(el: etree._Element, walk: _Walk) -> bool:
    """A short line (under :data:`HEAD_CHARS` characters) with a date or a time
    (:data:`DATELINE`) and no clause mark (``，。！？``: a lead sentence that starts with
    its date is article text)."""
    chars, _, links = walk.lines[el]
    if chars + links >= HEAD_CHARS:
        return False
    head = walk.head.get(el, "")
    return DATELINE.search(head) is not None and not any(c in CLAUSE_MARKS for c in head)


def _is_text_line(el: etree._Element, walk: _Walk) -> bool:
    """A line of article text: :data:`LINE_CHARS` characters with a sentence mark, not
    a dateline."""
    chars, marks, _ = walk.lines[el]
    return (
        el.tag not in HEADINGS and chars >= LINE_CHARS and marks > 0 and not _is_dateline(el, walk)
    )
