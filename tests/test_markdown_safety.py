"""Raw HTML in a Markdown post is kept byte for byte only where the rules saw what a
browser reads in its bytes (see :mod:`cleanhtml.markdown_body`)."""

from __future__ import annotations

import pytest
from test_safety import browser_problems

import cleanhtml
from cleanhtml.api import render

POST = "---\ntitle: t\n---\nx\n\n{}\n"
INLINE = "---\ntitle: t\n---\nx <span>y</span> {} z\n"

# markup a browser reads with a handler, which a template tag (an opener never closed,
# or one whose quotes end an attribute value) or a libxml2 repair hid from the rules
HIDDEN = (
    '<div on{{click="alert(1)">x</div>',  # found by hypothesis
    '<div on{%click="alert(1)">x</div>',
    '<div title="{{" onclick="alert(1)" x="}}">x</div>',
    "<div title='{% x' onclick='alert(1)' y='%}'>x</div>",
    '<a href="{{ "x" onmouseover="alert(1)" }}">x</a>',
    "<div {{ onclick=alert(1) }}>x</div>",
    '<p>{{ "<img src=x onerror=alert(1)>" }}</p>',
    "<body onload=alert(1)>",
    "<html onload=alert(1)>",
    "<div>x</div><body onload=alert(1)>",
)


@pytest.mark.parametrize("markup", HIDDEN)
@pytest.mark.parametrize("shape", [POST, INLINE], ids=["block", "inline"])
def test_markup_hidden_from_the_rules_is_cleaned(shape: str, markup: str) -> None:
    post = shape.format(markup)
    out = cleanhtml.clean(post)
    assert browser_problems(out) == [], out
    assert out.startswith("---\ntitle: t\n---\nx")
    assert cleanhtml.clean(out) == out


@pytest.mark.parametrize(
    "markup",
    ['<div on{{click="alert(1)">x</div>', '<div title="{{" onclick="alert(1)" x="}}">x</div>'],
)
def test_an_html_block_is_cleaned_as_the_same_html_alone(markup: str) -> None:
    plain = cleanhtml.clean(markup)
    assert cleanhtml.clean(POST.format(markup)) == POST.format(plain)


# template tags a browser reads as the plain text or value they stand in: kept as written
INERT = (
    '<a href="{{ site.url }}/x"  class=a>y</a>',
    '<img src="{{ "/x.png" | relative_url }}" alt=a>',
    "<p>{% if a %}x{% endif %}  y</p>",
    '<div class="{{ page.kind }}">{% include note.html text="a" %}</div>',
    "<p>a {{ b }} c</p>",
)


@pytest.mark.parametrize("markup", INERT)
@pytest.mark.parametrize("shape", [POST, INLINE], ids=["block", "inline"])
def test_template_tags_in_untouched_html_keep_their_bytes(shape: str, markup: str) -> None:
    post = shape.format(markup)
    assert cleanhtml.clean(post) == post


def test_a_template_tag_in_html_the_rules_change_is_kept() -> None:
    post = POST.format('<a href="{{ site.url }}/x" onclick="alert(1)">y</a>')
    assert cleanhtml.clean(post) == POST.format('<a href="{{ site.url }}/x">y</a>')


def test_a_parse_repair_is_reported() -> None:
    from cleanhtml.api import clean_document

    cleaned = clean_document(POST.format("<body onload=alert(1)>").encode())
    assert any("misplaced <body>" in note for note in cleaned.doc.repairs)


def test_a_tag_that_is_no_template_tag_leaves_the_others_as_written() -> None:
    post = POST.format('<div on{{click="alert(1)">x</div><a href="{{ site.url }}/x">y</a>')
    out = cleanhtml.clean(post)
    assert out == POST.format('<div>x</div><a href="{{ site.url }}/x">y</a>')
    assert cleanhtml.clean(out) == out


# an HTML block ends at a blank line; a tag it leaves open takes the Markdown after it
# into the tag for a browser (found by the hypothesis hunt)
CUT = (
    ("<div>x</div><img src=x onerror\n\n=alert(1)>", "<div>x</div>\n\n=alert(1)>"),
    (
        "<table><tr><td>t</td></tr></t\n\nable><img src=x onerror=alert(1)>",
        '<table><tr><td>t</td></tr>\n\nable><img src="x">',
    ),
)


@pytest.mark.parametrize(("markup", "expected"), CUT)
def test_a_tag_cut_off_at_the_end_of_an_html_block_goes(markup: str, expected: str) -> None:
    out = cleanhtml.clean(POST.format(markup))
    assert out == POST.format(expected)
    assert browser_problems(out) == []
    assert cleanhtml.clean(out) == out


def test_a_template_tag_inside_a_tag_is_no_cut() -> None:
    post = POST.format('<div class=a>x</div><a href="{{ site.url }}/x">y</a>')
    assert cleanhtml.clean(post) == post


def test_html_that_cannot_be_put_back_cleaned_is_written_as_text_where_unsafe() -> None:
    """Cleaning the block would make a code span of its backtick: the body is left as
    it was, but the piece the safety rules change is written as text, not kept as
    markup (found by the hypothesis hunt)."""
    from cleanhtml.api import clean_document

    post = '---\ntitle: t\n---\nx"\n\n<body onload=alert(1)><i`mg src=x onerror=alert(1)>\n'
    cleaned = clean_document(post.encode())
    out = render(cleaned, "html")
    assert out == post.replace("<", "&lt;")
    assert browser_problems(out) == []
    assert any("left as it was" in note for note in cleaned.doc.warnings)
    assert any("as text (unsafe)" in note for note in cleaned.doc.repairs)
    assert cleanhtml.clean(out) == out


def test_html_written_as_text_makes_no_code_and_the_rest_is_cleaned() -> None:
    """An HTML block that cannot be cleaned in place (taking its stray ``</div>`` away
    would make code of a table's backticks) has its unsafe piece written as text: its
    backticks and indentation then as references (no code span, no code block appears),
    and the post's other HTML is cleaned in the same run (found by the hypothesis hunt)."""
    from cleanhtml.api import clean_document

    post = (
        '---\ntitle: t\n---\nalpha <span style="color:red">alpha</span> end.\n\n'
        "</div>\n    <script>alert(1)</script>\n| a | b |\n|---|---|\n| <b>x</b> | `<i>` |\n"
    )
    cleaned = clean_document(post.encode())
    out = render(cleaned, "html")
    assert out == (
        "---\ntitle: t\n---\nalpha <span>alpha</span> end.\n\n"
        "&lt;/div>\n&#32;   &lt;script>alert(1)&lt;/script>\n| a | b |\n|---|---|\n"
        "| &lt;b>x&lt;/b> | &#96;&lt;i>&#96; |\n"
    )
    assert browser_problems(out) == []
    assert any("as text (unsafe)" in note for note in cleaned.doc.repairs)
    assert not any("left as it was" in note for note in cleaned.doc.warnings)
    assert cleanhtml.clean(out) == out


def test_html_written_as_text_does_not_take_the_code_after_it() -> None:
    """A ``<script>`` block written as text reads as a paragraph, which would take the
    indented code line after it (the HTML block ended before that line): a blank line
    ends it there, and the code stays code, byte for byte."""
    code = "    <i onclick=x>code</i>\n"
    post = f"---\ntitle: t\n---\n{code}\n<script>\nalert(1)\n</script>\n{code}"
    out = cleanhtml.clean(post)
    assert out == f"---\ntitle: t\n---\n{code}\n&lt;script>\nalert(1)\n&lt;/script>\n\n{code}"
    assert browser_problems(out.replace(code, "")) == []  # (the code is a sample, as written)
    assert cleanhtml.clean(out) == out


@pytest.mark.parametrize(
    ("comment", "kept"),
    [
        ("<!-- more -->", True),
        ("<!--more-->", True),
        ("<!-- markdownlint-disable MD033 -->", True),
        ("<!-- c -->", False),
        ("<!-- more <b> -->", False),  # holds markup: written as text
        ("<!--><script>alert(2)</script>-->", False),  # (a browser reads <!--> as a comment)
    ],
)
def test_a_generator_marker_in_html_written_as_text_stays_a_marker(
    comment: str, kept: bool
) -> None:
    """Raw HTML written as text (unsafe, not cleanable in place) keeps the generator
    markers among its comments (Hexo cuts the excerpt at ``<!-- more -->``); any other
    comment, or one holding markup, is written as text with the rest."""
    post = (
        '---\ntitle: t\n---\n# Post\n\n<div style="x">\n\n</div>\n'
        f'a <a href="x" onclick="y()">b</a> {comment} c\n\n'
        "</div>\n```html\n<p style='c'>d</p>\n<!-- c -->\n```\n"  # (HTML: cleaned, code)
    )
    out = cleanhtml.clean(post)
    assert (comment in out) is kept
    assert "&lt;/div>\na &lt;a href" in out
    assert browser_problems(out) == []
    assert cleanhtml.clean(out) == out


def test_a_body_is_cleaned_until_a_pass_changes_nothing() -> None:
    """The second ``<div>`` goes whole; the first, empty, stood between two stretches of
    Markdown (the heading, the blank line before the second) and was kept by one pass:
    the next pass removes it, in the same run (a second run of cleanhtml did before)."""
    from cleanhtml.api import clean_document

    post = '---\ntitle: t\n---\n# Post\n\n<div style="x">\n</div>\n\n<div style="x">\n'
    cleaned = clean_document(post.encode())
    out = render(cleaned, "html")
    assert out == "---\ntitle: t\n---\n# Post\n"
    assert cleaned.edits["remove-empty-elements"] == 2
    assert cleanhtml.clean(out) == out


# --- {% raw %} and display math: HTML a page would run, whatever the template engine --------

# Jekyll renders Liquid first and sends what {% raw %} holds to kramdown: HTML there is on
# the page; the raw tags only keep Liquid out of it
RAW = (
    '{% raw %}\n<img src=x onerror="alert(1)">\n{% endraw %}',
    '<div>{% raw %}<img src=x onerror="alert(1)">{% endraw %}</div>',
    '{% raw %}<p onclick="alert(1)">{{ shown as written }}</p>{% endraw %}',
    "{%- raw -%}\n<script>alert(1)</script>\n{%- endraw -%}",
    '{% verbatim %}\n<iframe srcdoc="<script>alert(1)</script>"></iframe>\n{% endverbatim %}',
    '{{< raw >}}\n<svg onload="alert(1)"></svg>\n{{< /raw >}}',
    '{% raw %}\n<img src=x onerror="alert(1)">',  # never closed: runs to the end
)


@pytest.mark.parametrize("markup", RAW)
def test_html_inside_raw_is_cleaned_and_its_tags_kept(markup: str) -> None:
    post = POST.format(markup)
    out = cleanhtml.clean(post)
    assert browser_problems(out) == [], out
    for tag in ("{% raw %}", "{% endraw %}", "{%- raw -%}", "{% verbatim %}", "{{< raw >}}"):
        assert out.count(tag) == post.count(tag), out
    assert cleanhtml.clean(out) == out


def test_harmless_html_inside_raw_is_cleaned_like_any_other() -> None:
    """A Vue template in ``{% raw %}``: its braces stay, its ``style`` goes as elsewhere."""
    post = POST.format('{% raw %}\n<div id="app" style="c">{{ message }}</div>\n{% endraw %}')
    assert cleanhtml.clean(post) == POST.format(
        '{% raw %}\n<div id="app">{{ message }}</div>\n{% endraw %}'
    )


def test_code_plugins_keep_their_bytes() -> None:
    """``{% highlight %}`` and friends hold code: shown, never run; kept byte for byte,
    also when a ``{% raw %}`` around them lets Liquid show them as text."""
    for markup in (
        '{% highlight html %}\n<img src=x onerror="alert(1)">\n{% endhighlight %}',
        '{% raw %}{% highlight html %}{% endraw %}\n\n<b style="x">y</b>',
        "{% comment %}\n<script>alert(1)</script>\n{% endcomment %}",
        '{{< highlight html >}}\n<p style="x">y</p>\n{{< /highlight >}}',
    ):
        post = POST.format(markup)
        out = cleanhtml.clean(post)
        if "{% raw %}" in markup:  # the highlight tag is text there: the HTML after is HTML
            assert out == post.replace('<b style="x">', "<b>")
        else:
            assert out == post


MATH = (
    ("$$\na<b onclick=alert(1)>c\n$$", "$$\na&lt;b onclick=alert(1)>c\n$$"),
    ("$$ x <img src=x onerror=alert(1)> y $$", "$$ x &lt;img src=x onerror=alert(1)> y $$"),
    ("$$\n<script>alert(1)</script>\n$$", "$$\n&lt;script>alert(1)</script>\n$$"),
    ("$$\na<b style=x>c</b> <y>z\n$$", None),  # TeX: kept as written
    ("`$$<img src=x onerror=alert(1)>$$`", None),  # a code span shows it: never escaped
    ("```\n$$\n<img src=x onerror=alert(1)>\n$$\n```", None),  # fenced code
)


@pytest.mark.parametrize(("markup", "expected"), MATH)
def test_display_math_keeps_its_bytes_but_not_a_handler(markup: str, expected: str | None) -> None:
    post = POST.format(markup)
    out = cleanhtml.clean(post)
    assert out == POST.format(markup if expected is None else expected)
    assert cleanhtml.clean(out) == out
    if expected is not None:
        assert browser_problems(out) == [], out


def test_dollar_amounts_do_not_hide_a_script() -> None:
    """Two ``$$`` in prose pair up as math: a script between them is still defused."""
    post = POST.format("It costs $$5.\n\n<script>alert(1)</script>\n\nOr $$10.")
    out = cleanhtml.clean(post)
    assert browser_problems(out) == [], out
    assert "It costs $$5." in out and "Or $$10." in out
