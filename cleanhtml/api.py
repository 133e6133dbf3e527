"""The library entry points. Pure: no I/O (but reading a `config=` file), no printing."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cleanhtml import document, pipeline
from cleanhtml.config import Settings
from cleanhtml.document import Document
from cleanhtml.errors import UsageError
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


def render_html(cleaned: Cleaned) -> str:
    """The document as given (front matter first, same kind), cleaned."""
    if not cleaned.edited:
        return cleaned.doc.source.decode(cleaned.doc.encoding, errors="replace").lstrip("\ufeff")
    return document.to_text(cleaned.doc)


def render_text(cleaned: Cleaned) -> str:
    """Plain text, one block per paragraph; see :mod:`cleanhtml.render.text`."""
    from cleanhtml.render.text import render_text as text

    return text(cleaned.doc)


def render_markdown(cleaned: Cleaned) -> str:
    """CommonMark with GFM tables, front matter kept; see :mod:`cleanhtml.render.markdown`.

    A Markdown post is already Markdown: its cleaned self, as ``-t html`` writes it.
    """
    if cleaned.doc.markdown:
        return render_html(cleaned)
    from cleanhtml.render.markdown import render_markdown as markdown

    return markdown(cleaned.doc)


def render_json(cleaned: Cleaned) -> str:
    """The record as one line of JSON; see :mod:`cleanhtml.render.json`."""
    from cleanhtml.render.json import render_json as as_json

    return as_json(cleaned)


Renderer = Callable[[Cleaned], str]
RENDERERS: dict[str, Renderer] = {
    "html": render_html,
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
"""Output formats by name; ``-t/--to`` takes these keys."""


@functools.lru_cache(maxsize=64)
def _built(config: tuple[str, int, int] | None, options: Any) -> Settings:
    return Settings.build(None if config is None else config[0], **dict(options))


def settings_for(
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Settings:
    """The settings of a library call: ``settings`` as given, or built from ``config``
    (a file path) and keyword ``options`` named like the config keys (see
    :meth:`Settings.build`). Built once per distinct call (a changed config file is read
    again)."""
    if settings is not None:
        if config is not None or any(v is not None for v in options.values()):
            raise TypeError("pass either settings= or config=/keyword settings, not both")
        return settings
    key = None
    if config is not None:
        try:
            st = os.stat(config)
            key = (os.fspath(config), st.st_mtime_ns, st.st_size)
        except OSError:
            key = (os.fspath(config), 0, -1)  # Settings.build says it is missing
    frozen = tuple(sorted((k, _hashable(v)) for k, v in options.items()))
    return _built(key, frozen)


def _hashable(value: object) -> object:
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def clean_document(
    data: bytes | str,
    *,
    rules: Sequence[Rule] | None = None,
    encoding: str | None = None,
    explain: bool = False,
    path: str | None = None,
    keep_comments: Sequence[str] = (),
) -> Cleaned:
    """Load ``data`` and run ``rules`` (default: the default rule set) over it.

    A post whose body is Markdown has only its raw HTML cleaned (see
    :mod:`cleanhtml.markdown_body`); ``path`` tells a Markdown file without front
    matter by its name. ``keep_comments`` names comments to keep, besides the
    generator markers every post keeps (:data:`~cleanhtml.rules.markup.KEEP_COMMENTS`).
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    chosen = Settings().rules() if rules is None else rules
    from cleanhtml import markdown_body

    if markdown_body.is_candidate(raw, path):
        post = markdown_body.clean_post(
            raw, chosen, encoding=encoding, explain=explain, path=path, keep_comments=keep_comments
        )
        if post is not None:
            return post
    return clean_html(
        raw,
        rules=chosen,
        encoding=encoding,
        explain=explain,
        path=path,
        keep_comments=keep_comments,
    )


def clean_html(
    raw: bytes,
    *,
    rules: Sequence[Rule],
    encoding: str | None = None,
    explain: bool = False,
    path: str | None = None,
    keep_comments: Sequence[str] = (),
    markers: bool = False,
) -> Cleaned:
    """Load ``raw`` as HTML (front matter kept aside) and run ``rules`` over it.

    A post (front matter, or ``markers``: the HTML of a Markdown body) keeps its
    generator markers (:data:`~cleanhtml.rules.markup.KEEP_COMMENTS`); every document
    keeps ``keep_comments``.
    """
    doc = document.load(raw, encoding=encoding)
    ctx = Context(explain=explain, line_offset=doc.front_matter.count("\n"))
    if doc.front_matter or markers:  # a post: its generator's markers stay
        from cleanhtml.rules.markup import KEEP_COMMENTS

        keep_comments = (*KEEP_COMMENTS, *keep_comments)
    ctx.keep_comments = tuple(keep_comments)
    chosen = rules
    edits = pipeline.run(doc, chosen, ctx)
    if any(rule.reshapes and rule.name in edits for rule in chosen) or (
        edits and doc.census is not None and doc.census.block_in_paragraph
    ):
        _settle(doc, chosen, ctx, edits)
    return Cleaned(doc, edits, ctx, path)


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


def render(cleaned: Cleaned, to: str = "html") -> str:
    """Render ``cleaned`` in the format ``to``."""
    try:
        renderer = RENDERERS[to]
    except KeyError:
        raise UsageError(
            f"unknown output format {to!r}; choose from {', '.join(RENDERERS)}"
        ) from None
    return renderer(cleaned)


def clean(
    html: str | bytes,
    *,
    to: str | None = None,
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    **options: Any,
) -> str:
    """Clean ``html`` and return it in the format ``to`` (default ``html``; see
    :data:`cleanhtml.render.FORMATS`).

    The settings are what the command line takes, as keywords named like the config
    keys: ``profile``, ``root``, ``drop``, ``unwrap``, ``drop_text``, ``select``,
    ``extend_select``, ``ignore``, ``encoding``, ``profiles``...; or ``config=PATH``
    (a ``.cleanhtml.toml`` or ``pyproject.toml``, read only when given), or both
    (keywords win); or a ready :class:`~cleanhtml.config.Settings` as ``settings=``.

    >>> clean('<p>采取<span id="stock_sz300959"><a class="keyword">线上线下</a></span>方式</p>')
    '<p>采取线上线下方式</p>'
    >>> clean('<div><p>menu</p><article><p>text</p></article></div>', root="article", to="text")
    'text\\n'
    >>> clean('<p>a</p><p class="ad">buy</p>', drop=[".ad"])
    '<p>a</p>'
    """
    chosen = settings_for(settings, config, **options)
    fmt = chosen.to if to is None else to
    if fmt not in RENDERERS:
        raise UsageError(f"unknown output format {fmt!r}; choose from {', '.join(RENDERERS)}")
    cleaned = clean_document(
        html, rules=chosen.rules(), encoding=chosen.encoding, keep_comments=chosen.keep_comments
    )
    return render(cleaned, fmt)


def record(
    html: str | bytes,
    *,
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    path: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Clean ``html`` and return its record (what ``-t json`` writes) as a dict.

    Settings are taken as by :func:`clean`. The keys and their meaning are in
    ``cleanhtml/schema/record.schema.json``.

    >>> record('<p>　　原标题：旧标题</p><p>正文</p>')["original_title"]
    '旧标题'
    """
    from cleanhtml.render.json import build_record

    chosen = settings_for(settings, config, **options)
    cleaned = clean_document(
        html,
        rules=chosen.rules(),
        encoding=chosen.encoding,
        path=path,
        keep_comments=chosen.keep_comments,
    )
    return build_record(cleaned)
