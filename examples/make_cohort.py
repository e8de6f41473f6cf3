"""Generate examples/cohort.csv: a synthetic cohort of citizens for the visitation notebook.

    python examples/make_cohort.py            # writes examples/cohort.csv (seeded: same file)
    python examples/make_cohort.py -n 5000 -o /tmp/big.csv --seed 7

No real person's data: every row is drawn at random. The cohort is plausible, not
representative; its assumptions are:

* Mental illness and substance use follow VIVE's 2022 national count of homelessness (5,789
  citizens; figures from outside the seeds, see DOMAIN.md): 62 % have a psychiatric diagnosis,
  42 % both a diagnosis and substance use, 15 % neither — so 20 % a diagnosis only and 23 %
  substance use only. A problem present is scored 2-4 on the 0-4 scale, an absent one 0-1.
* ``complexity`` grows with those scores and the other life dimensions; ``service_use`` leans
  on complexity (most with massive problems use services little, most with mild ones use them
  well), with some noise so that inconsistent answers also occur.
* The housing situations, urgency, support duration and the other answers are illustrative
  shares, not statistics. Some answers are left blank, as in real assessments: 6 % lack
  ``service_use`` and 4 % ``complexity`` (these cases stay undecided).
* ``assigned_method`` is the method a current citizen is in (60 % are current citizens) in a
  municipality offering CTI and ICM only, which starts many in CTI — the pattern the sources
  warn against (000 «1 Indsatsvifte»). It does not depend on the rules.
* Three rows carry typing errors ("moderat", a score of 5, consent "ja") to show how a bad
  row is reported without stopping the batch.
* ``age_band`` and ``gender`` are optional grouping columns for the fairness view of the cohort
  report (``groups=("age_band", "gender")``). Their shares are illustrative, roughly as in
  VIVE's 2022 count (outside the seeds: about four in five are men); they are drawn from a
  second generator after everything else, so the other columns and rows stay as they were,
  and they do not depend on the other answers. A few ``other`` genders and blanks make groups
  too small to show (the report suppresses groups under 5 citizens).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

DIMENSIONS = (
    "housing",
    "mental_health",
    "physical_health",
    "finances",
    "daily_activities",
    "network",
    "substance_use",
    "education_employment",
)
COLUMNS = (
    "citizen_id",
    "complexity",
    "service_use",
    "urgency",
    "support_duration",
    "situation",
    *(f"dimensions.{d}" for d in DIMENSIONS),
    "negative_service_experiences",
    "housing_ready",
    "consent",
    "proposed_method",
    "assigned_method",
    "age_band",
    "gender",
)

# VIVE 2022 count (outside the seeds): diagnosis and substance use, both, one, neither
PROFILES = (("both", 0.42), ("diagnosis", 0.20), ("substance", 0.23), ("neither", 0.15))
SITUATIONS = (
    ("shelter_exit", 0.30),
    ("temporary_stay", 0.25),
    ("street", 0.10),
    ("hospital_discharge", 0.04),
    ("treatment_discharge", 0.04),
    ("prison_release", 0.05),
    ("eviction_risk", 0.12),
    ("other", 0.10),
)
# illustrative shares (outside the seeds), see the docstring
AGE_BANDS = (
    ("18-24", 0.13),
    ("25-29", 0.11),
    ("30-39", 0.22),
    ("40-49", 0.21),
    ("50-59", 0.21),
    ("60+", 0.11),
    ("", 0.01),
)
GENDERS = (("male", 0.787), ("female", 0.2), ("other", 0.003), ("", 0.01))
SERVICE_USE = {  # P(significant, partial, minimal | complexity)
    "mild": (0.75, 0.20, 0.05),
    "moderate": (0.30, 0.50, 0.20),
    "severe": (0.08, 0.37, 0.55),
}


def pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def score(rng: random.Random, present: bool) -> int:
    return rng.choice((2, 3, 3, 4)) if present else rng.choice((0, 0, 1))


def citizen(rng: random.Random, number: int) -> dict[str, str]:
    profile = pick(rng, PROFILES)
    dims = {
        "mental_health": score(rng, profile in ("both", "diagnosis")),
        "substance_use": score(rng, profile in ("both", "substance")),
    }
    burden = (dims["mental_health"] + dims["substance_use"]) / 8  # 0..1
    for d in DIMENSIONS:
        if d not in dims:
            dims[d] = min(4, max(0, round(rng.gauss(1 + 2.2 * burden, 0.9))))
    load = burden + sum(dims.values()) / 64 + rng.gauss(0, 0.12)
    complexity = "mild" if load < 0.45 else "moderate" if load < 0.85 else "severe"
    service_use = rng.choices(("significant", "partial", "minimal"), SERVICE_USE[complexity])[0]
    situation = pick(rng, SITUATIONS)
    transition = situation in ("shelter_exit", "hospital_discharge", "treatment_discharge")
    if rng.random() < 0.3:
        duration = ""
    elif complexity == "severe" or (not transition and rng.random() < 0.4):
        duration = "long_term"
    else:
        duration = "transitional"
    current = rng.random() < 0.6
    row = {
        "citizen_id": f"B{number:04d}",
        "complexity": "" if rng.random() < 0.04 else complexity,
        "service_use": "" if rng.random() < 0.06 else service_use,
        "urgency": pick(rng, (("routine", 0.5), ("soon", 0.35), ("acute", 0.15))),
        "support_duration": duration,
        "situation": situation,
        **{f"dimensions.{d}": str(s) if rng.random() < 0.92 else "" for d, s in dims.items()},
        "negative_service_experiences": ("true" if rng.random() < 0.25 + 0.5 * burden else "false"),
        "housing_ready": rng.choice(("true", "false")) if rng.random() < 0.2 else "",
        "consent": pick(rng, (("true", 0.9), ("false", 0.05), ("", 0.05))),
        "proposed_method": (
            pick(rng, (("CTI", 0.5), ("ICM", 0.35), ("ACT", 0.15))) if rng.random() < 0.6 else ""
        ),
        "assigned_method": (
            rng.choices(("CTI", "ICM"), (0.6, 0.4) if complexity != "mild" else (0.9, 0.1))[0]
            if current
            else ""
        ),
    }
    return row


def make_cohort(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)  # noqa: S311 - a synthetic cohort, not a secret
    rows = [citizen(rng, i + 1) for i in range(n)]
    # typing errors, as they happen in exports: each is reported, the rest is triaged
    typos = (("complexity", "moderat"), ("dimensions.network", "5"), ("consent", "ja"))
    for (column, value), row in zip(typos, rng.sample(rows, len(typos)), strict=True):
        row[column] = value
    # the grouping columns from a generator of their own: the columns above stay as they were
    groups = random.Random(f"{seed}-groups")  # noqa: S311 - synthetic
    for row in rows:
        row["age_band"] = pick(groups, AGE_BANDS)
        row["gender"] = pick(groups, GENDERS)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=600, help="number of citizens (default 600)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path(__file__).resolve().parent / "cohort.csv"
    )
    args = parser.parse_args()
    with args.output.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(make_cohort(args.n, args.seed))
    print(f"wrote {args.n} synthetic citizens to {args.output}")


if __name__ == "__main__":
    main()
