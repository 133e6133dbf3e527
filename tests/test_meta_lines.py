"""The editor credit and the 原标题/来源 lines are read with str methods (issue 16: their
patterns cost a one-post run 5% to compile); each reader answers what its pattern did.

The patterns below are the specification: random texts built from the characters they
test (brackets, roles, colons, every kind of space, staff codes, stops, newlines) must
give the same match, and the same groups, through the pattern and through the reader.
"""

from __future__ import annotations

import itertools
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_properties import SCALE

from cleanhtml.rules.news import editor_credit, original_title, source_line

EDITOR_CREDIT = re.compile(
    r"^[\[【（(]?\s*(?:责任编辑|责编|编辑)\s*[:：/／]\s*"
    r"(?P<name>[^\s:：\]】）()，。！？；,!?;][^:：\]】）()，。！？；,!?;]{0,24}?)"
    r"(?:\s+(?P<code>[A-Z]{1,4}\d{2,6}))?\s*[\]】）)]?$"
)
ORIGINAL_TITLE = re.compile(
    r"^(?P<open>[\[【（(])?\s*原标题(?:\s*[:：]\s*|\s+)(?P<value>\S.{0,199})$"
)
SOURCE_LINE = re.compile(
    r"^(?P<open>[\[【（(])?\s*(?:文章)?来源\s*[:：|丨｜]\s*(?P<value>[^。！？；;!?]{1,60})$"
)

PIECES = [
    *"[【（(]】）)", "责任编辑", "责编", "编辑", "编", "原标题", "文章", "来源", "文章来源",
    *":：/／|丨｜", *" \t\n\u3000\xa0\x1c\u2028", *"ABZa09٣²０_", "PN269", "SF055", "ABCDE1",
    "1234567", *"，。！？；,!?;", "张三", "徐小曼", "黄", "x", "新华社", "燕赵都市报",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)
spaces = st.text(" \t\n\u3000\xa0", max_size=3)
ends = st.sampled_from(["", "", "", "\n", " \n", "\n\n", "】", "）\n"])


def _joined(*parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(*parts).map("".join)


credits = _joined(  # mostly credits, near each limit: name 25, code letters 4, digits 6
    st.sampled_from(["", "", *"[【（(x"]),
    spaces,
    st.sampled_from(["责任编辑", "责编", "编辑", "编", "主编"]),
    spaces,
    st.sampled_from([*":：/／", ":", "：", "|"]),
    spaces,
    st.one_of(st.text("张三徐小曼x_ 黄\n", max_size=27), texts),
    st.one_of(
        st.just(""), _joined(spaces, st.text("ABXZa", max_size=6), st.text("0123٣０²", max_size=8))
    ),
    spaces,
    ends,
)
lines = _joined(  # mostly 原标题 and 来源 lines, near each limit: title 200, source 60
    st.sampled_from(["", "", *"[【（(x"]),
    spaces,
    st.sampled_from(["原标题", "来源", "文章来源", "文章", "原标"]),
    spaces,
    st.sampled_from([*":：|丨｜", "", "/"]),
    spaces,
    st.one_of(st.integers(0, 202).map(lambda n: "题" * n), texts),
    st.sampled_from(["", "", "。", "!", "x\ny", "）"]),
    ends,
)
long_texts = st.builds(
    lambda head, size, tail: head + "名" * size + tail,
    st.sampled_from(["责任编辑：", "原标题：", "来源：", "（来源：", "原标题 ", "编辑/ "]),
    st.integers(0, 210),
    texts,
)


def _groups(match: re.Match[str] | None, *names: str) -> tuple[str | None, ...] | None:
    return None if match is None else match.group(*names)


@settings(max_examples=3000 * SCALE, deadline=None)
@given(st.one_of(texts, credits, lines, long_texts))
@example("责任编辑：徐小曼 ")
@example("【责编：黄忆南 PN269】")
@example("编辑/倪家宁 SF055")
@example("责任编辑： \n")
@example("编辑：张三】\n")
@example("原标题：\n")
@example("来源： ")
@example("来源：" + "名" * 60 + "\n")
def test_the_readers_answer_as_the_patterns(text: str) -> None:
    _same(text)


def _same(text: str) -> None:
    credit = editor_credit(text)
    assert (None if credit is None else tuple(credit)) == _groups(
        EDITOR_CREDIT.match(text), "name", "code"
    ), text
    for read, pattern in ((original_title, ORIGINAL_TITLE), (source_line, SOURCE_LINE)):
        found = read(text)
        assert (None if found is None else tuple(found)) == _groups(
            pattern.match(text), "open", "value"
        ), text


def test_the_readers_answer_as_the_patterns_at_every_limit() -> None:
    """Every combination of the parts, each at and past its limit (a name of 25
    characters, a code of 4 letters and 6 digits, a source of 60, a title of 200)."""
    for parts in itertools.product(
        ["", "【", "x"],
        ["责任编辑", "责编", "编辑"],
        ["：", "/", "|"],
        ["", " ", "\u3000\n"],
        ["张", "张三 李四", "名" * 24, "名" * 25, "名" * 26, "张，三"],
        [
            "", " AB12", " ABCD123456", " ABCDE12", " AB1234567", " A1", "AB12", " ab12",
            " AB٣４", " AB²3", " ÉB12", " ＡB12", "\x1cAB12", " \x85AB12",
        ],
        ["", "】", " ", "\n", "】\n", "\n\n"],
    ):  # fmt: skip
        _same("".join(parts))
    for parts in itertools.product(
        ["", "（", "x"],
        ["原标题", "来源", "文章来源", "文章"],
        ["：", "|", "", " ", " ： "],
        [
            "", " ", "题", "题" * 59, "题" * 60, "题" * 61, "题" * 199, "题" * 200, "题" * 201,
            "a。b", "x\ny",
        ],
        ["", "\n", "）", " \n", "\n\n"],
    ):  # fmt: skip
        _same("".join(parts))


@settings(max_examples=200 * SCALE)
@given(texts)
def test_a_line_read_as_meta_holds_its_mark(text: str) -> None:
    """record-article-meta reads the lines of a block only when its text holds a mark
    of META_MARKS: a line without 原标题 is no original title, without 来源 no source."""
    from cleanhtml.rules.news import META_MARKS

    if META_MARKS[0] not in text:
        assert original_title(text) is None
    if META_MARKS[1] not in text:
        assert source_line(text) is None
