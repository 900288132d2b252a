"""The Reliable Change Index (Jacobson & Truax, 1991).

``S_diff = SD * sqrt(2) * sqrt(1 - r)`` (the ``sqrt(2)`` is Christensen & Mendoza's
1986 correction), ``RC = (x2 - x1) / S_diff``; a change is reliable when
``|RC| > 1.96`` (95 %). The smallest reliable change in points is
``1.96 * S_diff``. The inputs (SD, r and their source) are the instrument's
published :class:`~riskcore.instruments.Reliability`, shown with every result;
no threshold is hard-coded.

.. versionadded:: 0.1
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from attrs import frozen

from riskcore.errors import InstrumentError

if TYPE_CHECKING:
    from riskcore.instruments.spec import Reliability

__all__ = [
    "Z_CRITICAL",
    "ReliableChange",
    "Verdict",
    "rci_threshold",
    "reliable_change",
    "reliable_change_array",
]

Z_CRITICAL = 1.96
"""Two-sided 95 % criterion on the absolute value of RC."""

Verdict = Literal["reliably improved", "no reliable change", "reliably worse"]


@frozen(kw_only=True)
class ReliableChange:
    """The RCI between two scores, with the provenance of its inputs."""

    before: float
    after: float
    rc: float
    """``(after - before) / s_diff``."""
    s_diff: float
    threshold: float
    """The smallest reliable change in points, ``1.96 * s_diff``."""
    verdict: Verdict
    sd: float
    r: float
    kind: str
    source: str
    illustrative: bool

    @property
    def reliable(self) -> bool:
        """True if ``|rc| > 1.96``."""
        return abs(self.rc) > Z_CRITICAL


def _s_diff(reliability: Reliability) -> float:
    return reliability.sd * math.sqrt(2.0) * math.sqrt(1.0 - reliability.r)


def rci_threshold(reliability: Reliability) -> float:
    """The smallest reliable change in points: ``1.96 * SD * sqrt(2) * sqrt(1 - r)``.

    >>> from riskcore.instruments import Reliability
    >>> round(rci_threshold(Reliability(sd=12.40, r=0.91, kind="alpha", source="x")), 1)
    10.3
    >>> round(rci_threshold(Reliability(sd=12.40, r=0.82, source="Blevins 2015")), 1)
    14.6
    """
    return Z_CRITICAL * _s_diff(reliability)


def reliable_change(
    before: float,
    after: float,
    reliability: Reliability,
    *,
    higher_is_worse: bool = True,
) -> ReliableChange:
    """The Reliable Change Index from *before* to *after*.

    Parameters
    ----------
    before, after:
        Two scores on the same scale (finite numbers).
    reliability:
        The scale's published SD and reliability, with their source.
    higher_is_worse:
        Direction of the scale: decides whether a reliable rise is "reliably
        worse" or "reliably improved".

    Examples
    --------
    >>> from riskcore.instruments import Reliability
    >>> rel = Reliability(sd=12.40, r=0.82, source="Blevins et al. 2015")
    >>> ch = reliable_change(50, 30, rel)
    >>> ch.verdict, round(ch.threshold, 1), ch.source
    ('reliably improved', 14.6, 'Blevins et al. 2015')
    >>> reliable_change(50, 40, rel).verdict
    'no reliable change'
    >>> reliable_change(10, 25, rel, higher_is_worse=False).verdict
    'reliably improved'
    """
    pair: tuple[tuple[str, object], ...] = (("before", before), ("after", after))
    for name, x in pair:
        if (
            isinstance(x, bool)
            or not isinstance(x, (int, float))
            or not math.isfinite(x)
        ):
            msg = f"reliable change: {name} score {x!r} is not a finite number"
            raise InstrumentError(msg)
    s_diff = _s_diff(reliability)
    rc = (after - before) / s_diff
    verdict: Verdict
    if abs(rc) <= Z_CRITICAL:
        verdict = "no reliable change"
    elif (rc > 0) == higher_is_worse:
        verdict = "reliably worse"
    else:
        verdict = "reliably improved"
    return ReliableChange(
        before=float(before),
        after=float(after),
        rc=rc,
        s_diff=s_diff,
        threshold=Z_CRITICAL * s_diff,
        verdict=verdict,
        sd=reliability.sd,
        r=reliability.r,
        kind=reliability.kind,
        source=reliability.source,
        illustrative=reliability.illustrative,
    )


def reliable_change_array(
    before: Any,
    after: Any,
    reliability: Reliability,
    *,
    higher_is_worse: bool = True,
) -> tuple[Any, Any]:
    """Vectorised RCI: ``(rc, direction)`` arrays for many respondents.

    ``direction`` is ``+1`` reliably improved, ``0`` no reliable change (or a
    missing score), ``-1`` reliably worse (int8). NaN scores give NaN ``rc``.

    >>> import numpy as np
    >>> from riskcore.instruments import Reliability
    >>> rel = Reliability(sd=12.40, r=0.82, source="Blevins et al. 2015")
    >>> rc, d = reliable_change_array(np.array([50, 50, 30, np.nan]),
    ...                               np.array([30, 40, 50, 40]), rel)
    >>> d.tolist()
    [1, 0, -1, 0]
    """
    import numpy as np

    x1 = np.asarray(before, dtype=np.float64)
    x2 = np.asarray(after, dtype=np.float64)
    rc = (x2 - x1) / _s_diff(reliability)
    with np.errstate(invalid="ignore"):
        up = rc > Z_CRITICAL
        down = rc < -Z_CRITICAL
    worse, better = (up, down) if higher_is_worse else (down, up)
    direction = better.astype(np.int8) - worse.astype(np.int8)
    return rc, direction
