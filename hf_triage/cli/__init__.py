"""The ``hf-triage`` command: a thin shell that parses, calls the library and renders.

Exit codes: 0 success (a recommendation, decided or not; clean rules), 1 rule findings or
failing cases, 2 invalid input or rules that do not load (one line on standard error).

One module per command group (``_assess``, ``_review``, ``_batch``, ``_rules``), the shared
options in ``_common``; this module only builds the app from them, so nothing imports it back.
"""

from __future__ import annotations

import typer

from ._assess import assess
from ._batch import batch
from ._common import Lang, fail, fail_listing
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
    """Entry point of the ``hf-triage`` script."""
    from .._streams import use_utf8_streams

    use_utf8_streams()  # UTF-8 on every platform (a Windows pipe is cp1252 otherwise)
    app()


if __name__ == "__main__":
    main()
