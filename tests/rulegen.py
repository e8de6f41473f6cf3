"""Generated rule sets for tests: the shipped rules plus random criteria and warnings.

Random conditions (``all``/``any``/``not`` over field tests with random operators and operands)
are appended to copies of the shipped files. Adding criteria never opens a gap, so every
generated rule set decides every complete assessment; it may well break monotonicity or
invariance, which is what the checker tests want to see found.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

from hf_triage._domain import DEFAULT_DOMAIN, Domain, FieldSpec

SHIPPED_RULES = Path(__file__).resolve().parent.parent / "rules"


def extra_fields(count: int, levels: int = 5) -> tuple[FieldSpec, ...]:
    return tuple(
        FieldSpec(
            f"extra_{i}",
            tuple(range(levels)),
            "ordinal",
            monotone=True,
            label_da=f"ekstra {i}",
            label_en=f"extra {i}",
        )
        for i in range(1, count + 1)
    )


def domain_with(count: int, levels: int = 5) -> Domain:
    return DEFAULT_DOMAIN.with_fields(*extra_fields(count, levels))


def _test(rnd: random.Random, domain: Domain, fields: list[str]) -> dict[str, Any]:
    name = rnd.choice(fields)
    spec = domain.fields.get(name) or domain.derived[name]
    values = list(spec.values)
    ops = ["is", "one_of"] + (["at_least", "at_most"] if spec.kind == "ordinal" else [])
    op = rnd.choice(ops)
    if op == "one_of":
        return {"field": name, "one_of": rnd.sample(values, rnd.randint(1, len(values)))}
    return {"field": name, op: rnd.choice(values)}


def condition(rnd: random.Random, domain: Domain, fields: list[str], depth: int = 2) -> Any:
    roll = rnd.random()
    if depth == 0 or roll < 0.4:
        return _test(rnd, domain, fields)
    if roll < 0.5:
        return {"not": condition(rnd, domain, fields, depth - 1)}
    items = [condition(rnd, domain, fields, depth - 1) for _ in range(rnd.randint(2, 3))]
    return {"all" if roll < 0.8 else "any": items}


def generate(
    target: Path,
    seed: int,
    domain: Domain = DEFAULT_DOMAIN,
    fields: list[str] | None = None,
    criteria: int = 3,
    warnings: int = 1,
) -> Path:
    """Write a generated rule set to ``target`` and return it."""
    rnd = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    for path in SHIPPED_RULES.glob("*.yaml"):
        if not path.name.startswith("municipality"):
            shutil.copy(path, target / path.name)
    readable = fields or [
        "complexity",
        "service_use",
        "support_duration",
        "dimensions.mental_health",
        "dimensions.substance_use",
        "dimensions.housing",
        *(n for n in domain.fields if n.startswith("extra_")),
    ]
    for i in range(criteria):
        method = rnd.choice(["cti", "icm", "act"])
        cond = condition(rnd, domain, readable)
        with (target / f"{method}.yaml").open("a", encoding="utf-8") as fh:
            fh.write(
                f"\n  - id: {method}-generated-{i}\n"
                f"    when: {json.dumps(cond)}\n"
                '    reason: {da: "Genereret.", en: "Generated."}\n'
                '    source: "generated for a test"\n'
            )
    for i in range(warnings):
        cond = condition(rnd, domain, readable)
        with (target / "warnings.yaml").open("a", encoding="utf-8") as fh:
            fh.write(
                f"\n  - code: generated-{i}\n"
                f"    when: {json.dumps(cond)}\n"
                '    text: {da: "Genereret.", en: "Generated."}\n'
                '    source: "generated for a test"\n'
            )
    return target


_BASE = {
    "cti": ("CTI", "significant"),
    "icm": ("ICM", "partial"),
    "act": ("ACT", "minimal"),
}


def generate_small(
    target: Path,
    seed: int,
    domain: Domain,
    fields: list[str],
    criteria: int = 4,
    warnings: int = 2,
    base: bool = True,
) -> Path:
    """A small rule set from scratch: one base criterion per method on ``service_use`` (so no
    gaps; ``base=False``: a random one, so gaps may open), plus random criteria and warnings
    over ``fields``."""
    rnd = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    extra: dict[str, list[str]] = {name: [] for name in _BASE}
    for i in range(criteria):
        name = rnd.choice(list(_BASE))
        extra[name].append(
            f"  - id: {name}-generated-{i}\n"
            f"    when: {json.dumps(condition(rnd, domain, fields))}\n"
            '    reason: {da: "Genereret.", en: "Generated."}\n'
            '    source: "generated for a test"\n'
        )
    for name, (method, use) in _BASE.items():
        when = (
            f"{{field: service_use, is: {use}}}"
            if base
            else json.dumps(condition(rnd, domain, fields, 1))
        )
        (target / f"{name}.yaml").write_text(
            f"method: {method}\n"
            f'title: {{da: "{method}", en: "{method}"}}\n'
            "criteria:\n"
            f"  - id: {name}-base\n"
            f"    when: {when}\n"
            '    reason: {da: "Grundkriterium.", en: "Base criterion."}\n'
            '    source: "generated for a test"\n' + "".join(extra[name]),
            encoding="utf-8",
        )
    lines = ["warnings:\n"]
    for i in range(warnings):
        lines.append(
            f"  - code: generated-{i}\n"
            f"    when: {json.dumps(condition(rnd, domain, [*fields, 'method']))}\n"
            '    text: {da: "Genereret.", en: "Generated."}\n'
            '    source: "generated for a test"\n'
        )
    (target / "warnings.yaml").write_text("".join(lines), encoding="utf-8")
    return target
