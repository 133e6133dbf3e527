"""Test-only plugin: documents that never finish cleaning, or crash the process.

Tests put this folder on PYTHONPATH of a ``cleanhtml`` subprocess; Python imports it at
start-up, before any worker process is forked, so the workers inherit the patch of the
first rule of the table:

- a document holding LOOP-FOREVER sends it into OpenSSL's PBKDF2 for half an hour: C
  code that never checks for signals, so no Python signal handler runs until it
  returns (unlike ``re``, which does check); only killing the process stops it, as
  with a runaway libxml2 parse;
- a document holding CRASH-NOW kills the process cleaning it, as a crash in C would;
- a file named *slow-write* takes 1.5 s to be written (see the end).
"""

import hashlib
import os
import signal

from cleanhtml.rules import RULES

_RULE = RULES[0]
_APPLY = _RULE.apply


def _patched(root, ctx):  # type: ignore[no-untyped-def]
    text = "".join(root.itertext())
    if "LOOP-FOREVER" in text:
        hashlib.pbkdf2_hmac("sha256", b"x", b"y", 2**31 - 1)  # in C, deaf to signals
    if "CRASH-NOW" in text:
        os.kill(os.getpid(), signal.SIGKILL)
    return _APPLY(root, ctx)


_patched.__doc__ = _APPLY.__doc__
# run on every document: no needles, tags or attributes gate the patched rule
for _name, _value in {"apply": _patched, "tags": (), "needles": (), "attributes": ()}.items():
    object.__setattr__(_RULE, _name, _value)
object.__setattr__(_RULE, "needs_cjk", False)

# a file whose name holds "slow-write" takes 1.5 s to be replaced: past a 1 s limit, but
# already being written, which a time limit must never cut short
_REPLACE = os.replace


def _slow_replace(src, dst, **kwargs):  # type: ignore[no-untyped-def]
    if "slow-write" in os.fspath(dst):
        import time

        time.sleep(1.5)
    return _REPLACE(src, dst, **kwargs)


os.replace = _slow_replace
