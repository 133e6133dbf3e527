"""What a site profile is, and how a page finds its own: URL first, markers second.

A :class:`Site` is data, in the style of yt-dlp's extractors: the hosts it answers,
its article containers in order of preference, the markers that name it when a page
carries no URL, the boilerplate selectors of its own inside the container, the title
suffixes it appends, where its byline keeps the source, author and date, and the
fixture folders that show it working.

The page's own URL is read, in this order, from the ``<!-- saved from url=... -->``
(or ``<!-- https://... -->``) comment a browser or scraper leaves at the top of a
saved page, ``<link rel="canonical">``, ``<meta property="og:url">``, ``<base href>``
and a post's front matter (``link:``, ``url:``, ``permalink:``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from lxml import etree

from cleanhtml.errors import ConfigError
from cleanhtml.records import Frozen

if TYPE_CHECKING:
    from cleanhtml.document import Document

SCRIPT_META = "site-script-meta"
"""Key in ``Context.shared`` of the page metadata a site's script reader found (a dict:
``published``, ``author``, ``title``), used where the page's markup gives none."""

URL_HEAD_CHARS = 4096
"""How far into the input the leading URL comment is looked for."""


@functools.cache
def _leading_comment() -> re.Pattern[str]:
    """The first comment of a saved page, after an optional BOM, doctype or XML
    declaration (those hold no "<" or ">" inside). Anchored, one pass, no nested
    quantifiers."""
    return re.compile(
        r"\A\ufeff?\s*(?:<[!?][^<>]*>\s*)?(?:<[!?][^<>]*>\s*)?"
        r"<!--\s*(?:saved from url=\(\d{1,6}\)\s*)?(https?://[^\s<>\"']{1,2000})\s*-->",
        re.IGNORECASE,
    )


_ASCII_SPACES = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""The ASCII characters ``\\s`` matches in a str pattern."""


@functools.cache
def _front_matter_url() -> re.Pattern[str]:
    """A front matter line giving the page's URL (``link: https://…``)."""
    return re.compile(
        r"^(?:link|url|permalink|source_url|original_url)[ \t]*:[ \t]*['\"]?(https?://[^\s'\"]{1,2000})",
        re.MULTILINE,
    )


class Site(Frozen):
    """One site profile: where its article is and what surrounds it.

    ``hosts`` match the URL's host name exactly or as a parent domain
    (``sina.com.cn`` answers ``finance.sina.com.cn``). ``containers`` are CSS
    selectors or XPath tried in order; the first that matches inside ``<body>`` is
    kept. ``markers`` (selectors) name the site on a page that gives no URL; each must
    be unique to the site. ``drop`` removes the site's own boilerplate inside the
    container. ``title_suffixes`` are cut from the end of ``<title>``.
    ``source``/``author``/``published`` are selectors of the byline elements, ``editor``
    of an editor credit outside the container (``[责任编辑：…]``). ``scripts`` read the
    article of a page that holds it only in a script, before the safety rules remove
    the scripts (``script_needles`` gate them).
    """

    __slots__ = (
        "author", "builtin", "containers", "drop", "editor", "fixtures", "hosts", "markers",
        "name", "paths", "published", "rules", "script_needles", "scripts", "source",
        "summary", "title_suffixes",
    )  # fmt: skip
    _compare = tuple(sorted(set(__slots__) - {"builtin"}))

    name: str
    summary: str
    hosts: tuple[str, ...]
    containers: tuple[str, ...]
    markers: tuple[str, ...]
    drop: tuple[str, ...]
    title_suffixes: tuple[str, ...]
    source: tuple[str, ...]
    author: tuple[str, ...]
    published: tuple[str, ...]
    editor: tuple[str, ...]
    fixtures: tuple[str, ...]
    paths: str | None
    """A regex the URL's path must match (``search``), for a host shared by templates."""
    rules: tuple[Callable[[etree._Element, Any], int], ...]
    """The site's own rule functions (``(root, ctx) -> edits``), run after ``drop``."""
    scripts: tuple[Callable[[etree._Element, Any], int], ...]
    """Rule functions (``(root, ctx) -> edits``) that put the article a page holds only
    in a script (CCTV's ``var contentdate``, cls.cn's ``__NEXT_DATA__``) in the site's
    container; run before the safety rules, so what they put in goes through them."""
    script_needles: tuple[str, ...]
    """Lower-case strings of which a page must hold one for :attr:`scripts` to have work
    (the registry's table repeats them: a page of another site imports no module)."""
    builtin: bool

    def __init__(
        self,
        name: str,
        summary: str,
        hosts: tuple[str, ...] = (),
        containers: tuple[str, ...] = (),
        markers: tuple[str, ...] = (),
        drop: tuple[str, ...] = (),
        title_suffixes: tuple[str, ...] = (),
        source: tuple[str, ...] = (),
        author: tuple[str, ...] = (),
        published: tuple[str, ...] = (),
        editor: tuple[str, ...] = (),
        fixtures: tuple[str, ...] = (),
        paths: str | None = None,
        rules: tuple[Callable[[etree._Element, Any], int], ...] = (),
        builtin: bool = True,
        scripts: tuple[Callable[[etree._Element, Any], int], ...] = (),
        script_needles: tuple[str, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "summary", summary)
        _set(self, "hosts", hosts)
        _set(self, "containers", containers)
        _set(self, "markers", markers)
        _set(self, "drop", drop)
        _set(self, "title_suffixes", title_suffixes)
        _set(self, "source", source)
        _set(self, "author", author)
        _set(self, "published", published)
        _set(self, "editor", editor)
        _set(self, "fixtures", fixtures)
        _set(self, "paths", paths)
        _set(self, "rules", rules)
        _set(self, "builtin", builtin)
        _set(self, "scripts", scripts)
        _set(self, "script_needles", script_needles)

    def answers(self, host: str, path: str) -> bool:
        """True when a URL with this host and path belongs to the site."""
        if not any(_host_in(host, h) for h in self.hosts):
            return False
        return self.paths is None or re.search(self.paths, path) is not None


class Entry(Frozen):
    """A built-in site as the registry's static table lists it: what picking a site
    reads (name, hosts, path pattern, markers), and the module declaring it.

    A post needs no more than this (its site only names the ``profile``); the module
    (its selectors, rules and the patterns they compile) is imported by :meth:`load`
    when a page is cut, or a config table changes the site. tests/test_sites.py checks
    that each entry says what its module's :class:`Site` says.
    """

    __slots__ = ("builtin", "hosts", "markers", "module", "name", "paths", "script_needles")

    name: str
    module: str
    hosts: tuple[str, ...]
    markers: tuple[str, ...]
    paths: str | None
    script_needles: tuple[str, ...]
    builtin: bool

    def __init__(
        self,
        name: str,
        module: str,
        hosts: tuple[str, ...],
        markers: tuple[str, ...] = (),
        paths: str | None = None,
        builtin: bool = True,
        script_needles: tuple[str, ...] = (),
    ) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "module", module)
        _set(self, "hosts", hosts)
        _set(self, "markers", markers)
        _set(self, "paths", paths)
        _set(self, "builtin", builtin)
        _set(self, "script_needles", script_needles)

    answers = Site.answers

    def load(self) -> Site:
        """The site's full declaration (importing its module)."""
        from importlib import import_module

        module = import_module(f"cleanhtml.rules.sites.{self.module}")
        declared: tuple[Site, ...] = getattr(module, "SITES", None) or (module.SITE,)
        return next(site for site in declared if site.name == self.name)


def full(site: Site | Entry) -> Site:
    """``site`` itself, or the declaration an :class:`Entry` stands for."""
    return site.load() if isinstance(site, Entry) else site


class Pickable(Protocol):
    """What picking a site reads: a :class:`Site` or an :class:`Entry`."""

    @property
    def name(self) -> str: ...
    @property
    def hosts(self) -> tuple[str, ...]: ...
    @property
    def markers(self) -> tuple[str, ...]: ...
    @property
    def builtin(self) -> bool: ...
    def answers(self, host: str, path: str) -> bool: ...


S = TypeVar("S", bound=Pickable)


SITE_KEYS = frozenset(
    {"urls", "containers", "markers", "title-suffixes", "source", "author", "published", "editor"}
)
"""Profile-table keys that make (or change) a site profile, beside ``root`` and ``drop``."""


def _strings(table: Mapping[str, Any], key: str, origin: str) -> tuple[str, ...] | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"profiles.{origin}.{key}: expected a list of strings")
    return tuple(value)


def site_from_table(name: str, table: Mapping[str, Any], base: Site | None) -> Site:
    """A site profile from a ``[profiles.NAME]`` table, over ``base`` when it extends one.

    ``urls`` are host names (``example.com``); ``root`` (one selector) or
    ``containers`` (several, in order) replace the base's containers; ``drop`` adds to
    its boilerplate selectors.
    """
    site = base or Site(name, f"user profile {name!r}", builtin=False)
    changes: dict[str, Any] = {"name": name, "builtin": False}
    urls = _strings(table, "urls", name)
    if urls is not None:
        changes["hosts"] = tuple(
            (urlsplit(u).hostname or "") if "//" in u else u.strip("/").lower() for u in urls
        )
    containers = _strings(table, "containers", name)
    root = table.get("root")
    if isinstance(root, str) and root != "auto":
        containers = (root,)
    if containers is not None:
        changes["containers"] = containers
    drop = _strings(table, "drop", name)
    if drop is not None:
        changes["drop"] = (*site.drop, *drop)
    for key in ("markers", "title-suffixes", "source", "author", "published", "editor"):
        value = _strings(table, key, name)
        if value is not None:
            changes[key.replace("-", "_")] = value
    if base is None or base.name != name:
        changes["summary"] = f"user profile {name!r}" + (f" (extends {base.name})" if base else "")
    return site.replace(**changes)


def page_url(doc: Document, given: str | None = None) -> str | None:
    """The page's own URL: ``given`` (``--url``), else what the document says."""
    if given:
        return given
    front = doc.front_matter
    if front and ("url" in front or "link" in front):  # (each key holds one of them)
        found = _front_matter_url().search(front)
        if found:
            return found.group(1)
    head = doc.lead(URL_HEAD_CHARS)
    lead = head.lstrip(_ASCII_SPACES)[:2]
    # (the comment, or a doctype before it, opens the input, after spaces or a BOM)
    if not lead.isascii() or lead in (b"<!", b"<?"):
        found = _leading_comment().match(head.decode("utf-8", "ignore"))
        if found:
            return found.group(1)
    root = doc.root
    if doc.is_fragment or root.tag != "html":
        return None
    head_el = root.find("head")
    if head_el is None:
        return None
    canonical = og = base = None
    for el in head_el.iter("link", "meta", "base"):
        if el.tag == "link" and canonical is None:
            rel = (el.get("rel") or "").lower().split()
            if "canonical" in rel:
                canonical = el.get("href")
        elif el.tag == "meta" and og is None:
            if (el.get("property") or el.get("name") or "").lower() == "og:url":
                og = el.get("content")
        elif el.tag == "base" and base is None:
            base = el.get("href")
    for candidate in (canonical, og, base):
        if candidate and candidate.strip().lower().startswith(("http://", "https://", "//")):
            value = candidate.strip()
            return "https:" + value if value.startswith("//") else value
    return None


def site_for_url(url: str | None, sites: Sequence[S]) -> S | None:
    """The site whose hosts (and path pattern) answer ``url``.

    A user's site wins over a built-in one; among those, the site with the longest
    matching host (``mp.weixin.qq.com`` is WeChat, not QQ); ties go to the first listed.
    """
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if not host:
        return None
    best: S | None = None
    best_key = (False, -1)
    for site in sites:
        if not site.answers(host, parts.path):
            continue
        # a user's site first, then the most specific host: mp.weixin.qq.com over qq.com
        key = (not site.builtin, max(len(h) for h in site.hosts if _host_in(host, h)))
        if key > best_key:
            best, best_key = site, key
    return best


class HostIndex(Generic[S]):
    """:func:`site_for_url` over a fixed list of sites, with their hosts indexed: the
    sites a URL may belong to are found by a look-up of its host and of each parent
    domain of it (``news.sina.com.cn``, ``sina.com.cn``, ``com.cn``, ``cn``), instead
    of a test of every host of every site. The same answer, in the same order of
    preference (the candidates keep their order in ``sites``)."""

    __slots__ = ("_by_host", "_sites")

    def __init__(self, sites: Sequence[S]) -> None:
        self._sites = tuple(sites)
        self._by_host: dict[str, list[int]] = {}
        for index, site in enumerate(self._sites):
            for host in site.hosts:
                listed = self._by_host.setdefault(host, [])
                if index not in listed:
                    listed.append(index)

    def site_for_url(self, url: str | None) -> S | None:
        """``site_for_url(url, sites)``."""
        if not url:
            return None
        try:
            host = (urlsplit(url.strip()).hostname or "").lower()
        except ValueError:
            return None
        by_host = self._by_host
        # the host itself and every part after one of its dots: the names it is, or is
        # under (what _host_in tests)
        found = set(by_host.get(host, ()))
        at = host.find(".")
        while at >= 0:
            found.update(by_host.get(host[at + 1 :], ()))
            at = host.find(".", at + 1)
        if not found:
            return None
        return site_for_url(url, [self._sites[index] for index in sorted(found)])


def _host_in(host: str, parent: str) -> bool:
    return host == parent or host.endswith("." + parent)


class MarkerFinders(Protocol):
    """What :func:`site_by_markers` reads a marker's finder from (a mapping will do)."""

    def __getitem__(self, marker: str, /) -> Callable[[etree._Element], Any]: ...


def site_by_markers(
    root: etree._Element,
    sites: Iterable[S],
    compiled: MarkerFinders,
    has: Callable[[str], bool] = lambda needle: True,
    may_match: Callable[[str], bool | None] = lambda selector: None,
) -> S | None:
    """The first site one of whose markers matches in ``root`` (None when none does).

    A marker is looked for only when ``may_match`` (the census: the ids, classes and
    tags the page holds) does not say it cannot match, and, when it is one ``#id`` or
    ``.class``, ``has`` (the input's needle scan) finds its name in the input.
    """
    from cleanhtml.rules.custom import selector_needles

    for site in sites:
        for marker in site.markers:
            if may_match(marker) is False:
                continue
            needles = selector_needles([marker])
            if needles and not any(has(needle) for needle in needles):
                continue
            if compiled[marker](root):
                return site
    return None
