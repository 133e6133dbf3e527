"""The ``cleanhtml`` command: click options in, exit status out. No cleaning logic here.

The layers run one way: this module turns options into
:class:`~cleanhtml.config.Settings`, :mod:`cleanhtml.files` turns PATHs into inputs,
:mod:`cleanhtml.runner` cleans them (in a process pool for batches) and
:mod:`cleanhtml.report` prints messages and decides the exit status.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from click.core import ParameterSource

from cleanhtml import __version__, watch
from cleanhtml.config import Settings
from cleanhtml.errors import ConfigError, UsageError
from cleanhtml.render import FORMATS
from cleanhtml.report import Exit

if TYPE_CHECKING:
    from cleanhtml.config import Resolver
    from cleanhtml.files import Source
    from cleanhtml.rule import Rule

EPILOG = """\b
Examples:
  cleanhtml post.md > clean.md            clean one Hexo/Jekyll post
  cleanhtml -t text post.md               the article as plain text
  curl -s URL | cleanhtml -t text         read standard input
  cleanhtml -i posts/                     clean every post in place
  cleanhtml -o clean/ -t text posts/      mirror posts/ as plain text under clean/
  cleanhtml --check --diff posts/         what would change; exit 1 if anything
  cleanhtml --ignore remove-editor-footer post.md
  cleanhtml --list-rules                  every rule with its code and group

\b
Settings can live in [tool.cleanhtml] of pyproject.toml or in .cleanhtml.toml
(keys are the long option names). Shell completion: see README.

\b
Nothing outside the project root (the git work tree holding the inputs, else
their common parent) is read or written: links leading out of it are skipped,
or refused when named (--allow-outside-root lifts this).

\b
Exit status: 0 ok, 1 --check found changes, 2 usage or config error,
3 an input could not be cleaned (or ran past --timeout), 130 interrupted (Ctrl-C).
"""

# click parameter name -> config key, for the options a config file may also set
CONFIG_OPTIONS = {
    "to": "to",
    "output_dir": "output-dir",
    "in_place": "in-place",
    "check": "check",
    "diff": "diff",
    "select": "select",
    "extend_select": "extend-select",
    "ignore": "ignore",
    "jobs": "jobs",
    "encoding": "encoding",
    "explain": "explain",
    "include": "include",
    "exclude": "exclude",
    "quiet": "quiet",
    "verbose": "verbose",
    "statistics": "statistics",
    "profile": "profile",
    "drop": "drop",
    "unwrap": "unwrap",
    "drop_text": "drop-text",
    "root": "root",
    "url": "url",
    "dask": "dask",
    "keep_comments": "keep-comments",
    "force_exclude": "force-exclude",
    "timeout": "timeout",
    "allow_outside_root": "allow-outside-root",
}


def _complete_rules(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Complete the last comma-separated item of a rule list with codes, names, groups."""
    from click.shell_completion import CompletionItem

    from cleanhtml.rules import RULES

    head, _, last = incomplete.rpartition(",")
    prefix = f"{head}," if head else ""
    keys = ["ALL", *sorted({r.group for r in RULES}), *(r.code for r in RULES)]
    keys += [r.name for r in RULES]
    return [CompletionItem(prefix + key) for key in keys if key.lower().startswith(last.lower())]


def _complete_profiles(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Complete --profile with the built-in profiles and those of the config file found."""
    from click.shell_completion import CompletionItem

    from cleanhtml import profiles
    from cleanhtml.config import find_config, parse_table, read_config, search_start

    names = {name: profiles.DESCRIPTIONS.get(name, "") for name in profiles.BUILTIN}
    try:
        found = ctx.params.get("config_file") or find_config(
            search_start(ctx.params.get("paths") or ())
        )
        if found is not None:
            user = parse_table(read_config(Path(found)), str(found)).get("profiles", {})
            names.update({name: "defined in config" for name in user})
    except (ConfigError, OSError):
        pass  # completion never fails: the built-in names still complete
    return [
        CompletionItem(name, help=help_text)
        for name, help_text in sorted(names.items())
        if name.startswith(incomplete)
    ]


def _table(settings: Settings) -> tuple[Rule, ...]:
    """The whole rule table under ``settings``: built-in rules plus configured ones."""
    from cleanhtml.rules import with_user_rules

    selected = settings.rules()
    return with_user_rules([rule for rule in selected if rule.group in ("page", "user")])


def _list_rules(settings: Settings) -> None:
    table = _table(settings)
    chosen = {rule.code for rule in settings.rules()}
    width = max(len(rule.name) for rule in table)
    click.echo(f"{'code':<5} {'name':<{width}} {'group':<10} {'default':<7} {'run':<4} summary")
    for rule in table:
        on = "on" if rule.default else "off"
        run = "yes" if rule.code in chosen else "no"
        click.echo(
            f"{rule.code:<5} {rule.name:<{width}} {rule.group:<10} {on:<7} {run:<4} {rule.summary}"
        )
    click.echo(f"\nprofile: {settings.profile} (--profile; see --list-profiles)")


def _list_profiles(settings: Settings) -> None:
    """The profiles: the fixed ones, then every site (built-in and configured)."""
    from cleanhtml.profiles import BUILTIN, DESCRIPTIONS
    from cleanhtml.rules.sites import merged_sites

    sites = merged_sites(settings.profiles)
    names = [*BUILTIN, *(s.name for s in sites)]
    width = max(len(name) for name in names)
    click.echo("Profiles (--profile NAME):")
    for name in BUILTIN:
        click.echo(f"{name:<{width}}  {DESCRIPTIONS[name]}")
    click.echo("\nSites (the auto profile picks one per page by its URL or markers):")
    for site in sites:
        click.echo(f"{site.name:<{width}}  {site.summary}")
        click.echo(f"{'':<{width}}    hosts: {', '.join(site.hosts) or '-'}")
        click.echo(f"{'':<{width}}    containers: {', '.join(site.containers) or '-'}")
        if site.markers:
            click.echo(f"{'':<{width}}    markers: {', '.join(site.markers)}")
        if site.drop:
            click.echo(f"{'':<{width}}    drop: {', '.join(site.drop)}")
        if site.scripts:
            readers = ", ".join(reader.__name__ for reader in site.scripts)
            needles = ", ".join(site.script_needles)
            click.echo(f"{'':<{width}}    scripts: {readers} (before the safety rules; {needles})")
        if site.fixtures:
            click.echo(f"{'':<{width}}    fixtures: {', '.join(site.fixtures)}")
    for name in settings.profiles:
        if name not in {s.name for s in sites}:
            click.echo(f"{name:<{width}}  user profile (rules)")
    click.echo(f"\nprofile: {settings.profile} (--profile)")


def _show_rule(settings: Settings, key: str) -> None:
    import difflib

    table = _table(settings)
    for rule in table:
        if key in (rule.code, rule.name):
            on = "on" if rule.default else "off"
            removes = "yes" if rule.removes_text else "no"
            click.echo(f"{rule.code} {rule.name}  (group {rule.group}, default {on},")
            click.echo(f"removes visible text: {removes})\n")
            click.echo(rule.doc)
            return
    names = [r.name for r in table] + [r.code for r in table]
    close = difflib.get_close_matches(key, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise click.UsageError(f"unknown rule {key!r}{hint} (see --list-rules)")


INTERRUPTED = watch.INTERRUPTED  # the shell's convention for Ctrl-C (128 + SIGINT)


# click translates the words of its help and version options and the name of a
# click.Path through gettext as they are made, and the first gettext call imports
# locale: 2 ms, 3% of a one-post run (issue 16). The three below are made as click
# makes them, with the same English words (click ships no translations).


class _Path(click.ParamType):  # type: ignore[type-arg]  # (generic from click 8.5 on)
    """``click.Path(**options)`` (no other check than its own), made only for a value
    it may refuse: a value it passes (the usual case) is returned as it would."""

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.file_okay = options.get("file_okay", True)
        self.dir_okay = options.get("dir_okay", True)
        if self.file_okay and not self.dir_okay:
            self.name = "file"
        elif self.dir_okay and not self.file_okay:
            self.name = "directory"
        else:
            self.name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if self.options.get("allow_dash") and self.file_okay and value == "-":
            return value
        import stat

        try:
            mode = os.stat(value).st_mode
        except OSError:  # need not exist
            passes = True
        else:
            passes = (
                (self.file_okay or not stat.S_ISREG(mode))
                and (self.dir_okay or not stat.S_ISDIR(mode))
                and os.access(value, os.R_OK)
            )
        if not passes:  # click.Path says why, in its words
            return click.Path(**self.options).convert(value, param, ctx)
        path_type = self.options.get("path_type")
        return value if path_type is None or isinstance(value, path_type) else path_type(value)

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> Any:
        from click.shell_completion import CompletionItem

        kind = "dir" if self.dir_okay and not self.file_okay else "file"
        return [CompletionItem(incomplete, type=kind)]


class _Command(click.Command):
    """click's command, whose help option is made without gettext."""

    _help: click.Option | None = None

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._help is None:  # one object: click orders eager options by identity
            self._help = click.Option(
                names,
                is_flag=True,
                expose_value=False,
                is_eager=True,
                help="Show this message and exit.",
                callback=_show_help,
            )
        return self._help

    def make_parser(self, ctx: click.Context) -> Any:
        """click's parser, told a short option (``-q``) at once.

        click first tries each option as a long one, and a short one fails that try by
        raising ``NoSuchOption``, whose message goes through gettext (importing locale)
        and whose suggestions through difflib, before the short options are tried and
        the error dropped: 2-3 ms for the first ``-q`` or ``-j`` of a run. Here an
        unknown option that does not start with ``--`` fails the long try with a bare
        error, which click drops in the same way; ``--typo`` still gets click's own.
        """
        parser = super().make_parser(ctx)
        match_long = getattr(parser, "_match_long_opt", None)
        longs, prefixes = getattr(parser, "_long_opt", None), getattr(parser, "_opt_prefixes", None)
        if match_long is None or longs is None or prefixes is None:  # another click
            return parser

        def match(opt: str, explicit_value: str | None, state: Any) -> None:
            if opt not in longs and len(opt) > 1 and opt[:2] not in prefixes:
                raise click.NoSuchOption(opt, message=opt, ctx=ctx)  # (short options next)
            match_long(opt, explicit_value, state)

        parser._match_long_opt = match  # type: ignore[method-assign]
        return parser


def _show_help(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(f"cleanhtml, version {__version__}", color=ctx.color)
        ctx.exit()


def _fail(message: str, code: Exit) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(int(code))


def _explicit_options(ctx: click.Context) -> dict[str, object]:
    """The options given on the command line (or in CLEANHTML_* variables), by config key."""
    given = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT)
    return {
        key: ctx.params[name]
        for name, key in CONFIG_OPTIONS.items()
        if ctx.get_parameter_source(name) in given
    }


def _write_stdout(data: bytes, *, separate: bool, before: bytes = b"") -> None:
    sys.stdout.buffer.write(before)
    sys.stdout.buffer.write(data)
    if separate and data and not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()


@click.command(
    cls=_Command,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.argument("paths", nargs=-1, type=_Path(allow_dash=True), metavar="[PATH]...")
@click.option(
    "-t",
    "--to",
    type=click.Choice(list(FORMATS)),
    default="html",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output-dir",
    type=_Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write results under DIR, mirroring paths relative to each PATH given.",
)
@click.option(
    "-i", "--in-place", is_flag=True, help="Rewrite the inputs (atomically; only if changed)."
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--diff", is_flag=True, help="Write nothing; print a unified diff on stdout.")
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    shell_complete=_complete_rules,
    help="Run only these rules (codes, names, groups or ALL; comma-separated).",
)
@click.option(
    "--extend-select",
    multiple=True,
    metavar="RULES",
    shell_complete=_complete_rules,
    help="Add these rules to the selection.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="RULES",
    shell_complete=_complete_rules,
    help="Do not run these rules (applied last).",
)
@click.option("--list-rules", is_flag=True, help="Print the table of rules and exit.")
@click.option("--show-rule", metavar="RULE", help="Print a rule's documentation and exit.")
@click.option(
    "--drop",
    multiple=True,
    metavar="SELECTOR",
    help="Also remove elements matching this CSS selector or XPath.",
)
@click.option(
    "--unwrap",
    multiple=True,
    metavar="SELECTOR",
    help="Also unwrap elements matching this selector.",
)
@click.option(
    "--drop-text",
    multiple=True,
    metavar="REGEX",
    help="Also remove blocks whose whole text matches REGEX ('contains:REGEX': anywhere in it).",
)
@click.option(
    "--root",
    metavar="SELECTOR",
    help="Keep only the article container matching this selector ('auto': find it).",
)
@click.option(
    "--profile",
    metavar="NAME",
    shell_complete=_complete_profiles,
    help="Profile: auto (default: the site by URL), a site, sina, generic, or your own.",
)
@click.option("--list-profiles", is_flag=True, help="Print the profiles and their sites and exit.")
@click.option(
    "--url",
    metavar="URL",
    help="The page's own address, which picks its site profile (for standard input).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes for batches.  [default: number of CPUs]",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOBS",
    help="Files to take from folders (default *.html,*.htm,*.xhtml,*.md,*.markdown).",
)
@click.option("--exclude", multiple=True, metavar="GLOBS", help="Files or folders to skip.")
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply --exclude to files named on the command line too (for pre-commit).",
)
@click.option(
    "--keep-comments",
    multiple=True,
    metavar="TEXTS",
    help="Also keep these comments (texts; a trailing * matches a prefix), like <!-- more -->.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Give up a file that takes longer (it is left unchanged; exit 3); 0: no limit."
    "  [default: 60]",
)
@click.option("--encoding", metavar="NAME", help="Force the input encoding.")
@click.option("--explain", is_flag=True, help="Per file, on stderr: what each rule removed.")
@click.option(
    "--statistics", is_flag=True, help="Print the per-rule edit totals at the end (stderr)."
)
@click.option(
    "--config",
    "config_file",
    type=_Path(dir_okay=False),
    metavar="FILE",
    help="Read settings from FILE instead of searching for one.",
)
@click.option(
    "--dask",
    metavar="ADDRESS",
    help="Run the batch on a Dask scheduler (tcp://host:8786) or 'local' (needs cleanhtml[dask]).",
)
@click.option("--no-config", is_flag=True, help="Ignore configuration files.")
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Where standard input lives: its config file, and its name in messages.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Clean every file, neither reading nor writing the cache of batch results.",
)
@click.option(
    "--allow-outside-root",
    is_flag=True,
    help="Follow symbolic links that lead outside the project root (read and write there).",
)
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="More on stderr; tracebacks on errors.")
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    help="Show the version and exit.",
    callback=_show_version,
)
@click.pass_context
def main(ctx: click.Context, /, paths: tuple[str, ...], **options: Any) -> None:
    """Clean scraped HTML: remove the boilerplate, keep the article.

    PATH is an HTML file, a Markdown post with front matter, a folder (searched
    recursively), or - for standard input (read when no PATH is given).
    """
    started = time.perf_counter()
    from cleanhtml.config import resolve

    listing = options["list_rules"] or options["show_rule"] or options["list_profiles"]
    if not paths and not listing:
        if sys.stdin.isatty():
            raise click.UsageError("no PATH given and standard input is a terminal")
        paths = ("-",)
    stdin_name: str | None = options["stdin_filename"]
    # standard input takes its config from where --stdin-filename says it lives
    where = [stdin_name if p == "-" and stdin_name else p for p in paths]
    explicit = _explicit_options(ctx)
    try:
        settings = resolve(
            where, explicit, config=options["config_file"], no_config=options["no_config"]
        )
    except ConfigError as exc:
        _fail(f"cleanhtml: config error: {exc}", Exit.USAGE)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    if options["no_cache"]:
        settings = settings.replace(cache=False)
    if options["list_rules"]:
        _list_rules(settings)
        return
    if options["list_profiles"]:
        _list_profiles(settings)
        return
    if options["show_rule"]:
        _show_rule(settings, options["show_rule"])
        return
    if "-" in paths and settings.writes_files:
        raise click.UsageError("standard input cannot be cleaned with -i or -o; drop - or them")
    if settings.dask:
        from cleanhtml.dask import require_dask

        try:
            require_dask()
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
    from cleanhtml.config import Resolver

    fixed = options["config_file"] is not None or options["no_config"]
    resolver = Resolver(settings, explicit, fixed=fixed)
    try:
        code = _run(paths, settings, started, resolver=resolver, stdin_name=stdin_name)
    except KeyboardInterrupt:  # before or after the batch itself (searching folders, ...)
        code = _interrupted(lambda line: click.echo(line, err=True))
    sys.exit(int(code))


def run() -> NoReturn:
    """The ``cleanhtml`` command and ``python -m cleanhtml``: :func:`main`, then a quick exit.

    Python's own exit tears down every object it holds, about 10 ms after a one-post
    run (a fifth of the interpreter's start-up) that changes nothing once the work is
    done: every file cleanhtml writes is closed by then. So once :func:`main` returned
    (or exited), the standard streams are flushed, the exit handlers run and the process
    ends with its status. Anything unusual (a status that is not a number, a thread
    still running, a stream that cannot be flushed) takes Python's usual exit.
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - click's main always exits
        code = None
    _quick_exit(code)


def _quick_exit(code: object) -> NoReturn:
    threading = sys.modules.get("threading")
    if not (code is None or isinstance(code, int)) or (
        threading is not None and threading.active_count() > 1
    ):
        raise SystemExit(code)
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):  # a closed pipe...: as Python would say it
        raise SystemExit(code) from None
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            if stream is not None:
                stream.flush()
    watch.ending(code or 0)
    os._exit((code or 0) & 0xFF)


def _interrupted(say: Callable[[str], None]) -> int:
    """Ctrl-C: one line, no traceback, status 130; a second Ctrl-C cannot cut it short."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    say(watch.INTERRUPTED_LINE)
    return INTERRUPTED


def _per_file(
    sources: list[Source], settings: Settings, resolver: Resolver, stdin_name: str | None
) -> list[Source]:
    """Each source with its own settings when its nearest config file is not the run's;
    standard input named and placed by ``--stdin-filename``.

    The settings are asked once per folder as written (the files of a folder search
    come folder by folder): a file's settings depend only on its folder."""
    from cleanhtml.files import STDIN

    cut = os.sep if os.altsep is None else None  # else each path's last separator of two
    by_folder: dict[str, Settings | None] = {}  # None: the run's own
    out = []
    for source in sources:
        where = source.path
        if where == STDIN:
            if stdin_name is None:
                out.append(source)
                continue
            source, where = source.replace(name=stdin_name), stdin_name
            own: Settings | None = resolver.settings_for(where)
        else:
            folder = where[: where.rfind(cut) + 1] if cut else os.path.dirname(where)
            if folder in by_folder:
                own = by_folder[folder]
            else:
                own = by_folder[folder] = resolver.settings_for(where)
                if own == settings:
                    own = by_folder[folder] = None
        out.append(source if own is None or own == settings else source.replace(settings=own))
    return out


def _run(
    paths: tuple[str, ...],
    settings: Settings,
    started: float,
    *,
    resolver: Resolver,
    stdin_name: str | None = None,
) -> int:
    from cleanhtml.files import expand, project_root
    from cleanhtml.report import Reporter
    from cleanhtml.runner import onto_inputs, run_many

    # what the imports made lives as long as the process: out of every later collection
    # (the first one after guard.COLLECT_AFTER objects would walk them all: ~7 ms)
    gc.freeze()
    if settings.verbose:
        used = settings.config_file or "none (searched from the inputs up to the repository root)"
        click.echo(f"cleanhtml: config: {used}", err=True)
    skip = [settings.output_dir] if settings.output_dir is not None else []
    root = None if settings.allow_outside_root else project_root(paths)
    if settings.verbose:
        click.echo(f"cleanhtml: project root: {root or 'none (--allow-outside-root)'}", err=True)
    found = expand(
        paths,
        include=settings.include,
        exclude=settings.exclude,
        skip=skip,
        force_exclude=settings.force_exclude,
        root=root,
    )
    if settings.verbose:
        for note in found.notes:
            click.echo(f"cleanhtml: {note}", err=True)
        for name, reason in found.skipped:
            click.echo(f"cleanhtml: {name}: skipped: {reason}", err=True)
    try:
        found.sources = _per_file(found.sources, settings, resolver, stdin_name)
    except ConfigError as exc:
        _fail(f"cleanhtml: config error: {exc}", Exit.USAGE)
    if settings.verbose:
        for config in sorted({str(s.settings.config_file) for s in found.sources if s.settings}):
            click.echo(f"cleanhtml: config (for the files below its folder): {config}", err=True)
    onto = onto_inputs(found.sources, settings)
    if onto:
        more = f" (and {len(onto) - 1} more)" if len(onto) > 1 else ""
        raise click.UsageError(
            f"-o {settings.output_dir} would overwrite the input {onto[0].name}{more}; "
            "use -i to clean in place, or write to another folder"
        )
    total = len(found.sources) + len(found.errors)
    if total == 0:
        if not settings.quiet:
            skipped = len(found.skipped)
            why = f" ({skipped} skipped: links outside the project root)" if skipped else ""
            click.echo(f"cleanhtml: no input files found{why}; nothing to do", err=True)
        return Exit.OK
    separate = len(found.sources) > 1
    separator, printed = FORMATS[settings.to].separator, 0
    # one document printed and nothing said but its error: cleaned here, the guard (our
    # parent, when there is one) holding its time limit and saying that line if need be
    guarded = (
        watch.watched()
        and total == 1
        and not found.skipped
        and settings.to_stdout
        and not (settings.verbose or settings.statistics)
    )
    with Reporter(settings, total, started=started) as reporter:
        reporter.skipped = len(found.skipped)
        for name, reason in found.errors:
            reporter.input_error(name, reason)
        try:
            # closing: however the loop ends, the workers are stopped before we go on
            run = run_many(found.sources, settings, on_tick=reporter.tick, guarded=guarded)
            with closing(run) as results:
                for result in results:
                    if result.output is not None:
                        between = separator if printed else b""
                        _write_stdout(result.output, separate=separate, before=between)
                        printed += 1
                    if result.diff:
                        _write_stdout(result.diff.encode("utf-8"), separate=False)
                    reporter.add(result)
        except BrokenPipeError:  # the reader (head, less) is done: stop quietly
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return Exit.OK
        except KeyboardInterrupt:
            return _interrupted(reporter.say)
    return reporter.finish()
