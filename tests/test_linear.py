"""Bounded time: on adversarial inputs, cleaning does work that grows about linearly.

Each generator below builds an input of ``n`` units and one of ``4n`` units, meant to
hit one piece of the loading code or one rule where super-linear work could hide
(a backtracking pattern, a rescan per match, a sibling walk per element...). Both are
cleaned and rendered in every format, and two measures of the work must grow at
most about linearly:

* the number of Python-level calls (C functions called from Python included),
  counted with :func:`sys.setprofile`: deterministic, so its bound is tight;
* the CPU time, best of a few runs, measured in the same process: what calls cannot
  see (a regular expression backtracking inside ``re``, libxml2 work); its bound is
  generous, and never an absolute time.

Each case runs in a forked child with a time limit, so a regression fails with a
message instead of hanging the suite (the comment-first page of issue 12 used to
never return).
"""

from __future__ import annotations

import gc
import multiprocessing
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import pytest

from cleanhtml.api import clean_document, render
from cleanhtml.errors import CleanHtmlError
from cleanhtml.profiles import profile_rules
from cleanhtml.rule import Rule

FORMATS = ("html", "text", "markdown", "json")
GROWTH = 4
MAX_CALL_RATIO = 6.0
"""Linear work gives 4x the calls for 4x the input; quadratic work gives 16x."""
MAX_TIME_RATIO = 10.0
"""Linear gives about 4x; quadratic 16x; a backtracking blow-up far more."""
TIME_LIMIT = 20.0
"""Seconds one case (both sizes, all measures) may take before it counts as a hang."""
REPEATS = 3


def _page(body: str) -> str:
    return f"<html><head><title>t</title></head><body>\n{body}\n</body></html>\n"


def _post(body: str) -> str:
    return f"---\ntitle: t\n---\n{body}\n"


# Each generator takes a count and returns the input; units are chosen so that the
# smaller input takes a few tens of milliseconds.
GENERATORS: dict[str, tuple[Callable[[int], str], int]] = {
    # loading code
    "comment-first-adjacent-comments": (
        lambda n: (
            "<!-- https://news.example.cn/a.html -->\n"
            + _page("<p>正文</p>\n<!-- a -->\n<!-- b -->\n" * n)
        ),
        600,
    ),
    "comment-first-no-doctype-comments-only": (
        lambda n: "<!-- a --> " * n + "<p>x</p>",
        16000,
    ),
    "comment-openers": (lambda n: "<p>x</p><!--" * n, 4000),
    "comment-closers": (lambda n: "<p>x</p>-->" * n, 500),
    "comment-opener-then-closers": (lambda n: "<!--" + "<p>x -->" * n, 800),
    "runs-of-lt": (lambda n: "<p>" + "<" * (20 * n) + "</p>", 2000),
    "lt-letters": (lambda n: "<a<b<c" * n, 2000),
    "huge-attribute-list": (
        lambda n: "<p " + " ".join(f'a{i}="v{i}"' for i in range(n)) + ">x</p>",
        3000,
    ),
    "huge-handler-attribute-list": (
        lambda n: "<p " + " ".join(f'on{i}="alert({i})"' for i in range(n)) + ">x</p>",
        3000,
    ),
    "huge-valueless-attribute-list": (
        lambda n: "<p/" + "/".join(f"a{i}" for i in range(n)) + ">x</p>",
        3000,
    ),
    "huge-attribute-list-in-markdown-post": (
        lambda n: _post("Some *text*.\n\n<div " + " ".join(f'a{i}=""' for i in range(n)) + ">\n"),
        3000,
    ),
    "post-unclosed-scripts-many": (
        lambda n: _post("Hello *world*.\n\n" + "<script >x\n\n" * n + "more\n"),
        500,
    ),
    "post-many-removed-blocks": (
        lambda n: _post("Hello *world*.\n\n" + "<script>x()</script>\n\n" * n + "more\n"),
        500,
    ),
    "post-unclosed-scripts-in-list-then-closer": (
        lambda n: _post("- a\n\n" + "  <script>x\n\n" * n + "b\n\n</script>\n"),
        500,
    ),
    "unclosed-style": (lambda n: "<p>a</p><style>\n" + "<p>正文</p>\n" * n, 700),
    "unclosed-raw-text-many": (
        lambda n: "".join(f"<{t}>\n<p>x</p>\n" for t in ("style", "title", "textarea") * n),
        700,
    ),
    "unclosed-front-matter": (lambda n: "---\n" + "key: value\n" * n + "<p>x</p>\n", 16000),
    "front-matter-open-quote-many-closers": (
        lambda n: '---\ntitle: "open\n' + "---\nx\n" * n + "<p>x</p>\n",
        3000,
    ),
    "front-matter-dash-line": (
        lambda n: "---\n" + "- " * (20 * n) + "\n---\n<p>x</p>\n",
        300,
    ),
    "page-tags-in-comments": (lambda n: "<p>x</p>" + "<!-- <body> -->" * n, 3000),
    "page-tags-in-scripts": (lambda n: "<p>x</p>" + '<script>"<html>"</script>' * n, 3000),
    "content-after-body-end": (
        lambda n: _page("<p>x</p>") + "<!-- c -->\n" * n + "<p>after</p>",
        3000,
    ),
    "trailer-comments": (lambda n: _page("<p>x</p>") + "<!-- c --> " * n, 30000),
    "deep-nesting": (lambda n: "<div>" * n + "x" + "</div>" * n, 8400),
    "deep-nesting-inline": (lambda n: "<p>" + "<b><font>" * n + "x" + "</font></b>" * n, 4200),
    "nested-links": (lambda n: "<a href=1>" * n + "x", 500),
    "links-nested-in-bold": (lambda n: "<p>" + "<a href=1><b>x<a href=2>y</a></b>z" * n, 300),
    "deep-then-unclosed-tags": (lambda n: "<div>" * 2100 + "<a" * (10 * n), 1000),
    "deep-then-unmatched-end-tags": (lambda n: "<div>" * 2100 + "</x>" * n, 3000),
    "deep-then-scripts": (lambda n: "<b>" * 1000 + "<script></script>" * n, 400),
    "meta-tags-left-open": (lambda n: "<meta " * n + "<p>中</p>", 600),  # read: 16 KB
    "control-characters": (lambda n: "<p>正文正文正文正文a\x01b</p>\n" * n, 700),
    "control-references": (lambda n: "<p>a&#1;b&#x2;c</p>\n" * n, 700),
    # opt-out regions
    "opt-out-balanced": (
        lambda n: (
            "<div>" + "<!-- cleanhtml: off --><i>k</i><!-- cleanhtml: on -->\n" * n + "</div>"
        ),
        1500,
    ),
    "opt-out-balanced-in-paragraphs": (
        lambda n: "<p>x<!-- cleanhtml: off --><b>k</b><!-- cleanhtml: on -->y</p>\n" * n,
        300,
    ),
    "opt-out-unbalanced": (
        lambda n: "<div>" + "<!-- cleanhtml: off --><p>k</p>\n" * n + "</div>",
        600,
    ),
    "opt-out-comments-around-text": (
        lambda n: "<p><!-- cleanhtml: on -->" + "x<!-- c -->" * n + "</p>",
        1000,
    ),
    # rules
    "stock-spans": (
        lambda n: (
            "<p>" + '采取<span id="stock_sz300959"><a class="keyword" '
            'href="https://finance.sina.com.cn/realstock/company/sz300959/nc.shtml">线上</a></span>'
            * n
            + "</p>"
        ),
        300,
    ),
    "quote-placeholders": (lambda n: "<p>" + '名称<span id="quote_sz1"></span>' * n + "</p>", 600),
    "editor-lines": (lambda n: "<p>正文</p>\n" + "<p>责任编辑：张三</p>\n" * n, 1500),
    # a closing line that opens like a staff credit, then a long run of spaces: the split
    # before each role's spacing must not try every space of the run
    "staff-credit-spaces": (lambda n: "<p>正文。</p><p>编辑：张三" + " \u3000" * n + "x</p>", 3000),
    "promo-words": (lambda n: "<p>相关阅读 推荐 精彩 往期 炒股就看 新浪财经</p>\n" * n, 800),
    "promo-boxes": (
        lambda n: '<p>相关新闻：<a href="https://x.cn/1">某新闻</a></p>\n<p>正文</p>\n' * n,
        500,
    ),
    "related-link-lists": (
        lambda n: '<p>推荐阅读</p>\n<p><a href="https://x.cn/">某文章</a></p>\n' * n,
        700,
    ),
    "adlist-comments": (
        lambda n: "<p>正文</p><!--article_adlist[<a href=x>y</a>]article_adlist-->\n" * n,
        600,
    ),
    "ad-slots": (
        lambda n: '<p>正文<ins class="sinaads" data-ad-pdps="P"><b>ad</b></ins></p>\n' * n,
        500,
    ),
    "link-boxes": (
        lambda n: "<blockquote><a href=1>a</a><a href=2>b</a></blockquote>\n" * n,
        300,
    ),
    "app-promos": (lambda n: '<div class="appendQr_wrap"><p>扫码</p></div>\n' * n, 1500),
    "players": (
        lambda n: (
            "<div><p>正文</p>"
            + '<div class="player"><video src="v.mp4"></video><span>Play</span><i>0:00</i></div>'
            * n
            + "</div>"
        ),
        600,
    ),
    "players-nested": (
        lambda n: (
            ('<div class="player">' * 20 + "<span>播放</span>" + "</div>" * 20 + "<p>正文</p>") * n
        ),
        100,
    ),
    "players-status-lines": (
        lambda n: (
            "<p>正文</p>" + '<div class="mplayer"><div><video src="v.mp4"></video><i>广告</i></div>'
            '<div class="tip">正在为您切换到<font>高清 480P</font>,请稍候...</div>'
            "<div>错误代码：<span>QVS.4100</span></div><ul><li>2.0X</li><li>100%</li></ul>"
            "</div>\n" * n
        ),
        300,
    ),
    "player-status-long-lines": (
        lambda n: (
            '<div class="m-player"><div>播放速度：'
            + "<i> </i>" * n
            + "2X</div>"
            + ("<span>播放速度：" + "<b>1</b>" * 30 + "</span>") * n
            + "</div><p>正文</p>"
        ),
        300,
    ),
    "tag-lines": (
        lambda n: (
            "<p>正文</p>"
            + '<div class="tags">关键字：<a href="/t/1">LPR</a></div>\n' * n
            + "<div>标签：" * n
            + "<a href=/t>x</a>" * n
            + "</div>" * n
        ),
        400,
    ),
    "share-widgets": (
        lambda n: "<p>正文</p>" + '<div class="share">分享到：<a>微信</a></div><p>分享至</p>\n' * n,
        800,
    ),
    "fonts-and-cms": (
        lambda n: '<p cms-style="font-L strong-Bold">　　<font color=red>粗</font></p>\n' * n,
        300,
    ),
    "bold-in-bold": (
        lambda n: "<p><b>" + '<font cms-style="strong-Bold">粗</font>x' * n + "</b></p>",
        1500,
    ),
    "empty-elements": (lambda n: "<p>x</p>" + "<span></span><p>　</p><div> </div>" * n, 2000),
    "empty-blocks-in-a-row": (lambda n: "<div>" + "<p></p>\n" * n + "</div>", 3000),
    "empty-inline-between-text": (lambda n: "<p>x" + "<span></span>y" * n + "</p>", 1500),
    "empty-blocks-between-inline": (
        lambda n: "<div>x" + "<div></div><b><img src=i.png></b>" * n + "</div>",
        800,
    ),
    "blank-line-runs": (lambda n: "<div>" + "<p>x</p>\n\n\n" * n + "</div>", 800),
    "safety-urls": (
        lambda n: "".join(f'<a href="java&#x09;script:x({i})" style="a:b">l</a>' for i in range(n)),
        1000,
    ),
    "css-escapes": (lambda n: '<p style="' + "\\65 " * n + 'xpression(1)">x</p>', 3000),
    "css-comments": (lambda n: '<p style="' + "/*" * n + '">x</p>', 3000),
    "unsafe-styles": (lambda n: "<svg><style>" + "<p>x</p>" * n + "</style></svg>", 3000),
    "markdown-line-starts": (
        lambda n: "<p>" + "- " * n + "</p>\n<p>" + "1. # > " * n + "</p>",
        3000,
    ),
    "markdown-table-delimiter-like": (lambda n: "<p>|" + "-" * (10 * n) + "x</p>", 300),
    "markdown-backticks": (lambda n: "<p><code>" + "`a" * n + "</code></p>", 3000),
    "markdown-specials": (lambda n: "<p>" + "*_[]\\`~<&" * n + "</p>", 1500),
    "text-whitespace-runs": (lambda n: "<p>" + "中 \n \t 文" * n + "</p>", 2000),
    "tables": (lambda n: "<table>" + "<tr><td>a</td><td>b</td></tr>" * n + "</table>", 400),
    "list-items": (lambda n: "<ul>" + "<li>a<ul><li>b</li></ul></li>" * n + "</ul>", 250),
    "pre-blocks": (lambda n: "<pre>" + "  a\n\tb\n" * n + "</pre>", 3000),
    "blocks-in-paragraph": (lambda n: "<p><a href=x>" + "<div>d</div>" * n + "</a></p>", 800),
    "comments-in-paragraph": (lambda n: "<p>" + "x<!-- c -->" * n + "</p>", 2000),
    "post-kept-and-other-comments": (
        lambda n: _post("<!-- more -->" + "<p>x<!-- c -->y<!-- more -->z</p>\n" * n),
        600,
    ),
    "post-many-comments": (lambda n: _post("<p>正文</p><!-- a -->\n" * n), 600),
    # the main-content finder (root = "auto"): see FINDER
    "finder-deep-blocks": (lambda n: _page("<div>正文，正文。" * n), 1000),
    "finder-deep-inline-in-link": (
        lambda n: _page("<div><a href=x>" + "<span>链接，文字。" * n + "</a></div>"),
        1000,
    ),
    "finder-deep-hidden": (
        lambda n: _page('<div style="display:none">隐藏，文字。' * n + "<p>正文，正文。</p>"),
        1000,
    ),
    "finder-hidden-inside": (  # many hidden blocks, nested ones, inside the article
        lambda n: _page(
            "<div>"
            + (
                "<p>正文一段，有逗号，也有句号，说明事情的经过。</p>"
                '<p style="display:none">隐藏<span hidden>的注释</span></p>'
            )
            * n
            + '<div hidden><div style="display: none">' * n
            + "文字"
            + "</div></div>" * n
            + "</div>"
        ),
        300,
    ),
    "finder-many-paragraphs": (
        lambda n: _page(
            '<div class="nav"><a href=/>首页</a></div>'
            + "<div><p>第一段正文，有逗号，也有句号。</p><div><a href=y>相关</a></div></div>" * n
        ),
        300,
    ),
    "finder-furniture-inside": (
        lambda n: _page(
            "<div>"
            + "<p>正文一段，有逗号。</p><div class='comment'><p>评论，好文章。</p></div>" * n
            + "</div>"
        ),
        300,
    ),
    "finder-datelines": (
        lambda n: _page(
            "<div>"
            + "<p>2005-04-27 14:32 来源</p>" * n
            + "<p>第一段正文，有逗号，也有句号。</p></div>"
        ),
        1000,
    ),
    "finder-list-items": (
        lambda n: _page("<ul>" + "<li><div><p>条目正文，有逗号。</p></div></li>" * n + "</ul>"),
        1000,
    ),
    "finder-nested-link-lists": (
        lambda n: _page(
            "<div><p>正文一段，有逗号，也有句号。</p>"
            + "<div><a href=x>相关一</a><div><a href=y>相关二</a>" * n
            + "</div></div>" * n
            + "</div>"
        ),
        300,
    ),
    "finder-page-is-its-article": (  # all the text inside the article: nothing is cut
        lambda n: _page(
            "<div><section>" * n
            + "<p>第一段正文，有逗号，也有句号。</p>" * n
            + "</section></div>" * n
        ),
        300,
    ),
}
FINDER = frozenset(name for name in GENERATORS if name.startswith("finder-"))
"""Generators cleaned with ``root = "auto"`` (the main-content finder of pages)."""


def _work(data: bytes, rules: tuple[Rule, ...] | None = None) -> None:
    try:
        cleaned = clean_document(data, rules=rules)
    except CleanHtmlError:
        return
    for to in FORMATS:
        render(cleaned, to)


def _calls(data: bytes, rules: tuple[Rule, ...] | None) -> int:
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        _work(data, rules)
    finally:
        sys.setprofile(None)
    return count


def _seconds(data: bytes, repeats: int, rules: tuple[Rule, ...] | None) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        _work(data, rules)
        best = min(best, time.process_time() - start)
    return best


def _measure(name: str, repeats: int, conn: Connection) -> None:
    make, n = GENERATORS[name]
    # the forked child inherits the whole test session's heap: freeze it, so that the
    # garbage collector's passes cost what this input allocates, not what pytest holds
    gc.collect()
    gc.freeze()
    # calls are counted on smaller inputs: the profile hook slows Python code down a lot
    tiny, small, large = (make(size).encode("utf-8") for size in (n // GROWTH, n, GROWTH * n))
    rules = profile_rules(root="auto") if name in FINDER else None
    _work(tiny, rules)  # warm caches (compiled rules, lazy imports)
    result = (
        _calls(tiny, rules),
        _calls(small, rules),
        _seconds(small, repeats, rules),
        _seconds(large, repeats, rules),
    )
    conn.send(result)
    conn.close()


def measure(name: str, repeats: int = 1) -> tuple[int, int, float, float]:
    """(calls at n/4, calls at n, seconds at n, seconds at 4n) for generator ``name``;
    the times are the best of ``repeats`` runs."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_measure, args=(name, repeats, send), daemon=True)
    child.start()
    send.close()
    if not receive.poll(TIME_LIMIT):
        child.kill()
        child.join()
        pytest.fail(f"{name}: no result within {TIME_LIMIT:.0f} s (super-linear work?)")
    result: tuple[int, int, float, float] = receive.recv()
    child.join()
    return result


@pytest.mark.parametrize("name", GENERATORS)
def test_work_grows_linearly(name: str) -> None:
    calls_n, calls_4n, time_n, time_4n = measure(name)
    call_ratio = calls_4n / max(calls_n, 1)
    assert call_ratio <= MAX_CALL_RATIO, f"{name}: {calls_n} -> {calls_4n} calls for 4x the input"
    time_ratio = time_4n / max(time_n, 1e-3)
    if time_ratio > MAX_TIME_RATIO:  # a busy machine? measure again, best of a few
        _, _, time_n, time_4n = measure(name, REPEATS)
        time_ratio = time_4n / max(time_n, 1e-3)
    assert time_ratio <= MAX_TIME_RATIO, f"{name}: {time_n:.3f} s -> {time_4n:.3f} s"
