"""Real Markdown posts: cleaning changes only their raw HTML.

The posts are 31 pages and news posts of Jekyll's own site (``tests/data/markdown-posts``,
MIT, origins in its README). Each is checked as it is (posts with nothing to clean come
out byte for byte; the three with cleanable HTML match ``markdown-posts-expected``),
with dirt added around it (a script block, a styled paragraph with a comment, inline
HTML and a comment in a prose paragraph, an excerpt marker), and in a Hexo-style
repository through the real ``pre-commit try-repo``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from cleanhtml.api import clean_document, render
from cleanhtml.document import split_front_matter
from cleanhtml.markdown_body import html_spans, parser

DATA = Path(__file__).resolve().parent / "data"
POSTS = sorted(p for p in (DATA / "markdown-posts").iterdir() if p.name != "README.md")
EXPECTED = DATA / "markdown-posts-expected"

# Dirt added to every post, and what cleaning leaves of it.
SCRIPT_BLOCK = "<script>alert(1)</script>\n\n"
TAIL = (
    '\nA prose line with <span style="color:red">inline HTML</span>, a comment'
    ' <!-- drop me --> and a code span `<b style="x">kept</b>`.\n'
    '\n<p style="color:red">Follow us<!-- ad --></p>\n\n<!-- more -->\n'
)
CLEAN_TAIL = (
    "\nA prose line with <span>inline HTML</span>, a comment"
    '  and a code span `<b style="x">kept</b>`.\n'
    "\n<p>Follow us</p>\n\n<!-- more -->\n"
)


def regions(text: str) -> dict[str, list[str]]:
    """What must never change: the front matter, code, text and link targets."""
    front, body = split_front_matter(text)
    found: dict[str, list[str]] = defaultdict(list)
    found["front"].append(front)
    for token in parser().parse(body):
        if token.type in ("fence", "code_block"):
            found["code"].append(token.content)
        for child in token.children or ():
            if child.type == "code_inline":
                found["code"].append(child.content)
            elif child.type == "text":
                found["text"].append(child.content)
            elif child.type in ("link_open", "image"):
                found["links"].append(str(child.attrs.get("href") or child.attrs.get("src")))
    return found


def test_enough_real_posts() -> None:
    assert len(POSTS) >= 30


def test_the_posts_cover_the_cases() -> None:
    """Each kind of content the issue names occurs in some post."""
    kinds: dict[str, int] = defaultdict(int)
    for post in POSTS:
        body = split_front_matter(post.read_text("utf-8"))[1]
        tokens = parser().parse(body)
        kinds["html"] += bool(html_spans(body, tokens))
        kinds["no html"] += not html_spans(body, tokens)
        kinds["table"] += "<table>" in body
        kinds["tag plugin"] += "{% raw %}" in body and "{% highlight" in body
        for token in tokens:
            code = token.type in ("fence", "code_block")
            kinds["code with html"] += code and "</" in token.content
            kinds["code with comment"] += code and "<!--" in token.content
            kinds["more marker in code"] += code and "<!--more-->" in token.content
            for child in token.children or ():
                kinds["code span with tag"] += child.type == "code_inline" and "<" in child.content
                kinds["inline html"] += child.type == "html_inline"
    assert all(kinds[kind] for kind in kinds), dict(kinds)
    assert len(kinds) == 9 and kinds["no html"] >= 10


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.name)
def test_only_raw_html_changes(post: Path) -> None:
    source = post.read_bytes()
    cleaned = clean_document(source, path=post.name)
    assert cleaned.doc.markdown
    out = render(cleaned, "html")
    expected = EXPECTED / post.name
    if expected.exists():
        assert out == expected.read_text("utf-8")
    else:  # nothing to clean: byte for byte, and not rewritten
        assert out.encode("utf-8") == source
        assert not cleaned.edited
    assert regions(out) == regions(source.decode("utf-8"))
    again = clean_document(out.encode("utf-8"), path=post.name)
    assert not again.edited and render(again, "html") == out


@pytest.mark.parametrize("post", POSTS, ids=lambda p: p.name)
def test_dirt_around_a_real_post_goes_exactly(post: Path) -> None:
    source = post.read_text("utf-8")
    front, body = split_front_matter(source)
    newline = "" if body.endswith("\n") else "\n"  # else the tail would join its last block
    dirty = front + SCRIPT_BLOCK + body + newline + TAIL
    base = render(clean_document(source, path=post.name), "html")
    out = render(clean_document(dirty, path=post.name), "html")
    assert out == base + newline + CLEAN_TAIL
    assert regions(out)["code"] == regions(dirty)["code"]
    again = clean_document(out, path=post.name)
    assert not again.edited


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_pre_commit_on_a_hexo_style_repository(tmp_path: Path) -> None:
    """``pre-commit try-repo`` over ``source/_posts`` changes only the raw HTML, and
    the hook honours the project's ``exclude`` for the files pre-commit names."""
    pytest.importorskip("pre_commit")
    from test_precommit import GIT_ENV, git, snapshot

    hooks = snapshot(tmp_path / "hooks")
    project = tmp_path / "blog"
    posts = project / "source" / "_posts"
    posts.mkdir(parents=True)
    git("init", "-q", cwd=project)
    for post in POSTS:
        shutil.copyfile(post, posts / post.name)
    dirty = POSTS[0].read_text("utf-8") + TAIL
    (posts / "dirty.md").write_text(dirty, "utf-8")
    (posts / "drafts").mkdir()
    (posts / "drafts" / "draft.md").write_text(dirty, "utf-8")  # excluded by the config
    (project / ".cleanhtml.toml").write_text('exclude = ["drafts"]\n', "utf-8")
    git("add", "-A", cwd=project)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_COLOR": "never"}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "cleanhtml"]
    done = subprocess.run([*command, "--all-files"], cwd=project, env=env, capture_output=True)
    assert done.returncode == 1, done.stdout.decode()  # files were modified
    for post in POSTS:
        expected = EXPECTED / post.name
        want = expected.read_bytes() if expected.exists() else post.read_bytes()
        assert (posts / post.name).read_bytes() == want, post.name
    cleaned_first = render(clean_document(POSTS[0].read_bytes(), path=POSTS[0].name), "html")
    assert (posts / "dirty.md").read_text("utf-8") == cleaned_first + CLEAN_TAIL
    assert (posts / "drafts" / "draft.md").read_text("utf-8") == dirty  # --force-exclude
    git("add", "-A", cwd=project)
    again = subprocess.run([*command, "--all-files"], cwd=project, env=env, capture_output=True)
    assert again.returncode == 0, again.stdout.decode()
