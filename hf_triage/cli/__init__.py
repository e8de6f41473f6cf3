"""The ``hf-triage`` command: a thin shell that parses, calls the library and renders.

Exit codes: 0 success (a recommendation, decided or not; clean rules), 1 rule findings or
failing cases, 2 invalid input or rules that do not load (one line on standard error).

One module per command group (``_assess``, ``_review``, ``_batch``, ``_rules``), the shared
options in ``_common``; this module only builds the app from them, so nothing imports it back.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import typer

from ._assess import assess
from ._batch import batch
from ._common import Lang, fail, fail_listing, safe
from ._decide import decide
from ._extras import register as _register_extras
from ._review import review
from ._rules import rules_check, rules_diff, rules_schema, rules_test

__all__ = ["Lang", "app", "fail", "fail_listing", "main", "rules_app"]

app = typer.Typer(
    name="hf-triage",
    help="Housing First triage: recommend CTI, ICM or ACT from assessment answers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="Check, test and describe rule sets.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

app.command()(assess)
app.command()(review)
app.command()(batch)
app.command()(decide)

from ..service._run import serve_command  # noqa: E402 - all of `serve` lives in service/

app.command("serve")(serve_command)
rules_app.command("check")(rules_check)
rules_app.command("test")(rules_test)
rules_app.command("schema")(rules_schema)
rules_app.command("diff")(rules_diff)
_register_extras(app)


def main() -> None:
    """Entry point of the ``hf-triage`` script.

    Whatever happens, the answer is an exit code and at most one line on standard error (issue
    16): an output that cannot be written (a full disk, ``/dev/full``, a closed pipe) exits 2
    with the reason instead of Python's "Exception ignored" and exit 120.
    """
    from .._streams import use_utf8_streams

    use_utf8_streams()  # UTF-8 on every platform (a Windows pipe is cp1252 otherwise)
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        _quiet_stdout()
        raise SystemExit(130) from None
    except typer.Exit as exc:
        _flush_or_fail()
        raise SystemExit(exc.exit_code) from None
    except OSError as exc:
        _quiet_stdout()
        _fail_line(f"cannot write or read: {exc.strerror or type(exc).__name__}")
    except Exception as exc:
        format_message = getattr(exc, "format_message", None)
        if not callable(format_message):
            raise
        # a bad option or argument (click's UsageError, whichever click typer bundles): one
        # line, not a panel; the value is cut and escaped like every other message
        message = " ".join(str(format_message()).split())
        _fail_line(safe(message if len(message) <= 300 else message[:299] + "…"))
    except SystemExit as exc:
        _flush_or_fail()
        raise SystemExit(exc.code) from None
    except KeyboardInterrupt:
        _quiet_stdout()
        raise SystemExit(130) from None
    _flush_or_fail()
    raise SystemExit(code if isinstance(code, int) else 0)


def _fail_line(message: str) -> NoReturn:
    try:
        sys.stderr.write(f"hf-triage: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    raise SystemExit(2)


def _quiet_stdout() -> None:
    """Point standard output at the null device, so the interpreter's last flush cannot fail."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def _flush_or_fail() -> None:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as exc:
        _quiet_stdout()
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "it is closed"
        _fail_line(f"cannot write the output: {reason}")


if __name__ == "__main__":
    main()
