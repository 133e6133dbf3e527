"""Article extraction on whole pages: recall and precision of article characters.

Run from the repository root (trafilatura and gne are optional; a missing one is left
out of the table):

    pip install trafilatura gne lxml_html_clean
    python benchmarks/pages.py                 # the page fixtures, fixtures/page-*/
    python benchmarks/pages.py --full DIR      # also DIR/<fixture>.html: untrimmed pages

Each page fixture with an ``article.txt`` (its article text, written by hand from the
page: paragraphs and captions of the article, no title, byline, credits outside the
body, widgets or notices) is read by:

* ``cleanhtml`` with no configuration (profile ``auto``: the site by URL or marker);
* ``cleanhtml finder``: the main-content finder behind ``root = "auto"`` on the same
  page as if its site were unknown (no site profile, no marker), then the default rules;
* trafilatura (``extract``, text) and gne (``GeneralNewsExtractor().extract``).

Precision is the share of output characters that are article characters, recall the
share of article characters in the output, both over non-whitespace characters
counted as a multiset (so order and layout do not matter).
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"

Extractor = Callable[[str, str | None], str]


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


def cleanhtml_auto(html: str, url: str | None) -> str:
    import cleanhtml

    return cleanhtml.clean(html, to="text", url=url)


def cleanhtml_finder(html: str, url: str | None) -> str:
    from lxml import etree

    import cleanhtml
    from cleanhtml import document
    from cleanhtml.rules.sites.density import main_content

    doc = document.load(html.encode("utf-8"))
    body = doc.root.find("body")
    found = main_content(body) if body is not None else None
    part = etree.tostring(found, encoding="unicode") if found is not None else html
    return cleanhtml.clean(part, to="text", profile="generic", extend_select=["news"])


def trafilatura_text(html: str, url: str | None) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False) or ""


def gne_text(html: str, url: str | None) -> str:
    from gne import GeneralNewsExtractor

    return str(GeneralNewsExtractor().extract(html).get("content") or "")


def extractors() -> dict[str, Extractor]:
    """The contenders that can be imported here."""
    found: dict[str, Extractor] = {
        "cleanhtml": cleanhtml_auto,
        "cleanhtml finder": cleanhtml_finder,
    }
    for name, module, func in (("trafilatura", "trafilatura", trafilatura_text),):
        try:
            __import__(module)
            found[name] = func
        except ImportError:
            pass
    try:
        __import__("gne")
        found["gne"] = gne_text
    except ImportError:
        pass
    return found


def pages(full: Path | None) -> list[tuple[str, str, str | None, str]]:
    """(name, html, url, gold) for each page fixture, and each untrimmed page in ``full``."""
    found = []
    for case in sorted(FIXTURES.glob("page-*")):
        gold_file = case / "article.txt"
        if not gold_file.exists():
            continue
        toml = case / "case.toml"
        url = tomllib.loads(toml.read_text("utf-8")).get("url") if toml.exists() else None
        gold = gold_file.read_text("utf-8")
        found.append((case.name, (case / "input.html").read_text("utf-8"), url, gold))
        if full is not None and (full / f"{case.name}.html").exists():
            page = (full / f"{case.name}.html").read_text("utf-8")
            found.append((f"{case.name} (full page)", page, url, gold))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", type=Path, help="folder of untrimmed pages, <fixture>.html")
    args = parser.parse_args(argv)
    tools = extractors()
    rows = pages(args.full)
    totals: dict[str, list[tuple[float, float]]] = {name: [] for name in tools}
    print(f"{'page':<34} " + " ".join(f"{name:>18}" for name in tools))
    for name, html, url, gold in rows:
        cells = []
        for tool, extract in tools.items():
            recall, precision = score(extract(html, url), gold)
            totals[tool].append((recall, precision))
            cells.append(f"{recall:>8.1%} {precision:>8.1%}")
        print(f"{name:<34} " + " ".join(f"{c:>18}" for c in cells))
    print(f"{'mean (recall precision)':<34} ", end="")
    for tool in tools:
        got = totals[tool]
        recall = sum(r for r, _ in got) / max(1, len(got))
        precision = sum(p for _, p in got) / max(1, len(got))
        print(f"{recall:>8.1%} {precision:>8.1%}  ", end="")
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
