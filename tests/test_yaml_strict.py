"""The strict YAML reader: ambiguous YAML 1.1 forms, duplicates, aliases and tags are refused.

Each refusal names its line, directly (``parse_yaml``) and through ``load_rules`` as
``path:LINE: message``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hf_triage import RuleError, load_rules
from hf_triage._yaml import MAX_BYTES, parse_yaml, parse_yaml_shared

ALIAS_BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""


def problems_of(text: str) -> list[tuple[int, str]]:
    """The problems in English (the assertions below read English words)."""
    return [(p.line, p.message) for p in parse_yaml(text, lang="en").problems]


# --- parse_yaml ----------------------------------------------------------------------------


def test_plain_data_is_typed_by_yaml_1_2_rules() -> None:
    doc = parse_yaml(
        'a: text\nb: "no"\nc: true\nd: false\ne: null\nf: 3\ng: -2\nh: 1.5\ni: [x, 0]\n'
    )
    assert doc.problems == ()
    assert doc.data == {
        "a": "text",
        "b": "no",
        "c": True,
        "d": False,
        "e": None,
        "f": 3,
        "g": -2,
        "h": 1.5,
        "i": ["x", 0],
    }


def test_json_is_read() -> None:
    doc = parse_yaml('{"complexity": "severe", "consent": false, "dimensions": {"network": 2}}')
    assert doc.problems == ()
    assert doc.data == {"complexity": "severe", "consent": False, "dimensions": {"network": 2}}


def test_lines_of_values_are_kept() -> None:
    doc = parse_yaml("a: 1\nb:\n  c: 2\n  d:\n    - x\n    - y\n")
    assert doc.line_of(("a",)) == 1
    assert doc.line_of(("b", "c")) == 3
    assert doc.line_of(("b", "d", 1)) == 6


def test_duplicate_key_is_refused_with_both_lines() -> None:
    problems = problems_of("a: 1\nb: 2\na: 3\n")
    assert len(problems) == 1
    line, message = problems[0]
    assert line == 3
    assert "duplicate" in message and "'a'" in message and "line 1" in message


def test_duplicate_nested_key_is_refused() -> None:
    problems = problems_of("top:\n  alpha: 1\n  beta: 2\n  alpha: 3\n")
    assert [line for line, _ in problems] == [4]


@pytest.mark.parametrize(
    "word", ["no", "No", "NO", "yes", "Yes", "YES", "on", "On", "ON", "off", "Off", "OFF", "y", "n"]
)
def test_yaml_1_1_booleans_are_refused(word: str) -> None:
    problems = problems_of(f"first: 1\ncountry: {word}\n")
    assert len(problems) == 1
    line, message = problems[0]
    assert line == 2
    assert f"'{word}'" in message
    assert "quote" in message


@pytest.mark.parametrize("word", ["no", "yes", "on", "off"])
def test_yaml_1_1_boolean_keys_are_refused(word: str) -> None:
    problems = problems_of(f"a: 1\n{word}: 2\n")
    assert [line for line, _ in problems] == [2]


@pytest.mark.parametrize("word", ["no", "yes", "on", "off"])
def test_quoted_words_are_text(word: str) -> None:
    for quoted in (f'"{word}"', f"'{word}'"):
        doc = parse_yaml(f"country: {quoted}\n")
        assert doc.problems == ()
        assert doc.data == {"country": word}


@pytest.mark.parametrize("value", ["1:30", "190:20:30", "-1:30"])
def test_base_60_numbers_are_refused(value: str) -> None:
    problems = problems_of(f"a: 1\nb: 2\nt: {value}\n")
    assert len(problems) == 1
    assert problems[0][0] == 3
    assert value in problems[0][1]


@pytest.mark.parametrize("value", ["2024-01-01", "2001-12-14t21:59:43.10-05:00", "2002-12-14"])
def test_dates_are_refused(value: str) -> None:
    problems = problems_of(f"a: 1\ndate: {value}\n")
    assert len(problems) == 1
    assert problems[0][0] == 2
    assert value in problems[0][1]


@pytest.mark.parametrize("value", ["010", "0x1F", "0o17", "0b101"])
def test_octal_hex_binary_numbers_are_refused(value: str) -> None:
    assert [line for line, _ in problems_of(f"a: {value}\n")] == [1]


def test_anchor_is_refused() -> None:
    problems = problems_of("a: 1\nb: &x [1, 2]\nc: 3\n")
    assert len(problems) == 1
    assert problems[0][0] == 2
    assert "&x" in problems[0][1]


def test_alias_without_anchor_is_refused() -> None:
    problems = problems_of("a: 1\nb: 2\nc: *x\n")
    assert len(problems) == 1
    assert problems[0][0] == 3
    assert "*x" in problems[0][1]


def test_alias_bomb_is_refused_at_once() -> None:
    doc = parse_yaml("# harmless looking\n" + ALIAS_BOMB)
    assert doc.data is None
    assert [p.line for p in doc.problems] == [2]


def test_merge_key_is_refused() -> None:
    problems = problems_of("a: 1\n<<: {b: 2}\n")
    assert [line for line, _ in problems] == [2]


@pytest.mark.parametrize(
    "tagged",
    [
        '!!python/object/apply:os.system ["echo pwned"]',
        "!!python/name:os.system",
        '!!python/object/new:subprocess.Popen [["ls"]]',
        "!!binary aGVsbG8=",
        "!custom value",
        "!!set {a, b}",
    ],
)
def test_tags_are_refused(tagged: str) -> None:
    problems = problems_of(f"a: 1\nb: 2\nx: {tagged}\n")
    assert len(problems) == 1
    assert problems[0][0] == 3
    assert "tag" in problems[0][1]


def test_python_tag_is_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    doc = parse_yaml(f'x: !!python/object/apply:os.system ["touch {marker}"]\n')
    assert doc.problems
    assert not marker.exists()


def test_oversize_document_is_refused() -> None:
    doc = parse_yaml("a: " + "x" * (MAX_BYTES + 1))
    assert doc.data is None
    assert [p.line for p in doc.problems] == [1]
    assert str(MAX_BYTES) in doc.problems[0].message


def test_oversize_counts_bytes_not_characters() -> None:
    doc = parse_yaml("a: " + "æ" * (MAX_BYTES // 2 + 10))
    assert doc.problems


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb:\n\tc: 2\n", 3),
        ("a: 1\nb: c: d\n", 2),
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("a: 1\n- b\n", 2),
    ],
)
def test_invalid_yaml_names_its_line(text: str, line: int) -> None:
    doc = parse_yaml(text)
    assert doc.data is None
    assert [p.line for p in doc.problems] == [line]
    assert "ugyldig YAML" in doc.problems[0].message


def test_every_problem_is_reported() -> None:
    problems = problems_of("a: no\nb: 1:30\nc: 2024-01-01\nd: off\nd: 1\n")
    assert sorted(line for line, _ in problems) == [1, 2, 3, 4, 5]


def test_deeply_nested_document_is_a_problem_not_a_crash() -> None:
    doc = parse_yaml("a: " + "[" * 1000 + "]" * 1000 + "\n")
    assert doc.data is None
    assert [p.line for p in doc.problems] == [1]


def test_deep_block_nesting_is_refused_at_its_line_not_by_running_out_of_recursion() -> None:
    # 400 levels by indentation: past the parser's limit of 100, before Python's recursion limit
    text = "".join(" " * i + f"k{i}:\n" for i in range(400)) + " " * 400 + "x\n"
    doc = parse_yaml(text, lang="en")
    assert doc.data is None
    assert [(p.line, "nested more than 40 levels" in p.message) for p in doc.problems] == [
        (100, True)
    ]


def test_nesting_between_the_builder_and_the_parser_limit_keeps_the_rest() -> None:
    text = "".join(" " * i + f"k{i}:\n" for i in range(60)) + " " * 60 + "x\nother: 1\n"
    doc = parse_yaml(text)
    assert doc.data is not None and doc.data["other"] == 1
    assert [p.line for p in doc.problems] == [42]


def test_exponent_without_dot_is_not_silently_text() -> None:
    doc = parse_yaml("a: 1e3\n")
    assert doc.problems or doc.data == {"a": 1000.0}


# --- through load_rules --------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` by ``new``; return the 1-based line where it starts."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old) :], encoding="utf-8")
    return text.count("\n", 0, index) + 1


def first_source_line(path: Path) -> str:
    """The first criterion's whole ``source:`` line, newline included."""
    line = next(
        ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("    source: ")
    )
    return line + "\n"


def assert_problem_at(
    rules_dir: Path, path: Path, line: int, *words: str, lang: str = "da"
) -> RuleError:
    """``load_rules`` fails naming ``path:line`` with a problem holding ``words`` (in ``lang``)."""
    with pytest.raises(RuleError) as info:
        load_rules(rules_dir, lang=lang)
    error = info.value
    where = f"{path}:{line}: "
    assert where in str(error), (where, str(error))
    assert path.name in str(error)
    here = [p for p in error.problems if p.startswith(where)]
    assert here, (where, error.problems)
    assert any(all(word in p for word in words) for p in here), (words, here)
    assert all(p.startswith(f"{path}:") for p in error.problems), error.problems
    return error


def test_rule_error_is_a_triage_error(rules_copy: Path) -> None:
    from hf_triage import TriageError

    path = rules_copy / "cti.yaml"
    edit(path, "method: CTI\n", "method: CTI\nmethod: CTI\n")
    with pytest.raises(TriageError):
        load_rules(rules_copy)
    with pytest.raises(ValueError):
        load_rules(rules_copy)


def test_rules_duplicate_key(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    line = edit(path, "method: CTI\n", "method: CTI\nmethod: CTI\n") + 1
    assert_problem_at(
        rules_copy, path, line, "duplicate", "'method'", f"line {line - 1}", lang="en"
    )


def test_rules_duplicate_key_inside_a_criterion(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    old = "  - id: icm-long-term-need\n"
    line = edit(path, old, old + "    id: icm-long-term-need-2\n") + 1
    assert_problem_at(rules_copy, path, line, "duplicate", "'id'", lang="en")


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "No", "YES"])
def test_rules_unquoted_yaml_1_1_boolean(rules_copy: Path, word: str) -> None:
    path = rules_copy / "warnings.yaml"
    line = edit(path, "{field: consent, is: false}", f"{{field: consent, is: {word}}}")
    assert_problem_at(rules_copy, path, line, f"'{word}'")


def test_rules_unquoted_yaml_1_1_boolean_as_key(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    line = edit(path, "title:\n", "no: 1\ntitle:\n")
    assert_problem_at(rules_copy, path, line, "'no'")


def test_rules_base_60_number(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    line = edit(path, first_source_line(path), "    source: 1:30\n")
    assert_problem_at(rules_copy, path, line, "1:30")


def test_rules_date(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, first_source_line(path), "    source: 2024-01-01\n")
    assert_problem_at(rules_copy, path, line, "2024-01-01")


def test_rules_anchor(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    old = "        - {field: service_use, is: minimal}\n"
    line = edit(path, old, "        - &minimal {field: service_use, is: minimal}\n")
    assert_problem_at(rules_copy, path, line, "&minimal")


def test_rules_alias(rules_copy: Path) -> None:
    path = rules_copy / "act.yaml"
    old = "        - {field: complexity, is: severe}\n"
    line = edit(path, old, "        - *minimal\n")
    assert_problem_at(rules_copy, path, line, "*minimal")


def test_rules_alias_bomb(rules_copy: Path) -> None:
    path = rules_copy / "warnings.yaml"
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    path.write_text(text + "\n" + ALIAS_BOMB, encoding="utf-8")
    assert_problem_at(rules_copy, path, line, "&a")


def test_rules_python_tag(rules_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = rules_copy / "cti.yaml"
    line = edit(
        path, "title:\n", f'x: !!python/object/apply:os.system ["touch {marker}"]\ntitle:\n'
    )
    assert_problem_at(rules_copy, path, line, "tag", lang="en")
    assert not marker.exists()


def test_rules_oversize_file(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    padding = "# " + "x" * 98 + "\n"
    path.write_text(
        path.read_text(encoding="utf-8") + padding * (MAX_BYTES // 100 + 1), encoding="utf-8"
    )
    assert_problem_at(rules_copy, path, 1, str(MAX_BYTES))


def test_rules_invalid_yaml(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    old = "    when:\n"
    line = edit(path, old, old + "\tbad: [\n") + 1
    assert_problem_at(rules_copy, path, line, "ugyldig YAML")


def test_rules_invalid_yaml_mapping_value(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    line = edit(path, "method: ICM\n", "method: ICM: again\n")
    assert_problem_at(rules_copy, path, line, "ugyldig YAML")


def test_rules_every_yaml_problem_in_a_file_is_reported(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    first = edit(path, "{field: service_use, is: partial}", "{field: service_use, is: no}")
    second = edit(path, "{field: complexity, is: severe}", "{field: complexity, is: off}")
    third = edit(path, first_source_line(path), "    source: 1:30\n")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    assert len(info.value.problems) >= 3
    for line in (first, second, third):
        assert any(p.startswith(f"{path}:{line}: ") for p in info.value.problems), line


def test_rules_yaml_problems_in_several_files_are_reported_together(rules_copy: Path) -> None:
    act = rules_copy / "act.yaml"
    cti = rules_copy / "cti.yaml"
    act_line = edit(act, "method: ACT\n", "method: ACT\nmethod: ACT\n") + 1
    cti_line = edit(cti, first_source_line(cti), "    source: 2024-01-01\n")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    assert f"{act}:{act_line}: " in str(info.value)
    assert f"{cti}:{cti_line}: " in str(info.value)


@pytest.mark.parametrize(
    ("text", "data"),
    [("a: !!str 3\n", {"a": "3"}), ("a: ! true\n", {"a": "true"}), ("a: !!str no\n", {"a": "no"})],
)
def test_explicit_text_tag_makes_text(text: str, data: dict[str, Any]) -> None:
    doc = parse_yaml(text)
    assert doc.problems == () and doc.data == data


@pytest.mark.parametrize("value", ["09", "007", "1e99999", "1" * 5000])
def test_numbers_that_mislead_or_overflow_are_problems(value: str) -> None:
    doc = parse_yaml(f"a: {value}\n")
    assert doc.problems and doc.problems[0].line == 1


# --- syntax errors in plain words (issue 14 item 7) --------------------------------------------

PARSER_JARGON = ("<block end>", "found '", "<block mapping start>", "expected", "scanning")


@pytest.mark.parametrize(
    ("text", "line", "da", "en"),
    [
        ("a: 1\nb:\n\tc: 2\n", 3, "tabulatortegn", "a tab in the indentation"),
        (
            "criteria:\n  - id: x\n    when: {field: a, is: b}\n   reason: x\n",
            4,
            "linje 4 er rykket 3 mellemrum ind, linje 3 over den 4",
            "line 4 is indented 3 spaces, line 3 above it 4",
        ),
        ("a:\n  b: 1\n c: 2\n", 3, "indrykningen passer ikke", "the indentation does not fit"),
        ("- a\nb: 1\n", 2, "indrykningen passer ikke", "the indentation does not fit"),
        ("a: b\n  c: d\n", 2, "ret indrykningen", "fix the indentation"),
        ("a: 1\nb: c: d\n", 2, "sæt teksten i anførselstegn", "put the text in quotes"),
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "'[' på linje 2 lukkes ikke med ']'", "'[' on line 2"),
        ("a: {b: 1\n", 2, "'{' på linje 1 lukkes ikke", "'{' on line 1 is not closed"),
        ("a: 'abc\nb: 2\n", 1, "anførselstegnet på linje 1 lukkes aldrig", "never closed"),
        ("a: @x\n", 1, "tegnet '@' kan ikke begynde en værdi", "the character '@' cannot"),
    ],
)
def test_syntax_errors_in_plain_words(text: str, line: int, da: str, en: str) -> None:
    danish = parse_yaml(text)  # Danish by default
    english = parse_yaml(text, lang="en")
    for doc, words, lead in (
        (danish, da, "ugyldig YAML (kolonne "),
        (english, en, "not valid YAML (column "),
    ):
        assert doc.data is None
        assert [p.line for p in doc.problems] == [line]
        message = doc.problems[0].message
        assert message.startswith(lead), message
        assert words in message, message
        assert not any(j in message for j in PARSER_JARGON), message


def test_tab_hint_names_the_column() -> None:
    (problem,) = parse_yaml("a:\n  b: 1\n  \tc: 2\n", lang="en").problems
    assert problem.line == 3
    assert "(column 3)" in problem.message
    assert "replace the tab with spaces" in problem.message


def test_rule_file_indentation_mistake_is_reported_in_danish(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    old = "    reason:\n"
    line = edit(path, old, "   reason:\n")
    assert_problem_at(rules_copy, path, line, "indrykningen passer ikke")


@pytest.mark.parametrize(("char", "lang"), [("\x00", "da"), ("\x1b", "en"), ("\x07", "da")])
def test_a_character_yaml_forbids_is_a_problem_with_its_line_not_a_crash(
    char: str, lang: str
) -> None:
    """The parser's reader refuses control characters while it is built: that refusal is a
    problem naming line and column, in the language asked for, never a ReaderError."""
    found = parse_yaml(f"a: 1\nb: x{char}y\n", lang=lang)
    assert found.data is None
    [problem] = found.problems
    assert problem.line == 2
    assert f"U+{ord(char):04X}" in problem.message
    assert ("column 5" if lang == "en" else "kolonne 5") in problem.message


def test_a_forbidden_character_after_bare_cr_line_ends_names_its_line() -> None:
    [problem] = parse_yaml("a: 1\rb: 2\rc: x\x00\r", lang="en").problems
    assert problem.line == 3 and "column 5" in problem.message


# --- the reader's problems in Danish (the default) -------------------------------------------

#: one document per refusal of the reader, and a word of its Danish sentence
DANISH = [
    ("a: 1\na: 2\n", "står to gange"),
    ("a: no\n", "tvetydig"),
    ("a: !custom x\n", "mærket"),
    ("a: &x 1\nb: *x\n", "ankeret"),
    ("? [1, 2]\n: x\n", "skal være et navn"),
    ("a: " + "9" * 5000 + "\n", "brugbart tal"),
    ("a: " + "[" * 60 + "]" * 60 + "\n", "niveauer dybt"),
]


@pytest.mark.parametrize(("text", "danish"), DANISH)
def test_every_refusal_is_danish_by_default_and_english_on_request(text: str, danish: str) -> None:
    (problem,) = parse_yaml(text).problems
    assert danish in problem.message
    (english,) = parse_yaml(text, lang="en").problems
    assert english.line == problem.line
    assert danish not in english.message
    assert english.message != problem.message


def test_a_danish_rule_load_has_no_english_yaml_problem(rules_copy: Path) -> None:
    path = rules_copy / "cti.yaml"
    edit(path, "method: CTI\n", "method: CTI\nmethod: CTI\n")
    with pytest.raises(RuleError) as info:
        load_rules(rules_copy)
    (problem,) = info.value.problems
    assert "nøglen 'method' står to gange" in problem
    assert "duplicate" not in problem


# --- rule-set documents are parsed once per unchanged text ----------------------------------


def test_a_shared_parse_gives_each_caller_its_own_copy() -> None:
    text = "a:\n  b: [1, 2]\n  c: {d: x}\nflag: no\n"
    first = parse_yaml_shared(text)
    first.data["a"]["b"].append(3)
    first.data["a"]["c"]["d"] = "changed"
    first.data["new"] = True
    first.lines.clear()
    again = parse_yaml_shared(text)
    assert again == parse_yaml(text)  # data, lines and the problem ('no' is ambiguous)
    assert again.data["a"] == {"b": [1, 2], "c": {"d": "x"}}
    assert [p.line for p in again.problems] == [4]


def test_an_edited_rule_file_is_read_anew_and_its_old_text_again(rules_copy: Path) -> None:
    path = rules_copy / "icm.yaml"
    original = path.read_text(encoding="utf-8")
    shipped = load_rules(rules_copy)
    line = edit(path, "{field: complexity, is: severe}", "{field: complexity, is: massive}")
    assert_problem_at(rules_copy, path, line, "massive")
    path.write_text(original, encoding="utf-8")
    assert load_rules(rules_copy).fingerprint == shipped.fingerprint


def test_a_shared_parse_keeps_each_language_apart() -> None:
    text = "a: 1\na: 2\n"
    danish = parse_yaml_shared(text)
    english = parse_yaml_shared(text, "en")
    assert danish == parse_yaml(text) and english == parse_yaml(text, lang="en")
    assert danish.problems != english.problems
