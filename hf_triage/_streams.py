"""UTF-8 on standard output and standard error, whatever the platform's default.

The texts hold ≥, →, ⚠ and Danish letters. On Windows a pipe (a .NET system running the command)
or a console with a legacy code page, and on POSIX a ``C`` locale, give Python a stream encoding
that cannot write them, and printing raised UnicodeEncodeError. The command line therefore
writes UTF-8 always; a consumer reading our output decodes it as UTF-8.
"""

from __future__ import annotations

import io
import sys
from typing import TextIO

__all__ = ["use_utf8_streams"]


def _reconfigure(stream: TextIO | None, encoding: str) -> None:
    # A stream replaced by a test runner or an embedding host may be no TextIOWrapper
    # (or None under pythonw); leave those alone.
    if isinstance(stream, io.TextIOWrapper) and stream.encoding.lower() != encoding:
        stream.reconfigure(encoding=encoding, errors=stream.errors)


def use_utf8_streams() -> None:
    """Reconfigure the standard streams to UTF-8 (a no-op where they already are).

    Standard input is read as UTF-8 too, like every file the command reads, and a byte-order
    mark that Windows tools put first (PowerShell's pipes) is dropped.
    """
    _reconfigure(sys.stdout, "utf-8")
    _reconfigure(sys.stderr, "utf-8")
    _reconfigure(sys.stdin, "utf-8-sig")
