"""remove-tag-lines: lines of tag links go, with what a closing tag line held back."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanhtml import clean
from cleanhtml.api import clean_document
from cleanhtml.rules import select_rules

DATA = Path(__file__).resolve().parent / "data" / "tag-lines"


def test_a_closing_tag_line_goes_and_the_credit_before_it_too() -> None:
    """caijing.com.cn: the credit ``(编辑：文静)`` closes the article once its tag line
    ``关键字：LPR`` is gone, so remove-editor-footer takes it (and records the editor)."""
    cleaned = clean_document((DATA / "caijing.html").read_bytes())
    assert cleaned.edits.get("remove-tag-lines") == 1
    assert cleaned.edits.get("remove-editor-footer") == 1
    text = clean((DATA / "caijing.html").read_text("utf-8"), to="text")
    assert "关键字" not in text and "LPR</a>" not in text and "文静" not in text
    assert text.startswith("北京商报讯（记者 岳品瑜 董晗萱）") and "两报价均与上月持平。" in text


@pytest.mark.parametrize(
    "block",
    [
        "<p>关键词：<a href='/t/1'>人工智能</a>今年第三次出现在政府工作报告中。</p>",
        "<p>标签：<a href='/t/1'>入门</a>、<a href='/t/2'>指南</a>，发布于 2024-05-20</p>",
        "<p>关键词：淘宝网；物流配送；电子商务</p>",  # no links: an abstract's keywords
        "<p>本次会议的关键词：<a href='/t/1'>改革</a></p>",  # not a label that opens
        "<p>关键字<a href='/t/1'>LPR</a></p>",  # no colon
    ],
)
def test_what_is_not_a_tag_line_stays(block: str) -> None:
    rules = select_rules("remove-tag-lines")
    page = f"<div><p>正文第一段，文章的内容。</p>{block}</div>"
    assert clean_document(page, rules=rules).edits == {}


@pytest.mark.parametrize(
    "block",
    [
        "<div>关键字：<a href='/t/1'>LPR</a></div>",
        "<p>关键词: <a href='/t/1'>CPI</a> | <a href='/t/2'>PPI</a></p>",
        "<div><span>标签：</span><a href='/t/1'>蓝羽会客厅</a><a href='/t/2'>北京影人</a></div>",
        "<dd class='tag'> 文章关键词：<a href='/t/1'>经济</a></dd>",
    ],
)
def test_a_tag_line_goes(block: str) -> None:
    rules = select_rules("remove-tag-lines")
    page = f"<div><p>正文第一段，文章的内容。</p>{block}</div>"
    cleaned = clean_document(page, rules=rules)
    assert cleaned.edits == {"remove-tag-lines": 1}
    assert clean(page, to="text", select="remove-tag-lines") == "正文第一段，文章的内容。\n"


def test_a_tag_line_split_by_whitespace_passes_the_text_gate() -> None:
    """The rule's gate looks for a label's last character and its colon in the tree's
    text without whitespace (shared with the other text gates): a label written with
    spaces and newlines inside still opens a tag line, after rules that edited."""
    page = (
        "<div><!-- c --><p>正文第一段，文章的内容。</p>"
        "<p>关键\n 字 \n：<a href='/t/1'>LPR</a></p><p>标签\u3000:<a href='/t/2'>CPI</a></p></div>"
    )
    cleaned = clean_document(page)
    assert cleaned.edits.get("remove-comments") == 1
    assert cleaned.edits.get("remove-tag-lines") == 2
