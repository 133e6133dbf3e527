"""The library entry points. Pure: no I/O (but reading a `config=` file), no printing."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from cleanhtml import document
from cleanhtml.cleaned import Cleaned, clean_html, clean_loaded
from cleanhtml.config import Settings
from cleanhtml.errors import UsageError
from cleanhtml.render import FORMATS, render
from cleanhtml.render import get as get_format
from cleanhtml.rule import Rule

__all__ = [
    "RENDERERS",
    "Cleaned",
    "clean",
    "clean_document",
    "clean_html",
    "record",
    "render",
    "settings_for",
]


RENDERERS: Mapping[str, Callable[[Cleaned], str]] = MappingProxyType(
    {name: functools.partial(render, to=name) for name in FORMATS}
)
"""Renderers by format name (``to`` takes these keys), read from the one table,
:data:`cleanhtml.render.FORMATS`."""


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


@functools.cache
def _default_rules() -> tuple[Rule, ...]:
    """The default rule set (built once: a ``Settings()`` costs a tenth of a post)."""
    return Settings().rules()


def clean_document(
    data: bytes | str | document.Handed,
    *,
    rules: Sequence[Rule] | None = None,
    encoding: str | None = None,
    explain: bool = False,
    path: str | None = None,
    keep_comments: Sequence[str] = (),
    url: str | None = None,
    to: str | None = None,
) -> Cleaned:
    """Load ``data`` and run ``rules`` (default: the default rule set) over it.

    ``to`` names the output format the result will be rendered in: rules whose edits
    cannot show in it are then left out (see :attr:`~cleanhtml.rule.Rule.hidden_in`),
    and the result renders in that format only. None (the default) applies every rule.

    ``url`` is the page's own address (``--url``); without it the document's own
    (saved-page comment, canonical link, ``og:url``, ``<base>``, front matter) is used.

    A post whose body is Markdown has only its raw HTML cleaned (see
    :mod:`cleanhtml.markdown_body`); ``path`` tells a Markdown file without front
    matter by its name. ``keep_comments`` names comments to keep, besides the
    generator markers every post keeps (:data:`~cleanhtml.rules.markup.KEEP_COMMENTS`).

    ``data`` :class:`~cleanhtml.document.Handed` over is let go while it is cleaned,
    when large (see :func:`cleanhtml.document.load`).
    """
    markdown = path is not None and path.lower().endswith(document.MARKDOWN_SUFFIXES)
    raw: bytes | document.Handed
    if isinstance(data, str):
        raw = data.encode("utf-8")
    elif isinstance(data, document.Handed) and markdown:
        raw = data.take()  # a Markdown body is read again as text: kept
    else:
        raw = data
    del data
    chosen = _default_rules() if rules is None else rules
    doc = document.load(raw, encoding=encoding, rules=chosen)
    del raw
    if doc.front_matter or markdown:
        from cleanhtml import markdown_body

        post = markdown_body.clean_post(
            doc, chosen, explain=explain, path=path, keep_comments=keep_comments, url=url
        )
        if post is not None:
            return post
    return clean_loaded(
        doc, chosen, explain=explain, path=path, keep_comments=keep_comments, url=url, to=to
    )


def clean(
    html: str | bytes,
    *,
    to: str | None = None,
    settings: Settings | None = None,
    config: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
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

    ``timeout=SECONDS`` cleans in a child process forked for the call and killed past
    that time, even inside C code (a libxml2 parse), raising
    :class:`~cleanhtml.errors.TimeLimitError` (a ``TimeoutError``); it costs a fork, a
    few milliseconds, and needs ``os.fork`` (not on Windows). Without it the call runs
    in this process with no limit (a config file's ``timeout`` is for the command line).

    >>> clean("<p>a<!-- x --></p>", timeout=10)
    '<p>a</p>'
    """
    chosen = settings_for(settings, config, **options)
    to = chosen.to if to is None else to
    renderer = get_format(to).renderer  # before any work
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
            raise UsageError(f"timeout: expected a number of seconds above 0, got {timeout!r}")
        if not hasattr(os, "fork"):
            raise UsageError("timeout= needs os.fork, which this platform does not have")
        from cleanhtml.workers import call

        return call(_clean, html, chosen, to, renderer, timeout=float(timeout))
    return _clean(html, chosen, to, renderer)


def _clean(html: str | bytes, chosen: Settings, to: str, renderer: Callable[[Cleaned], str]) -> str:
    cleaned = clean_document(
        html,
        rules=chosen.rules(),
        encoding=chosen.encoding,
        keep_comments=chosen.keep_comments,
        url=chosen.url,
        to=to,
    )
    return renderer(cleaned)


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
        url=chosen.url,
    )
    return build_record(cleaned)
