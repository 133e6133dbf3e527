"""Markdown posts: only the raw HTML is cleaned; code, text, markers and tags stay."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_markdown_posts import regions

from cleanhtml.api import clean_document, render
from cleanhtml.cli import main
from cleanhtml.markdown_body import is_markdown, parser

SCALE = int(os.environ.get("CLEANHTML_HYPOTHESIS_SCALE", "1"))

POST = """\
---
title: Hello
---
This is the excerpt with `<span style="color:red">inline code</span>`.

<!-- more -->

```html
<!-- a comment in code -->
<p style="color: red">Hello</p>
```

    <script>alert(1)</script>

Some <span style="color:red">red *text*</span> and <!-- a note --> more.

<div align="center" style="margin:0">

![img](x.png)

</div>

<script>alert(2)</script>

| a | b |
|---|---|
| <b style="x">c</b> | `<i>` |

{% codeblock %}
<p style="x">code</p>
{% endcodeblock %}

<a href="{{ site.url }}" style="c">x</a> and <img src="{{ '/a.png' | relative_url }}" style="w">
"""

CLEANED = """\
---
title: Hello
---
This is the excerpt with `<span style="color:red">inline code</span>`.

<!-- more -->

```html
<!-- a comment in code -->
<p style="color: red">Hello</p>
```

    <script>alert(1)</script>

Some <span>red *text*</span> and  more.

<div align="center">

![img](x.png)

</div>

| a | b |
|---|---|
| <b>c</b> | `<i>` |

{% codeblock %}
<p style="x">code</p>
{% endcodeblock %}

<a href="{{ site.url }}">x</a> and <img src="{{ '/a.png' | relative_url }}">
"""


def clean(text: str, to: str = "html", path: str | None = None) -> str:
    return render(clean_document(text, path=path), to)


def test_only_the_raw_html_is_cleaned() -> None:
    assert clean(POST) == CLEANED


def test_cleaning_twice_changes_nothing() -> None:
    cleaned = clean_document(CLEANED)
    assert not cleaned.edited
    assert render(cleaned, "html") == CLEANED


def test_markdown_output_is_the_cleaned_post() -> None:
    assert clean(POST, "markdown") == CLEANED


def test_text_output_has_no_markup_characters() -> None:
    text = clean(POST, "text")
    assert "Some red text and more." in text
    assert "**" not in text and "](" not in text and "```" not in text
    assert "<!-- a comment in code -->" in text  # code is content
    record = json.loads(clean(POST, "json"))
    assert record["text"] == text
    assert record["html"].startswith("<p>This is the excerpt with <code>")


def test_post_without_raw_html_is_left_alone() -> None:
    post = "---\ntitle: x\n---\n# Title\n\nA `<b>` code span & an *emphasis*.\n\n    <p>code</p>\n"
    cleaned = clean_document(post.encode())
    assert not cleaned.edited and cleaned.edits == {}


def test_markdown_file_without_front_matter_by_its_name() -> None:
    readme = "# Read me\n\nShow `<!-- more -->` and <font color=red>this</font>.\n"
    assert clean(readme, path="README.md") == "# Read me\n\nShow `<!-- more -->` and this.\n"
    assert clean(readme, path="page.html") != readme  # not Markdown: the HTML rules read it all


def test_crlf_post_keeps_its_newlines() -> None:
    post = POST.replace("\n", "\r\n")
    assert clean(post) == CLEANED.replace("\n", "\r\n")


def test_news_rules_act_on_html_and_on_boilerplate_paragraphs() -> None:
    post = (
        "---\ntitle: 新闻\n---\n"
        '正文，<span id="stock_sz300959"><a class="keyword" '
        'href="http://finance.sina.com.cn/realstock/company/sz300959/nc.shtml">线上线下</a>'
        "</span>方式。\n\n"
        "**炒股就看金麒麟分析师研报，权威，专业，及时，全面，助您挖掘潜力主题机会！**\n\n"
        "第二段 `code`。\n\n"
        "责任编辑：李四\n"
    )
    cleaned = clean_document(post)
    assert (
        render(cleaned, "html")
        == "---\ntitle: 新闻\n---\n正文，线上线下方式。\n\n第二段 `code`。\n"
    )
    assert cleaned.ctx.meta["editor"] == "李四"
    assert cleaned.edits["remove-editor-footer"] == 1
    assert cleaned.edits["remove-promo-boxes"] == 1


def test_all_html_bodies_are_html() -> None:
    assert not is_markdown("<div>\n<p>　　正文</p>\n\n    <p>indented</p>\n\n　　text\n</div>\n")
    assert is_markdown("<p align=center><img src=x></p>\n\n# Title\n")
    assert is_markdown("Text first\n\n<p>x</p>\n")
    assert is_markdown("<p>x</p>\n\n{% raw %}\n<b>\n{% endraw %}\n")


def test_keep_comments_setting(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("---\nt: 1\n---\nA <!-- keep me --> b <!-- drop -->.\n", "utf-8")
    (tmp_path / ".cleanhtml.toml").write_text('keep-comments = ["keep me"]\n', "utf-8")
    result = CliRunner().invoke(main, [str(post)])
    assert result.stdout == "---\nt: 1\n---\nA <!-- keep me --> b .\n"


def test_markers_kept_in_html_posts_not_in_pages() -> None:
    post = "---\nt: 1\n---\n<p>a</p>\n<!--more-->\n<p>b<!-- x --></p>\n"
    assert clean(post) == "---\nt: 1\n---\n<p>a</p>\n<!--more-->\n<p>b</p>\n"
    assert clean("<p>a</p><!--more--><p>b</p>") == "<p>a</p><p>b</p>"


def test_force_exclude_applies_to_named_files(tmp_path: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    post = drafts / "a.md"
    post.write_text("---\nt: 1\n---\n<p style='x'>a</p>\n", "utf-8")
    runner = CliRunner()
    named = runner.invoke(main, ["--check", "--exclude", "drafts", str(post)])
    assert named.exit_code == 1  # named files are cleaned whatever --exclude says
    forced = runner.invoke(main, ["--check", "--force-exclude", "--exclude", "drafts", str(post)])
    assert forced.exit_code == 0 and "no input files" in forced.stderr


def test_tags_inside_raw_are_text() -> None:
    """``{% highlight %}`` shown inside ``{% raw %}`` opens nothing: later HTML is cleaned,
    and so is the HTML inside ``{% raw %}`` (it reaches the page as HTML)."""
    post = (
        "---\nt: 1\n---\nUse `{% raw %}{% highlight ruby %}{% endraw %}` here.\n\n"
        '<p style="x">a</p>\n\n{% raw %}\n<p style="y">code</p>\n{% endraw %}\n'
    )
    assert clean(post) == post.replace('<p style="x">', "<p>").replace('<p style="y">', "<p>")


def test_a_removed_block_takes_one_blank_line() -> None:
    post = "---\nt: 1\n---\nfirst\n\n<script>x()</script>\n\n    code\n\nlast\n"
    assert clean(post) == "---\nt: 1\n---\nfirst\n\n    code\n\nlast\n"
    start = "---\nt: 1\n---\n<script>x()</script>\n\n\n# Title\n"
    assert clean(start) == "---\nt: 1\n---\n\n# Title\n"


def test_html_block_never_gains_a_blank_line() -> None:
    post = '---\nt: 1\n---\n<div>\n<p class="ad">x</p><script>y()</script>\n<p>z</p>\n</div>\n'
    out = clean(post)
    assert "\n\n" not in out.split("---\n", 2)[2]
    assert clean(out) == out


def test_a_tag_named_in_prose_takes_no_text_with_it() -> None:
    """``<script>`` written in prose is raw HTML to CommonMark; it goes, the text stays."""
    post = "---\nt: 1\n---\nAdd a <script> tag to the head.\n\nNext *paragraph*.\n"
    assert clean(post) == "---\nt: 1\n---\nAdd a  tag to the head.\n\nNext *paragraph*.\n"
    styled = "---\nt: 1\n---\n# T\n\n<style>\n\nA paragraph after an open style.\n"
    assert "A paragraph after an open style." in clean(styled)


def test_every_unclosed_raw_block_is_cleaned() -> None:
    """An unclosed ``<script>`` block reads to its blank line; what follows is Markdown,
    so a second one there is an HTML block too, and goes."""
    post = "---\ntitle: t\n---\n\nHello *world*.\n\n<script >x\n\n<script >y\n\nmore\n"
    cleaned = "---\ntitle: t\n---\n\nHello *world*.\n\nmore\n"
    assert clean(post) == cleaned
    assert clean(post, path="post.md") == cleaned
    assert clean(post, "markdown") == cleaned
    assert clean(cleaned) == cleaned
    nested = "---\nt: 1\n---\n- a\n\n  <style>x\n\n  <script>y\n\n  b\n\n> <pre>z\n>\n> <script>w\n"
    out = clean(nested)
    assert "<script" not in out and "<style" not in out and "  b\n" in out, out
    assert clean(out) == out


def test_code_after_an_unclosed_raw_block_keeps_its_bytes() -> None:
    post = (
        "---\nt: 1\n---\nText.\n\n<script>x\n\n```html\n<script >y\n```\n\n"
        "    <script>z\n\n<style>\n\nw\n"
    )
    out = clean(post)
    assert out == "---\nt: 1\n---\nText.\n\n```html\n<script >y\n```\n\n    <script>z\n\nw\n"
    assert clean(out) == out


def test_a_raw_block_closed_after_a_blank_line_stays_one_block() -> None:
    """CommonMark's block holds the element's end tag: it is one element, code and all."""
    post = "---\nt: 1\n---\nText.\n\n<script>\n\nvar a = 1;\n</script>\n\nmore\n"
    assert clean(post) == "---\nt: 1\n---\nText.\n\nmore\n"
    untouched = "---\nt: 1\n---\nText.\n\n<pre>\n\n  a = 1;\n</pre>\n\n<pre>x\n\nmore\n"
    assert clean(untouched) == untouched


# --- random posts: code, text and markers survive any mix of raw HTML ---------------------

WORDS = st.sampled_from(["alpha", "beta", "正文", "a & b", "x*y*", "[link](http://e.com)", "1 < 2"])
INLINE_HTML = st.sampled_from(
    [
        '<span style="color:red">{w}</span>',
        "<font color=red>{w}</font>",
        "{w}<!-- note -->",
        "<b>{w}</b>",
        '<a href="http://e.com" onclick="x()">{w}</a>',
        "<script>x()</script>{w}",
        "<br>{w}",
        "`<i style='x'>{w}</i>`",
        "<!-- more -->",
    ]
)
BLOCKS = st.sampled_from(
    [
        '<div style="x">\n',
        "</div>\n",
        '<p class="ad" style="y">{w}</p>\n',
        "<!-- more -->\n",
        "<!--more-->\n",
        "<script>\nalert(1)\n</script>\n",
        "<pre >{w}\n\n",  # never closed (an unclosed <script> would take a later </script>)
        "<style>\n{w}\n\n",
        "```html\n<p style='c'>{w}</p>\n<!-- c -->\n```\n",
        "    <script>alert({w})</script>\n",
        "> quote <span style='q'>{w}</span>\n",
        "- item <font>{w}</font>\n- two\n",
        "# Title {w}\n",
        "{% raw %}\n<p style='r'>{w}</p>\n{% endraw %}\n",
        "| a | b |\n|---|---|\n| <b style='t'>{w}</b> | `<i>` |\n",
    ]
)


@st.composite
def posts(draw: st.DrawFn) -> str:
    parts = ["---\ntitle: t\n---\n# Post\n\n"]
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            pieces = [
                draw(INLINE_HTML).replace("{w}", draw(WORDS))
                for _ in range(draw(st.integers(1, 3)))
            ]
            parts.append(draw(WORDS) + " " + " ".join(pieces) + " end.\n")
        else:
            parts.append(draw(BLOCKS).replace("{w}", draw(WORDS)))
        parts.append(draw(st.sampled_from(["\n", "", "\n\n"])))
    return "".join(parts)


@settings(max_examples=80 * SCALE, deadline=None)
@given(posts())
# unclosed raw blocks, one after another's blank line, and code after them
@example("---\ntitle: t\n---\n\nHello *world*.\n\n<script >x\n\n<script >y\n\nmore\n")
@example("---\ntitle: t\n---\nText.\n\n<script>x\n\n```html\n<script >y\n```\n")
# an unclosed <pre> block took the HTML blocks after it when cleaned: not idempotent
@example('---\ntitle: t\n---\n# Post\n\n<pre >alpha\n\n\n<div style="x">\n\n<div style="x">\n')
# a generator marker inside HTML written as text was written as text too
@example(
    '---\ntitle: t\n---\n# Post\n\n<div style="x">\n\n</div>\nalpha <a href="http://e.com"'
    " onclick=\"x()\">alpha</a> <!-- more --> end.\n\n</div>\n```html\n<p style='c'>alpha</p>\n"
    "<!-- c -->\n```\n\n"
)
# a <script> block written as text became a paragraph that took the indented code
# line after it (the block had ended before it): code lost
@example(
    "---\ntitle: t\n---\n# Post\n\n    <script>alert(alpha)</script>\n\n"
    "<script>\nalert(1)\n</script>\n    <script>alert(alpha)</script>\n\n"
)
# a <div> that went whole left the empty <div> before it between two stretches of
# Markdown (one only a blank line): kept by the first run, removed by the second
@example(
    '---\ntitle: t\n---\n# Post\n\nalpha <span style="color:red">alpha</span> end.\n\n'
    '<div style="x">\n</div>\n\n<div style="x">\n'
)
# an HTML block written as text (unsafe, not cleanable in place) made code of its
# backticks, and left the post's other HTML for a second run (not idempotent)
@example(
    '---\ntitle: t\n---\n# Post\n\nalpha <span style="color:red">alpha</span> end.\n\n'
    "</div>\n    <script>alert(alpha)</script>\n| a | b |\n|---|---|\n"
    "| <b style='t'>alpha</b> | `<i>` |\n\n"
)
def test_random_posts_keep_code_and_markers(post: str) -> None:
    out = clean(post)
    assert regions(out)["code"] == regions(post)["code"]
    assert regions(out)["front"] == regions(post)["front"]
    assert out.count("<!-- more -->") == post.count("<!-- more -->")
    assert out.count("<!--more-->") == post.count("<!--more-->")
    assert "\ue000" not in out and "cleanhtmlliquid" not in out
    again = clean_document(out)
    assert not again.edited, (post, out)
    if not clean_document(post).doc.warnings:  # else left as it was, on purpose
        body = out.split("---\n", 2)[2]
        for token in parser().parse(body):
            raw = [token] if token.type == "html_block" else []
            raw += [c for c in token.children or () if c.type == "html_inline"]
            for html in raw:
                assert "style=" not in html.content and "onclick" not in html.content, out
                assert "<script" not in html.content and "<font" not in html.content, out


def test_display_math_is_not_html() -> None:
    post = "---\nt: 1\n---\n# Sums\n\n$$\na<b style=x>c</b>\n$$\n\n<b style=x>d</b> and $x$.\n"
    assert clean(post) == post.replace("<b style=x>d</b>", "<b>d</b>")


def test_html_editor_footer_and_styles_in_a_markdown_post() -> None:
    post = (
        "---\ntitle: 新闻\n---\n## 标题\n\n正文第一段 `code`。\n\n"
        '<p style="text-align:center"><img src="a.png"></p>\n\n'
        '<p class="article-editor">责任编辑：张三</p>\n'
    )
    cleaned = clean_document(post)
    assert render(cleaned, "html") == (
        '---\ntitle: 新闻\n---\n## 标题\n\n正文第一段 `code`。\n\n<p><img src="a.png"></p>\n'
    )
    assert cleaned.ctx.meta["editor"] == "张三"


def test_many_protected_spans_and_tags_stay_linear() -> None:
    """Thousands of code plugins and tags: one sweep, no pairwise comparison."""
    unit = "{% code %}<b style=x>{% endcode %} <i style=y>t</i>\n\n"
    post = "---\nt: 1\n---\n# T\n\n" + unit * 3000
    out = clean(post)
    assert out.count("<i>t</i>") == 3000 and out.count("<b style=x>") == 3000
    raw = "---\nt: 1\n---\n# T\n\n" + "{% raw %}<b style=x>b</b>{% endraw %}\n\n" * 3000
    assert clean(raw).count("{% raw %}<b>b</b>{% endraw %}") == 3000


def test_a_long_paragraph_of_tags_stays_linear() -> None:
    """One paragraph, a tag on each of thousands of lines: each tag found in one step."""
    post = "---\nt: 1\n---\n# T\n\n" + "w <b style=x>b</b>\n" * 4000
    out = clean(post)
    assert out.count("<b>b</b>") == 4000 and "style" not in out


def test_references_to_controls_in_markdown_stay() -> None:
    """``&#1;`` in code and ``&#1`` anywhere are text to Markdown: a post keeps them byte
    for byte (the loader's repair for HTML took them out of code samples); one in the
    post's raw HTML is a reference there, and goes."""
    post = (
        "---\ntitle: x\n---\nWrite `&#1;` or &#1 here.\n\n"
        '<div style="color:red">&#1;raw</div>\n\n```html\n<p>&#x1;</p>\n```\n'
    )
    cleaned = clean_document(post.encode(), path="post.md")
    assert render(cleaned, "html") == post.replace(' style="color:red">&#1;', ">")
    assert cleaned.doc.repairs == []
    assert "&#x1;" in render(cleaned, "text")


# --- pseudo-tags: text CommonMark keeps as text, a browser would read as a tag -----------


def _clean_post(body: str) -> tuple[str, dict[str, int]]:
    cleaned = clean_document(f"---\ntitle: t\n---\n{body}".encode(), path="post.md")
    return render(cleaned, "html").split("---\n", 2)[2], cleaned.edits


def test_pseudo_tag_with_a_handler_is_written_as_text() -> None:
    out, edits = _clean_post('Some *text*.\n\n!<s!pan onclick="alert(1)">x\n')
    assert out == 'Some *text*.\n\n!&lt;s!pan onclick="alert(1)">x\n'
    assert edits == {"remove-script-attributes": 1}
    md = parser()
    assert md.render(out) == md.render('Some *text*.\n\n!<s!pan onclick="alert(1)">x\n')
    assert _clean_post(out) == (out, {})  # idempotent


def test_harmless_pseudo_tags_leave_the_post_untouched() -> None:
    body = 'Math: 1<2, <3, a <s!pan title="t"> and <x-y!>.\n\n*done*\n'
    cleaned = clean_document(f"---\ntitle: t\n---\n{body}".encode(), path="post.md")
    assert not cleaned.edited and render(cleaned, "html").endswith(body)


def test_pseudo_tags_in_code_and_link_destinations_keep_their_bytes() -> None:
    """Escaping there would change how the post reads (code shows '&lt;' literally; a
    '<...>' destination stops being one): Markdown engines escape code, so it stays."""
    body = (
        'Code `<s!pan onclick="alert(1)">` and [a link](<a/ onclick=alert(1)>).\n\n'
        "```\n<img/src=x onerror=alert(1)>\n```\n"
    )
    assert _clean_post(body) == (body, {})


def test_pseudo_tags_stay_when_the_safety_rules_are_ignored() -> None:
    body = '!<s!pan onclick="alert(1)">x <script/x>y\n'
    post = f"---\ntitle: t\n---\n{body}"
    result = CliRunner().invoke(
        main, ["--no-config", "--ignore", "safety", "--stdin-filename", "p.md", "-"], input=post
    )
    assert result.exit_code == 0 and result.stdout == post
    out, edits = _clean_post(body)
    assert out == '!&lt;s!pan onclick="alert(1)">x &lt;script/x>y\n'
    assert edits == {"remove-script-attributes": 1, "remove-scripts": 1}


def test_a_tag_inside_an_escaped_pseudo_tag_is_looked_at() -> None:
    """Once the outer '<' is text, what was its attribute value is markup to a browser."""
    out, _ = _clean_post('x <b! onclick=1 title="<script/a>">\n')
    assert out == 'x &lt;b! onclick=1 title="&lt;script/a>">\n'


# --- ad blocks: what the rules remove from HTML goes from a post's raw HTML too ----------

AD_BLOCKS = [
    '<ins class="sinaads" data-ad-pdps="PDPS1"><b>广告</b></ins>',  # inline HTML, its own line
    '<ins class="sinaads" data-ad-pdps="P1"><b>广告</b></ins>\n<ins class="sinaads">广告</ins>',
    '<div data-ad-pdps="PDPS1">\n\n广告 **文字**\n\n</div>',  # a block wrapping Markdown
    '<div class="appendQr_wrap"><p>扫码下载客户端</p></div>',
]


def test_ad_blocks_go_from_markdown_posts_with_their_lines() -> None:
    """An ad slot or promo the HTML rules remove goes from a Markdown post, and so does
    the line it stood on: a line left blank would split a paragraph or add blank lines."""
    for block in AD_BLOCKS:
        out, edits = _clean_post(f"正文。\n\n{block}\n\n正文**正文**。\n")
        assert out == "正文。\n\n正文**正文**。\n", block
        assert edits, block
        html_page = clean_document(f"<p>正文。</p>\n{block}\n<p>正文。</p>\n".encode())
        assert "广告" not in render(html_page, "html") and "扫码" not in render(html_page, "html")


def test_an_emptied_line_inside_a_paragraph_keeps_it_one_paragraph() -> None:
    ad = '<ins class="sinaads" data-ad-pdps="P"><b>广告</b></ins>'
    out, _ = _clean_post(f"正文一\n{ad}\n正文二\n")
    assert out == "正文一\n正文二\n"
    assert parser().render(out) == "<p>正文一\n正文二</p>\n"


def test_class_named_ads_go_where_a_rule_or_profile_names_them() -> None:
    """No built-in rule removes a block by an ad-like class alone (<div class="ad-banner">
    stays in HTML documents too); a drop selector removes it from both kinds."""
    block = '<div class="ad-banner">广告 buy now</div>'
    post = f"---\ntitle: t\n---\n正文。\n\n{block}\n\n正文。\n"
    kept = clean_document(post.encode(), path="post.md")
    assert block in render(kept, "html")
    assert block in render(clean_document(f"<p>正文。</p>{block}".encode()), "html")
    result = CliRunner().invoke(
        main, ["--no-config", "--drop", ".ad-banner", "--stdin-filename", "p.md", "-"], input=post
    )
    assert result.exit_code == 0 and result.stdout == "---\ntitle: t\n---\n正文。\n\n正文。\n"


def test_the_line_pattern_is_asked_only_after_a_marker() -> None:
    """``_html_for_sure`` compiles the Markdown line pattern only for bytes that open
    with a marker (after up to three spaces): the pattern matches nothing else there.
    Every start of up to four characters from the pattern's own alphabet."""
    import itertools

    from cleanhtml.markdown_body import _byte_line, _opens_with_marker

    alphabet = b" #>-+*0.)~|[]:=_\t\nx<"
    line = _byte_line()
    for size in range(5):
        for chars in itertools.product(alphabet, repeat=size):
            raw = bytes(chars)
            assert _opens_with_marker(raw) or not line.match(raw), raw
