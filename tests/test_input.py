"""Encodings and hostile or awkward inputs, at the library level.

Each case loads bytes the way the command line does (``clean_document``) and checks
that the text arrives intact, that nothing is lost silently, and that what cannot
be read is refused with an :class:`InputError` carrying a one-line reason.
"""

from __future__ import annotations

import gzip
import io
import random
import subprocess
import sys
import zipfile

import pytest

import cleanhtml
from cleanhtml import document
from cleanhtml.api import RENDERERS, clean_document, render
from cleanhtml.errors import InputError, UsageError

ZH = (
    "　　河北日报讯（记者解楚楚）就业是最大的民生，职业技能培训是保持就业稳定的关键举措，"
    "是经济转型升级和高质量发展的重要支撑。"
)
TW = (
    "就業是最大的民生，職業技能培訓是保持就業穩定的關鍵舉措，是經濟轉型升級和高質量發展的重要支撐。"
)
JA = "東京都は本日、新型コロナウイルスの新たな感染者を確認したと発表しました。"
FR = "Le gouvernement français a annoncé aujourd'hui une réforme très attendue des retraites."


def page(text: str, head: str = "") -> str:
    head = f"<!DOCTYPE html><html><head>{head}<title>t</title></head>"
    return f"{head}<body><p>{text}</p></body></html>\n"


def meta(charset: str) -> str:
    return f'<meta charset="{charset}">'


def html_and_text(data: bytes | str, **kwargs: str) -> tuple[str, str, document.Document]:
    cleaned = clean_document(data, **kwargs)
    return render(cleaned, "html"), render(cleaned, "text"), cleaned.doc


# --- encodings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "declared", "codec", "expected"),
    [
        (ZH, "utf-8", "gbk", "gb18030"),  # mislabeled: declares UTF-8, is GBK
        (ZH, "gbk", "gbk", "gb18030"),
        (ZH, "gb2312", "gbk", "gb18030"),
        (ZH, "GB18030", "gb18030", "gb18030"),
        (TW, "big5", "big5", "big5hkscs"),
        (TW, "gbk", "big5", "big5hkscs"),  # mislabeled: declares GBK, is Big5
        (ZH, "gbk", "utf-8", "utf-8"),  # mislabeled: declares GBK, is UTF-8
        (JA, "shift_jis", "shift_jis", "cp932"),
        (JA, "euc-jp", "euc_jp", "euc_jp"),
        (FR, "iso-8859-1", "cp1252", "cp1252"),
        (FR, "windows-1252", "cp1252", "cp1252"),
        (FR, "utf-8", "cp1252", "cp1252"),  # mislabeled: declares UTF-8, is windows-1252
    ],
)
def test_declared_charset_is_verified(text: str, declared: str, codec: str, expected: str) -> None:
    data = page(text, meta(declared)).encode(codec)
    html, plain, doc = html_and_text(data)
    assert doc.encoding == expected
    assert text in html
    assert text.strip("　") in plain
    if expected != "utf-8":
        assert 'charset="utf-8"' in html, "the output's declaration must say utf-8"


def test_detection_without_any_declaration() -> None:
    for text, codec, expected in (
        (ZH, "gbk", "gb18030"),
        (TW, "big5", "big5hkscs"),
        (JA, "shift_jis", "cp932"),
    ):
        html, _, doc = html_and_text(page(text).encode(codec))
        assert text in html, codec
        assert doc.encoding == expected


def test_http_equiv_and_xml_declaration_say_utf8_after_transcoding() -> None:
    xhtml = (
        '<?xml version="1.0" encoding="GBK"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=GBK" /></head>'
        f"<body><p>{ZH}</p></body></html>\n"
    )
    html, _, doc = html_and_text(xhtml.encode("gbk"))
    assert doc.encoding == "gb18030"
    assert html.startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC')
    assert 'content="text/html; charset=utf-8"' in html
    assert ZH in html
    again = clean_document(html.encode("utf-8"))
    assert again.edits == {} and render(again, "html") == html


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (b"\xef\xbb\xbf", "utf-8", "utf-8"),
        (b"\xff\xfe", "utf-16-le", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be", "utf-16-be"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "utf-32-le"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "utf-32-be"),
    ],
)
def test_byte_order_marks(bom: bytes, codec: str, name: str) -> None:
    data = bom + page(ZH, meta("gbk")).encode(codec)
    html, _, doc = html_and_text(data)
    assert doc.encoding == name
    assert ZH in html
    out = document.dump(doc, edited=True)
    assert out.startswith(b"\xef\xbb\xbf") == (name == "utf-8"), "only a UTF-8 BOM is kept"
    assert out.lstrip(b"\xef\xbb\xbf").decode("utf-8")


def test_utf16_without_bom() -> None:
    for codec in ("utf-16-le", "utf-16-be"):
        html, _, doc = html_and_text(page(ZH).encode(codec))
        assert doc.encoding == codec and ZH in html


def test_forced_encoding() -> None:
    data = page(ZH, meta("utf-8")).encode("gbk")
    html, _, doc = html_and_text(data, encoding="GBK")
    assert doc.encoding == "gb18030" and ZH in html
    with pytest.raises(InputError, match="not valid utf-8"):
        clean_document(data, encoding="utf-8")
    with pytest.raises(UsageError, match="unknown encoding"):
        clean_document(data, encoding="no-such-codec")


def test_ascii_file_is_left_alone_whatever_it_declares() -> None:
    data = page("plain &eacute; text", meta("iso-8859-1")).encode("ascii")
    cleaned = clean_document(data, rules=[])
    assert cleaned.doc.encoding == "ascii"
    assert document.dump(cleaned.doc, edited=cleaned.edited) == data


def test_transcoded_output_is_idempotent() -> None:
    once = cleanhtml.clean(page(ZH, meta("gbk")).encode("gbk"))
    again = clean_document(once.encode("utf-8"))
    assert again.edits == {} and not again.doc.repairs
    assert render(again, "html") == once


def test_str_with_xml_encoding_declaration() -> None:
    """lxml refuses a str that declares an encoding; cleanhtml takes it."""
    html = f'<?xml version="1.0" encoding="gbk"?><html><body><p>{ZH}</p><!--c--></body></html>'
    out = cleanhtml.clean(html)
    assert ZH in out and "<!--c-->" not in out
    assert out.startswith('<?xml version="1.0" encoding="utf-8"?>')


def test_charset_normalizer_is_imported_only_for_detection() -> None:
    code = (
        "import sys, cleanhtml; cleanhtml.clean('<p>é</p>'); "
        "print('charset_normalizer' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- empty, binary, stray bytes ------------------------------------------------------


def test_empty_and_whitespace_only() -> None:
    for data in (b"", b"   ", b"\n\n", b" \t\r\n  \n"):
        html, text, _ = html_and_text(data)
        assert text == ""
        assert not html.strip()
        assert not cleanhtml.clean(data, to="markdown").strip()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.html", "<p>x</p>" * 50)
    return buffer.getvalue()


BINARIES = {
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00",
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    "zip": _zip(),
    "gzip": gzip.compress(b"<html><body><p>compressed</p></body></html>" * 20),
    "elf": b"\x7fELF\x02\x01\x01" + bytes(57),
    "random": random.Random(4).randbytes(4096),
    "nul-heavy": b"<p>" + b"\x00" * 64 + b"</p>",
}


@pytest.mark.parametrize("kind", sorted(BINARIES))
def test_binary_files_are_refused(kind: str) -> None:
    with pytest.raises(InputError, match=r"^binary file") as error:
        clean_document(BINARIES[kind])
    assert "\n" not in str(error.value)


def test_stray_nul_and_control_characters_are_removed() -> None:
    data = b"<p>a\x00b</p><p>c<font>d</font>\x01e\x0bf\x0cg</p>"
    html, text, doc = html_and_text(data)
    assert html == "<p>ab</p><p>cdef g</p>"
    assert text == "ab\n\ncdef g\n"
    assert doc.repairs


# --- truncated and malformed markup ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "html", "text"),
    [
        ('<div><p>abc</p><p>de<a href="http://ex', "<div><p>abc</p><p>de</p></div>", "abc\n\nde\n"),
        ("<div><p>abc<b>de<!--x-->", "<div><p>abc<b>de</b></p></div>", "abcde\n"),
        ("<p>abc</p><p", "<p>abc</p>", "abc\n"),
        ("<p>abc</p><!-- cut", "<p>abc</p>", "abc\n"),
        ("<style>.a{}\n<p>article</p>", "\n<p>article</p>", "article\n"),
        ("<p>x</p><script>var a;\n<p>article</p>", "<p>x</p>\n<p>article</p>", "x\n\narticle\n"),
        ("<title>T\n<p>article</p>", "<title>T</title>\n<p>article</p>", "T\n\narticle\n"),
    ],
)  # fmt: skip
def test_truncated_markup_is_repaired(data: str, html: str, text: str) -> None:
    got_html, got_text, _ = html_and_text(data.encode("utf-8"))
    assert (got_html, got_text) == (html, text)


def test_content_after_closing_html_is_kept() -> None:
    data = b"<html><body><p>a</p></body></html>\n<p>after</p>tail"
    html, text, doc = html_and_text(data)
    assert text == "a\n\nafter\n\ntail\n"
    assert "after" in html and doc.repairs


# The ends of comments as libxml2 2.14 reads them (HTML5's tokenizer): "<!-->" and
# "<!--->" close as they open, "--!>" closes too. Read as opening a comment that never
# ends, the unclosed-comment repair put "-->" after them: text in the output, and on a
# page whose <html> follows "<!--[if gt IE 8]><!-->", a second parse without <head>.
IE_PROLOG = '<!--[if lt IE 9]><html class="ie"><![endif]--><!--[if gt IE 8]><!-->'
IE_PAGE = (
    '<html lang="fr"><!--<![endif]--><head><title>t</title></head><body><p>a</p></body></html>'
)


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("<p>a</p><!--[if !IE]><!--><p>b</p>", "a\n\nb\n"),
        ("<p>a</p><!---><p>b</p>", "a\n\nb\n"),
        ("<p>a</p><!-- x --!><p>b</p>", "a\n\nb\n"),
        ("<p>a</p><!-- x --!><p>b</p><!-- cut", "a\n\nb\n"),
    ],
)  # fmt: skip
def test_comments_closed_as_html5_closes_them_get_no_repair(data: str, text: str) -> None:
    html, got, doc = html_and_text(data.encode("utf-8"))
    assert got == text and "--&gt;" not in html
    assert ("cut" in data) == ("closed an unterminated comment" in doc.repairs)


@pytest.mark.parametrize("doctype", ["<!DOCTYPE html>\n", ""])
def test_page_after_ie_conditional_comments_stays_a_page_and_settles(doctype: str) -> None:
    data = (doctype + IE_PROLOG + IE_PAGE).encode("utf-8")
    html, text, doc = html_and_text(data)
    joined = "\n" if not doctype else ""  # a doctype's tree is written by libxml2
    prolog = IE_PROLOG.replace("--><!--[", f"-->{joined}<!--[") + joined
    assert html.startswith(doctype + prolog + '<html lang="fr"><head><title>t</title></head>')
    assert text == "a\n" and not doc.repairs
    again, _, _ = html_and_text(html.encode("utf-8"))
    assert again == html


@pytest.mark.parametrize(
    "after",
    ["<!-- x --> tail <!-- y -->", "<!-- x --!> tail <!--->", "<!--> tail\n<!-- y -->\n"],
)
def test_text_between_comments_after_closing_html_is_kept(after: str) -> None:
    data = f"<html><body><p>a</p></body></html>{after}".encode()
    html, text, doc = html_and_text(data)
    assert text == "a\n\ntail\n" and doc.repairs
    assert html_and_text(html.encode("utf-8"))[0] == html


def test_misplaced_body_tag_is_dropped_with_its_attributes() -> None:
    data = b"<html><body><p>a</p><body onload=alert(1) class=x></body></html>"
    html, _, doc = html_and_text(data)
    assert "onload" not in html and "class" not in html
    assert any("misplaced <body>" in repair for repair in doc.repairs)


@pytest.mark.parametrize("depth", [300, 2100, 100_000])
def test_deep_nesting_keeps_all_text(depth: int) -> None:
    data = ("<div>" * depth + "deep text" + "</div>" * depth + "<p>after</p>").encode()
    cleaned = clean_document(data)
    assert render(cleaned, "text") == "deep text\n\nafter\n"
    for to in RENDERERS:  # no renderer recurses past Python's limit
        assert "deep text" in render(cleaned, to)
    html = render(cleaned, "html")
    again = clean_document(html.encode())
    assert render(again, "text") == "deep text\n\nafter\n"
    if depth > 2048:
        assert any("flattened" in repair for repair in cleaned.doc.repairs)


def test_deep_unclosed_nesting_of_inline_tags() -> None:
    """Flattening drops the deepest tags (a <p> among them here), never their text."""
    data = ("<b><i>" * 50_000 + "x" + "<p>y</p>").encode()
    assert render(clean_document(data), "text") == "xy\n"


def test_huge_text_node_and_attribute_are_kept_whole() -> None:
    big = "长" * (11 * 1024 * 1024)  # 33 MB of UTF-8, over libxml2's 10 MB node limit
    data = f'<p title="{big}">{big}</p><p>end</p><!-- c -->'.encode()
    cleaned = clean_document(data)
    root = cleaned.doc.root
    assert root[0].text == big and root[0].get("title") == big
    assert render(cleaned, "text") == big + "\n\nend\n"


def test_fifty_megabytes_in_bounded_memory() -> None:
    """A 50 MB post is cleaned in one pass; peak memory stays a small multiple of it."""
    script = (
        "import resource, cleanhtml\n"
        "from cleanhtml.api import RENDERERS, clean_document, render\n"
        "para = '　　' + '就业是最大的民生，职业技能培训是保持就业稳定的关键举措。' * 6\n"
        "body = ''.join(f'<p>{i}{para}</p>\\n' for i in range(33_000))\n"
        "data = ('---\\ntitle: big\\n---\\n<div>' + body * 3 + '</div><!-- c -->').encode()\n"
        "size = len(data)\n"
        "del body\n"
        "out = render(clean_document(data), 'html').encode()\n"
        # VmHWM is this process's own peak; ru_maxrss would include the peak of the
        # pytest process that spawned it (Linux keeps it across vfork + exec)
        "try:\n"
        "    status = open('/proc/self/status').read()\n"
        "    peak = int(status.split('VmHWM:')[1].split()[0]) * 1024\n"
        "except (OSError, IndexError):\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024\n"
        "print(size, len(out), peak)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    size, out, peak = map(int, run.stdout.split())
    assert size > 50_000_000 and size - 20 < out < size
    assert peak < 10 * size, f"peak {peak / 1e6:.0f} MB for {size / 1e6:.0f} MB"


# --- front matter ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "front"),
    [
        ("---\ntitle: x\n---\n<p>b</p>\n", "---\ntitle: x\n---\n"),
        ("\n---\ntitle: x\n---\r\n<p>b</p>\n", "\n---\ntitle: x\n---\r\n"),
        ("---\ntitle: '--- x ---'\n---\n<p>b</p>\n", "---\ntitle: '--- x ---'\n---\n"),
        ('---\ntitle: "a\n---\nb"\n---\n<p>b</p>\n', '---\ntitle: "a\n---\nb"\n---\n'),
        ("---\nt: 'it''s\n---\nz'\nd: 1\n---\n<p>b</p>\n", "---\nt: 'it''s\n---\nz'\nd: 1\n---\n"),
        ('---\ntitle: "never closed\n---\n<p>b</p>\n', '---\ntitle: "never closed\n---\n'),
        ("---\ntitle: x\ntags:\n  - a\n<p>b</p>\n", "---\ntitle: x\ntags:\n  - a\n"),
        ("---\ntitle: x\n", "---\ntitle: x\n"),
        ("---\nnot yaml at all\n<p>b</p>\n", ""),
        ("---\n\n<p>b</p>\n", ""),
        ("<p>---</p>\n---\n", ""),
    ],
)  # fmt: skip
def test_front_matter(source: str, front: str) -> None:
    got, body = document.split_front_matter(source)
    assert (got, got + body) == (front, source)
    html = cleanhtml.clean(source.encode())
    assert html.startswith(front)
    if front:
        assert "title" not in cleanhtml.clean(source, to="text")


def test_front_matter_bytes_pass_through_even_with_controls() -> None:
    source = b"---\ntitle: a\x01b\n---\n<p>x<!--c--></p>\n"
    assert cleanhtml.clean(source).startswith("---\ntitle: a\x01b\n---\n")


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>x</p><!-- <body> --><p>y</p>",
        '<p>x</p><script>var s = "<html>";</script><p>y</p>',
        "<p>x</p><style>/* <head> */</style><p>y</p>",
    ],
)
def test_a_fragment_naming_body_in_a_comment_or_script_stays_a_fragment(fragment: str) -> None:
    assert cleanhtml.clean(fragment) == "<p>x</p><p>y</p>"


def test_short_gbk_mislabeled_as_utf8_is_not_read_as_korean() -> None:
    """charset-normalizer finds CP949 a little "cleaner" for a few GBK characters; text
    that flips between Han and Hangul every character is not Korean."""
    from cleanhtml.api import clean

    gbk = '<meta charset="utf-8"><p>中文编码测试</p>'.encode("gbk")
    assert clean(gbk, to="text") == "中文编码测试\n"
    korean = "<p>안녕하세요 한국어 문장입니다. 大韓民國 만세</p>".encode("cp949")
    assert clean(korean, to="text") == "안녕하세요 한국어 문장입니다. 大韓民國 만세\n"


def test_declared_page_with_a_cut_character_is_read_with_u_fffd() -> None:
    """A GB2312 page with one character cut in half (found on a real 2005 page of the
    Chinese-Web-Content-Extraction-Dataset) fails every strict decoding and defeats
    detection; it is read as declared, the broken bytes as U+FFFD, with a warning."""
    data = page(ZH * 5, meta("gb2312")).encode("gbk")
    cut = data.index("民生".encode("gbk")) + 1
    damaged = data[:cut] + b" " + data[cut + 1 :]
    cleaned = clean_document(damaged)
    assert cleaned.doc.encoding == "gb18030"
    assert cleaned.doc.warnings == [
        "bytes that gb18030 cannot read were replaced with U+FFFD (declared gb2312)"
    ]
    text = render(cleaned, "text")
    assert text.count("\ufffd") == 1 and ZH.strip()[:20] in text
    # many broken sequences (more than one per 1,000 bytes) are still refused
    broken = damaged.replace("职业".encode("gbk"), "职业".encode("gbk")[:1] + b" ")
    with pytest.raises(InputError, match="cannot tell the encoding"):
        clean_document(broken)
    # undeclared, the damaged page is not guessed at either
    with pytest.raises(InputError, match="cannot tell the encoding"):
        clean_document(damaged.replace(meta("gb2312").encode(), b""))


def test_closing_lines_are_those_the_pattern_finds() -> None:
    """The front matter's closing ``---`` lines, found with ``str.find`` and matched
    there, are those ``_CLOSING_LINE.finditer`` finds, on random dashes and newlines."""
    from cleanhtml.frontmatter import _CLOSING_LINE, _closing_lines

    pieces = ["---", "\n", "\r\n", " ", "\t", "x", "-", "--", "\n---\n", "\n--- \r\n"]
    rng = random.Random(16)
    for _ in range(20000):
        text = "---\n" + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        found = [match.span() for match in _closing_lines(text, 4)]
        assert found == [match.span() for match in _CLOSING_LINE.finditer(text, 4)], text


def test_utf16_and_declaration_sniffing_keep_their_answers() -> None:
    """The quick checks in front of them (a zero byte for UTF-16 without a BOM, ``<?``
    opening the input for an XML declaration) change no answer."""
    from cleanhtml.encoding import _utf16, declared_charset

    wide = "<p>中文 text</p>".encode("utf-16-le")
    assert _utf16(wide) == "utf-16-le" and _utf16(b"<p>no zero byte here</p>") is None
    declared = b' \n\t<?xml version="1.0" encoding="GBK"?><p>x</p>'
    assert declared_charset(declared) == "GBK"
    assert declared_charset(b'<p>x</p><?xml version="1.0" encoding="GBK"?>') is None
    assert declared_charset(b'<meta charset="gb2312"><?php ?>') == "gb2312"
