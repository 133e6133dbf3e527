"""``-t json``: one record per input, valid against the schema, with the news metadata."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import cleanhtml
from cleanhtml.api import clean, clean_document, render
from cleanhtml.render.json import parse_front_matter, record_schema

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "sina"
POSTS = sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []
MANIFEST: dict[str, list[str]] = (
    {e["file"]: e["features"] for e in json.loads((CORPUS / "manifest.json").read_text("utf-8"))}
    if (CORPUS / "manifest.json").is_file()
    else {}
)
VALIDATOR = jsonschema.Draft202012Validator(record_schema())
KEYS = list(record_schema()["properties"])


def _record(post: Path) -> dict[str, Any]:
    line = render(clean_document(post.read_bytes(), path=post.name), "json")
    assert line.endswith("\n") and line.count("\n") == 1, "one line per record"
    record: dict[str, Any] = json.loads(line)
    return record


def test_schema_is_a_valid_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(record_schema())


# --- the corpus ----------------------------------------------------------------------


@pytest.mark.parametrize("post", POSTS, ids=[p.name for p in POSTS])
def test_corpus_record_validates(post: Path) -> None:
    record = _record(post)
    VALIDATOR.validate(record)
    assert list(record) == KEYS
    assert record["path"] == post.name
    assert record["text"] == render(clean_document(post.read_bytes()), "text")
    assert record["meta"]["raw"] and record["meta"]["error"] is None
    assert record["title"] == record["meta"]["data"]["title"].strip()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", record["meta"]["data"]["date"])


@pytest.mark.parametrize("post", POSTS, ids=[p.name for p in POSTS])
def test_corpus_stocks_are_the_unwrapped_spans(post: Path) -> None:
    source = post.read_text("utf-8")
    spans = list(dict.fromkeys(re.findall(r'<span id="stock_([a-z]+\d+)"', source)))
    record = _record(post)
    assert record["stocks"] == spans
    assert bool(spans) == any(f.startswith("stock-") for f in MANIFEST.get(post.name, []))


@pytest.mark.parametrize("post", POSTS, ids=[p.name for p in POSTS])
def test_corpus_editor_original_title_source(post: Path) -> None:
    source = post.read_text("utf-8")
    record = _record(post)
    features = MANIFEST.get(post.name, [])
    editor = re.search(r"责任编辑：([^<]+?)\s*<", source)
    assert editor, "every corpus post carries an editor credit"
    assert record["editor"] == " ".join(editor.group(1).split())  # the name and staff code
    assert "责任编辑" not in record["text"]

    title = re.search(r"<p[^>]*>[\s\u3000]*原标题：(.+?)\s*</p>", source)
    if "original-title" in features:
        assert title
    assert record["original_title"] == (title.group(1).strip() if title else None)
    if title:  # the line stays in the article
        assert "原标题：" + record["original_title"] in record["text"]

    line = re.search(r"<p>[\s\u3000]*来源：(.+?)</p>", source)
    assert record["source"] == (line.group(1) if line else None)
    if "source-line" in features and not line:
        # 030.md: its only 来源 lines are image credits ("来源/燃财经截图"), not a source
        assert "来源/" in source and record["source"] is None


def test_corpus_known_values() -> None:
    if not POSTS:
        pytest.skip("corpus not found")
    record = _record(CORPUS / "000.md")
    assert record["stocks"] == ["sz300959"]
    assert record["editor"] == "徐小曼"
    assert record["original_title"] == "截至7月底我省开展 职业培训127.29万人次"
    assert record["source"] == "燕赵都市报"
    assert record["meta"]["data"]["date"] == "2021-08-24T02:58:29+00:00"
    assert record["meta"]["data"]["categories"] == ["金融", "新浪财经", "新浪财经－国內"]
    assert _record(CORPUS / "002.md")["stocks"] == ["sh000300", "sz399300"]


# --- posts not in the corpus ---------------------------------------------------------

UNSEEN = [
    # (name, body, expected fields)
    (
        "source-bar",
        "<p>　　来源|中国证券报</p><p>正文。</p><p>（编辑：王一）</p>",
        {"source": "中国证券报", "editor": "王一", "original_title": None},
    ),
    (
        "source-gun",
        "<p>原标题：旧题目</p><p>来源丨 每日经济新闻</p><p>正文。</p><p>责编：李二 SF011</p>",
        {"source": "每日经济新闻", "editor": "李二 SF011", "original_title": "旧题目"},
    ),
    (
        "article-source",
        "<p>正文。</p><p>文章来源：新华社</p><p class='article-editor'>责任编辑：张三</p>",
        {"source": "新华社", "editor": "张三"},
    ),
    (
        "source-in-brackets-at-end",
        "<p>正文。</p><p>（来源：人民日报）</p><p>【责任编辑：赵四】</p>",
        {"source": "人民日报", "editor": "赵四"},
    ),
    (
        "source-with-parentheses",
        "<p>来源：央视财经（ID：cctvyscj）</p><p>正文。</p>",
        {"source": "央视财经（ID：cctvyscj）"},
    ),
    (
        "title-and-source-in-one-paragraph",
        "<p>原标题：一个标题<br>来源：澎湃新闻</p><p>正文。</p>",
        {"original_title": "一个标题", "source": "澎湃新闻"},
    ),
    (
        "original-title-forms",
        "<p>原标题 “看得出这个寺庙在中国吗？”当地回应</p><p>正文。</p>",
        {"original_title": "“看得出这个寺庙在中国吗？”当地回应"},
    ),
    (
        "original-title-in-parentheses-at-end",
        "<p>正文。</p><p>(原标题：俄称对美限制其观摩大选采取对等措施)</p>",
        {"original_title": "俄称对美限制其观摩大选采取对等措施"},
    ),
    (
        "source-split-across-tags",
        '<p><font cms-style="font-L">来源</font><font>：</font><b>华夏时报</b></p><p>正文。</p>',
        {"source": "华夏时报"},
    ),
    (
        "not-a-source",
        "<p>正文提到资金来源：财政拨款，用于补贴。</p><p>来源/图虫创意</p>",
        {"source": None, "original_title": None, "editor": None},
    ),
    (
        "stocks-in-order-once",
        '<p><span id="stock_sh600519"><a class="keyword" href="https://finance.sina.com.cn/'
        'realstock/company/sh600519/nc.shtml">茅台</a></span>与<a class="keyword" href="'
        'https://stock.finance.sina.com.cn/usstock/quotes/BABA.html">阿里</a>，再提'
        '<span id="stock_sh600519">茅台</span></p>',
        {"stocks": ["sh600519", "usBABA"]},  # one form for every market
    ),
]


@pytest.mark.parametrize(("body", "expected"), [c[1:] for c in UNSEEN], ids=[c[0] for c in UNSEEN])
def test_unseen_post_metadata(body: str, expected: dict[str, Any]) -> None:
    record = cleanhtml.record("---\ntitle: 标题\n---\n" + body)
    VALIDATOR.validate(record)
    for key, value in expected.items():
        assert record[key] == value, key
    assert record["title"] == "标题"


def test_ignored_rule_records_nothing() -> None:
    record = cleanhtml.record("<p>原标题：旧</p><p>x</p>", ignore="record-article-meta")
    assert record["original_title"] is None


# --- records, one by one -------------------------------------------------------------


def test_clean_to_json_is_one_utf8_line() -> None:
    line = clean("<p>中文\n内容</p>", to="json")
    assert line.endswith("\n") and "\n" not in line[:-1]
    assert "中文" in line and "\\u" not in line
    record = json.loads(line)
    assert record["text"] == "中文内容\n" and record["chars"] == 4
    assert record["path"] is None and record["title"] is None
    assert record["meta"] == {"raw": "", "data": {}, "error": None}


def test_images_links_and_html() -> None:
    record = cleanhtml.record(
        '<p>看<a href="/a">这里</a><img src="x.png" alt=" 图 一 "><img alt="no src"></p>',
        path="post.html",
    )
    assert record["images"] == [{"src": "x.png", "alt": "图 一"}]
    assert record["links"] == [{"href": "/a", "text": "这里"}]
    assert record["html"].startswith("<p>看")
    assert record["path"] == "post.html"


def test_title_from_page_or_h1() -> None:
    page = "<html><head><title> 页面 标题 </title></head><body><h1>大标题</h1></body></html>"
    assert cleanhtml.record(page)["title"] == "页面 标题"
    assert cleanhtml.record("<h1>大\n标题</h1><p>x</p>")["title"] == "大标题"


def test_edits_are_per_rule_counts() -> None:
    record = cleanhtml.record("<p>a<!-- x -->b<!-- y --></p>")
    assert record["edits"] == {"remove-comments": 2}


@pytest.mark.parametrize(
    ("front", "data", "error"),
    [
        ("---\ndate: 2021-06-01 10:00:00\n---\n", {"date": "2021-06-01T10:00:00"}, None),
        ("---\nday: 2021-06-01\n---\n", {"day": "2021-06-01"}, None),
        (
            "---\ndate: Tue, 24 Aug 2021 02:58:29 GMT\n---\n",
            {"date": "2021-08-24T02:58:29+00:00"},
            None,
        ),
        ("---\ntags: [a, b]\nn: 3\nok: true\nx: .nan\n---\n", None, None),
        ("\n---\n---\n", {}, None),
        ("---\ntitle: [unclosed\n---\n", {}, "error"),
        ("---\n- a\n- b\n---\n", {}, "front matter is a list, not a mapping"),
        ("---\n2021-01-01: new year\n1: one\n---\n", {"2021-01-01": "new year", "1": "one"}, None),
    ],
)
def test_front_matter(front: str, data: dict[str, Any] | None, error: str | None) -> None:
    meta = parse_front_matter(front)
    assert meta["raw"] == front
    if data is not None:
        assert meta["data"] == data
    else:
        assert meta["data"] == {"tags": ["a", "b"], "n": 3, "ok": True, "x": "nan"}
    if error == "error":
        assert meta["error"]
    else:
        assert meta["error"] == error
    json.dumps(meta, allow_nan=False)


def test_front_matter_alias_bomb_is_an_error_not_a_hang() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]"
              for i in range(1, 12)]  # fmt: skip
    meta = parse_front_matter("---\n" + "\n".join(lines) + "\n---\n")
    assert meta["data"] == {} and "values" in meta["error"]


def test_json_is_a_renderer() -> None:
    assert {"markdown", "json"} <= set(cleanhtml.api.RENDERERS)
