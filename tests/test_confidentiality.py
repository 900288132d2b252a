"""Confidentiality (issue #14): identifying data and free text never leak.

Names, dates of birth, phone numbers and free text are seeded into every field
of the Longmont example that is marked sensitive (``text(sensitive=True)``, or
``metadata["riskcore"]["sensitive"]``: names, protected attributes, notes,
free-text answers), found by walking the attrs classes of :class:`Case`, so a
new sensitive field is seeded too. Then everything a user can see is scanned:
assess, identify and plan in process, every report format, the CLI commands
with ``-o`` (files, stdout and stderr), error paths with a broken value next to
the seeded ones, every log record at DEBUG, and the ``repr`` and
``_repr_html_`` of every public object. None of the seeded strings may appear.
With ``--show-identifying`` names appear next to pseudonymous ids in the
Markdown and HTML reports, as documented; free text still never does.
"""

from __future__ import annotations

import json
import logging
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

import riskcore
from riskcore import io
from riskcore.cli import main
from riskcore.errors import RiskcoreError
from riskcore.identify import identify
from riskcore.model import Case
from riskcore.obligations import evaluate_obligations as evaluate
from riskcore.plugins import get_plugin_manager
from riskcore.report import render
from riskcore.workflow import build_plan

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "longmont-practice.yaml"

NAME = "Zelda Quixote"
DOB = "1961-07-23"
PHONE = "303-555-0199"
FREE = "blue heron"
LANGUAGE = "qzheron"
SECRETS = (NAME.split()[1], DOB, PHONE, FREE, LANGUAGE)
"""What must never appear in default mode (a name, a date of birth, a phone
number, free text)."""


def _sensitive(a: attrs.Attribute[Any]) -> bool:
    return bool(a.metadata.get("riskcore", {}).get("sensitive"))


def _attrs_class(tp: object) -> type | None:
    """The attrs class in an annotation (``X``, ``X | None``, ``tuple[X, ...]``)."""
    if isinstance(tp, type) and attrs.has(tp):
        return tp
    for arg in typing.get_args(tp):
        found = _attrs_class(arg)
        if found is not None:
            return found
    return None


def sensitive_paths(
    cls: type, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """Every path to a sensitive field under *cls* (``*`` for list elements)."""
    hints = typing.get_type_hints(cls)
    for a in attrs.fields(cls):
        if not a.init:
            continue
        if _sensitive(a):
            yield (*prefix, a.name)
            continue
        inner = _attrs_class(hints[a.name])
        if inner is None or inner is cls:
            continue
        many = typing.get_origin(hints[a.name]) in (tuple, list)
        yield from sensitive_paths(inner, (*prefix, a.name, *(("*",) if many else ())))


def _seed_value(path: tuple[str, ...], i: int, old: object) -> object:
    leaf = path[-1]
    if leaf == "name":
        return f"{NAME} {i}"
    text = f"{FREE} {i}, born {DOB}, call {PHONE}"
    if leaf == "languages":
        return [*(old or ["en"]), f"{LANGUAGE}{i}"]
    if leaf == "answers":
        return {"q1": text, "q2": f"{NAME} said so"}
    return text


def _seed(data: Any, path: tuple[str, ...], counter: list[int]) -> int:
    head, *rest = path
    if head == "*":
        return sum(_seed(x, tuple(rest), counter) for x in data)
    if not rest:
        counter[0] += 1
        data[head] = _seed_value(path, counter[0], data.get(head))
        return 1
    if data.get(head) is None:
        data[head] = {}
    return _seed(data[head], tuple(rest), counter)


def seeded_data() -> tuple[dict[str, Any], list[tuple[str, ...]], int]:
    data = io.unstructure(io.load_case(EXAMPLE))
    paths = list(sensitive_paths(Case))
    counter = [0]
    n = sum(_seed(data, p, counter) for p in paths)
    return data, paths, n


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data, _, _ = seeded_data()
    path = tmp_path_factory.mktemp("seeded") / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked into {where}"


def test_every_sensitive_field_is_seeded() -> None:
    """The walk finds every sensitive field, and the seeded case loads."""
    _, paths, n = seeded_data()
    names = {".".join(p) for p in paths}
    assert {
        "practice.name",
        "professionals.*.name",
        "clients.*.name",
        "clients.*.protected.culture",
        "clients.*.protected.ethnicity",
        "clients.*.protected.religion",
        "clients.*.protected.languages",
        "clients.*.protected.gender",
        "responses.*.answers",
        "observations.*.note",
    } <= names
    assert n > 100  # every client, response and observation of the example
    case = io.loads(json.dumps(seeded_data()[0]), Case, format="json")
    assert NAME in str(case.clients[0].name)


def _objects(report: Any) -> Iterator[tuple[str, object]]:
    """Every public object a user can print, in the chain of one report."""
    case = report.case
    yield "case", case
    yield "practice", case.practice
    for c in case.clients:
        yield f"client {c.id}", c
        yield f"protected {c.id}", c.protected
    for p in case.professionals:
        yield f"professional {p.id}", p
    for o in case.observations:
        yield f"observation {o.code}", o
    for r in case.responses:
        yield f"response {r.instrument}", r
    yield "assessment", report.assessment
    for s in report.assessment.scores:
        yield f"score {s.instrument}", s
    yield "catalog", report.catalog
    yield "inherent", report.inherent
    yield "register", report.register
    for r in report.register.risks:
        yield f"risk {r.threat}", r
    yield "result", report.result
    yield "plan", report.plan
    yield "obligations", report.obligations
    for o in report.obligations.obligations:
        yield f"obligation {o.id}", o
    for a in report.armed:
        yield f"armed {a.response}", a
    yield "simulation", report.simulation
    yield "report", report


def test_nothing_leaks_in_process(
    seeded: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    case = riskcore.load_case(seeded)
    pm = get_plugin_manager()
    assessment = riskcore.assess(case, pm=pm)
    register = identify(assessment, riskcore.default_catalog(pm), case, pm=pm)
    obligations = evaluate(case, assessment, pm)
    for what, obj in (
        ("assessment", assessment),
        ("register", register),
        ("obligations", obligations),
    ):
        assert_clean(repr(obj), f"repr({what})")
        assert_clean(io.dumps(obj, "json"), f"dump({what})")
    report = build_plan(case, n=500, seed=1, pm=pm)
    for fmt in ("html", "markdown", "json"):
        assert_clean(render(report, fmt), f"the {fmt} report")
    for where, obj in _objects(report):
        assert_clean(repr(obj), f"repr({where})")
        html = getattr(obj, "_repr_html_", None)
        if html is not None:
            assert_clean(str(html()), f"{where}._repr_html_()")
    assert_clean(caplog.text, "the log at DEBUG")
    assert_clean(
        "\n".join(str(r.args) for r in caplog.records), "the log record arguments"
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["assess", "{case}", "-o", "{out}.json"],
        ["plan", "{case}", "--trials", "200", "-o", "{out}.json"],
        ["plan", "{case}", "--trials", "200", "-o", "{out}.md"],
        ["plan", "{case}", "--trials", "200", "-o", "{out}.html"],
        ["plan", "{case}", "--trials", "200"],
        ["graph", "{case}", "-o", "{out}.json"],
        ["plan", "{case}", "--trials", "0", "--trace", "-o", "{out}.md"],
    ],
    ids=[
        "assess",
        "plan-json",
        "plan-md",
        "plan-html",
        "plan-stdout",
        "graph",
        "trace",
    ],
)
def test_nothing_leaks_from_the_cli(
    argv: list[str],
    seeded: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "out"
    args = [a.format(case=seeded, out=out) for a in argv]
    assert main(args) in (0, 3)  # 3: done, the assessment incomplete
    captured = capsys.readouterr()
    assert_clean(captured.out, "stdout")
    assert_clean(captured.err, "stderr")
    assert_clean(caplog.text, "the log")
    for f in tmp_path.iterdir():
        assert_clean(f.read_text(encoding="utf-8"), f.name)


@pytest.mark.parametrize(
    ("where", "broken"),
    [
        ("budget", f"{NAME} {PHONE}"),
        ("assessed_on", DOB + "x"),
        ("clinician", f"{NAME}"),
        ("observation", f"{FREE} {DOB}"),
    ],
)
def test_error_paths_do_not_echo_the_seeded_values(
    where: str,
    broken: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A deliberately broken value next to the seeded ones: the one-line error
    names the field, never the value nor its neighbours."""
    data, _, _ = seeded_data()
    if where == "budget":
        data["budget"] = broken
    elif where == "assessed_on":
        data["assessed_on"] = broken
    elif where == "clinician":
        data["clients"][0]["clinician"] = broken
    else:
        data["observations"][0]["code"] = broken
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RiskcoreError) as err:
        riskcore.load_case(path)
    for text in (str(err.value), repr(err.value), getattr(err.value, "details", str)()):
        assert_clean(text, "the exception")
    for argv in (["plan", str(path), "-q"], ["assess", str(path)]):
        assert main(argv) == 2
        captured = capsys.readouterr()
        assert_clean(captured.out + captured.err, "the CLI error")
        assert len(captured.err.strip().splitlines()) == 1


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_show_identifying_shows_names_not_free_text(
    suffix: str, seeded: Path, tmp_path: Path
) -> None:
    """Documented (docs/report.md): names next to pseudonymous ids; free text
    (notes, answers, protected attributes) never."""
    out = tmp_path / f"report{suffix}"
    argv = ["plan", str(seeded), "--trials", "0", "-q", "--show-identifying"]
    assert main([*argv, "-o", str(out)]) in (0, 3)
    text = out.read_text(encoding="utf-8")
    assert NAME in text
    for secret in (DOB, PHONE, FREE, LANGUAGE):
        assert secret not in text
