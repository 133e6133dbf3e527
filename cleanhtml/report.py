"""Exit codes, messages on stderr, the progress bar and the summary.

Everything cleanhtml says goes to stderr; stdout carries only output. The progress
bar is drawn by rich, which is imported only when a bar is shown: stderr is a
terminal, there is more than one file and ``-q`` was not given.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from enum import IntEnum
from types import TracebackType
from typing import TYPE_CHECKING, Any, TextIO

import click

from cleanhtml.config import Settings

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cleanhtml.runner import FileResult

REDRAW = 0.1  # seconds between redraws of the progress bar
SLOW = 3.0  # seconds after which the bar names the file in flight the longest


class Exit(IntEnum):
    """The documented exit statuses (see README and CLI.md)."""

    OK = 0
    WOULD_CHANGE = 1
    USAGE = 2
    INPUT = 3


def error_line(name: str, reason: str) -> str:
    """``cleanhtml: NAME: REASON`` on one line."""
    reason = " ".join(reason.split())
    return f"cleanhtml: {name}: {reason}"


def human_bytes(count: int) -> str:
    """``1234567`` -> ``1.2 MB`` (decimal units, as file managers show)."""
    size = float(count)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"  # pragma: no cover - the loop always returns


class Reporter:
    """Counts results, prints per-file messages, draws the progress bar, owns the exit code.

    Use as a context manager around the run; call :meth:`add` for each result and
    :meth:`input_error` for inputs that never reached the cleaner, then :meth:`finish`.
    """

    def __init__(
        self,
        settings: Settings,
        total: int,
        *,
        started: float | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.settings = settings
        self.total = total
        self.started = time.perf_counter() if started is None else started
        self.stream = stream if stream is not None else sys.stderr
        self.cleaned = self.unchanged = self.failed = 0
        self.written = 0
        self.skipped = 0  # links outside the project root, met in folder searches
        self.missed = 0  # files whose root or site containers matched nothing
        self.bytes_in = self.bytes_out = 0
        self.rule_edits: Counter[str] = Counter()
        """Edits per rule (with ``rule_files``, files per rule), counted only when they
        may be shown: with ``--statistics``, or a summary on a terminal."""
        self.rule_files: Counter[str] = Counter()
        self._progress: Any = None
        self._task: Any = None
        self._tty = _isatty(self.stream)
        # the per-rule totals are counted only when they may be shown (see finish)
        self._tally = settings.statistics or (not settings.quiet and self._tty)
        self._bar_wanted = self.wants_bar()
        self._drawn = 0.0

    # -- progress ------------------------------------------------------------------------

    def wants_bar(self) -> bool:
        """A bar only on a terminal, for several files, without ``-q``, and not when the
        cleaned documents themselves are being printed to that same terminal."""
        if self.settings.quiet or self.total <= 1 or not self._tty:
            return False
        return not (self.settings.to_stdout and _isatty(sys.stdout))

    def __enter__(self) -> Reporter:
        if self._bar_wanted:
            self._start_bar()
        return self

    def _start_bar(self) -> None:
        """Draw the bar now, as the batch starts.

        The bar is redrawn from this thread (on each result and each tick of the
        runner), not by rich's refresh thread: the runner forks worker processes during
        the run (a replacement for one killed at its time limit), which must happen
        while this process has a single thread.
        """
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        console = Console(file=self.stream, stderr=self.stream is sys.stderr)
        self._progress = Progress(
            TextColumn("cleaning"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[flight]}"),
            console=console,
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
            auto_refresh=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            "cleaning", total=self.total, completed=self.files, flight=""
        )
        self._bar_wanted = False
        self._redraw(force=True)

    def _redraw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self._progress is not None and (force or now - self._drawn >= REDRAW):
            self._drawn = now
            self._progress.refresh()

    def tick(self, in_flight: Sequence[tuple[str, float]]) -> None:
        """The files being cleaned right now, with the ``time.monotonic()`` each started:
        their count on the bar, and the name of the slowest once it takes a while."""
        if self._progress is None:
            return
        flight = f"{len(in_flight)} in flight" if in_flight else ""
        if in_flight:
            name, since = min(in_flight, key=lambda item: item[1])
            waited = time.monotonic() - since
            if waited >= SLOW:
                flight += f"; {name} for {waited:.0f} s"
        self._progress.update(self._task, flight=flight)
        self._redraw()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def say(self, line: str, *, styled: str | None = None) -> None:
        """Print one message line on stderr, above the bar if one is drawn.

        ``styled`` is the same line with ANSI colours, used on a terminal without a bar.
        """
        if self._progress is not None:
            self._progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            click.echo(styled if styled is not None else line, file=self.stream)

    # -- results -------------------------------------------------------------------------

    def input_error(self, name: str, reason: str) -> None:
        """An input that could not even be found or listed."""
        self.failed += 1
        self.say(error_line(name, reason))
        self._advance()

    def add(self, result: FileResult) -> None:
        """Count ``result`` and print what the settings ask for about it."""
        settings = self.settings
        if result.status == "failed":
            self.failed += 1
            if settings.verbose and result.traceback:
                self.say(result.traceback.rstrip())
            self.say(error_line(result.name, result.error or "failed"))
            self._advance()
            return
        self.bytes_in += result.bytes_in
        self.bytes_out += result.bytes_out
        if self._tally:
            for rule, count in result.edits.items():
                self.rule_edits[rule] += count
                self.rule_files[rule] += 1
        if result.status == "cleaned":
            self.cleaned += 1
        else:
            self.unchanged += 1
        self.written += result.written
        if result.notices:
            self.missed += 1
            if not settings.quiet:
                for notice in result.notices:
                    self.say(f"cleanhtml: {result.name}: {notice}")
        if settings.explain:
            self._explain(result)
        if not settings.quiet:
            self._file_line(result)
        self._advance()

    def _file_line(self, result: FileResult) -> None:
        settings = self.settings
        if settings.check and result.status == "cleaned":
            rules = f" ({_rules(result)})" if settings.verbose else ""
            self.say(f"would clean {result.name}{rules}")
        elif settings.verbose and result.status == "cleaned" and result.written:
            self.say(f"cleaned {result.name} -> {result.destination} ({_rules(result)})")
        elif settings.verbose:
            written = f" -> {result.destination}" if result.written else ""
            self.say(f"{result.status} {result.name}{written}")
        if settings.verbose:
            self.say(f"  encoding: {result.encoding}")
            for note in result.notes:
                self.say(f"  note: {note}")

    def _explain(self, result: FileResult) -> None:
        """Per rule that fired: its edit count, then an excerpt of each thing it took out.

        Plain lines when piped; a rich tree on a terminal (rich is imported only then).
        """
        if not result.edits:
            self.say(f"{result.name}: no rule changed anything")
            if result.page:
                self.say(f"  page: {result.page}")
            return
        by_rule: dict[str, list[tuple[int | None, str]]] = {}
        for removal in result.removals:
            by_rule.setdefault(removal.rule, []).append((removal.line, removal.excerpt))
        if self._tty:
            self._explain_rich(result, by_rule)
            return
        self.say(f"{result.name}:")
        if result.page:
            self.say(f"  page: {result.page}")
        for rule, count in result.edits.items():
            self.say(f"  {rule}: {count} edit{'s' if count != 1 else ''}")
            for line, excerpt in by_rule.get(rule, []):
                self.say(f"    line {line}: {excerpt}" if line else f"    {excerpt}")

    def _explain_rich(
        self, result: FileResult, by_rule: dict[str, list[tuple[int | None, str]]]
    ) -> None:
        from rich.console import Console
        from rich.markup import escape
        from rich.tree import Tree

        tree = Tree(f"[bold]{escape(result.name)}[/]")
        if result.page:
            tree.add(f"[cyan]page[/] {escape(result.page)}")
        for rule, count in result.edits.items():
            branch = tree.add(f"[yellow]{rule}[/] [dim]{count} edit{'s' if count != 1 else ''}[/]")
            for line, excerpt in by_rule.get(rule, []):
                where = f"[cyan]line {line}[/] " if line else ""
                branch.add(f"{where}{escape(excerpt)}")
        if self._progress is not None:
            console = self._progress.console
        else:
            console = Console(file=self.stream, stderr=self.stream is sys.stderr)
        console.print(tree, highlight=False)

    def _advance(self) -> None:
        if self._progress is not None:
            self._progress.advance(self._task)
            self._redraw()

    # -- the end -------------------------------------------------------------------------

    @property
    def files(self) -> int:
        """Files seen so far, failed ones included."""
        return self.cleaned + self.unchanged + self.failed

    def exit_code(self) -> Exit:
        """3 if any input failed, else 1 if ``--check`` found changes, else 0."""
        if self.failed:
            return Exit.INPUT
        if self.settings.check and self.cleaned:
            return Exit.WOULD_CHANGE
        return Exit.OK

    def summary(self) -> str:
        """One line: counts, bytes, time and speed."""
        elapsed = max(time.perf_counter() - self.started, 1e-9)
        cleaned = "would be cleaned" if self.settings.check or self.settings.diff else "cleaned"
        noun = "file" if self.files == 1 else "files"
        rate = self.files / elapsed
        counts = f"{self.cleaned} {cleaned}, {self.unchanged} unchanged"
        if self.settings.output_dir is not None:
            # under -o what matters is which outputs were rewritten: a second run over the
            # same inputs writes nothing, and must not claim to have cleaned anything
            current = self.cleaned + self.unchanged - self.written
            counts = f"{self.written} written, {current} already up to date"
        missed = f", {self.missed} with no article container found" if self.missed else ""
        return (
            f"cleanhtml: {self.files} {noun}: {counts},"
            f" {self.failed} failed{self._skipped()}{missed}; {human_bytes(self.bytes_in)} in,"
            f" {human_bytes(self.bytes_out)} out; {elapsed:.2f} s, {rate:.0f} files/s"
        )

    def _skipped(self) -> str:
        if not self.skipped:
            return ""
        named = "" if self.settings.verbose else "; -v names them"
        return f", {self.skipped} skipped (links outside the project root{named})"

    def statistics(self) -> list[str]:
        """The per-rule table: files edited and edits made by each rule, in table order."""
        from cleanhtml.rules import with_user_rules

        table = with_user_rules([r for r in self.settings.rules() if r.group in ("page", "user")])
        rows = [(r.code, r.name, self.rule_files[r.name], self.rule_edits[r.name]) for r in table]
        rows = [row for row in rows if row[3]]
        rows += [
            ("?", n, self.rule_files[n], e)
            for n, e in self.rule_edits.items()
            if n not in {r.name for r in table}
        ]
        # rules cleaning for the format left out (counted only where applied after all)
        to = self.settings.to
        hidden = [r.name for r in table if to in r.hidden_in and not r.records_only]
        footer = [] if self.settings.explain or not hidden else [
            f"(-t {to}: {', '.join(hidden)} left out where their edits cannot show)"
        ]  # fmt: skip
        if not rows:
            return ["no rule edited anything", *footer]
        width = max(len("rule"), *(len(row[1]) for row in rows))
        lines = [f"{'code':<5} {'rule':<{width}} {'files':>7} {'edits':>8}"]
        lines += [f"{c:<5} {n:<{width}} {f:>7} {e:>8}" for c, n, f, e in rows]
        return lines + footer

    def finish(self) -> Exit:
        """Print the summary (and the per-rule table) as the settings ask; the exit code."""
        settings = self.settings
        batch = self.total > 1 or not settings.to_stdout or self.skipped > 0
        show_summary = not settings.quiet and (batch or settings.verbose)
        if settings.statistics or (show_summary and self._tty):
            for line in self.statistics():
                self.say(line)
        if show_summary:
            self.say(self.summary())
        return self.exit_code()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _rules(result: FileResult) -> str:
    """The rules that edited ``result``'s file, each with its count (``-v``)."""
    return ", ".join(f"{rule} {count}" for rule, count in result.edits.items())
