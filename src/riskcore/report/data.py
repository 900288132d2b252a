"""The JSON report as typed data: a schema, a loader, and nothing to display.

The JSON report is the machine-readable twin of the HTML and Markdown reports.
It is built from the same context (:func:`riskcore.report.context.build_context`)
but keeps data only: no colours, no SVG, no HTML, and no list that merely
repeats another (the critical risks are the rows of ``risks`` whose
``critical`` is true). Subjects appear by their pseudonymous ids; with the
explicit *identifying* opt-in a separate ``names`` list maps ids to names, so a
consumer never has to parse a name out of an id.

:class:`ReportData` is an attrs class like every other riskcore document, so
the same machinery gives it a JSON Schema (``riskcore schema report``), strict
loading (:func:`load_report`, unknown keys and wrong types rejected with their
path) and dumping (``riskcore.dumps(report)`` writes this form).

>>> from riskcore.report.data import report_schema
>>> report_schema()["properties"]["schema_version"]
{'const': 1}

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError
from riskcore.model._fields import to_tuple
from riskcore.model.sections import ReportSection

if TYPE_CHECKING:
    from riskcore.workflow import PlanReport

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "ReportData",
    "load_report",
    "loads_report",
    "report_data",
    "report_plain",
    "report_schema",
]

REPORT_SCHEMA_VERSION = 1
"""The version of the JSON report this riskcore writes and reads."""


@frozen(kw_only=True)
class LevelCount:
    """How many risks sit at one level."""

    level: str
    count: int


@frozen(kw_only=True)
class Summary:
    """Totals of the register and the planner's outcome."""

    risks: int
    subjects: int
    critical: int
    incomplete_risks: int
    inherent_counts: tuple[LevelCount, ...] = field(factory=tuple, converter=to_tuple)
    now_counts: tuple[LevelCount, ...] = field(factory=tuple, converter=to_tuple)
    residual_counts: tuple[LevelCount, ...] = field(factory=tuple, converter=to_tuple)
    harm_inherent: float
    harm_residual: float
    harm_residual_all: float
    over_tolerance: int
    cost: float
    hours: float | None
    budget: float | None
    status: str
    mode: str
    method: str
    gap: float | None
    selected: int


@frozen(kw_only=True)
class FlagAction:
    """A critical flag and the instrument's own instruction for it."""

    subject: str
    code: str
    message: str
    instruction: str


@frozen(kw_only=True)
class RiskRow:
    """One risk: levels before, now and with the plan, and why."""

    id: str
    threat: str
    threat_name: str
    category: str
    subject: str
    kind: str
    inherent: str
    now: str
    residual: str
    residual_all: str
    target: str
    within_tolerance: bool
    critical: bool
    critical_reasons: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    incomplete: bool
    incomplete_reasons: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    likelihood: float
    residual_likelihood: float
    impact: float
    harm: float
    residual_harm: float
    next_review: str
    review_days: float | None
    illustrative: bool
    why: tuple[str, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class PluginEffect:
    """One plugin's net odds ratio on one critical risk."""

    risk: str
    plugin: str
    net: float


@frozen(kw_only=True)
class StepRow:
    """One step of a response or duty checklist."""

    title: str
    detail: str


@frozen(kw_only=True)
class ArmedRow:
    """A response armed for a subject, with its owner and time to act."""

    id: str
    name: str
    subject: str
    owner: str
    hours: float
    escalation: str
    reason: str
    steps: tuple[StepRow, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class ChecklistRow:
    """One item of a legal duty's checklist."""

    title: str
    detail: str
    required: bool


@frozen(kw_only=True)
class Duty:
    """A legal duty a jurisdiction plugin found (or could not rule out)."""

    name: str
    jurisdiction: str
    subject: str
    status: str
    arises: bool
    reasons: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    missing: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    citation: str
    effective: str
    owner: str
    hours: float
    checklist: tuple[ChecklistRow, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class PhaseItem:
    """A mitigation in a phase of the plan."""

    id: str
    name: str
    owner: str
    start_day: float
    duration_days: float
    cost: float
    reason: str


@frozen(kw_only=True)
class Phase:
    """A phase of the plan (mitigations that can start together)."""

    number: int
    items: tuple[PhaseItem, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class Rejected:
    """A mitigation the planner left out, and why."""

    id: str
    name: str
    reason: str


@frozen(kw_only=True)
class Infeasible:
    """A risk the plan cannot bring to tolerance, and why."""

    risk: str
    reason: str


@frozen(kw_only=True)
class FrontierRow:
    """A point of the cost–residual Pareto frontier."""

    cost: float
    residual: float
    n: int


@frozen(kw_only=True)
class Percentile:
    """A percentile of simulated residual expected harm."""

    p: float
    value: float


@frozen(kw_only=True)
class Sensitivity:
    """How much one parameter swings the total (tornado bar)."""

    parameter: str
    label: str = ""
    """The parameter in words (:func:`riskcore.plain.parameter`)."""
    risk: str | None
    low: float
    high: float
    swing: float


@frozen(kw_only=True)
class SimulationData:
    """The Monte Carlo summary of residual expected harm."""

    n: int
    seed: int | None
    method: str
    credit: str
    method_version: str
    mean: float
    percentiles: tuple[Percentile, ...] = field(factory=tuple, converter=to_tuple)
    point: float
    sensitivity: tuple[Sensitivity, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class PluginRow:
    """A plugin seen by the run."""

    name: str
    distribution: str
    version: str
    status: str


@frozen(kw_only=True)
class InstrumentRow:
    """An instrument a plugin scored."""

    plugin: str
    instrument: str


@frozen(kw_only=True)
class Provenance:
    """Versions, methods, seed and plugins behind the figures."""

    riskcore_version: str
    risk_method: str
    plan_method: str
    seed: int
    matrix: str
    catalog: str
    illustrative_numbers: int
    sourced_numbers: int
    unlabelled_numbers: int
    plugins: tuple[PluginRow, ...] = field(factory=tuple, converter=to_tuple)
    instruments: tuple[InstrumentRow, ...] = field(factory=tuple, converter=to_tuple)


@frozen(kw_only=True)
class MissingSection:
    """A plugin whose report sections are missing (its hook failed)."""

    plugin: str
    error_type: str
    text: str


@frozen(kw_only=True)
class SubjectName:
    """A subject's name: only present with the explicit identifying opt-in."""

    id: str
    name: str


@frozen(kw_only=True)
class ReportData:
    """The JSON report of one plan: data only, loadable, with a JSON Schema.

    Built by :func:`report_data`; read back by :func:`load_report`.
    """

    SCHEMA_VERSION: ClassVar[int] = REPORT_SCHEMA_VERSION
    schema_version: int = field(default=REPORT_SCHEMA_VERSION)
    title: str
    case_id: str
    practice: str
    synthetic: bool
    description: str
    generated: dt.date
    assessed_on: dt.date | None
    horizon_days: float
    identifying: bool
    complete: bool
    levels: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    """The risk matrix's levels, lowest first."""
    summary: Summary
    flag_actions: tuple[FlagAction, ...] = field(factory=tuple, converter=to_tuple)
    plugin_effects: tuple[PluginEffect, ...] = field(factory=tuple, converter=to_tuple)
    armed: tuple[ArmedRow, ...] = field(factory=tuple, converter=to_tuple)
    duties: tuple[Duty, ...] = field(factory=tuple, converter=to_tuple)
    incomplete: tuple[str, ...] = field(factory=tuple, converter=to_tuple)
    phases: tuple[Phase, ...] = field(factory=tuple, converter=to_tuple)
    rejected: tuple[Rejected, ...] = field(factory=tuple, converter=to_tuple)
    infeasible: tuple[Infeasible, ...] = field(factory=tuple, converter=to_tuple)
    frontier: tuple[FrontierRow, ...] = field(factory=tuple, converter=to_tuple)
    risks: tuple[RiskRow, ...] = field(factory=tuple, converter=to_tuple)
    """Every risk, critical first, then by level and expected harm."""
    simulation: SimulationData | None
    provenance: Provenance
    sections: tuple[ReportSection, ...] = field(factory=tuple, converter=to_tuple)
    """Sections contributed by plugins (``riskcore_report_sections``; empty when
    none does): the same :class:`~riskcore.model.sections.ReportSection` data
    the HTML and Markdown reports show."""
    missing_sections: tuple[MissingSection, ...] = field(
        factory=tuple, converter=to_tuple
    )
    """Plugins whose sections are missing: the report says so, never hides it."""
    names: tuple[SubjectName, ...] = field(factory=tuple, converter=to_tuple)
    """Subjects' names: empty unless the report was made with *identifying*."""
    since_review: dict[str, Any] | None = None
    """What changed since the last review, from the practice register
    (:meth:`riskcore.store.Store.since_last_review`); ``None`` without one."""
    disclaimer: str

    def __attrs_post_init__(self) -> None:
        if self.schema_version != self.SCHEMA_VERSION:
            raise FieldError(
                "schema_version",
                self.schema_version,
                f"is not supported (this riskcore reads version {self.SCHEMA_VERSION})",
            )

    @property
    def critical(self) -> tuple[RiskRow, ...]:
        """The critical risks (the *Act first* rows of the other formats)."""
        return tuple(r for r in self.risks if r.critical)


def _pick(cls: type[Any], data: Any) -> Any:
    """Keep only the keys *cls* declares, recursively (the context has more)."""
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    for name, inner in _declared(cls):
        if name not in data:
            continue
        value = data[name]
        if inner is not None:
            if isinstance(value, (list, tuple)):
                value = [_pick(inner, v) for v in value]
            else:
                value = _pick(inner, value)
        out[name] = value
    return out


_DECLARED: dict[type[Any], tuple[tuple[str, type[Any] | None], ...]] = {}


def _declared(cls: type[Any]) -> tuple[tuple[str, type[Any] | None], ...]:
    """*cls*'s field names, each with the attrs class it holds (if any)."""
    out = _DECLARED.get(cls)
    if out is None:
        hints = attrs.resolve_types(cls)
        out = tuple((a.name, _attrs_in(a.type)) for a in attrs.fields(hints))
        _DECLARED[cls] = out
    return out


def _attrs_in(tp: Any) -> type[Any] | None:
    from typing import get_args

    if isinstance(tp, type) and attrs.has(tp):
        return tp
    for arg in get_args(tp):
        found = _attrs_in(arg)
        if found is not None:
            return found
    return None


def _json_context(
    report: PlanReport,
    identifying: bool,
    since_review: Mapping[str, Any] | None,
    *,
    lazy: bool = False,
) -> dict[str, Any]:
    """The report context (:func:`~riskcore.report.context.build_context`) with
    the JSON report's own keys: level names, version, names, ``since_review``;
    with *lazy*, its risk rows made one at a time as they are written."""
    from riskcore.report.context import _context

    ctx = _context(report, identifying=False, lazy=lazy)
    ctx["levels"] = [lv["name"] for lv in ctx["levels"]]
    ctx["schema_version"] = REPORT_SCHEMA_VERSION
    ctx.setdefault("sections", [])
    ctx["identifying"] = identifying
    ctx["names"] = (
        [
            {"id": s.id, "name": s.name}
            for s in report.case.subjects()
            if s.name is not None
        ]
        if identifying
        else []
    )
    for key in ("assessed_on",):
        ctx[key] = ctx[key] or None
    if since_review is not None:
        import json

        # the register's section as JSON data (dates as ISO text)
        ctx["since_review"] = json.loads(json.dumps(since_review, default=str))
    return ctx


def report_data(
    report: PlanReport,
    *,
    identifying: bool = False,
    since_review: Mapping[str, Any] | None = None,
) -> ReportData:
    """The JSON report of *report* as a typed object.

    Parameters
    ----------
    report:
        The output of :func:`riskcore.build_plan`.
    identifying:
        Add the subjects' names (``names``). Off by default: the report
        then holds pseudonymous ids only.
    since_review:
        The register's "since the last review" section
        (:meth:`riskcore.store.Store.since_last_review`), or ``None``.
    """
    from riskcore.io import structure

    ctx = _json_context(report, identifying, since_review)
    return structure(_pick(ReportData, ctx), ReportData, source="report")


def report_plain(
    report: PlanReport,
    *,
    identifying: bool = False,
    since_review: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON report of *report* as plain data: what the JSON report file
    holds, equal to ``riskcore.io.unstructure(report_data(...))``.

    Built from the context in one pass, field by field as the classes above
    declare them, without making the :class:`ReportData` objects and taking
    them apart again. A value the fast pass does not take as it is (a number
    of the wrong type, a non-finite float, a missing field, a type it was not
    written for) sends the whole report through :func:`report_data`, so the
    result and every error are that path's (a non-finite harm is refused,
    never written).

    Parameters
    ----------
    report:
        The output of :func:`riskcore.build_plan`.
    identifying:
        Add the subjects' names (``names``), as :func:`report_data` does.
    since_review:
        The register's "since the last review" section, or ``None``.

    Examples
    --------
    >>> import riskcore
    >>> from riskcore.io import unstructure
    >>> from riskcore.model import Case, Client, Practice
    >>> case = Case(id="d", practice=Practice(id="p"), clients=[Client(id="c-1")])
    >>> plan = riskcore.build_plan(case, n=0)
    >>> data = report_plain(plan)
    >>> list(data)[:3], data["title"]
    (['schema_version', 'title', 'case_id'], 'Risk-management plan: d')
    >>> data == unstructure(report_data(plan))
    True

    .. versionadded:: 0.1
    """
    ctx = _json_context(report, identifying, since_review)
    try:
        return _plain(ReportData)(ctx)  # type: ignore[no-any-return]
    except _NotFastError:
        return _slow(report, identifying, since_review)  # type: ignore[no-any-return]


def _slow(
    report: PlanReport, identifying: bool, since_review: Mapping[str, Any] | None
) -> Any:
    from riskcore.io import structure, unstructure

    ctx = _json_context(report, identifying, since_review)
    return unstructure(structure(_pick(ReportData, ctx), ReportData, source="report"))


class _NotFastError(Exception):
    """The fast pass of :func:`report_plain` cannot vouch for a value."""


_ABSENT: Any = object()
_PLAIN: dict[Any, Any] = {}


def _plain(tp: Any) -> Any:
    """A function from a context value to the plain JSON value that
    ``unstructure(structure(value, tp))`` would give, for the types of this
    module's classes (cached per type); it raises :class:`_NotFastError` for any
    value it is not sure of."""
    fn = _PLAIN.get(tp)
    if fn is None:
        fn = _PLAIN[tp] = _make_plain(tp)
    return fn


def _make_plain(tp: Any) -> Any:
    import types
    from typing import get_args, get_origin

    from riskcore._io_write import StreamedList
    from riskcore.report._columns import _column_records
    from riskcore.report.context import RiskRows

    if tp in _SCALARS:
        return _SCALARS[tp]
    origin, args = get_origin(tp), get_args(tp)
    if origin is types.UnionType and len(args) == 2 and type(None) in args:
        inner = _plain(args[0] if args[1] is type(None) else args[1])
        return lambda v: None if v is None else inner(v)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _plain(args[0])
        same = frozenset({args[0]}) if args[0] in (str, bool, int) else None
        of = args[0]

        def sequence(v: Any) -> Any:
            t = type(v)
            if t is StreamedList:  # each item converted as it is written
                return StreamedList(map(item, v), len(v))
            if t is RiskRows:  # a column at a time, as they are written
                return StreamedList(_column_records(of, v), len(v))
            if t is not list and t is not tuple:
                raise _NotFastError
            if same is not None and same.issuperset(map(type, v)):
                return list(v)  # items of their exact type are taken as they are
            return [item(x) for x in v]

        return sequence
    if tp == dict[str, Any]:
        return _str_mapping
    if isinstance(tp, type) and attrs.has(tp) and tp.__module__ == __name__:
        return _record(tp)
    return lambda v: _round_trip(tp, v)  # not ours (a plugin's section): cattrs


_FIELDS: dict[type[Any], tuple[tuple[str, Any, Any, Any], ...]] = {}


def _record(cls: type[Any]) -> Any:
    """The fast pass for one of this module's attrs classes: its fields in
    order, each converted by its type, a missing one given its default."""
    frozen_fields = _fields(cls)

    def record(v: Any) -> dict[str, Any]:
        if type(v) is not dict:
            raise _NotFastError
        out = {}
        get = v.get
        for name, same, conv, missing in frozen_fields:
            x = get(name, _ABSENT)
            if type(x) is same and (same is not float or x - x == 0.0):
                out[name] = x
            elif x is not _ABSENT:
                out[name] = conv(x)
            elif missing is not _ABSENT:
                out[name] = missing()
            else:
                raise _NotFastError
        if cls is ReportData and out["schema_version"] != REPORT_SCHEMA_VERSION:
            raise _NotFastError
        return out

    return record


def _fields(cls: type[Any]) -> tuple[tuple[str, Any, Any, Any], ...]:
    """*cls*'s fields as the fast pass reads them (cached): name, the exact
    type taken as it is (or ``None``), the converter, the default's maker."""
    got = _FIELDS.get(cls)
    if got is not None:
        return got
    hints = attrs.resolve_types(cls)
    fields = []
    for a in attrs.fields(hints):
        default = a.default
        if a.validator is not None or a.converter not in (None, to_tuple):
            _no_fast_pass(cls, a.name)  # pragma: no cover - none such
        if default is attrs.NOTHING:
            missing = _ABSENT
        elif isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            missing = _list_default(cls, a.name, default.factory)
        else:
            missing = (lambda d: lambda: d)(default)
        # a str, bool or int already of its exact type is taken as it is,
        # and so is a finite float (x - x is 0.0 for those alone)
        same = a.type if a.type in (str, bool, int, float) else None
        fields.append((a.name, same, _plain(a.type), missing))
    got = _FIELDS[cls] = tuple(fields)
    return got


def _list_default(cls: type[Any], name: str, factory: Any) -> Any:
    if factory is not tuple:  # pragma: no cover - none such
        _no_fast_pass(cls, name)
    return list


def _no_fast_pass(cls: type[Any], name: str) -> None:  # pragma: no cover
    # a field with a validator, converter or default this pass does not
    # reproduce: a programming error in this module, caught by its tests
    raise TypeError(f"{cls.__name__}.{name}: no fast pass for this field")


def _round_trip(tp: Any, v: Any) -> Any:
    from riskcore.io import structure, unstructure

    try:
        return unstructure(structure(_pick(tp, v), tp))
    except Exception:
        raise _NotFastError from None


def _str_mapping(v: Any) -> dict[str, Any]:
    # since_review: JSON data already (json.loads in _json_context)
    if type(v) is not dict or not all(type(k) is str for k in v):
        raise _NotFastError
    return dict(v)


def _fast_str(v: Any) -> str:
    if type(v) is str:
        return v
    raise _NotFastError


def _fast_bool(v: Any) -> bool:
    if type(v) is bool:
        return v
    raise _NotFastError


def _fast_int(v: Any) -> int:
    if type(v) is int:
        return v
    raise _NotFastError


def _fast_float(v: Any) -> float:
    # riskcore.io's strict float: a finite number, an int made a float
    t = type(v)
    if t is float:
        if math.isfinite(v):
            return v  # type: ignore[no-any-return]
        raise _NotFastError
    if t is int:
        try:
            return float(v)
        except OverflowError:
            raise _NotFastError from None
    raise _NotFastError


def _fast_date(v: Any) -> str:
    # the context writes dates as ISO text; the document holds them as dates
    if type(v) is str:
        try:
            if dt.date.fromisoformat(v).isoformat() == v:
                return v
        except ValueError:
            pass
    raise _NotFastError


_SCALARS: dict[Any, Any] = {
    str: _fast_str,
    bool: _fast_bool,
    int: _fast_int,
    float: _fast_float,
    dt.date: _fast_date,
}


def loads_report(text: str, *, source: str | None = None) -> ReportData:
    """Read a JSON report from text; errors name the field path.

    >>> loads_report('{"schema_version": 1}')
    Traceback (most recent call last):
    ...
    riskcore.errors.LoadError: title: required field missing (and 13 more)
    """
    from riskcore.io import loads

    return loads(text, ReportData, format="json", source=source)


def load_report(path: str | os.PathLike[str]) -> ReportData:
    """Read a JSON report file (``riskcore plan CASE -o report.json``) back.

    Errors are :class:`~riskcore.errors.LoadError` naming the file and path.
    """
    from riskcore.io import load

    return load(Path(path), ReportData, format="json")


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the JSON report (what ``riskcore schema report`` prints).

    >>> report_schema()["title"]
    'riskcore JSON report'
    """
    from riskcore.schema import schema_for

    return schema_for(ReportData, title="riskcore JSON report")
