"""``hf_triage.__all__`` is exactly the public API, and holds every name of CONTRACT.md."""

from __future__ import annotations

import inspect

import pytest

import hf_triage

CONTRACT_NAMES = (
    "triage",
    "load_rules",
    "Assessment",
    "AssessmentError",
    "RuleError",
    "TriageError",
)


def public_names() -> set[str]:
    names = set()
    for name in dir(hf_triage):
        if name.startswith("_"):
            continue
        value = getattr(hf_triage, name)
        if inspect.ismodule(value):
            continue
        if type(value).__module__ == "__future__":
            continue  # `from __future__ import annotations` leaves this name behind
        names.add(name)
    return names


def test_all_matches_the_public_names() -> None:
    exported = {name for name in hf_triage.__all__ if not name.startswith("_")}
    assert exported == public_names()


def test_all_has_no_duplicates_and_only_existing_names() -> None:
    assert len(hf_triage.__all__) == len(set(hf_triage.__all__))
    for name in hf_triage.__all__:
        assert hasattr(hf_triage, name), name


def test_all_holds_every_contract_name() -> None:
    for name in CONTRACT_NAMES:
        assert name in hf_triage.__all__, name
        assert hasattr(hf_triage, name), name


def test_contract_names_are_what_the_contract_says() -> None:
    assert callable(hf_triage.triage)
    assert callable(hf_triage.load_rules)
    assert issubclass(hf_triage.AssessmentError, hf_triage.TriageError)
    assert issubclass(hf_triage.AssessmentError, ValueError)
    assert issubclass(hf_triage.RuleError, hf_triage.TriageError)
    assert issubclass(hf_triage.TriageError, Exception)
    assert issubclass(hf_triage.MunicipalityError, hf_triage.TriageError)


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, object] = {}
    exec("from hf_triage import *", namespace)
    namespace.pop("__builtins__", None)
    assert set(namespace) == set(hf_triage.__all__)


def test_version_is_a_string() -> None:
    assert isinstance(hf_triage.__version__, str)
    assert hf_triage.__version__.count(".") >= 1


@pytest.mark.parametrize("module", ["hf_triage._cohort", "hf_triage.service"])
def test_a_lazy_package_attribute_that_does_not_exist_is_an_attribute_error(module: str) -> None:
    import importlib

    package = importlib.import_module(module)
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        package.nope  # noqa: B018
