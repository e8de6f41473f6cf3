"""The command writes UTF-8 whatever the platform's stream encoding (issue 14 item 2).

On Windows a pipe from a .NET system, or a console with a legacy code page, gives Python a
cp1252 (or similar) standard output that cannot hold ≥, → or ⚠; the command crashed with
UnicodeEncodeError. PYTHONIOENCODING=cp1252 reproduces that on any platform.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hf_triage._streams import use_utf8_streams

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# couch_surfer's texts hold characters that cp1252 cannot encode ('≥', rich's box drawing)
COUCH = str(EXAMPLES / "couch_surfer.yaml")


def run_cli(
    *args: str, encoding: str = "cp1252", stdin: bytes = b""
) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0", "LC_ALL": "C"}
    return subprocess.run(
        # the script's entry point, as the installed hf-triage runs it
        [sys.executable, "-c", "from hf_triage.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        env=env,
        check=False,
        timeout=120,
    )


@pytest.mark.slow  # fresh processes; CI runs it
@pytest.mark.parametrize(
    ("args", "encoding"),
    [
        (("assess", COUCH), "cp1252"),
        (("assess", COUCH, "--json"), "cp1252"),
        (("assess", COUCH, "--json", "--lang", "en"), "ascii"),
    ],
    ids=["screen-cp1252", "json-cp1252", "json-en-ascii"],
)
def test_output_is_utf8_on_a_legacy_stream(args: tuple[str, ...], encoding: str) -> None:
    result = run_cli(*args, encoding=encoding)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    text = result.stdout.decode("utf-8")  # strict: the bytes are UTF-8
    # the output really holds what the legacy encoding cannot (≥, box drawing, ...)
    with pytest.raises(UnicodeEncodeError):
        text.encode(encoding)
    assert b"UnicodeEncodeError" not in result.stderr


@pytest.mark.slow  # a fresh process; CI runs it
def test_errors_are_utf8_on_a_legacy_stream() -> None:
    result = run_cli("assess", "-", stdin="complexity: særlig → svær\n".encode())
    assert result.returncode == 2
    message = result.stderr.decode("utf-8")
    assert message.startswith("hf-triage: ")
    assert "særlig → svær" in message
    assert "Traceback" not in message


@pytest.mark.slow  # fresh processes; CI runs it
def test_stdin_is_read_as_utf8_with_or_without_a_bom() -> None:
    for prefix in (b"", b"\xef\xbb\xbf"):
        result = run_cli("assess", "-", "--json", stdin=prefix + b"complexity: mild\n")
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")


def test_reconfigure_leaves_foreign_streams_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    foreign = io.StringIO()
    legacy = io.TextIOWrapper(io.BytesIO(), encoding="cp1252")
    monkeypatch.setattr(sys, "stdout", foreign)
    monkeypatch.setattr(sys, "stderr", legacy)
    use_utf8_streams()
    assert sys.stdout is foreign
    assert legacy.encoding == "utf-8"
    legacy.write("≥ → ⚠")
    legacy.flush()
    assert legacy.buffer.getvalue() == "≥ → ⚠".encode()
