"""What a rule is, and the context it runs in."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from cleanhtml.census import Census

EXCERPT_CHARS = 60


@dataclass
class Removal:
    """One thing a rule removed or unwrapped, for ``--explain``."""

    rule: str
    line: int | None
    excerpt: str


@dataclass
class Context:
    """Per-run state shared by the rules of one document.

    ``meta`` is where rules record what they saw (the editor name, stock codes, ...),
    so metadata extraction needs no second parse. ``explain`` turns on the recording
    of :class:`Removal` excerpts, which costs a serialization per removal.
    """

    explain: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    removals: list[Removal] = field(default_factory=list)
    rule: str = ""
    line_offset: int = 0
    """Lines before the parsed body (the front matter), added to source line numbers."""
    needles: Container[str] | None = None
    """What the input contains (the pipeline's needle scanner), for rules that narrow
    their search to the words actually present; None means "may contain anything"."""
    shared: dict[str, Any] = field(default_factory=dict)
    """Values rules of one run compute once and share (emptied when a run starts)."""
    selected: frozenset[str] = frozenset()
    """The names of the rules this run applies."""
    deferred: bool = False
    """True while a rule runs whose :attr:`Rule.defers_to` names a rule this run also
    applies: the rule then leaves that part of its work to it."""
    keep_comments: tuple[str, ...] = ()
    """Comments ``remove-comments`` keeps: texts, or prefixes ending in ``*`` (a post's
    generator markers and the ``keep-comments`` setting)."""
    census: Census | None = None
    """What the parsed tree held (tags, attribute names, attributes worth a safety
    look); None when a rule is called on a bare tree (it then takes its own)."""
    url: str | None = None
    """The page's own URL (``--url``, or what the document says), for site profiles."""
    notices: list[str] = field(default_factory=list)
    """Things the user should hear about even without ``-v`` (a root that matched
    nothing), one line each; the batch summary counts the files that have any."""
    reshaped: list[etree._Element] | None = None
    """The parents under which this run's reshaping rules moved, wrapped or retagged
    elements (see :attr:`Rule.records_reshapes`), so cleaning can check that those
    parents alone parse back to themselves; None when a rule reshaped without saying
    where (the whole output is then parsed again)."""

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


@dataclass(frozen=True)
class Rule:
    """A named, documented tree transform.

    ``apply(root, ctx)`` edits the tree in place and returns the number of edits it
    made; 0 means it changed nothing, which keeps untouched files byte-identical.
    """

    code: str
    name: str
    group: str
    summary: str
    apply: RuleFunc
    default: bool = True
    removes_text: bool = False
    reshapes: bool = False
    """True when the rule moves or retags elements (unwrap, rename, wrap): its output may
    hold nesting HTML cannot express, so cleaning settles it by parsing it again. Rules
    that only drop whole elements, attributes or text leave a tree that parses back."""
    needs_cjk: bool = False
    """Run only on inputs holding CJK ideographs: the Sina news family, whose boilerplate
    (stock spans, editor credits, CMS attributes, promo boxes) surrounds Chinese text.
    A byte scan for UTF-8 lead bytes decides it, so English pages skip these rules."""
    needles: tuple[str, ...] = ()
    """Lower-case strings of which the source must hold one for the rule to have work.

    A cheap C-level substring scan of the input skips a rule that cannot fire (a
    stock-link rule on a page with no ``stock_`` or ``keyword``). Empty: always run.
    Needles must be conservative: their absence has to prove the rule has nothing to do.
    """
    tags: tuple[str, ...] = ()
    """Element names (or :data:`cleanhtml.census.COMMENT`) of which the parsed tree must
    hold one for the rule to have work; checked against the census, so free. Empty:
    no such condition."""
    attributes: tuple[str, ...] = ()
    """Attribute names of which the parsed tree must hold one (checked like ``tags``)."""
    records_reshapes: bool = False
    """True when the rule (a :attr:`reshapes` one) tells :meth:`Context.reshaping` the
    parent of every element it moves, wraps or retags: cleaning then parses those
    parents again instead of the whole output. Otherwise an edit of a reshaping rule
    has the whole output parsed again."""
    defers_to: tuple[str, ...] = ()
    """Names of later rules that do part of this rule's work whenever they run (S004
    checks ``style=`` attributes, which remove-style-attributes removes anyway). When
    one is selected, the pipeline sets :attr:`Context.deferred` and the rule skips that
    part, so it never checks other rules by name."""

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
