"""The Markdown report escapes markup in every interpolated field (issue #14).

With ``--show-identifying`` a name was written into the Markdown report as
raw markup: HTML in a name was escaped in the HTML report, not in Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskcore import io
from riskcore.cli import main
from riskcore.report import _escape_all, escape_markdown

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"
HOSTILE = "<img src=x onerror=alert(1)> *Jane* _Doe_ [link](http://e.org) | `x` ~~y~~"


def _case_with_hostile_names(tmp_path: Path) -> Path:
    data = io.unstructure(io.load_case(EXAMPLE))
    data["practice"]["name"] = "# " + HOSTILE
    for c in data["clients"]:
        c["name"] = HOSTILE
    for p in data["professionals"]:
        p["name"] = "- " + HOSTILE
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_names_are_escaped_in_the_markdown_report(tmp_path: Path) -> None:
    case = _case_with_hostile_names(tmp_path)
    out = tmp_path / "report.md"
    argv = ["plan", str(case), "--trials", "0", "-q", "--show-identifying"]
    assert main([*argv, "-o", str(out)]) in (0, 3)
    text = out.read_text(encoding="utf-8")
    assert escape_markdown(HOSTILE) in text  # the name is there, escaped
    assert "<img" not in text
    assert "*Jane*" not in text
    assert "[link](" not in text
    assert "`x`" not in text
    for line in text.splitlines():
        assert not line.startswith(("# <", "# &lt;", "- &lt;"))
    # Table rows keep their cell count: a '|' in a name is escaped.
    rows = [line for line in text.splitlines() if line.startswith("| c-")]
    assert rows
    widths = {line.replace("\\|", "").count("|") for line in rows}
    assert len(widths) <= 2  # one width per table kind, never a split cell


def test_without_show_identifying_no_name_appears(tmp_path: Path) -> None:
    case = _case_with_hostile_names(tmp_path)
    out = tmp_path / "report.md"
    assert main(["plan", str(case), "--trials", "0", "-q", "-o", str(out)]) in (0, 3)
    text = out.read_text(encoding="utf-8")
    assert "Jane" not in text
    assert "img" not in text


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("<script>", "&lt;script&gt;"),
        ("a & b", "a &amp; b"),
        ("*x*", "\\*x\\*"),
        ("a|b", "a\\|b"),
        ("line\nbreak", "line break"),
        ("# heading", "\\# heading"),
        ("1) item", "1\\) item"),
        ("c-04", "c-04"),
    ],
)
def test_escape_markdown(value: str, escaped: str) -> None:
    assert escape_markdown(value) == escaped


# Characters near the rules: markup, HTML, block markers, digits, every line
# break str.splitlines knows, spaces; plus any text.
_NEAR = st.sampled_from(
    list("\\`*_[]|~&<>-+=#.)0123456789 \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029ab")
)


@settings(max_examples=2000)
@given(
    value=st.one_of(
        st.text(),
        st.lists(_NEAR, max_size=12).map("".join),
        st.integers(),
        st.floats(),
        st.booleans(),
    ),
    code=st.booleans(),
)
def test_the_shortcut_changes_no_result(value: object, code: bool) -> None:
    assert escape_markdown(value, code=code) == _escape_all(str(value), code)
