"""A rule's needles only skip work: where none occurs in the input, the rule edits nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanhtml import document
from cleanhtml.encoding import decode
from cleanhtml.rule import Context
from cleanhtml.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
INPUTS = sorted(ROOT.glob("fixtures/*/input.*")) + sorted(
    (ROOT.parent / "shared" / "corpus" / "sina").glob("*.md")
)
EXTRA = [
    b"<p>x</p>",
    b"<p style='a'>x<!--c--></p><style>p{}</style>",
    b'<p>x<span id="stock_sh600000">y</span></p>',
    b"<p>x<br>y",  # no end tag, no comment: remove-comments has nothing to do
]


@pytest.mark.parametrize("rule", [r for r in RULES if r.needles], ids=lambda r: r.name)
def test_rule_without_needle_makes_no_edit(rule) -> None:  # type: ignore[no-untyped-def]
    checked = 0
    for data in [p.read_bytes() for p in INPUTS] + EXTRA:
        # the pipeline looks for needles in the input as UTF-8 (a GB2312 page decoded)
        text = decode(data).text.lower().encode()
        if any(n.encode() in data.lower() or n.encode() in text for n in rule.needles):
            continue
        doc = document.load(data)
        assert rule.apply(doc.root, Context()) == 0
        checked += 1
    assert checked, "no input lacks the needles: add one to EXTRA"


@pytest.mark.parametrize("rule", [r for r in RULES if r.needles], ids=lambda r: r.name)
def test_needles_are_lower_case(rule) -> None:  # type: ignore[no-untyped-def]
    assert all(n == n.lower() for n in rule.needles)


def test_cjk_gate_is_a_policy_for_the_sina_family() -> None:
    """Sina boilerplate rules run only where there is Chinese text; English pages skip them.

    This is a choice, not a proof: an all-ASCII page with a stock span keeps it.
    """
    from cleanhtml.api import clean_document, render

    gated = {r.name for r in RULES if r.needs_cjk}
    assert {"unwrap-stock-links", "remove-editor-footer", "remove-cms-attributes"} <= gated
    assert not any(r.needs_cjk for r in RULES if r.group in ("safety", "whitespace"))
    ascii_page = '<p>x<span id="stock_sh600000">y</span><p cms-style="font-L">z</p>'
    assert clean_document(ascii_page).edits == {}
    chinese = '<p>采取<span id="stock_sh600000">线上</span>方式</p><p cms-style="font-L">字</p>'
    assert render(clean_document(chinese), "html") == "<p>采取线上方式</p><p>字</p>"


GATED = [r for r in RULES if r.tags or r.attributes]


@pytest.mark.parametrize("rule", GATED, ids=lambda r: r.name)
def test_rule_without_its_tags_or_attributes_makes_no_edit(rule) -> None:  # type: ignore[no-untyped-def]
    """The census gate only skips work: a rule whose tags/attributes are absent edits nothing."""
    checked = 0
    for data in [p.read_bytes() for p in INPUTS] + EXTRA:
        census = document.load(data).census
        if rule.tags and not census.tags.isdisjoint(rule.tags):
            continue
        if rule.attributes and not census.attributes.isdisjoint(rule.attributes):
            continue
        doc = document.load(data)
        assert rule.apply(doc.root, Context()) == 0
        checked += 1
    assert checked, "every input holds the tags: add one without them to EXTRA"


def test_the_front_matter_does_not_count_as_input_text() -> None:
    """Needles and the CJK gate read the body only (hypothesis found a second clean that
    did more: a load-time repair switched the first pass to the body alone)."""
    from cleanhtml.api import clean_document, render

    post = (
        "---\ntags:\n - 财经\n---\n<a href=/a><span onclick=f() "
        'cms-style="font-L strong-Bold">0<a href=/b></a></span></a>'
    )
    once = clean_document(post)
    assert "bold-cms-style" not in once.edits  # the body holds no Chinese text
    again = clean_document(render(once, "html"))
    assert again.edits == {}
    chinese = clean_document(
        '---\ntags:\n - 财经\n---\n<p><font cms-style="strong-Bold">字</font></p>'
    )
    assert render(chinese, "html").endswith("<p><strong>字</strong></p>")


@pytest.mark.parametrize(
    "split",
    [
        "炒股<font>就看</font>金麒麟",  # unwrap-font joins it after the promo rules ran
        "炒股<span></span>就看金麒麟",  # remove-empty-elements joins it
        "炒<b><i></i></b>股就看金麒麟",
        "炒股<!-- x -->就看金麒麟",
    ],
)
def test_a_promo_phrase_split_by_markup_goes_in_the_first_clean(split: str) -> None:
    """Promo words are looked for in the joined text, so a second clean finds nothing new."""
    from cleanhtml.api import clean_document, render

    blurb = f"<p>{split}分析师研报，权威，专业，及时，全面，助您挖掘潜力主题机会！</p>"
    once = clean_document("<p>正文第一段。</p>" + blurb)
    assert "remove-promo-boxes" in once.edits
    html = render(once, "html")
    assert html == "<p>正文第一段。</p>"
    assert clean_document(html).edits == {}


def test_an_editor_credit_split_by_markup_goes_in_the_first_clean() -> None:
    from cleanhtml.api import clean_document, render

    once = clean_document("<p>正文。</p><p>责任编<font>辑</font>：张三</p>")
    assert render(once, "html") == "<p>正文。</p>"
    assert once.ctx.meta.get("editor") == "张三"


def test_every_copyright_phrase_holds_a_key_character() -> None:
    """remove-copyright-notices serializes the text only when a key character is in
    the input: each phrase must hold one, or a notice would be missed."""
    from cleanhtml.rules.news import _COPYRIGHT_KEYS, COPYRIGHT_PHRASES

    assert all(any(key in phrase for key in _COPYRIGHT_KEYS) for phrase in COPYRIGHT_PHRASES)


def test_a_promo_heading_spaced_out_still_goes() -> None:
    """The promo rules skip their block query when no promo phrase is in the text with
    its whitespace removed (the blocks are read that way): 相关 新闻 still counts."""
    from cleanhtml.api import clean_document, render

    page = '<p>相关部门表示，正文。</p><p>相关 新闻：<a href="/x">某新闻</a></p>'
    cleaned = clean_document(page)
    assert render(cleaned, "html") == "<p>相关部门表示，正文。</p>"
    assert clean_document("<p>相关部门表示，正文。</p>").edits == {}


def test_a_large_input_is_searched_in_windows_with_the_same_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above LOWERED_COPY_MAX the input is lower-cased a window at a time (no copy as
    large as the input): a needle across a window's edge, in capitals, without letters
    or Chinese is found as in the lower-cased copy, and a capital in a needle never is."""
    from cleanhtml import pipeline
    from cleanhtml.rule import Rule

    data = (
        b"<p>" + b"x" * 90 + b"<SPAN class='SinaAds'>a</SPAN>&#x4e2d;" + b"y" * 50
        + "<p>责任编辑：张三 appendQR 50%</p>".encode()
    )  # fmt: skip
    needles = [
        "sinaads", "<span", "appendqr", "50%", "责任编辑", "中", "class='sinaads'",
        "absent", "Sinaads", "x" * 91, "<p>", "yyy<p>",
    ]  # fmt: skip
    expected = {n: n in pipeline.Needles(document.load(data)) for n in needles}
    assert expected["sinaads"] and expected["appendqr"] and not expected["Sinaads"]
    monkeypatch.setattr(pipeline, "LOWERED_COPY_MAX", 0)
    for window in (1, 7, 16, 100, 1 << 20):
        monkeypatch.setattr(pipeline, "_WINDOW", window)
        for expect in ((), needles[:4], needles):  # asked alone, or with the rules' needles
            rules = [Rule("X", "x", "news", "x", lambda root, ctx: 0, needles=tuple(expect))]
            found = pipeline.Needles(document.load(data), rules)
            assert {n: n in found for n in needles} == expected, window
            assert found._haystack is None  # no lower-cased copy was made


@pytest.mark.parametrize(
    ("text", "editor"),
    [
        ("监 制：高明勇", ""),
        ("　｜编辑 周褶褶 ｜ 排版 魏蔚", "周褶褶"),
        ("|责任编辑：李明　校对：赵六", "李明"),
        ("统计显示，编辑：张三", None),  # opens with a role's first character, not a role
        ("正文 编辑：张三", None),  # opens with no role: answered before any pattern
    ],
)
def test_a_staff_credit_is_told_by_its_first_item(text: str, editor: str | None) -> None:
    """staff_credit answers None at once when the first item (after spaces and bars)
    opens with no role's first character; its patterns compile only for the others."""
    from cleanhtml.rules.news import staff_credit

    assert staff_credit(text) == editor


@pytest.mark.parametrize(
    ("markup", "left"),
    [
        ('<p>正文</p><div class="appendQr_wrap"><div id="kaihu-qr">码</div></div>', "<p>正文</p>"),
        ('<p>正文</p><div id="a-kaihu-qr"><p class="appendQr">码</p></div>', "<p>正文</p>"),
        ('<p>正文</p><span class="x appendQr">码</span><i id="kaihu-qr-1">码</i>', "<p>正文</p>"),
    ],
)
def test_app_promos_go_outermost_first_with_or_without_the_census(markup: str, left: str) -> None:
    """remove-app-promos runs only the queries whose attribute values the census saw,
    and keeps the outermost promos (one inside another goes with it)."""
    from cleanhtml.api import clean_document, render
    from cleanhtml.rules.news import _app_promos

    cleaned = clean_document(markup)
    assert render(cleaned, "html") == left
    doc = document.load(markup.encode())
    assert _app_promos(doc.root, doc.census) == _app_promos(doc.root)
    assert cleaned.edits["remove-app-promos"] == len(_app_promos(doc.root))


def test_every_copyright_phrase_holds_a_key() -> None:
    """remove-copyright-notices looks for a phrase only in a text holding one of the keys."""
    from cleanhtml.rules.news import COPYRIGHT_KEYS, COPYRIGHT_PHRASES

    assert all(any(key in phrase for key in COPYRIGHT_KEYS) for phrase in COPYRIGHT_PHRASES)


def test_every_quote_url_holds_the_census_host() -> None:
    """unwrap-stock-links skips a document whose census saw no stock span id and no
    link to QUOTE_HOST: each quote-page URL it unwraps holds that host."""
    from cleanhtml.census import QUOTE_HOST
    from cleanhtml.rules.news import QUOTE_URL_PARTS

    assert all(QUOTE_HOST in part for part in QUOTE_URL_PARTS)


@pytest.mark.parametrize(
    ("block", "elsewhere"),
    [
        ('<p><a href="/40.shtml">[上 一篇]</a> <a href="/42.shtml">[下 一篇]</a></p>', "比上一年"),
        ("<p>分 享到：</p>", "分享经验"),
        ("<p>【未经授权， 不得转载】</p>", "未经授权，不得转载是原则"),
    ],
    ids=["nav-links", "share-block", "copyright-notice"],
)
def test_a_block_read_without_whitespace_goes_whatever_else_the_input_holds(
    block: str, elsewhere: str
) -> None:
    """These rules read a block with its whitespace removed, so their gates must too:
    a gate that looked for 上一 or 分享 as written kept ``[上 一篇]`` in one post and
    removed it in another that happened to hold 上一年 (found by q16)."""
    from cleanhtml.api import clean_document, render

    for article in ("<p>正文第一段。</p>", f"<p>正文第一段，{elsewhere}。</p>"):
        assert render(clean_document(article + block), "html") == article


def test_an_ordinary_numeric_reference_is_read_as_html_unescape_reads_it() -> None:
    """What a numeric reference spells is told without importing html (a one-post run
    would load its table of named references for ``&#123;``): the same character as
    html.unescape, for every code point of the fast path's ranges and in every form."""
    import html

    from cleanhtml.pipeline import _ordinary_character

    answered = 0
    for number in [*range(0x10100), 0x10FFFF, 0x110000, 10**7, 10**8]:
        for reference in (
            f"&#{number};", f"&#{number}", f"&#0{number};", f"&#x{number:x};", f"&#X{number:X}",
        ):  # fmt: skip
            text = _ordinary_character(reference.encode("ascii"))
            if text is not None:
                assert text == html.unescape(reference), reference
                answered += 1
    assert answered > 300_000
    for other in (b"&amp;", b"&nbsp", b"&#;", b"&#x;", b"&#128;", b"&#xD800;", b"&#65534;"):
        assert _ordinary_character(other) is None


def _all_inputs() -> list[bytes]:
    import gzip

    pages = sorted((ROOT.parent / "shared" / "bench-corpus" / "html").glob("*.html.gz"))
    return [p.read_bytes() for p in INPUTS] + [gzip.decompress(p.read_bytes()) for p in pages]


def _cjk_needles() -> list[str]:
    from cleanhtml.rules import news

    found = {n for rule in RULES for n in rule.needles}
    found.update(news.COPYRIGHT_PHRASES, news.SHARE_PHRASES, news.PROMO_WORDS, news.NAV_LINKS)
    found.update("分享载权篇页条部录中国的了")  # single characters, as the rules ask them
    return sorted(n for n in found if not n.isascii())  # (with letters too: 'QQ空间')


def test_non_ascii_needles_in_the_decoded_input_answer_as_in_its_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A needle with non-ASCII characters is looked for in the input decoded (one
    decoding, then a fast search a needle); the answers are those of the UTF-8 bytes,
    on every fixture, corpus post and bench page, and above DECODED_MAX (bytes only)."""
    from cleanhtml import pipeline

    needles = _cjk_needles()
    for data in _all_inputs():
        doc = document.load(data)
        with monkeypatch.context() as bytes_only:
            bytes_only.setattr(pipeline, "DECODED_MAX", -1)
            old = pipeline.Needles(doc)
            expected = {n: n in old for n in needles}
            assert not old._decoded_text
        found = pipeline.Needles(doc)
        assert {n: n in found for n in needles} == expected
        if found.has_cjk():
            assert found._decoded_text  # the decoded path answered
    monkeypatch.setattr(pipeline, "DECODED_MAX", 0)
    doc = document.load("<p>分享到：微信</p><p>未经授权，不得转载</p>".encode())
    found = pipeline.Needles(doc)
    assert "分享" in found and "不得转载" in found and "享受" not in found
    assert found._decoded_text == ""  # searched as bytes


def test_the_tags_left_after_cleaning_are_those_the_census_saw_or_rules_create() -> None:
    """Rules look for elements only under the names the census saw (``iter_tags``):
    after every rule, on every fixture, corpus post and bench page, the tree holds no
    element of another name but those rules create (``CREATED_TAGS``)."""
    from cleanhtml import census as census_
    from cleanhtml.api import _default_rules
    from cleanhtml.pipeline import run
    from cleanhtml.rule import Rule

    seen: list[tuple[set[str], set[str]]] = []

    def check(root: object, ctx: Context) -> int:
        assert ctx.census is not None
        top = ctx.census  # the census the rules were given
        tags = {el.tag for el in root.getroottree().getroot().iter() if isinstance(el.tag, str)}  # type: ignore[attr-defined]
        seen.append((tags, set(top.tags) | census_.CREATED_TAGS))
        return 0

    checker = Rule("X999", "check-tags", "whitespace", "x", check)
    rules = (*_default_rules(), checker)
    for data in _all_inputs():
        doc = document.load(data)
        run(doc, rules, Context())
        tags, allowed = seen.pop()
        assert tags <= allowed, tags - allowed


def test_every_share_block_phrase_holds_the_mark() -> None:
    """remove-share-widgets skips a childless block whose text lacks the mark: every
    phrase it removes holds it (and removing whitespace or the trimmed colons and bars
    never removes it)."""
    from cleanhtml.rules.news import _SHARE_MARK, _SHARE_TRIM, SHARE_BLOCKS

    assert all(_SHARE_MARK in phrase for phrase in SHARE_BLOCKS)
    assert _SHARE_MARK not in _SHARE_TRIM and not _SHARE_MARK.isspace()


def test_references_are_those_the_patterns_find() -> None:
    """_references_in is ``set(findall(numeric))``, plus ``set(findall(named))`` when
    that is not empty, on random markup full of references (cut, nested, crowded)."""
    import random

    from cleanhtml.pipeline import (
        _NAMED_REFERENCE,
        _NUMERIC_REFERENCE,
        _SEARCHED_WHOLE,
        _references_in,
    )

    def by_patterns(source: bytes) -> set[bytes]:
        found = set(_NUMERIC_REFERENCE.findall(source))
        if found:
            found.update(_NAMED_REFERENCE.findall(source))
        return found

    pieces = [b"&", b"#", b"x", b"1", b"9", b"a", b";", b" ", b"Z", "中".encode(), b"&#123;"]
    pieces += [b"&amp;", b"&#x4e2d", b"&nbsp", b"&&#", b"&#&"]
    rng = random.Random(16)
    for _ in range(5000):
        source = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 700)))
        assert _references_in(source) == by_patterns(source), source
        # a rest longer than the engine is given at once: the "&" loop's answer
        long = source + b" " * (_SEARCHED_WHOLE + 1)
        assert _references_in(long) == by_patterns(long), source
