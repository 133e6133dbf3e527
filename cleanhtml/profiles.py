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

from collections.abc import Mapping
from typing import Any

from cleanhtml.errors import ConfigError

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
