"""Bytes to text: choose an input's encoding, refuse binary files, and say which was chosen.

The order, first match wins:

1. ``--encoding`` when given (a failure to decode is an input error);
2. a byte-order mark (UTF-8, UTF-16, UTF-32);
3. the declared charset (``<meta charset>``, ``<meta http-equiv=Content-Type>``, the
   XML declaration of XHTML), *verified*: it must decode the bytes, valid UTF-8 with
   non-ASCII bytes is UTF-8 whatever it declares (a common mislabel), and a non-UTF-8
   declaration must be as plausible as what detection finds;
4. UTF-8, if the bytes decode;
5. detection with charset-normalizer (imported only here, only when needed).

Labels are read as browsers read them (the WHATWG Encoding Standard): GB2312 and GBK
are decoded as GB18030 (their superset), Big5 as Big5-HKSCS, Shift_JIS as cp932,
EUC-KR as cp949 and ISO-8859-1/ASCII as windows-1252. A file of ASCII bytes only is
``ascii`` whatever it declares: it reads the same in every ASCII-compatible encoding.

Binary files (a known file signature, NUL bytes, or control bytes in a share no text
has) are refused with :class:`~cleanhtml.errors.InputError` before any of this; a few
stray control characters are not binary (the loader drops them, as browsers do).
"""

from __future__ import annotations

import codecs
import functools
import re

from cleanhtml.errors import InputError, UsageError
from cleanhtml.records import Record

BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

# File signatures of formats people keep next to their HTML (by offset 0 unless noted).
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"(\xb5/\xfd", "zstd data"),
    (b"7z\xbc\xaf'\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
)
_SIGNATURE_PREFIXES = tuple(signature for signature, _ in SIGNATURES)
SNIFF_BYTES = 1024
"""How much of a file the binary check looks at."""
MAX_NUL_BYTES = 8
"""A text file holds fewer NUL bytes than this in its first KB."""
CONTROL_SHARE = 0.05
"""Text holds control bytes (other than tab, newlines, form feed and escape) in a
smaller share of its first KB than this (and at least 8 count as binary): a few stray
ones (scraped text, XSS payloads) are dropped when the file is read, as browsers do."""
UTF16_ZERO_SHARE = 0.25
"""BOM-less UTF-16 markup has at least this share of zero bytes on one side."""
_CONTROL_BYTES = bytes((*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)))

DECLARATION_BYTES = 16384
"""How far into a file to look for a declared charset."""


@functools.cache
def _meta_charset_tag() -> re.Pattern[bytes]:
    """A ``<meta>`` naming a charset (compiled for the first ``<meta`` read: a post
    holds none)."""
    return re.compile(rb"<meta\s[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:+-]+)", re.I)


_META_START = re.compile(rb"<meta\s", re.I)


@functools.cache
def _xml_encoding() -> re.Pattern[bytes]:
    """The encoding an XML declaration opening the input names (compiled when first
    needed: a declaration holds ``<?``, which most inputs do not)."""
    return re.compile(rb"\A\s*<\?xml\s[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9_.:+-]+)[\"']", re.I)


# WHATWG label -> the Python codec browsers effectively use.
_LABELS: dict[str, str] = {
    **dict.fromkeys(
        ("utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode11utf8"), "utf-8"
    ),
    # a <meta> cannot declare UTF-16 for ASCII-compatible bytes: browsers read UTF-8
    **dict.fromkeys(("utf-16", "utf-16le", "utf-16be", "unicode", "ucs-2"), "utf-8"),
    **dict.fromkeys(
        (
            "gb2312", "gbk", "x-gbk", "gb_2312", "gb_2312-80", "chinese", "csgb2312",
            "csiso58gb231280", "iso-ir-58", "cp936", "ms936", "windows-936", "euc-cn",
            "gb18030", "hz-gb-2312-x",
        ),
        "gb18030",
    ),
    **dict.fromkeys(
        ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "big5hkscs"), "big5hkscs"
    ),
    **dict.fromkeys(
        (
            "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis",
            "windows-31j", "ms932", "cp932",
        ),
        "cp932",
    ),
    **dict.fromkeys(
        (
            "euc-kr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "korean",
            "windows-949", "csksc56011987", "iso-ir-149", "cp949",
        ),
        "cp949",
    ),
    **dict.fromkeys(
        (
            "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1", "ascii", "us-ascii",
            "ansi_x3.4-1968", "cp819", "ibm819", "csisolatin1", "iso-ir-100", "x-cp1252",
            "windows-1252", "cp1252",
        ),
        "cp1252",
    ),
    **dict.fromkeys(("iso-8859-9", "iso8859-9", "latin5", "l5", "windows-1254"), "cp1254"),
    **dict.fromkeys(("tis-620", "iso-8859-11", "windows-874", "dos-874"), "cp874"),
}  # fmt: skip

# Codecs that read the same text, for comparing a declaration with a detection.
_FAMILY: dict[str, str] = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
    "shift_jis": "cp932",
    "shift_jis_2004": "cp932",
    "shift_jisx0213": "cp932",
    "euc_kr": "cp949",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "euc_jis_2004": "euc_jp",
    "euc_jisx0213": "euc_jp",
}
# When detection finds several equally plausible encodings, prefer these, in this order:
# short GBK text is as plausible as Korean cp949, and cleanhtml's users scrape Chinese
# news; windows-1252 is the web's (and the WHATWG standard's) default Western encoding.
PREFERRED: tuple[str, ...] = ("gb18030", "big5hkscs", "cp932", "euc_jp", "cp1252")
DETECT_BYTES = 1 << 20
"""Detection reads at most this much (cut at a line break), then the whole file is decoded."""
CHAOS_TOLERANCE = 0.05
"""A declared charset is kept when it reads at most this much messier than the detected one."""


class Decoded(Record):
    """An input's text, the codec chosen, and how it was chosen."""

    __slots__ = ("bom", "encoding", "how", "text", "warnings")

    text: str
    encoding: str
    bom: bool
    how: str
    """``forced``, ``bom``, ``declared``, ``utf-8``, ``ascii`` or ``detected``."""
    warnings: list[str]

    def __init__(
        self,
        text: str,
        encoding: str,
        bom: bool = False,
        how: str = "",
        warnings: list[str] | None = None,
    ) -> None:
        self.text = text
        self.encoding = encoding
        self.bom = bom
        self.how = how
        self.warnings = [] if warnings is None else warnings

    @property
    def is_utf8(self) -> bool:
        """True when re-encoding the text as UTF-8 gives the input bytes back (BOM aside)."""
        return self.encoding in ("utf-8", "ascii")


def canonical(label: str) -> str:
    """The Python codec name for an encoding label, read as browsers read it.

    Raises :class:`LookupError` for a label no codec answers to.
    """
    key = label.strip().lower()
    name = _LABELS.get(key) or _LABELS.get(key.replace("_", "-")) or key
    return codecs.lookup(name).name


def _family(name: str) -> str:
    name = codecs.lookup(name).name
    return _FAMILY.get(name, name)


def binary_kind(data: bytes) -> str | None:
    """What binary format ``data`` looks like, or ``None`` when it may be text."""
    if data.startswith(_SIGNATURE_PREFIXES):  # one C call for the usual miss
        for signature, kind in SIGNATURES:
            if data.startswith(signature):
                return kind
    if data[4:8] == b"ftyp":
        return "MP4/HEIF media"
    if data.startswith(b"RIFF") and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}[data[8:12]]
    head = data[:SNIFF_BYTES]
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))  # counted in C
    dense = controls >= max(MAX_NUL_BYTES, len(head) * CONTROL_SHARE)
    if (dense or head.count(0) >= MAX_NUL_BYTES) and _utf16(head) is None:
        return "control bytes where text should be"
    return None


def _utf16(head: bytes) -> str | None:
    """``utf-16-le``/``-be`` when BOM-less ``head`` reads as markup in UTF-16, else ``None``.

    ASCII markup in UTF-16 has a zero byte in every other position; the text must
    decode, hold a ``<`` and have next to no control characters.
    """
    if len(head) < 8 or 0 not in head:  # (a memchr: most inputs hold no zero byte)
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, codec in ((odd, "utf-16-le"), (even, "utf-16-be")):
        if zeros.count(0) < len(zeros) * UTF16_ZERO_SHARE:
            continue
        try:
            text = head[: len(head) // 2 * 2].decode(codec)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for char in text if char < " " and char not in "\t\n\r")
        if "<" in text and controls <= len(text) * 0.02:
            return codec
    return None


def declared_charset(data: bytes) -> str | None:
    """The charset label the markup declares (XML declaration or ``<meta>``), if any."""
    head = data[:DECLARATION_BYTES]
    # the declaration opens the input (after blanks, which lstrip and \s agree on):
    # no search of the whole head for "<?"
    match = (head.lstrip().startswith(b"<?") and _xml_encoding().match(head)) or _meta_charset(head)
    return match.group(1).decode("ascii") if match else None


def _meta_charset(head: bytes) -> re.Match[bytes] | None:
    """What ``_meta_charset_tag().search(head)`` finds, reading each tag once.

    A search tries every ``<meta`` and reads on to the next ``>``; with no ``>``
    after them, thousands of ``<meta`` read to the end each. Once one fails, a
    ``<meta`` before the same ``>`` fails too (it sees less of the same tag).
    """
    failed_until = -1
    for start in _META_START.finditer(head):
        if start.start() < failed_until:
            continue
        match = _meta_charset_tag().match(head, start.start())
        if match:
            return match
        close = head.find(b">", start.start())
        failed_until = len(head) if close < 0 else close
    return None


def _decode_forced(data: bytes, label: str) -> Decoded:
    try:
        name = canonical(label)
    except LookupError:
        raise UsageError(f"unknown encoding {label!r}") from None
    bom = False
    for mark, codec in BOMS:
        if codec == name and data.startswith(mark):
            data, bom = data[len(mark) :], codec == "utf-8"
            break
    if not name.startswith(("utf-16", "utf-32")):
        kind = binary_kind(data)
        if kind:
            raise InputError(f"binary file ({kind}), not HTML")
    try:
        return Decoded(data.decode(name), name, bom, "forced")
    except UnicodeDecodeError as exc:
        raise InputError(f"not valid {name} (byte {exc.start}); check --encoding") from None


def _decode_bom(data: bytes) -> Decoded | None:
    for mark, codec in BOMS:
        if data.startswith(mark):
            body = data[len(mark) :]
            try:
                return Decoded(body.decode(codec), codec, codec == "utf-8", "bom")
            except UnicodeDecodeError as exc:
                text = body.decode(codec, errors="replace")
                warning = f"invalid {codec} after its byte-order mark (byte {exc.start}); replaced"
                return Decoded(text, codec, codec == "utf-8", "bom", [warning])
    return None


def decode(data: bytes, *, encoding: str | None = None) -> Decoded:
    """Decode ``data``: forced encoding, BOM, verified declaration, UTF-8, detection.

    Raises :class:`InputError` for binary data and for bytes no encoding reads, and
    :class:`UsageError` for an unknown forced encoding.
    """
    if encoding:
        return _decode_forced(data, encoding)
    found = _decode_bom(data)
    if found:
        return found
    kind = binary_kind(data)
    if kind:
        raise InputError(f"binary file ({kind}), not HTML")
    wide = _utf16(data[:SNIFF_BYTES])
    if wide:
        return Decoded(data.decode(wide, errors="replace"), wide, how="utf-16 without BOM")
    if data.isascii():
        return Decoded(data.decode("ascii"), "ascii", how="ascii")
    utf8: str | None
    try:
        utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    label = declared_charset(data)
    if utf8 is not None:
        # valid UTF-8 with non-ASCII bytes is UTF-8, whatever a label says
        warnings = []
        if label and _canonical_or_none(label) not in (None, "utf-8"):
            warnings.append(f"declares {label} but is UTF-8; read as UTF-8")
        return Decoded(utf8, "utf-8", how="utf-8", warnings=warnings)
    declared = _canonical_or_none(label) if label else None
    if declared and declared != "utf-8":
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            pass
        else:
            if _plausible(data, declared):
                return Decoded(text, declared, how="declared")
    return _detect(data, label)


def _canonical_or_none(label: str) -> str | None:
    try:
        return canonical(label)
    except LookupError:
        return None


def _sample(data: bytes) -> bytes:
    if len(data) <= DETECT_BYTES:
        return data
    cut = data.rfind(b"\n", 0, DETECT_BYTES)
    return data[: cut if cut > 0 else DETECT_BYTES]


def _plausible(data: bytes, declared: str) -> bool:
    """True when ``declared`` reads ``data`` about as cleanly as the best detected codec."""
    from charset_normalizer import from_bytes

    sample = _sample(data)
    best = from_bytes(sample).best()
    if best is None or _family(best.encoding) == _family(declared):
        return True
    mine = from_bytes(sample, cp_isolation=[declared]).best()
    return mine is not None and mine.chaos <= best.chaos + CHAOS_TOLERANCE


def _script_switches(text: str) -> int:
    """How often the text switches between Han and Hangul: Korean mixes them in whole
    words, GBK bytes read as CP949 flip between them almost every character."""
    switches, last = 0, ""
    for char in text:
        if "\u4e00" <= char <= "\u9fff":
            script = "han"
        elif "\uac00" <= char <= "\ud7a3":
            script = "hangul"
        else:
            continue
        switches += bool(last) and script != last
        last = script
    return switches


def _reads_as_chinese(data: bytes, tied: list[str]) -> bool:
    """Short Chinese text in GBK can read with less "chaos" as CP949 or UTF-16; prefer
    GB18030 when it gives pure Han text and the others flip between Han and Hangul."""
    sample = data[:4096]
    try:
        chinese = sample.decode("gb18030")
    except UnicodeDecodeError:
        return False
    if _script_switches(chinese):
        return False
    for name in tied:
        try:
            other = sample.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if _script_switches(other) * 4 >= sum("\uac00" <= c <= "\ud7a3" for c in other) > 0:
            return True
    return False


DAMAGED_BYTES_PER_ERROR = 1000
"""A page in its declared encoding may hold one undecodable sequence per this many
bytes (a multi-byte character cut by an editor or a scraper) and still be read."""


def _damaged(data: bytes, label: str | None) -> Decoded | None:
    """``data`` read in its declared encoding with its few undecodable bytes replaced.

    A GB2312 page with one character cut in half fails every strict decoding and
    defeats detection; browsers read it as declared and show U+FFFD for the broken
    bytes. So does this, when such bytes are rare (at most one sequence per
    :data:`DAMAGED_BYTES_PER_ERROR` bytes, at least one allowed), with a warning.
    """
    declared = _canonical_or_none(label) if label else None
    if declared is None:
        return None
    try:
        text = data.decode(declared, errors="replace")
    except LookupError:
        return None
    errors = text.count("\ufffd")  # a U+FFFD the page already held counts too: stricter
    if errors > max(1, len(data) // DAMAGED_BYTES_PER_ERROR):
        return None
    warning = f"bytes that {declared} cannot read were replaced with U+FFFD (declared {label})"
    return Decoded(text, declared, how="declared", warnings=[warning])


def _detect(data: bytes, label: str | None) -> Decoded:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(_sample(data)))
    if not matches:
        damaged = _damaged(data, label)
        if damaged is not None:
            return damaged
        raise InputError("cannot tell the encoding (binary file?); use --encoding")
    least = min(match.chaos for match in matches)
    tied = [_family(m.encoding) for m in matches if m.chaos <= least]
    near = [_family(m.encoding) for m in matches if m.chaos <= least + CHAOS_TOLERANCE]
    if "gb18030" in near and "gb18030" not in tied and _reads_as_chinese(data, tied):
        tied.insert(0, "gb18030")
    ranked = [name for name in PREFERRED if name in tied] + tied
    warnings = [f"declares {label}, which does not fit; detected"] if label else []
    for name in dict.fromkeys(ranked):
        try:
            return Decoded(data.decode(name), name, how="detected", warnings=warnings)
        except (UnicodeDecodeError, LookupError):
            continue
    name = ranked[0]
    text = data.decode(name, errors="replace")
    warnings.append(f"bytes that {name} cannot read were replaced with U+FFFD")
    return Decoded(text, name, how="detected", warnings=warnings)
