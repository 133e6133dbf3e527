"""Safety rules: the HTML output carries no executable script.

They run first, on by default, and none removes article text: scripts, plugins and
frames are not text, and an attribute that goes leaves its element and content.

The stance (README, "Safety"): these rules remove what a browser would execute —
script elements, event-handler attributes, ``javascript:``/``vbscript:``/``data:``
URLs, plugin and frame elements, ``<base>`` and refresh redirects, SVG animations
that can rewrite a link, and the markup shapes (``<noscript>``, ``<template>``,
``<style>`` in SVG/MathML or holding tags) that a browser parses differently from
libxml2 ("mutation XSS"). The output is serialized by libxml2, which escapes ``<``,
``>``, ``&`` and quotes in attribute values, so text never turns into markup. The
test suite re-parses the output of a few hundred known attack vectors with a
browser-grade parser (html5lib) and finds no script, handler or script URL.

They do not make arbitrary HTML safe to embed in every context (inside an
attribute, a ``<script>``, a ``<textarea>``), they keep ordinary links, forms,
images and CSS (which can still track a reader or restyle a page), and they do not
police the site's own scripts that may read ``data-*`` attributes.
"""

from __future__ import annotations

import functools
import re

from lxml import etree

from cleanhtml.census import attached, iter_tags, take
from cleanhtml.rule import Context, rule
from cleanhtml.treeops import drop_all, outermost, test

SCRIPT_TAGS = ("script", "noscript")
EMBED_TAGS = (
    "iframe", "frame", "frameset", "object", "embed", "applet", "portal", "fencedframe",
    "noembed", "noframes",
)  # fmt: skip
# SVG animation elements can set an attribute (a link's href) to javascript: at run time;
# handler/listener are SVG Tiny's script hooks.
ANIMATION_TAGS = (
    "animate", "set", "animatemotion", "animatetransform", "animatecolor", "handler",
    "listener",
)  # fmt: skip

# Attributes whose value is text shown to people, never a URL a browser follows.
TEXT_ATTRIBUTES = frozenset(
    {
        "alt", "title", "value", "placeholder", "label", "content", "summary", "abbr",
        "class", "id", "name", "lang", "dir", "role", "width", "height", "type",
    }
)  # fmt: skip
# Animation attributes whose value may hold a URL anywhere, not only at the start.
LIST_ATTRIBUTES = frozenset({"values", "to", "from", "by"})
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:", "data:")


@functools.cache
def raster_data_url() -> re.Pattern[str]:
    """A ``data:`` URL of a raster image type (compiled when first used, as every
    pattern of the rules: see :mod:`cleanhtml.rules`)."""
    return re.compile(r"data:image/(?:png|jpe?g|gif|webp|bmp|avif|apng|x-icon)[;,]")


@functools.cache
def _url_noise() -> re.Pattern[str]:
    """Stripped before a URL is read: ASCII whitespace and controls (browsers drop tabs
    and newlines anywhere in a URL) and Unicode spaces and format characters."""
    return re.compile(r"[\x00-\x20\x7f-\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]")  # fmt: skip # noqa: E501


@functools.cache
def _css_escape() -> re.Pattern[str]:
    return re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.S)


@functools.cache
def _css_comment() -> re.Pattern[str]:
    return re.compile(r"/\*.*?(?:\*/|\Z)", re.S)


_URL_HINTS = ("script", "data", "mocha", "&")
_NO_SCHEME = frozenset(map(chr, range(0x21, 0x7F))) - set("&jvlmdJVLMD")
"""First characters of a value :func:`script_url` (not ``anywhere``) answers False for
at once: printable ASCII, neither "&" nor the first letter of a script scheme. Such a
character stays first as the value is read (entities decoded: each starts with "&";
whitespace, controls and Unicode spaces stripped: it is none) and lower-cases to no
scheme's first letter, so the value starts with no scheme."""
_CSS_HINTS = (b"xpression", b"javascript", b"vbscript", b"inding", b"ehavio")
UNSAFE_CSS = ("expression(", "javascript:", "vbscript:", "-moz-binding", "behavior:", "behaviour:")


REFRESH_EQUIVS = frozenset({"refresh", "set-cookie"})
_IN_FOREIGN = test("ancestor::svg or ancestor::math")


@functools.cache
def _tag_like() -> re.Pattern[str]:
    return re.compile(r"<[A-Za-z/]")


def _drop_all(found: list[etree._Element], ctx: Context) -> int:
    """Drop each element of ``found`` not inside another one of them."""
    kept = outermost(found)
    for el in kept:
        ctx.removed(el)
    if kept:
        drop_all(kept[0].getroottree().getroot(), kept)
    return len(kept)


def _strip(root: etree._Element, tags: tuple[str, ...], ctx: Context) -> int:
    """Remove every ``tags`` element with its content (C-level), keeping the text after it.

    Returns how many were removed, not counting those inside another one. A prefixed
    ``<svg:script>`` was renamed ``script`` when the document was loaded.
    """
    found = list(root.iter(*tags))
    if not found:
        return 0
    # those inside another: found by a walk in C under each one with children (a
    # <script> has none; a <noscript> its image), not by a climb from each one
    inner = {below for el in found if len(el) for below in el.iter(*tags) if below is not el}
    if ctx.explain:
        for el in found:
            if el not in inner:
                ctx.removed(el)
    etree.strip_elements(root, *tags, with_tail=False)
    return len(found) - len(inner)


@rule(
    "S001",
    "remove-scripts",
    "safety",
    "Remove <script> and <noscript> elements.",
    tags=SCRIPT_TAGS,
)
def remove_scripts(root: etree._Element, ctx: Context) -> int:
    """Remove ``<script>`` and ``<noscript>`` elements with their content.

    A ``<noscript>`` is raw text to a browser running scripts but markup to libxml2,
    the classic way to smuggle a payload past a sanitizer
    (``<noscript><p title="</noscript><img src=x onerror=...>">``). The text after
    each element stays.

    ``<p>a<script>alert(1)</script>b</p>`` becomes ``<p>ab</p>``.
    """
    return _strip(root, SCRIPT_TAGS, ctx)


@rule(
    "S002",
    "remove-embeds",
    "safety",
    "Remove iframe, frame, object, embed and applet elements.",
    tags=EMBED_TAGS,
)
def remove_embeds(root: etree._Element, ctx: Context) -> int:
    """Remove frames and plugins: ``iframe``, ``frame(set)``, ``object``, ``embed``, ``applet``.

    Each loads a document or program of its own (``<iframe src="javascript:...">``,
    ``<object data="data:text/html;...">``); ``noembed``/``noframes`` are their
    raw-text fallbacks. The text after each element stays.

    ``<p>a<iframe src="//ads"></iframe>b</p>`` becomes ``<p>ab</p>``.
    """
    return _strip(root, EMBED_TAGS, ctx)


@rule(
    "S003",
    "remove-base-and-refresh",
    "safety",
    'Remove <base> and <meta http-equiv="refresh">.',
    tags=("base", "meta"),
)
def remove_base_and_refresh(root: etree._Element, ctx: Context) -> int:
    """Remove ``<base>`` and ``<meta http-equiv="refresh">`` (and ``set-cookie``).

    ``<base href="javascript://">`` turns every relative link into a script URL; a
    refresh redirects the reader (``content="0;url=javascript:..."``).

    ``<meta http-equiv="refresh" content="0;url=//evil">`` is removed.
    """
    found = [
        el
        for el in root.iter("base", "meta")
        if el.tag == "base" or el.get("http-equiv", "").strip().lower() in REFRESH_EQUIVS
    ]
    return _drop_all(found, ctx)


def script_url(value: str, *, raster_ok: bool = False, anywhere: bool = False) -> bool:
    """True when ``value`` is (or, with ``anywhere``, holds) a URL a browser would run.

    Entities are decoded and whitespace, controls and Unicode spaces are stripped
    first, as browsers do (``" jav&#x09;ascript:"`` is ``javascript:``).
    ``raster_ok`` allows ``data:image/png`` and the other raster image types.
    """
    if not anywhere and value and value[0] in _NO_SCHEME:
        return False  # (most URLs: "https://...", "/path", "//host"; see _NO_SCHEME)
    lowered = "".join(value.lower().split())
    if not any(hint in lowered for hint in _URL_HINTS):
        return False  # the common case: an ordinary URL, decided without a regex
    if "&" in value:
        import html  # only here: html.entities is a large table to load

        value = html.unescape(value)
    value = _url_noise().sub("", value).lower()
    if anywhere:
        return any(scheme in value for scheme in SCRIPT_SCHEMES)
    if not value.startswith(SCRIPT_SCHEMES):
        return False
    return not (raster_ok and raster_data_url().match(value))


def unsafe_css(css: str, *, attribute: bool = False) -> bool:
    """True when CSS holds script (``expression()``, ``javascript:``, bindings), escapes decoded.

    Only old Internet Explorer and Firefox ran script from CSS; the check is cheap
    unless a hint of it is there. In a ``style`` attribute comments and entities are
    looked through too (``expr/**/ession``).
    """
    # CSS keywords are ASCII case-insensitive: lower-case the bytes (faster than str.lower)
    lowered = css.encode("utf-8", "surrogatepass").lower()
    if not (attribute and any(hint in lowered for hint in (b"\\", b"/*", b"&"))):
        if b"\\" in lowered:  # ja\vasc\ript, \65 xpression: escapes hide at most a letter
            lowered = lowered.replace(b"\\", b"")
        if not any(hint in lowered for hint in _CSS_HINTS):
            return False
    css = _css_escape().sub(
        lambda m: chr(min(int(m.group(1), 16), 0x10FFFF) or 0xFFFD) if m.group(1) else m.group(2),
        css,
    )
    css = _url_noise().sub("", _css_comment().sub("", css)).lower()
    return any(marker in css for marker in UNSAFE_CSS)


def _unsafe_attribute(el: etree._Element, name: str, value: str) -> bool:
    local = name.rsplit(":", 1)[-1]
    # any name starting with "on", whatever follows ("onload!#$", "on:x"): browsers
    # ignore most such names today, a sanitizer should not depend on that
    if name[:2].lower() == "on" or local.startswith("on") or local == "srcdoc":
        return True
    if local == "style":
        return unsafe_css(value, attribute=True)
    if local in TEXT_ATTRIBUTES:
        return False
    if local in LIST_ATTRIBUTES:
        return script_url(value, anywhere=True)
    if local in ("srcset", "imagesrcset"):
        candidates = (part.split()[0] for part in value.split(",") if part.split())
        return any(script_url(url, raster_ok=True) for url in candidates)
    return script_url(value, raster_ok=local == "src" and el.tag in ("img", "source"))


@rule(
    "S004",
    "remove-script-attributes",
    "safety",
    "Remove on* handlers, srcdoc and javascript:/vbscript:/data: URLs.",
    defers_to=("remove-style-attributes",),
)
def remove_script_attributes(root: etree._Element, ctx: Context) -> int:
    """Remove event handlers (every ``on*`` name), ``srcdoc``, and script URLs in any attribute.

    A script URL is ``javascript:``, ``vbscript:`` or ``data:`` (a raster image in an
    ``<img>``/``<source>`` ``src`` or ``srcset`` is fine), read after decoding
    entities and stripping whitespace and control characters, in every attribute
    that is not plain text (``href``, ``src``, ``action``, ``formaction``,
    ``xlink:href``, ``background``, ``poster``, ``data-*``, each ``srcset``
    candidate, ...). A ``style`` attribute holding ``expression()``, a script URL
    or a binding goes too. The element and its text stay.

    ``<a href=" java&#x09;script:alert(1)" onclick="x()">go</a>`` becomes ``<a>go</a>``.

    ``style`` attributes are left to remove-style-attributes when that rule runs and
    no ``cleanhtml: off`` region can shelter one (it removes them all anyway).
    """
    edits = 0
    census = ctx.census or take(root)
    # the rule deferred to (remove-style-attributes) takes every style= when nothing is sheltered
    styles_go = ctx.deferred and not census.opt_out
    for el, name, value in census.flagged:  # the census walked every attribute once
        if name in TEXT_ATTRIBUTES or (styles_go and name == "style"):
            continue
        if name in _URL_NAMES or _url_name(name):
            # what script_url decides first, without its calls: most flagged values are
            # ordinary URLs (a query's &, a scheme) or meta property values (og:title)
            if value and value[0] in _NO_SCHEME:
                continue
            lowered = "".join(value.lower().split())
            if (
                "script" not in lowered
                and "data" not in lowered
                and "mocha" not in lowered
                and "&" not in lowered
            ):
                continue
        if not _unsafe_attribute(el, name, value) or not attached(el, root):
            continue
        ctx.removed(f"{name}={value!r}")
        _remove_attribute(el, name)
        edits += 1
    return edits


_URL_NAMES = frozenset({"href", "src", "property", "data-src", "action", "poster"})
"""Common names :func:`_url_name` answers True for (a set look-up spares it the call)."""


@functools.cache
def _url_name(name: str) -> bool:
    """True when :func:`_unsafe_attribute` reads attribute ``name`` only as one URL (what
    :func:`script_url` answers): no prefix, not a handler, ``srcdoc``, ``style``, a list
    or ``srcset`` attribute, nor a text one. Its first test (:data:`_URL_HINTS` in the
    value without spaces) then decides most values."""
    return (
        ":" not in name
        and name[:2].lower() != "on"
        and name not in ("srcdoc", "style", "srcset", "imagesrcset")
        and name not in LIST_ATTRIBUTES
        and name not in TEXT_ATTRIBUTES
    )


def _remove_attribute(el: etree._Element, name: str) -> None:
    """Delete attribute ``name``, even one lxml cannot address (``{href``, Clark notation)."""
    try:
        del el.attrib[name]
    except (ValueError, KeyError):
        kept = [(str(key), str(value)) for key, value in el.items() if key != name]
        el.attrib.clear()
        for key, value in kept:
            try:
                el.set(key, value)
            except ValueError:  # a name lxml cannot write back is not a real attribute
                continue


@rule(
    "S005",
    "remove-svg-animations",
    "safety",
    "Remove SVG animate/set elements that can rewrite links.",
    tags=ANIMATION_TAGS,
)
def remove_svg_animations(root: etree._Element, ctx: Context) -> int:
    """Remove SVG animation and handler elements (``animate``, ``set``, ...), anywhere.

    ``<svg><a><animate attributeName="href" values="javascript:alert(1)"/>`` turns a
    harmless link into a script URL when the animation runs. They hold no article
    text, and outside SVG they mean nothing (custom elements have a hyphen).

    ``<svg><set attributeName="onload" to="alert(1)"/><circle r="5"/></svg>`` keeps
    only the circle.
    """
    return _strip(root, ANIMATION_TAGS, ctx)


_TEMPLATE = ("template",)


@rule(
    "S006",
    "remove-mutation-shapes",
    "safety",
    "Remove <template> and <style> a browser could re-parse as markup.",
    tags=("template", "style"),
    defers_to=("remove-style-elements",),
)
def remove_mutation_shapes(root: etree._Element, ctx: Context) -> int:
    """Remove markup a browser re-parses differently: ``<template>``, risky ``<style>``.

    A ``<style>`` inside SVG or MathML, or one whose text holds something tag-like,
    is raw text to libxml2 but can become markup in a browser
    (``<svg><style><img src=x onerror=...>``); CSS with ``expression()`` or a script
    URL goes too. ``<template>`` content is inert in browsers and the root of
    several sanitizer bypasses. The text after each element stays.

    When remove-style-elements runs too and no ``cleanhtml: off`` region can shelter
    a ``<style>``, every ``<style>`` goes with it anyway, so this rule leaves them to
    it (same output; ``--explain`` then names that rule) and does not read their CSS.

    ``<math><style><img src=x onerror=alert(1)></style></math>`` becomes ``<math></math>``.
    """
    census = ctx.census or take(root)
    if ctx.deferred and not census.opt_out:  # remove-style-elements takes every <style>
        found = list(iter_tags(root, census, _TEMPLATE))  # (no walk when none is there)
    else:
        foreign = census.has_tag("svg", "math")
        found = [
            el
            for el in root.iter("template", "style")
            if el.tag == "template" or (foreign and _IN_FOREIGN(el)) or _style_unsafe(el)
        ]
    return _drop_all(found, ctx)


def _style_unsafe(el: etree._Element) -> bool:
    text = el.text or ""
    return ("<" in text and bool(_tag_like().search(text))) or unsafe_css(text)
