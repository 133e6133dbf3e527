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
