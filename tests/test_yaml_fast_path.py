"""The loader's fast path (C-composed nodes) gives exactly what the event builder gives.

The refusal corpus (test_bad_corpus, test_yaml_loader, ...) covers what is refused; these
tests pin down that the fast path decides nothing itself: clean text gives the builder's
values, positions and written texts, and everything else goes to the builder.
"""

from __future__ import annotations

import pickle

import pytest
import yaml

from govern_as_code.documents.yaml_builder import (
    FAST_PATH_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    Builder,
    fast_documents,
)
from govern_as_code.documents.yaml_loader import LoadedData, parse_text

CLEAN = [
    "apiVersion: govern-as-code/v1\nkind: Project\nmetadata:\n  id: p-1\n",
    "a:\n  b:\n    - 1\n    - 1.10\n    - true\n    - ~\n    - NO\n    - 1:30\n    - 2024-01-01\n",
    "list:\n- {x: 1, y: [a, 'b', \"c\"]}\n- - nested\n  - -2e3\n- .inf\n- -.NaN\n",
    "quoted: \"1.0\"\nsingle: 'true'\nblock: |\n  text\n  more\nfolded: >\n  one\n  two\n",
    "empty:\nnull_value: null\nzero: 0\nsigned: +7\ndot: .5\n",
    '{"json": [1, 2.5, false, null, "x"], "nested": {"k": {}}}',
    "first: 1\n---\nsecond: [2]\n...\n---\n- third\n",
    "---\n",
    "'<<': quoted merge key is an ordinary key\n",
    "key with spaces: value with # no comment\n? complex\n: 1\n",
]


def built(text: str) -> list[LoadedData]:
    builder = Builder()
    builder.run(yaml.parse(text, Loader=yaml.CSafeLoader))
    assert builder.strict_issue is None
    return builder.documents


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_gives_the_builders_values_positions_and_written_texts(text: str) -> None:
    fast = fast_documents(text)
    assert fast is not None, "clean text should take the fast path"
    expected = built(text)
    assert len(fast) == len(expected)
    for mine, theirs in zip(fast, expected, strict=True):
        assert repr(mine.value) == repr(theirs.value)  # repr: NaN is not equal to itself
        assert mine.positions == theirs.positions
        assert list(mine.positions) == list(theirs.positions)
        assert mine.written == theirs.written
        assert mine.tags == theirs.tags == {}


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: 2\n",  # an anchor, even unused
        "a: !!str 1\n",  # a tag
        "a: ! 1\n",  # the non-specific tag: 1 stays a string
        "a: 1\nnote: 'fine!'\n",  # '!' anywhere: the builder decides, even if it is content
    ],
)
def test_text_that_could_hold_an_anchor_or_tag_goes_to_the_builder(text: str) -> None:
    assert fast_documents(text) is None


def test_an_alias_without_an_anchor_goes_to_the_builder() -> None:
    assert fast_documents("a: *x\n") is None  # composing refuses it; the builder notes it
    assert parse_text("a: *x\n").strict_issue is not None


def test_a_star_in_content_stays_on_the_fast_path() -> None:
    text = "deploymentGlobs:\n  - deploy/*.yaml\n  - '**/prod/*'\n"
    fast = fast_documents(text)
    assert fast is not None
    assert fast[0].value == built(text)[0].value
    assert fast[0].positions == built(text)[0].positions


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key
        "a:\n  b: 1\n  'b': 2\n",  # the same key, quoted differently
        "<<: {a: 1}\n",  # merge key
        "[a, b]: 1\n",  # non-scalar key
        "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2),  # too deep
        "[" + "a, " * (MAX_NODES + 1) + "]",  # too many nodes (and too long)
        "a: 'open\n",  # syntax error
        "a: 1\n---\na: 1\na: 2\n",  # a refusal in a later document
    ],
)
def test_whatever_the_builder_must_refuse_goes_to_the_builder(text: str) -> None:
    assert fast_documents(text) is None


def test_long_text_goes_to_the_builder_which_streams_it() -> None:
    text = "items:\n" + "- x\n" * (FAST_PATH_BYTES // 4 + 1)
    assert fast_documents(text) is None
    assert len(parse_text(text).single().value["items"]) == FAST_PATH_BYTES // 4 + 1


def test_positions_are_worked_out_only_when_asked() -> None:
    document = parse_text("a:\n  b: [1, 2]\n").single()
    assert document._positions is None, "positions should wait until a problem needs them"
    assert document.position(("a", "b", 1)) == (2, 10)
    assert document.as_written(("a", "b", 0)) == "1"


def test_a_parsed_file_survives_pickling_with_its_positions() -> None:
    parsed = parse_text("a:\n  b: [1, 2]\n---\nc: 3\n")
    again = pickle.loads(pickle.dumps(parsed))
    assert again == parsed
    assert again.documents[1].position(("c",)) == (4, 1)
