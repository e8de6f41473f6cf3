"""The hostile files and CLI probes of issue 16, as data: one table for the test and the
full-size rerun (``tests/hostile/run_full.py``).

Each probe runs ``hf-triage`` in a subprocess with a timeout and a given standard input; the
clean outcome is: it ends within the timeout (no hang), exits with the expected code, prints no
traceback, and writes at most ``MAX_ERR_LINES`` short lines to standard error (no unbounded
echo), none carrying a raw control character (no escape-sequence injection).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: the shipped rules, copied and mutated for the rule-file probes
RULES = Path(__file__).resolve().parents[2] / "rules"
#: a clean failure: one line (or a listing of a few problems), never an echo of the input
MAX_ERR_LINES = 30
MAX_ERR_LINE = 600
TIMEOUT = 60.0
#: C0 controls other than tab/newline, DEL and the C1 range: must never reach a terminal raw
_RAW_CONTROL = {c for c in range(0x20) if c not in (9, 10)} | {0x7F} | set(range(0x80, 0xA0))


@dataclass(frozen=True)
class Probe:
    name: str
    #: arguments after ``hf-triage``; ``{d}`` is replaced by the probe directory
    argv: tuple[str, ...]
    #: "devnull", "closed", "binary", "text:..." or "tty-less" (a pipe with no writer data)
    stdin: str = "devnull"
    #: the exit codes that count as a clean answer
    codes: tuple[int, ...] = (2,)


@dataclass(frozen=True)
class Outcome:
    probe: Probe
    code: int | None  # None: it hung (killed after TIMEOUT)
    stderr: str

    @property
    def problems(self) -> list[str]:
        found = []
        if self.code is None:
            return ["hang"]
        if self.code not in self.probe.codes:
            found.append(f"exit {self.code}, expected {self.probe.codes}")
        if "Traceback" in self.stderr:
            found.append("traceback")
        lines = self.stderr.splitlines()
        if len(lines) > MAX_ERR_LINES or any(len(line) > MAX_ERR_LINE for line in lines):
            found.append(f"unbounded stderr ({len(self.stderr)} chars)")
        if any(ord(ch) in _RAW_CONTROL for ch in self.stderr):
            found.append("raw control character on stderr")
        if self.probe.codes == (2,) and not self.stderr.strip():
            found.append("no message")
        return found


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _rules_with(
    d: Path, name: str, mutate: Callable[[str], str], file: str = "ruleset.yaml"
) -> Path:
    target = d / name
    shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("tests"))
    path = target / file
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    return target


def make_files(d: Path) -> None:
    """Create every hostile file and directory the probes name, under ``d``."""
    ok = b"complexity: moderate\nservice_use: partial\n"
    _write(d / "ok.yaml", ok)
    _write(d / "nul.yaml", b"complexity: mod\x00erate\n")
    _write(d / "esc.yaml", b"complexity: \x1b[31mred\x1b[0m\n")
    _write(d / "c1.yaml", "complexity: \u009bred\n".encode())
    _write(d / "esckey.yaml", b"\x1b]0;pwned\x07: 1\n")
    _write(d / "bin.yaml", bytes(range(256)) * 8)
    _write(d / "line.yaml", b"complexity: " + b"x" * 900_000 + b"\n")
    _write(d / "directive.yaml", b"%YAML 1.1\n---\ncomplexity: moderate\n")
    _write(d / "tag.yaml", b"%TAG ! tag:example.com,2000:\n---\ncomplexity: !x moderate\n")
    _write(d / "deep.yaml", b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n")
    _write(d / "bigint.yaml", b"complexity: " + b"9" * 5000 + b"\n")
    _write(d / "unknown.yaml", b"diagnosis: paranoid schizophrenia\n")
    _write(d / "course_bad_date.yaml", b"method: ICM\nstart_date: '20250601'\n")
    _write(d / "course_week.yaml", b"method: ICM\nstart_date: '2025-W23-1'\n")
    _write(d / "csv.csv", b"citizen_id,complexity\nc1,moderate\n")
    (d / "adir").mkdir(exist_ok=True)
    for name, device in (("zero.yaml", "/dev/zero"), ("urandom.yaml", "/dev/urandom")):
        if not (d / name).is_symlink():
            os.symlink(device, d / name)
    if not (d / "fifo.yaml").exists():
        os.mkfifo(d / "fifo.yaml")
    if not (d / "fifo.csv").exists():
        os.mkfifo(d / "fifo.csv")
    # rule sets
    _rules_with(d, "r_nul", lambda t: t.replace("\n", "\n# \x00\n", 1))
    _rules_with(d, "r_esc", lambda t: t.replace("\n", "\n# \x1b[2J\n", 1))
    _rules_with(d, "r_directive", lambda t: "%YAML 1.1\n---\n" + t)
    _rules_with(d, "r_line", lambda t: t + "\n# " + "x" * 900_000 + "\n")
    _rules_with(d, "r_days", lambda t: t, file="followup.yaml")
    days = d / "r_days" / "followup.yaml"
    text = days.read_text(encoding="utf-8")
    import re

    text = re.sub(r"(days:\s*)\d+", lambda m: m.group(1) + "9" * 5000, text, count=1)
    days.write_text(text, encoding="utf-8")
    _rules_with(d, "r_escval", lambda t: t.replace("\n", "\n", 1), file="ruleset.yaml")
    r = d / "r_escval" / "ruleset.yaml"
    r.write_text(
        r.read_text(encoding="utf-8") + "\nbogus\x1b[31m: \x1b]0;pwned\x07\n", encoding="utf-8"
    )
    # a rule directory whose file is a symlink to /dev/zero, a FIFO, and a directory loop
    makers: tuple[tuple[str, Callable[[Path], None]], ...] = (
        ("r_zero", lambda p: os.symlink("/dev/zero", p)),
        ("r_fifo", lambda p: os.mkfifo(p)),
    )
    for name, make in makers:
        target = d / name
        if not target.exists():
            shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("tests"))
            (target / "zz_extra.yaml").unlink(missing_ok=True)
            make(target / "zz_extra.yaml")
    loop = d / "r_loop"
    if not loop.exists():
        shutil.copytree(RULES, loop, ignore=shutil.ignore_patterns("tests"))
        os.symlink(".", loop / "again")
        os.symlink(loop / "nowhere", loop / "dangling.yaml")
    selfloop = d / "r_selfloop"
    if not selfloop.exists():
        shutil.copytree(RULES, selfloop, ignore=shutil.ignore_patterns("tests"))
        os.symlink("zz_loop.yaml", selfloop / "zz_loop.yaml")


def probes() -> list[Probe]:
    """The probe table: (name, argv, standard input, clean exit codes)."""
    table: list[Probe] = []
    for kind in (
        "zero",
        "urandom",
        "fifo",
        "nul",
        "esc",
        "c1",
        "esckey",
        "bin",
        "line",
        "directive",
        "tag",
        "deep",
        "bigint",
        "unknown",
        "adir",
        "missing",
    ):
        path = "{d}/" + kind + ("" if kind == "adir" else ".yaml")
        table.append(Probe(f"assess {kind}", ("assess", path)))
        table.append(Probe(f"decide {kind}", ("decide", path, "--method", "ICM")))
        table.append(Probe(f"review {kind}", ("review", path, "--today", "2026-01-01")))
        table.append(
            Probe(
                f"assess --municipality {kind}", ("assess", "{d}/ok.yaml", "--municipality", path)
            )
        )
    for stdin in ("devnull", "closed", "binary", "text:complexity: \x1b[31m\n", "text:\x00"):
        table.append(Probe(f"assess - stdin={stdin[:12]!r}", ("assess", "-"), stdin=stdin))
        table.append(
            Probe(
                f"review - stdin={stdin[:12]!r}",
                ("review", "-", "--today", "2026-01-01"),
                stdin=stdin,
            )
        )
    table += [
        Probe("assess bad --lang", ("assess", "{d}/ok.yaml", "--lang", "xx\x1b[31m")),
        Probe("review bad --today", ("review", "{d}/ok.yaml", "--today", "20250601")),
        Probe("review week --today", ("review", "{d}/ok.yaml", "--today", "2025-W23-1")),
        Probe(
            "review course 20250601",
            ("review", "{d}/course_bad_date.yaml", "--today", "2026-01-01"),
        ),
        Probe(
            "review course week date", ("review", "{d}/course_week.yaml", "--today", "2026-01-01")
        ),
        Probe("batch fifo", ("batch", "{d}/fifo.csv", "-o", "{d}/out.csv")),
        Probe("batch zero", ("batch", "/dev/zero", "-o", "{d}/out.csv")),
        Probe("batch to a directory", ("batch", "{d}/csv.csv", "-o", "{d}/adir")),
        Probe("batch to /dev/full", ("batch", "{d}/csv.csv", "-o", "/dev/full")),
        Probe("assess to /dev/full", ("assess", "{d}/ok.yaml"), stdin="devnull", codes=(2,)),
    ]
    for name in (
        "r_nul",
        "r_esc",
        "r_directive",
        "r_line",
        "r_days",
        "r_escval",
        "r_zero",
        "r_fifo",
        "r_loop",
        "r_selfloop",
        "adir/none",
        "zero.yaml",
    ):
        clean = (0, 1, 2) if name == "r_line" else (1, 2)  # a long comment is harmless
        table.append(Probe(f"rules check {name}", ("rules", "check", "{d}/" + name), codes=clean))
        table.append(
            Probe(
                f"assess --rules {name}",
                ("assess", "{d}/ok.yaml", "--rules", "{d}/" + name),
                codes=(0, 2) if name == "r_line" else (2,),
            )
        )
    return table


def run(probe: Probe, d: Path, timeout: float = TIMEOUT) -> Outcome:
    """Run one probe; a hang is killed after ``timeout`` seconds."""
    argv = [a.replace("{d}", str(d)) for a in probe.argv]
    # the ``hf-triage`` script's entry point, in this interpreter
    cmd = [sys.executable, "-c", "from hf_triage.cli import main; main()", *argv]
    stdin: int | None
    data: bytes | None = None
    if probe.stdin == "devnull":
        stdin = subprocess.DEVNULL
    elif probe.stdin == "closed":
        stdin = None
    elif probe.stdin == "binary":
        stdin, data = subprocess.PIPE, bytes(range(256)) * 64
    else:
        stdin, data = subprocess.PIPE, probe.stdin.removeprefix("text:").encode()
    stdout = subprocess.PIPE
    out_full = probe.name.endswith("to /dev/full") and probe.argv[0] == "assess"
    if out_full:
        stdout = os.open("/dev/full", os.O_WRONLY)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "COLUMNS": "100"}
    try:
        if probe.stdin == "closed":
            # the child starts with descriptor 0 closed
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=subprocess.PIPE,
                env=env,
                preexec_fn=lambda: os.close(0),
            )
        else:
            proc = subprocess.Popen(
                cmd, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env
            )
        try:
            _, err = proc.communicate(data, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return Outcome(probe, None, "")
    finally:
        if out_full:
            os.close(stdout)
    return Outcome(probe, proc.returncode, err.decode("utf-8", errors="replace"))
