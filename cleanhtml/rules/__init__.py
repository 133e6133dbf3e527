"""The one ordered table of rules, and rule selection.

Rules run in table order; selection filters the table, it never reorders it. Codes
are grouped by family: ``S`` safety (first, so nothing executable reaches the other
rules or the output), ``M`` markup, ``N`` news boilerplate, ``W`` whitespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cleanhtml.census import COMMENT
from cleanhtml.errors import UnknownRuleError
from cleanhtml.rule import Rule
from cleanhtml.rules import markup, news, safety, whitespace

RULES: tuple[Rule, ...] = (
    # safety: nothing in the HTML output runs script
    Rule("S001", "remove-scripts", "safety", "Remove <script> and <noscript> elements.", safety.remove_scripts, tags=safety.SCRIPT_TAGS),
    Rule("S002", "remove-embeds", "safety", "Remove iframe, frame, object, embed and applet elements.", safety.remove_embeds, tags=safety.EMBED_TAGS),
    Rule("S003", "remove-base-and-refresh", "safety", "Remove <base> and <meta http-equiv=\"refresh\">.", safety.remove_base_and_refresh, tags=("base", "meta")),
    Rule("S004", "remove-script-attributes", "safety", "Remove on* handlers, srcdoc and javascript:/vbscript:/data: URLs.", safety.remove_script_attributes, defers_to=("remove-style-attributes",)),
    Rule("S005", "remove-svg-animations", "safety", "Remove SVG animate/set elements that can rewrite links.", safety.remove_svg_animations, tags=safety.ANIMATION_TAGS),
    Rule("S006", "remove-mutation-shapes", "safety", "Remove <template> and <style> a browser could re-parse as markup.", safety.remove_mutation_shapes, tags=("template", "style"), defers_to=("remove-style-elements",)),
    # markup: what the source site's CMS and CSS left in the markup
    Rule("M001", "remove-comments", "markup", "Remove HTML comments, conditional comments included.", markup.remove_comments, tags=(COMMENT,)),
    Rule("M002", "remove-style-elements", "markup", "Remove <style> elements and stylesheet <link>s.", markup.remove_style_elements, tags=("style", "link")),
    Rule("M003", "remove-style-attributes", "markup", "Remove every style= attribute.", markup.remove_style_attributes, attributes=("style",)),
    # news: the boilerplate a news site wraps around an article
    Rule("N001", "unwrap-stock-links", "news", "Unwrap stock-quote spans and keyword links; the word stays.", news.unwrap_stock_links, needles=news.STOCK_NEEDLES, needs_cjk=True, reshapes=True),
    Rule("N002", "remove-quote-placeholders", "news", "Remove <span id=\"quote_…\"> quote placeholders, empty or filled with a quote.", news.remove_quote_placeholders, needles=("quote_",), needs_cjk=True, reshapes=True),
    Rule("N003", "remove-app-promos", "news", "Remove app and account-opening QR promo blocks.", news.remove_app_promos, removes_text=True, needles=("appendqr", "kaihu-qr"), needs_cjk=True),
    Rule("N008", "remove-ad-slots", "news", "Remove Sina ad slots (<ins class=\"sinaads\">).", news.remove_ad_slots, removes_text=True, needles=("sinaads", "data-ad-pdps"), needs_cjk=True),
    Rule("N006", "remove-related-link-lists", "news", "Remove a 相关阅读/推荐阅读 heading and the links under it.", news.remove_related_link_lists, removes_text=True, needs_cjk=True),
    Rule("N004", "remove-promo-boxes", "news", "Remove 相关新闻：… lines and boxes and 炒股就看金麒麟… blurbs.", news.remove_promo_boxes, removes_text=True, needs_cjk=True),
    Rule("N007", "remove-link-boxes", "news", "Remove <blockquote> boxes that hold only links.", news.remove_link_boxes, removes_text=True, tags=("blockquote",), needs_cjk=True),
    Rule("N010", "remove-copyright-notices", "news", "Remove portal copyright and reposting notices (未经授权，不得转载…).", news.remove_copyright_notices, removes_text=True, needs_cjk=True),
    Rule("M004", "bold-cms-style", "markup", "Turn <font cms-style=\"strong-Bold\"> into <strong>.", markup.bold_cms_style, needles=("strong-bold",), attributes=("cms-style",), needs_cjk=True, reshapes=True),
    Rule("M008", "bold-cms-paragraphs", "markup", "Wrap the text of <p cms-style=\"strong-Bold\"> in <strong>.", markup.bold_cms_paragraphs, needles=("strong-bold",), attributes=("cms-style",), needs_cjk=True, reshapes=True),
    Rule("M005", "unwrap-font", "markup", "Unwrap presentational <font> tags.", markup.unwrap_font, tags=("font",), reshapes=True),
    Rule("M006", "remove-cms-attributes", "markup", "Remove CMS layout attributes (cms-style, cms-width, ...).", markup.remove_cms_attributes, attributes=markup.CMS_ATTRIBUTES, needs_cjk=True),
    Rule("M007", "remove-tracking-attributes", "markup", "Remove click-tracking attributes (data-sudaclick, ...).", markup.remove_tracking_attributes, attributes=markup.TRACKING_ATTRIBUTES),
    Rule("N005", "remove-editor-footer", "news", "Remove the closing editor credit (责任编辑：…).", news.remove_editor_footer, removes_text=True, needs_cjk=True),
    Rule("N009", "record-article-meta", "news", "Record the 原标题 and 来源 lines as metadata (edits nothing).", news.record_article_meta, needs_cjk=True),
    # whitespace: what the removals leave behind
    Rule("W001", "remove-empty-elements", "whitespace", "Remove elements that cleaning left empty.", whitespace.remove_empty_elements),
    Rule("W002", "tidy-blank-lines", "whitespace", "Collapse blank-line runs between blocks to one newline.", whitespace.tidy_blank_lines),
)  # fmt: skip


def with_user_rules(user: Sequence[Rule]) -> tuple[Rule, ...]:
    """The table with ``user`` rules inserted after the safety rules (first when none).

    User rules (``root``, ``drop``, ``unwrap``, ``drop-text``) run before the built-in
    clean-up, so a ``root`` cuts the page down before the other rules look at it.
    """
    if not user:
        return RULES
    at = sum(1 for rule in RULES if rule.group == "safety")
    return (*RULES[:at], *user, *RULES[at:])


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
