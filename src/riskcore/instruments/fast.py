"""The generated fast path of :func:`~riskcore.instruments.score_to_scores`.

One function per spec, generated from it (as attrs generates ``__init__``) and
cached on the spec, scores a response whose every item is answered by an
integer code in range; anything else goes through
:func:`~riskcore.instruments.score_items`. Internal.

.. versionadded:: 0.1
"""

from __future__ import annotations

import operator
from bisect import bisect_right
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from riskcore.model._fields import _KNOWN_IDS, _checked_id
from riskcore.model.assessment import Score, _checked

if TYPE_CHECKING:
    from riskcore.instruments.spec import InstrumentSpec
    from riskcore.model.subjects import SubjectKind


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
