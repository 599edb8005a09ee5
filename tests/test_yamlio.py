"""The YAML layer: positions, refusals, and the same answers from the C and Python parsers."""

from __future__ import annotations

import re

import pytest
import yaml

from peerfind import yamlio
from peerfind.problems import Problem
from peerfind.yamlio import INT, STR, LoadError, Mapping, Scalar, Sequence, compose


def test_nodes_keep_line_and_column():
    root, problems = compose("a: 1\nb:\n  - x\n  - '19:30'\n")
    assert problems == []
    assert isinstance(root, Mapping)
    (ka, va), (kb, vb) = root.items
    assert (ka.value, ka.line, ka.col) == ("a", 1, 1)
    assert (va.value, va.tag, va.line, va.col) == ("1", INT, 1, 4)
    assert isinstance(vb, Sequence)
    assert [(n.value, n.tag, n.plain, n.line, n.col) for n in vb.items] == [
        ("x", STR, True, 3, 5),
        ("19:30", STR, False, 4, 5),
    ]


def test_unquoted_sexagesimal_resolves_as_int():
    root, _ = compose("time: 19:30\n")
    value = root.items[0][1]
    assert (value.value, value.tag, value.plain) == ("19:30", INT, True)


def test_duplicate_keys_are_problems_and_first_value_kept():
    root, problems = compose("a: 1\nb: 2\na: 3\n")
    assert [(k.value, v.value) for k, v in root.items] == [("a", "1"), ("b", "2")]
    assert problems == [
        Problem(3, 1, "duplicate key 'a' (first at line 1); YAML would silently keep only "
                "the last one: remove or rename one of them")
    ]


def test_aliases_share_the_anchored_node():
    root, problems = compose("a: &x {k: v}\nb: *x\n")
    assert problems == []
    assert root.items[0][1] is root.items[1][1]


def test_alias_bomb_is_refused_quickly():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 30):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    with pytest.raises(LoadError, match="aliases expand to more than 10,000 nodes"):
        compose("\n".join(lines))


@pytest.mark.parametrize("text", ["[" * 10_000 + "]" * 10_000, "a:\n" + "- " * 5000 + "x\n"])
def test_deep_nesting_is_refused(text):
    with pytest.raises(LoadError, match="nesting is deeper than 32 levels"):
        compose(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!python/object/apply:os.system [ls]", "the YAML tag !!python/object/apply:os.system"),
        ("a: !custom x", "the YAML tag !custom is not supported"),
        ("a: 1\n---\nb: 2\n", "a second YAML document starts here"),
        ("a: *nowhere\n", "alias *nowhere has no anchor &nowhere before it"),
        ("a: &me\n  b: *me\n", "alias *me refers to the mapping or list that contains it"),
        ("a: 'unclosed\n", "this quoted text is never closed"),
        ("a:\n\t- b\n", "a tab character here; YAML indents with spaces only"),
        ("a: b: c\n", "YAML syntax error: mapping values are not allowed in this context"),
        ("a: b\x07c\n", "control character U+0007 is not allowed"),
        ("a: b\x1b[31m\n", "control character U+001B is not allowed"),
    ],
)
def test_refusals(text, message):
    with pytest.raises(LoadError, match=re.escape(message)):
        compose(text)


def test_merge_keys_are_not_supported():
    _, problems = compose("base: &b {x: 1}\nc:\n  <<: *b\n")
    assert [p.message for p in problems] == [
        "merge keys (<<) are not supported; write the fields out in full"
    ]


def test_non_scalar_key_is_a_problem():
    root, problems = compose("? [a, b]\n: 1\nc: 2\n")
    assert [k.value for k, _ in root.items] == ["c"]
    assert problems[0].message.startswith("a key must be plain text")


def test_empty_document():
    assert compose("") == (None, [])
    assert compose("# only a comment\n") == (None, [])


@pytest.mark.skipif(not hasattr(yaml, "CSafeLoader"), reason="PyYAML built without libyaml")
@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, 19:30, no, '0730', 2024-01-01]\nc: {d: ~, e: 1.5}\n",
        "a: 1\na: 2\n",
        "a: b: c\n",
        "- &x {k: v}\n- *x\n",
    ],
)
def test_python_and_c_parsers_agree(text, monkeypatch):
    def outcome():
        try:
            root, problems = compose(text)
        except LoadError as error:
            return error.problem.line, error.problem.col
        return _shape(root), problems

    c_result = outcome()
    monkeypatch.setattr(yamlio, "_Loader", yaml.SafeLoader)
    assert outcome() == c_result


def _shape(node):
    if isinstance(node, Scalar):
        return (node.value, node.tag, node.plain, node.line, node.col)
    if isinstance(node, Mapping):
        return [(_shape(k), _shape(v)) for k, v in node.items]
    return [_shape(item) for item in node.items]


def test_the_message_about_nesting_names_what_a_catalogue_needs():
    import yaml

    from peerfind.yamlio import TOO_DEEP
    from tests.conftest import ROOT

    def depth(value):
        children = value.values() if isinstance(value, dict) else value \
            if isinstance(value, list) else ()
        return 1 + max((depth(child) for child in children), default=0)

    documented = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    example = documented.split("```yaml\n", 1)[1].split("```", 1)[0]
    needed = depth(yaml.safe_load(example)) - 1  # the innermost values are not a level
    assert f"a catalogue needs at most {needed}:" in TOO_DEEP


# -- writing: what `peerfind import` writes must read back as exactly its data ----

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SCALARS = (st.text(max_size=30) | st.sampled_from(
    ["yes", "No", "on", "~", "null", "19:30", "007", "0x1F", "1e3", ".5", "- x", "a: b",
     "c #d", "[x]", "{y}", "x, y", " lead", "trail ", "", "'q'", '"q"', "\u2028", "\x85",
     "\ufeff", "é ñ", "2026-11-30", "!tag", "&a", "*a", "%x", "@x", "`x", "|", ">"])
           | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
           | st.booleans() | st.none())
KEYS = st.sampled_from(["id", "name", "notes", "meetings", "types", "online", "day", "x"])
DATA = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(KEYS, inner, max_size=4), max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, DATA, min_size=1, max_size=5))
def test_written_yaml_reads_back_as_the_same_data(data):
    text = yamlio.dump(data)
    assert yaml.load(text, Loader=yaml.SafeLoader) == data
    yamlio.compose(text)  # and peerfind's own reader takes it (no refused character)


def test_written_yaml_looks_like_the_hand_kept_catalogue():
    data = {"id": "x-1", "types": ["open", "closed"], "updated": "2026-11-30",
            "meetings": [{"day": "monday", "time": "19:30", "minutes": 60},
                         {"day": "friday", "time": "07:00", "notes": "Side door.\nUp the stairs."
                          + " Long enough to need its own lines in block form, not one." * 2}],
            "online": {"url": "https://example.org/j/1?pwd=a#b"}, "empty": {}}
    assert yamlio.dump(data) == (
        'id: x-1\n'
        'types: [open, closed]\n'
        'updated: "2026-11-30"\n'
        'meetings:\n'
        '  - {day: monday, time: "19:30", minutes: 60}\n'
        '  - day: friday\n'
        '    time: "07:00"\n'
        '    notes: "Side door.\\nUp the stairs. Long enough to need its own lines in block '
        'form, not one. Long enough to need its own lines in block form, not one."\n'
        'online:\n'
        '  url: "https://example.org/j/1?pwd=a#b"\n'
        'empty: {}\n')


def test_a_value_over_10_kb_is_refused_with_its_place_and_the_limit():
    root, problems = compose("name: ok\nnotes: " + "x" * 10_001 + "\nother: " + "y" * 10_000)
    assert [(p.line, p.col, p.message) for p in problems] == [
        (2, 8, "this text is 10,001 characters long; a value may be at most 10,000 (10 kB): "
               "shorten it, or link to a page that holds the rest")]
    assert root.get("notes").value == "x" * 10_000  # cut, so that nothing after it is slow
