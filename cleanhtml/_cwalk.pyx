# cython: language_level=3, boundscheck=False, wraparound=False
"""The census walk over libxml2's nodes in C (optional; built by setup.py with Cython).

:func:`fill` gives the very census :func:`cleanhtml._walk.fill` gives, but reads the
tree's C structures (node types, names, attributes) instead of asking lxml for a
Python object of each tag, attribute list and child: lxml's own ``iter()``,
``.tag``, ``items()``, ``len()`` and ``[-1]`` are written here over the same fields,
and a node's Python proxy is made (by lxml's public C-API ``elementFactory``) only
for what the census holds. What it cannot answer as lxml would, it does not try: on a
namespaced element or attribute, a repeated attribute name, an attribute value that is
not one text node, an entity reference, or a tree that is not an HTML document, :func:`fill` returns False
and the caller walks in Python.

lxml's structures differ between its versions: this module is compiled against the
lxml of the build and refuses to import (ImportError) under any other lxml or libxml2
version; cleanhtml.census then uses the Python walk.
"""

from cpython.mem cimport PyMem_Free, PyMem_Realloc
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.string cimport memcpy, memset, strchr, strcmp, strlen, strncmp, strstr

from lxml.includes cimport tree
from lxml.includes.tree cimport const_xmlChar, xmlAttr, xmlNode
from lxml.includes.etreepublic cimport _Document, _Element, elementFactory, import_lxml__etree


cdef extern from "lxml-version.h":
    cdef char* LXML_VERSION_STRING

cdef extern from "libxml/xmlversion.h":
    cdef int LIBXML_VERSION


from lxml import etree

BUILT_FOR = (LXML_VERSION_STRING.decode("ascii"), LIBXML_VERSION)
"""The lxml version and libxml2 version number this module was compiled against."""

_running = (etree.__version__, etree.LIBXML_VERSION[0] * 10000 + etree.LIBXML_VERSION[1] * 100
            + etree.LIBXML_VERSION[2])
if _running != BUILT_FOR:
    raise ImportError(f"cleanhtml._cwalk was built for lxml/libxml2 {BUILT_FOR}, not {_running}")

import_lxml__etree()

from cleanhtml._walk import (
    _CDATA,
    _ON,
    ALWAYS_FLAGGED,
    BLOCKS,
    CLOSED_BY_BLOCK,
    COMMENT,
    KEPT_MAX,
    OPT_OUT,
    PHRASING,
    QUOTE_HOST,
    _comment,
)

_OPENING = frozenset(PHRASING | CLOSED_BY_BLOCK.keys() | {"p"})
_NONE = frozenset()
cdef bytes _QUOTE_HOST = QUOTE_HOST.encode("ascii")
cdef Py_ssize_t _KEPT_MAX = KEPT_MAX
cdef frozenset _BLOCKS = BLOCKS


cdef enum:
    _CACHED = 64  # (names met, by address: libxml2 keeps one copy of each in its dict)


cdef struct _Names:
    const_xmlChar* keys[_CACHED]
    void* values[_CACHED]  # (str, held by the walk's list ``held``)


cdef inline str _name(_Names* cache, list held, const_xmlChar* c_name):
    """``_text(c_name)``, the same str object for the same address while it stays cached
    (a name's text is hashed once, not at every element)."""
    cdef size_t slot = ((<size_t>c_name) >> 3) % _CACHED
    cdef str text
    if cache.keys[slot] is c_name:
        return <str>cache.values[slot]
    text = _text(c_name)
    held.append(text)
    cache.keys[slot] = c_name
    cache.values[slot] = <void*>text
    return text


class _Bail(Exception):
    """This walk cannot tell as lxml would: the Python walk must."""


cdef inline bint _element_like(xmlNode* c_node) noexcept:
    """lxml's _isElement: what iter(), len() and [i] count."""
    return (c_node.type == tree.XML_ELEMENT_NODE or c_node.type == tree.XML_COMMENT_NODE
            or c_node.type == tree.XML_ENTITY_REF_NODE or c_node.type == tree.XML_PI_NODE)


cdef inline xmlNode* _first_child(xmlNode* c_node) noexcept:
    """The first child iter() goes to (only elements are entered)."""
    cdef xmlNode* c_child
    if c_node.type != tree.XML_ELEMENT_NODE:
        return NULL
    c_child = c_node.children
    while c_child is not NULL and not _element_like(c_child):
        c_child = c_child.next
    return c_child


cdef inline xmlNode* _last_child(xmlNode* c_node) noexcept:
    """``node[-1]`` (NULL when ``len(node)`` is 0)."""
    cdef xmlNode* c_child = c_node.last
    while c_child is not NULL and not _element_like(c_child):
        c_child = c_child.prev
    return c_child


cdef inline xmlNode* _deepest(xmlNode* c_node) noexcept:
    """The last node inside ``c_node`` (which has children): census._walk._deepest."""
    cdef xmlNode* c_last = _last_child(c_node)
    cdef xmlNode* c_next = _last_child(c_last)
    while c_next is not NULL:
        c_last = c_next
        c_next = _last_child(c_last)
    return c_last


cdef inline xmlNode* _next_node(xmlNode* c_node, xmlNode* c_top) noexcept:
    """The node after ``c_node`` in ``c_top.iter()``, or NULL."""
    cdef xmlNode* c_next = _first_child(c_node)
    if c_next is not NULL:
        return c_next
    while c_node is not c_top and c_node is not NULL:
        c_next = c_node.next
        while c_next is not NULL:
            if _element_like(c_next):
                return c_next
            c_next = c_next.next
        c_node = c_node.parent
    return NULL


cdef inline str _text(const_xmlChar* c_text):
    return PyUnicode_DecodeUTF8(<const char*>c_text, strlen(<const char*>c_text), NULL)


cdef inline const_xmlChar* _value(xmlAttr* c_attr) except? NULL:
    """The attribute's value as lxml reads it (xmlGetNsProp: one text child's content,
    or "" without a child); anything else bails out."""
    cdef xmlNode* c_child = c_attr.children
    if c_child is NULL:
        return <const_xmlChar*>b""
    if c_child.next is not NULL or c_child.type != tree.XML_TEXT_NODE or c_child.content is NULL:
        raise _Bail()
    return c_child.content


cdef inline bint _plain_url(const_xmlChar* c_value) noexcept:
    return (strncmp(<const char*>c_value, "http://", 7) == 0
            or strncmp(<const char*>c_value, "https://", 8) == 0)


def fill(census, root, text):
    """:func:`cleanhtml._walk.fill`, and True; or False, when this walk cannot tell as
    lxml would (see above; ``census`` is then half filled: the caller drops it)."""
    try:
        return _fill(census, root, text)
    except _Bail:
        return False


cdef bint _fill(census, _Element root, text) except -1:
    cdef _Element top = root.getroottree().getroot()
    cdef _Document doc = top._doc
    cdef xmlNode* c_top = top._c_node
    cdef xmlNode* c_node
    cdef xmlAttr* c_attr
    cdef xmlAttr* c_other
    cdef const_xmlChar* c_value
    cdef xmlNode* paragraph_end = NULL  # the last node inside the open <p>
    cdef xmlNode* inline_end = NULL  # the last node inside the open <b>, <a>...
    cdef xmlNode* phrasing_end = NULL  # the last node inside the open <span>...
    cdef bint has_href = False, quote_links = False, hold, has_children
    cdef Py_ssize_t count = 0
    cdef object node, value, by_name
    cdef str tag, name
    cdef set tags, classes, ids
    cdef dict names
    cdef list classed, ided, flagged, nodes
    cdef list held = []
    cdef _Names cache
    memset(&cache, 0, sizeof(cache))
    if doc._c_doc.type != tree.XML_HTML_DOCUMENT_NODE:
        return False
    read_comments = text is None or OPT_OUT in text or _CDATA in text
    tags = census.tags
    names = {}
    classes, ids = census.classes, census.ids
    classed = []
    ided = []
    flagged = census.flagged
    phrasing = PHRASING  # (emptied once a block is found inside one)
    closing = CLOSED_BY_BLOCK  # (the same)
    opening = _OPENING
    for node in [*top.itersiblings(preceding=True), *top.itersiblings()]:
        if isinstance(node, etree._Comment):
            if read_comments:
                _comment(census, node)
            else:
                tags.add(COMMENT)
    # the proxies of the first KEPT_MAX + 1 nodes are held (census.nodes when all fit)
    nodes = []
    hold = True
    c_node = c_top
    while c_node is not NULL:
        node = None
        if hold:
            node = elementFactory(doc, c_node)
            nodes.append(node)
            count += 1
            if count > _KEPT_MAX:
                hold = False
                nodes = None
        if c_node.type != tree.XML_ELEMENT_NODE:
            if c_node.type == tree.XML_ENTITY_REF_NODE:
                raise _Bail()  # (never parsed from HTML; its children are a declaration)
            if c_node.type == tree.XML_COMMENT_NODE:
                if read_comments:
                    _comment(census, node if node is not None else elementFactory(doc, c_node))
                else:
                    tags.add(COMMENT)
            if c_node is paragraph_end:
                paragraph_end = NULL
            if c_node is inline_end:
                inline_end = NULL
            if c_node is phrasing_end:
                phrasing_end = NULL
            c_node = _next_node(c_node, c_top)
            continue
        if c_node.ns is not NULL:
            raise _Bail()
        tag = _name(&cache, held, c_node.name)
        tags.add(tag)
        if phrasing_end is NULL and inline_end is NULL and paragraph_end is NULL:
            # outside every element tracked (most nodes): one test, whether one opens
            if tag in opening and _last_child(c_node) is not NULL:
                if tag in phrasing:
                    phrasing_end = _deepest(c_node)
                if tag in closing:
                    inline_end = _deepest(c_node)
                if tag == "p":
                    paragraph_end = _deepest(c_node)
        else:
            has_children = _last_child(c_node) is not NULL
            if phrasing_end is not NULL:
                if tag in _BLOCKS:
                    census.block_in_phrasing = True
                    phrasing, phrasing_end = _NONE, NULL  # (found: no need to look further)
                    opening = _opening(phrasing, closing)
                elif c_node is phrasing_end:
                    phrasing_end = NULL
            elif has_children and tag in phrasing:
                phrasing_end = _deepest(c_node)
            if inline_end is not NULL:
                if tag == "p" or tag == "table":
                    census.block_in_inline = True
                    closing, inline_end = _NONE, NULL  # (found)
                    opening = _opening(phrasing, closing)
                elif c_node is inline_end:
                    inline_end = NULL
            elif has_children and tag in closing:
                inline_end = _deepest(c_node)
            if paragraph_end is not NULL:
                if tag in _BLOCKS:
                    census.block_in_paragraph = True
                if c_node is paragraph_end:
                    paragraph_end = NULL
            elif has_children and tag == "p":
                paragraph_end = _deepest(c_node)
        c_attr = c_node.properties
        while c_attr is not NULL:
            if c_attr.ns is not NULL or c_attr.type != tree.XML_ATTRIBUTE_NODE:
                raise _Bail()
            c_other = c_node.properties
            while c_other is not c_attr:  # (lxml reads a repeated name's first value)
                if strcmp(<const char*>c_other.name, <const char*>c_attr.name) == 0:
                    raise _Bail()
                c_other = c_other.next
            c_value = _value(c_attr)
            if node is None:
                node = elementFactory(doc, c_node)
            # class first (a third of a page's attributes), then href and id
            if strcmp(<const char*>c_attr.name, "class") == 0:
                value = _text(c_value)
                classes.add(value)
                if len(classed) <= _KEPT_MAX:
                    classed.append((node, value))
                c_attr = c_attr.next
                continue  # class and id: never flagged (text to the safety rule)
            if strcmp(<const char*>c_attr.name, "href") == 0:
                has_href = True
                if not quote_links and strstr(<const char*>c_value, _QUOTE_HOST) is not NULL:
                    quote_links = True
                name = "href"
            elif strcmp(<const char*>c_attr.name, "id") == 0:
                value = _text(c_value)
                ids.add(value)
                if len(ided) <= _KEPT_MAX:
                    ided.append((node, value))
                c_attr = c_attr.next
                continue
            else:
                name = _name(&cache, held, c_attr.name)
                by_name = names.get(name)
                if by_name is None:  # (no other characters lower-case to "on")
                    by_name = names[name] = name in ALWAYS_FLAGGED or name[:2] in _ON
                if by_name:
                    flagged.append((node, name, _text(c_value)))
                    c_attr = c_attr.next
                    continue
            # (":" or "&" in the value, not a plain URL: a value without ":" is not one)
            if strchr(<const char*>c_value, c':') is not NULL:
                if not _plain_url(c_value):
                    flagged.append((node, name, _text(c_value)))
            elif strchr(<const char*>c_value, c'&') is not NULL:
                flagged.append((node, name, _text(c_value)))
            c_attr = c_attr.next
        c_node = _next_node(c_node, c_top)
    census.nodes = nodes
    attributes = census.attributes
    attributes.update(names)
    if classed:
        attributes.add("class")
    if ided:
        attributes.add("id")
    if has_href:
        attributes.add("href")
    census.quote_links = quote_links
    census.classed = classed if len(classed) <= KEPT_MAX else None
    census.ided = ided if len(ided) <= KEPT_MAX else None
    return True


def _opening(phrasing, closing):
    return frozenset(
        name for name in _OPENING if name == "p" or name in phrasing or name in closing
    )


cdef inline bint _named(xmlNode* c_node, const char* name) noexcept:
    """An element of no namespace named ``name``: what an XPath name test matches."""
    return (c_node.type == tree.XML_ELEMENT_NODE and c_node.ns is NULL
            and strcmp(<const char*>c_node.name, name) == 0)


cdef inline bint _closing_parent(xmlNode* c_node) noexcept:
    """``parent::b or parent::i or ... parent::strike`` (:data:`CLOSED_BY_BLOCK`'s "p")."""
    cdef xmlNode* c_parent = c_node.parent
    if c_parent is NULL or c_parent.type != tree.XML_ELEMENT_NODE or c_parent.ns is not NULL:
        return False
    return (_named(c_parent, "b") or _named(c_parent, "i") or _named(c_parent, "u")
            or _named(c_parent, "s") or _named(c_parent, "small") or _named(c_parent, "big")
            or _named(c_parent, "tt") or _named(c_parent, "strike"))


def block_in_closing_inline(_Element root):
    """:func:`cleanhtml.census.block_in_closing_inline`: whether the XPath ``//p[parent::b
    or parent::i or parent::u or parent::s or parent::small or parent::big or parent::tt
    or parent::strike] | //table[parent::a]`` finds a node in ``root``'s document,
    answered by one walk over its nodes in C (the XPath costs ~1,500 instructions an
    element)."""
    cdef xmlNode* c_node = <xmlNode*>root._doc._c_doc
    cdef xmlNode* c_next
    # every node of the document in document order ("//": descendant-or-self of the
    # document node); only elements have element children
    c_node = c_node.children
    while c_node is not NULL:
        if c_node.type == tree.XML_ELEMENT_NODE:
            if _named(c_node, "p"):
                if _closing_parent(c_node):
                    return True
            elif _named(c_node, "table"):
                if c_node.parent is not NULL and _named(c_node.parent, "a"):
                    return True
            if c_node.children is not NULL:
                c_node = c_node.children
                continue
        while c_node is not NULL and c_node.next is NULL:
            c_node = c_node.parent
            if c_node is not NULL and c_node.type != tree.XML_ELEMENT_NODE:
                c_node = NULL  # (back at the document node: done)
        if c_node is not NULL:
            c_node = c_node.next
    return False


cdef inline bint _blank_text(const_xmlChar* c_text) noexcept:
    """Whether the UTF-8 ``c_text`` holds only characters of treeops.WHITESPACE (space,
    tab, LF, CR, FF, VT, U+3000, NBSP, U+200B, U+FEFF): ``not text.strip(WHITESPACE)``."""
    cdef const unsigned char* c = <const unsigned char*>c_text
    if c is NULL:
        return True
    while c[0] != 0:
        if c[0] == 0x20 or (0x09 <= c[0] <= 0x0D):
            c += 1
        elif c[0] == 0xC2 and c[1] == 0xA0:
            c += 2
        elif ((c[0] == 0xE3 and c[1] == 0x80 and c[2] == 0x80)
              or (c[0] == 0xE2 and c[1] == 0x80 and c[2] == 0x8B)
              or (c[0] == 0xEF and c[1] == 0xBB and c[2] == 0xBF)):
            c += 3
        else:
            return False
    return True


cdef enum:
    _REMOVABLE = 1  # the name is one of ``removable``
    _PRESENT = 2  # ... and of ``present``


cdef struct _Kinds:
    const_xmlChar* keys[_CACHED]
    int values[_CACHED]


cdef inline int _kind(_Kinds* cache, xmlNode* c_node, frozenset removable, frozenset present):
    """_REMOVABLE | _PRESENT as ``c_node``'s (element, no namespace) name is in each."""
    cdef const_xmlChar* c_name = c_node.name
    cdef size_t slot = ((<size_t>c_name) >> 3) % _CACHED
    cdef int kind = 0
    cdef str name
    if cache.keys[slot] is c_name:
        return cache.values[slot]
    name = _text(c_name)
    if name in removable:
        kind = _REMOVABLE
        if name in present:
            kind |= _PRESENT
    cache.keys[slot] = c_name
    cache.values[slot] = kind
    return kind


cdef class _Stack:
    """Nodes by depth (``nodes[d]``, ``lo <= d < hi``): a chain of ancestors."""
    cdef xmlNode** nodes
    cdef Py_ssize_t size, lo, hi

    def __dealloc__(self):
        PyMem_Free(self.nodes)

    cdef int reserve(self, Py_ssize_t depth) except -1:
        cdef Py_ssize_t size
        cdef xmlNode** grown
        if depth < self.size:
            return 0
        size = max(depth + 1, self.size * 2, 64)
        grown = <xmlNode**>PyMem_Realloc(self.nodes, size * sizeof(xmlNode*))
        if grown is NULL:
            raise MemoryError()
        self.nodes, self.size = grown, size
        return 0


def may_empty(_Element root, present, removable):
    """:func:`cleanhtml.rules.whitespace._may_empty`'s list, from one walk in C: each
    element of ``root.iter(*present)`` (``present``: those of ``removable`` that may be
    in the tree) without children whose text is blank, and its ancestors named in
    ``removable`` up to the first that is not, children before parents (reversed
    document order), the climb from each leaf stopping where the climb from the leaf
    after it already went. None when it cannot tell as lxml would (an element of a
    removable name in the empty namespace, a leaf holding a node other than text): the
    caller then asks lxml in Python."""
    return _may_empty(root, present, removable, False)


cdef list _may_empty(_Element root, present, removable, bint keys):
    """:func:`may_empty`; with ``keys``, the nodes' addresses instead of proxies."""
    cdef _Document doc = root._doc
    cdef xmlNode* c_top = root._c_node
    cdef xmlNode* c_node = c_top
    cdef xmlNode* c_child
    cdef Py_ssize_t depth = 0
    cdef bint leaf
    cdef int kind
    cdef frozenset removable_ = frozenset(removable), present_ = frozenset(present)
    cdef list order = []
    cdef _Stack stack = _Stack()
    cdef _Kinds cache
    memset(&cache, 0, sizeof(cache))
    # root.iter() in reverse: the last node inside each element first, the element last
    c_child = _last_child(c_node)
    while c_child is not NULL and c_node.type == tree.XML_ELEMENT_NODE:
        c_node, depth = c_child, depth + 1
        c_child = _last_child(c_node)
    while True:
        if c_node.type == tree.XML_ELEMENT_NODE:
            kind = _kind(&cache, c_node, removable_, present_)
            if kind and c_node.ns is not NULL:
                # a name test of no namespace matches one of the empty name ("{}p"),
                # which is not a tag of REMOVABLE_WHEN_EMPTY: left to lxml
                if c_node.ns.href is NULL or c_node.ns.href[0] == 0:
                    return None
                kind = 0  # ("{uri}p": neither matched nor removable)
            leaf = kind & _PRESENT and _last_child(c_node) is NULL
            if leaf:
                c_child = c_node.children
                while c_child is not NULL:
                    if c_child.type != tree.XML_TEXT_NODE and c_child.type != tree.XML_CDATA_SECTION_NODE:
                        return None
                    if not _blank_text(c_child.content):
                        leaf = False
                        break
                    c_child = c_child.next
            if leaf:
                _climb(doc, c_node, depth, c_top, stack, order, &cache, removable_, present_,
                       keys)
        if c_node is c_top:
            break
        c_child = c_node.prev
        while c_child is not NULL and not _element_like(c_child):
            c_child = c_child.prev
        if c_child is NULL:
            c_node, depth = c_node.parent, depth - 1
            continue
        c_node = c_child
        c_child = _last_child(c_node)
        while c_child is not NULL and c_node.type == tree.XML_ELEMENT_NODE:
            c_node, depth = c_child, depth + 1
            c_child = _last_child(c_node)
    while stack.hi > stack.lo:
        stack.hi -= 1
        order.append(_emit(doc, stack.nodes[stack.hi], keys))
    return order


cdef inline object _emit(_Document doc, xmlNode* c_node, bint keys):
    return <size_t>c_node if keys else elementFactory(doc, c_node)


cdef int _climb(_Document doc, xmlNode* c_leaf, Py_ssize_t depth, xmlNode* c_top,
                _Stack stack, list order, _Kinds* cache, frozenset removable,
                frozenset present, bint keys) except -1:
    """One leaf of :func:`may_empty`: its climb, the open ancestors that do not hold it
    emitted, the leaf, the climbed ancestors opened."""
    cdef xmlNode* c_up = NULL
    cdef xmlNode* c_meet = NULL
    cdef Py_ssize_t up_depth = depth, top_depth = depth  # (climbed: top_depth..depth-1)
    if c_leaf is not c_top:
        c_up, up_depth = c_leaf.parent, depth - 1
    while (c_up is not NULL and c_up.type == tree.XML_ELEMENT_NODE and c_up.ns is NULL
           and _kind(cache, c_up, removable, present) & _REMOVABLE):
        if stack.lo <= up_depth < stack.hi and stack.nodes[up_depth] is c_up:
            c_meet = c_up
            break
        top_depth = up_depth
        if c_up is c_top:
            break
        c_up, up_depth = c_up.parent, up_depth - 1
    while stack.hi > stack.lo and (c_meet is NULL or stack.nodes[stack.hi - 1] is not c_meet):
        stack.hi -= 1
        order.append(_emit(doc, stack.nodes[stack.hi], keys))
    order.append(_emit(doc, c_leaf, keys))
    if c_meet is NULL:
        stack.lo = top_depth
    stack.hi = depth
    stack.reserve(depth)
    c_up, up_depth = c_leaf, depth
    while up_depth > top_depth:
        c_up, up_depth = c_up.parent, up_depth - 1
        stack.nodes[up_depth] = c_up
    return 0


cdef inline int _blank_lines(xmlNode* c_text) except -2:
    """Whether the run of text nodes from ``c_text`` (lxml's ``.text`` or ``.tail`` of the
    node before it) holds only " \\t\\n\\r\\f" and two line breaks or more: 1 or 0; -1
    when lxml would read it otherwise (an XInclude marker in the run)."""
    cdef const unsigned char* c
    cdef int breaks = 0
    while c_text is not NULL:
        if c_text.type == tree.XML_TEXT_NODE or c_text.type == tree.XML_CDATA_SECTION_NODE:
            c = <const unsigned char*>c_text.content
            if c is not NULL:
                while c[0] != 0:
                    if c[0] == 0x0A:
                        breaks += 1
                    elif not (c[0] == 0x20 or c[0] == 0x09 or c[0] == 0x0D or c[0] == 0x0C):
                        return 0
                    c += 1
        elif c_text.type == tree.XML_XINCLUDE_START or c_text.type == tree.XML_XINCLUDE_END:
            return -1
        else:
            break
        c_text = c_text.next
    return breaks > 1


def blank_line_runs(_Element root, present, names):
    """What :func:`cleanhtml.rules.whitespace.tidy_blank_lines` rewrites, from one walk
    in C: the elements of ``root.iter(*present)`` (``present``: those of ``names`` that
    may be in the tree) whose text holds only spaces and two line breaks or more, and
    the children of those elements whose tail does, each in document order. None when
    it cannot tell as lxml would (an element of one of ``names`` in the empty namespace,
    an XInclude marker)."""
    cdef _Document doc = root._doc
    cdef xmlNode* c_top = root._c_node
    cdef xmlNode* c_node = c_top
    cdef xmlNode* c_child
    cdef int kind, runs
    cdef frozenset names_ = frozenset(names), present_ = frozenset(present)
    cdef list texts = [], tails = []
    cdef _Kinds cache
    memset(&cache, 0, sizeof(cache))
    while c_node is not NULL:
        if c_node.type == tree.XML_ELEMENT_NODE:
            kind = _kind(&cache, c_node, names_, present_)
            if kind and c_node.ns is not NULL:
                if c_node.ns.href is NULL or c_node.ns.href[0] == 0:
                    return None  # (as in may_empty)
                kind = 0
            if kind & _PRESENT:
                runs = _blank_lines(c_node.children)
                if runs < 0:
                    return None
                if runs:
                    texts.append(elementFactory(doc, c_node))
                c_child = c_node.children
                while c_child is not NULL:
                    if _element_like(c_child):
                        runs = _blank_lines(c_child.next)
                        if runs < 0:
                            return None
                        if runs:
                            tails.append(elementFactory(doc, c_child))
                    c_child = c_child.next
        c_node = _next_node(c_node, c_top)
    return texts, tails


cdef inline object _key(xmlNode* c_node):
    return <size_t>c_node


cdef inline bint _inline(_Kinds* cache, xmlNode* c_node, frozenset inline):
    """An element of no namespace named in ``inline`` (``tag in INLINE``)."""
    return (c_node.type == tree.XML_ELEMENT_NODE and c_node.ns is NULL
            and _kind(cache, c_node, inline, inline) != 0)


cdef inline int _run(xmlNode* c_text) except -2:
    """The run of text nodes from ``c_text`` (lxml's ``.text``/``.tail``): 0 empty, 1 blank
    but not empty, 2 not blank (treeops.WHITESPACE); bails on an XInclude marker."""
    cdef int found = 0
    while c_text is not NULL:
        if c_text.type == tree.XML_TEXT_NODE or c_text.type == tree.XML_CDATA_SECTION_NODE:
            if c_text.content is not NULL and c_text.content[0] != 0:
                if not _blank_text(c_text.content):
                    return 2
                found = 1
        elif c_text.type == tree.XML_XINCLUDE_START or c_text.type == tree.XML_XINCLUDE_END:
            raise _Bail()
        else:
            break
        c_text = c_text.next
    return found


cdef bint _blank_inside(xmlNode* c_node) except -1:
    """``is_blank(text_of(el))``: every text node inside (through elements) is blank
    (what ``itertext()`` reads: texts and tails, not comments' text)."""
    cdef xmlNode* c_child = c_node.children
    while c_child is not NULL:
        if c_child.type == tree.XML_TEXT_NODE or c_child.type == tree.XML_CDATA_SECTION_NODE:
            if not _blank_text(c_child.content):
                return False
        elif c_child.type == tree.XML_ELEMENT_NODE:
            if not _blank_inside(c_child):
                return False
        elif c_child.type != tree.XML_COMMENT_NODE and c_child.type != tree.XML_PI_NODE:
            raise _Bail()  # (an entity reference, an XInclude marker: lxml reads those)
        c_child = c_child.next
    return True


cdef inline xmlNode* _next_sibling(xmlNode* c_node) noexcept:
    c_node = c_node.next
    while c_node is not NULL and not _element_like(c_node):
        c_node = c_node.next
    return c_node


cdef inline xmlNode* _previous_sibling(xmlNode* c_node) noexcept:
    c_node = c_node.prev
    while c_node is not NULL and not _element_like(c_node):
        c_node = c_node.prev
    return c_node


cdef inline bint _parent_element(xmlNode* c_node) noexcept:
    return c_node.parent is not NULL and _element_like(c_node.parent)


cdef bint _text_after(xmlNode* c_el, dict seen, set gone, _Kinds* cache,
                      frozenset inline) except -1:
    """whitespace._text_after, ``seen`` and ``gone`` keyed by node address."""
    cdef xmlNode* c_sibling
    cdef list walked = []
    cdef object known, key
    cdef bint found = False
    if _run(c_el.next) == 2:
        return True
    c_sibling = _next_sibling(c_el)
    while c_sibling is not NULL:
        key = _key(c_sibling)
        known = seen.get(key)
        if known is not None:
            found = known
            break
        if key in gone:
            if _run(c_sibling.next) == 2:
                found = True
                break
            walked.append(key)
            c_sibling = _next_sibling(c_sibling)
            continue
        if not _inline(cache, c_sibling, inline):
            break
        if not _blank_inside(c_sibling) or _run(c_sibling.next) == 2:
            found = True
            break
        walked.append(key)
        c_sibling = _next_sibling(c_sibling)
    for key in walked:
        seen[key] = found
    return found


cdef bint _text_before(xmlNode* c_el, _Kinds* cache, frozenset inline) except -1:
    """whitespace._text_before."""
    cdef xmlNode* c_sibling = _previous_sibling(c_el)
    while c_sibling is not NULL:
        if _run(c_sibling.next) == 2:
            return True
        if not _inline(cache, c_sibling, inline):
            return False
        if not _blank_inside(c_sibling):
            return True
        c_sibling = _previous_sibling(c_sibling)
    return _parent_element(c_el) and _run(c_el.parent.children) == 2


def empty_edits(_Element root, present, removable, inline):
    """What :func:`cleanhtml.rules.whitespace.remove_empty_elements` removes, decided in
    C over :func:`may_empty`'s list: (the elements to drop, those to unwrap, the edit
    count), as its Python loop decides them; None when it cannot tell as lxml would."""
    cdef _Document doc = root._doc
    cdef xmlNode* c_top = root._c_node
    cdef xmlNode* c_el
    cdef xmlNode* c_child
    cdef Py_ssize_t edits = 0, waiting, children
    cdef int text, part
    cdef object key, parent, count
    cdef frozenset inline_ = frozenset(inline)
    cdef list to_drop = [], to_unwrap = [], dropped = [], unwrapped_ = []
    cdef set gone = set(), unwrapped = set()
    cdef dict going = {}, seen = {}
    cdef _Kinds cache
    cdef list order = _may_empty(root, present, removable, True)
    if order is None:
        return None
    memset(&cache, 0, sizeof(cache))
    try:
        for key in order:
            c_el = <xmlNode*><size_t>key
            count = going.get(key)
            if count is None:
                if _last_child(c_el) is not NULL:
                    continue
                text = _run(c_el.children)
            else:
                waiting = count
                children = 0
                c_child = c_el.children
                while c_child is not NULL:
                    if _element_like(c_child):
                        children += 1
                    c_child = c_child.next
                if children > waiting:
                    continue
                # _text_left: its text, the text of each child unwrapped, each tail
                text = _run(c_el.children)
                c_child = _last_child(c_el)
                while c_child is not NULL and text != 2:
                    if _key(c_child) in unwrapped:
                        text = text or 1
                    part = _run(c_child.next)
                    if part > text:
                        text = part
                    c_child = _previous_sibling(c_child)
            if text == 2 or c_el is c_top:
                continue
            if _named(c_el, "a"):
                node = elementFactory(doc, c_el)
                if node.get("id") or node.get("name"):
                    continue
            if _inline(&cache, c_el, inline_):
                if text:
                    to_unwrap.append(key)
                    unwrapped.add(key)
                else:
                    to_drop.append(key)
                    gone.add(key)
            elif _text_after(c_el, seen, gone, &cache, inline_) and _text_before(c_el, &cache, inline_):
                continue
            else:
                to_drop.append(key)
                gone.add(key)
            parent = _key(c_el.parent) if _parent_element(c_el) else None
            going[parent] = going.get(parent, 0) + 1
            edits += 1
    except _Bail:
        return None
    for key in to_drop:
        c_el = <xmlNode*><size_t>key
        if not (_parent_element(c_el) and _key(c_el.parent) in gone):
            dropped.append(elementFactory(doc, c_el))
    for key in to_unwrap:
        c_el = <xmlNode*><size_t>key
        if not (_parent_element(c_el) and _key(c_el.parent) in gone):
            unwrapped_.append(elementFactory(doc, c_el))
    return dropped, unwrapped_, edits


# --- the text renderer's gathered text (cleanhtml.render.text._gathered) ----------------

cdef enum:
    _OTHER = 0
    _BLOCK = 1
    _SKIP = 2
    _CELL = 3
    _BR = 4
    _ROW = 5
    _PRE = 6


cdef struct _Templates:
    const_xmlChar* keys[_CACHED]
    int values[_CACHED]


cdef struct _Out:
    char* data
    Py_ssize_t size
    Py_ssize_t used
    bint edge  # after a block edge: edges and " \t\n\r\f" that follow it are dropped
    int* rows  # cells started in each open row (rows[0]: outside every row)
    Py_ssize_t depth  # rows open
    Py_ssize_t room  # rows' room


cdef int _template(_Templates* cache, dict kinds, const_xmlChar* c_name) except -1:
    """The template a name takes (``kinds``: name -> kind), cached by the name's address."""
    cdef size_t slot = ((<size_t>c_name) >> 3) % _CACHED
    cdef int kind
    if cache.keys[slot] is c_name:
        return cache.values[slot]
    kind = kinds.get(_text(c_name), _OTHER)
    cache.keys[slot] = c_name
    cache.values[slot] = kind
    return kind


cdef int _grow(_Out* out, Py_ssize_t more) except -1:
    cdef Py_ssize_t size = out.size
    cdef char* data
    if out.used + more <= size:
        return 0
    while size < out.used + more:
        size = size * 2 if size else 4096
    data = <char*>PyMem_Realloc(out.data, size)
    if data is NULL:
        raise MemoryError()
    out.data, out.size = data, size
    return 0


cdef inline int _put(_Out* out, char byte) except -1:
    if out.used == out.size:
        _grow(out, 1)
    out.data[out.used] = byte
    out.used += 1
    return 0


cdef inline int _edge(_Out* out) except -1:
    if not out.edge:
        _put(out, 4)  # BLOCK
        out.edge = True
    return 0


cdef inline bint _edge_space(char byte) noexcept:
    return byte == c' ' or byte == c'\t' or byte == c'\n' or byte == c'\r' or byte == c'\f'


cdef int _put_text(_Out* out, const char* text, bint pre) except -1:
    cdef Py_ssize_t size = strlen(text)
    cdef Py_ssize_t at = 0
    cdef char byte
    if not pre:
        if out.edge:
            while at < size and _edge_space(text[at]):
                at += 1
            if at == size:
                return 0
            out.edge = False
        _grow(out, size - at)
        memcpy(out.data + out.used, text + at, size - at)
        out.used += size - at
        return 0
    _grow(out, size)
    while at < size:
        byte = text[at]
        at += 1
        if out.edge and (byte == c'\r' or byte == c'\f'):
            continue
        out.edge = False
        if byte == c'\n':
            byte = 0  # BR
        elif byte == c' ':
            byte = 2  # PRE_SPACE
        elif byte == c'\t':
            byte = 3  # PRE_TAB
        out.data[out.used] = byte
        out.used += 1
    return 0


cdef int _start(_Out* out, int kind, int* pre) except -1:
    """What an element's template writes before its children."""
    cdef int* rows
    if kind == _BLOCK:
        _edge(out)
    elif kind == _CELL:
        if out.rows[out.depth]:
            _put(out, 1)  # CELL
            out.edge = False
        out.rows[out.depth] += 1
    elif kind == _BR:
        _put(out, 0)  # BR
        out.edge = False
    elif kind == _ROW:
        _edge(out)
        if out.depth + 1 == out.room:
            rows = <int*>PyMem_Realloc(out.rows, 2 * out.room * sizeof(int))
            if rows is NULL:
                raise MemoryError()
            out.rows, out.room = rows, 2 * out.room
        out.depth += 1
        out.rows[out.depth] = 0
    elif kind == _PRE:
        _edge(out)
        pre[0] += 1
    return 0


cdef int _end(_Out* out, int kind, int* pre) except -1:
    """What an element's template writes after its children."""
    if kind == _BLOCK:
        _edge(out)
    elif kind == _ROW:
        _edge(out)
        out.depth -= 1
    elif kind == _PRE:
        _edge(out)
        pre[0] -= 1
    return 0


def gathered(_Element root, dict kinds):
    """:func:`cleanhtml.render.text._gathered` for a tree whose text holds none of the
    stylesheet's marks, by one walk over libxml2's nodes: the stylesheet's templates
    (``kinds``: an element name -> 1 block, 2 skipped, 3 cell, 4 ``br``, 5 ``tr``,
    6 ``pre``) and the edits ``_gathered`` makes of its output, written at once with
    the text's own marks (BLOCK, BR, CELL, PRE_SPACE, PRE_TAB), so no text can be
    mistaken for one. None where the stylesheet would read the tree otherwise (a
    namespaced element, an entity reference or CDATA node): the caller runs it."""
    cdef _Out out
    cdef _Templates cache
    cdef xmlNode* c_root = root._c_node
    cdef xmlNode* c_node = c_root
    cdef int kind
    cdef int pre = 0
    if c_root.type != tree.XML_ELEMENT_NODE:
        return None
    memset(&out, 0, sizeof(out))
    memset(&cache, 0, sizeof(cache))
    out.rows = <int*>PyMem_Realloc(NULL, 16 * sizeof(int))
    if out.rows is NULL:
        raise MemoryError()
    out.room = 16
    out.rows[0] = 0
    try:
        while True:
            if c_node.type == tree.XML_ELEMENT_NODE:
                if c_node.ns is not NULL:
                    return None
                kind = _template(&cache, kinds, c_node.name)
                if kind != _SKIP:
                    _start(&out, kind, &pre)
                    if c_node.children is not NULL:
                        c_node = c_node.children
                        continue
                    _end(&out, kind, &pre)
            elif c_node.type == tree.XML_TEXT_NODE:
                if c_node.content is not NULL:
                    _put_text(&out, <const char*>c_node.content, pre > 0)
            elif c_node.type != tree.XML_COMMENT_NODE and c_node.type != tree.XML_PI_NODE:
                return None
            # on: the next sibling, or up, ending each element left
            while True:
                if c_node is c_root:
                    try:
                        return PyUnicode_DecodeUTF8(out.data, out.used, NULL)
                    except UnicodeDecodeError:  # (libxml2 keeps UTF-8: never seen)
                        return None
                if c_node.next is not NULL:
                    c_node = c_node.next
                    break
                c_node = c_node.parent
                _end(&out, _template(&cache, kinds, c_node.name), &pre)
    finally:
        PyMem_Free(out.data)
        PyMem_Free(out.rows)


# --- the needles' numeric references (cleanhtml.pipeline._references_in) ---------------

cdef extern from "string.h":
    const void* memchr(const void* s, int c, size_t n) nogil


cdef inline bint _digit(unsigned char byte) noexcept:
    return c'0' <= byte <= c'9'


cdef inline int _hex(unsigned char byte) noexcept:
    if c'0' <= byte <= c'9':
        return byte - c'0'
    if c'a' <= (byte | 0x20) <= c'f':
        return (byte | 0x20) - c'a' + 10
    return -1


cdef inline bint _alpha(unsigned char byte) noexcept:
    return c'a' <= (byte | 0x20) <= c'z'


cdef inline Py_ssize_t _next_amp(const unsigned char* p, Py_ssize_t at, Py_ssize_t size) noexcept:
    cdef const void* found
    if at >= size:
        return -1
    found = memchr(p + at, c'&', size - at)
    return -1 if found is NULL else <const unsigned char*>found - p


def references(bytes data):
    """:func:`cleanhtml.pipeline._references_in`: ``set(findall(numeric))`` and, when that
    is not empty, ``set(findall(named))`` too, for the patterns ``&#(?:[0-9]+|[xX][0-9a-fA-F]+);?``
    and ``&[A-Za-z][A-Za-z0-9]{0,31};?``: each ``&`` found with a ``memchr`` and matched
    there (no match holds a ``&``, so each starts at one and none hides another)."""
    cdef const unsigned char* p = data
    cdef Py_ssize_t size = len(data)
    cdef Py_ssize_t at = _next_amp(p, 0, size), end, count
    cdef set found = set()
    while at >= 0:
        end = at + 2
        if end <= size and p[at + 1] == c'#':
            if end < size and (p[end] == c'x' or p[end] == c'X') and end + 1 < size and _hex(p[end + 1]) >= 0:
                end += 2
                while end < size and _hex(p[end]) >= 0:
                    end += 1
            elif end < size and _digit(p[end]):
                end += 1
                while end < size and _digit(p[end]):
                    end += 1
            else:
                at = _next_amp(p, at + 1, size)
                continue
            if end < size and p[end] == c';':
                end += 1
            found.add(data[at:end])
        at = _next_amp(p, at + 1, size)
    if not found:
        return found
    at = _next_amp(p, 0, size)
    while at >= 0:
        if at + 1 < size and _alpha(p[at + 1]):
            end = at + 2
            count = 0
            while end < size and count < 31 and (_alpha(p[end]) or _digit(p[end])):
                end += 1
                count += 1
            if end < size and p[end] == c';':
                end += 1
            found.add(data[at:end])
        at = _next_amp(p, at + 1, size)
    return found


# --- where a page's markup may end (cleanhtml.repairs._reopen_closed_body) ------------

cdef inline bint _spelled(const unsigned char* p, Py_ssize_t at, const char* lower) noexcept:
    """The four bytes at ``at`` spell the lower-case ASCII ``lower`` in either case."""
    cdef int i
    for i in range(4):
        if (p[at + i] | 0x20) != <unsigned char>lower[i]:
            return False
    return True


cdef Py_ssize_t _characters(const unsigned char* p, Py_ssize_t size) noexcept:
    """How many UTF-8 characters the ``size`` bytes at ``p`` hold: the bytes that are no
    continuation byte (``10xxxxxx``)."""
    cdef Py_ssize_t k, characters = 0
    for k in range(size):
        characters += (p[k] & 0xC0) != 0x80
    return characters


def first_body_end(bytes data):
    """Where, in characters of ``data`` decoded as UTF-8, the first ``</body`` or
    ``</html`` (either case) starts; -1 when none does. No match of
    ``repairs._body_end()`` starts before it (the pattern's letters are ASCII, and no
    other character matches them ignoring case), so the search starts there. Each ``<``
    is found with a ``memchr``; the characters before the one found are counted once."""
    cdef const unsigned char* p = data
    cdef Py_ssize_t size = len(data)
    cdef Py_ssize_t at = 0
    cdef const void* found
    while at < size:
        found = memchr(p + at, c'<', size - at)
        if found is NULL:
            return -1
        at = <const unsigned char*>found - p
        if (at + 6 <= size and p[at + 1] == c'/'
                and (_spelled(p, at + 2, "body") or _spelled(p, at + 2, "html"))):
            return _characters(p, at)
        at += 1
    return -1


# --- load-time checks (cleanhtml.treefixes, cleanhtml.repairs) -------------------------

def holds_nested_link(_Element root):
    """:func:`cleanhtml.treefixes._holds_nested_link`: whether an ``a`` element stands
    inside another under ``root`` (``root`` included), by one walk over libxml2's nodes;
    None for a tree holding a namespaced element (the Python loop decides)."""
    cdef xmlNode* c_root = root._c_node
    cdef xmlNode* c_node = c_root
    cdef int links = 0  # the a elements open around c_node
    if c_root.type != tree.XML_ELEMENT_NODE:
        return False
    while True:
        if c_node.type == tree.XML_ELEMENT_NODE:
            if c_node.ns is not NULL:
                return None
            if strcmp(<const char*>c_node.name, "a") == 0:
                if links:
                    return True
                links += 1
            if c_node.children is not NULL:
                c_node = c_node.children
                continue
            if strcmp(<const char*>c_node.name, "a") == 0:
                links -= 1
        while True:
            if c_node is c_root:
                return False
            if c_node.next is not NULL:
                c_node = c_node.next
                break
            c_node = c_node.parent
            if strcmp(<const char*>c_node.name, "a") == 0:
                links -= 1



cdef bint _control_reference_at(const unsigned char* p, Py_ssize_t at, Py_ssize_t size) noexcept:
    """Whether ``repairs._CONTROL_REFERENCE`` matches at ``at`` (a ``&``): ``&#`` and a
    whole run of decimal digits, or ``x``/``X`` and a whole run of hex digits, whose value
    is 1-8, 11, 12, 14-31, 0xFFFE or 0xFFFF (the pattern's lookaheads take the whole run;
    leading zeros any)."""
    cdef Py_ssize_t i = at + 2
    cdef long long value = 0
    cdef int digit
    cdef bint any_digit = False
    if i > size or p[at + 1] != c'#':
        return False
    if i < size and (p[i] == c'x' or p[i] == c'X'):
        i += 1
        while i < size:
            digit = _hex(p[i])
            if digit < 0:
                break
            any_digit = True
            if value < 0x1000000:
                value = value * 16 + digit
            i += 1
    else:
        while i < size and _digit(p[i]):
            any_digit = True
            if value < 0x1000000:
                value = value * 10 + (p[i] - c'0')
            i += 1
    if not any_digit:
        return False
    return (1 <= value <= 8 or value == 11 or value == 12 or 14 <= value <= 31
            or value == 0xFFFE or value == 0xFFFF)


def holds_control_reference(bytes data):
    """:func:`cleanhtml.repairs._holds_control_reference` of the text ``data`` is the
    UTF-8 of: each ``&`` found with a ``memchr`` and read in place."""
    cdef const unsigned char* p = data
    cdef Py_ssize_t size = len(data)
    cdef Py_ssize_t at = _next_amp(p, 0, size)
    while at >= 0:
        if _control_reference_at(p, at, size):
            return True
        at = _next_amp(p, at + 1, size)
    return False
