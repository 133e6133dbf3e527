"""What a rule is, and the context it runs in."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from typing import Any

from lxml import etree

from cleanhtml.census import Census
from cleanhtml.records import Frozen, Record

EXCERPT_CHARS = 60


class Removal(Record):
    """One thing a rule removed or unwrapped, for ``--explain``."""

    __slots__ = ("excerpt", "line", "rule")
    rule: str
    line: int | None
    excerpt: str

    def __init__(self, rule: str, line: int | None, excerpt: str) -> None:
        self.rule = rule
        self.line = line
        self.excerpt = excerpt


class Context(Record):
    """Per-run state shared by the rules of one document.

    ``meta`` is where rules record what they saw (the editor name, stock codes, ...),
    so metadata extraction needs no second parse. ``explain`` turns on the recording
    of :class:`Removal` excerpts, which costs a serialization per removal.
    """

    __slots__ = (
        "census", "deferred", "explain", "keep_comments", "line_offset", "meta", "needles",
        "notices", "removals", "reshaped", "rule", "selected", "shared", "to", "url",
    )  # fmt: skip
    explain: bool
    meta: dict[str, Any]
    removals: list[Removal]
    rule: str
    line_offset: int
    """Lines before the parsed body (the front matter), added to source line numbers."""
    needles: Container[str] | None
    """What the input contains (the pipeline's needle scanner), for rules that narrow
    their search to the words actually present; None means "may contain anything"."""
    shared: dict[str, Any]
    """Values rules of one run compute once and share (emptied when a run starts)."""
    selected: frozenset[str]
    """The names of the rules this run applies."""
    deferred: bool
    """True while a rule runs whose :attr:`Rule.defers_to` names a rule this run also
    applies: the rule then leaves that part of its work to it."""
    keep_comments: tuple[str, ...]
    """Comments ``remove-comments`` keeps: texts, or prefixes ending in ``*`` (a post's
    generator markers and the ``keep-comments`` setting)."""
    census: Census | None
    """What the parsed tree held (tags, attribute names, attributes worth a safety
    look); None when a rule is called on a bare tree (it then takes its own)."""
    url: str | None
    """The page's own URL (``--url``, or what the document says), for site profiles."""
    notices: list[str]
    """Things the user should hear about even without ``-v`` (a root that matched
    nothing), one line each; the batch summary counts the files that have any."""
    reshaped: list[etree._Element] | None
    """The parents under which this run's reshaping rules moved, wrapped or retagged
    elements (see :attr:`Rule.records_reshapes`), so cleaning can check that those
    parents alone parse back to themselves; None when a rule reshaped without saying
    where (the whole output is then parsed again)."""
    to: str | None
    """The output format the run cleans for (None: any). What only another format
    writes need not be recorded (a page's metadata, which only ``json`` writes)."""

    def __init__(
        self,
        explain: bool = False,
        meta: dict[str, Any] | None = None,
        removals: list[Removal] | None = None,
        rule: str = "",
        line_offset: int = 0,
        needles: Container[str] | None = None,
        shared: dict[str, Any] | None = None,
        selected: frozenset[str] = frozenset(),
        deferred: bool = False,
        keep_comments: tuple[str, ...] = (),
        census: Census | None = None,
        url: str | None = None,
        notices: list[str] | None = None,
        reshaped: list[etree._Element] | None = None,
        to: str | None = None,
    ) -> None:
        self.explain = explain
        self.meta = {} if meta is None else meta
        self.removals = [] if removals is None else removals
        self.rule = rule
        self.line_offset = line_offset
        self.needles = needles
        self.shared = {} if shared is None else shared
        self.selected = selected
        self.deferred = deferred
        self.keep_comments = keep_comments
        self.census = census
        self.url = url
        self.notices = [] if notices is None else notices
        self.reshaped = reshaped
        self.to = to

    def reshaping(self, parents: Iterable[etree._Element]) -> None:
        """Note ``parents`` as holding what the current rule moved or retagged."""
        if self.reshaped is not None:
            self.reshaped.extend(parents)

    def has(self, needle: str) -> bool:
        """True when the input may contain ``needle``."""
        return self.needles is None or needle in self.needles

    def notice(self, message: str) -> None:
        """Say ``message`` once for this document (on stderr, naming the file)."""
        if message not in self.notices:
            self.notices.append(message)

    def grafted(self, root: etree._Element, markup: str) -> None:
        """Note that the current rule put parsed ``markup`` in the tree (an article the
        page held escaped, in a textarea or a script): the census is taken again and
        the needle scan searches ``markup`` too, so every later rule sees it."""
        if self.census is not None:
            self.census.retake(root)
        add = getattr(self.needles, "add", None)
        if add is not None:
            add(markup)

    def removed(self, node: etree._Element | str) -> None:
        """Record ``node`` (an element, or a text) as removed by the current rule."""
        if not self.explain:
            return
        if isinstance(node, str):
            line, text = None, node
        else:
            line = node.sourceline + self.line_offset if isinstance(node.sourceline, int) else None
            text = etree.tostring(node, encoding="unicode", method="html", with_tail=False)
        text = " ".join(text.split())
        if len(text) > EXCERPT_CHARS:
            text = text[: EXCERPT_CHARS - 1] + "…"
        self.removals.append(Removal(self.rule, line, text))


RuleFunc = Callable[[etree._Element, Context], int]


class Rule(Frozen):
    """A named, documented tree transform.

    ``apply(root, ctx)`` edits the tree in place and returns the number of edits it
    made; 0 means it changed nothing, which keeps untouched files byte-identical.
    """

    __slots__ = (
        "apply", "attributes", "before_safety", "code", "default", "defers_to", "group",
        "hidden_in", "name", "needles", "needs_cjk", "records_only", "records_reshapes",
        "removes_text", "reshapes", "shown_with", "summary", "tags",
    )  # fmt: skip
    code: str
    name: str
    group: str
    summary: str
    apply: RuleFunc
    default: bool
    removes_text: bool
    reshapes: bool
    """True when the rule moves or retags elements (unwrap, rename, wrap): its output may
    hold nesting HTML cannot express, so cleaning settles it by parsing it again. Rules
    that only drop whole elements, attributes or text leave a tree that parses back."""
    needs_cjk: bool
    """Run only on inputs holding CJK ideographs: the Sina news family, whose boilerplate
    (stock spans, editor credits, CMS attributes, promo boxes) surrounds Chinese text.
    A byte scan for UTF-8 lead bytes decides it, so English pages skip these rules."""
    needles: tuple[str, ...]
    """Lower-case strings of which the source must hold one for the rule to have work.

    A cheap C-level substring scan of the input skips a rule that cannot fire (a
    stock-link rule on a page with no ``stock_`` or ``keyword``). Empty: always run.
    Needles must be conservative: their absence has to prove the rule has nothing to do.
    """
    tags: tuple[str, ...]
    """Element names (or :data:`cleanhtml.census.COMMENT`) of which the parsed tree must
    hold one for the rule to have work; checked against the census, so free. Empty:
    no such condition."""
    attributes: tuple[str, ...]
    """Attribute names of which the parsed tree must hold one (checked like ``tags``)."""
    records_reshapes: bool
    """True when the rule (a :attr:`reshapes` one) tells :meth:`Context.reshaping` the
    parent of every element it moves, wraps or retags: cleaning then parses those
    parents again instead of the whole output. Otherwise an edit of a reshaping rule
    has the whole output parsed again."""
    defers_to: tuple[str, ...]
    """Names of later rules that do part of this rule's work whenever they run (S004
    checks ``style=`` attributes, which remove-style-attributes removes anyway). When
    one is selected, the pipeline sets :attr:`Context.deferred` and the rule skips that
    part, so it never checks other rules by name."""
    before_safety: bool
    """True for a rule that reads what the safety rules remove (a site's article held
    in a page script): it runs before them, whatever table it is added to
    (:func:`cleanhtml.rules.with_user_rules`), and what it puts in the tree goes
    through every safety rule."""
    hidden_in: tuple[str, ...]
    """Output formats (``text``, ``markdown``...) whose output this rule's edits never
    change: cleaning for one of them skips the rule (see
    :func:`cleanhtml.cleaned.clean_loaded`). Only for a rule (1) that edits only what
    those formats' renderers never read (attributes, for ``text``; metadata that only
    ``json`` reads), (2) whose edits no later rule of the table reads, (3) that is not
    :attr:`reshapes`: applied after the rules that follow it, it then leaves the tree
    it leaves in its place, which cleaning does where its edits matter (before
    settling, and to tell whether anything changed), and (4) whose edits never make
    markup that parses back to itself parse otherwise (libxml2 builds the tree from
    tags alone: attributes and the length of a whitespace-only run between blocks do
    not count), so a tree that needs no settling without them needs none with them.
    ``tests/test_format_gate.py`` holds each such rule to the ungated outputs."""
    shown_with: tuple[str, ...]
    """Elements (checked against the census) under which this rule's edits show even in
    the formats of :attr:`hidden_in` (``pre``, which keeps whitespace in text): the rule
    runs when the tree holds one."""
    records_only: bool
    """True for a rule that edits nothing (it returns 0): it records what it reads in
    :attr:`Context.meta`. Left out for a format (:attr:`hidden_in`), it is not applied
    late either: no tree and no answer depends on it."""

    def __init__(
        self,
        code: str,
        name: str,
        group: str,
        summary: str,
        apply: RuleFunc,
        default: bool = True,
        removes_text: bool = False,
        reshapes: bool = False,
        needs_cjk: bool = False,
        needles: tuple[str, ...] = (),
        tags: tuple[str, ...] = (),
        attributes: tuple[str, ...] = (),
        records_reshapes: bool = False,
        defers_to: tuple[str, ...] = (),
        before_safety: bool = False,
        hidden_in: tuple[str, ...] = (),
        shown_with: tuple[str, ...] = (),
        records_only: bool = False,
    ) -> None:
        _set = object.__setattr__
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "group", group)
        _set(self, "summary", summary)
        _set(self, "apply", apply)
        _set(self, "default", default)
        _set(self, "removes_text", removes_text)
        _set(self, "reshapes", reshapes)
        _set(self, "needs_cjk", needs_cjk)
        _set(self, "needles", needles)
        _set(self, "tags", tags)
        _set(self, "attributes", attributes)
        _set(self, "records_reshapes", records_reshapes)
        _set(self, "defers_to", defers_to)
        _set(self, "before_safety", before_safety)
        _set(self, "hidden_in", hidden_in)
        _set(self, "shown_with", shown_with)
        _set(self, "records_only", records_only)
        if hidden_in and reshapes:
            raise ValueError(f"{name}: a reshaping rule cannot be hidden in a format")

    def __call__(self, root: etree._Element, ctx: Context) -> int:
        """Apply the rule to ``root`` (the same as ``self.apply(root, ctx)``)."""
        return self.apply(root, ctx)

    @property
    def doc(self) -> str:
        """The rule's documentation: the docstring of its function."""
        import inspect

        return inspect.cleandoc(self.apply.__doc__ or self.summary)


def rule(
    code: str, name: str, group: str, summary: str, **options: Any
) -> Callable[[RuleFunc], Rule]:
    """Declare a rule next to its function; the function's docstring is its documentation.

    ``options`` are the other :class:`Rule` fields (``removes_text``, ``tags``,
    ``needles``, ``defers_to``...). The name then stands for the :class:`Rule`, which
    is still called like the function; :data:`cleanhtml.rules.RULES` lists the rules in
    the order they run::

        @rule("M001", "remove-comments", "markup", "Remove HTML comments.", tags=(COMMENT,))
        def remove_comments(root: etree._Element, ctx: Context) -> int: ...
    """

    def declare(apply: RuleFunc) -> Rule:
        return Rule(code, name, group, summary, apply, **options)

    return declare
