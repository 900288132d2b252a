"""Fuzzing the case loader (issue #14): load, or fail with a riskcore error.

Random JSON/YAML documents, random text, and mutations of the example case
(values replaced, keys dropped, duplicated or added, characters changed) must
either load or raise :class:`~riskcore.errors.LoadError` /
:class:`~riskcore.errors.FieldError` with a one-line message; never another
exception (a traceback for the user). A case that loads must survive a dump
and a reload unchanged.

The runs are derandomized (the same examples on every run, so CI is
reproducible) and bounded (a few hundred examples, well under 20 seconds;
``RISKCORE_FUZZ_EXAMPLES`` raises the count for a longer run).
Any failure Hypothesis finds is kept below as an ``@example`` or in
``tests/badinputs/``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from riskcore import io
from riskcore.errors import FieldError, LoadError
from riskcore.model import Case

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
EXAMPLE_DATA = yaml.safe_load(EXAMPLE_TEXT)

# RISKCORE_FUZZ_EXAMPLES=5000 for a longer local or nightly run.
EXAMPLES = int(os.environ.get("RISKCORE_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# Each example of the mutation tests parses the whole example case (about 400
# lines of YAML with the pure-Python loader): fewer of them.
FUZZ_EXAMPLE = settings(FUZZ, max_examples=max(1, EXAMPLES // 5))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["c-01", "t-01", "phq9", "US-CO", "2026-02-30", "en", "9", ""]),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["id", "schema_version", "clients", "items", "9", "languages", "context"]
    ),
)
documents = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=30,
)


def _load_or_riskcore_error(text: str, fmt: io.Format) -> Case | None:
    try:
        case = io.loads(text, Case, format=fmt)
    except (LoadError, FieldError) as exc:
        message = str(exc)
        assert message
        assert "\n" not in message, message
        assert "Traceback" not in message
        return None
    # What loads must dump and reload to the same case.
    assert io.loads(io.dumps(case), Case) == case
    return case


def _as_yaml(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _as_json(data: Any) -> str:
    return json.dumps(data, default=str)


def test_the_example_loads():
    """The base of the mutations is a valid case (else the fuzzing proves little)."""
    assert _load_or_riskcore_error(EXAMPLE_TEXT, "yaml") is not None


@FUZZ
@given(documents)
@example({"schema_version": 1, "id": "x", "practice": {"id": "p"}, "budget": 10**400})
@example({"schema_version": True, "id": "x", "practice": {"id": "p"}})
def test_random_documents(doc):
    for text, fmt in ((_as_json(doc), "json"), (_as_yaml(doc), "yaml")):
        _load_or_riskcore_error(text, fmt)


@FUZZ
@given(st.text(max_size=200))
@example("a: " + "[" * 2000)
@example("- &a [*a]")
@example("!!python/object:os.system {}")
@example("? [a]\n: 1")
@example("x: 2026-13-45")
@example("\x08")  # found by this harness: the YAML reader raised outside the guard
def test_random_text(text):
    for fmt in ("json", "yaml"):
        _load_or_riskcore_error(text, fmt)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*prefix, i)))
    return out


PATHS = _paths(EXAMPLE_DATA)[1:]


def _copy(data: Any) -> Any:
    return copy.deepcopy(data)


@st.composite
def mutated_examples(draw: st.DrawFn) -> Any:
    data = _copy(EXAMPLE_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            last = path[-1]
            _ = parent[last]  # the path may have gone with an earlier mutation
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "delete", "wrap", "add-key"]))
        if action == "replace":
            parent[last] = draw(documents)
        elif action == "delete":
            del parent[last]
        elif action == "wrap":
            parent[last] = draw(st.sampled_from([[parent[last]], {"x": parent[last]}]))
        elif isinstance(parent, dict):
            parent[draw(keys)] = draw(scalars)
    return data


@FUZZ_EXAMPLE
@given(mutated_examples())
def test_mutated_example(data):
    for text, fmt in ((_as_json(data), "json"), (_as_yaml(data), "yaml")):
        _load_or_riskcore_error(text, fmt)


@FUZZ_EXAMPLE
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(EXAMPLE_TEXT) - 1),
            st.integers(0, 3),
            st.sampled_from(
                [
                    "",
                    " ",
                    "\n",
                    "\t",
                    ":",
                    "-",
                    "'",
                    '"',
                    "[",
                    "{",
                    "&a",
                    "*a",
                    "9: 1\n",
                    "\ud800",
                    "\x00",
                    "\u2028",
                ]
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_text_mutations_of_the_example(edits):
    """Characters deleted or inserted anywhere in the example's YAML text."""
    text = EXAMPLE_TEXT
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut :]
    _load_or_riskcore_error(text, "yaml")


@pytest.mark.parametrize("line", range(0, EXAMPLE_TEXT.count("\n"), 23))
def test_lines_duplicated(line):
    """A duplicated line is a duplicate key (or a duplicate list item), never a silent override."""
    lines = EXAMPLE_TEXT.splitlines(keepends=True)
    text = "".join([*lines[: line + 1], lines[line], *lines[line + 1 :]])
    case = _load_or_riskcore_error(text, "yaml")
    stripped = lines[line].strip()
    if case is not None:
        # Only comments, blank lines and list items may be repeated.
        assert stripped.startswith(("#", "-")) or not stripped or ":" not in stripped
