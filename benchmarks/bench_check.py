"""How long ``hf-triage rules check`` takes: shipped rules, with 4 interacting extra fields,
and with 8 light ones.

The second rule set is generated: a domain with four extra optional ordinal fields (0-4) is
built (``Domain.with_fields``; the shipped domain is untouched), and criteria and a warning that
read them are appended to a copy of the shipped rules, compiled against that domain. The third
adds 8 optional yes/no-like fields (0-1), each read by one ICM criterion of its own and one of
them by a warning. Times are medians of several runs, reported with a same-run baseline
(a fixed pure-Python workload) so that numbers from noisy shared machines can be compared.

    python benchmarks/bench_check.py [--repeat N]
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
from hf_triage._check import check_rules, render_report
from hf_triage._domain import DEFAULT_DOMAIN, FieldSpec
from hf_triage._load import default_rules_dir

EXTRA = ("extra_1", "extra_2", "extra_3", "extra_4")
DOMAIN = DEFAULT_DOMAIN.with_fields(
    *(
        FieldSpec(name, (0, 1, 2, 3, 4), "ordinal", monotone=True, label_da=name, label_en=name)
        for name in EXTRA
    )
)


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


def extended_rules(target: Path) -> Path:
    for path in default_rules_dir().glob("*.yaml"):
        if not path.name.startswith("municipality"):
            shutil.copy(path, target / path.name)
    with (target / "icm.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            """
  - id: icm-extra-fields
    when:
      any:
        - {field: extra_1, at_least: 3}
        - all:
            - {field: extra_2, at_least: 2}
            - {field: extra_3, at_least: 4}
    reason: {da: "Ekstra felter.", en: "Extra fields."}
    source: "generated for the benchmark"
"""
        )
    with (target / "act.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            """
  - id: act-extra-fields
    when:
      all:
        - {field: service_use, is: minimal}
        - {field: extra_4, at_least: 3}
        - {field: extra_2, at_least: 1}
    reason: {da: "Ekstra felter.", en: "Extra fields."}
    source: "generated for the benchmark"
"""
        )
    with (target / "warnings.yaml").open("a", encoding="utf-8") as fh:
        fh.write(
            """
  - code: extra-warning
    when: {field: extra_3, one_of: [1, 3]}
    text: {da: "Ekstra.", en: "Extra."}
    source: "generated for the benchmark"
"""
        )
    return target


LIGHT = tuple(f"light_{i}" for i in range(1, 9))
LIGHT_DOMAIN = DEFAULT_DOMAIN.with_fields(
    *(
        FieldSpec(name, (0, 1), "ordinal", monotone=True, label_da=name, label_en=name)
        for name in LIGHT
    )
)


def light_rules(target: Path) -> Path:
    for path in default_rules_dir().glob("*.yaml"):
        if not path.name.startswith("municipality"):
            shutil.copy(path, target / path.name)
    with (target / "icm.yaml").open("a", encoding="utf-8") as fh:
        for name in LIGHT:
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
            """
  - code: light-warning
    when: {field: light_8, is: 1}
    text: {da: "Ekstra.", en: "Extra."}
    source: "generated for the benchmark"
"""
        )
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    base = median_time(baseline, args.repeat)
    shipped = load_rules(default_rules_dir())
    shipped_report = check_rules(shipped)
    assert shipped_report.ok, render_report(shipped_report, "en")
    t_shipped = median_time(lambda: check_rules(load_rules(default_rules_dir())), args.repeat)

    with tempfile.TemporaryDirectory() as tmp:
        extended_dir = extended_rules(Path(tmp))
        extended = load_rules(extended_dir, domain=DOMAIN)
        report = check_rules(extended)
        assert report.ok, render_report(report, "en")
        t_extended = median_time(
            lambda: check_rules(load_rules(extended_dir, domain=DOMAIN)), args.repeat
        )
    with tempfile.TemporaryDirectory() as tmp:
        light_dir = light_rules(Path(tmp))
        light_report = check_rules(load_rules(light_dir, domain=LIGHT_DOMAIN))
        assert light_report.ok, render_report(light_report, "en")
        t_light = median_time(
            lambda: check_rules(load_rules(light_dir, domain=LIGHT_DOMAIN)), args.repeat
        )

    print("| rule set | load + check (median) | assessments examined | ratio to baseline |")
    print("|---|---|---|---|")
    print(f"| baseline: 1e6-iteration Python loop | {base * 1e3:.1f} ms | – | 1.0 |")
    print(
        f"| shipped rules | {t_shipped * 1e3:.1f} ms | {shipped_report.assessments_examined} "
        f"| {t_shipped / base:.1f} |"
    )
    print(
        f"| shipped + 4 interacting optional 5-level fields | {t_extended * 1e3:.1f} ms | "
        f"{report.assessments_examined} | {t_extended / base:.1f} |"
    )
    print(
        f"| shipped + 8 light optional 2-level fields | {t_light * 1e3:.1f} ms | "
        f"{light_report.assessments_examined} | {t_light / base:.1f} |"
    )
    print(
        f"\nPython {sys.version.split()[0]}; command: python benchmarks/bench_check.py "
        f"--repeat {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
