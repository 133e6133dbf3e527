"""Site profiles: one module per site, one registry, and the rules that use them.

Each module (``sina.py``, ``qq.py``, ...) declares its :class:`~.base.Site`: the hosts
it answers, its article containers in order of preference, its markers, its own
boilerplate selectors, title suffixes, byline selectors and fixture folders.
:data:`SITES` lists them; ``cleanhtml --list-profiles`` prints it.

The ``auto`` profile (the default) adds a rule before the safety rules and two after:

* ``read-site-scripts`` (P000) puts the article of a page that holds it only in a
  script (CCTV's ``var contentdate``, cls.cn's ``__NEXT_DATA__``) in the site's
  container, before the safety rules remove the script; what it puts in goes through
  them and every later rule. It reads the scripts only of a page whose site has
  script readers and that holds one of its :attr:`~.base.Site.script_needles`.

* ``keep-site-article`` (P001) picks the site from the page's own URL (``--url``, the
  saved-page comment, canonical link, ``og:url``, ``<base>``, a post's front-matter
  link), else from markers unique to a site, records it, reads the page metadata
  (title, date, byline) and keeps only the site's first container that matches. A
  page of no known site is left whole, unless ``root = "auto"`` asks for the
  main-content finder. A known site whose containers all miss is cut by the finder
  (with a line on stderr saying so), with or without ``root = "auto"``.
* ``drop-site-boilerplate`` (P002) removes the site's own boilerplate selectors.

Config tables ``[tool.cleanhtml.profiles.NAME]`` extend the registry: a table with
``urls`` is a new site; a table named like a built-in site changes it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from lxml import etree

from cleanhtml.census import Census, xml_tokens
from cleanhtml.rule import Context, Rule
from cleanhtml.rules.custom import (
    body_of,
    compile_selector,
    containers_in,
    keep_only,
)
from cleanhtml.rules.sites.base import (
    SCRIPT_META,
    SITE_KEYS,
    Entry,
    HostIndex,
    Site,
    full,
    site_by_markers,
    site_from_table,
)
from cleanhtml.treeops import Finder, drop, outermost


def _title_ends(suffix: str) -> str:
    """The marker of a page whose ``<title>`` ends in ``suffix`` (as its module writes it)."""
    start = len(suffix) - 1
    return (
        "/html/head/title[substring(normalize-space(.),"
        f" string-length(normalize-space(.)) - {start}) = '{suffix}']"
    )


INDEX: tuple[Entry, ...] = (
    Entry(
        "sina",
        "sina",
        ("sina.com.cn", "sina.cn", "sina.com", "sina.net"),
        (
            "#artibody",
            _title_ends("_新浪网"),
            "#sina_keyword_ad_area2",
        ),
    ),
    Entry(
        "qq",
        "qq",
        ("qq.com",),
        (
            "#Cnt-Main-Article-QQ",
            _title_ends("_腾讯新闻"),
        ),
    ),
    Entry(
        "gmw",
        "gmw",
        ("gmw.cn",),
        (
            "#contentLiability",
            _title_ends("_光明网"),
        ),
    ),
    Entry(
        "youth",
        "youth",
        ("youth.cn",),
        (_title_ends("_中国青年网"),),
    ),
    Entry("weixin", "weixin", ("mp.weixin.qq.com",), ("#js_content",)),
    Entry("toutiao", "toutiao", ("toutiao.com",), (".tt-article-content",)),
    Entry("sohu", "sohu", ("sohu.com",), ("#mp-editor",)),
    Entry("netease", "netease", ("163.com",), ("#endText", ".post_main .post_body")),
    Entry(
        "ifeng",
        "ifeng",
        ("ifeng.com",),
        (
            "//div[starts-with(@class, 'index_main_content_')]"
            "[.//div[starts-with(@class, 'index_text_')]]",
            "#artical_real",
        ),
    ),
    Entry("people", "people", ("people.com.cn", "people.cn"), (".rm_txt_con",)),
    Entry("xinhua", "xinhua", ("news.cn", "xinhuanet.com"), ("#detailContent",)),
    Entry("thepaper", "thepaper", ("thepaper.cn",)),
    Entry(
        "cctv",
        "cctv",
        ("cctv.com", "cctv.cn", "cntv.cn"),
        ("//div[@id = 'content_area'][following-sibling::div[@class = 'zebian']]",),
        script_needles=("contentdate",),
    ),
    Entry("eastmoney", "eastmoney", ("eastmoney.com",), ("div.txtinfos#ContentBody",)),
    Entry("caixin", "caixin", ("caixin.com",), ("#Main_Content_Val",)),
    Entry("yicai", "yicai", ("yicai.com",)),
    Entry("stcn", "stcn", ("stcn.com",)),
    Entry("cls", "cls", ("cls.cn",), script_needles=("__next_data__",)),
    Entry("21jingji", "jingji21", ("21jingji.com",)),
    Entry("jiemian", "jiemian", ("jiemian.com",)),
    Entry("guancha", "guancha", ("guancha.cn",)),
    Entry("huanqiu", "huanqiu", ("huanqiu.com",)),
    Entry("baijiahao", "baijiahao", ("baijiahao.baidu.com", "mbd.baidu.com")),
)
"""The built-in sites in the registry's order, as a static table: what picking a site
reads, so that a post (whose site only names its ``profile``) imports no site module.
A site's module is imported when a page is cut to its container, or a config table
changes it (tests/test_sites.py keeps this table and the modules in step)."""

if TYPE_CHECKING:
    SITES: tuple[Site, ...]
    """Every built-in site profile (``--list-profiles``), each module imported."""


def __getattr__(name: str) -> Any:
    """:data:`SITES`, built when first asked for (it imports every site module)."""
    if name == "SITES":
        sites = globals()["SITES"] = tuple(entry.load() for entry in INDEX)
        return sites
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


AUTO = "auto"
"""The profile that picks a site per page."""
FINDER = "auto"
"""The ``root`` value that asks for the main-content finder on pages of no known site."""


def builtin_names() -> frozenset[str]:
    """The names of the built-in site profiles."""
    return frozenset(entry.name for entry in INDEX)


def merged_sites(user: Mapping[str, Mapping[str, Any]] | None = None) -> tuple[Site, ...]:
    """The registry with the user's profile tables applied (see the module docstring)."""
    return tuple(full(site) for site in _merged(user))


def _merged(user: Mapping[str, Mapping[str, Any]] | None) -> tuple[Site | Entry, ...]:
    """:func:`merged_sites`, with a built-in site no table changes left as its entry."""
    sites: dict[str, Site | Entry] = {entry.name: entry for entry in INDEX}
    for name, table in (user or {}).items():
        base = sites.get(name)
        parent = table.get("extends")
        if base is None and isinstance(parent, str) and parent in sites:
            base = sites[parent]
        if base is None and "urls" not in table:
            continue  # a rule profile, not a site
        if base is None and not (SITE_KEYS & set(table)):
            continue
        sites[name] = site_from_table(name, table, None if base is None else full(base))
    return tuple(sites.values())


class _Compiled(dict[str, Finder]):
    """Selectors by their text, each compiled when first asked for."""

    def __missing__(self, expr: str) -> Finder:
        finder = self[expr] = compile_selector(expr, key="profiles")
        return finder


class _Selectors:
    """Selectors compiled once per profile: those of the user's profile tables up front
    (a broken one is a config error at once), the built-in sites' when a page first
    needs one (a post or a page of another site compiles none, and start-up imports
    no cssselect; tests/test_sites.py compiles every built-in one)."""

    def __init__(self, sites: Sequence[Site | Entry]) -> None:
        self.finders: dict[str, Finder] = _Compiled()
        self.hosts = HostIndex(sites)
        for site in sites:
            if isinstance(site, Entry) or site.builtin:
                continue
            for expr in (*site.containers, *site.markers, *site.drop):
                self.get(expr, f"profiles.{site.name}")
            for expr in (*site.source, *site.author, *site.published, *site.editor):
                self.get(expr, f"profiles.{site.name}")

    def get(self, expr: str, key: str = "profiles") -> Finder:
        finder = self.finders.get(expr)
        if finder is None:
            finder = self.finders[expr] = compile_selector(expr, key=key)
        return finder


def _choose(
    root: etree._Element, ctx: Context, sites: Sequence[Site | Entry], sel: _Selectors
) -> Site | Entry | None:
    chosen = ctx.shared.get("site", False)
    if chosen is not False:
        return chosen  # type: ignore[no-any-return]
    site = ctx.shared["site"] = _pick(root, ctx, sites, sel)
    return site


def _pick(
    root: etree._Element, ctx: Context, sites: Sequence[Site | Entry], sel: _Selectors
) -> Site | Entry | None:
    """The page's site, by its URL, else (a whole page) by a marker; None when unknown."""
    site = sel.hosts.site_for_url(ctx.url)
    if site is None and root.tag == "html":  # markers name the site of a whole page only
        site = _by_markers(root, ctx, [s for s in sites if s.markers], sel)
    return site


def _by_markers(
    root: etree._Element, ctx: Context, sites: Sequence[Site | Entry], sel: _Selectors
) -> Site | Entry | None:
    """The first of ``sites`` one of whose markers matches in the page (see
    :func:`~.base.site_by_markers`)."""
    census = ctx.census
    return site_by_markers(
        root,
        sites,
        _MarkerTests(sel.finders),
        ctx.has,
        _gate(census) if census is not None else lambda selector: None,
    )


def _pick_reader(
    root: etree._Element,
    ctx: Context,
    sites: Sequence[Site | Entry],
    readers: Sequence[Site | Entry],
    sel: _Selectors,
) -> Site | Entry | None:
    """:func:`_pick` when the page's site may be one of ``readers`` (the sites with
    script readers, those of ``sites`` with markers); otherwise None, or the site
    :func:`_pick` gives. Markers are tried in table order and the first site one of
    whose markers matches is the pick: when no marker of a reader matches, the pick is
    no reader, and the markers of every other site (each an XPath, or a search of the
    whole input for its name) are not tried."""
    site = sel.hosts.site_for_url(ctx.url)
    if site is not None or root.tag != "html":
        return site
    if not readers or _by_markers(root, ctx, readers, sel) is None:
        return None
    return _pick(root, ctx, sites, sel)


@functools.cache
def _class_prefix() -> re.Pattern[str]:
    return re.compile(r"//([A-Za-z][\w-]*)\[starts-with\(@class, '([^']*)'\)\]")


@functools.cache
def _prefix_marker(marker: str) -> tuple[str, str] | None:
    """(tag, prefix) of an XPath marker whose first step is ``//tag[starts-with(@class,
    'prefix')]`` (ifeng's), None for any other."""
    found = _class_prefix().match(marker.strip())
    if found is None or "|" in marker:
        return None
    return found.group(1).lower(), found.group(2)


def _gate(census: Census) -> Callable[[str], bool | None]:
    """``census.may_match``, but for a marker testing a class prefix, told by one C-level
    search of the class values joined (the census's own test runs a Python generator
    over every class value of the page, ~160 on a bench page)."""

    def may_match(marker: str) -> bool | None:
        prefixed = _prefix_marker(marker)
        if prefixed is None:
            return census.may_match(marker)
        tag, prefix = prefixed
        if tag not in census.tags:
            return False
        # a value holding a line break may pass wrongly (a superset, as the census's
        # answers are): the marker's XPath then decides
        values = census.classes
        return bool(values) and f"\n{prefix}" in "\n" + "\n".join(values)

    return may_match


@functools.cache
def _title_suffix(marker: str) -> str | None:
    """The suffix of a marker :func:`_title_ends` wrote, None for any other marker."""
    head, _, rest = marker.partition("'")
    suffix, quote, tail = rest.partition("'")
    if quote and tail == "]" and marker == _title_ends(suffix) and head:
        return suffix
    return None


class _MarkerTests:
    """The markers' finders for one page, each title-suffix marker (``_title_ends``)
    answered from the page's titles read once: ``/html/head/title[...]`` is an XPath
    call each (four for a page of no known site); the titles' texts with XML's spaces
    collapsed end in the suffix exactly when the XPath finds one. A title holding an
    element (not what a parser builds) is left to the XPath."""

    __slots__ = ("_finders", "_titles")

    def __init__(self, finders: Mapping[str, Finder]) -> None:
        self._finders = finders
        self._titles: list[str | None] | None = None

    def __getitem__(self, marker: str) -> Callable[[etree._Element], object]:
        suffix = _title_suffix(marker)
        if suffix is None:
            return self._finders[marker]
        return lambda root: self._title_ends(root, marker, suffix)

    def _title_ends(self, root: etree._Element, marker: str, suffix: str) -> bool:
        titles = self._titles
        if titles is None:
            titles = self._titles = _titles(root)
        if titles and titles[0] is None:
            return bool(self._finders[marker](root))
        return any(title.endswith(suffix) for title in titles)  # type: ignore[union-attr]


def _titles(root: etree._Element) -> list[str | None]:
    """``normalize-space()`` of each ``/html/head/title``; ``[None]`` when one holds an
    element (its string value would need the XPath)."""
    titles: list[str | None] = []
    top = root.getroottree().getroot()
    if top.tag != "html":
        return titles
    for head in top.iterchildren("head"):
        for title in head.iterchildren("title"):
            if len(title):
                return [None]
            titles.append(" ".join(filter(None, xml_tokens(title.text or ""))))
    return titles


def _script_rule(
    sites: Sequence[Site | Entry], sel: _Selectors, forced: Site | Entry | None
) -> Callable[[etree._Element, Context], int]:
    readers = [s for s in sites if s.markers and s.script_needles]

    def read_site_scripts(root: etree._Element, ctx: Context) -> int:
        """Put the article a page holds only in a script in its site's container.

        Some templates send the article as data for the page's script (CCTV's 2026
        pages in ``var contentdate = '…'``, cls.cn's in the Next.js ``__NEXT_DATA__``
        JSON); a page saved before the script ran shows an empty container. The site's
        script readers (:attr:`~.base.Site.scripts`) decode that data and parse the
        article into the container. This runs before the safety rules, which remove
        the scripts: what it puts in the page goes through them (no script, handler or
        script URL survives) and through every later rule, as page markup does. The
        site is picked as ``keep-site-article`` picks it, on whole pages only. A page
        whose container already holds the article is left alone.
        """
        if root.tag != "html":
            return 0
        chosen = forced if forced is not None else _pick_reader(root, ctx, sites, readers, sel)
        if chosen is None or not chosen.script_needles:
            return 0
        if not any(ctx.has(needle) for needle in chosen.script_needles):
            return 0
        return sum(reader(root, ctx) for reader in full(chosen).scripts)

    return read_site_scripts


def _keep_rule(
    sites: Sequence[Site | Entry],
    sel: _Selectors,
    forced: Site | Entry | None,
    finder: bool,
    cut: bool,
) -> Callable[[etree._Element, Context], int]:
    def keep_site_article(root: etree._Element, ctx: Context) -> int:
        """Keep only the article container of the page's site.

        The site comes from the page's URL, else from a marker only that site uses
        (``#artibody`` for Sina, ``#Cnt-Main-Article-QQ`` for QQ, ...). Its containers
        are tried in order; the first that matches is kept, everything else in
        ``<body>`` goes (the ``<head>`` stays). When they all miss (the site changed its
        layout, or a template its profile does not know), the main-content finder
        (:mod:`.density`) cuts the page and a line on stderr says so, naming the
        profile and the containers tried; the page is kept whole only when the finder
        finds nothing either. A page of no known site is kept whole unless
        ``root = "auto"`` asks for the finder. Posts and fragments are never cut.
        """
        chosen = forced if forced is not None else _choose(root, ctx, sites, sel)
        if root.tag != "html":  # a post: its site only names the profile
            if chosen is not None:
                ctx.meta.setdefault("profile", chosen.name)
            return 0
        body = body_of(root)
        if body is None:
            return 0
        site = None if chosen is None else full(chosen)
        if "page" not in ctx.meta and ctx.to in (None, "json"):  # (only json writes it)
            from cleanhtml.rules.sites.meta import page_meta

            page = ctx.meta["page"] = page_meta(root, site, sel.finders)
            # what the page's script data said, where its markup is silent
            for key, value in ctx.shared.get(SCRIPT_META, {}).items():
                if not page.get(key):
                    page[key] = value
        if site is not None:
            ctx.meta.setdefault("profile", site.name)
        if not cut:
            return 0
        if site is not None:
            for expr in site.containers:
                keep = containers_in(body, sel.get(expr)(root))
                if keep:
                    ctx.meta.setdefault("container", expr)
                    return keep_only(body, keep, ctx)
        missed = ""  # a known site whose containers all miss (its layout changed)
        if site is not None and site.containers:
            missed = f"profile {site.name}: no container matched ({', '.join(site.containers)})"
        edits = 0
        if missed and site is not None:
            # the site's own boilerplate goes first, and its rules run (drop-site-
            # boilerplate finds nothing more to do after them): the finder then reads
            # what the cleaned page shows (Huanqiu's article, held in a textarea the
            # page's script reads, is put in the page by its rule)
            edits = _boilerplate(root, ctx, site, sel)
        if missed or finder:  # a page of a news site is still an article page: find it
            from cleanhtml.rules.sites.density import find_cut

            # a news site's article has sentences: without one, the finder's pick is
            # some other block
            found, margins, whole = find_cut(body, sentences=bool(missed))
            if found:
                ctx.meta.setdefault("container", FINDER)
                # a page that is its article already (a first run's output) keeps its
                # wrappers: only what goes inside the article goes
                kept = 0 if whole else keep_only(body, found, ctx)
                for line in margins:
                    ctx.removed(line)
                    drop(line)
                if missed and (kept or margins):
                    ctx.notice(f"{missed}; the main-content finder was used")
                return edits + kept + len(margins)
        if missed:
            ctx.notice(f"{missed} and the main-content finder found none; the whole page was kept")
        return edits

    return keep_site_article


def _drop_rule(
    sites: Sequence[Site | Entry], sel: _Selectors, forced: Site | Entry | None
) -> Callable[[etree._Element, Context], int]:
    def drop_site_boilerplate(root: etree._Element, ctx: Context) -> int:
        """Remove the page site's own boilerplate (its profile's ``drop`` list and rules).

        Each site lists selectors of widgets its template puts inside the article
        container (QQ's share button ``.mbArticleShareBtn``, its related-video player
        ``.rv-root-v2`` and the "精彩视频推荐" heading above it, ...), and may add rule
        functions of its own (QQ's keyword links). Nothing else goes.
        """
        site = forced if forced is not None else _choose(root, ctx, sites, sel)
        if site is None:
            return 0
        return _boilerplate(root, ctx, full(site), sel)

    return drop_site_boilerplate


def _boilerplate(root: etree._Element, ctx: Context, site: Site, sel: _Selectors) -> int:
    """Remove ``site``'s own boilerplate (its ``drop`` list, then its rules)."""
    edits = 0
    for expr in site.drop:
        for el in outermost(sel.get(expr)(root)):
            if el is root or el.getparent() is None:
                continue
            ctx.removed(el)
            drop(el)
            edits += 1
    for rule in site.rules:
        edits += rule(root, ctx)
    return edits


def page_rules(
    user: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    forced: str | None = None,
    root: str | None = None,
) -> tuple[Rule, ...]:
    """The site rules of the ``auto`` profile (``forced``: always that site's profile).

    ``root = "auto"`` adds the main-content finder for pages of no known site; any
    other ``root`` is the user's own container, so no site container is cut here.
    """
    sites = _merged(user)
    sel = _Selectors(sites)
    site = next((s for s in sites if s.name == forced), None) if forced else None
    cut = root is None or root == FINDER
    scripts = Rule(
        "P000",
        "read-site-scripts",
        "page",
        "Put the article a page holds only in a script in its site's container.",
        _script_rule(sites, sel, site),
        reshapes=True,
        before_safety=True,
        tags=("script",),
        # no needles: the rule asks those of the page's site alone, once it is picked (a
        # needle of the rule was looked for in every page, lower-cased whole, and its
        # character references read: 6% of cleaning the bench pages, whose sites have
        # no script readers)
    )
    keep = Rule(
        "P001",
        "keep-site-article",
        "page",
        "Keep only the article container of the page's site (by URL or marker).",
        _keep_rule(sites, sel, site, root == FINDER, cut),
        removes_text=True,
        reshapes=True,
    )
    boiler = Rule(
        "P002",
        "drop-site-boilerplate",
        "page",
        "Remove the page site's own widgets inside the article (its drop list).",
        _drop_rule(sites, sel, site),
        removes_text=True,
    )
    reads_scripts = any(s.script_needles for s in sites)
    return (scripts, keep, boiler) if reads_scripts else (keep, boiler)
