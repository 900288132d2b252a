"""The object path: score one respondent's answers, in pure Python.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import operator
from bisect import bisect_right
from collections.abc import Callable, Mapping
from types import MemberDescriptorType
from typing import TYPE_CHECKING, Any, cast

import attrs
from attrs import field, frozen

from riskcore._context import current_plugin
from riskcore.errors import FieldError, InstrumentError, shown
from riskcore.model._fields import to_tuple
from riskcore.model.assessment import _KNOWN_IDS, Flag, Score, _checked, _checked_id
from riskcore.model.observations import InvalidAnswer

if TYPE_CHECKING:
    from riskcore.instruments.spec import InstrumentSpec
    from riskcore.model.observations import InstrumentResponse
    from riskcore.model.subjects import SubjectKind

__all__ = [
    "InstrumentResult",
    "Reach",
    "answer_problem",
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
        # per-field validators; Score._trusted still converts and checks each
        # value (a number, not NaN, within minimum and maximum, or a reason).
        subject = _checked_id("subject", subject or self.subject)
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


class _FastPlan:
    """The compiled fast path of :func:`score_to_scores` for one spec (internal).

    ``scores(items, subject, kind, plugin)`` is a function generated from the
    spec, as attrs generates ``__init__`` methods: one local per item, the
    type and range checks unrolled, each scale's sum written out with its
    reverse keying, then :func:`score_items`' formula with the count equal to
    the number of items. It returns ``None`` unless every item is answered by
    an ``int`` in range; the caller then falls back to :func:`score_items`.
    Only identifiers and integers from the validated spec appear in the source
    (:attr:`source`, kept for inspection); every other constant is bound by
    name.
    """

    __slots__ = ("scores", "source")

    scores: Callable[
        [Mapping[str, object], str, SubjectKind, str | None],
        list[Score] | None,
    ]
    source: str

    def __init__(self, spec: InstrumentSpec) -> None:
        self.source, namespace = _fast_source(spec)
        code = compile(self.source, f"<riskcore fast path for {spec.id}>", "exec")
        exec(code, namespace)
        self.scores = namespace["scores"]

    def __reduce__(self) -> tuple[Callable[[], None], tuple[()]]:
        # A generated function does not pickle: an unpickled spec rebuilds it.
        return (_unbuilt, ())


def _unbuilt() -> None:
    return None


def _fast_source(spec: InstrumentSpec) -> tuple[str, dict[str, Any]]:
    """The source of :class:`_FastPlan`'s function for *spec*, and its globals."""
    plan = spec._plan
    n = len(plan.ids)
    lo = [int(x) for x in plan.lo]
    hi = [int(x) for x in plan.hi]
    a = [f"a{j}" for j in range(n)]
    ns: dict[str, Any] = {
        "ID": spec.id,
        "checked_id": _checked_id,
        "known": _KNOWN_IDS,
        "current_plugin": current_plugin,
        "Score": Score,
        "checked": _checked,
        "bisect_right": bisect_right,
    }
    if n == 1:
        ns["KEY"] = plan.ids[0]
        fetch = "        a0 = items[KEY]"
    else:
        ns["fetch"] = operator.itemgetter(*plan.ids)
        fetch = f"        {', '.join(a)} = fetch(items)"
    checks = " and ".join(f"{lo[j]} <= a{j} <= {hi[j]}" for j in range(n))
    lines = [
        "def scores(items, subject, kind, plugin):",
        f"    if len(items) != {n}:",
        "        return None",
        "    try:",
        fetch,
        "    except KeyError:",
        "        return None",
        "    if " + " or ".join(f"type({x}) is not int" for x in a) + ":",
        "        return None  # unanswered, or a float: score_items",
        f"    if not ({checks}):",
        "        return None  # score_items marks the item invalid",
        "    if type(subject) is not str or subject not in known:",
        '        subject = checked_id("subject", subject)',
        "    if plugin is None:",
        "        plugin = current_plugin.get()",
        "    flags = []",
    ]
    for c, (j, threshold, flag, _) in enumerate(plan.critical):
        ns[f"THRESHOLD{c}"], ns[f"CRITICAL{c}"] = threshold, flag
        lines += [f"    if a{j} >= THRESHOLD{c}:", f"        flags.append(CRITICAL{c})"]
    if plan.intercept is not None:
        ns["INTERCEPT"], ns["SLOPE"] = plan.intercept, plan.slope
    made = []
    for k, sp in enumerate(plan.scales):
        terms = [
            f"({lo[j] + hi[j]} - a{j})" if plan.rev[j] else f"a{j}" for j in sp.index
        ]
        lines.append(f"    s{k} = " + " + ".join(terms))
        if plan.intercept is None:
            lines.append(f"    v{k} = float(s{k})")
        else:
            lines.append(f"    v{k} = INTERCEPT * {sp.n} + SLOPE * s{k}")
        if sp.mean:
            lines.append(f"    v{k} = v{k} / {sp.n}")
        if sp.factor != 1.0:
            ns[f"FACTOR{k}"] = sp.factor
            lines.append(f"    v{k} = v{k} * FACTOR{k}")
        band = "None"
        if sp.labels:
            ns[f"CUTS{k}"], ns[f"LABELS{k}"] = sp.cuts, sp.labels
            lines.append(f"    b{k} = bisect_right(CUTS{k}, v{k})")
            band = f"LABELS{k}[b{k}]"
            if sp.flags:
                ns[f"BAND_FLAGS{k}"] = sp.flags
                lines += [
                    f"    if BAND_FLAGS{k}[b{k}] is not None:",
                    f"        flags.append(BAND_FLAGS{k}[b{k}])",
                ]
        ns[f"SCALE{k}"], ns[f"MIN{k}"], ns[f"MAX{k}"] = sp.name, sp.minimum, sp.maximum
        made.append(f"SCALE{k}, v{k}, MIN{k}, MAX{k}, {band}")
    # Critical-item flags first, then band flags in scale order (as score_items):
    # the critical ones were appended before any scale was computed.
    lines.append("    first = tuple(flags)")
    lines.append("    return [")
    for k, args in enumerate(made):
        flags = "first" if k == 0 else "()"
        lines.append(
            f"        checked(Score, subject, kind, ID, {args}, {flags}, None, plugin, True),"
        )
    lines.append("    ]")
    return "\n".join(lines) + "\n", ns


def answer_problem(value: object, lo: int, hi: int) -> str | None:
    """Why *value* is not a valid answer code in ``[lo, hi]`` (``None``: it is).

    The one rule for a valid answer, on every path: an integer (an integral
    float counts as its code) within the item's range. The problem names the
    value as :func:`riskcore.errors.shown` allows (a small number is shown; a
    string, a date or a number that could be a phone number is not).

    >>> answer_problem(2, 0, 3), answer_problem(1.5, 0, 3), answer_problem(7, 0, 3)
    (None, '1.5 is not an integer answer code', '7 is not in [0, 3]')
    >>> answer_problem("2x", 0, 3)
    'not a number (a string)'
    """
    if type(value) is int:
        return None if lo <= value <= hi else f"{shown(value)} is not in [{lo}, {hi}]"
    if isinstance(value, InvalidAnswer):
        return value.problem
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return InvalidAnswer.of(value).problem
    if not math.isfinite(value):
        return f"{shown(value)} is not a finite number"
    if not float(value).is_integer():
        return f"{shown(value)} is not an integer answer code"
    return None if lo <= value <= hi else f"{shown(value)} is not in [{lo}, {hi}]"


def apply_skips(
    spec: InstrumentSpec, items: Mapping[str, object]
) -> Mapping[str, object]:
    """*items* with the spec's skip logic applied: the one rule for every path.

    Each :class:`~riskcore.instruments.Skip` whose gate item was answered with
    one of its ``when`` codes fills its unanswered item with its ``score``
    (the K10's items 3 and 6 score 1 when items 2 and 5 were "none of the
    time"). Nothing else changes; without skips, *items* itself is returned.

    >>> from riskcore.instruments import InstrumentSpec, Skip, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 1, 5),
    ...                       skips=[Skip(item="2", gate="1", when=[1], score=1)])
    >>> apply_skips(spec, {"1": 1, "3": 4})
    {'1': 1, '3': 4, '2': 1}
    >>> apply_skips(spec, {"1": 2, "3": 4})  # the gate says ask: item 2 is missing
    {'1': 2, '3': 4}
    """
    if not spec.skips:
        return items
    out = dict(items)
    for sk in spec.skips:
        if out.get(sk.item) is not None:
            continue
        gate = out.get(sk.gate)
        if type(gate) is not int and not (
            isinstance(gate, float) and gate.is_integer()
        ):
            continue
        if int(gate) in sk.when:
            out[sk.item] = sk.score
    return out


def valid_answers(
    spec: InstrumentSpec, items: Mapping[str, object]
) -> tuple[dict[str, int | None], dict[str, str]]:
    """The answers the engine scores, and the problem of every invalid one.

    Every item of *spec* maps to its code, or ``None`` when unanswered *or
    invalid* (:func:`answer_problem`); the second mapping gives each invalid
    item's problem, and each unknown item id ("not an item of this
    instrument"). An invalid answer invalidates its item, never the whole
    response: :func:`score_items`, :func:`reach` and plugins read answers
    through this one function.

    >>> from riskcore.instruments import InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(2, 0, 3))
    >>> valid_answers(spec, {"1": 1.0, "2": 9, "3": 0})
    ({'1': 1, '2': None}, {'2': '9 is not in [0, 3]', '3': 'not an item of this instrument'})
    """
    codes: dict[str, int | None] = {}
    problems: dict[str, str] = {}
    items = apply_skips(spec, items)
    for k, lo, hi, _ in spec._plan.rows:
        v = items.get(k)
        if v is None:
            codes[k] = None
            continue
        why = answer_problem(v, lo, hi)
        if why is None:
            codes[k] = int(cast("float", v))
        else:
            codes[k] = None
            problems[k] = why
    pos = spec._plan.pos
    for k in items:
        if k not in pos:
            problems[str(k)] = "not an item of this instrument"
    return codes, problems


def _invalid_note(spec: InstrumentSpec, problems: Mapping[str, str]) -> str:
    """The reason an invalid answer gives a scale (item ids, problem kinds)."""
    pos = spec._plan.pos
    parts = []
    for k, why in problems.items():
        name = k
        if k not in pos:  # an id from the case, not the spec: redacted as needed
            name = shown(k)
            if name.startswith("'"):
                name = name[1:-1]
        parts.append(f"item {name}: {why}")
    note = "; ".join(parts)
    if len(note) > 300:
        note = f"{len(problems)} invalid answers"
    return f"invalid answer: {note} (scored as unanswered)"


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
    intercept, slope = plan.intercept, plan.slope
    values: dict[str, float | None] = {}
    bands: dict[str, str | None] = {}
    missing: dict[str, str | None] = {}
    raised: list[Flag] | None = None  # band flags, after the critical items'
    ids = plan.ids
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


@frozen(kw_only=True)
class Reach:
    """What one scale could still be once its unanswered items are answered.

    Built by :func:`reach`. ``low`` and ``high`` are the scale's value (as the
    engine scores a complete response) with every unanswered item at the end
    of its range that makes the value lowest or highest (reverse keying and a
    negative :class:`~riskcore.instruments.Transform` slope accounted for);
    the answered items keep their answers. ``bands`` are the labels of the
    bands some completion falls in, in band order (empty if the scale has no
    bands); ``unanswered`` counts the scale's unanswered items.

    This is the fail-closed reading of an incomplete scale: a scale the
    missing-data rule cannot score has no value and no band, but if it
    *could* reach a band that moves a risk, the plugin adds that band's
    factor, saying so with :meth:`reason`.

    >>> from riskcore.instruments import Band, InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(4, 0, 4),
    ...     bands=[Band(label="below", lower=0, upper=10), Band(label="above", lower=10)])
    >>> r = spec.reach({"1": 3, "2": 2, "3": None, "4": None})
    >>> r.low, r.high, r.bands, r.worst
    (5.0, 13.0, ('below', 'above'), 'above')
    >>> r.reason("above")
    "demo total could reach band 'above' with 2 unanswered items (possible 5 to 13; fail closed)"
    """

    instrument: str
    scale: str
    low: float
    high: float
    unanswered: int
    bands: tuple[str, ...]
    higher_is_worse: bool

    @property
    def complete(self) -> bool:
        """True if every item of the scale is answered (``low == high``)."""
        return self.unanswered == 0

    @property
    def worst(self) -> str | None:
        """The worst band some completion reaches: the highest if higher is
        worse on this scale, else the lowest (``None`` without bands)."""
        if not self.bands:
            return None
        return self.bands[-1] if self.higher_is_worse else self.bands[0]

    def could_reach(self, band: str) -> bool:
        """True if some completion of the answers falls in *band*."""
        return band in self.bands

    def reason(self, band: str) -> str:
        """The reason of a fail-closed factor for *band* (no answers shown).

        >>> Reach(instrument="pcl5", scale="total", low=20, high=40, unanswered=1,
        ...       bands=("below-cutoff", "probable-ptsd"), higher_is_worse=True
        ...       ).reason("probable-ptsd")
        "pcl5 total could reach band 'probable-ptsd' with 1 unanswered item (possible 20 to 40; fail closed)"
        """
        items = "item" if self.unanswered == 1 else "items"
        return (
            f"{self.instrument} {self.scale} could reach band {band!r} with "
            f"{self.unanswered} unanswered {items} (possible {self.low:g} to "
            f"{self.high:g}; fail closed)"
        )


def reach(
    spec: InstrumentSpec,
    items: Mapping[str, object],
    scale: str = "total",
    *,
    subject: str = "-",
) -> Reach:
    """The values and bands *scale* could still reach once every unanswered
    item is answered: the one rule every plugin uses to fail closed on an
    incomplete instrument.

    The answers are read as :func:`score_items` reads them
    (:func:`valid_answers`): an invalid answer counts as unanswered, so the
    reach spans every answer it could have been. The value of each completion is computed with the engine's own
    formula for a complete response, so a band is reached exactly when some
    completion would be scored in it. The value is monotone in the sum of the
    (reverse-keyed) codes, so each band is found by bisection, not by trying
    every completion.

    Raises
    ------
    KeyError
        *scale* is not a scale of *spec*.

    Examples
    --------
    >>> from riskcore.instruments import Band, InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 0, 4),
    ...     reverse=["3"], bands=[Band(label="low", lower=0, upper=6),
    ...                           Band(label="high", lower=6)])
    >>> r = reach(spec, {"1": 1, "2": 0, "3": None})  # item 3 keyed 4 - x
    >>> r.low, r.high, r.worst
    (1.0, 5.0, 'low')
    >>> reach(spec, {"1": 4, "2": 2, "3": 4}).bands  # complete: its own band
    ('high',)
    """
    sp = spec.scale(scale)
    codes, _ = valid_answers(spec, items)
    plan = spec._plan
    known = 0
    free_lo = 0
    free_hi = 0
    unanswered = 0
    for j in sp.index:
        v = codes[plan.ids[j]]
        lo, hi = plan.lo[j], plan.hi[j]
        if v is None:
            unanswered += 1
            free_lo += lo  # a reverse-keyed item also scores within [lo, hi]
            free_hi += hi
            continue
        known += lo + hi - v if plan.rev[j] else v
    return reach_sums(spec, scale, known + free_lo, known + free_hi, unanswered)


def reach_sums(
    spec: InstrumentSpec, scale: str, first: int, last: int, unanswered: int
) -> Reach:
    """:func:`reach` from the lowest and highest (reverse-keyed) code sums of
    the scale's completions and the number of unanswered items: the part of
    the rule that does not read answers, which the cohort path
    (:mod:`riskcore.batch`) calls once per distinct ``(first, last,
    unanswered)``.

    >>> from riskcore.instruments import Band, InstrumentSpec, uniform_items
    >>> spec = InstrumentSpec(id="demo", name="Demo", items=uniform_items(3, 0, 4),
    ...     bands=[Band(label="low", lower=0, upper=6), Band(label="high", lower=6)])
    >>> reach_sums(spec, "total", 3, 7, 1).bands
    ('low', 'high')
    """
    sp = spec.scale(scale)
    n, t = sp.n, spec.transform

    def value(code_sum: int) -> float:
        return spec._value(n, code_sum, n, sp.mean, t) * sp.factor

    a, b = value(first), value(last)
    bands: tuple[str, ...] = ()
    if sp.labels:
        cuts = sp.cuts
        up = a <= b  # the value rises with the code sum unless the slope < 0
        span = last - first

        def band(step: int) -> int:  # non-decreasing in step
            return bisect_right(cuts, value(first + step if up else last - step))

        found = []
        for k in range(band(0), band(span) + 1):
            lo_s, hi_s = 0, span  # the first step whose band is >= k
            while lo_s < hi_s:
                mid = (lo_s + hi_s) // 2
                if band(mid) >= k:
                    hi_s = mid
                else:
                    lo_s = mid + 1
            if band(lo_s) == k:
                found.append(sp.labels[k])
        bands = tuple(found)
    return Reach(
        instrument=spec.id,
        scale=sp.name,
        low=min(a, b),
        high=max(a, b),
        unanswered=unanswered,
        bands=bands,
        higher_is_worse=sp.higher_is_worse,
    )


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
