"""Write examples/courses.csv: a synthetic set of ongoing and ended courses, for follow-up.

No real person's data. Seeded, so the file is the same on every run:

    python examples/make_courses.py

Assumptions (illustrative, not statistics): 240 courses; a municipality that has let many
citizens start in CTI (half the courses are CTI, of which about a third do not taper — the
pattern 000 Praksiserfaring describes), the rest ICM and some ACT; start dates spread over the
last two years; now and then a hospital stay, treatment or prison term, lost contact, or an
ending, some of them without a valid reason. The review day is 2026-11-24.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from hf_triage._followup import COURSE_COLUMNS

TODAY = dt.date(2026, 11, 24)
SEED = 2026


def month_add(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)


def course(rng: random.Random, i: int) -> dict[str, str]:
    method = rng.choices(["CTI", "ICM", "ACT"], weights=[50, 38, 12])[0]
    months = rng.randint(1, 11) if method == "CTI" else rng.randint(2, 24)
    start = month_add(TODAY, -months).replace(day=rng.randint(1, 28))
    row = dict.fromkeys(COURSE_COLUMNS, "")
    row.update(citizen_id=f"F{i:04d}", method=method, start_date=start.isoformat())
    row["last_contact"] = (TODAY - dt.timedelta(days=rng.choice([1, 3, 6, 10, 20, 45]))).isoformat()
    if method == "CTI":
        stuck = rng.random() < 0.35
        levels = []
        for m in range(months + 1):
            phase = m // 3
            level = 3 if stuck else max(1, 3 - phase)
            levels.append(f"{month_add(start, m).strftime('%Y-%m')}:{level}")
        row["intensity"] = ";".join(levels)
        if months >= 6:
            row["next_step"] = rng.choice(["none", "section_85", "section_85", "other"])
            row["support_person_changes"] = rng.choice(["true", "false"])
            if rng.random() < 0.15:
                row["person_change_suitable"] = "false"
        if rng.random() < 0.1:
            row["need_beyond_nine_months"] = "true"
    if method == "ICM" and rng.random() < 0.2:
        kind = rng.choice(["hospital", "treatment", "prison"])
        begun = TODAY - dt.timedelta(days=rng.randint(3, 120))
        row.update(admission_kind=kind, admission_start=begun.isoformat())
        if kind == "prison":
            planned = begun + dt.timedelta(days=rng.choice([60, 200, 500, 900]))
            row["admission_planned_end"] = planned.isoformat()
    if method == "ICM" and rng.random() < 0.15:
        ended = TODAY - dt.timedelta(days=rng.randint(1, 60))
        reason = rng.choice(["moved_out", "citizen_no", "stable", "stable", "lost_contact"])
        row.update(ending_date=ended.isoformat(), ending_reason=reason)
        if reason == "moved_out":
            row["moved_out"] = "true"
        if reason == "stable":
            row["ending_stable_since"] = (
                ended - dt.timedelta(days=rng.choice([40, 250]))
            ).isoformat()
            row["ending_handover_plan"] = rng.choice(["true", "false"])
    return row


def main() -> None:
    rng = random.Random(SEED)  # noqa: S311 - synthetic data, not security
    path = Path(__file__).with_name("courses.csv")
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COURSE_COLUMNS)
        writer.writeheader()
        writer.writerows(course(rng, i) for i in range(1, 241))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
