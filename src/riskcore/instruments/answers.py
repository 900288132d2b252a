"""Which answers the engine scores: the one rule for a valid answer code and
for skip logic, on every path (re-exported by :mod:`riskcore.instruments`).

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast

from riskcore.errors import shown
from riskcore.model.observations import InvalidAnswer

if TYPE_CHECKING:
    from riskcore.instruments.spec import InstrumentSpec

__all__ = ["answer_problem", "apply_skips", "valid_answers"]


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
    quick = _all_valid(spec, items)
    if quick is not None:
        return quick, {}
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


def _all_valid(
    spec: InstrumentSpec, items: Mapping[str, object]
) -> dict[str, int | None] | None:
    """:func:`valid_answers`' codes when every item of *spec* is answered by an
    ``int`` in its range and *items* holds nothing else (the usual response),
    found by C-level passes; ``None`` otherwise (the caller then checks item
    by item). Exact: such answers are their own codes, no item is unknown,
    and a skip only fills an unanswered item."""
    rows = spec._plan.rows
    if len(items) != len(rows) or not rows:
        return None
    bounds = spec._cache.get("answer-bounds")
    if bounds is None:
        ids, lo, hi, _ = zip(*rows, strict=True)
        fetch = operator.itemgetter(*ids) if len(ids) > 1 else _one(ids[0])
        bounds = spec._cache["answer-bounds"] = (ids, lo, hi, frozenset(ids), fetch)
    ids, lo, hi, known, fetch = bounds
    # Exactly the spec's items (so every lookup finds its item, and a mapping
    # with a default is never asked for a missing key), fetched in one call.
    if items.keys() != known:
        return None
    values = fetch(items)
    if set(map(type, values)) != _INT:
        return None
    codes = cast("tuple[int, ...]", values)
    if not (all(map(operator.le, lo, codes)) and all(map(operator.le, codes, hi))):
        return None
    return dict(zip(ids, codes, strict=True))


_INT = {int}


def _one(key: str) -> Callable[[Mapping[str, object]], tuple[object, ...]]:
    """``operator.itemgetter(key)``, giving a tuple as it does for two keys."""
    return lambda items: (items[key],)


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
