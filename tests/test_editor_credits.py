"""remove-editor-footer: a closing credit with no name goes; one inside the text stays."""

from __future__ import annotations

import json

import pytest

import cleanhtml
from cleanhtml.api import clean_document

# Sohu's closing credit as a page saved before its script filled the name in shows it
# (immortal-autumn/Chinese-Web-Content-Extraction-Dataset, MIT:
# original/d8d4c4ec-dc2a-420f-a9f8-5e8ee597b965.html, lines 257 and 260: the article's
# last line and the credit; the two lines between them and the wrapper left out)
SOHU = (
    "<article><p>新京报记者 彭冲 山东冠县报道</p>\n"
    '        <p data-role="editor-name">责任编辑：<span></span></p>\n</article>'
)


def test_a_closing_credit_with_no_name_goes() -> None:
    cleaned = clean_document(SOHU)
    assert cleaned.edits.get("remove-editor-footer") == 1
    assert json.loads(cleanhtml.clean(SOHU, to="json"))["editor"] is None
    assert cleanhtml.clean(SOHU, to="text") == "新京报记者 彭冲 山东冠县报道\n"


@pytest.mark.parametrize("credit", ["责任编辑：", "【责编:】", "（编辑： ）", "责任编辑 ："])
def test_empty_credits(credit: str) -> None:
    page = f"<div><p>正文第一段，文章的内容。</p><p>{credit}</p></div>"
    assert cleanhtml.clean(page, to="text") == "正文第一段，文章的内容。\n"


@pytest.mark.parametrize(
    "line",
    [
        "编辑：",  # not closing: the paragraph after it stays, and so does it
        "责任编辑部：",  # not a role
        "编辑",  # no colon
    ],
)
def test_what_is_no_empty_credit_stays(line: str) -> None:
    page = f"<div><p>正文第一段，文章的内容。</p><p>{line}</p><p>正文第二段，还有内容。</p></div>"
    assert line in cleanhtml.clean(page, to="text")
