"""The portal profiles of issue 14 (Sohu, NetEase, ifeng, people.cn, Xinhua, ...): each
is picked by its URL, its first container is kept, and its byline quirks are read."""

from __future__ import annotations

import pytest

from cleanhtml import record

ARTICLE = "<p>正文第一段，说的是事情。</p><p>正文第二段。</p>"


def page(body: str, head: str = "") -> str:
    nav = "<div class='nav'><a href='/'>首页</a> <a href='/n'>新闻</a></div>"
    return f"<html><head><title>标题</title>{head}</head><body>{nav}{body}</body></html>"


CASES = [
    ("https://www.sohu.com/a/1_2", "article class='article' id='mp-editor'", "sohu"),
    ("https://www.163.com/dy/article/X.html", "div class='post_body'", "netease"),
    ("https://news.163.com/19/0927/11/X.html", "div class='post_text' id='endText'", "netease"),
    ("https://news.ifeng.com/c/8Wda", "div class='index_main_content_j-HoG'", "ifeng"),
    ("https://news.ifeng.com/a/2018/1.shtml", "div id='main_content'", "ifeng"),
    ("http://finance.people.com.cn/n1/2024/0510/c1004-1.html", "div class='rm_txt_con'", "people"),
    ("http://health.people.com.cn/n1/2024/0517/c14739-1.html", "div class='artDet'", "people"),
    ("http://www.news.cn/politics/20240509/x/c.html", "span id='detailContent'", "xinhua"),
    ("http://www.xinhuanet.com/2019-01/01/c_1.htm", "div id='p-detail'", "xinhua"),
]


@pytest.mark.parametrize(("url", "container", "profile"), CASES)
def test_the_url_picks_the_portal_and_its_container(url: str, container: str, profile: str) -> None:
    tag = container.split()[0]
    body = f"<div class='other'><p>别处</p></div><{container}>{ARTICLE}</{tag}>"
    got = record(page(body), url=url)
    assert (got["profile"], got["text"]) == (profile, "正文第一段，说的是事情。\n\n正文第二段。\n")


def test_a_numeric_author_meta_is_a_user_id_not_a_name() -> None:
    head = "<meta name='author' content='105464'>"
    byline = "<div class='author'>本报记者 王乐文</div>"
    body = f"<div class='rm_txt'>{byline}<div class='rm_txt_con'>{ARTICLE}</div></div>"
    got = record(page(body, head), url="http://finance.people.com.cn/n1/2024/0510/c1004-1.html")
    assert got["author"] == "本报记者 王乐文"


def test_the_editor_after_an_author_credit_is_read() -> None:
    body = (
        f"<div id='detail'><span id='detailContent'>{ARTICLE}</span><div id='articleEdit'>"
        "<span class='editor'>[作者: 刘满仓 　责任编辑: 杨丹宇 ]</span></div></div>"
    )
    got = record(page(body), url="http://www.he.news.cn/20240515/d59c/c.html")
    assert got["editor"] == "杨丹宇"
