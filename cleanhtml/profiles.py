"""Profiles: named bundles of rule selection and user-rule settings.

Built in:

* ``auto`` (the default): every default rule, plus the site profiles of
  :mod:`cleanhtml.rules.sites`: each whole page is cut to the article container of its
  site, found by the page's own URL or a marker only that site uses (when its
  containers all miss, the main-content finder cuts it and a line says so); a page of
  no known site is kept whole (``root = "auto"`` asks for the main-content finder there).
  Posts and fragments are never cut, so for them this is exactly the default rule set.
* one profile per site (``qq``, ``gmw``, ...): ``auto`` with that site forced.
* ``sina``: every default rule, markup, safety, whitespace and the news
  boilerplate of Sina Finance and the feeds copied from it, plus ``root = "#artibody"``
  so a whole Sina article page is cut down to its article. On posts and fragments that
  have no ``#artibody`` the root rule does nothing, so the default result on feed posts
  is the same as without a profile.
* ``generic``: markup, safety and whitespace rules only; nothing site-specific.

Users define more in configuration, as ``[tool.cleanhtml.profiles.NAME]`` tables with
the keys ``select``, ``extend-select``, ``ignore``, ``drop``, ``unwrap``, ``drop-text``,
``root`` (and ``extends = "generic"`` to start from a built-in profile), and the site
keys ``urls``, ``containers``, ``markers``, ``title-suffixes``, ``source``, ``author``,
``published`` (a table with ``urls``, or named like a built-in site, is a site profile
that ``auto`` picks by URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cleanhtml.errors import ConfigError

if TYPE_CHECKING:
    from cleanhtml.rule import Rule

DEFAULT_PROFILE = "auto"
PROFILE_KEYS = frozenset(
    {"select", "extend-select", "ignore", "drop", "unwrap", "drop-text", "root", "extends"}
    | {"urls", "containers", "markers", "title-suffixes", "source", "author", "published"}
    | {"editor"}
)

BUILTIN: dict[str, dict[str, Any]] = {
    "auto": {},
    "sina": {"root": "#artibody"},
    "generic": {"select": ["markup", "safety", "whitespace"]},
}
DESCRIPTIONS = {
    "auto": "default rules; each whole page cut to its site's article (by URL or marker)",
    "sina": "default rules incl. Sina news boilerplate; whole pages cut to #artibody",
    "generic": "markup, safety and whitespace rules only",
}


def _builtin(name: str) -> dict[str, Any] | None:
    """A built-in profile's table: the fixed ones, then one per site (forced ``auto``)."""
    if name in BUILTIN:
        return dict(BUILTIN[name])
    from cleanhtml.rules.sites import builtin_names

    return {} if name in builtin_names() else None


def _site_profile(name: str, user: Mapping[str, Mapping[str, Any]]) -> str | None:
    """The site a profile forces (``auto`` for none), or None when it is no site profile."""
    from cleanhtml.rules.sites import AUTO, builtin_names

    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        if current == AUTO:
            return AUTO
        table = user.get(current)
        if table is not None and ("urls" in table or "containers" in table):
            return current
        if current in builtin_names() and current not in BUILTIN:
            return current
        parent = table.get("extends") if table is not None else None
        current = parent if isinstance(parent, str) else None
    return None


def resolve(name: str, user: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """The settings of profile ``name`` (user profiles first, then built-in ones)."""
    user = user or {}
    seen: list[str] = []
    settings: dict[str, Any] = {}
    current: str | None = name
    while current is not None:
        if current in seen:
            raise ConfigError(f"profiles.{name}: 'extends' loops through {' -> '.join(seen)}")
        seen.append(current)
        builtin = _builtin(current)
        if current in user:
            table = dict(user[current])
        elif builtin is not None:
            table = builtin
        else:
            known = ", ".join(sorted({*BUILTIN, *user}))
            raise ConfigError(f"unknown profile {current!r} (known: {known})")
        unknown = set(table) - PROFILE_KEYS
        if unknown:
            raise ConfigError(f"profiles.{current}: unknown key {sorted(unknown)[0]!r}")
        parent = table.pop("extends", None)
        if parent is not None and not isinstance(parent, str):
            raise ConfigError(f"profiles.{current}.extends: expected a profile name")
        settings = {**table, **settings}  # the child overrides what it extends
        current = parent
    return settings


def _listed(value: Iterable[str] | str | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def profile_rules(
    name: str = DEFAULT_PROFILE,
    user_profiles: Mapping[str, Mapping[str, Any]] | None = None,
    *,
    select: Iterable[str] | str | None = None,
    extend_select: Iterable[str] | str | None = None,
    ignore: Iterable[str] | str | None = None,
    drop: Iterable[str] | str | None = None,
    unwrap: Iterable[str] | str | None = None,
    drop_text: Iterable[str] | str | None = None,
    root: str | None = None,
) -> tuple[Rule, ...]:
    """The rules to run under profile ``name``, with the caller's settings on top.

    ``select`` and ``root`` given here replace the profile's; ``extend-select``,
    ``ignore``, ``drop``, ``unwrap`` and ``drop-text`` add to the profile's lists.
    """
    from cleanhtml.rules import select_rules, with_user_rules
    from cleanhtml.rules.custom import user_rules
    from cleanhtml.rules.sites import AUTO, FINDER, page_rules

    user_profiles = user_profiles or {}
    base = resolve(name, user_profiles)
    site = _site_profile(name, user_profiles)
    if site not in (None, AUTO):
        # a site profile's root and drop are its containers and boilerplate (rule P001/P002)
        base = {k: v for k, v in base.items() if k not in ("root", "drop")}
    custom: dict[str, Any] = {
        "drop": _listed(base.get("drop")) + _listed(drop),
        "unwrap": _listed(base.get("unwrap")) + _listed(unwrap),
        "drop-text": _listed(base.get("drop-text")) + _listed(drop_text),
    }
    chosen_root = root if root is not None else base.get("root")
    if chosen_root is not None and chosen_root != FINDER:
        custom["root"] = chosen_root
    page: tuple[Rule, ...] = ()
    if site is not None or chosen_root == FINDER:
        forced = None if site in (None, AUTO) else site
        page = page_rules(user_profiles, forced=forced, root=chosen_root)
    compiled = (*page, *user_rules(custom))
    # configured rules always run (a profile's ``select`` names built-in groups), unless ignored
    return select_rules(
        _listed(select) or _listed(base.get("select")) or None,
        _listed(base.get("extend-select")) + _listed(extend_select) + [r.code for r in compiled],
        _listed(base.get("ignore")) + _listed(ignore),
        rules=with_user_rules(compiled),
    )
