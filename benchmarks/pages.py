"""Article extraction on whole pages: recall and precision of article characters.

Run from the repository root (trafilatura and gne are optional, benchmark-only; a
missing one is left out of the table):

    pip install trafilatura==2.3.1 gne==0.4.3 lxml_html_clean   # justext needs it with lxml 6
    python benchmarks/pages.py                 # the page fixtures, fixtures/page-*/
    python benchmarks/pages.py --full DIR      # also DIR/<fixture>.html: untrimmed pages
    python benchmarks/pages.py --set cwced     # another set (below); --set all: every set
    python benchmarks/pages.py --set bench --quiet   # only the means
    python benchmarks/pages.py --set all --half B    # the half held out (see half_of)
    python benchmarks/pages.py --set cwced --set magic --profiled   # leaks, per page

``--profiled`` takes only the pages a site profile claims (by URL or marker), cleans
each with no configuration, and lists per page its profile, the container used, recall,
precision, the output lines that are not in the article text (the leaks: a line whose
characters are not all in the article text's lines) and the json record's metadata
(title, published, author, source, editor, stocks), then the means.

Sets (a set whose data is not on this machine is skipped with a line saying so):

* ``fixtures``: each page fixture with an ``article.txt`` (its article text, written by
  hand from the page: paragraphs and captions of the article, no title, byline, credits
  outside the body, widgets or notices);
* ``finder``: ``tests/data/finder-pages/`` (real pages of small sites, bundled, with
  their article text; ``tests/test_finder.py`` holds the finder to a floor on them);
* ``bench``: the 181 (mostly English) pages of ``../shared/bench-corpus`` with their
  ``articleBody``;
* ``cwced``: the 69 Chinese pages of immortal-autumn/Chinese-Web-Content-Extraction-
  Dataset (MIT; ``original/<id>.html``, hand-made ``cleaned/<id>.txt``; a page saved
  as a crawler record ``<text id=URL>`` is read as the page it was), from a
  bare clone (``CLEANHTML_CWCED``, default ``/work/.mirror/immortal-autumn+Chinese-Web-
  Content-Extraction-Dataset/repo``);
* ``magic``: the article pages of opendatalab/magic-html's benchmark whose text is
  mostly CJK (Chinese; four are Japanese)
  (Apache-2.0; ``benchmark/data/article/htmls/*.html`` and ``base.json``), from a bare
  clone (``CLEANHTML_MAGIC``, default ``/work/.mirror/opendatalab+magic-html/repo``);
* ``readability``: the test pages of mozilla/readability (Apache-2.0;
  ``test/test-pages/<name>/source.html``) with the text of Readability's own
  ``expected.html`` as the article text (its title and byline are not in it), from a
  bare clone (``CLEANHTML_READABILITY``, default
  ``/work/.mirror/mozilla+readability/repo``); mostly English, three Chinese pages
  (gmw, qq, youth).

Pages are grouped as ``portal`` (a major portal: the page's host, else the host its
links name most, ends with one of :data:`PORTALS`) or ``small`` (every other site), and
the means are given per group.

The contenders:

* ``cleanhtml`` with no configuration (profile ``auto``: the site by URL or marker);
* ``root auto``: ``root = "auto"``, the real path: the site's profile when the page's
  URL or a marker names one, else the main-content finder;
* ``finder``: ``root = "auto"`` on the same page as if its site were unknown (no site
  profile registered, no URL): the main-content finder, then the default rules;
* trafilatura (``extract``, text) and gne (``GeneralNewsExtractor().extract``).

Precision is the share of output characters that are article characters, recall the
share of article characters in the output, both over non-whitespace characters
counted as a multiset (so order and layout do not matter).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"
FINDER_PAGES = REPO / "tests" / "data" / "finder-pages"
SHARED = REPO.parent / "shared"
CWCED = Path(
    os.environ.get(
        "CLEANHTML_CWCED",
        "/work/.mirror/immortal-autumn+Chinese-Web-Content-Extraction-Dataset/repo",
    )
)
MAGIC = Path(os.environ.get("CLEANHTML_MAGIC", "/work/.mirror/opendatalab+magic-html/repo"))
READABILITY = Path(
    os.environ.get("CLEANHTML_READABILITY", "/work/.mirror/mozilla+readability/repo")
)

PORTALS = (
    # the major portals of issue 14, and the sites with a built-in profile
    "sina.com.cn", "sina.cn", "163.com", "netease.com", "qq.com", "ifeng.com",
    "thepaper.cn", "sohu.com", "people.com.cn", "people.cn", "xinhuanet.com", "news.cn",
    "cctv.com", "cntv.cn", "eastmoney.com", "caixin.com", "yicai.com", "stcn.com",
    "cls.cn", "21jingji.com", "jiemian.com", "guancha.cn", "huanqiu.com", "baidu.com",
    "toutiao.com", "gmw.cn", "youth.cn",
    # other portals of the sets: Yahoo China, China National Radio, China Daily
    "yahoo.com", "cnr.cn", "chinadaily.com.cn", "china.com.cn",
    # Sina's corporate site, and the portals' own image and script hosts: a saved page
    # with no URL is grouped by the host its links name most, often one of these
    "sina.net", "sinaimg.cn", "ifengimg.com", "gtimg.com", "qpic.cn", "126.net",
)  # fmt: skip
"""Host suffixes of major portals (the ``portal`` group)."""

Extractor = Callable[[str, str | None], str]


class Page(NamedTuple):
    """One page of a set: its name, HTML text, URL (if known), article text, group."""

    name: str
    html: str
    url: str | None
    gold: str
    group: str


def chars(text: str) -> Counter[str]:
    """The non-whitespace characters of ``text`` as a multiset."""
    return Counter(c for c in text if not c.isspace())


def score(output: str, gold: str) -> tuple[float, float]:
    """(recall, precision) of ``output`` against ``gold``."""
    got, want = chars(output), chars(gold)
    common = sum((got & want).values())
    recall = common / max(1, sum(want.values()))
    precision = common / max(1, sum(got.values())) if got else 0.0
    return recall, precision


_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]{2,40})")


def decode(data: bytes) -> str:
    """The page's text: its declared charset (GB2312 read as GB18030), else UTF-8."""
    found = _CHARSET.search(data[:4096])
    name = found.group(1).decode("ascii").lower() if found else "utf-8"
    if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
        name = "gb18030"
    try:
        return data.decode(name)
    except (LookupError, UnicodeDecodeError):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("gb18030", errors="replace")


def group_of(url: str | None, html: str) -> str:
    """``portal`` when the page's host (else the host its links name most) is a portal."""
    host = urlparse(url).hostname if url else None
    if not host:
        hosts = Counter(re.findall(r"https?://([A-Za-z0-9.-]+)", html))
        for name, _ in hosts.most_common():
            if name not in ("www.w3.org", "www.beian.gov.cn", "beian.miit.gov.cn"):
                host = name
                break
    host = (host or "").lower()
    return "portal" if any(host == p or host.endswith("." + p) for p in PORTALS) else "small"


def cleanhtml_auto(html: str, url: str | None) -> str:
    import cleanhtml

    return cleanhtml.clean(html, to="text", url=url)


def cleanhtml_root_auto(html: str, url: str | None) -> str:
    import cleanhtml

    return cleanhtml.clean(html, to="text", url=url, root="auto")


_FINDER_RULES: list[object] = []


def cleanhtml_finder(html: str, url: str | None) -> str:
    """``root = "auto"`` with no site registered and no URL: the page of an unknown site."""
    from cleanhtml import api, profiles
    from cleanhtml.rules import sites

    if not _FINDER_RULES:
        registered, index = sites.SITES, sites.INDEX
        # no site profile: no URL, no marker picks one (the rules choose the site from
        # the static INDEX, SITES lists the imported profiles)
        sites.SITES, sites.INDEX = (), ()
        try:
            _FINDER_RULES.append(profiles.profile_rules(root="auto"))
        finally:
            sites.SITES, sites.INDEX = registered, index
    rules = _FINDER_RULES[0]
    return api.render(api.clean_document(html, rules=rules), "text")  # type: ignore[arg-type]


def trafilatura_text(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def gne_text(html: str, url: str | None) -> str:
    from gne import GeneralNewsExtractor

    return str(GeneralNewsExtractor().extract(html).get("content") or "")


def extractors(names: list[str] | None = None) -> dict[str, Extractor]:
    """The contenders that can be imported here (only ``names``, when given)."""
    found: dict[str, Extractor] = {
        "cleanhtml": cleanhtml_auto,
        "root auto": cleanhtml_root_auto,
        "finder": cleanhtml_finder,
    }
    for name, module, func in (("trafilatura", "trafilatura", trafilatura_text),
                               ("gne", "gne", gne_text)):  # fmt: skip
        try:
            __import__(module)
            found[name] = func
        except ImportError:
            pass
    if names:
        found = {name: found[name] for name in names if name in found}
    return found


def _git(repo: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=True).stdout


def fixture_pages(full: Path | None) -> Iterator[Page]:
    """Each page fixture with an ``article.txt``, and its untrimmed page in ``full``."""
    for case in sorted(FIXTURES.glob("page-*")):
        gold_file = case / "article.txt"
        if not gold_file.exists():
            continue
        toml = case / "case.toml"
        url = tomllib.loads(toml.read_text("utf-8")).get("url") if toml.exists() else None
        gold = gold_file.read_text("utf-8")
        html = _text_of((case / "input.html").read_bytes())
        yield Page(case.name, html, url, gold, group_of(url, html))
        if full is not None and (full / f"{case.name}.html").exists():
            page = _text_of((full / f"{case.name}.html").read_bytes())
            yield Page(f"{case.name} (full page)", page, url, gold, group_of(url, html))


def _text_of(data: bytes) -> str:
    """A page's text, decoded as cleanhtml decodes it (a GB2312 page is not UTF-8)."""
    from cleanhtml.encoding import decode

    return decode(data).text


def finder_pages() -> Iterator[Page]:
    """The bundled pages of ``tests/data/finder-pages`` (``<name>.html`` + ``<name>.txt``)."""
    meta = json.loads((FINDER_PAGES / "pages.json").read_text("utf-8"))
    for name, info in sorted(meta.items()):
        html, _ = unwrap_record(decode((FINDER_PAGES / f"{name}.html").read_bytes()))
        gold = (FINDER_PAGES / f"{name}.txt").read_text("utf-8")
        yield Page(name, html, info.get("url"), gold, info.get("group", "small"))


def bench_pages() -> Iterator[Page]:
    """The shared bench corpus: 181 pages with their ``articleBody``."""
    folder = SHARED / "bench-corpus"
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    for page in sorted((folder / "html").glob("*.html.gz")):
        key = page.name.removesuffix(".html.gz")
        html = gzip.decompress(page.read_bytes()).decode("utf-8")
        url = truth[key].get("url")
        yield Page(key[:16], html, url, truth[key]["articleBody"], group_of(url, html))


_RECORD = re.compile(r'\s*<text id="([^"]*)" title="([^"]*)"[^>]*>')


def unwrap_record(html: str) -> tuple[str, str | None]:
    """A crawler record ``<text id=URL title=TITLE>BODY</text>`` (49 of the 69 pages of
    the Chinese dataset are such records, not pages) as the page it was taken from:
    ``<html><head><title>TITLE</title></head><body>BODY</body></html>``, and its URL."""
    found = _RECORD.match(html)
    if found is None:
        return html, None
    inner = html[found.end() :].rstrip()
    inner = inner.removesuffix("</text>")
    head = f"<html><head><title>{found.group(2)}</title></head><body>"
    return f"{head}{inner}</body></html>", found.group(1) or None


def cwced_pages() -> Iterator[Page]:
    """The Chinese Web Content Extraction Dataset's pages and hand-made article texts."""
    names = _git(CWCED, "ls-tree", "--name-only", "HEAD", "original/").decode().split()
    for path in sorted(names):
        key = Path(path).stem
        html, url = unwrap_record(decode(_git(CWCED, "show", f"HEAD:{path}")))
        gold = decode(_git(CWCED, "show", f"HEAD:cleaned/{key}.txt"))
        yield Page(key[:13], html, url, gold, group_of(url, html))


def magic_pages() -> Iterator[Page]:
    """magic-html's benchmark article pages whose article text is Chinese."""
    base = json.loads(_git(MAGIC, "show", "HEAD:benchmark/data/article/base.json"))
    for key, info in sorted(base.items()):
        gold = info["content"]
        cjk = sum(1 for c in gold if "\u4e00" <= c <= "\u9fff")
        if not gold.strip() or cjk < len(gold) / 5:
            continue
        path = f"HEAD:benchmark/data/article/htmls/{key}.html"
        html = decode(_git(MAGIC, "show", path))
        url = info.get("url")
        yield Page(f"{urlparse(url).hostname} {key[:6]}", html, url, gold, group_of(url, html))


def readability_pages() -> Iterator[Page]:
    """mozilla/readability's test pages, with the text of its expected output."""
    import lxml.html

    names = _git(READABILITY, "ls-tree", "--name-only", "HEAD", "test/test-pages/")
    for folder in sorted(names.decode().split()):
        try:
            html = decode(_git(READABILITY, "show", f"HEAD:{folder}/source.html"))
            expected = decode(_git(READABILITY, "show", f"HEAD:{folder}/expected.html"))
        except subprocess.CalledProcessError:
            continue
        tree = lxml.html.fromstring(expected)
        gold = "\n".join(" ".join(text.split()) for text in tree.itertext() if text.strip())
        yield Page(Path(folder).name, html, None, gold, group_of(None, html))


SETS: dict[str, tuple[Callable[[Path | None], Iterator[Page]], Path]] = {
    "fixtures": (fixture_pages, FIXTURES),
    "finder": (lambda _: finder_pages(), FINDER_PAGES / "pages.json"),
    "bench": (lambda _: bench_pages(), SHARED / "bench-corpus" / "ground-truth.json"),
    "cwced": (lambda _: cwced_pages(), CWCED),
    "magic": (lambda _: magic_pages(), MAGIC),
    "readability": (lambda _: readability_pages(), READABILITY),
}


def _mean(got: list[tuple[float, float]]) -> tuple[float, float]:
    recall = sum(r for r, _ in got) / max(1, len(got))
    precision = sum(p for _, p in got) / max(1, len(got))
    return recall, precision


def half_of(name: str) -> str:
    """``A`` or ``B``: a fixed half of a set by its page's name (the SHA-1's parity), so
    that the finder's constants can be chosen on one half and checked on the other."""
    return "A" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0 else "B"


def run_set(
    name: str,
    tools: dict[str, Extractor],
    full: Path | None,
    quiet: bool,
    half: str | None = None,
) -> None:
    """Print one set's table: a row per page (unless ``quiet``), means per group; only
    the pages of ``half`` (``A`` or ``B``, see :func:`half_of`) when given."""
    pages_of, needs = SETS[name]
    if not needs.exists():
        print(f"== {name}: skipped ({needs} not found)\n")
        return
    rows = [page for page in pages_of(full) if half is None or half_of(page.name) == half]
    totals: dict[tuple[str, str], list[tuple[float, float]]] = {}
    spent = Counter[str]()
    print(f"== {name}: {len(rows)} pages")
    print(f"{'page':<34} {'group':<6} " + " ".join(f"{tool:>17}" for tool in tools))
    for page in rows:
        cells = []
        for tool, extract in tools.items():
            start = time.perf_counter()
            try:
                output = extract(page.html, page.url)
            except Exception as exc:  # an extractor's crash scores 0 on that page
                print(f"  {tool} failed on {page.name}: {type(exc).__name__}: {exc}")
                output = ""
            spent[tool] += time.perf_counter() - start
            recall, precision = score(output, page.gold)
            for group in (page.group, "all"):
                totals.setdefault((tool, group), []).append((recall, precision))
            cells.append(f"{recall:>8.1%} {precision:>8.1%}")
        if not quiet:
            print(f"{page.name[:34]:<34} {page.group:<6} " + " ".join(f"{c:>17}" for c in cells))
    for group in ("small", "portal", "all"):
        count = len(totals.get((next(iter(tools)), group), []))
        if not count:
            continue
        label = f"mean {group} ({count})"
        cells = [f"{r:>8.1%} {p:>8.1%}" for r, p in (_mean(totals[t, group]) for t in tools)]
        print(f"{label:<41} " + " ".join(f"{c:>17}" for c in cells))
    print(f"{'seconds':<41} " + " ".join(f"{spent[t]:>17.1f}" for t in tools))
    print()


def _pairs(text: str) -> set[str]:
    squeezed = "".join(text.split())
    return {squeezed[i : i + 2] for i in range(len(squeezed) - 1)} or {squeezed}


def leaks(output: str, gold: str) -> list[str]:
    """The output lines of which under 80% of the character pairs (whitespace ignored)
    occur in the article text: boilerplate, or article text the gold leaves out."""
    known = _pairs(gold)
    found = []
    for line in output.splitlines():
        if not line.strip():
            continue
        pairs = _pairs(line)
        if len(pairs & known) < 0.8 * len(pairs):
            found.append(line.strip())
    return found


def run_profiled(names: list[str], tools: dict[str, Extractor]) -> None:
    """Per page a profile claims: profile, container, score, leaks and metadata."""
    from cleanhtml import api
    from cleanhtml.render.json import build_record

    got: list[tuple[float, float]] = []
    others: dict[str, list[tuple[float, float]]] = {}
    for name in names:
        pages_of, needs = SETS[name]
        if not needs.exists():
            print(f"== {name}: skipped ({needs} not found)")
            continue
        for page in pages_of(None):
            rules = api.settings_for(None, None).rules()
            cleaned = api.clean_document(page.html, rules=rules, url=page.url)
            meta = cleaned.ctx.meta
            profile = meta.get("profile")
            if not profile:
                continue
            text = api.render(cleaned, "text")
            record = build_record(api.clean_document(page.html, rules=rules, url=page.url))
            recall, precision = score(text, page.gold)
            got.append((recall, precision))
            print(f"== {name} {page.name}: profile {profile}, container "
                  f"{meta.get('container')}: {recall:.1%} {precision:.1%}")  # fmt: skip
            for tool, extract in tools.items():
                if tool in ("cleanhtml", "root auto", "finder"):
                    continue
                try:
                    output = extract(page.html, page.url)
                except Exception:  # an extractor's crash scores 0 on that page
                    output = ""
                others.setdefault(tool, []).append(score(output, page.gold))
            keys = ("title", "published", "author", "source", "url", "editor", "stocks")
            print("   " + json.dumps({k: record.get(k) for k in keys}, ensure_ascii=False))
            for line in leaks(text, page.gold):
                print(f"   + {line[:160]}")
    recall, precision = _mean(got)
    print(f"\n{len(got)} profiled pages: cleanhtml {recall:.1%} {precision:.1%}")
    for tool, scores in others.items():
        recall, precision = _mean(scores)
        print(f"{len(scores)} profiled pages: {tool} {recall:.1%} {precision:.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", type=Path, help="folder of untrimmed pages, <fixture>.html")
    parser.add_argument(
        "--set",
        action="append",
        choices=[*SETS, "all"],
        help="the set(s) to measure (default: fixtures)",
    )
    parser.add_argument("--tool", action="append", help="only these contenders (repeatable)")
    parser.add_argument("--quiet", action="store_true", help="print only the means")
    parser.add_argument("--half", choices=["A", "B"], help="only one half of each set")
    parser.add_argument(
        "--profiled", action="store_true", help="only pages a profile claims: leaks, metadata"
    )
    args = parser.parse_args(argv)
    tools = extractors(args.tool)
    chosen = args.set or ["fixtures"]
    if args.profiled:
        run_profiled(list(SETS) if "all" in chosen else chosen, tools)
        return 0
    for name in SETS if "all" in chosen else chosen:
        run_set(name, tools, args.full, args.quiet, args.half)
    return 0


if __name__ == "__main__":
    sys.exit(main())
