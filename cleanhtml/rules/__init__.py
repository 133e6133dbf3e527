"""The one ordered table of rules, and rule selection.

Rules run in table order; selection filters the table, it never reorders it. Codes
are grouped by family: ``S`` safety (first, so nothing executable reaches the other
rules or the output), ``M`` markup, ``N`` news boilerplate, ``W`` whitespace.

The rules compile each regular expression when it is first used, once per process: a
function that returns it, cached with ``functools.cache`` (``editor_credit().match(text)``).
Importing them compiles none (tests/test_startup.py): compiling every pattern costs a
one-post run more than cleaning the post, and a post needs only a few of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleanhtml.errors import UnknownRuleError
from cleanhtml.rule import Rule
from cleanhtml.rules import markup, news, safety, whitespace

RULES: tuple[Rule, ...] = (
    # safety: nothing in the HTML output runs script
    safety.remove_scripts,
    safety.remove_embeds,
    safety.remove_base_and_refresh,
    safety.remove_script_attributes,
    safety.remove_svg_animations,
    safety.remove_mutation_shapes,
    # markup: what the source site's CMS and CSS left in the markup
    markup.remove_comments,
    markup.remove_style_elements,
    markup.remove_style_attributes,
    # news: the boilerplate a news site wraps around an article
    news.unwrap_stock_links,
    news.remove_quote_placeholders,
    news.remove_app_promos,
    news.remove_ad_slots,
    news.remove_player_chrome,
    news.remove_share_widgets,
    news.remove_nav_links,
    news.remove_pager_lines,
    news.remove_related_link_lists,
    news.remove_promo_boxes,
    news.remove_tag_lines,  # first: the credit it leaves may close the article
    news.remove_copyright_notices,  # first: the box it leaves may be only links
    news.remove_editor_footer,  # first: a box it leaves may be only links
    news.remove_link_boxes,
    markup.bold_cms_style,
    markup.bold_cms_paragraphs,
    markup.unwrap_font,
    markup.remove_cms_attributes,
    markup.remove_tracking_attributes,
    news.record_article_meta,
    # whitespace: what the removals leave behind
    whitespace.remove_empty_elements,
    whitespace.tidy_blank_lines,
)


def with_user_rules(user: Sequence[Rule]) -> tuple[Rule, ...]:
    """The table with ``user`` rules inserted after the safety rules (first when none).

    User rules (``root``, ``drop``, ``unwrap``, ``drop-text``) run before the built-in
    clean-up, so a ``root`` cuts the page down before the other rules look at it. A
    rule marked :attr:`~cleanhtml.rule.Rule.before_safety` (a site's article read out
    of a page script) goes before the safety rules instead, in its listed order.
    """
    if not user:
        return RULES
    at = sum(1 for rule in RULES if rule.group == "safety")
    first = [rule for rule in user if rule.before_safety]
    if first:
        user = [rule for rule in user if not rule.before_safety]
    return (*first, *RULES[:at], *user, *RULES[at:])


def _split(tokens: Iterable[str] | str | None) -> list[str]:
    if tokens is None:
        return []
    if isinstance(tokens, str):
        tokens = [tokens]
    return [part.strip() for token in tokens for part in token.split(",") if part.strip()]


def _matching(token: str, rules: Sequence[Rule]) -> set[str]:
    if token.upper() == "ALL":
        return {rule.code for rule in rules}
    key = token.lower()
    found = {
        rule.code
        for rule in rules
        if key in (rule.name, rule.group, rule.code.lower()) or rule.code.lower().startswith(key)
    }
    if not found:
        names = [r.name for r in rules] + [r.code for r in rules] + sorted({r.group for r in rules})
        import difflib  # only for a mistyped name

        close = difflib.get_close_matches(token, names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UnknownRuleError(f"unknown rule {token!r}{hint} (see --list-rules)")
    return found


def select_rules(
    select: Iterable[str] | str | None = None,
    extend_select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    *,
    rules: Sequence[Rule] = RULES,
) -> tuple[Rule, ...]:
    """The rules to run, in table order.

    ``select`` replaces the default set, ``extend_select`` adds to it, ``ignore`` is
    applied last. Each takes codes (``M001``), code prefixes (``M``), names
    (``remove-comments``), groups (``news``) or ``ALL``, as lists or comma-separated.
    An unknown token raises :class:`UnknownRuleError` with close matches.
    """
    select_tokens = _split(select)
    if select_tokens:
        chosen: set[str] = set()
        for token in select_tokens:
            chosen |= _matching(token, rules)
    else:
        chosen = {rule.code for rule in rules if rule.default}
    for token in _split(extend_select):
        chosen |= _matching(token, rules)
    for token in _split(ignore):
        chosen -= _matching(token, rules)
    return tuple(rule for rule in rules if rule.code in chosen)
