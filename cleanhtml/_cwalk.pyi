# The compiled census walk (cleanhtml/_cwalk.pyx, built by setup.py).
from collections.abc import Collection

from lxml import etree

from cleanhtml.census import Census

BUILT_FOR: tuple[str, int]

def fill(census: Census, root: etree._Element, text: str | None) -> bool: ...
def block_in_closing_inline(root: etree._Element) -> bool: ...
def may_empty(
    root: etree._Element, present: tuple[str, ...], removable: tuple[str, ...]
) -> list[etree._Element] | None: ...
def blank_line_runs(
    root: etree._Element, present: Collection[str], names: Collection[str]
) -> tuple[list[etree._Element], list[etree._Element]] | None: ...
def empty_edits(
    root: etree._Element,
    present: Collection[str],
    removable: Collection[str],
    inline: Collection[str],
) -> tuple[list[etree._Element], list[etree._Element], int] | None: ...
def gathered(root: etree._Element, kinds: dict[str, int]) -> str | None: ...
def references(data: bytes) -> set[bytes]: ...
