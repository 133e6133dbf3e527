"""JSON output: one record per input, for search indexes and text corpora.

The record's keys come in a fixed order (see ``cleanhtml/schema/record.schema.json``):
``path``, ``encoding``, ``url``, ``profile``, ``meta``, ``title``, ``published``,
``author``, ``original_title``, ``source``, ``editor``, ``stocks``, ``images``, ``links``,
``text``, ``html``, ``chars``, ``edits``.

A whole page's ``title`` (without the portal suffix), ``published``, ``author`` and
``source`` come from its head and byline, read before the page was cut to its article
(see :mod:`cleanhtml.rules.sites.meta`); an author that is only the name in the page's
editor credit is left out (gmw's CMS fills ``<meta name="author">`` with the 责编);
``url`` is the page's own address and ``profile`` the site profile that cut it.

The metadata is not parsed a second time: ``stocks``, ``editor``, ``original_title``
and ``source`` are what the rules recorded in ``ctx.meta`` as they ran (so ignoring a
rule leaves its field empty). The front matter is parsed with PyYAML's ``safe_load``,
imported only here; its raw text is kept as well.

:func:`render_json` writes the record as one line of UTF-8 JSON (no ``\\u`` escapes,
no newline inside), so several records stream as JSON Lines.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
from email.utils import parsedate_to_datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from lxml import etree

from cleanhtml import document
from cleanhtml.render.text import collapse_whitespace, render_text
from cleanhtml.treeops import text_of

if TYPE_CHECKING:
    from cleanhtml.cleaned import Cleaned

SCHEMA_RESOURCE = "schema/record.schema.json"
"""The record's JSON Schema, as package data of ``cleanhtml``."""

MAX_META_NODES = 100_000  # YAML aliases can make a small block expand without bound

_RFC_2822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun),\s*)?\d{1,2}\s+"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{4}\s+"
    r"\d{1,2}:\d{2}(?::\d{2})?\s*(?:[+-]\d{4}|GMT|UTC?|[ECMP][SD]T|Z)?"
)


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every record validates against."""
    text = resources.files("cleanhtml").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _plain(value: Any, budget: list[int]) -> Any:
    """A YAML value as JSON: dates in ISO 8601, everything else a JSON type."""
    budget[0] -= 1
    if budget[0] < 0:
        raise ValueError(f"more than {MAX_META_NODES} values")
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.date):  # datetime is a date too
        return value.isoformat()
    if isinstance(value, str):
        if _RFC_2822.fullmatch(value.strip()):
            try:
                return parsedate_to_datetime(value.strip()).isoformat()
            except (TypeError, ValueError):
                return value
        return value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, dict):
        return {_key(k): _plain(v, budget) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, budget) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(v, budget) for v in value), key=str)
    return str(value)


def _key(key: Any) -> str:
    if isinstance(key, dt.date):
        return key.isoformat()
    return key if isinstance(key, str) else json.dumps(key, default=str)


def _front_matter_body(raw: str) -> str:
    lines = raw.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), 0)
    end = max((i for i, line in enumerate(lines) if line.strip() == "---"), default=start)
    return "\n".join(lines[start + 1 : end])


def parse_front_matter(raw: str) -> dict[str, Any]:
    """``{"raw": ..., "data": {...}, "error": None | "why it did not parse"}``.

    ``data`` is the YAML mapping made JSON-safe: dates (YAML timestamps, and strings in
    the RFC 2822 form RSS feeds use, ``Mon, 16 May 2022 02:27:46 GMT``) become ISO 8601.
    """
    meta: dict[str, Any] = {"raw": raw, "data": {}, "error": None}
    if not raw:
        return meta
    import yaml

    try:
        data = yaml.safe_load(_front_matter_body(raw))
        if data is None:
            return meta
        if not isinstance(data, dict):
            meta["error"] = f"front matter is a {type(data).__name__}, not a mapping"
            return meta
        meta["data"] = _plain(data, [MAX_META_NODES])
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        meta["error"] = " ".join(str(exc).split()) or type(exc).__name__
    return meta


def _text(el: etree._Element | None) -> str:
    if el is None:
        return ""
    return collapse_whitespace(text_of(el)).strip()


def _page_meta(doc: document.Document) -> dict[str, Any]:
    """A page's metadata when no site rule read it before the cut (from what is left)."""
    if doc.is_fragment or doc.root.tag != "html":
        return {}
    from cleanhtml.rules.sites.meta import page_meta

    return page_meta(doc.root, None, {})


def _published(data: dict[str, Any]) -> str | None:
    """A post's date from its front matter (already ISO 8601 when YAML read a date)."""
    for key in ("date", "published", "pubDate", "pubdate"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            from cleanhtml.rules.sites.meta import iso_date

            return iso_date(value) or value.strip()
    return None


_EDITOR_CODE = re.compile("[ _]")
"""Where an editor credit's name ends and its staff code starts (黄忆南 PN269, 杨倩_NF4425)."""


def _author(data: dict[str, Any]) -> str | None:
    for key in ("author", "creator", "dc:creator"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _title(
    data: dict[str, Any], root: etree._Element, body: etree._Element, page: str | None
) -> str | None:
    value = data.get("title")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        title = " ".join(str(value).split())
        if title:
            return title
    if page:
        return str(page)
    for found in (root.find("head/title"), root.find(".//title"), body.find(".//h1")):
        title = _text(found)
        if title:
            return title
    return None


def _html(cleaned: Cleaned) -> str:
    """The cleaned HTML without the front matter (as ``-t html`` writes it, ``\\n`` newlines).

    For a Markdown post: its cleaned Markdown rendered to HTML.
    """
    if cleaned.doc.markdown:
        from cleanhtml.markdown_body import render_html

        return render_html(cleaned.doc.body or "")
    if not cleaned.edited:
        return cleaned.doc.body_text()
    return document.serialize_body(cleaned.doc)


def build_record(cleaned: Cleaned) -> dict[str, Any]:
    """The record of a cleaned document, as a dict with keys in the schema's order."""
    doc = cleaned.doc
    root = doc.root
    found_body = None if doc.is_fragment else root.find("body")
    body = root if found_body is None else found_body
    meta = parse_front_matter(doc.front_matter)
    found = cleaned.ctx.meta
    page = found.get("page") or _page_meta(doc)
    text = render_text(doc)
    images = [
        {"src": src, "alt": collapse_whitespace(img.get("alt") or "").strip()}
        for img in body.iter("img")
        if (src := (img.get("src") or "").strip())
    ]
    links = [
        {"href": href, "text": _text(a)}
        for a in body.iter("a")
        if (href := (a.get("href") or "").strip())
    ]
    editor = found.get("editor") or page.get("editor")
    page_author = page.get("author")
    if page_author and editor and page_author == _EDITOR_CODE.split(editor, maxsplit=1)[0]:
        page_author = None  # the editor credit's name: gmw's CMS fills meta author with it
    return {
        "path": cleaned.path,
        "encoding": doc.encoding,
        "url": cleaned.ctx.url,
        "profile": found.get("profile"),
        "meta": meta,
        "title": _title(meta["data"], root, body, page.get("title")),
        "published": page.get("published") or _published(meta["data"]),
        "author": page_author or _author(meta["data"]),
        "original_title": found.get("original_title"),
        "source": found.get("source") or page.get("source"),
        "editor": editor,
        "stocks": list(found.get("stocks", [])),
        "images": images,
        "links": links,
        "text": text,
        "html": _html(cleaned),
        "chars": sum(1 for char in text if not char.isspace()),
        "edits": dict(cleaned.edits),
    }


def render_json(cleaned: Cleaned) -> str:
    """The record as one line of JSON (UTF-8 characters, not ``\\u`` escapes) and a newline."""
    return json.dumps(build_record(cleaned), ensure_ascii=False, separators=(",", ":")) + "\n"


render = render_json
"""The ``json`` format of a cleaned document (the table in :mod:`cleanhtml.render`)."""
