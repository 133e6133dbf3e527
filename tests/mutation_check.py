"""Mutation check: break each rule in turn and show that the fast tests fail.

    python tests/mutation_check.py                   # every built-in rule, two at a time
    python tests/mutation_check.py remove-comments   # only the rules named
    python tests/mutation_check.py --jobs 1 --tests tests/test_properties.py

For each rule, pytest runs the fast subset (``tests/test_fixtures.py`` and
``tests/test_properties.py``) with that rule's function made to return 0 without
touching the tree (its code object is swapped, so every reference to the function,
cached rule lists included, sees the mutant). A mutant is *caught* when at least
one test fails; the report names the failing tests. Hypothesis runs derandomized and
without shrinking here, so a caught mutant costs no more than a passing run.

Not collected by pytest (the name does not start with ``test_``). Exit status 1 when
a mutant survives. Takes a few minutes (about 25 rules x 20-40 s over two jobs).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
FAST = ("tests/test_fixtures.py", "tests/test_properties.py")
ENV_RULE = "CLEANHTML_MUTATE_RULE"
_FAILED = re.compile(r"^FAILED (\S+)", re.M)

# A pytest plugin (this very file, imported with -p mutation_check): it swaps the rule's
# code before any test runs and loads a hypothesis profile without the shrink phase.


def pytest_configure(config: object) -> None:
    """Apply the mutation named by ``CLEANHTML_MUTATE_RULE`` (plugin side)."""
    name = os.environ.get(ENV_RULE)
    if not name:
        return
    from hypothesis import Phase, settings

    from cleanhtml.rules import RULES

    (rule,) = [r for r in RULES if r.name == name]

    def unchanged(root: object, ctx: object) -> int:
        return 0

    rule.apply.__code__ = unchanged.__code__
    settings.register_profile(
        "mutation",
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
    )
    settings.load_profile("mutation")


def run_one(name: str, tests: list[str]) -> tuple[str, bool, list[str], float]:
    """Run ``tests`` with rule ``name`` broken; (name, caught, failing tests, seconds)."""
    env = {**os.environ, ENV_RULE: name, "PYTHONPATH": str(TESTS)}
    env.pop("CI", None)
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "mutation_check", "-p", "no:cacheprovider",
        "-rf", "--no-header", *tests,
    ]  # fmt: skip
    start = time.monotonic()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    failed = _FAILED.findall(done.stdout)
    caught = done.returncode == 1 and bool(failed)
    if done.returncode not in (0, 1):  # a crash or a usage error is no verdict
        raise SystemExit(f"{name}: pytest exited {done.returncode}\n{done.stdout}{done.stderr}")
    return name, caught, failed, time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rules", nargs="*", help="rule names (default: every built-in rule)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--tests", action="append", help="a test file or node id (repeatable; default: FAST)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from cleanhtml.rules import RULES

    names = args.rules or [rule.name for rule in RULES]
    tests = args.tests or list(FAST)
    unknown = set(names) - {rule.name for rule in RULES}
    if unknown:
        parser.error(f"unknown rules: {', '.join(sorted(unknown))}")
    survivors = []
    with ThreadPoolExecutor(args.jobs) as pool:
        for name, caught, failed, seconds in pool.map(lambda n: run_one(n, tests), names):
            shown = ", ".join(t.removeprefix("tests/") for t in failed[:3])
            more = f" (+{len(failed) - 3} more)" if len(failed) > 3 else ""
            verdict = "caught  " if caught else "SURVIVED"
            print(f"{verdict} {name:28} {seconds:5.1f} s  {shown}{more}", flush=True)
            if not caught:
                survivors.append(name)
    print(f"{len(names) - len(survivors)} of {len(names)} mutants caught", flush=True)
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
