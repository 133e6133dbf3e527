"""The ``cleanhtml`` command: click options in, exit status out. No cleaning logic here."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from cleanhtml import __version__
from cleanhtml.errors import CleanHtmlError, InputError, UsageError
from cleanhtml.report import Exit, error_line

FORMATS = ("html", "text")

EPILOG = """\b
Examples:
  cleanhtml post.md > clean.md            clean one Hexo/Jekyll post
  cleanhtml -t text post.md               the article as plain text
  curl -s URL | cleanhtml -t text         read standard input
  cleanhtml --ignore remove-editor-footer post.md
  cleanhtml --select markup page.html     only the markup rules
  cleanhtml --list-rules                  every rule with its code and group

\b
Exit status: 0 ok, 1 --check found changes, 2 usage or config error,
3 an input could not be cleaned.
"""


def _fail(message: str, code: Exit, *, verbose: bool) -> NoReturn:
    if verbose:
        import traceback

        traceback.print_exc(file=sys.stderr)
    click.echo(message, err=True)
    sys.exit(int(code))


def _list_rules() -> None:
    from cleanhtml.rules import RULES

    width = max(len(rule.name) for rule in RULES)
    click.echo(f"{'code':<5} {'name':<{width}} {'group':<10} {'default':<7} summary")
    for rule in RULES:
        on = "on" if rule.default else "off"
        click.echo(f"{rule.code:<5} {rule.name:<{width}} {rule.group:<10} {on:<7} {rule.summary}")


def _read(path: str) -> tuple[str, bytes]:
    if path == "-":
        return "<stdin>", sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return path, handle.read()
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None


@click.command(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "-t",
    "--to",
    "to",
    type=click.Choice(FORMATS),
    default="html",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Run only these rules (codes, names, groups or ALL; comma-separated).",
)
@click.option(
    "--extend-select", multiple=True, metavar="RULES", help="Add these rules to the selection."
)
@click.option(
    "--ignore", multiple=True, metavar="RULES", help="Do not run these rules (applied last)."
)
@click.option("--list-rules", is_flag=True, help="Print the table of rules and exit.")
@click.option("-q", "--quiet", is_flag=True, help="Less on stderr.")
@click.option("-v", "--verbose", is_flag=True, help="More on stderr; tracebacks on errors.")
@click.version_option(__version__, "--version", prog_name="cleanhtml")
def main(
    paths: tuple[str, ...],
    to: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    list_rules: bool,
    quiet: bool,
    verbose: bool,
    **_: Any,
) -> None:
    """Clean scraped HTML: remove the boilerplate, keep the article.

    PATH is an HTML file, a Markdown post with front matter, or - for standard input
    (read when no PATH is given).
    """  # fmt: skip
    if list_rules:
        _list_rules()
        return
    from cleanhtml.api import clean_document, render
    from cleanhtml.rules import select_rules

    try:
        rules = select_rules(select, extend_select, ignore)
    except UsageError as exc:
        raise click.UsageError(str(exc)) from None
    if not paths:
        if sys.stdin.isatty():
            raise click.UsageError("no PATH given and standard input is a terminal")
        paths = ("-",)
    failed = False
    for path in paths:
        name = "<stdin>" if path == "-" else path
        try:
            name, data = _read(path)
            cleaned = clean_document(data, rules=rules, path=name)
            output = render(cleaned, to)
        except CleanHtmlError as exc:
            code = Exit.USAGE if isinstance(exc, UsageError) else Exit.INPUT
            if len(paths) == 1:
                _fail(error_line(name, str(exc)), code, verbose=verbose)
            click.echo(error_line(name, str(exc)), err=True)
            failed = True
            continue
        except Exception as exc:  # a bug: still one line, traceback with -v
            _fail(error_line(name, f"internal error: {exc!r}"), Exit.INPUT, verbose=verbose)
        sys.stdout.write(output)
        sys.stdout.flush()
    if failed:
        sys.exit(int(Exit.INPUT))
