"""The object path: score one respondent's answers, in pure Python.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, cast

import attrs
from attrs import field, frozen

from riskcore.errors import FieldError, InstrumentError
from riskcore.instruments.answers import (
    _invalid_note,
    answer_problem,
    apply_skips,
    valid_answers,
)
from riskcore.instruments.fast import _FastPlan
from riskcore.instruments.reach import Reach, reach, reach_sums
from riskcore.model._fields import _checked_id, to_tuple
from riskcore.model.assessment import Flag, Score, _checked

if TYPE_CHECKING:
    from riskcore.instruments.compile import _Plan
    from riskcore.instruments.spec import InstrumentSpec
    from riskcore.model.observations import InstrumentResponse
    from riskcore.model.subjects import SubjectKind

__all__ = [
    "InstrumentResult",
    "Reach",
    "answer_problem",
    "apply_skips",
    "reach",
    "reach_sums",
    "score",
    "score_items",
    "score_to_scores",
    "valid_answers",
]

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
    invalid: dict[str, str] = field(factory=dict)
    """Each invalid item (or unknown item id) and the kind of problem (never
    the value); see :func:`valid_answers`.

    .. versionadded:: 0.1
    """

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
        """True if every scale could be scored and no answer was invalid."""
        return not self.invalid and all(v is not None for v in self.values.values())

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
        # per-field validators; Score.fast still converts and checks each
        # value (a number, not NaN, within minimum and maximum, or a reason).
        subject = _checked_id("subject", subject or self.subject)
        flags: tuple[Flag, ...] = self.flags
        if type(flags) is not tuple:
            flags = to_tuple(flags)  # what Score's converter does
        values, bands, missing = self.values, self.bands, self.missing
        for reason in missing.values():
            if reason is not None and (type(reason) is not str or len(reason) > 500):
                raise FieldError("missing_reason", reason, "is not a short string")
        fast = _checked  # Score.fast, the one fast constructor
        instrument = self.spec.id
        out = []
        for sp in self.spec._plan.scales:
            name = sp.name
            out.append(
                fast(
                    Score,
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
                    True,
                )
            )
            flags = ()
        return out


def score(spec: InstrumentSpec, response: InstrumentResponse) -> InstrumentResult:
    """Score one :class:`~riskcore.model.InstrumentResponse` against *spec*.

    An invalid answer or an unknown item invalidates that item, not the
    response (see :func:`score_items`).

    Raises
    ------
    InstrumentError
        The response is for another instrument.

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
    >>> r = score(spec, InstrumentResponse(instrument="demo", subject="c-01",
    ...                                    items={1: 5, 2: 1, 3: 0}))
    >>> r.total, r.complete, r.missing["total"]
    (7.5, False, 'invalid answer: item 1: 5 is not in [0, 4] (scored as unanswered)')
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
    case) is scored by a function generated once per spec (as attrs generates
    ``__init__``): the answers are fetched with one :func:`operator.itemgetter`
    call into locals, checked by unrolled comparisons, and each scale is its
    (reverse-keyed) codes added up, then the same floating-point formula as
    :func:`score_items`. Anything else (unanswered, float or unknown items, an
    answer out of range) goes through :func:`score_items`, which prorates and
    marks invalid items. The conformance kit's
    :func:`~riskcore.testing.paths_disagree` checks that both give the same
    scores.

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


def score_items(
    spec: InstrumentSpec,
    items: Mapping[str, object],
    *,
    subject: str,
) -> InstrumentResult:
    """Score a mapping ``{item id: code or None}`` (no response object needed).

    An *invalid* answer (not a number, not an integer code, out of range, or
    an item id the instrument does not have) invalidates its item, never the
    whole response (issue #14): the item is scored as unanswered under the
    instrument's missing-data rule, every scale holding it (every scale, for
    an unknown item) gets a ``missing`` reason naming the item and the kind
    of problem (never the value) and is not complete, and an invalid
    *critical* item raises its :attr:`~riskcore.instruments.CriticalItem.invalid_flag`
    (the worst plausible answer counts). See :func:`valid_answers`.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(2, 0, 3))
    >>> score_items(spec, {"1": 1, "2": 2.0}, subject="c-01").values
    {'total': 3.0}
    >>> r = score_items(spec, {"1": 1, "2": 7}, subject="c-01")
    >>> r.values, r.complete, r.invalid
    ({'total': None}, False, {'2': '7 is not in [0, 3]'})
    """
    plan = spec._plan
    if spec.skips:
        items = apply_skips(spec, items)
    scored, unanswered, problems = _read_answers(plan, items)
    values: dict[str, float | None] = {}
    bands: dict[str, str | None] = {}
    missing: dict[str, str | None] = {}
    raised = _score_scales(spec, scored, unanswered, problems, values, bands, missing)
    flags = _critical_flags(plan, scored, problems)
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
    _set_invalid(out, {} if problems is None else problems)
    return out


def _read_answers(
    plan: _Plan, items: Mapping[str, object]
) -> tuple[list[int | None], int, dict[str, str] | None]:
    """Each item's (reverse-keyed) code in spec order, ``None`` when
    unanswered or invalid; how many are ``None``; and each invalid item's
    problem (``None`` when there is none), unknown item ids included."""
    scored: list[int | None] = []
    append = scored.append
    get = items.get
    unanswered = 0
    absent = 0
    problems: dict[str, str] | None = None
    for k, lo, hi, rev in plan.rows:
        v = get(k, _ABSENT)
        if v is None or v is _ABSENT:
            if v is _ABSENT:
                absent += 1
            append(None)
            unanswered += 1
            continue
        if type(v) is not int or v < lo or v > hi:
            why = answer_problem(v, lo, hi)
            if why is not None:
                if problems is None:
                    problems = {}
                problems[k] = why
                append(None)
                unanswered += 1
                continue
            v = int(cast("float", v))
        append(lo + hi - v if rev else v)
    if len(items) + absent != len(scored):
        if problems is None:
            problems = {}
        for k in items:
            if k not in plan.pos:
                problems[str(k)] = "not an item of this instrument"
    return scored, unanswered, problems


def _score_scales(
    spec: InstrumentSpec,
    scored: list[int | None],
    unanswered: int,
    problems: dict[str, str] | None,
    values: dict[str, float | None],
    bands: dict[str, str | None],
    missing: dict[str, str | None],
) -> list[Flag] | None:
    """Fill *values*, *bands* and *missing* for each scale (scoring rules 2-5
    and the missing-data rule); the band flags raised, in scale order
    (``None``: none)."""
    plan = spec._plan
    intercept, slope = plan.intercept, plan.slope
    raised: list[Flag] | None = None
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
        note = None
        if problems is not None:
            mine = {
                k: why
                for k, why in problems.items()
                if k not in plan.pos or plan.pos[k] in sp.index
            }
            if mine:
                note = _invalid_note(spec, mine)
        if c == 0 or n - c > sp.max_missing:
            values[name] = None
            bands[name] = None
            limit = (
                "no missing items allowed"
                if sp.max_missing == 0
                else f"at most {sp.max_missing} may be missing"
            )
            if note is None:
                missing[name] = f"{n - c} of {n} items unanswered; {limit}"
            else:
                missing[name] = (
                    f"{n - c} of {n} items unanswered or invalid; {limit}; {note}"
                )
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
        missing[name] = note
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
    return raised


def _critical_flags(
    plan: _Plan, scored: list[int | None], problems: dict[str, str] | None
) -> list[Flag]:
    """The critical items' flags, in spec order: an invalid answer raises the
    item's invalid flag, an unanswered one its unanswered flag (if any), an
    answer at or over the threshold its flag."""
    ids = plan.ids
    flags: list[Flag] = []
    for (j, threshold, flag, unanswered_flag), invalid_flag in zip(
        plan.critical, plan.invalid_flags, strict=True
    ):
        k = ids[j]
        a = scored[j]
        if problems is not None and k in problems:
            flags.append(invalid_flag)
        elif a is None:
            if unanswered_flag is not None:
                flags.append(unanswered_flag)
        elif (plan.lo[j] + plan.hi[j] - a if plan.rev[j] else a) >= threshold:
            flags.append(flag)
    return flags


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
_set_invalid = _result_setter("invalid")
if {a.name for a in attrs.fields(InstrumentResult)} != {
    "invalid",
    "spec",
    "subject",
    "values",
    "bands",
    "missing",
    "flags",
    "answered",
}:  # pragma: no cover - a new field must be set in score_items
    raise AssertionError("InstrumentResult fields changed: update score_items")
