"""What an incomplete scale could still reach: the fail-closed reading every
plugin uses (re-exported by :mod:`riskcore.instruments`).

.. versionadded:: 0.1
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from typing import TYPE_CHECKING

from attrs import frozen

from riskcore.instruments.answers import valid_answers

if TYPE_CHECKING:
    from riskcore.instruments.spec import InstrumentSpec

__all__ = ["Reach", "reach", "reach_sums"]


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
