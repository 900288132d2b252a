"""The object path: score one respondent's answers, in pure Python.

.. versionadded:: 0.2
"""

from __future__ import annotations

import functools
import math
import operator
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, cast

import attrs
from attrs import field, frozen

from riskcore._context import current_plugin
from riskcore.errors import FieldError, InstrumentError
from riskcore.model._fields import check_id, to_tuple
from riskcore.model.assessment import Flag, Score

if TYPE_CHECKING:
    from riskcore.instruments.spec import InstrumentSpec
    from riskcore.model.observations import InstrumentResponse
    from riskcore.model.subjects import SubjectKind

__all__ = ["InstrumentResult", "score", "score_items", "score_to_scores"]

_ABSENT: Any = object()


@frozen(kw_only=True)
class InstrumentResult:
    """The scores of one administration of an instrument.

    ``values`` maps each scale (``"total"`` first, then the subscales) to its
    value, ``None`` when incomplete; ``missing`` gives the reason per incomplete
    scale; ``bands`` the band label per banded, complete scale; ``flags`` the
    critical-item flags. Built by :func:`score` (not validated again).
    """

    spec: InstrumentSpec = field(repr=False, eq=False)
    subject: str
    values: dict[str, float | None]
    bands: dict[str, str | None]
    missing: dict[str, str | None]
    flags: tuple[Flag, ...]
    answered: int

    @property
    def instrument(self) -> str:
        """The instrument id."""
        return self.spec.id

    @property
    def total(self) -> float | None:
        """The ``"total"`` value (``None`` if incomplete or the instrument has none)."""
        return self.values.get("total")

    @property
    def band(self) -> str | None:
        """The band of the total, if the total is banded and complete."""
        return self.bands.get("total")

    @property
    def complete(self) -> bool:
        """True if every scale could be scored."""
        return all(v is not None for v in self.values.values())

    @property
    def critical(self) -> bool:
        """True if any flag is critical."""
        return any(f.critical for f in self.flags)

    def to_scores(
        self,
        subject_kind: SubjectKind,
        *,
        subject: str | None = None,
        plugin: str | None = None,
    ) -> list[Score]:
        """One :class:`~riskcore.model.Score` per scale; the flags go on the first.

        The first scale is ``"total"`` when the instrument has one. An incomplete
        scale gives ``value=None`` with its ``missing_reason``. *subject*
        overrides the respondent (e.g. a client rating their therapist: the
        score is about the ``about`` subject).

        >>> from riskcore.instruments import InstrumentSpec, uniform_items
        >>> from riskcore.model import SubjectKind
        >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(2, 0, 3))
        >>> r = score_items(spec, {"1": 2, "2": None}, subject="c-01")
        >>> [(s.scale, s.value, s.missing_reason) for s in r.to_scores(SubjectKind.CLIENT)]
        [('total', None, '1 of 2 items unanswered; no missing items allowed')]
        """
        # Everything a Score validator would check is checked here once per call
        # (the subject, the flags, the reasons) or comes from the validated spec
        # (instrument and scale ids, minimum, maximum), so the scores skip the
        # per-field validators; Score._trusted still converts and checks each
        # value (a number, not NaN, within minimum and maximum, or a reason).
        subject = check_id("subject", subject or self.subject)
        if plugin is None:
            plugin = current_plugin.get()
        flags: tuple[Flag, ...] = self.flags
        if type(flags) is not tuple:
            flags = to_tuple(flags)  # what Score's converter does
        values, bands, missing = self.values, self.bands, self.missing
        for reason in missing.values():
            if reason is not None and (type(reason) is not str or len(reason) > 500):
                raise FieldError("missing_reason", reason, "is not a short string")
        trusted = Score._trusted
        instrument = self.spec.id
        out = []
        for sp in self.spec._plan.scales:
            name = sp.name
            out.append(
                trusted(
                    subject,
                    subject_kind,
                    instrument,
                    name,
                    values[name],
                    sp.minimum,
                    sp.maximum,
                    bands.get(name),
                    flags,
                    missing[name],
                    plugin,
                )
            )
            flags = ()
        return out


def _error(
    spec: InstrumentSpec, subject: str, item: str, value: object, why: str
) -> InstrumentError:
    shown = (
        repr(value) if isinstance(value, (int, float)) else f"a {type(value).__name__}"
    )
    return InstrumentError(
        f"{spec.id}: respondent {subject}: item {item}: {shown} {why}"
    )


def _as_code(spec: InstrumentSpec, subject: str, item: str, v: object) -> int:
    """Validate a non-int answer: an integral float is accepted as its code."""
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _error(spec, subject, item, v, "is not a number")
    if not math.isfinite(v):
        raise _error(spec, subject, item, v, "is not a finite number")
    if not float(v).is_integer():
        raise _error(spec, subject, item, v, "is not an integer answer code")
    return int(v)


def score(spec: InstrumentSpec, response: InstrumentResponse) -> InstrumentResult:
    """Score one :class:`~riskcore.model.InstrumentResponse` against *spec*.

    Raises
    ------
    InstrumentError
        The response is for another instrument, names an unknown item, or has an
        answer that is not an integer code in the item's range. The message names
        the instrument, the respondent's pseudonymous id and the item.

    Examples
    --------
    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> from riskcore.model import InstrumentResponse
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 0, 4),
    ...                       reverse=["3"], max_missing=1)
    >>> r = score(spec, InstrumentResponse(instrument="demo", subject="c-01",
    ...                                    items={1: 4, 2: None, 3: 0}))
    >>> r.total, r.complete
    (12.0, True)
    >>> score(spec, InstrumentResponse(instrument="demo", subject="c-01", items={1: 5}))
    Traceback (most recent call last):
    ...
    riskcore.errors.InstrumentError: demo: respondent c-01: item 1: 5 is not in [0, 4]
    """
    if response.instrument != spec.id:
        msg = (
            f"{spec.id}: respondent {response.subject}: the response is for "
            f"instrument {response.instrument!r}"
        )
        raise InstrumentError(msg)
    return score_items(spec, response.items, subject=response.subject)


def score_to_scores(
    spec: InstrumentSpec,
    response: InstrumentResponse,
    subject_kind: SubjectKind,
    *,
    subject: str | None = None,
    plugin: str | None = None,
) -> list[Score]:
    """Score one response straight to :class:`~riskcore.model.Score` objects.

    The same scores, values, bands, flags and errors as
    ``score(spec, response).to_scores(subject_kind, subject=subject,
    plugin=plugin)``, without the intermediate :class:`InstrumentResult`.

    A response with every item answered by an integer code in range (the usual
    case) is scored by a plan compiled once per spec: the answers are fetched
    with one :func:`operator.itemgetter` call, checked with ``min``/``max`` per
    range group, and each scale is the ``sum`` of its (reverse-keyed) codes,
    then the same floating-point formula as :func:`score_items`. Anything else
    (unanswered, float or unknown items, an answer out of range) goes through
    :func:`score_items`, which prorates or raises the precise error. The
    conformance kit's :func:`~riskcore.testing.paths_disagree` checks that both
    give the same scores.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> from riskcore.model import InstrumentResponse, SubjectKind
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 0, 4),
    ...                       reverse=["3"], subscales={"first": ["1", "2"]})
    >>> r = InstrumentResponse(instrument="demo", subject="c-01",
    ...                        items={1: 4, 2: 1, 3: 0})
    >>> [(s.scale, s.value) for s in score_to_scores(spec, r, SubjectKind.CLIENT)]
    [('total', 9.0), ('first', 5.0)]
    """
    if response.instrument != spec.id:
        return score(spec, response).to_scores(
            subject_kind, subject=subject, plugin=plugin
        )  # raises the error naming both instruments
    fast = spec._cache.get("fast")
    if fast is None:
        fast = spec._cache["fast"] = _FastPlan(spec)
    got = fast.scores(response.items, subject or response.subject, subject_kind, plugin)
    if got is None:
        return score(spec, response).to_scores(
            subject_kind, subject=subject, plugin=plugin
        )
    return got


class _FastPlan:
    """The compiled fast path of :func:`score_to_scores` for one spec (internal).

    Only for complete responses with integer codes in range: :meth:`scores`
    returns ``None`` for anything else, and the caller falls back to the
    reference loop in :func:`score_items`.
    """

    __slots__ = (
        "critical",
        "fetch",
        "id",
        "intercept",
        "n",
        "ranges",
        "scales",
        "slope",
    )

    def __init__(self, spec: InstrumentSpec) -> None:
        plan = spec._plan
        ids = plan.ids
        self.id = spec.id
        self.n = len(ids)
        self.fetch = _getter(tuple(range(self.n)), ids)
        # Items grouped by their answer range: one min/max check per group.
        groups: dict[tuple[int, int], list[int]] = {}
        for j, (lo, hi) in enumerate(zip(plan.lo, plan.hi, strict=True)):
            groups.setdefault((lo, hi), []).append(j)
        self.ranges = tuple(
            (_picker(tuple(js), self.n), lo, hi) for (lo, hi), js in groups.items()
        )
        rev = plan.rev
        scales = []
        for sp in plan.scales:
            forward = tuple(j for j in sp.index if not rev[j])
            backward = tuple(j for j in sp.index if rev[j])
            # sum(lo + hi - x for reversed x) == constant - sum(reversed x)
            constant = sum(plan.lo[j] + plan.hi[j] for j in backward)
            scales.append(
                (
                    sp,
                    _picker(forward, self.n) if forward else _no_answers,
                    _picker(backward, self.n) if backward else None,
                    constant,
                )
            )
        self.scales = tuple(scales)
        self.critical = tuple((j, t, f) for j, t, f, _ in plan.critical)
        self.intercept, self.slope = plan.intercept, plan.slope

    def scores(
        self,
        items: Mapping[str, int | float | None],
        subject: str,
        kind: SubjectKind,
        plugin: str | None,
    ) -> list[Score] | None:
        if len(items) != self.n:
            return None
        try:
            answers = self.fetch(items)
        except KeyError:
            return None
        if set(map(type, answers)) != _INT_ONLY:  # None, float, bool: the loop
            return None
        for pick, lo, hi in self.ranges:
            chosen = pick(answers)
            if min(chosen) < lo or max(chosen) > hi:
                return None  # the loop raises the error naming the item
        subject = check_id("subject", subject)
        if plugin is None:
            plugin = current_plugin.get()
        flags: list[Flag] = [f for j, t, f in self.critical if answers[j] >= t]
        raised: list[Flag] = []
        intercept, slope = self.intercept, self.slope
        made: list[tuple[str, float, float, float, str | None]] = []
        for sp, forward, backward, constant in self.scales:
            s = sum(forward(answers))
            if backward is not None:
                s += constant - sum(backward(answers))
            # The formula of score_items with c == n, in the same order.
            r = float(s) if intercept is None else intercept * sp.n + slope * s
            value = r / sp.n if sp.mean else r
            if sp.factor != 1.0:
                value = value * sp.factor
            band = None
            if sp.labels:
                b = bisect_right(sp.cuts, value)
                band = sp.labels[b]
                if sp.flags and sp.flags[b] is not None:
                    raised.append(sp.flags[b])  # type: ignore[arg-type]
            made.append((sp.name, value, sp.minimum, sp.maximum, band))
        first: tuple[Flag, ...] = tuple(flags + raised) if flags or raised else ()
        trusted = Score._trusted
        out = []
        for name, value, minimum, maximum, band in made:
            out.append(
                trusted(
                    subject,
                    kind,
                    self.id,
                    name,
                    value,
                    minimum,
                    maximum,
                    band,
                    first,
                    None,
                    plugin,
                )
            )
            first = ()
        return out


_INT_ONLY = frozenset({int})


def _no_answers(answers: object) -> tuple[int, ...]:
    """The forward-keyed answers of a scale whose items are all reverse-keyed."""
    return ()


def _getter(
    index: tuple[int, ...], keys: Sequence[Any] | None = None
) -> Callable[[Any], tuple[Any, ...]]:
    """``operator.itemgetter`` that always returns a tuple (internal).

    With *keys*, fetches ``keys[j]`` for each ``j`` in *index* from a mapping;
    without, positions *index* from a sequence.
    """
    picked = tuple(keys[j] for j in index) if keys is not None else index
    if len(picked) == 1:
        return functools.partial(_one, picked[0])  # picklable, unlike a lambda
    return operator.itemgetter(*picked)


def _one(key: Any, seq: Any) -> tuple[Any]:
    return (seq[key],)


def _picker(index: tuple[int, ...], n: int) -> Callable[[Any], tuple[Any, ...]]:
    """Positions *index* of a tuple of *n* answers (all of them: ``tuple``, a no-op)."""
    return tuple if index == tuple(range(n)) else _getter(index)


def score_items(
    spec: InstrumentSpec,
    items: Mapping[str, int | float | None],
    *,
    subject: str,
) -> InstrumentResult:
    """Score a mapping ``{item id: code or None}`` (no response object needed).

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(2, 0, 3))
    >>> score_items(spec, {"1": 1, "2": 2.0}, subject="c-01").values
    {'total': 3.0}
    """
    plan = spec._plan
    scored: list[int | None] = []
    append = scored.append
    get = items.get
    unanswered = 0
    absent = 0
    for k, lo, hi, rev in plan.rows:
        v = get(k, _ABSENT)
        if v is None or v is _ABSENT:
            if v is _ABSENT:
                absent += 1
            append(None)
            unanswered += 1
            continue
        if type(v) is not int:
            v = _as_code(spec, subject, k, v)
        if v < lo or v > hi:
            raise _error(spec, subject, k, v, f"is not in [{lo}, {hi}]")
        append(lo + hi - v if rev else v)
    if len(items) + absent != len(scored):
        unknown = next(k for k in items if k not in plan.pos)
        raise _error(
            spec,
            subject,
            str(unknown),
            items[unknown],
            "is not an item of this instrument",
        )
    intercept, slope = plan.intercept, plan.slope
    values: dict[str, float | None] = {}
    bands: dict[str, str | None] = {}
    missing: dict[str, str | None] = {}
    raised: list[Flag] | None = None  # band flags, after the critical items'
    for sp in plan.scales:
        n = sp.n
        picked = sp.pick(scored)
        if unanswered:
            present = [x for x in picked if x is not None]
            c = len(present)
            s = sum(present)
        else:
            c = n
            s = sum(picked)
        name = sp.name
        if c == 0 or n - c > sp.max_missing:
            values[name] = None
            bands[name] = None
            limit = (
                "no missing items allowed"
                if sp.max_missing == 0
                else f"at most {sp.max_missing} may be missing"
            )
            missing[name] = f"{n - c} of {n} items unanswered; {limit}"
            continue
        # The same formula, in the same order, as the columnar path.
        r = float(s) if intercept is None else intercept * c + slope * s
        if sp.mean:
            value = r / c
        elif c == n:
            value = r
        else:
            value = r / c * n
        if sp.factor != 1.0:
            value = value * sp.factor
        values[name] = value
        missing[name] = None
        if sp.labels:
            b = 0
            for cut in sp.cuts:
                if value >= cut:
                    b += 1
            bands[name] = sp.labels[b]
            if sp.flags and sp.flags[b] is not None:
                if raised is None:
                    raised = []
                raised.append(sp.flags[b])  # type: ignore[arg-type]
        else:
            bands[name] = None
    flags: list[Flag] = []
    ids = plan.ids
    for j, threshold, flag, unanswered_flag in plan.critical:
        a = get(ids[j])
        if a is None:
            if unanswered_flag is not None:
                flags.append(unanswered_flag)
        elif a >= threshold:
            flags.append(flag)
    if raised is not None:
        flags += raised
    # InstrumentResult(...) as its generated __init__ builds it (no validators,
    # no converters), without the keyword-argument overhead.
    out: InstrumentResult = _new(InstrumentResult)
    _set_spec(out, spec)
    _set_subject(out, subject)
    _set_values(out, values)
    _set_bands(out, bands)
    _set_missing(out, missing)
    _set_flags(out, tuple(flags))
    _set_answered(out, len(scored) - unanswered)
    return out


def _result_setter(name: str) -> Callable[[InstrumentResult, Any], None]:
    slot = InstrumentResult.__dict__.get(name)
    if type(slot) is MemberDescriptorType:
        return cast("Callable[[InstrumentResult, Any], None]", slot.__set__)
    return lambda obj, value: object.__setattr__(obj, name, value)


_new = object.__new__
_set_spec = _result_setter("spec")
_set_subject = _result_setter("subject")
_set_values = _result_setter("values")
_set_bands = _result_setter("bands")
_set_missing = _result_setter("missing")
_set_flags = _result_setter("flags")
_set_answered = _result_setter("answered")
if {a.name for a in attrs.fields(InstrumentResult)} != {
    "spec",
    "subject",
    "values",
    "bands",
    "missing",
    "flags",
    "answered",
}:  # pragma: no cover - a new field must be set in score_items
    raise AssertionError("InstrumentResult fields changed: update score_items")
