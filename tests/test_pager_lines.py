"""remove-pager-lines: plain-text pager lines go, sentences about pages stay (issue 14).

fixtures/remove-pager-lines holds the real lines (Yahoo 2005, youth.cn 2024)."""

from __future__ import annotations

import time

import pytest

from cleanhtml import clean
from cleanhtml.rules.news import is_pager_line

PAGERS = (
    "第1页/共1页<<上一页|下一页>>",  # cn.news.yahoo.com 2005
    "<第一页|上一页|1|下一页|最末页>",  # cn.bbs.yahoo.com 2005
    "首页|上一页1下一页|尾页",  # news.youth.cn 2024
    "上一页123下一页",
    "[上一页][下一页]",
    "上一页1",
    "第2页/共5页",
    "«前一页|后一页»",
)
NOT_PAGERS = (
    "下一页",  # one word: a link of it is remove-nav-links' case
    "请翻到下一页继续阅读。",
    "下一页：市场展望",
    "全书共3页，第1页是目录。",
    "第2页",
    "共5页",
    "首页123尾页",
    "1|2|3",
    "上一页123下一页，这是一句话。",
    "上一页第一节下一页",
    "",
)


@pytest.mark.parametrize("text", PAGERS)
def test_pager_lines(text: str) -> None:
    assert is_pager_line(text)


@pytest.mark.parametrize("text", NOT_PAGERS)
def test_not_pager_lines(text: str) -> None:
    assert not is_pager_line(text)


ARTICLE = "<p>　　正文第一段，说的是事情。</p><p>　　正文第二段。</p>"


def test_a_pager_line_in_a_post_goes_with_the_default_rules() -> None:
    pager = "<div class='page'>上一页 <a href='/1'>1</a> <a href='/2'>2</a> 下一页</div>"
    out = clean(f"{ARTICLE}{pager}\n")
    assert "上一页" not in out and "正文第二段" in out
    assert clean(out) == out


@pytest.mark.parametrize(
    "block",
    [
        "<p>请翻到下一页继续阅读。</p>",
        "<p>全书共3页，第1页是目录。</p>",
        "<div><img src='a.jpg' alt=''><br>上一页 | 下一页</div>",
        "<p>上一页 1 2 3 下一页，这是一句话。</p>",
    ],
)
def test_sentences_and_photos_stay(block: str) -> None:
    source = f"{ARTICLE}{block}\n"
    assert clean(source, to="text") == clean(source, to="text", ignore="remove-pager-lines")
    assert "页" in clean(source, to="text")


def test_a_long_block_is_read_only_up_to_its_limit() -> None:
    # a long article paragraph full of the words is no pager, and costs one bounded read
    text = "上一页 1 下一页 " * 50_000
    start = time.perf_counter()
    out = clean(f"<p>{text}</p><p>正文。</p>\n", to="text")
    assert time.perf_counter() - start < 5
    assert out.count("上一页") == 50_000
    assert not is_pager_line("上一页1下一页" * 20 + "。")
