"""Site profiles: the page's URL (or a marker) picks the site, its container is kept,
a root that matches nothing is said, and the page metadata lands in the json record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleanhtml import clean, record
from cleanhtml.cli import main
from cleanhtml.errors import ConfigError
from cleanhtml.profiles import profile_rules
from cleanhtml.rules.sites import SITES, merged_sites
from cleanhtml.rules.sites.meta import iso_date, strip_title

REPO = Path(__file__).resolve().parent.parent
QQ_PAGE = REPO / "fixtures" / "page-qq-article" / "input.html"
QQ_URL = "http://tech.qq.com/a/20161014/006270.htm"

BODY = (
    "<body><div class='nav'><a href='/'>首页</a> <a href='/n'>新闻</a></div>"
    "<div id='Cnt-Main-Article-QQ'><p>正文第一段，说的是事情。</p></div>"
    "<div id='artibody'><p>另一个容器。</p></div>"
    "<div class='footer'>版权所有</div></body>"
)


def page(head: str = "", before: str = "") -> str:
    title = "<title>标题_科技_腾讯网</title>"
    return f"{before}<!DOCTYPE html><html><head>{title}{head}</head>{BODY}</html>"


def run(*args: str, input: bytes | str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--no-config", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("html", "url"),
    [
        (page(before="<!-- saved from url=(0027)https://news.qq.com/a/1.htm -->\n"), None),
        (page(before="<!-- https://news.qq.com/a/1.htm -->\n"), None),
        (page("<link rel='canonical' href='https://news.qq.com/a/1.htm'>"), None),
        (page("<meta property='og:url' content='https://news.qq.com/a/1.htm'>"), None),
        (page("<base href='https://news.qq.com/a/'>"), None),
        (page(), "https://news.qq.com/a/1.htm"),
    ],
    ids=["saved-from-comment", "url-comment", "canonical", "og-url", "base-href", "--url"],
)
def test_the_page_url_picks_the_site(html: str, url: str | None) -> None:
    """Each URL source picks QQ, whose container wins over the #artibody marker of Sina."""
    got = record(html, url=url)
    assert (got["profile"], got["url"] is not None) == ("qq", True)
    assert got["text"] == "正文第一段，说的是事情。\n"


def test_a_post_front_matter_link_picks_the_site_but_nothing_is_cut() -> None:
    post = "---\ntitle: t\nlink: https://news.qq.com/a/1.htm\n---\n<div><p>正文。</p><p>尾巴</p></div>\n"
    got = record(post)
    assert (got["profile"], got["url"]) == ("qq", "https://news.qq.com/a/1.htm")
    assert got["text"] == "正文。\n\n尾巴\n"


def test_without_a_url_an_unambiguous_marker_picks_the_site() -> None:
    assert record(page().replace("artibody", "y"))["profile"] == "qq"
    sina_only = page().replace("Cnt-Main-Article-QQ", "x")
    got = record(sina_only)
    assert (got["profile"], got["text"]) == ("sina", "另一个容器。\n")


def test_an_unknown_site_is_kept_whole_and_root_auto_finds_the_article() -> None:
    html = (
        "<html><head><title>t</title></head><body><ul><li><a href='/a'>首页</a></li>"
        "<li><a href='/b'>新闻</a></li></ul><div class='story'>"
        "<p>第一段正文，有逗号，也有句号。</p><p>第二段正文，同样很长，说明事情的经过。</p>"
        "</div><div class='foot'><a href='/c'>关于我们</a></div></body></html>"
    )
    whole = clean(html, to="text", url="https://example.org/a")
    assert "首页" in whole and "关于我们" in whole
    rules = profile_rules(root="auto")
    from cleanhtml.api import clean_document, render

    found = render(clean_document(html, rules=rules, url="https://example.org/a"), "text")
    assert found == "第一段正文，有逗号，也有句号。\n\n第二段正文，同样很长，说明事情的经过。\n"


def test_a_root_that_matches_nothing_is_said_once_and_counted(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(page(), "utf-8")
    (tmp_path / "b.html").write_text(page(), "utf-8")
    (tmp_path / "post.md").write_text("---\ntitle: t\n---\n<p>正文</p>\n", "utf-8")
    code, _, err = run("--root", "#nope", "-t", "text", "-j", "1", str(tmp_path))
    assert code == 0
    lines = [line for line in err.splitlines() if "matched nothing" in line]
    assert lines == [
        f"cleanhtml: {tmp_path / name}: root '#nope' matched nothing; the whole page was kept"
        for name in ("a.html", "b.html")
    ]  # the post has no page to cut: no line
    assert ", 2 with no article container found;" in err.splitlines()[-1]


MISSED = (
    "profile qq: no container matched (#Cnt-Main-Article-QQ, #ArticleContent, .content-article)"
)
LONG = "正文第一段，说的是事情的经过，记者在现场看到人们排起了长队。"
"""A line of article text (25 characters with a sentence mark): what the finder needs
to see to call a block a news site's article."""


def missing_containers() -> str:
    """The QQ page with no container of QQ's (or Sina's) and a longer first paragraph."""
    html = page().replace("Cnt-Main-Article-QQ", "x").replace("artibody", "y")
    return html.replace("正文第一段，说的是事情。", LONG)


def test_a_site_whose_containers_all_miss_is_cut_by_the_finder_and_says_so(
    tmp_path: Path,
) -> None:
    """A known site's page whose containers all miss (a new layout) is still an article
    page: the main-content finder cuts it, a line names the profile and the containers
    tried, the summary counts it and ``--explain`` names the container ``auto``."""
    html = missing_containers()
    code, out, err = run("--url", QQ_URL, "-t", "text", "-", input=html)
    assert code == 0
    assert err == f"cleanhtml: <stdin>: {MISSED}; the main-content finder was used\n"
    assert out == f"{LONG}\n"
    for name in ("a.html", "b.html"):
        (tmp_path / name).write_text(html.replace("<head>", f"<head><base href='{QQ_URL}'>"))
    code, _, err = run("-i", "--explain", "-j", "1", str(tmp_path))
    assert code == 0
    lines = err.splitlines()
    for name in ("a.html", "b.html"):
        assert f"cleanhtml: {tmp_path / name}: {MISSED}; the main-content finder was used" in lines
    assert lines.count("  page: profile qq, container auto") == 2
    assert ", 2 with no article container found;" in lines[-1]
    once = (tmp_path / "a.html").read_text("utf-8")
    assert "首页" not in once and "正文第一段" in once
    code, _, err = run("--check", "-j", "1", str(tmp_path))  # the finder's cut is final
    assert code == 0 and "2 unchanged" in err.splitlines()[-1]


def test_a_known_site_page_the_finder_finds_nothing_in_is_kept_whole_and_said() -> None:
    """No article found: nothing scores, or what scores holds no line of article text
    (25 characters with a sentence mark; a short block is no news site's article)."""
    short = page().replace("Cnt-Main-Article-QQ", "x").replace("artibody", "y")
    for html in (
        "<html><body><div><a href=/>首页</a> <a href=/n>新闻</a></div></body></html>",
        short,
    ):
        code, out, err = run("--url", QQ_URL, "-t", "text", "-", input=html)
        assert code == 0 and out.startswith("首页 新闻\n")
        assert err == (
            f"cleanhtml: <stdin>: {MISSED} and the main-content finder found none;"
            " the whole page was kept\n"
        )


def test_root_auto_on_a_known_site_whose_containers_miss_uses_the_finder_too() -> None:
    html = missing_containers()
    for args in ((), ("--root", "auto")):
        code, out, err = run(*args, "--url", QQ_URL, "-t", "text", "-", input=html)
        assert code == 0 and out == f"{LONG}\n", args
        assert err.endswith("; the main-content finder was used\n"), args
    # with its container, root = "auto" keeps the profile's container, as no root does
    code, out, _ = run("--root", "auto", "--url", QQ_URL, "-t", "text", "-", input=page())
    assert code == 0 and out == "正文第一段，说的是事情。\n"


def test_explain_names_the_profile_and_container() -> None:
    code, _, err = run("--explain", "--url", QQ_URL, "-t", "text", str(QQ_PAGE))
    assert code == 0
    assert "  page: profile qq, container #Cnt-Main-Article-QQ" in err.splitlines()


def test_url_option_for_stdin_and_bad_url() -> None:
    code, out, _ = run("--url", QQ_URL, "-t", "json", "-", input=QQ_PAGE.read_bytes())
    assert code == 0
    got = json.loads(out)
    assert (got["profile"], got["url"], got["editor"]) == ("qq", QQ_URL, "alonliu")
    code, _, err = run("--url", "not-a-url", "-", input="<p>x</p>")
    assert code == 2 and "--url" in err


def test_list_profiles_shows_builtin_and_configured_sites(tmp_path: Path) -> None:
    config = tmp_path / ".cleanhtml.toml"
    config.write_text(
        '[profiles.myblog]\nurls = ["blog.example.com"]\nroot = "main article"\n', "utf-8"
    )
    result = CliRunner().invoke(main, ["--config", str(config), "--list-profiles"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Profiles (--profile NAME):"
    sites = lines.index("Sites (the auto profile picks one per page by its URL or markers):")
    names = [line.split()[0] for line in lines[1:sites] if line]
    assert names == ["auto", "sina", "generic"]
    names = [line.split()[0] for line in lines[sites + 1 :] if line and line[0] != " "]
    assert {"qq", "gmw", "youth", "myblog"} <= set(names)
    qq = "    containers: #Cnt-Main-Article-QQ, #ArticleContent, .content-article"
    assert qq in result.stdout
    assert "    scripts: read_next_data (before the safety rules; __next_data__)" in result.stdout


def test_config_adds_a_site_and_overrides_a_builtin_one() -> None:
    user = {
        "myblog": {"urls": ["blog.example.com"], "root": "main article", "drop": [".share"]},
        "qq": {"containers": [".x"]},
    }
    sites = {site.name: site for site in merged_sites(user)}
    assert sites["myblog"].containers == ("main article",)
    assert sites["qq"].containers == (".x",) and sites["qq"].hosts == ("qq.com",)
    html = (
        "<html><body><nav>菜单</nav><main><article><p>博客正文。</p>"
        "<div class='share'>分享</div></article></main></body></html>"
    )
    from cleanhtml.api import clean_document, render

    rules = profile_rules("auto", user)
    got = clean_document(html, rules=rules, url="https://blog.example.com/post/1")
    assert render(got, "text") == "博客正文。\n"
    with pytest.raises(ConfigError, match="invalid CSS selector"):
        profile_rules("auto", {"mine": {"urls": ["a.com"], "containers": ["p["]}})


def test_a_site_profile_can_be_forced() -> None:
    html = page().replace("Cnt-Main-Article-QQ", "x")  # by marker this would be Sina
    from cleanhtml.api import clean_document, render

    got = clean_document(html.replace("正文第一段，说的是事情。", LONG), rules=profile_rules("qq"))
    assert got.ctx.meta["profile"] == "qq"
    assert got.ctx.meta["container"] == "auto"  # QQ's containers miss: the finder cuts
    assert render(got, "text") == f"{LONG}\n"


def test_every_site_names_fixtures_that_exist() -> None:
    for site in SITES:
        assert site.fixtures, site.name
        for name in site.fixtures:
            assert (REPO / "fixtures" / name / "input.html").is_file(), name


@pytest.mark.parametrize(
    ("title", "suffixes", "headline", "expected"),
    [
        ("油价上涨_新浪财经_新浪网", ("_新浪财经_新浪网",), None, "油价上涨"),
        ("游园记|公园_新浪新闻", ("|*_新浪新闻", "_新浪新闻"), None, "游园记"),
        ("a_b_c_腾讯网", ("_*_腾讯网",), None, "a_b"),
        ("标题 _探索者 _光明网", (" _* _光明网",), None, "标题"),
        ("标题_科技_腾讯网", (), "标题", "标题"),
        ("普通标题", ("_新浪网",), None, "普通标题"),
        (
            "劳伦斯：一个无法定义的“洛克菲勒”-搜狐财经",
            ("-搜狐*",),
            None,
            "劳伦斯：一个无法定义的“洛克菲勒”",
        ),
        ("对比试车—测试昌河北斗星(图)", ("-搜狐*",), None, "对比试车—测试昌河北斗星(图)"),
    ],
)
def test_title_without_portal_suffix(
    title: str, suffixes: tuple[str, ...], headline: str | None, expected: str
) -> None:
    assert strip_title(title, suffixes, headline) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016年10月14日07:17", "2016-10-14T07:17:00"),
        ("2017-03-10 08:42:00", "2017-03-10T08:42:00"),
        ("2021-08-09T09:46:57+08:00", "2021-08-09T09:46:57+08:00"),
        ("2021-08-09T01:46:57Z", "2021-08-09T01:46:57+00:00"),
        ("发布于 2020/1/5", "2020-01-05"),
        ("2020-13-40", None),
        ("没有日期", None),
    ],
)
def test_iso_dates(text: str, expected: str | None) -> None:
    assert iso_date(text) == expected


def test_the_longest_matching_host_wins() -> None:
    """mp.weixin.qq.com is WeChat although qq.com (QQ) also answers it."""
    from cleanhtml.rules.sites.base import site_for_url

    assert site_for_url("https://mp.weixin.qq.com/s/abc", SITES).name == "weixin"  # type: ignore[union-attr]
    assert site_for_url("https://news.qq.com/a/1.htm", SITES).name == "qq"  # type: ignore[union-attr]


WEIXIN_PAGE = REPO / "fixtures" / "page-weixin-article" / "input.html"


@pytest.mark.parametrize("ignore", [(), ("--ignore", "remove-style-attributes")])
def test_weixin_article_is_shown_whatever_rules_run(ignore: tuple[str, ...]) -> None:
    """The page hides #js_content until a script runs; the kept container is visible
    even when no rule removes style attributes, and its text is all there."""
    code, out, _ = run(*ignore, "-t", "html", str(WEIXIN_PAGE))
    assert code == 0
    from lxml import html as lxml_html

    body = lxml_html.fromstring(out).find("body")
    assert body is not None and [el.get("id") for el in body] == ["js_content"]
    style = (body[0].get("style") or "").replace(" ", "").lower()
    assert "visibility:hidden" not in style and "opacity:0" not in style
    code, text, _ = run(*ignore, "-t", "text", str(WEIXIN_PAGE))
    assert text.startswith("绥德县举行\n") and text.endswith("（sd退役军人之家）\n")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("visibility: hidden;", ""),
        ("visibility:hidden; opacity: 0", ""),
        ("color: red; visibility: hidden !important", "color: red"),
        ("opacity: 0.5; color: red", None),
        ("color: red", None),
    ],
)
def test_weixin_hiding_declarations(style: str, expected: str | None) -> None:
    from cleanhtml.rules.sites.weixin import visible_style

    assert visible_style(style) == expected


def test_a_youth_page_without_url_is_found_by_its_title() -> None:
    """youth.cn names its URL only in scripts; its <title> ends in _中国青年网, and the
    channel part of the suffix goes too."""
    page_html = (REPO / "fixtures" / "page-youth-article" / "input.html").read_bytes()
    got = record(page_html)
    assert (got["profile"], got["title"]) == ("youth", "海外留学生看两会：出国前后关注点大不同")
    other = "<html><head><title>中国青年网专题</title></head><body><p>x</p></body></html>"
    assert record(other)["profile"] is None


def test_a_weixin_page_without_url_is_found_by_its_container() -> None:
    """With no og:url, the #js_content marker names WeChat, and the body is shown."""
    source = WEIXIN_PAGE.read_text("utf-8")
    start = source.index('<meta property="og:url"')
    no_url = source[:start] + source[source.index(">", start) + 1 :]
    got = record(no_url)
    assert (got["url"], got["profile"]) == (None, "weixin")
    assert got["text"].startswith("绥德县举行\n")


def test_every_builtin_selector_compiles() -> None:
    """Built-in sites' selectors compile when a page first needs one (start-up compiles
    none): each must compile, as a user's table is checked when the profile is built."""
    from cleanhtml.rules.custom import compile_selector
    from cleanhtml.rules.sites import SITES

    for site in SITES:
        for expr in (*site.containers, *site.markers, *site.drop, *site.source, *site.author):
            compile_selector(expr, key=f"profiles.{site.name}")
        for expr in (*site.published, *site.editor):
            compile_selector(expr, key=f"profiles.{site.name}")


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        # a <div> in the <head> (news.cn) ends the head: the parser puts the title after
        # it in the body, where it is still the page's title
        (
            '<head><meta charset="utf-8"></head><body><div><meta name="keywords"></div>'
            "<title>河北遵化：数字农机服务助力农业生产</title><p>正文。</p></body>",
            "河北遵化：数字农机服务助力农业生产",
        ),
        # an <svg>'s <title> before it is a tooltip, not the page's title
        (
            "<head></head><body><div></div><svg><title>关闭</title></svg>"
            "<title>真正的标题</title><p>正文。</p></body>",
            "真正的标题",
        ),
    ],
)
def test_a_title_moved_into_the_body_is_the_title(page: str, expected: str) -> None:
    import cleanhtml

    url = "http://he.news.cn/20240515/d59c39d4160a4fe4b3084c3e4abfb450/c.html"
    assert json.loads(cleanhtml.clean(page, to="json", url=url))["title"] == expected


def test_the_static_table_says_what_the_site_modules_say() -> None:
    """The registry's table (INDEX) is what a post reads instead of importing the site
    modules: each entry must name its module's site, hosts, path pattern and markers,
    in the registry's order, and every site module must have its entries."""
    import importlib

    from cleanhtml.rules.sites import INDEX

    folder = REPO / "cleanhtml" / "rules" / "sites"
    helpers = {"__init__", "base", "meta", "density", "scripts"}
    modules = {p.stem for p in folder.glob("*.py")} - helpers
    assert {entry.module for entry in INDEX} == modules
    declared = []
    for name in dict.fromkeys(entry.module for entry in INDEX):  # in the table's order
        module = importlib.import_module(f"cleanhtml.rules.sites.{name}")
        for site in getattr(module, "SITES", None) or (module.SITE,):
            declared.append((name, site.name, site.hosts, site.paths, site.markers))
    table = [(e.module, e.name, e.hosts, e.paths, e.markers) for e in INDEX]
    assert sorted(table) == sorted(declared)
    assert [e.name for e in INDEX] == [s.name for s in SITES]
    for entry, site in zip(INDEX, SITES, strict=True):
        assert entry.load() is site and entry.builtin and site.builtin
        assert (entry.hosts, entry.paths, entry.markers) == (site.hosts, site.paths, site.markers)
        # a site reading its article out of a script says which needles gate it
        assert entry.script_needles == site.script_needles
        assert bool(site.scripts) == bool(site.script_needles), site.name
        assert all(needle == needle.lower() for needle in site.script_needles)


@pytest.mark.parametrize(
    ("host", "asked"), [("example.org", {}), ("news.cctv.com", {"contentdate"})]
)
def test_script_needles_are_asked_of_their_sites_pages_only(host: str, asked: set[str]) -> None:
    """A page of a site without script readers is not searched for the readers'
    needles (each search lower-cased the whole page and read its references)."""
    from cleanhtml.api import clean_document

    page = (
        f"<!-- saved from url=(0026)https://{host}/a.html --><html><head><title>t</title>"
        "</head><body><p>Hello &amp; bye</p><script>var x = 1;</script></body></html>"
    )
    needles = clean_document(page).ctx.needles
    assert needles is not None and set(needles._seen) == set(asked)
    assert (needles._haystack is None) == (not asked)


def test_script_reading_tries_the_markers_of_script_reading_sites_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """read-site-scripts picks a page's site only to know whether it reads its scripts:
    without a URL it tries the markers of the sites with script readers (CCTV's), not
    every site's (each an XPath, or a search of the whole input); keep-site-article
    then picks among all of them, and finds Sina by its marker."""
    import cleanhtml.rules.sites as sites_module
    from cleanhtml.api import clean_document

    tried: list[list[str]] = []
    by_markers = sites_module.site_by_markers

    def spy(root: object, sites: list, *args: object) -> object:
        tried.append([site.name for site in sites])
        return by_markers(root, sites, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(sites_module, "site_by_markers", spy)
    page = (
        "<html><head><title>t</title></head><body><div id='artibody'>"
        "<p>正文第一段，说的是事情。</p></div><div>导航</div><script>var x = 1;</script>"
        "</body></html>"
    )
    cleaned = clean_document(page)
    assert tried[0] == ["cctv"]
    assert len(tried) == 2 and "sina" in tried[1] and len(tried[1]) > 5
    assert cleaned.ctx.meta.get("profile") == "sina"


def test_a_run_imports_only_the_module_of_its_site() -> None:
    """Picking a site reads the table: a post imports its own site's module only (for
    the site's boilerplate list and rules), a page of no known site none."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from cleanhtml.api import clean_document\n"
        "post = '---\\nlink: https://news.qq.com/a/1.htm\\n---\\n<p>正文。</p>\\n'\n"
        "got = clean_document(post)\n"
        "clean_document('<html><body><p>x</p></body></html>', url='https://a.example/')\n"
        "sites = [m for m in sys.modules if m.startswith('cleanhtml.rules.sites.')]\n"
        "print(got.ctx.meta.get('profile'), *sorted(sites))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "qq",
        "cleanhtml.rules.sites.base",
        "cleanhtml.rules.sites.meta",
        "cleanhtml.rules.sites.qq",
    ]


def test_a_k_sina_article_page_is_read_as_sina() -> None:
    """k.sina.com.cn/article_… pages: the URL picks Sina, ``div#article`` is the container,
    the title is the ``<h1>`` the keyword-laden title starts with, the date and the
    publishing account come from ``.date-source`` (as the Java crawler in the code index
    reads them)."""
    html = (
        "<!DOCTYPE html><html><head><meta charset=utf-8>"
        "<title>标题说的是事情|关键词|风险_新浪新闻</title>"
        "<link rel='canonical' href='https://k.sina.com.cn/article_1234567890_abc0123400xyz.html'>"
        "</head><body><div class='nav'><a href='/'>首页</a> <a href='/news'>新闻</a></div>"
        "<div class='main-content'><h1 class='main-title'>标题说的是事情</h1>"
        "<div class='date-source'><span class='date'>2024年05月20日 10:18</span> "
        "<span class='author'><a href='https://k.sina.com.cn/mediaView/x'>某某财经</a></span></div>"
        "<div class='article' id='article'><p>正文第一段，说的是事情。</p><p>第二段。</p></div>"
        "</div><div class='footer'>版权所有</div></body></html>"
    )
    got = record(html)
    assert (got["profile"], got["title"], got["published"], got["source"]) == (
        "sina",
        "标题说的是事情",
        "2024-05-20T10:18:00",
        "某某财经",
    )
    assert got["text"] == "正文第一段，说的是事情。\n\n第二段。\n"
