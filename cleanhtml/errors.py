"""Domain errors. The CLI edge maps them to exit codes (see ``cleanhtml.report``)."""

from __future__ import annotations


class CleanHtmlError(Exception):
    """Base class of every error cleanhtml raises on purpose."""


class InputError(CleanHtmlError):
    """An input could not be read or cleaned (exit status 3)."""


class TimeLimitError(InputError, TimeoutError):
    """A document took longer than the time limit given (``timeout=``, ``--timeout``)."""


class UsageError(CleanHtmlError):
    """The command line or the library call asked for something that does not exist (exit 2)."""


class UnknownRuleError(UsageError):
    """A rule selector names no rule, code or group."""


class ConfigError(UsageError):
    """A configuration file has an unknown key or a bad value (exit 2)."""


DASK_HINT = "Dask support needs the optional extra: pip install 'cleanhtml[dask]'"
"""What to install for ``--dask`` / ``cleanhtml.dask``."""
