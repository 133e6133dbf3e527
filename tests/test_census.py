"""The census: one walk whose findings the rules share."""

from __future__ import annotations

from lxml import etree

from cleanhtml import document
from cleanhtml.api import clean, clean_document
from cleanhtml.census import COMMENT, attached, take


def test_census_lists_tags_attributes_and_comments() -> None:
    doc = document.load(b"<!--a--><p class='x' style='y'>t<font>f</font></p>")
    census = doc.census
    assert {"p", "font", "body", COMMENT} <= census.tags
    assert census.attributes == {"class", "style"}
    assert [(name, value) for _, name, value in census.flagged] == [("style", "y")]
    assert not census.opt_out


def test_census_flags_what_may_carry_script_and_nothing_plain() -> None:
    root = etree.fromstring(
        '<div><a href="http://x/a:b" title="a:b" onclick="f()">x</a>'
        '<a href="javascript:f()">y</a><img src="data:x" alt="a&amp;b"><img src="/p.png"></div>',
        etree.HTMLParser(),
    )
    flagged = {(el.tag, name) for el, name, _ in take(root).flagged}
    # a title with a colon is flagged too: the safety rule, not the census, decides
    assert flagged == {
        ("a", "onclick"),
        ("a", "href"),
        ("a", "title"),
        ("img", "src"),
        ("img", "alt"),
    }


def test_census_sees_comments_outside_the_root_element() -> None:
    doc = document.load(b"<!-- cleanhtml: off --><html><body><p>x</p></body></html>")
    assert COMMENT in doc.census.tags and doc.census.opt_out


def test_attached_tells_a_removed_element() -> None:
    root = etree.fromstring("<div><p><b>x</b></p></div>", etree.HTMLParser())
    bold = root.find(".//b")
    assert bold is not None and attached(bold, root)
    paragraph = bold.getparent()
    assert paragraph is not None
    paragraph.getparent().remove(paragraph)  # type: ignore[union-attr]
    assert not attached(bold, root)


def test_handlers_on_copies_made_when_splitting_nested_links_are_removed() -> None:
    """The census is taken after loading splits nested links (which copies elements)."""
    data = '<p><a href="/1"><font onclick="f()">x<a href="/2">y</a>z</font></a></p>'
    html = clean(data)
    assert "onclick" not in html and "x" in html and "y" in html and "z" in html


def test_census_is_let_go_on_reparse_and_taken_again_when_rules_run() -> None:
    from cleanhtml import pipeline
    from cleanhtml.rules import RULES

    doc = document.load(b"<p><span>x</span><font>y</font></p>")
    assert doc.census is not None and "span" in doc.census.tags
    document.reparse(doc, "<p>x<b>y</b></p>")
    assert doc.census is None  # the old tree's census goes with it
    pipeline.run(doc, RULES)
    assert doc.census is not None and "b" in doc.census.tags and "span" not in doc.census.tags


def test_census_finds_a_block_inside_a_paragraph() -> None:
    inside = [
        b"<p>a<a href=x><div>b</div></a></p>",
        b"<p>a<b><i>c</i><span><ul><li>d</li></ul></span></b></p>",
    ]
    beside = [
        b"<p>a<a href=x>b</a></p><div>c</div>",
        b"<div><p>a<b>c</b><!--x--></p><table><tr><td>d</td></tr></table></div>",
    ]
    assert all(document.load(data).census.block_in_paragraph for data in inside)
    assert not any(document.load(data).census.block_in_paragraph for data in beside)


def test_comment_removal_in_c_matches_the_explained_walk() -> None:
    """remove-comments strips in C unless it must keep markers or record excerpts."""
    from pathlib import Path

    from cleanhtml.rule import Context
    from cleanhtml.rules.markup import remove_comments

    root = Path(__file__).resolve().parent.parent
    inputs = [p.read_bytes() for p in sorted(root.glob("fixtures/*/input.*"))]
    inputs.append(b"<!--top--><html><body><p>a<!--x-->b</p><!--[if IE]>c<![endif]--></body></html>")
    for data in inputs:
        fast, slow = document.load(data), document.load(data)
        fast_ctx = Context()
        fast_ctx.census = fast.census
        slow_ctx = Context(explain=True)
        slow_ctx.census = slow.census
        counts = remove_comments(fast.root, fast_ctx), remove_comments(slow.root, slow_ctx)
        assert counts[0] == counts[1]
        assert document.serialize_body(fast) == document.serialize_body(slow)


def test_unsafe_style_goes_whichever_rule_removes_it() -> None:
    """S006 leaves <style> to remove-style-elements when that runs and nothing is sheltered."""
    bad = "<style>p{background:url(javascript:alert(1))}</style><p>x</p>"
    assert clean(bad) == "<p>x</p>"  # remove-style-elements took it
    assert clean(bad, ignore="remove-style-elements") == "<p>x</p>"  # the safety rule did
    explained = clean_document(bad, explain=True)
    assert "remove-style-elements" in explained.edits
    assert "remove-mutation-shapes" not in explained.edits
    alone = clean_document(bad, rules=None)
    assert "javascript" not in document.serialize_body(alone.doc)
    sheltered = "<!-- cleanhtml: off -->" + bad + "<!-- cleanhtml: on -->"
    kept = clean(sheltered)
    assert "javascript" not in kept and "<p>x</p>" in kept  # safety cannot be opted out of
    assert "<style>p{color:red}</style>" in clean(
        "<!-- cleanhtml: off --><style>p{color:red}</style><!-- cleanhtml: on -->"
    )


def test_unsafe_style_attribute_goes_whichever_rule_removes_it() -> None:
    bad = '<p style="background:url(javascript:alert(1))">x</p>'
    assert clean(bad) == "<p>x</p>"
    assert clean(bad, ignore="remove-style-attributes") == "<p>x</p>"
    assert "remove-script-attributes" not in clean_document(bad).edits
    sheltered = "<!-- cleanhtml: off -->" + bad + '<p style="color:red">y</p><!-- cleanhtml: on -->'
    kept = clean(sheltered)
    assert "javascript" not in kept and 'style="color:red"' in kept


def test_settling_keeps_nothing_of_the_old_tree() -> None:
    """Shared values and the census go before the re-parse, so the old tree can be freed."""
    stock = '<span id="stock_sh600000"><a class="keyword">线上</a></span>'
    # a list item: its end tag may be left out, so the whole output is parsed again
    post = f"<p>采取{stock}方式</p><ul><li>相关阅读</li></ul>"
    cleaned = clean_document(post)
    assert "unwrap-stock-links" in cleaned.edits  # a reshaping rule ran: settled
    assert cleaned.doc.serialized is not None  # (the settled output, kept)
    current = cleaned.doc.root.getroottree().getroot()
    for value in cleaned.ctx.shared.values():
        assert value[0].getroottree().getroot() is current
    census = cleaned.ctx.census
    assert census is None or all(attached(el, cleaned.doc.root) for el, _, _ in census.flagged)


def test_reshaped_post_is_checked_where_it_was_edited() -> None:
    """A post of plain paragraphs is not parsed again whole after a stock link is
    unwrapped: the paragraph it was in is parsed on its own."""
    stock = '<span id="stock_sh600000"><a class="keyword">线上</a></span>'
    cleaned = clean_document(f"<div><p>采取{stock}方式</p><p>相关阅读</p></div>")
    assert cleaned.edits == {"unwrap-stock-links": 2}
    assert cleaned.doc.census is not None and cleaned.doc.serialized is None  # not re-parsed
    assert document.serialize_body(cleaned.doc) == "<div><p>采取线上方式</p><p>相关阅读</p></div>"
    # a block inside an inline element: the whole output is parsed again
    cleaned = clean_document(f"<span><div><p>采取{stock}方式</p></div></span>")
    assert cleaned.doc.serialized is not None


def test_a_parent_that_would_parse_to_another_tree_is_found() -> None:
    from cleanhtml.cleaned import _parses_back

    html = "<html><body><div><a>x</a></div><p>y</p></body></html>"
    body = etree.fromstring(html, etree.HTMLParser()).find("body")
    assert body is not None
    div, paragraph = body[0], body[1]
    assert _parses_back(body, [div, paragraph])
    inner = etree.SubElement(div[0], "a")  # a link in a link: HTML cannot say that
    inner.text = "z"
    assert not _parses_back(body, [paragraph, div])
    assert not _parses_back(body, [body])  # the body itself: checked whole
    div.getparent().remove(div)
    assert _parses_back(body, [div, paragraph])  # removed since: nothing of it is written


def test_may_match_answers_one_part_selectors_from_the_walk() -> None:
    """Site markers are skipped by what the census saw: the ids, the class names, the tags."""
    census = take(
        etree.fromstring(
            '<html><body><div id="a" class="x  y\tz"><p>t</p></div></body></html>',
            etree.HTMLParser(),
        )
    )
    assert census.may_match("#a") and census.may_match(".y") and census.may_match(".z")
    assert census.may_match("p") and census.may_match("P")
    assert census.may_match("#b") is False and census.may_match(".w") is False
    assert census.may_match("table") is False
    # parts joined by combinators: each must be there
    assert census.may_match("div > p") and census.may_match("div#a.x p") is True
    assert census.may_match(".x .w") is False and census.may_match("div + table") is False
    assert census.may_match("div:first-child") is None  # a pseudo-class: the caller looks
    assert census.may_match("div[id]") is None and census.may_match("div, p") is None
    # an XPath whose first step tests an id or class value
    assert census.may_match("//div[@id = 'a']/p") and census.may_match("//div[@id = 'b']") is False
    assert census.may_match("//table[@id = 'a']") is False  # no <table>
    assert census.may_match("//div[starts-with(@class, 'x ')][.//p]") is True
    assert census.may_match("//div[starts-with(@class, 'y')]") is False
    assert census.may_match("//div[@class = 'x  y\tz']") is True
    assert census.may_match("//div[@id = 'b'] | //p") is None  # a union: not told
    assert census.may_match("//div[not(@id = 'b')]") is None
