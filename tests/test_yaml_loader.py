"""The safe loader: YAML 1.2 core scalars, positions, and everything a reviewer could misread."""

from __future__ import annotations

import math

import pytest

from govern_as_code.documents.yaml_loader import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
    Alias,
    LoadError,
    LoadIssue,
    decode,
    load_text,
    parse_bytes,
    parse_text,
    resolve_plain_scalar,
)


def issue_of(text: str, *, is_json: bool = False) -> LoadIssue:
    with pytest.raises(LoadError) as caught:
        load_text(text, is_json=is_json)
    return caught.value.issue


def bytes_issue(raw: bytes) -> LoadIssue:
    with pytest.raises(LoadError) as caught:
        parse_bytes(raw)
    return caught.value.issue


# --- scalars -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("plain", "value"),
    [
        ("", None),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("+3", 3),
        ("012", 12),  # decimal in YAML 1.2, not octal
        ("1.5", 1.5),
        ("1.10", 1.1),
        ("1.", 1.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("-2.5E-2", -0.025),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        ("+.INF", math.inf),
    ],
)
def test_yaml_12_core_scalars_are_resolved(plain: str, value: object) -> None:
    resolved = resolve_plain_scalar(plain)
    assert resolved == value
    assert type(resolved) is type(value)


@pytest.mark.parametrize(
    "plain",
    [
        "yes",
        "no",
        "Yes",
        "NO",
        "on",
        "Off",
        "y",
        "n",
        "tRuE",
        "nULL",
        "1:30",
        "2024-01-01",
        "2024-01-01T10:00:00Z",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        ".",
        "-",
        "e3",
        "1.2.3",
        "+",
        ".Nan",
        "NaN",
        "inf",
        "churn-xgb@3",
        "sha256:abc",
    ],
)
def test_everything_else_stays_the_string_that_was_written(plain: str) -> None:
    assert resolve_plain_scalar(plain) == plain


def test_nan_is_a_float() -> None:
    assert math.isnan(resolve_plain_scalar(".nan"))
    assert math.isnan(resolve_plain_scalar(".NaN"))


def test_yaml_11_surprises_keep_their_text_in_a_document() -> None:
    data = load_text(
        "department: NO\non: 2026-01-01\nwhen: 1:30\nflag: yes\nversion: 1.10\n"
        "octal: 0o17\nhex: 0x1F\n"
    )
    assert data.value == {
        "department": "NO",
        "on": "2026-01-01",
        "when": "1:30",
        "flag": "yes",
        "version": 1.1,
        "octal": "0o17",
        "hex": "0x1F",
    }


def test_a_yaml_11_directive_changes_nothing() -> None:
    assert load_text("%YAML 1.1\n---\nflag: yes\nwhen: 1:30\n").value == {
        "flag": "yes",
        "when": "1:30",
    }


def test_quoted_and_block_scalars_are_always_strings() -> None:
    data = load_text("a: 'true'\nb: \"12\"\nc: |\n  42\nd: >-\n  null\ne: !!str 7\n")
    assert data.value == {"a": "true", "b": "12", "c": "42\n", "d": "null", "e": "7"}


def test_keys_are_strings_as_written() -> None:
    assert load_text("1: a\nnull: b\ntrue: c\n").value == {"1": "a", "null": "b", "true": "c"}


# --- positions -----------------------------------------------------------------------------------


def test_every_node_has_its_position() -> None:
    data = load_text("a:\n  - b: 1\n    c: [x, {d: 2}]\ne: f\n")
    assert data.positions == {
        (): (1, 1),
        ("a",): (1, 1),
        ("a", 0): (2, 5),
        ("a", 0, "b"): (2, 5),
        ("a", 0, "c"): (3, 5),
        ("a", 0, "c", 0): (3, 9),
        ("a", 0, "c", 1): (3, 12),
        ("a", 0, "c", 1, "d"): (3, 13),
        ("e",): (4, 1),
    }


def test_a_missing_path_takes_the_position_of_its_nearest_ancestor() -> None:
    data = load_text("# leading comment\nspec:\n  owner: alice\n")
    assert data.position(("spec", "owner")) == (3, 3)
    assert data.position(("spec", "email")) == (2, 1)
    assert data.position(("status", "x")) == (2, 1)
    assert data.position(()) == (2, 1)


# --- refused constructs --------------------------------------------------------------------------


def test_a_top_level_duplicate_key_names_both_lines() -> None:
    assert issue_of("kind: Person\nmetadata: {}\nkind: Policy\n") == LoadIssue(
        "duplicate-key",
        "duplicate key 'kind': first at line 1, again at line 3",
        3,
        1,
        "remove one of them; YAML tools disagree on which one wins",
    )


def test_a_nested_duplicate_key_names_both_lines() -> None:
    issue = issue_of("spec:\n  owner: a\n  task: b\n  owner: c\n")
    assert (issue.rule, issue.line, issue.column) == ("duplicate-key", 4, 3)
    assert issue.message == "duplicate key 'owner': first at line 2, again at line 4"


def test_differently_quoted_keys_are_the_same_key() -> None:
    issue = issue_of("a: 1\n'a': 2\n")
    assert (issue.rule, issue.line) == ("duplicate-key", 2)


def test_a_duplicate_key_is_refused_even_outside_governance_documents() -> None:
    with pytest.raises(LoadError) as caught:
        parse_text("stages: [a]\nstages: [b]\n")
    assert caught.value.issue.rule == "duplicate-key"


def test_json_duplicate_key() -> None:
    issue = issue_of('{"a": 1,\n "b": 2,\n "a": 3}', is_json=True)
    assert (issue.rule, issue.line, issue.column) == ("duplicate-key", 3, 2)
    assert issue.message == "duplicate key 'a': first at line 1, again at line 3"


def test_anchors_and_aliases_are_parsed_but_refused_for_governance() -> None:
    parsed = parse_text("a: &x 1\nb: *x\n")
    assert parsed.documents[0].value["a"] == 1
    assert isinstance(parsed.documents[0].value["b"], Alias)
    assert parsed.strict_issue == LoadIssue(
        "yaml-anchor",
        "anchors and aliases are not allowed in governance documents",
        1,
        4,
        "write the value out in full, so a reviewer sees what it says",
    )
    with pytest.raises(LoadError) as caught:
        parsed.single()
    assert caught.value.issue == parsed.strict_issue


def test_an_alias_without_an_anchor_is_refused_not_resolved() -> None:
    issue = issue_of("a: 1\nb: *x\n")
    assert (issue.rule, issue.line, issue.column) == ("yaml-anchor", 2, 4)


def test_an_anchor_on_a_key_is_refused() -> None:
    issue = issue_of("&k a: 1\n")
    assert (issue.rule, issue.line, issue.column) == ("yaml-anchor", 1, 1)


def test_a_merge_key_without_an_anchor_is_refused() -> None:
    issue = issue_of("spec:\n  <<: {riskTier: low}\n  riskTier: high\n")
    assert issue == LoadIssue(
        "yaml-anchor",
        "merge keys ('<<') are not allowed in governance documents",
        2,
        3,
        "write the keys out in full",
    )


def test_a_quoted_merge_key_is_an_ordinary_key() -> None:
    assert load_text("'<<': 1\n").value == {"<<": 1}


def test_the_first_refused_construct_is_reported() -> None:
    issue = issue_of("a: !!int '1'\nb: &x 2\nc: *x\n")
    assert (issue.rule, issue.line) == ("parse", 1)


def test_billion_laughs_is_never_expanded() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    parsed = parse_text("\n".join(lines) + "\n")
    value = parsed.documents[0].value
    assert len(value["i"]) == 9
    assert all(isinstance(item, Alias) for item in value["i"])
    assert parsed.strict_issue is not None
    assert parsed.strict_issue.rule == "yaml-anchor"


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object/apply:os.system ['ls']\n", "python/object/apply:os.system"),
        ("a: !!int '12'\n", "tag:yaml.org,2002:int"),
        ("a: !!binary aGk=\n", "tag:yaml.org,2002:binary"),
        ("a: !custom 1\n", "'!custom'"),
    ],
)
def test_explicit_tags_are_refused(text: str, tag: str) -> None:
    issue = issue_of(text)
    assert (issue.rule, issue.line, issue.column) == ("parse", 1, 4)
    assert tag in issue.message


def test_plain_tags_are_allowed() -> None:
    assert load_text("--- !!map\na: !!str x\nb: !!seq [1]\n").value == {"a": "x", "b": [1]}


def test_multiple_documents_are_parsed_and_refused_for_governance() -> None:
    parsed = parse_text("a: 1\n---\nb: 2\n")
    assert [d.value for d in parsed.documents] == [{"a": 1}, {"b": 2}]
    assert parsed.documents[1].positions[("b",)] == (3, 1)
    with pytest.raises(LoadError) as caught:
        parsed.single()
    assert caught.value.issue == LoadIssue(
        "multi-document",
        "the file holds more than one YAML document",
        3,
        1,
        "put each document in its own file",
    )


def test_a_non_scalar_key_is_a_parse_error() -> None:
    issue = issue_of("? [a]\n: b\n")
    assert (issue.rule, issue.message, issue.line, issue.column) == (
        "parse",
        "mapping keys must be plain strings",
        1,
        3,
    )


# --- syntax --------------------------------------------------------------------------------------


def test_a_syntax_error_points_at_the_problem_and_names_where_it_started() -> None:
    issue = issue_of('a: 1\nb: "open\nc: 2\n')
    assert (issue.rule, issue.line, issue.column) == ("parse", 4, 1)
    assert issue.message.startswith(
        "invalid YAML: while scanning a quoted scalar (line 2, column 4)"
    )
    assert issue.hint == "fix the syntax at this position"


def test_json_syntax_errors_say_json() -> None:
    issue = issue_of('{"a": 1}\n{"b": 2}', is_json=True)
    assert (issue.rule, issue.line, issue.column) == ("parse", 2, 1)
    assert issue.message.startswith("invalid JSON: ")


def test_tab_indentation_is_a_parse_error_at_the_tab() -> None:
    assert issue_of("a:\n\tb: 1\n") == LoadIssue(
        "parse",
        "a tab is used for indentation; YAML allows only spaces",
        2,
        1,
        "indent with spaces",
    )
    issue = issue_of("a:\n \tb: 1\n")
    assert (issue.line, issue.column) == (2, 2)


def test_tabs_in_content_are_content() -> None:
    assert load_text('script: |\n  make\n  \techo hi\nq: "x\n\ty"\nk:\tv\n').value == {
        "script": "make\n\techo hi\n",
        "q": "x y",
        "k": "v",
    }


def test_json_may_be_indented_with_tabs() -> None:
    assert load_text('{\n\t"a": 1,\n\t"b": [1,\n\t\t2]\n}\n', is_json=True).value == {
        "a": 1,
        "b": [1, 2],
    }


@pytest.mark.parametrize("text", ["", "   \n", "\n\n", "# only a comment\n", "#a\n  # b\n\n"])
def test_empty_and_comment_only_files(text: str) -> None:
    assert issue_of(text) == LoadIssue(
        "empty-file", "the file is empty", 1, 1, "delete it, or give it content"
    )


def test_a_bare_document_marker_is_a_null_document() -> None:
    assert [d.value for d in parse_text("---\n").documents] == [None]


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    issue = issue_of(deep)
    assert (issue.rule, issue.line, issue.column) == ("parse", 1, MAX_DEPTH + 4)
    assert issue.message == f"the document nests deeper than {MAX_DEPTH} levels"
    ok = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load_text(ok).position(("a",)) == (1, 1)


def test_too_many_nodes_is_refused() -> None:
    text = "[" + "1," * MAX_NODES + "1]"
    assert len(text) < MAX_FILE_BYTES
    issue = issue_of(text)
    assert (issue.rule, issue.message) == ("file-too-large", "the document has too many nodes")


# --- bytes ---------------------------------------------------------------------------------------


def test_valid_utf8_is_decoded() -> None:
    assert decode("name: Zoë 😀\n".encode()) == "name: Zoë 😀\n"


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"])
def test_byte_order_marks_are_refused(bom: bytes) -> None:
    assert bytes_issue(bom + b"a: 1\n") == LoadIssue(
        "encoding", "the file starts with a byte-order mark", 1, 1, "save it as UTF-8 without a BOM"
    )


def test_nul_bytes_are_binary() -> None:
    issue = bytes_issue(b"a: 1\nb: 2\nc: \x00\x01\x02\n")
    assert (issue.rule, issue.line, issue.column) == ("encoding", 3, 1)
    assert issue.message == "the file contains NUL bytes: it is binary, not YAML or JSON"


def test_latin1_is_refused_at_the_byte() -> None:
    issue = bytes_issue("a: 1\nname: Zoë\n".encode("latin-1"))
    assert issue == LoadIssue(
        "encoding", "the file is not valid UTF-8 (byte 0xeb)", 2, 9, "save the file as UTF-8"
    )


def test_size_is_checked_before_anything_is_decoded() -> None:
    issue = bytes_issue(b"\xff\xfe" + b"#" * MAX_FILE_BYTES)
    assert issue.rule == "file-too-large"
    assert issue.message == (
        f"the file is {MAX_FILE_BYTES + 2:,} bytes; governance documents are limited to"
        f" {MAX_FILE_BYTES:,}"
    )
    assert (issue.line, issue.column) == (0, 0)


def test_a_file_at_the_limit_is_read() -> None:
    text = b"a: 1\n" + b"#" * (MAX_FILE_BYTES - 5)
    assert len(text) == MAX_FILE_BYTES
    assert parse_bytes(text).single().value == {"a": 1}
