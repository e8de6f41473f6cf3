"""How long ``hf-triage rules check`` takes: shipped rules, with k = 2, 3, 4 interacting extra
fields, and with 8 light ones.

The k rule sets are generated: a domain with k extra optional ordinal fields (0-4) is built
(``Domain.with_fields``; the shipped domain is untouched), and criteria and a warning that read
them together are appended to a copy of the shipped rules, compiled against that domain
(``extended_rules``). The light one adds 8 optional yes/no-like fields (0-1), each read by one
ICM criterion of its own and the last by a warning; ``--light 8 10 12 16 20`` shows how it
scales. Each rule set is checked by both methods, ``symbolic`` (binary decision diagrams, the
default) and ``regions`` (the class tuples enumerated; it doubles per light field, so it runs
only up to ``--regions-up-to`` fields). Times are medians of several runs, reported with a
same-run baseline (a fixed pure-Python workload) so that numbers from noisy shared machines can
be compared.

    python benchmarks/bench_check.py [--repeat N] [--light 8 10 12 16 20] [--regions-up-to 12]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from hf_triage import load_rules
from hf_triage._check import CheckMethod, check_rules, render_report
from hf_triage._domain import DEFAULT_DOMAIN, Domain, FieldSpec
from hf_triage._load import default_rules_dir

EXTRA = ("extra_1", "extra_2", "extra_3", "extra_4")


def extra_domain(k: int) -> Domain:
    """The shipped domain plus ``extra_1`` .. ``extra_k``: optional ordinal fields 0-4."""
    return DEFAULT_DOMAIN.with_fields(
        *(
            FieldSpec(name, (0, 1, 2, 3, 4), "ordinal", monotone=True, label_da=name, label_en=name)
            for name in EXTRA[:k]
        )
    )


DOMAIN = extra_domain(4)


def baseline() -> float:
    start = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i % 7
    return time.perf_counter() - start


def median_time(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def extended_rules(target: Path, k: int = 4) -> Path:
    """The shipped rules plus an ICM and an ACT criterion and a warning over ``extra_1..k``.

    k=4 is the rule set of the earlier figures: ICM when extra_1 >= 3 or (extra_2 >= 2 and
    extra_3 >= 4); ACT when service use is minimal, extra_4 >= 3 and extra_2 >= 1; a warning
    when extra_3 is 1 or 3. A smaller k drops the fields above it (the last one takes the
    place of extra_4 in the ACT criterion, of extra_3 in the warning).
    """
    for path in default_rules_dir().glob("*.yaml"):
        if not path.name.startswith("municipality"):
            shutil.copy(path, target / path.name)
    both = ["{field: extra_2, at_least: 2}"] if k >= 2 else []
    if k >= 3:
        both.append("{field: extra_3, at_least: 4}")
    icm = ["- {field: extra_1, at_least: 3}"]
    if both:
        icm.append("- all: [" + ", ".join(both) + "]")
    act = ["{field: service_use, is: minimal}", f"{{field: {EXTRA[k - 1]}, at_least: 3}}"]
    if k >= 2:
        act.append("{field: extra_2, at_least: 1}")
    with (target / "icm.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            """
  - id: icm-extra-fields
    when:
      any:
"""
            + "".join(f"        {line}\n" for line in icm)
            + """    reason: {da: "Ekstra felter.", en: "Extra fields."}
    source: "generated for the benchmark"
"""
        )
    with (target / "act.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            f"""
  - id: act-extra-fields
    when:
      all: [{", ".join(act)}]
    reason: {{da: "Ekstra felter.", en: "Extra fields."}}
    source: "generated for the benchmark"
"""
        )
    with (target / "warnings.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            f"""
  - code: extra-warning
    when: {{field: {EXTRA[min(k, 3) - 1]}, one_of: [1, 3]}}
    text: {{da: "Ekstra.", en: "Extra."}}
    source: "generated for the benchmark"
"""
        )
    return target


def light_fields(n: int) -> tuple[str, ...]:
    return tuple(f"light_{i}" for i in range(1, n + 1))


def light_domain(n: int) -> Domain:
    """The shipped domain plus ``light_1`` .. ``light_n``: optional yes/no-like fields 0-1."""
    return DEFAULT_DOMAIN.with_fields(
        *(
            FieldSpec(name, (0, 1), "ordinal", monotone=True, label_da=name, label_en=name)
            for name in light_fields(n)
        )
    )


LIGHT = light_fields(8)
LIGHT_DOMAIN = light_domain(8)


def light_rules(target: Path, n: int = 8) -> Path:
    """The shipped rules plus one ICM criterion per light field and a warning on the last."""
    for path in default_rules_dir().glob("*.yaml"):
        if not path.name.startswith("municipality"):
            shutil.copy(path, target / path.name)
    with (target / "icm.yaml").open("a", encoding="utf-8") as fh:
        for name in light_fields(n):
            fh.write(
                f"""
  - id: icm-{name.replace("_", "-")}
    when: {{field: {name}, is: 1}}
    reason: {{da: "Ekstra felt.", en: "Extra field."}}
    source: "generated for the benchmark"
"""
            )
    with (target / "warnings.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            f"""
  - code: light-warning
    when: {{field: light_{n}, is: 1}}
    text: {{da: "Ekstra.", en: "Extra."}}
    source: "generated for the benchmark"
"""
        )
    return target


def timed_check(
    directory: Path, domain: Domain, method: CheckMethod, repeat: int
) -> tuple[float, int]:
    """(median seconds of load + check, cases examined); the rule set must be sound."""
    report = check_rules(load_rules(directory, domain=domain), method)
    assert report.ok, render_report(report, "en")
    seconds = median_time(
        lambda: check_rules(load_rules(directory, domain=domain), method),
        repeat,
    )
    return seconds, report.assessments_examined


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--light",
        type=int,
        nargs="+",
        default=[8],
        help="numbers of light fields (default 8; above 8 timed once: the scaling)",
    )
    parser.add_argument(
        "--regions-up-to",
        type=int,
        default=12,
        help="time the region method on light rule sets up to this many fields (it doubles "
        "per field; above, only the symbolic method runs)",
    )
    args = parser.parse_args()

    base = median_time(baseline, args.repeat)
    rows: list[tuple[str, dict[str, tuple[float, int]]]] = []
    both: tuple[CheckMethod, ...] = ("regions", "symbolic")
    with tempfile.TemporaryDirectory() as tmp:
        shipped = default_rules_dir()
        rows.append(
            (
                "shipped rules",
                {m: timed_check(shipped, DEFAULT_DOMAIN, m, args.repeat) for m in both},
            )
        )
        for k in (2, 3, 4):
            directory = Path(tmp) / f"extra{k}"
            directory.mkdir()
            extended_rules(directory, k)
            domain = extra_domain(k)
            rows.append(
                (
                    f"shipped + {k} interacting optional 5-level fields",
                    {m: timed_check(directory, domain, m, args.repeat) for m in both},
                )
            )
        for n in args.light:
            directory = Path(tmp) / f"light{n}"
            directory.mkdir()
            light_rules(directory, n)
            domain = light_domain(n)
            repeat = args.repeat if n <= 8 else 1
            methods = both if n <= args.regions_up_to else both[1:]
            rows.append(
                (
                    f"shipped + {n} light optional 2-level fields",
                    {m: timed_check(directory, domain, m, repeat) for m in methods},
                )
            )

    print(
        "| rule set | regions: load + check | symbolic: load + check | regions ÷ symbolic "
        "| × baseline (regions / symbolic) | cases examined (regions / symbolic) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for label, by_method in rows:
        sym, sym_n = by_method["symbolic"]
        if "regions" in by_method:
            reg, reg_n = by_method["regions"]
            print(
                f"| {label} | {fmt(reg)} | {fmt(sym)} | {reg / sym:.1f} | "
                f"{reg / base:.1f} / {sym / base:.1f} | {reg_n:,} / {sym_n:,} |"
            )
        else:
            print(f"| {label} | – | {fmt(sym)} | – | – / {sym / base:.1f} | – / {sym_n:,} |")
    print(f"\nbaseline: 1e6-iteration Python loop, {base * 1e3:.1f} ms (median)")
    print(
        f"Python {sys.version.split()[0]}; command: python benchmarks/bench_check.py "
        f"--repeat {args.repeat} --light {' '.join(map(str, args.light))} "
        f"--regions-up-to {args.regions_up_to}"
    )
    return 0


def fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
