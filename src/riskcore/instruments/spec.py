"""Declarative instrument specifications.

An instrument is data. One :class:`InstrumentSpec` states the items and their
response scale, the reverse-keyed items, the scales (total and subscales), how a
scale is scored (sum or mean, optionally after a linear transform of the answer
codes), the missing-data rule, severity bands, critical items, citation, licence,
LOINC codes and the published reliability used for the Reliable Change Index.

The same spec drives the object path (:meth:`InstrumentSpec.score`, one
respondent, pure Python) and the columnar path (:meth:`InstrumentSpec.score_array`,
many respondents, numpy). Both compute every scale from the integer sum of the
(reverse-keyed) answer codes and the number of answered items with the same
floating-point formula, so they agree exactly.

Scoring rules, in order, for a scale with ``n`` items of which ``k`` are answered:

1. reverse keying: a reverse-keyed item's code ``x`` becomes ``min + max - x``;
2. ``S`` = sum of the (reverse-keyed) codes of the answered items;
3. ``raw = intercept * k + slope * S`` with the spec's linear :class:`Transform`
   (without one, ``raw = S``);
4. ``sum``: ``raw`` if ``k == n`` else ``raw / k * n`` (prorating: each missing
   item is replaced by the mean of the answered ones); ``mean``: ``raw / k``;
5. the scale's ``factor`` (e.g. WHO-5 percentage = raw x 4) multiplies the value.

A scale is *incomplete* (value ``None`` / NaN) when more than ``max_missing`` of its
items are unanswered, or none is answered; it never reads as a low score.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import field, frozen

from riskcore.instruments.compile import _Plan, _ScalePlan, compile_spec, scale_value
from riskcore.instruments.spec_parts import (
    Band,
    CriticalItem,
    Item,
    Loinc,
    Reliability,
    Scale,
    ScoringMethod,
    Skip,
    Transform,
    _bands,
    _items,
    _subscales,
    _v_bool,
    _v_instances,
    _v_method,
    _v_opt_nonneg_int,
    uniform_items,
)
from riskcore.model._fields import ident, ident_tuple, text, to_tuple

if TYPE_CHECKING:
    from riskcore.instruments.columnar import ColumnarResult
    from riskcore.instruments.rci import ReliableChange
    from riskcore.instruments.scoring import InstrumentResult, Reach
    from riskcore.model.assessment import Score
    from riskcore.model.observations import InstrumentResponse
    from riskcore.model.subjects import SubjectKind

__all__ = [
    "Band",
    "CriticalItem",
    "InstrumentSpec",
    "Item",
    "Loinc",
    "Reliability",
    "Scale",
    "ScoringMethod",
    "Skip",
    "Transform",
    "uniform_items",
]


# ------------------------------------------------------------------ the spec


# ------------------------------------------------------------------ the spec


@frozen(kw_only=True)
class InstrumentSpec:
    """Everything needed to score one instrument, as data.

    Parameters
    ----------
    id, name, version:
        Stable instrument id (``"phq9"``, see ``docs/conventions.md``), display
        name and version of the form.
    items:
        The :class:`Item` objects in canonical order (the column order of the
        columnar path); see :func:`uniform_items`.
    reverse:
        Ids of reverse-keyed items (code ``x`` scores ``min + max - x``).
    total:
        Whether the instrument has a ``"total"`` scale over all items (the
        Copenhagen Burnout Inventory and ProQOL 5 have subscales only).
    subscales:
        ``{name: item ids}`` or :class:`Scale` objects.
    method, transform:
        ``"sum"`` or ``"mean"``, after an optional linear :class:`Transform`.
    max_missing:
        The missing-data rule: up to this many unanswered items *per scale* are
        prorated (replaced by the mean of the answered items); one more makes the
        scale incomplete. ``0`` (default) is strict. A :class:`Scale` may
        override it.
    bands:
        Severity bands: ``{scale name: [Band, ...]}`` (a plain list means the
        total). Bands must be contiguous, ascending and cover the scale's range.
    critical:
        :class:`CriticalItem` rules.
    citation, licence, loinc, reliability:
        Provenance: primary source, licence note (what may ship), LOINC codes,
        published :class:`Reliability` for the RCI.
    higher_is_worse:
        Direction of the scales (a :class:`Scale` may override it).

    Examples
    --------
    >>> phq9 = InstrumentSpec(
    ...     id="phq9", name="PHQ-9", items=uniform_items(9, 0, 3), max_missing=2,
    ...     bands=[Band(label="minimal", lower=0, upper=5),
    ...            Band(label="mild", lower=5, upper=10),
    ...            Band(label="moderate", lower=10, upper=15),
    ...            Band(label="moderately severe", lower=15, upper=20),
    ...            Band(label="severe", lower=20)],
    ...     critical=[CriticalItem(item="9", threshold=1, code="phq9.item9-positive",
    ...                            unanswered_code="phq9.item9-unanswered")],
    ...     citation="Kroenke, Spitzer & Williams (2001)")
    >>> phq9.scale_names, phq9.scale("total").maximum
    (('total',), 27.0)
    """

    id: str = ident()
    name: str = text(max_length=200)
    version: str = text(max_length=40, default="1")
    items: tuple[Item, ...] = field(converter=_items, validator=_v_instances(Item))
    reverse: tuple[str, ...] = ident_tuple()
    total: bool = field(default=True, validator=_v_bool)
    subscales: tuple[Scale, ...] = field(
        factory=tuple, converter=_subscales, validator=_v_instances(Scale)
    )
    method: ScoringMethod = field(default="sum", validator=_v_method)
    transform: Transform | None = field(default=None)
    max_missing: int = field(default=0, validator=_v_opt_nonneg_int)
    bands: dict[str, tuple[Band, ...]] = field(
        factory=dict, converter=_bands, hash=False
    )
    critical: tuple[CriticalItem, ...] = field(
        factory=tuple, converter=to_tuple, validator=_v_instances(CriticalItem)
    )
    citation: str = text(max_length=2000, default="")
    licence: str = text(max_length=2000, default="")
    loinc: Loinc | None = field(default=None)
    reliability: tuple[Reliability, ...] = field(
        factory=tuple, converter=to_tuple, validator=_v_instances(Reliability)
    )
    higher_is_worse: bool = field(default=True, validator=_v_bool)
    skips: tuple[Skip, ...] = field(
        factory=tuple, converter=to_tuple, validator=_v_instances(Skip)
    )
    """Skip logic (:class:`Skip`), honoured by both scoring paths and the kit.

    .. versionadded:: 0.1
    """
    _plan: _Plan = field(init=False, repr=False, eq=False, hash=False)
    _cache: dict[str, Any] = field(
        init=False, repr=False, eq=False, hash=False, factory=dict
    )

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_plan", self._compile())

    def _compile(self) -> _Plan:
        return compile_spec(self)

    _value = staticmethod(scale_value)

    # -------------------------------------------------------------- introspection

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in canonical (column) order."""
        return self._plan.ids

    @property
    def scale_names(self) -> tuple[str, ...]:
        """Scale names in output order: ``"total"`` (if any) then the subscales."""
        return tuple(s.name for s in self._plan.scales)

    @property
    def flag_codes(self) -> tuple[str, ...]:
        """Every flag code the spec can raise: the critical items' (positive,
        unanswered, invalid), in declaration order, then the bands'
        (:attr:`Band.flag`), in scale order."""
        out: list[str] = []
        for (_, _, f, u), inv in zip(
            self._plan.critical, self._plan.invalid_flags, strict=True
        ):
            out.append(f.code)
            if u is not None:
                out.append(u.code)
            out.append(inv.code)
        out += [f.code for _, _, f in self._plan.band_flags]
        return tuple(out)

    def scale(self, name: str) -> _ScalePlan:
        """The resolved scale *name* (items, method, limits, range, bands).

        >>> InstrumentSpec(id="x", name="X", items=uniform_items(2, 1, 5)).scale("total").minimum
        2.0
        """
        for s in self._plan.scales:
            if s.name == name:
                return s
        msg = f"{self.id}: no scale {name!r}"
        raise KeyError(msg)

    def band_of(self, scale: str, value: float | None) -> str | None:
        """The band label of *value* on *scale* (``None`` if no bands or no value).

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3),
        ...     bands=[Band(label="low", lower=0, upper=3), Band(label="high", lower=3)])
        >>> spec.band_of("total", 2.99), spec.band_of("total", 3)
        ('low', 'high')
        """
        s = self.scale(scale)
        if value is None or not s.labels:
            return None
        return s.labels[sum(value >= c for c in s.cuts)]

    def reliability_for(self, scale: str = "total") -> Reliability:
        """The first :class:`Reliability` entry declared for *scale*.

        Raises :class:`KeyError` if none is declared.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3),
        ...     reliability=[Reliability(sd=2.0, r=0.8, source="a study")])
        >>> spec.reliability_for("total").source
        'a study'
        """
        for r in self.reliability:
            if r.scale == scale:
                return r
        msg = f"{self.id}: no reliability declared for scale {scale!r}"
        raise KeyError(msg)

    # -------------------------------------------------------------- scoring

    def score(self, response: InstrumentResponse) -> InstrumentResult:
        """Score one response (object path); see :func:`~riskcore.instruments.score`.

        >>> from riskcore.model import InstrumentResponse
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> spec.score(InstrumentResponse(instrument="d", subject="c-1", items={1: 1, 2: 3})).total
        4.0
        """
        from riskcore.instruments.scoring import score

        return score(self, response)

    def to_scores(
        self,
        response: InstrumentResponse,
        subject_kind: SubjectKind,
        *,
        subject: str | None = None,
        plugin: str | None = None,
    ) -> list[Score]:
        """Score one response straight to :class:`~riskcore.model.Score` objects.

        Equal to ``self.score(response).to_scores(subject_kind, subject=subject,
        plugin=plugin)``; see :func:`~riskcore.instruments.score_to_scores`.

        >>> from riskcore.model import InstrumentResponse, SubjectKind
        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> r = InstrumentResponse(instrument="d", subject="c-1", items={1: 1, 2: 3})
        >>> [(s.scale, s.value) for s in spec.to_scores(r, SubjectKind.CLIENT)]
        [('total', 4.0)]

        .. versionadded:: 0.1
        """
        fast = self._cache.get("fast")  # built by score_to_scores on first use
        if fast is not None and response.instrument == self.id:
            got: list[Score] | None = fast.scores(
                response.items, subject or response.subject, subject_kind, plugin
            )
            if got is not None:
                return got
        from riskcore.instruments.scoring import score_to_scores

        return score_to_scores(
            self, response, subject_kind, subject=subject, plugin=plugin
        )

    def reach(
        self,
        items: Mapping[str, object],
        scale: str = "total",
        *,
        subject: str = "-",
    ) -> Reach:
        """What *scale* could still be once the unanswered items are answered;
        see :func:`~riskcore.instruments.reach`.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> r = spec.reach({"1": 2, "2": None})
        >>> r.low, r.high, r.unanswered
        (2.0, 5.0, 1)

        .. versionadded:: 0.1
        """
        from riskcore.instruments.scoring import reach

        return reach(self, items, scale, subject=subject)

    def score_array(self, data: Any, *, lenient: bool = False) -> ColumnarResult:
        """Score many respondents (columnar path); see :func:`~riskcore.instruments.score_array`.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(2, 0, 3))
        >>> spec.score_array([[1, 3], [0, 0]]).total.tolist()
        [4.0, 0.0]
        """
        from riskcore.instruments.columnar import score_array

        return score_array(self, data, lenient=lenient)

    def reliable_change(
        self, before: float, after: float, *, scale: str = "total"
    ) -> ReliableChange:
        """The RCI between two scores on *scale*, with its first declared reliability.

        The verdict follows the scale's ``higher_is_worse``; see
        :func:`~riskcore.instruments.reliable_change`.

        >>> spec = InstrumentSpec(id="d", name="D", items=uniform_items(20, 0, 4),
        ...     reliability=[Reliability(sd=12.40, r=0.82, source="Blevins et al. 2015")])
        >>> ch = spec.reliable_change(48, 30)
        >>> ch.verdict, round(ch.threshold, 1)
        ('reliably improved', 14.6)
        """
        from riskcore.instruments.rci import reliable_change

        return reliable_change(
            before,
            after,
            self.reliability_for(scale),
            higher_is_worse=self.scale(scale).higher_is_worse,
        )
