"""remove-nav-links: only a link's whole text counts as navigation."""

from __future__ import annotations

import pytest

import cleanhtml
from cleanhtml.rules.sites.meta import _is_cms_user


@pytest.mark.parametrize(
    ("html", "want"),
    [
        ('<p>正文</p><p><a href="40.shtml">[上一篇]</a>&nbsp;<a href="42.shtml">[下一篇]</a></p>',
         "<p>正文</p>"),
        ('<p>正文</p><p><a href="1">上一页</a> | <a href="3">下一页</a></p>', "<p>正文</p>"),
        ('<p>正文<a href="https://www.qq.com/">返回腾讯网首页&gt;&gt;</a></p>', "<p>正文</p>"),
        # article text that names the links stays
        ('<p>请看<a href="x">上一篇</a>文章</p>', '<p>请看<a href="x">上一篇</a>文章</p>'),
        ('<p><a href="x">上一篇</a>讲了什么</p>', '<p><a href="x">上一篇</a>讲了什么</p>'),
        ('<p><a href="x">返回首页的路很长很长很长很长很长</a></p>',
         '<p><a href="x">返回首页的路很长很长很长很长很长</a></p>'),
        ("<p>上一篇 下一篇</p>", "<p>上一篇 下一篇</p>"),  # no links
        ('<p><a href="1">上一篇</a> <a href="2">相关报道</a></p>',
         '<p><a href="1">上一篇</a> <a href="2">相关报道</a></p>'),
    ],
)  # fmt: skip
def test_nav_links(html: str, want: str) -> None:
    assert cleanhtml.clean(html, select=["remove-nav-links"]) == want


@pytest.mark.parametrize(
    ("author", "cms"),
    [("40237861", True), ("L_104485", True), ("ab_12", True), ("张三", False),
     ("张三_12", False), ("", False), ("L_", False), ("Reuters", False)],
)  # fmt: skip
def test_cms_user(author: str, cms: bool) -> None:
    assert _is_cms_user(author) is cms


@pytest.mark.parametrize(
    "page",
    [
        # the credit closes the article inside the box: the box is only links once it goes
        '<p>正文。</p><blockquote><p><a href="/1">某新闻一</a></p><p><a href="/2">某新闻二</a></p>'
        "<p>责任编辑：亚亚</p></blockquote>",
        # the box closes the article after the credit: the credit closes it once the box goes
        '<p>正文。</p><p>责任编辑：亚亚</p><blockquote><p><a href="/1">某新闻一</a></p>'
        '<p><a href="/2">某新闻二</a></p></blockquote>',
    ],
    ids=["credit-inside-box", "box-after-credit"],
)
def test_a_closing_credit_and_a_link_box_go_together_in_one_run(page: str) -> None:
    """remove-editor-footer runs before remove-link-boxes and looks past a closing box
    of links, so neither leaves the other for a second run (was: the box stayed in the
    first run and went in the second: not idempotent)."""
    from cleanhtml.api import clean_document, render

    once = render(clean_document(page), "html")
    assert once == "<p>正文。</p>"
    assert render(clean_document(once), "html") == once
