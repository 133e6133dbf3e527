"""Profiles: named bundles of rule selection and user-rule settings.

Built in:

* ``sina`` (the default): every default rule, markup, safety, whitespace and the news
  boilerplate of Sina Finance and the feeds copied from it, plus ``root = "#artibody"``
  so a whole Sina article page is cut down to its article. On posts and fragments that
  have no ``#artibody`` the root rule does nothing, so the default result on feed posts
  is the same as without a profile.
* ``generic``: markup, safety and whitespace rules only; nothing site-specific.

Users define more in configuration, as ``[tool.cleanhtml.profiles.NAME]`` tables with
the keys ``select``, ``extend-select``, ``ignore``, ``drop``, ``unwrap``, ``drop-text``,
``root`` (and ``extends = "generic"`` to start from a built-in profile).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from cleanhtml.errors import ConfigError

if TYPE_CHECKING:
    from cleanhtml.rule import Rule

DEFAULT_PROFILE = "sina"
PROFILE_KEYS = frozenset(
    {"select", "extend-select", "ignore", "drop", "unwrap", "drop-text", "root", "extends"}
)

BUILTIN: dict[str, dict[str, Any]] = {
    "sina": {"root": "#artibody"},
    "generic": {"select": ["markup", "safety", "whitespace"]},
}
DESCRIPTIONS = {
    "sina": "default rules incl. Sina news boilerplate; whole pages cut to #artibody",
    "generic": "markup, safety and whitespace rules only",
}


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
        if current in user:
            table = dict(user[current])
        elif current in BUILTIN:
            table = dict(BUILTIN[current])
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

    base = resolve(name, user_profiles)
    custom: dict[str, Any] = {
        "drop": _listed(base.get("drop")) + _listed(drop),
        "unwrap": _listed(base.get("unwrap")) + _listed(unwrap),
        "drop-text": _listed(base.get("drop-text")) + _listed(drop_text),
    }
    chosen_root = root if root is not None else base.get("root")
    if chosen_root is not None:
        custom["root"] = chosen_root
    compiled = user_rules(custom)
    # configured rules always run (a profile's ``select`` names built-in groups), unless ignored
    return select_rules(
        _listed(select) or _listed(base.get("select")) or None,
        _listed(base.get("extend-select")) + _listed(extend_select) + [r.code for r in compiled],
        _listed(base.get("ignore")) + _listed(ignore),
        rules=with_user_rules(compiled),
    )
