"""The YAML fast path (issue #16) builds exactly what the strict composer builds.

``riskcore._io_strict.fast_yaml`` builds a plain document straight from
libyaml's events; anything the strict composer must judge makes it step aside
(``_IrregularError``), and the strict loader parses the text again. These
tests compare both on the same text.
"""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import io
from riskcore._io_strict import _CParser, _IrregularError, fast_yaml
from riskcore.errors import LoadError

pytestmark = pytest.mark.skipif(_CParser is None, reason="PyYAML without libyaml")

TRICKY = [
    "yes",
    "No",
    "on",
    "~",
    "null",
    "0x1F",
    "0o17",
    "1_000",
    "1:30",
    "1e3",
    ".inf",
    "-.INF",
    ".nan",
    "2026-01-02",
    "2026-02-30",
    "2026-01-02 10:11:12",
    "'9'",
    '"10"',
    "12",
    "-3.5",
    "'text with: colon'",
    "",
    "é ü 漢",
]


def _fast(text: str) -> object:
    loader = io._io_strict._CStrictLoader(text)
    try:
        return fast_yaml(loader)
    finally:
        loader.dispose()


def _strict(text: str) -> object:
    loader = io._io_strict._CStrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _same(a: object, b: object) -> bool:
    """Equal, with the same types all the way down (1 == 1.0 == True in Python)
    and NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
    if isinstance(a, float) and a != a:
        return b != b
    return a == b


@pytest.mark.parametrize("scalar", TRICKY)
def test_every_scalar_resolves_as_the_strict_loader_resolves_it(scalar):
    item = scalar or "''"
    text = f"k: {scalar}\nlist: [{item}, x]\n"
    assert _same(_fast(text), _strict(text))


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(TRICKY),
)
_DOCS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(data=_DOCS, flow=st.sampled_from([None, True, False]))
def test_fast_path_equals_the_strict_composer(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _same(_fast(text), _strict(text))
    assert _same(io._parse_yaml(text, None), _strict(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # a key twice
        "9: x\n'9': y\n",  # the same item id twice
        "a: &x 1\nb: *x\n",  # an alias
        "a: &x 1\n",  # an anchor
        "a: !!str 1\n",  # an explicit tag
        "<<: {a: 1}\nb: 2\n",  # a merge key
        "? [a, b]\n: c\n",  # a sequence as a key
        "---\na: 1\n---\nb: 2\n",  # two documents
        "",  # no document
        "[" * 70 + "]" * 70,  # near MAX_DEPTH
    ],
)
def test_irregular_documents_go_to_the_strict_composer(text):
    with pytest.raises((_IrregularError, yaml.YAMLError)):
        _fast(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "duplicate key"),
        ("a: &x 1\nb: *x\n", "aliases"),
        ("[" * 70 + "]" * 70, "nested more than 64 levels deep"),
    ],
)
def test_the_strict_composer_still_words_every_refusal(text, message):
    with pytest.raises(LoadError, match=message):
        io.loads(text, dict, format="yaml")
