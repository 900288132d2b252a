"""Crediting a register's controls: the work of :func:`riskcore.identify.apply_controls`.

:func:`riskcore.identify.apply_controls` is the public face (its docstring
states the rule); this module does the work, in three steps, none of which
repeats per risk what is the same for many:

1. :func:`controls` checks the controls once and lays them out as *entries*
   (a :class:`~riskcore.calculus.LayerInput`, the effectiveness as given, the
   day it is in force): one tuple per threat for the mitigations, one per
   response shared by every subject it is armed for.
2. :func:`credited` gives each risk its candidates (the threat's tuple, joined
   with its subject's responses; equal joins are one object) and credits each
   set of risks with the same candidates once, through
   :func:`riskcore.calculus.credit_figures` (the one rule); the layers shown
   are built once per set.
3. Each risk is built once: a risk the controls leave as it was (no layer, no
   note, the same figures and levels: the risks of :func:`riskcore.identify.identify`
   that the plan does not reach) is kept as it is; any other is copied with
   its new control fields by :func:`riskcore.model.risk.with_controls`, which
   does not check again what its (frozen) risk was checked for.

Matrix points are pure functions of their two figures, so they are shared:
one per matrix and pair of figures (:func:`points_of`), which is also what
lets step 3 see, by identity, that a risk's figures did not move.

.. versionadded:: 0.1
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from riskcore import calculus
from riskcore.errors import FieldError
from riskcore.model._fast import replacer
from riskcore.model.catalog import Catalog, EffectTarget, Response
from riskcore.model.distributions import Param, mean_of
from riskcore.model.plan import ArmedResponse, armed_pairs
from riskcore.model.risk import Layer, Risk, RiskMatrix, RiskPoint, with_controls

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Controls", "Memo", "controls", "credited", "points_of", "shown_level"]

Entry = tuple[calculus.LayerInput, Param, float]
"""A candidate layer: its crediting input, its effectiveness as given (shown
on the :class:`~riskcore.model.Layer`), the day it is in force."""


def shown_level(level: str, critical: bool, matrix: RiskMatrix) -> str:
    """The level a risk shows: a critical risk never below the matrix's
    critical floor (re-exported by :mod:`riskcore.identify`).

    >>> m = RiskMatrix.default()
    >>> shown_level("low", True, m), shown_level("low", False, m)
    ('high', 'low')
    """
    return matrix.at_least(level, matrix.critical_floor) if critical else level


_Key = tuple[float, float] | tuple[str, str]
_POINTS: weakref.WeakKeyDictionary[RiskMatrix, dict[_Key, RiskPoint]] = (
    weakref.WeakKeyDictionary()
)
_POINTS_LIMIT = 1 << 16


def points_of(matrix: RiskMatrix) -> dict[_Key, RiskPoint]:
    """The points of *matrix* made so far, by their two (float) figures.

    A :class:`~riskcore.model.RiskPoint` is a pure function of its figures
    (the risk id only names an error, and equal figures raise equally), so
    equal ones can be one object, across registers and calls: that is how
    :func:`credited` sees that a risk's figures did not move. Kept while the
    matrix lives, and emptied when it grows past 65,536 points.
    """
    got = _POINTS.get(matrix)
    if got is None or len(got) > _POINTS_LIMIT:
        got = _POINTS[matrix] = {}
    return got


class Memo:
    """What one crediting builds once and shares between its risks."""

    def __init__(self, matrix: RiskMatrix, assessed_on: dt.date | None) -> None:
        self.matrix = matrix
        self.assessed_on = assessed_on
        self.points = points_of(matrix)
        self.levels: dict[
            tuple[str, str, bool], tuple[str, str, bool, float, dt.date | None]
        ] = {}
        self.joined: dict[tuple[int, ...], tuple[Entry, ...]] = {}

    def point(self, p: float, i: float, rid: str, prefix: str) -> RiskPoint:
        """``matrix.point(p, i)``, one object per pair of float figures."""
        if type(p) is not float or type(i) is not float:
            return self.matrix.point(p, i, risk=rid, prefix=prefix)
        # equal non-zero floats have the same bits; -0.0 is not 0.0 in the output
        key = (p, i) if p and i else (p.hex(), i.hex())
        out = self.points.get(key)
        if out is None:
            out = self.matrix.point(p, i, risk=rid, prefix=prefix)
            self.points[key] = out
        return out

    def made(self, point: RiskPoint) -> bool:
        """Is *point* the one :meth:`point` gives for its own figures, and
        are they figures :func:`riskcore.calculus.credit_figures` accepts
        unchanged (floats, a probability and a finite impact >= 0)?"""
        p, i = point.likelihood, point.impact
        if type(p) is not float or type(i) is not float:
            return False
        if not (0.0 <= p <= 1.0 and 0.0 <= i < math.inf):
            return False
        return self.points.get((p, i) if p and i else (p.hex(), i.hex())) is point

    def shown(
        self, now: str, planned: str, critical: bool
    ) -> tuple[str, str, bool, float, dt.date | None]:
        """Level, planned level, within tolerance, review interval and date of a
        risk whose figures are at the levels *now* and *planned*."""
        key = (now, planned, critical)
        out = self.levels.get(key)
        if out is None:
            m = self.matrix
            level = shown_level(now, critical, m)
            planned_level = shown_level(planned, critical, m)
            days = m.get(level).review_days
            if critical:
                days = min(days, m.critical_review_days)
            out = (
                level,
                planned_level,
                m.rank(planned_level) <= m.rank(m.tolerance),
                days,
                None
                if self.assessed_on is None
                else self.assessed_on + dt.timedelta(days=days),
            )
            self.levels[key] = out
        return out

    def candidates(self, ctl: Controls, threat: str, subject: str) -> tuple[Entry, ...]:
        """The candidate layers of a risk: the threat's mitigations, then the
        responses armed for its subject; equal candidates are one tuple."""
        base = ctl.by_threat.get(threat, ())
        extra = ctl.by_subject.get((threat, subject))
        if not extra:
            return base
        key = (id(base), *map(id, extra))
        out = self.joined.get(key)
        if out is None:
            out = self.joined[key] = base + extra
        return out


class Controls:
    """The controls of one crediting, checked, as candidate entries."""

    def __init__(
        self,
        mids: tuple[str, ...],
        placed: tuple[str, ...],
        pairs: tuple[tuple[str, str | None], ...],
    ) -> None:
        self.mids = mids
        self.placed = placed
        self.pairs = pairs
        self.by_threat: dict[str, tuple[Entry, ...]] = {}
        self.by_subject: dict[tuple[str, str | None], tuple[Entry, ...]] = {}
        self.unmet: dict[tuple[str, str | None], tuple[str, ...]] = {}

    @property
    def responses(self) -> tuple[ArmedResponse, ...]:
        """The armed responses, as the register records them:
        ``ArmedResponse(response=r, subject=s)`` for each pair.

        Each pair's response is a response of the catalog (:func:`controls`
        refuses any other), whose id was checked when the catalog was built,
        so it is not matched against the id pattern again (:data:`_armed`).
        """
        return tuple(_armed(_ARMED, r, s) for r, s in self.pairs)


_ARMED = ArmedResponse(response="x")
"""An armed response with every other field at its default."""

_armed: Callable[[ArmedResponse, str, str | None], ArmedResponse] = replacer(
    ArmedResponse, ["response", "subject"], unchecked=["response"]
)
"""*armed* with its response and subject replaced, the response (an id of the
catalog, checked) not checked again (:func:`riskcore.model._fast.replacer`)."""


def _eff_mean(value: Param, who: str) -> float:
    return calculus.check_effectiveness(mean_of(value), field=f"{who}.effectiveness")


def _graph_closure(
    catalog: Catalog,
) -> tuple[dict[str, frozenset[str]], nx.DiGraph]:
    """Each mitigation with everything it requires, transitively (itself included)."""
    from riskcore.graph import build_graph, closure

    g = build_graph(catalog, validate=False)
    return {m.id: frozenset(closure(g, m.id)) for m in catalog.mitigations}, g


def controls(
    catalog: Catalog,
    mitigations: Iterable[str],
    responses: Iterable[object],
    in_place: Iterable[str],
) -> Controls:
    """Check the controls against *catalog* and lay them out as entries.

    Unknown ids raise :class:`~riskcore.errors.FieldError`.
    """
    from riskcore.graph import schedule

    ctl = Controls(
        tuple(dict.fromkeys(mitigations)),
        tuple(dict.fromkeys(in_place)),
        armed_pairs(responses),
    )
    mit = {m.id: m for m in catalog.mitigations}
    resp = {r.id: r for r in catalog.responses}
    for name, ids in (("mitigations", ctl.mids), ("in_place", ctl.placed)):
        for i, m in enumerate(ids):
            if m not in mit:
                raise FieldError(
                    f"{name}[{i}]", m, "is not a mitigation in the catalog"
                )
    for i, (r, _) in enumerate(ctl.pairs):
        if r not in resp:
            raise FieldError(f"responses[{i}]", r, "is not a response in the catalog")
    if not (ctl.mids or ctl.placed or ctl.pairs):
        return ctl  # nothing to schedule (the dependency graph is not needed)
    closure, graph = _graph_closure(catalog)
    chosen = set(ctl.mids) | set(ctl.placed)
    plan_closure = set().union(*(closure[m] for m in chosen)) if chosen else set()
    durations = {
        m: 0.0 if m in ctl.placed else mit[m].duration_days for m in plan_closure
    }
    finish = dict(schedule(graph, sorted(plan_closure), durations).finish)
    by_threat: dict[str, list[Entry]] = {}
    for m in (*ctl.mids, *(p for p in ctl.placed if p not in ctl.mids)):
        deps = calculus.dependency_keys(m, closure[m], mit[m].resources)
        for e in mit[m].reduces:
            lay = calculus.LayerInput(
                id=m,
                on=e.on.value,
                effectiveness=_eff_mean(e.effectiveness, m),
                depends_on=deps,
            )
            by_threat.setdefault(e.threat, []).append(
                (lay, e.effectiveness, finish.get(m, 0.0))
            )
    ctl.by_threat = {k: tuple(v) for k, v in by_threat.items()}
    # one response's entries are the same for every subject it is armed for
    made: dict[str, list[tuple[str, Entry]] | str] = {}
    by_subject: dict[tuple[str, str | None], list[Entry]] = {}
    unmet: dict[tuple[str, str | None], list[str]] = {}
    for r, subject in ctl.pairs:
        got = made.get(r)
        if got is None:
            got = made[r] = _response_entries(resp[r], closure, plan_closure, finish)
        if isinstance(got, str):
            for e in resp[r].recovers:
                unmet.setdefault((e.threat, subject), []).append(got)
            continue
        for threat, entry in got:
            by_subject.setdefault((threat, subject), []).append(entry)
    ctl.by_subject = {k: tuple(v) for k, v in by_subject.items()}
    ctl.unmet = {k: tuple(dict.fromkeys(v)) for k, v in unmet.items()}
    return ctl


def _response_entries(
    response: Response,
    closure: Mapping[str, frozenset[str]],
    plan_closure: set[str],
    finish: Mapping[str, float],
) -> list[tuple[str, Entry]] | str:
    """A response's entries by threat, or why it is not credited (a note)."""
    r = response.id
    need = response.requires
    missing = [x for x in need if x not in plan_closure]
    if missing:
        return (
            f"response {r} is armed but not credited: it requires "
            f"{', '.join(missing)}, which the plan does not include"
        )
    req = set().union(*(closure[x] for x in need)) if need else set()
    deps = calculus.dependency_keys(r, req, kind="response")
    day = max((finish.get(x, 0.0) for x in req), default=0.0)
    return [
        (
            e.threat,
            (
                calculus.LayerInput(
                    id=r,
                    on=e.on.value,
                    effectiveness=_eff_mean(e.effectiveness, r),
                    depends_on=deps,
                    kind="response",
                ),
                e.effectiveness,
                day,
            ),
        )
        for e in response.recovers
    ]


def credited(risks: Sequence[Risk], ctl: Controls, memo: Memo) -> list[Risk]:
    """Each of *risks* with the controls *ctl* credited, in order.

    The risks are grouped by their candidates (one decision of the rule per
    group) and, within a group, by their inherent point, criticality and
    notes: risks alike in all of these get the same control fields, so
    :func:`riskcore.calculus.credit_figures` computes each distinct point's
    figures once. A risk with no candidate that already has the fields of no
    control is kept without crediting it again (:func:`_kept`).
    """
    cands = [memo.candidates(ctl, r.threat, r.subject) for r in risks]
    groups: dict[int, list[int]] = {}
    for k, cand in enumerate(cands):
        groups.setdefault(id(cand), []).append(k)
    out: list[Risk | None] = [None] * len(risks)
    unmet = ctl.unmet
    for ks in groups.values():
        cand = cands[ks[0]]
        if not cand:
            ks = [k for k in ks if not _kept(risks[k], k, unmet, memo, out)]
            if not ks:
                continue
        # each distinct inherent point once, in order (the first risk names it)
        firsts: dict[int, int] = {}
        for k in ks:
            firsts.setdefault(id(risks[k].inherent), k)
        figures = [
            (risks[k].inherent.likelihood, risks[k].inherent.impact)
            for k in firsts.values()
        ]
        ids = [risks[k].id for k in firsts.values()]
        planned = calculus.credit_figures(figures, [c[0] for c in cand], risks=ids)
        in_force = [c[0] for c in cand if c[2] <= 0.0]
        now = (
            planned
            if len(in_force) == len(cand)
            else calculus.credit_figures(figures, in_force, risks=ids)
        )
        at = {p: j for j, p in enumerate(firsts)}
        layers = tuple(
            Layer(
                id=lay.id,
                kind=lay.kind,
                on=EffectTarget(lay.on),
                effectiveness=param,
                credited=planned.credited[j],
                group=planned.groups[j],
                reason=planned.reasons[j],
                in_force_day=day,
            )
            for j, (lay, param, day) in enumerate(cand)
        )
        fields: dict[tuple[int, bool, int], _Fields] = {}
        for k in ks:
            risk = risks[k]
            notes = unmet.get((risk.threat, risk.subject), ())
            key = (id(risk.inherent), bool(risk.critical), id(notes))
            got = fields.get(key)
            if got is None:
                j = at[key[0]]
                got = fields[key] = _fields(
                    planned.figures[j], now.figures[j], key[1], risk.id, memo
                )
            out[k] = _controlled(risk, layers, notes, got)
    return out  # type: ignore[return-value]  # every slot is filled


_Fields = tuple[
    RiskPoint, RiskPoint, RiskPoint, str, str, bool, float, "dt.date | None"
]
"""The control fields of a risk but its layers and notes: residual,
residual_all, current, level, planned level, within tolerance, review days
and date."""


def _fields(
    planned: tuple[float, float, float, float],
    now: tuple[float, float, float, float],
    critical: bool,
    rid: str,
    memo: Memo,
) -> _Fields:
    """The control fields for these figures (*rid* names an error)."""
    strict = memo.point(planned[0], planned[1], rid, "residual.")
    every = memo.point(planned[2], planned[3], rid, "residual_all.")
    current = memo.point(now[0], now[1], rid, "current.")
    return (strict, every, current, *memo.shown(current.level, strict.level, critical))


def _kept(
    risk: Risk,
    k: int,
    unmet: Mapping[tuple[str, str | None], tuple[str, ...]],
    memo: Memo,
    out: list[Risk | None],
) -> bool:
    """Keep *risk* (``out[k] = risk``) when no layer is a candidate for it
    and it has exactly the fields crediting none gives it.

    With no layer, :func:`riskcore.calculus.credit_figures` gives a risk its
    inherent figures, checked and unchanged when they are floats in range,
    so its residual, all-safeguards and current points are
    ``memo.point(inherent figures)``: the inherent point itself when
    :meth:`Memo.made` says so. The levels, review and notes must then be the
    ones :func:`_controlled` would set. Anything else is credited.
    """
    point = risk.inherent
    if (
        risk.layers
        or risk.control_notes
        or risk.residual is not point
        or risk.residual_all is not point
        or risk.current is not point
        or not memo.made(point)
        or unmet.get((risk.threat, risk.subject))
    ):
        return False
    if _unchanged(
        risk,
        (
            point,
            point,
            point,
            *memo.shown(point.level, point.level, bool(risk.critical)),
        ),
    ):
        out[k] = risk
        return True
    return False


def _controlled(
    risk: Risk, layers: tuple[Layer, ...], notes: tuple[str, ...], got: _Fields
) -> Risk:
    """*risk* with these control fields; *risk* itself when they are the ones
    it has."""
    if (
        not layers
        and not notes
        and not risk.layers
        and not risk.control_notes
        and _unchanged(risk, got)
    ):
        return risk
    return with_controls(risk, layers, *got[:6], notes, *got[6:])


def _unchanged(risk: Risk, got: _Fields) -> bool:
    """Has *risk* these control fields already (the points by identity)?"""
    strict, every, current, level, planned_level, within, days, due = got
    return (
        risk.residual is strict
        and risk.residual_all is every
        and risk.current is current
        and _same(risk.level, level)
        and _same(risk.planned_level, planned_level)
        and risk.within_tolerance is within
        and _same(risk.review_days, days)
        and _same(risk.next_review, due)
    )


def _same(a: object, b: object) -> bool:
    """Equal, and written out the same (``365`` is not ``365.0``)."""
    return a is b or (type(a) is type(b) and a == b)
