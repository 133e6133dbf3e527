"""Every property test follows the shared hypothesis settings.

Local runs are random (and keep hunting); under ``CI`` the ``ci`` profile of
``conftest.py`` derandomizes them; ``CLEANHTML_HYPOTHESIS_SCALE`` multiplies every
example count. A test that hard-codes ``derandomize=True`` or a fixed count escapes all
three, so this imports every module holding ``@given`` tests without the conftest (so
without a profile), at two scales, and compares what each test would run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = sorted(p.stem for p in HERE.glob("test_*.py") if "@given" in p.read_text("utf-8"))
SCRIPT = """
import importlib, json, sys
out = {}
for module_name in sys.argv[1:]:
    module = importlib.import_module(module_name)
    for name, test in vars(module).items():
        if name.startswith("test_") and getattr(test, "is_hypothesis_test", False):
            chosen = test._hypothesis_internal_use_settings
            out[f"{module_name}.{name}"] = [chosen.max_examples, chosen.derandomize]
print(json.dumps(out))
"""


def _settings(scale: int) -> dict[str, list[object]]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["CLEANHTML_HYPOTHESIS_SCALE"] = str(scale)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *MODULES],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found: dict[str, list[object]] = json.loads(done.stdout)
    return found


def test_property_tests_follow_the_profile_and_the_scale() -> None:
    assert {"test_properties", "test_markdown"} <= set(MODULES)
    one, three = _settings(1), _settings(3)
    assert "test_markdown.test_any_markup_keeps_its_text" in one
    assert one.keys() == three.keys()
    for name, (examples, derandomize) in one.items():
        assert derandomize is False, f"{name} hard-codes derandomize (the ci profile sets it)"
        assert three[name][0] == 3 * examples, f"{name} ignores CLEANHTML_HYPOTHESIS_SCALE"
