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


_LONG = "记者从市交通运输局获悉，本市首批十二条社区微循环公交线路将于下月起陆续开通。" * 8


@pytest.mark.parametrize(
    ("url", "page"),
    [
        # biz.163.com 2004-2005: a short gray span (the date) before the long one (the text)
        (
            "http://biz.163.com/41210/1/17867KR700020QBK.html",
            "<html><body><p>网易首页 商业频道</p><table><tr><td>"
            '<span class="grayb">2004-12-10 10:21:36</span></td></tr><tr><td>'
            f'<span class="grayb">{_LONG}</span></td></tr></table><p>网易公司版权所有</p>'
            "</body></html>",
        ),
        # biz.163.com 2005: the text cell in div#text
        (
            "http://biz.163.com/05/0425/08/1I606VE600020QGP.html",
            "<html><body><p>网易首页 商业频道</p>"
            f'<div id="text"><table><tr><td class="f14">{_LONG}</td></tr></table></div>'
            "<p>网易公司版权所有</p></body></html>",
        ),
        # chinaneast.xinhuanet.com 2005: div#Content
        (
            "http://chinaneast.xinhuanet.com/jizhe/2005-08/16/content_4894059.htm",
            "<html><body><p>新华网首页 振兴东北</p>"
            f'<table><tr><td class="zw"><div id="Content">{_LONG}</div></td></tr></table>'
            "<p>新华网版权所有</p></body></html>",
        ),
        # business.sohu.com 2004-2005: td#fontzoom
        (
            "http://business.sohu.com/20040716/n221031086.shtml",
            "<html><body><p>搜狐首页 财经</p>"
            f'<table><tr><td class="cj20" id="fontzoom"><p>{_LONG}</p></td></tr></table>'
            "<p>搜狐公司版权所有</p></body></html>",
        ),
    ],
)
def test_2004_2005_portal_templates_keep_the_text_alone(url: str, page: str) -> None:
    import cleanhtml

    assert cleanhtml.clean(page, to="text", url=url).strip() == _LONG
