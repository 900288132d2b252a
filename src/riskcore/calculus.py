"""The risk calculus: every formula riskcore uses to turn numbers into risk.

This module is **the one place** for formulas. :func:`riskcore.identify.identify`
and :func:`riskcore.simulate.simulate` both call (or vectorise) exactly these,
and every output records :data:`METHOD_VERSION` so that a change of method can
never silently restate an old result.

Formulas (see ``docs/risk.md`` for a worked example):

* odds scale: ``odds(p) = p / (1 - p)``; a factor with odds ratio ``OR``
  gives ``p' = p·K / (1 - p + p·K)`` with ``K = Π OR`` (this form is exact
  and well defined at ``p = 1``);
* layers of protection (LOPA): ``p_res = p × Π (1 - e_i)``, and the mitigated
  event frequency ``f = f_IE × Π EC × Π CM × Π PFD``;
* recovery barriers (bow-tie right side): ``I_res = I × Π (1 - e_j)``;
* expected harm: ``H = p × I``;
* common-cause groups: layers on the same side (likelihood or impact) of one
  risk that share any dependency (a mitigation both require, transitively, or
  a shared resource) form one group; the *strict* figure credits only the most
  effective layer of each group, the *all-safeguards* figure every layer.

:func:`credit` is **the one crediting rule**: the register
(:func:`riskcore.identify.apply_controls`), the planner and
:func:`riskcore.graph.expected_harm` all call it, so the figure a plan is
optimised for is the figure the report shows (``docs/crediting.md``).

Pure Python: no numpy, so ``import riskcore`` stays light.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from attrs import field, frozen

from riskcore.errors import FieldError

__all__ = [
    "METHOD_VERSION",
    "Credit",
    "LayerInput",
    "SharedCredit",
    "check_effectiveness",
    "check_probability",
    "combine_odds",
    "common_cause_groups",
    "credit",
    "credit_figures",
    "credit_shared",
    "dependency_keys",
    "expected_harm",
    "lopa_frequency",
    "protect",
    "reduce_impact",
    "strict_credit",
]

METHOD_VERSION = "riskcore-calculus/2"
"""Version of the formulas in this module; bump it on any change of method.

Policy: a change that can move any number (a formula, a default band, the
common-cause rule) bumps the version; registers and simulation results carry the
version they were computed with, and consumers must not compare figures across
versions without recomputing.
"""


def _path(risk: str | None, field: str) -> str:
    return f"{risk}.{field}" if risk else field


def _is_number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def check_probability(
    value: object, *, risk: str | None = None, field: str = "likelihood"
) -> float:
    """Return *value* as a float if it is a probability in [0, 1].

    NaN, infinities and values outside [0, 1] raise a
    :class:`~riskcore.errors.FieldError` whose path names the risk and the field.

    Examples
    --------
    >>> check_probability(0.25)
    0.25
    >>> check_probability(1.2, risk="burnout:t-1")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: burnout:t-1.likelihood: 1.2 is not a probability in [0, 1]
    >>> check_probability(float("nan"), risk="burnout:t-1", field="residual.likelihood")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: burnout:t-1.residual.likelihood: nan is not a probability in [0, 1]
    """
    if not _is_number(value):
        raise FieldError(_path(risk, field), value, "is not a number")
    x = float(value)  # type: ignore[arg-type]
    if not (0.0 <= x <= 1.0):  # also catches NaN
        raise FieldError(_path(risk, field), value, "is not a probability in [0, 1]")
    return x


def check_effectiveness(
    value: object, *, risk: str | None = None, field: str = "effectiveness"
) -> float:
    """Return *value* if it is an effectiveness (fraction removed) in [0, 1].

    Examples
    --------
    >>> check_effectiveness(1.2, risk="burnout:t-1", field="layers[supervision].effectiveness")
    Traceback (most recent call last):
    ...
    riskcore.errors.FieldError: burnout:t-1.layers[supervision].effectiveness: 1.2 is not an effectiveness in [0, 1]
    """
    if not _is_number(value):
        raise FieldError(_path(risk, field), value, "is not a number")
    x = float(value)  # type: ignore[arg-type]
    if not (0.0 <= x <= 1.0):
        raise FieldError(_path(risk, field), value, "is not an effectiveness in [0, 1]")
    return x


def combine_odds(
    p: float, odds_ratios: Iterable[float], *, risk: str | None = None
) -> float:
    """Move probability *p* by odds ratios, combined multiplicatively on the odds scale.

    ``p' = p·K / (1 - p + p·K)`` with ``K = Π OR``; equal to
    ``odds⁻¹(odds(p) · K)`` and exact at ``p ∈ {0, 1}``.

    Examples
    --------
    Base 0.10 (odds 1/9) with OR 3 and OR 1.5: odds 0.5, so p = 1/3.

    >>> round(combine_odds(0.10, [3.0, 1.5]), 6)
    0.333333
    >>> combine_odds(0.2, [])
    0.2
    >>> combine_odds(1.0, [0.5])
    1.0
    """
    p = check_probability(p, risk=risk)
    k = 1.0
    for i, r in enumerate(odds_ratios):
        if not _is_number(r) or not (0 < r < math.inf):
            raise FieldError(
                _path(risk, f"factors[{i}].odds_ratio"), r, "is not a finite number > 0"
            )
        k *= float(r)
    if k == 1.0:
        return p
    return p * k / (1.0 - p + p * k)


def protect(
    p: float, effectivenesses: Iterable[float], *, risk: str | None = None
) -> float:
    """Residual probability after independent protection layers: ``p × Π (1 - e_i)``.

    Examples
    --------
    >>> round(protect(0.2, [0.5, 0.4]), 10)
    0.06
    """
    out = check_probability(p, risk=risk)
    es = [
        check_effectiveness(e, risk=risk, field=f"layers[{i}].effectiveness")
        for i, e in enumerate(effectivenesses)
    ]
    return _survive(out, es)


def _survive(x: float, effectivenesses: Iterable[float]) -> float:
    """``x × Π (1 - e)``, in order: the arithmetic of :func:`protect` and
    :func:`reduce_impact` (their inputs already checked)."""
    for e in effectivenesses:
        x *= 1.0 - e
    return x


def _check_impact(impact: object, risk: str | None) -> float:
    if not _is_number(impact) or not (0 <= impact < math.inf):  # type: ignore[operator]
        raise FieldError(_path(risk, "impact"), impact, "is not a finite number >= 0")
    return float(impact)  # type: ignore[arg-type]


def reduce_impact(
    impact: float, effectivenesses: Iterable[float], *, risk: str | None = None
) -> float:
    """Residual impact after recovery barriers: ``I × Π (1 - e_j)``.

    Examples
    --------
    >>> reduce_impact(4.0, [0.25])
    3.0
    """
    out = _check_impact(impact, risk)
    es = [
        check_effectiveness(e, risk=risk, field=f"recovery[{i}].effectiveness")
        for i, e in enumerate(effectivenesses)
    ]
    return _survive(out, es)


def lopa_frequency(
    initiating: float,
    pfds: Iterable[float] = (),
    *,
    enabling: Iterable[float] = (),
    modifiers: Iterable[float] = (),
) -> float:
    """Mitigated event frequency of layer-of-protection analysis.

    ``f = f_IE × Π P(enabling) × Π P(conditional modifier) × Π PFD_i``, with
    each independent protection layer's probability of failure on demand
    ``PFD = 1 - e``.

    Examples
    --------
    A textbook scenario: initiating event 0.1 /yr, enabling condition 0.5,
    probability of ignition 0.5, IPLs with PFD 0.1 (alarm and operator) and
    0.01 (relief valve): ``0.1 × 0.5 × 0.5 × 0.1 × 0.01 = 2.5e-5`` /yr.

    >>> f"{lopa_frequency(0.1, [0.1, 0.01], enabling=[0.5], modifiers=[0.5]):.3g}"
    '2.5e-05'
    """
    if not (0 <= initiating < math.inf):
        raise FieldError("initiating", initiating, "is not a finite number >= 0")
    out = float(initiating)
    for name, seq in (("enabling", enabling), ("modifiers", modifiers), ("pfds", pfds)):
        for i, x in enumerate(seq):
            out *= check_probability(x, field=f"{name}[{i}]")
    return out


def expected_harm(p: float, impact: float) -> float:
    """Expected harm over the horizon, ``p × I``.

    >>> expected_harm(0.06, 3.0)
    0.18
    """
    return p * impact


def common_cause_groups(
    dependencies: Mapping[str, Iterable[str]],
) -> list[tuple[str, ...]]:
    """Partition layers into common-cause groups.

    *dependencies* maps each layer id to the things it depends on (for a
    mitigation: itself, every mitigation it requires, transitively, and its
    resources). Two layers sharing any dependency are in one group; groups are
    closed under that relation (union-find). Groups come back sorted.

    Examples
    --------
    >>> common_cause_groups({"alarm": ["alarm", "r:phone"], "check-in": ["check-in", "r:phone"],
    ...                      "training": ["training"]})
    [('alarm', 'check-in'), ('training',)]
    """
    parent = {k: k for k in dependencies}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, str] = {}
    for layer in sorted(dependencies):
        for dep in dependencies[layer]:
            if dep in owner:
                a, b = find(owner[dep]), find(layer)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[dep] = layer
    groups: dict[str, list[str]] = {}
    for k in sorted(dependencies):
        groups.setdefault(find(k), []).append(k)
    return sorted(tuple(v) for v in groups.values())


def strict_credit(
    effectiveness: Mapping[str, float], groups: Iterable[Iterable[str]]
) -> frozenset[str]:
    """The layers credited by the strict figure: the best layer of each group.

    Ties go to the smallest id, so the choice is deterministic.

    Examples
    --------
    >>> sorted(strict_credit({"a": 0.5, "b": 0.7, "c": 0.2}, [("a", "b"), ("c",)]))
    ['b', 'c']
    """
    out = set()
    for g in groups:
        members = sorted(g)
        if members:
            out.add(max(members, key=lambda k: (effectiveness[k], -members.index(k))))
    return frozenset(out)


Side = Literal["likelihood", "impact"]


def dependency_keys(
    own: str,
    requires: Iterable[str] = (),
    resources: Iterable[str] = (),
    *,
    kind: str = "mitigation",
) -> frozenset[str]:
    """The dependency keys of one layer, for :func:`common_cause_groups`.

    *own* is the layer's id; *requires* the mitigations it needs, already
    closed transitively (for a mitigation, its closure includes itself);
    *resources* the shared things it relies on (a supervisor, an alarm
    service). Mitigations are keyed ``m:<id>``, resources ``r:<id>`` and a
    response itself ``resp:<id>``, so the planner, the register and the graph
    build the same groups.

    Examples
    --------
    >>> sorted(dependency_keys("peer-support", ["peer-support", "clinical-supervision"],
    ...                        ["clinical-supervisor"]))
    ['m:clinical-supervision', 'm:peer-support', 'r:clinical-supervisor']
    >>> sorted(dependency_keys("de-escalation-protocol", ["de-escalation-training"],
    ...                        kind="response"))
    ['m:de-escalation-training', 'resp:de-escalation-protocol']
    """
    keys = {f"m:{x}" for x in requires} | {f"r:{x}" for x in resources}
    if kind == "response":
        keys.add(f"resp:{own}")
    else:
        keys.add(f"m:{own}")
    return frozenset(keys)


def _frozen(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(keys)


@frozen(kw_only=True)
class LayerInput:
    """One candidate layer on one risk, as :func:`credit` takes it.

    ``effectiveness`` is a point value (the mean of a distribution);
    ``depends_on`` comes from :func:`dependency_keys`.
    """

    id: str = field()
    on: Side = field()
    effectiveness: float = field()
    depends_on: frozenset[str] = field(factory=frozenset, converter=_frozen)
    kind: str = field(default="mitigation")


@frozen(kw_only=True)
class Credit:
    """What :func:`credit` decided for one risk.

    ``likelihood``/``impact`` are the strict residual figures (one layer per
    common-cause group), ``likelihood_all``/``impact_all`` credit every layer.
    ``credited``, ``groups`` and ``reasons`` are per input layer, in input
    order: whether the strict figure credits it, the ids of its common-cause
    group (empty when it is alone) and, when it is not credited, why.
    """

    likelihood: float = field()
    impact: float = field()
    likelihood_all: float = field()
    impact_all: float = field()
    credited: tuple[bool, ...] = field()
    groups: tuple[tuple[str, ...], ...] = field()
    reasons: tuple[str, ...] = field()

    @property
    def harm(self) -> float:
        """Strict residual expected harm, ``likelihood × impact``."""
        return expected_harm(self.likelihood, self.impact)

    @property
    def harm_all(self) -> float:
        """All-safeguards residual expected harm."""
        return expected_harm(self.likelihood_all, self.impact_all)


def credit(
    likelihood: float,
    impact: float,
    layers: Sequence[LayerInput],
    *,
    risk: str | None = None,
) -> Credit:
    """The one crediting rule: residual likelihood and impact of one risk.

    Layers act on the likelihood (preventive) or the impact (recovery). On
    each side, layers that share a dependency key form a common-cause group
    (:func:`common_cause_groups`; every layer also depends on itself, so two
    effects of one control are one group). The **strict** figure credits the
    most effective layer of each group (:func:`strict_credit`), the
    **all-safeguards** figure credits every layer, both as ``x × Π (1 - e)``
    (:func:`protect`, :func:`reduce_impact`).

    Parameters
    ----------
    likelihood, impact:
        The risk's inherent figures.
    layers:
        The layers in force, in a stable order.
    risk:
        The risk id, for error paths.

    Returns
    -------
    Credit

    Examples
    --------
    Two layers of 0.6 that share a resource: the strict figure credits one,
    the all-safeguards figure both (the worked example of
    ``docs/crediting.md``).

    >>> a = LayerInput(id="alarm", on="likelihood", effectiveness=0.6,
    ...                depends_on=dependency_keys("alarm", ["alarm"], ["phone"]))
    >>> b = LayerInput(id="check-in", on="likelihood", effectiveness=0.6,
    ...                depends_on=dependency_keys("check-in", ["check-in"], ["phone"]))
    >>> c = credit(0.7, 2.0, [a, b])
    >>> round(c.likelihood, 4), round(c.likelihood_all, 4), c.credited
    (0.28, 0.112, (True, False))
    >>> round(c.harm, 4), c.groups[1]
    (0.56, ('alarm', 'check-in'))
    """
    return _apply(likelihood, impact, _decide(layers, risk), risk)


@frozen(kw_only=True)
class SharedCredit:
    """What :func:`credit_figures` decided for risks that share their layers.

    ``credited``, ``groups`` and ``reasons`` are the decision, per input layer,
    as in :class:`Credit`; ``figures`` has one
    ``(likelihood, impact, likelihood_all, impact_all)`` per risk, the very
    floats the :class:`Credit` of that risk holds.
    """

    credited: tuple[bool, ...] = field()
    groups: tuple[tuple[str, ...], ...] = field()
    reasons: tuple[str, ...] = field()
    figures: tuple[tuple[float, float, float, float], ...] = field()


def _risk_ids(
    figures: Sequence[tuple[float, float]],
    risks: Sequence[str | None] | None,
    caller: str,
) -> list[str | None]:
    """The risk id of each ``(likelihood, impact)`` (``None`` without *risks*),
    for error paths; a ``ValueError`` naming *caller* when the lengths differ."""
    ids: list[str | None] = list(risks) if risks is not None else [None] * len(figures)
    if len(ids) != len(figures):
        raise ValueError(f"{caller}: one risk id per (likelihood, impact)")
    return ids


def credit_figures(
    figures: Sequence[tuple[float, float]],
    layers: Sequence[LayerInput],
    *,
    risks: Sequence[str | None] | None = None,
) -> SharedCredit:
    """:func:`credit` of several risks that have the same layers, decided once,
    as four floats per risk.

    Which layers the rule credits depends only on the layers, never on a
    risk's likelihood or impact, so risks that share every layer (one threat
    across many subjects) share the decision; each risk's figures are then
    computed exactly as :func:`credit` computes them (its likelihood and
    impact checked once, then ``x × Π (1 − e)`` on each side, in order).
    :func:`credit_shared` gives the same as one :class:`Credit` per risk;
    :func:`riskcore.identify.apply_controls` reads the floats.

    Parameters
    ----------
    figures:
        ``(likelihood, impact)`` of each risk.
    layers:
        The layers in force, shared by every risk, in a stable order.
    risks:
        The risk ids, for error paths (default: none).

    Examples
    --------
    >>> a = LayerInput(id="alarm", on="likelihood", effectiveness=0.6)
    >>> b = LayerInput(id="callback", on="impact", effectiveness=0.5)
    >>> got = credit_figures([(0.5, 2.0), (0.25, 4.0)], [a, b])
    >>> got.figures
    ((0.2, 1.0, 0.2, 1.0), (0.1, 2.0, 0.1, 2.0))
    >>> c = credit(0.5, 2.0, [a, b])
    >>> got.figures[0] == (c.likelihood, c.impact, c.likelihood_all, c.impact_all)
    True
    >>> got.credited == c.credited and got.reasons == c.reasons
    True

    .. versionadded:: 0.1
    """
    ids = _risk_ids(figures, risks, "credit_figures")
    decision = _decide(layers, ids[0] if ids else None)
    sides, credited, groups, reasons = decision
    return SharedCredit(
        credited=tuple(credited),
        groups=tuple(groups),
        reasons=tuple(reasons),
        figures=tuple(
            _figures(lik, imp, sides, rid)
            for (lik, imp), rid in zip(figures, ids, strict=True)
        ),
    )


def credit_shared(
    figures: Sequence[tuple[float, float]],
    layers: Sequence[LayerInput],
    *,
    risks: Sequence[str | None] | None = None,
) -> list[Credit]:
    """:func:`credit` of several risks that have the same layers, decided once.

    Which layers the rule credits depends only on the layers, never on a
    risk's likelihood or impact, so risks that share every layer (one threat
    across many subjects) share the decision; each risk's figures are then
    computed exactly as :func:`credit` computes them, so
    ``credit_shared(fs, ls)[k] == credit(*fs[k], ls)`` for every *k*
    (:func:`credit_figures` gives the same floats without a :class:`Credit`
    per risk).

    Parameters
    ----------
    figures:
        ``(likelihood, impact)`` of each risk.
    layers:
        The layers in force, shared by every risk, in a stable order.
    risks:
        The risk ids, for error paths (default: none).

    Examples
    --------
    >>> a = LayerInput(id="alarm", on="likelihood", effectiveness=0.6,
    ...                depends_on=dependency_keys("alarm", ["alarm"], ["phone"]))
    >>> b = LayerInput(id="check-in", on="likelihood", effectiveness=0.6,
    ...                depends_on=dependency_keys("check-in", ["check-in"], ["phone"]))
    >>> shared = credit_shared([(0.7, 2.0), (0.3, 1.0)], [a, b])
    >>> shared == [credit(0.7, 2.0, [a, b]), credit(0.3, 1.0, [a, b])]
    True

    .. versionadded:: 0.1
    """
    ids = _risk_ids(figures, risks, "credit_shared")
    if not figures:
        return []
    got = credit_figures(figures, layers, risks=ids)
    return [
        Credit(
            likelihood=lik,
            impact=imp,
            likelihood_all=lik_all,
            impact_all=imp_all,
            credited=got.credited,
            groups=got.groups,
            reasons=got.reasons,
        )
        for lik, imp, lik_all, imp_all in got.figures
    ]


def harms_shared(
    figures: Sequence[tuple[float, float]],
    layers: Sequence[LayerInput],
    *,
    risks: Sequence[str | None] | None = None,
) -> list[float]:
    """The strict harm (:attr:`Credit.harm`) of each risk of :func:`credit_shared`.

    The same figures, without building a :class:`Credit` per risk: for the
    planner, which asks for many risks under many plans.

    Examples
    --------
    >>> a = LayerInput(id="alarm", on="likelihood", effectiveness=0.5)
    >>> harms_shared([(0.4, 2.0), (0.2, 1.0)], [a]) == [
    ...     c.harm for c in credit_shared([(0.4, 2.0), (0.2, 1.0)], [a])]
    True

    .. versionadded:: 0.1
    """
    ids = _risk_ids(figures, risks, "harms_shared")
    if not figures:
        return []
    sides = _decide(layers, ids[0])[0]  # checks every effectiveness once
    lik, imp = sides["likelihood"][0], sides["impact"][0]
    return [
        expected_harm(
            _survive(check_probability(p, risk=rid), lik),
            _survive(_check_impact(i, rid), imp),
        )
        for (p, i), rid in zip(figures, ids, strict=True)
    ]


def harms_shared_array(
    likelihood: Any,
    impact: Any,
    layers: Sequence[LayerInput],
    *,
    risks: Sequence[str | None] | None = None,
) -> Any:
    """:func:`harms_shared` over numpy arrays of likelihoods and impacts.

    The same rule (decided once) and the same arithmetic (:func:`_survive`,
    :func:`expected_harm`, element by element), so each figure is the same
    float as :func:`harms_shared`'s; for the planner's classes of thousands
    of risks. Figures outside their range raise as :func:`harms_shared` does.

    Examples
    --------
    >>> import numpy as np
    >>> a = LayerInput(id="alarm", on="likelihood", effectiveness=0.5)
    >>> harms_shared_array(np.array([0.4, 0.2]), np.array([2.0, 1.0]), [a]).tolist() == (
    ...     harms_shared([(0.4, 2.0), (0.2, 1.0)], [a]))
    True

    .. versionadded:: 0.1
    """
    import numpy as np

    p = np.array(likelihood, dtype=float)  # copies: _survive works in place
    i = np.array(impact, dtype=float)
    if p.shape != i.shape or p.ndim != 1:
        raise ValueError("harms_shared_array: one impact per likelihood")
    if not len(p):
        return p
    ok = bool(((p >= 0.0) & (p <= 1.0)).all() and ((i >= 0.0) & (i < math.inf)).all())
    if not ok:  # the per-risk checks say which figure is wrong
        harms_shared(
            list(zip(p.tolist(), i.tolist(), strict=True)), layers, risks=risks
        )
    first = risks[0] if risks else None
    sides = _decide(layers, first)[0]
    return expected_harm(
        _survive(p, sides["likelihood"][0]),  # type: ignore[arg-type]
        _survive(i, sides["impact"][0]),  # type: ignore[arg-type]
    )


_Decision = tuple[
    dict[str, tuple[list[float], list[float]]],
    list[bool],
    list[tuple[str, ...]],
    list[str],
]


def _decide(layers: Sequence[LayerInput], risk: str | None) -> _Decision:
    """The rule of :func:`credit`: which layers count, on each side."""
    for lay in layers:
        if lay.on not in ("likelihood", "impact"):
            raise FieldError(
                _path(risk, f"layers[{lay.id}].on"),
                lay.on,
                "is not likelihood or impact",
            )
    credited = [True] * len(layers)
    groups_out: list[tuple[str, ...]] = [()] * len(layers)
    reasons = [""] * len(layers)
    figures: dict[str, tuple[list[float], list[float]]] = {}
    # zero-padded keys sort in input order, so ties go to the earlier layer
    width = len(str(len(layers)))
    for side in ("likelihood", "impact"):
        keys = {f"{k:0{width}d}": k for k, lay in enumerate(layers) if lay.on == side}
        eff = {
            key: check_effectiveness(
                layers[k].effectiveness,
                risk=risk,
                field=f"layers[{layers[k].id}].effectiveness",
            )
            for key, k in keys.items()
        }
        groups = common_cause_groups(
            {
                key: layers[k].depends_on | {f"self:{layers[k].id}"}
                for key, k in keys.items()
            }
        )
        best = strict_credit(eff, groups)
        strict_e: list[float] = []
        all_e: list[float] = []
        for g in groups:
            names = tuple(dict.fromkeys(layers[keys[x]].id for x in g))
            winner = next(layers[keys[x]].id for x in g if x in best)
            for x in g:
                k = keys[x]
                all_e.append(eff[x])
                groups_out[k] = names if len(g) > 1 else ()
                if x in best:
                    strict_e.append(eff[x])
                else:
                    credited[k] = False
                    reasons[k] = (
                        f"shares a dependency with {winner} (common cause); "
                        "only the best layer of the group is credited"
                    )
        figures[side] = (strict_e, all_e)
    return figures, credited, groups_out, reasons


def _figures(
    likelihood: float,
    impact: float,
    sides: Mapping[str, tuple[list[float], list[float]]],
    risk: str | None,
) -> tuple[float, float, float, float]:
    """One risk's strict and all-safeguards figures under a decision of
    :func:`_decide`: the arithmetic of :func:`protect` and
    :func:`reduce_impact`, the effectivenesses already checked by the decision."""
    p = check_probability(likelihood, risk=risk)
    i = _check_impact(impact, risk)
    lik, imp = sides["likelihood"], sides["impact"]
    return (
        _survive(p, lik[0]),
        _survive(i, imp[0]),
        _survive(p, lik[1]),
        _survive(i, imp[1]),
    )


def _apply(
    likelihood: float, impact: float, decision: _Decision, risk: str | None
) -> Credit:
    """One risk's figures under a decision of :func:`_decide`."""
    sides, credited, groups_out, reasons = decision
    lik, imp, lik_all, imp_all = _figures(likelihood, impact, sides, risk)
    return Credit(
        likelihood=lik,
        impact=imp,
        likelihood_all=lik_all,
        impact_all=imp_all,
        credited=tuple(credited),
        groups=tuple(groups_out),
        reasons=tuple(reasons),
    )
