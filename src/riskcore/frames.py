"""pandas DataFrames of riskcore results, one row per item.

pandas is an optional extra (``pip install "riskcore[pandas]"``), imported
inside each function. Column names and dtypes are fixed and documented (the
``*_COLUMNS`` mappings below, and the table in ``docs/notebooks.md``), for an
empty result too:

* text columns are ``string`` (:class:`pandas.StringDtype`, missing is ``<NA>``);
* numbers are ``float64`` (missing is ``NaN``), counts ``int64``;
* risk levels are ``category``, ordered from the matrix's least to most severe
  level, so ``df.sort_values("level")`` and ``df[df.level >= "high"]`` work;
* dates are ``datetime64[ns]`` (missing is ``NaT``).

Each frame is indexed by its natural id (a score by subject, instrument and
scale; a risk by ``id``; a mitigation by its id; a simulated risk by
``risk``), and no column is named like a ``DataFrame`` attribute (``flags``,
``mean``, ``std``). Rows keep the order of the result (register order, score
order, phase order);
nothing identifying is included (subjects by pseudonymous id only).

Examples
--------
>>> from riskcore.model import Assessment
>>> df = assessment_frame(Assessment(case_id="demo"))
>>> list(df.index.names), list(df.columns)[:2], len(df)
(['subject', 'instrument', 'scale'], ['subject_kind', 'value'], 0)

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from riskcore.model.assessment import Assessment
    from riskcore.model.risk import RiskRegister
    from riskcore.planner import Solution
    from riskcore.simulate import SimulationResult

__all__ = [
    "ASSESSMENT_COLUMNS",
    "ASSESSMENT_INDEX",
    "INDEX",
    "PLAN_COLUMNS",
    "REGISTER_COLUMNS",
    "SIMULATION_COLUMNS",
    "assessment_frame",
    "plan_frame",
    "register_frame",
    "simulation_frame",
]

ASSESSMENT_COLUMNS: dict[str, str] = {
    "subject": "string",
    "instrument": "string",
    "scale": "string",
    "subject_kind": "string",
    "value": "float64",
    "minimum": "float64",
    "maximum": "float64",
    "band": "string",
    "complete": "bool",
    "measured": "bool",
    "critical": "bool",
    "flag_codes": "string",
    "missing_reason": "string",
    "plugin": "string",
}
"""Columns of :func:`assessment_frame` (``Assessment.to_pandas``), one row per score.

``flag_codes`` joins the flag codes with ``", "`` (``<NA>`` without flags; not
``flags``, which is a ``DataFrame`` attribute). Indexed by
:data:`ASSESSMENT_INDEX`."""

ASSESSMENT_INDEX = ("subject", "instrument", "scale")
"""The natural id of a score, the index of :func:`assessment_frame` (a subject
answering an instrument twice has two rows with the same index)."""

REGISTER_COLUMNS: dict[str, str] = {
    "id": "string",
    "threat": "string",
    "category": "string",
    "subject": "string",
    "subject_kind": "string",
    "inherent_likelihood": "float64",
    "inherent_impact": "float64",
    "inherent_harm": "float64",
    "inherent_level": "category",
    "residual_likelihood": "float64",
    "residual_impact": "float64",
    "residual_harm": "float64",
    "residual_all_harm": "float64",
    "current_harm": "float64",
    "level": "category",
    "planned_level": "category",
    "target": "category",
    "within_tolerance": "bool",
    "critical": "bool",
    "response_required": "bool",
    "incomplete": "bool",
    "illustrative": "bool",
    "review_days": "float64",
    "next_review": "datetime64[ns]",
}
"""Columns of :func:`register_frame` (``RiskRegister.to_pandas``), one row per risk.

``inherent_level``, ``level`` (now: controls in force today) and
``planned_level`` (once the plan is in place) are the levels shown, lifted to
the critical floor for critical risks; ``residual_*`` are the strict planned
figures, ``current_harm`` today's, ``residual_all_harm`` credits every safeguard
(``docs/crediting.md``). Indexed by ``id``, the risk id."""

PLAN_COLUMNS: dict[str, str] = {
    "mitigation": "string",
    "phase": "int64",
    "start_day": "float64",
    "cost": "float64",
    "hours": "float64",
    "reduction": "float64",
    "ratio": "float64",
    "kind": "string",
    "required_by": "string",
    "reason": "string",
}
"""Columns of :func:`plan_frame` (``Solution.to_pandas``), one row per chosen
mitigation in phase order.

``phase`` counts from 1; ``reduction`` is the expected harm the mitigation
removes given the rest of the plan, ``ratio`` that per unit cost; ``kind`` is
``"forced"``, ``"required"`` or ``"marginal"``. Indexed by ``mitigation``."""

SIMULATION_COLUMNS: dict[str, str] = {
    "risk": "string",
    "mean_harm": "float64",
    "sd_harm": "float64",
}
"""Leading columns of :func:`simulation_frame` (``SimulationResult.to_pandas``),
one row per risk; then one ``float64`` column per requested percentile, named
``p5``, ``p50``, ``p95``, ``p99`` (the defaults of :func:`riskcore.simulate`).
Indexed by ``risk``; ``mean_harm`` and ``sd_harm``, not ``mean`` and ``std``,
which are ``DataFrame`` methods."""

INDEX = {"register": ("id",), "plan": ("mitigation",), "simulation": ("risk",)}
"""The natural id each frame is indexed by (besides :data:`ASSESSMENT_INDEX`)."""

_HINT = 'pandas is needed for to_pandas(): pip install "riskcore[pandas]"'


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as exc:
        raise ImportError(_HINT) from exc
    return pandas


def _frame(
    columns: dict[str, Any], rows: Sequence[Sequence[Any]], index: Sequence[str]
) -> pd.DataFrame:
    pdm = _pandas()
    data = {}
    for k, (name, dtype) in enumerate(columns.items()):
        values = [row[k] for row in rows]
        if isinstance(dtype, str) and dtype.startswith("datetime64"):
            data[name] = pdm.Series(pdm.to_datetime(values), dtype=dtype)
        else:
            data[name] = pdm.Series(values, dtype=dtype)
    out: pd.DataFrame = pdm.DataFrame(data, columns=list(columns))
    return out.set_index(list(index))


def _nan(x: float | None) -> float:
    return float("nan") if x is None else float(x)


def assessment_frame(a: Assessment) -> pd.DataFrame:
    """One row per score of an assessment (see :data:`ASSESSMENT_COLUMNS`).

    Parameters
    ----------
    a : Assessment
        The assessment.

    Returns
    -------
    pandas.DataFrame

    Raises
    ------
    ImportError
        If pandas is not installed (with the ``pip install`` hint).

    Examples
    --------
    >>> from riskcore.model import Assessment, Score, SubjectKind
    >>> a = Assessment(case_id="demo", scores=[Score(subject="c-01",
    ...     subject_kind=SubjectKind.CLIENT, instrument="phq9", value=12,
    ...     minimum=0, maximum=27, band="moderate")])
    >>> df = assessment_frame(a)
    >>> list(df.index.names), df.loc[("c-01", "phq9", "total"), "band"]
    (['subject', 'instrument', 'scale'], 'moderate')
    """
    rows = [
        (
            s.subject,
            s.instrument,
            s.scale,
            s.subject_kind.value,
            _nan(s.value),
            _nan(s.minimum),
            _nan(s.maximum),
            s.band,
            s.complete,
            s.measured,
            s.critical,
            ", ".join(f.code for f in s.flags) or None,
            s.missing_reason,
            s.plugin,
        )
        for s in a.scores
    ]
    return _frame(ASSESSMENT_COLUMNS, rows, ASSESSMENT_INDEX)


def register_frame(
    reg: RiskRegister, inherent: RiskRegister | None = None
) -> pd.DataFrame:
    """One row per risk of a register (see :data:`REGISTER_COLUMNS`).

    Parameters
    ----------
    reg : RiskRegister
        The register.
    inherent : RiskRegister, optional
        The register before mitigation, whose inherent figures fill the
        ``inherent_*`` columns (default: *reg*'s own).

    Returns
    -------
    pandas.DataFrame
        ``inherent_level``, ``level`` and ``target`` are ordered categoricals
        over the matrix's levels.

    Examples
    --------
    >>> from riskcore.model.risk import RiskRegister
    >>> df = register_frame(RiskRegister(case_id="demo", method_version="x"))
    >>> df["level"].cat.categories.tolist()
    ['low', 'medium', 'high', 'very-high']
    """
    levels = _pandas().CategoricalDtype(
        [lv.name for lv in reg.matrix.levels], ordered=True
    )
    dtypes: dict[str, Any] = {
        k: (levels if v == "category" else v) for k, v in REGISTER_COLUMNS.items()
    }
    before = {r.id: r.inherent for r in (inherent or reg).risks}
    rows = []
    for r in reg.risks:
        ih = before.get(r.id, r.inherent)
        rows.append(
            (
                r.id,
                r.threat,
                r.category,
                r.subject,
                r.subject_kind.value,
                ih.likelihood,
                ih.impact,
                ih.expected_harm,
                r.inherent_level,
                r.residual.likelihood,
                r.residual.impact,
                r.residual.expected_harm,
                r.residual_all.expected_harm,
                r.current.expected_harm,
                r.level,
                r.planned_level,
                r.target,
                r.within_tolerance,
                r.critical,
                r.response_required,
                r.incomplete,
                r.illustrative,
                r.review_days,
                r.next_review,
            )
        )
    return _frame(dtypes, rows, INDEX["register"])


def plan_frame(res: Solution) -> pd.DataFrame:
    """One row per chosen mitigation, in phase order (see :data:`PLAN_COLUMNS`).

    Parameters
    ----------
    res : Solution
        The planner's result.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> from riskcore.planner import Solution
    >>> plan_frame(Solution(status="optimal", mode="budget", method="exact")).shape
    (0, 9)
    """
    why = {r.mitigation: r for r in res.reasons}
    phase = {m: k + 1 for k, ids in enumerate(res.phases) for m in ids}
    order = [m for ids in res.phases for m in ids]
    order += [m for m in res.selected if m not in phase]
    nan = float("nan")
    rows = []
    for m in order:
        r = why.get(m)
        rows.append(
            (
                m,
                phase.get(m, 0),
                float(res.start_day.get(m, 0.0)),
                r.cost if r else nan,
                r.hours if r else nan,
                r.reduction if r else nan,
                r.ratio if r else nan,
                r.kind if r else None,
                ", ".join(r.required_by) if r and r.required_by else None,
                r.text if r else None,
            )
        )
    return _frame(PLAN_COLUMNS, rows, INDEX["plan"])


def simulation_frame(sim: SimulationResult) -> pd.DataFrame:
    """Per-risk loss summaries of a Monte Carlo run (see :data:`SIMULATION_COLUMNS`).

    Parameters
    ----------
    sim : SimulationResult
        The result of :func:`riskcore.simulate`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``risk``: ``mean_harm``, ``sd_harm``, then ``p<q>`` per
        percentile.

    Examples
    --------
    >>> from riskcore.simulate import SimulationResult, Summary
    >>> empty = SimulationResult(method_version="x", seed=0, n=0, method="lhs",
    ...     credit="strict", risks=(), exceedance=(), sensitivity=(), point_total=0.0,
    ...     total=Summary(mean=0.0, std=0.0, percentiles=((5.0, 0.0), (95.0, 0.0))))
    >>> list(simulation_frame(empty).columns)
    ['mean_harm', 'sd_harm', 'p5', 'p95']
    """
    qs = [q for q, _ in sim.total.percentiles]
    columns: dict[str, Any] = dict(SIMULATION_COLUMNS)
    columns.update({f"p{q:g}": "float64" for q in qs})
    rows = [(r.risk, r.mean, r.std, *(r.percentile(q) for q in qs)) for r in sim.risks]
    return _frame(columns, rows, INDEX["simulation"])
