"""Issue 2's "Done when" checks, on every real post we have.

Two sets of posts: the shared corpus (``<repo>/../shared/corpus/sina/*.md``, beside the
clone; skipped with a reason when it is absent) and ``tests/heldout/*.md``, real posts
of the same family that the rules were *not* written against. For each post:

* the text output holds none of the boilerplate markers (editor credit, app promo,
  CSS, comment text, quote-page URLs, promo blurbs), and no line of the input's promo
  boxes (``相关新闻：`` lines, link-list blockquotes) or app/QR blocks;
* every article block of the input (each ``<p>``, heading, list item, cell, and text
  lying directly in a ``<div>``) is in the text output character for character, after
  the whitespace normalization a browser does (leading indentation ignored);
* the HTML output has no comment, ``<style>``, ``style=``, stock/quote span,
  ``article-editor`` or ``appendQr`` element;
* cleaning the HTML output again makes no edit and returns it byte for byte.

What counts as boilerplate *in the input* is decided here by a few plain markers,
independently of the rules, so a rule that eats article text fails these tests.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from cleanhtml.api import clean_document, render
from cleanhtml.document import load

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "sina"
HELDOUT = Path(__file__).resolve().parent / "heldout"


def _posts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix in (".md", ".html") and p.stem != "README"
    )


POSTS = [
    *(pytest.param(p, id=f"corpus/{p.stem}") for p in _posts(CORPUS)),
    *(pytest.param(p, id=f"heldout/{p.stem}") for p in _posts(HELDOUT)),
]
if not _posts(CORPUS):
    POSTS.append(
        pytest.param(
            None,
            id="corpus-missing",
            marks=pytest.mark.skip(reason=f"shared corpus not found at {CORPUS}"),
        )
    )

# --- what must never reach the text output -------------------------------------------
FORBIDDEN_IN_TEXT = (
    "责任编辑",
    "海量资讯、精准解读",
    "新浪财经APP",
    "news_keyword_pub",
    "正文下iframe",
    "文末二维码",
    "编辑姓名及工作代码",
    "总声明",
    "article_adlist",
    "video-list",
    "finance.sina.com.cn/realstock",
    "appendQr",
    "kaihu",
    "&#123;",
    "炒股就看金麒麟",
    "<!--",
    "-->",
)
CSS_RULE = re.compile(r"[.#]?[\w-]+\s*\{[^}]*[\w-]+\s*:|\b(?:font-size|line-height|padding)\s*:")
PROMO_LINE = re.compile(r"^(?:相关新闻|相关阅读|相关报道|延伸阅读|推荐阅读)\s*[:：|丨]")

# --- what counts as boilerplate in the input (independent of the rules) -----------------
BOILERPLATE_CLASS = re.compile(r"appendQr|kaihu|article-editor")
EDITOR_LINE = re.compile(r"^[\[【（(]?\s*(?:责任编辑|责编|编辑)\s*[:：]")
PROMO_START = re.compile(
    r"^(?:相关新闻|相关阅读|相关报道|相关文章|延伸阅读|推荐阅读|炒股就看金麒麟|海量资讯)"
)
ARTICLE_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "figcaption"}
)
TEXT_CONTAINERS = frozenset({"div", "section", "article", "blockquote", "body"})
INVISIBLE = frozenset({"script", "style", "noscript", "template"})
WS_RUN = re.compile(r"[ \t\n\r\f]+")
STRIP = " \t\n\r\f\v\u3000\xa0"


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F", "H")


def _squeeze(match: re.Match[str]) -> str:
    text, start, end = match.string, match.start(), match.end()
    between_wide = start > 0 and end < len(text) and _wide(text[start - 1]) and _wide(text[end])
    return "" if "\n" in match.group(0) and between_wide else " "


def normalize_line(text: str) -> str:
    """One line as a browser shows it: NBSP is a space, a whitespace run is one space
    (none at all when it holds a line break between two wide characters), ends stripped
    of whitespace including the full-width indentation."""
    return WS_RUN.sub(_squeeze, text.replace("\xa0", " ")).strip(STRIP)


BR = "\x00"  # marks a <br>; a line break in the source is only whitespace


def _lines(segments: list[str]) -> str:
    return "\n".join(line for line in map(normalize_line, "".join(segments).split(BR)) if line)


def _inline_text(el: etree._Element) -> list[str]:
    """The visible text inside ``el``; ``<br>`` is a line break, comments are skipped."""
    out: list[str] = []
    if el.text and isinstance(el.tag, str) and el.tag not in INVISIBLE:
        out.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in INVISIBLE:
            out.append(BR if child.tag == "br" else "")
            out.extend(_inline_text(child))
        if child.tail:
            out.append(child.tail)
    return out


def _is_link_list(box: etree._Element) -> bool:
    """A box whose visible text is all link text (a list of research-report links)."""
    links = [a for a in box.iter("a") if a.get("href")]
    linked = "".join(_lines(_inline_text(a)) for a in links)
    return len(links) >= 2 and "".join(_lines(_inline_text(box)).split()) == "".join(linked.split())


def _is_boilerplate(el: etree._Element, text: str) -> bool:
    if EDITOR_LINE.match(text) and len(text) <= 40:
        return True
    for node in el.iterancestors():
        if BOILERPLATE_CLASS.search(node.get("class", "")):
            return True
        if node.tag == "blockquote" and (
            PROMO_START.match(_lines(_inline_text(node))) or _is_link_list(node)
        ):
            return True
    return bool(BOILERPLATE_CLASS.search(el.get("class", "")) or PROMO_START.match(text))


def article_blocks(root: etree._Element) -> Iterator[str]:
    """The normalized text of every article block of an input tree."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.tag in ARTICLE_BLOCKS:
            if any(d.tag in ARTICLE_BLOCKS for d in el.iterdescendants()):
                continue  # a list item or cell holding paragraphs: check those instead
            text = _lines(_inline_text(el))
            if text and not _is_boilerplate(el, text):
                yield text
        elif el.tag in TEXT_CONTAINERS:
            runs = [el.text] + [child.tail for child in el]
            for run in runs:
                text = normalize_line(run or "")
                if text and not _is_boilerplate(el, text):
                    yield text


def _leaf_lines(el: etree._Element) -> list[str]:
    """The text lines of the innermost article blocks in ``el`` (or of ``el`` itself)."""
    leaves = [
        d
        for d in el.iter(*ARTICLE_BLOCKS)
        if not any(x.tag in ARTICLE_BLOCKS for x in d.iterdescendants())
    ]
    texts = [_lines(_inline_text(leaf)) for leaf in leaves or [el]]
    return [line for text in texts for line in text.split("\n") if len(line) >= 4]


def boilerplate_lines(root: etree._Element) -> Iterator[str]:
    """The text lines of the input's promo boxes and app/QR blocks (must not be output).

    Editor credits are left to the 责任编辑 check: a byline at the top is content.
    """
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        text = _lines(_inline_text(el))
        promo_box = el.tag == "blockquote" and (PROMO_START.match(text) or _is_link_list(el))
        promo_block = el.tag in ARTICLE_BLOCKS and PROMO_START.match(text)
        if text and (promo_box or promo_block or re.search(r"appendQr|kaihu", el.get("class", ""))):
            yield from _leaf_lines(el)


@functools.cache
def _outputs(post: Path) -> tuple[str, str]:
    cleaned = clean_document(post.read_bytes(), path=post.name)
    return render(cleaned, "html"), render(cleaned, "text")


def _text_lines(text: str) -> str:
    return "\n".join(normalize_line(line) for line in text.split("\n"))


@pytest.mark.parametrize("post", POSTS)
def test_text_has_no_boilerplate(post: Path) -> None:
    _, text = _outputs(post)
    found = [marker for marker in FORBIDDEN_IN_TEXT if marker in text]
    assert not found, f"{post.name}: text output holds {found}"
    css = CSS_RULE.search(text)
    assert not css, f"{post.name}: CSS in text output: {css.group(0)!r}"
    promos = [line for line in text.split("\n") if PROMO_LINE.match(line)]
    assert not promos, f"{post.name}: promo box in text output: {promos}"


@pytest.mark.parametrize("post", POSTS)
def test_text_keeps_every_article_block(post: Path) -> None:
    _, text = _outputs(post)
    have = _text_lines(text)
    source = load(post.read_bytes()).root
    missing = [block for block in article_blocks(source) if block not in have]
    assert not missing, f"{post.name}: {len(missing)} article block(s) lost or altered: " + (
        " | ".join(block[:80] for block in missing[:5])
    )


@pytest.mark.parametrize("post", POSTS)
def test_text_drops_promo_blocks(post: Path) -> None:
    _, text = _outputs(post)
    have = set(_text_lines(text).split("\n"))
    kept = [line for line in boilerplate_lines(load(post.read_bytes()).root) if line in have]
    assert not kept, f"{post.name}: promo text in text output: {kept[:5]}"


_LEFTOVERS = etree.XPath(
    "//comment() | //style | //@style"
    " | //span[starts-with(@id, 'stock_') or starts-with(@id, 'quote_')]"
    " | //*[contains(@class, 'article-editor') or contains(@class, 'appendQr')]"
    " | //a[contains(@href, 'finance.sina.com.cn/realstock')]"
)


@pytest.mark.parametrize("post", POSTS)
def test_html_has_no_boilerplate_markup(post: Path) -> None:
    html, _ = _outputs(post)
    leftovers = _LEFTOVERS(load(html.encode("utf-8")).root)
    assert isinstance(leftovers, list)
    shown = [
        x if isinstance(x, str) else etree.tostring(x, encoding="unicode", with_tail=False)[:80]
        for x in leftovers
    ]
    assert not shown, f"{post.name}: HTML output still holds {shown[:5]}"


@pytest.mark.parametrize("post", POSTS)
def test_second_run_changes_nothing(post: Path) -> None:
    html, text = _outputs(post)
    again = clean_document(html.encode("utf-8"))
    assert again.edits == {}, f"{post.name}: second run edited {again.edits}"
    assert render(again, "html") == html
    assert render(again, "text") == text


@pytest.mark.parametrize("post", POSTS)
def test_cli_prints_the_same(post: Path) -> None:
    """``cleanhtml POST`` and ``cleanhtml -t text POST`` print what the checks above saw."""
    from click.testing import CliRunner

    from cleanhtml.cli import main

    html, text = _outputs(post)
    for to, expected in (("html", html), ("text", text)):
        result = CliRunner().invoke(main, ["-t", to, str(post)])
        assert result.exit_code == 0, f"{post.name}: exit {result.exit_code}: {result.output}"
        assert result.stdout_bytes == expected.encode("utf-8"), (
            f"{post.name}: cleanhtml -t {to} differs from the library"
        )
