"""Safe YAML loading that remembers the line and column of every node.

PyYAML's event stream (from the C parser when present) is composed here, without
recursion, into small node objects. Composing it ourselves lets us refuse what
plain ``yaml.safe_load`` would accept silently or slowly: duplicate keys, alias
bombs, absurd nesting, more than one document, and unknown tags.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml
from yaml.resolver import Resolver

from peerfind.problems import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_DEPTH = 32
MAX_ALIAS_NODES = 10_000
# No one field needs more (a long note is a few hundred characters); one huge value
# would otherwise cost every lookup seconds and memory.
MAX_TEXT = 10_000
TOO_DEEP = (f"nesting is deeper than {MAX_DEPTH} levels; a catalogue needs at most 6: "
            "check the indentation and brackets")

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
SCALAR_TAGS = {STR, INT, FLOAT, BOOL, NULL, TIMESTAMP}

# YAML forbids most of these anyway; finding them first gives an exact position.
# NEL, LS and PS are line breaks to YAML but not to most editors, so line numbers
# would disagree: they are refused too.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")


class LoadError(Exception):
    """The file cannot be read as YAML at all; carries the one problem."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(problem.message)


@dataclass(slots=True, eq=False)
class Scalar:
    value: str
    tag: str
    plain: bool
    line: int
    col: int
    size: int = 1


@dataclass(slots=True, eq=False)
class Mapping:
    line: int
    col: int
    items: list[tuple[Scalar, Node]] = field(default_factory=list)
    size: int = 1

    def get(self, key: str) -> Node | None:
        for k, v in self.items:
            if k.value == key:
                return v
        return None


@dataclass(slots=True, eq=False)
class Sequence:
    line: int
    col: int
    items: list[Node] = field(default_factory=list)
    size: int = 1


Node = Scalar | Mapping | Sequence

_SKIP = Scalar("", "", False, 0, 0)  # stands for a key that was refused


def _resolve_scalar(value: str, implicit: tuple[bool, bool]) -> str:
    if not implicit[0]:
        return STR
    resolvers = Resolver.yaml_implicit_resolvers
    for tag, regexp in resolvers.get(value[:1], []) + resolvers.get(None, []):
        if regexp.match(value):
            return tag
    return STR


def position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def check_characters(text: str) -> None:
    """Refuse control characters with their exact position."""
    bad = _BAD_CHARS.search(text)
    if bad:
        line, col = position(text, bad.start())
        code = f"U+{ord(bad.group()):04X}"
        raise LoadError(
            Problem(line, col, f"control character {code} is not allowed in YAML; "
                    "the file may be binary or corrupted: remove the character")
        )


def _explain(error: yaml.MarkedYAMLError, text: str) -> tuple[yaml.Mark | None, str]:
    """Where a syntax error is, and what to do, in a volunteer's words where we can."""
    mark = error.problem_mark or error.context_mark
    what = error.problem or "invalid YAML"
    if "nesting depth" in what:
        return mark, TOO_DEEP
    if error.context == "while scanning a quoted scalar" and error.context_mark:
        return error.context_mark, ("this quoted text is never closed; add the closing quote "
                                    "at its end")
    if mark is not None:
        lines = text.split("\n")
        here = lines[mark.line][mark.column:mark.column + 1] if mark.line < len(lines) else ""
        if here == "\t":
            return mark, "a tab character here; YAML indents with spaces only: replace it"
    context = f" {error.context}" if error.context else ""
    return mark, (f"YAML syntax error: {what}{context}; check the indentation and quoting on "
                  "this line and the one above")


def _unsupported(tag: str) -> str:
    short = tag.replace("tag:yaml.org,2002:", "!!")
    return f"the YAML tag {short} is not supported; remove it and write plain values"


def compose(text: str) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document into nodes.

    Returns the root (None for an empty file) and the problems that do not stop
    composing (duplicate keys, unsupported keys). Raises LoadError for the rest.
    """
    # Line breaks as editors count them: CR LF and a lone CR are one break, like LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    check_characters(text)
    problems: list[Problem] = []
    anchors: dict[str, Node] = {}
    stack: list[Mapping | Sequence] = []
    stack_anchors: list[str | None] = []
    seen_keys: list[dict[str, int]] = []
    pending_key: list[Scalar | None] = []
    open_anchors: set[str] = set()
    root: Node | None = None
    documents = 0
    expanded = 0
    last_line = text.count("\n") + 1
    end_col = len(text) - (text.rfind("\n") + 1) + 1

    def place(mark: yaml.Mark) -> tuple[int, int]:
        """1-based line and column; an empty node at the very end stays inside the file."""
        line = mark.line + 1
        return (line, mark.column + 1) if line <= last_line else (last_line, end_col)

    def _fail(mark: yaml.Mark | None, message: str) -> LoadError:
        return LoadError(Problem(*(place(mark) if mark else (1, 1)), message))

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if not isinstance(node, Scalar):
                problems.append(Problem(node.line, node.col, "a key must be plain text, "
                                        "not a list or mapping; write 'name: value'"))
                pending_key[-1] = _SKIP
                return
            pending_key[-1] = node
            return
        pending_key[-1] = None
        if key is _SKIP:
            return
        if key.tag == MERGE:
            problems.append(Problem(key.line, key.col, "merge keys (<<) are not supported; "
                                    "write the fields out in full"))
            return
        first = seen_keys[-1].get(key.value)
        if first is not None:
            problems.append(Problem(key.line, key.col, f"duplicate key '{key.value}' (first "
                                    f"at line {first}); YAML would silently keep only the "
                                    "last one: remove or rename one of them"))
            return
        seen_keys[-1][key.value] = key.line
        parent.items.append((key, node))

    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _resolve_scalar(event.value, event.implicit) if tag is None else STR
                elif tag not in SCALAR_TAGS:
                    raise _fail(event.start_mark, _unsupported(tag))
                mark = event.start_mark
                if len(event.value) > MAX_TEXT:
                    problems.append(Problem(*place(mark), f"this text is "
                                            f"{len(event.value):,} characters long; a value "
                                            f"may be at most {MAX_TEXT:,} (10 kB): shorten it, "
                                            "or link to a page that holds the rest"))
                    event.value = event.value[:MAX_TEXT]
                plain = not event.style  # the C parser says '' for plain, the Python one None
                node = Scalar(event.value, tag, plain, *place(mark))
                if event.anchor is not None:
                    anchors[event.anchor] = node
                attach(node)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag not in (None, "!", MAP, SEQ):
                    raise _fail(event.start_mark, _unsupported(event.tag))
                if len(stack) >= MAX_DEPTH:
                    raise _fail(event.start_mark, TOO_DEEP)
                mark = event.start_mark
                container: Mapping | Sequence
                if kind is yaml.MappingStartEvent:
                    container = Mapping(*place(mark))
                    seen_keys.append({})
                    pending_key.append(None)
                else:
                    container = Sequence(*place(mark))
                if event.anchor is not None:
                    open_anchors.add(event.anchor)
                stack_anchors.append(event.anchor)
                stack.append(container)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                container = stack.pop()
                if isinstance(container, Mapping):
                    seen_keys.pop()
                    pending_key.pop()
                    container.size = 1 + sum(k.size + v.size for k, v in container.items)
                else:
                    container.size = 1 + sum(item.size for item in container.items)
                name = stack_anchors.pop()
                if name is not None:
                    anchors[name] = container
                    open_anchors.discard(name)
                attach(container)
            elif kind is yaml.AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:
                    if event.anchor in open_anchors:
                        raise _fail(event.start_mark, f"alias *{event.anchor} refers to the "
                                    "mapping or list that contains it; remove the alias")
                    raise _fail(event.start_mark, f"alias *{event.anchor} has no anchor "
                                f"&{event.anchor} before it; define the anchor first")
                expanded += target.size
                if expanded > MAX_ALIAS_NODES:
                    raise _fail(event.start_mark, f"aliases expand to more than "
                                f"{MAX_ALIAS_NODES:,} nodes (an alias bomb?); write the "
                                "entries out instead of repeating aliases")
                attach(target)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _fail(event.start_mark, "a second YAML document starts here; a "
                                "catalogue is one document: remove the '---' line and what "
                                "follows, or merge it into the first")
    except yaml.MarkedYAMLError as error:
        raise _fail(*_explain(error, text)) from None
    except yaml.YAMLError as error:
        raise _fail(None, f"YAML error: {error}") from None
    return root, problems


# -- writing -------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_ .,'()/&+@-]*")
# Characters a double-quoted scalar must escape beyond what JSON escapes: C1 controls,
# DEL, line and paragraph separators, the byte-order mark, noncharacters, surrogates.
_ESCAPE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _scalar(value: object, flow: bool = False) -> str:
    """One value as YAML that reads back as exactly that value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):  # YAML 1.1 reads a float only with a dot: 1.0e+16
        mantissa, _, exponent = repr(value).partition("e")
        dotted = mantissa if "." in mantissa else f"{mantissa}.0"
        return f"{dotted}e{exponent}" if exponent else dotted
    text = str(value)
    if (_PLAIN.fullmatch(text) and not text.endswith(" ") and not (flow and "," in text)
            and _resolve_scalar(text, (True, False)) == STR):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _flat(value: object) -> bool:
    """A value written on one line: a scalar, an empty list or mapping, or a list of those."""
    if isinstance(value, (dict, list)) and value:
        return isinstance(value, list) and all(
            not isinstance(v, (dict, list)) or not v for v in value)
    return True


def _inline(value: object, flow: bool = False) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v, flow=True) for v in value) + "]"
    return _scalar(value, flow)


def dump(data: dict[str, object], width: int = 100, head: str = "") -> str:
    """Catalogue data as block YAML after ``head``, fast (no PyYAML emitter): lists of
    plain values in brackets, a list's mapping of plain values on one line when it fits
    in ``width``. Each entry of a top-level list is joined as soon as it is written, so
    that 100,000 meetings are not held as millions of lines."""
    out: list[str] = [head] if head else []

    def mapping(items: dict[str, object], indent: str, first: str) -> None:
        lead = first
        for key, value in items.items():
            if _flat(value):
                out.append(f"{lead}{_scalar(key)}: {_inline(value)}")
            elif isinstance(value, dict):
                out.append(f"{lead}{_scalar(key)}:")
                mapping(value, indent + "  ", indent + "  ")
            else:
                out.append(f"{lead}{_scalar(key)}:")
                sequence(value, indent + "  ")  # type: ignore[arg-type]
            lead = indent

    def sequence(items: list[object], indent: str) -> None:
        for item in items:
            mark = len(out)
            entry(item, indent)
            if indent == "  ":
                out[mark:] = ["\n".join(out[mark:])]

    def entry(item: object, indent: str) -> None:
        if _flat(item):
            out.append(f"{indent}- {_inline(item)}")
            return
        if isinstance(item, dict) and all(_flat(v) for v in item.values()):
            line = f"{indent}- {{" + ", ".join(
                f"{_scalar(k, flow=True)}: {_inline(v, flow=True)}"
                for k, v in item.items()) + "}"
            if len(line) <= width:
                out.append(line)
                return
        if isinstance(item, dict):
            mapping(item, indent + "  ", indent + "- ")
        else:
            out.append(f"{indent}-")
            sequence(item, indent + "  ")  # type: ignore[arg-type]

    mapping(data, "", "")
    out.append("")
    return "\n".join(out)


def nodes(value: object) -> Node:
    """Plain data as the nodes ``compose`` would give for its YAML (at line 0), so that
    data peerfind made can be validated without writing and reading it back."""
    if isinstance(value, dict):
        mapping = Mapping(0, 0)
        mapping.items = [(Scalar(str(k), STR, True, 0, 0), nodes(v)) for k, v in value.items()]
        return mapping
    if isinstance(value, list):
        return Sequence(0, 0, [nodes(v) for v in value])
    if value is None:
        return Scalar("null", NULL, True, 0, 0)
    if isinstance(value, bool):
        return Scalar("true" if value else "false", BOOL, True, 0, 0)
    if isinstance(value, int):
        return Scalar(str(value), INT, True, 0, 0)
    if isinstance(value, float):
        return Scalar(repr(value), FLOAT, True, 0, 0)
    return Scalar(str(value), STR, False, 0, 0)
