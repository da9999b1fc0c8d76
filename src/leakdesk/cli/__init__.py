"""The ``leakdesk`` command line: a thin layer over :mod:`leakdesk.api`.

Each command lives in its own module with a ``register(app)`` function and is
listed in ``COMMAND_MODULES``.  :func:`main` turns every
:class:`~leakdesk.errors.LeakdeskError` into one line on stderr and exit 2;
unexpected exceptions too (set ``LEAKDESK_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import importlib
import os
import sys

import typer

from ..errors import LeakdeskError

COMMAND_MODULES: tuple[str, ...] = (
    "audit",
    "quotes",
    "batch",
    "compare",
    "report",
    "sanitize",
    "serve",
)

app = typer.Typer(
    name="leakdesk",
    help="Find, compare and remove the traces in leaked documents that could identify a source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    """leakdesk works offline: it never opens a network connection (except `serve` on 127.0.0.1)."""


for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def error_line(message: str) -> None:
    sys.stderr.write(f"leakdesk: {message}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    try:
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int):
            return rv
    except LeakdeskError as exc:
        error_line(exc.one_line())
        return exc.exit_code
    except KeyboardInterrupt:
        error_line("interrupted")
        return 130
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except Exception as exc:  # click usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.Exit):
            return exc.exit_code
        # Typer may raise its own vendored copy of click's exceptions: match by name
        names = {c.__name__ for c in type(exc).__mro__}
        if isinstance(exc, click.ClickException) or "ClickException" in names:
            fmt = getattr(exc, "format_message", None)
            message = fmt() if callable(fmt) else str(exc)
            error_line(" ".join(str(message).split()) + "  (see: leakdesk --help)")
            return 2
        if isinstance(exc, click.exceptions.Abort):
            error_line("aborted")
            return 130
        if os.environ.get("LEAKDESK_DEBUG"):
            raise
        error_line(f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
                   " (set LEAKDESK_DEBUG=1 for details)")
        return 2
    return 0


def run() -> None:
    sys.exit(main())
