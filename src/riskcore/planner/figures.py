"""The strict residual of plans, risk by risk or class by class.

:class:`_Figures` is the evaluation half of
:class:`~riskcore.planner.compiled._Compiled`: every figure goes through
:func:`riskcore.calculus.credit`'s rule (:func:`riskcore.calculus.harms_shared`,
decided once per class of risks with equal layers). On large problems
(:data:`VECTOR_MIN` risks) the per-risk figures are numpy arrays filled class
by class; every sum still runs over the risks in the order the per-risk code
visits them, so both give the same floats (and the same plans).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from riskcore import calculus

if TYPE_CHECKING:  # pragma: no cover
    from riskcore.planner.compiled import _Instance

VECTOR_MIN = 2048
"""Problems with at least this many risks keep per-risk figures in numpy
arrays, filled class by class (:attr:`_Compiled.vector`): the same floats as
the per-risk lists of smaller problems, where numpy's call overhead would
cost more than it saves."""

MEMO_ITEMS = 4_000_000
"""Risks' entries kept in the caches of vector mode before they are cleared."""


def running_sum(values: Any, start: float = 0.0) -> float:
    """*start* plus each of *values* (a 1-d float array), one at a time, left
    to right: the float a Python loop ``start += v`` gives, computed by
    :func:`numpy.cumsum` (an accumulation, which numpy never regroups).

    >>> import numpy as np
    >>> v = np.array([0.1, 0.2, 0.3, 1e16, -1e16])
    >>> h = 5.0
    >>> for x in v.tolist():
    ...     h += x
    >>> running_sum(v, 5.0) == h
    True
    """
    import numpy as np

    if values.size == 0:
        return start
    with np.errstate(over="ignore", invalid="ignore"):  # as Python's floats do
        return float(np.cumsum(np.concatenate(([start], values)))[-1])


if sys.version_info < (3, 12):

    def array_sum(values: Any) -> float:
        """``sum(values.tolist())``: Python's own float sum, the per-risk
        code's, without a list (Python 3.11 adds one float at a time from
        ``0``, so :func:`running_sum` from ``0.0`` is the same float; an
        empty array sums to ``0``, as ``sum([])`` does).

        >>> import numpy as np
        >>> v = np.array([-0.0, 0.1, 0.2, 0.3, 1e16, -1e16])
        >>> array_sum(v) == sum(v.tolist()), array_sum(v[:0])
        (True, 0)
        """
        if values.size == 0:
            return 0
        return running_sum(values)

else:  # pragma: no cover - from 3.12 sum() of floats is compensated

    def array_sum(values: Any) -> float:
        """``sum(values.tolist())`` (Python 3.12+ compensates a float sum)."""
        out: float = sum(values.tolist())
        return out


def _columns(pairs: Sequence[tuple[int, float]]) -> tuple[Any, Any]:
    """The indices and the factors of *pairs* as two arrays (intp, float).

    >>> j, f = _columns([(3, 0.5), (7, 0.25)])
    >>> j.tolist(), f.tolist(), j.dtype == _columns([])[0].dtype
    ([3, 7], [0.5, 0.25], True)
    """
    import numpy as np

    js, fs = zip(*pairs, strict=True) if pairs else ((), ())
    return np.array(js, dtype=np.intp), np.array(fs, dtype=float)


class _Figures:
    """Strict figures of a compiled problem (the attributes are
    :class:`~riskcore.planner.compiled._Compiled`'s)."""

    layers: list[list[tuple[int, calculus.LayerInput]]]
    lik: list[float]
    imp: list[float]
    h: list[float]
    risk_ids: list[str]
    insts: list[_Instance]
    inst_of: list[list[int]]
    touch: list[list[int]]
    solid: list[list[int]]
    eff_list: list[list[tuple[int, float]]]
    inst_eff: list[list[tuple[int, float]]]
    cls: list[int]
    pos: list[int]
    cls_members: list[list[int]]
    vector: bool
    _memo: dict[tuple[int, int], calculus.Credit]
    _cls_memo: dict[tuple[int, int], list[float]]

    def present(self, owner: int, has: Callable[[int], bool]) -> bool:
        """Whether *owner*'s layers are in force when *has* says what is chosen."""
        if owner >= 0:
            return has(owner)
        inst = self.insts[~owner]
        return inst.const or all(has(k) for k in inst.req)

    def _mask(
        self, j: int, has: Callable[[int], bool]
    ) -> tuple[int, list[calculus.LayerInput]]:
        mask = 0
        layers = []
        for k, (o, li) in enumerate(self.layers[j]):
            if self.present(o, has):
                mask |= 1 << k
                layers.append(li)
        return mask, layers

    def credit(self, j: int, has: Callable[[int], bool]) -> calculus.Credit:
        """:func:`riskcore.calculus.credit` of risk *j* with the layers in force.

        Memoised on the set of layers in force (the rule is a pure function
        of them), so the heuristics can ask again cheaply.
        """
        mask, layers = self._mask(j, has)
        key = (j, mask)
        out = self._memo.get(key)
        if out is None:
            out = calculus.credit(
                self.lik[j], self.imp[j], layers, risk=self.risk_ids[j]
            )
            self._memo[key] = out
        return out

    def _class_harms(
        self, g: int, mask: int, layers: list[calculus.LayerInput]
    ) -> list[float]:
        key = (g, mask)
        out = self._cls_memo.get(key)
        if out is None:
            ms = self.cls_members[g]
            out = calculus.harms_shared(
                [(self.lik[i], self.imp[i]) for i in ms],
                layers,
                risks=[self.risk_ids[i] for i in ms],
            )
            self._cls_memo[key] = out
        return out

    def risk_harm(self, j: int, has: Callable[[int], bool]) -> float:
        """Strict residual expected harm of risk *j* (its class, credited once)."""
        mask, layers = self._mask(j, has)
        return self._class_harms(self.cls[j], mask, layers)[self.pos[j]]

    def harms_of(
        self, js: Iterable[int], has: Callable[[int], bool]
    ) -> dict[int, float]:
        """:meth:`risk_harm` of each of *js*, in their order; one mask per class."""
        seen: dict[int, list[float]] = {}
        out: dict[int, float] = {}
        for j in js:
            g = self.cls[j]
            harms = seen.get(g)
            if harms is None:
                harms = seen[g] = self._class_harms(g, *self._mask(j, has))
            out[j] = harms[self.pos[j]]
        return out

    def harm_by_risk(self, chosen: Collection[int]) -> list[float]:
        """Strict residual expected harm of every risk with *chosen* in place."""
        return self.as_list(self.per_risk(chosen.__contains__))

    def harm(self, chosen: Collection[int]) -> float:
        """Strict residual expected harm, summed over the risks (in risk order)."""
        return sum(self.harm_by_risk(chosen))

    def surv(self, chosen: Collection[int]) -> Any:
        """All-safeguards survival of each risk: for ranking candidates only.

        A list, or in :attr:`vector` mode an array with the same figures
        (every factor multiplied in the same order).
        """
        has = chosen.__contains__
        if self.vector:
            import numpy as np

            a = np.ones(len(self.h))
            for i in chosen:
                a[self.eff_idx[i]] *= self.eff_f[i]
            # present(~q) for every instance q, decided once per requirement
            # list (the same for every subject's instance of one response)
            pres = np.fromiter(
                (all(has(k) for k in req) for req in self.inst_reqs),
                dtype=bool,
                count=len(self.inst_reqs),
            )
            on = pres[self.inst_key][self.inst_k]
            np.multiply.at(a, self.inst_j[on], self.inst_fall[on])
            return a
        s = [1.0] * len(self.h)
        for i in chosen:
            for j, f in self.eff_list[i]:
                s[j] *= f
        for k in range(len(self.insts)):
            if self.present(~k, has):
                for j, f in self.inst_eff[k]:
                    s[j] *= f
        return s

    # -- per-risk figures as numpy arrays, class by class (large problems)

    def _vectors(self) -> None:
        """The arrays of :attr:`vector` mode: members, inherent harm, factors."""
        import numpy as np

        self.cls_idx = [np.array(m, dtype=np.intp) for m in self.cls_members]
        self.h_a = np.array(self.h, dtype=float)
        self.lik_a = np.array(self.lik, dtype=float)
        self.imp_a = np.array(self.imp, dtype=float)
        self.cls_a = np.array(self.cls, dtype=np.intp)
        cols = [_columns(e) for e in self.eff_list]
        self.eff_idx = [j for j, _ in cols]
        self.eff_f = [f for _, f in cols]
        self._inst_arrays: dict[int, tuple[Any, Any]] = {}
        # every instance's (risk, factor) pairs, one after the other
        self.inst_k = np.repeat(
            np.arange(len(self.inst_eff), dtype=np.intp),
            [len(e) for e in self.inst_eff],
        )
        self.inst_j, self.inst_fall = _columns(
            list(itertools.chain.from_iterable(self.inst_eff))
        )
        # each instance's requirement list, by index; the last is the empty
        # one of instances always in force (present() is then True)
        reqs: dict[tuple[int, ...], int] = {}
        key = [
            -1 if inst.const else reqs.setdefault(tuple(inst.req), len(reqs))
            for inst in self.insts
        ]
        self.inst_reqs: list[tuple[int, ...]] = [*reqs, ()]
        self.inst_key = np.array(key, dtype=np.intp)
        self.solid_a = [np.array(x, dtype=np.intp) for x in self.solid]
        self._arr_memo: dict[tuple[int, int], Any] = {}
        self._cls_names: dict[int, list[str]] = {}
        self._order_memo: dict[tuple[int, ...], tuple[Any, list[int]]] = {}
        self._terms_memo: dict[tuple[tuple[int, ...], tuple[int, ...]], Any] = {}
        self._memo_size = 0

    def inst_arrays(self, q: int) -> tuple[Any, Any]:
        """The risks instance *q* acts on and its all-safeguards factors, as
        arrays (built when first asked: most of the many instances never are)."""
        import numpy as np

        got = self._inst_arrays.get(q)
        if got is None:
            e = self.inst_eff[q]
            got = self._inst_arrays[q] = (
                np.array([j for j, _ in e], dtype=np.intp),
                np.array([f for _, f in e], dtype=float),
            )
        return got

    def _remember(self, memo: dict[Any, Any], key: Any, value: Any, size: int) -> None:
        """Keep *value*; forget every cached order and term list past
        :data:`MEMO_ITEMS` figures (memory, never a result, depends on it)."""
        self._memo_size += size
        if self._memo_size > MEMO_ITEMS:
            self._order_memo.clear()
            self._terms_memo.clear()
            self._memo_size = size
        memo[key] = value

    def _class_array(self, g: int, has: Callable[[int], bool]) -> Any:
        """:meth:`_class_harms` of class *g* as an array."""
        mask, layers = self._mask(self.cls_members[g][0], has)
        out = self._arr_memo.get((g, mask))
        if out is None:
            idx = self.cls_idx[g]
            names = self._cls_names.get(g)
            if names is None:  # the members' ids (to name an error), once
                names = [self.risk_ids[j] for j in self.cls_members[g]]
                self._cls_names[g] = names
            out = self._arr_memo[(g, mask)] = calculus.harms_shared_array(
                self.lik_a[idx], self.imp_a[idx], layers, risks=names
            )
        return out

    def per_risk(self, has: Callable[[int], bool]) -> Any:
        """Strict harm of every risk: a list, or an array in :attr:`vector` mode."""
        if not self.vector:
            return list(self.harms_of(range(len(self.h)), has).values())
        import numpy as np

        out = np.empty(len(self.h))
        for g, idx in enumerate(self.cls_idx):
            out[idx] = self._class_array(g, has)
        return out

    def total(self, per: Any) -> float:
        """The sum of a :meth:`per_risk` figure, in risk order."""
        if self.vector:
            return array_sum(per)
        vals: list[float] = per
        return sum(vals)

    def copy(self, per: Any) -> Any:
        """A copy of a :meth:`per_risk` figure."""
        return per.copy() if self.vector else list(per)

    def harms_for(self, js: Sequence[int], has: Callable[[int], bool]) -> list[float]:
        """The strict harm of each of *js* (distinct), in their order."""
        if not self.vector:
            return list(self.harms_of(js, has).values())
        import numpy as np

        out: list[float] = self.per_risk(has)[np.array(js, dtype=np.intp)].tolist()
        return out

    def as_list(self, per: Any) -> list[float]:
        """A :meth:`per_risk` figure as a list of floats."""
        out: list[float] = per.tolist() if self.vector else list(per)
        return out

    def change(self, items: Sequence[int], has: Callable[[int], bool]) -> _Change:
        """The strict harm, under *has*, of the risks *items* can move.

        The risks are visited in the order of the set the per-risk code
        built (:meth:`affected_order`), so every sum over them is the same
        float in both modes.
        """
        if not self.vector:
            return _Change(self, self.harms_of(self.affected(items), has), None, [])
        order, classes = self.affected_order(items)
        return _Change(
            self, None, order, [(g, self._class_array(g, has)) for g in classes]
        )

    def affected(self, items: Iterable[int]) -> set[int]:
        """Risks whose strict figure can change when *items* come or go."""
        out: set[int] = set()
        for i in items:
            out.update(self.touch[i])
            for k in self.inst_of[i]:
                out.update(self.insts[k].risks)
        return out

    def affected_order(self, items: Sequence[int]) -> tuple[Any, list[int]]:
        """:meth:`affected` as an array in the set's order, and its classes.

        Every member of a class has the same owners, so the risks are whole
        classes.
        """
        import numpy as np

        key = tuple(items)
        got = self._order_memo.get(key)
        if got is None:
            out = self.affected(items)
            order = np.fromiter(out, dtype=np.intp, count=len(out))
            got = (order, np.unique(self.cls_a[order]).tolist())
            self._remember(self._order_memo, key, got, len(out))
        return got

    def products(self, missing: Sequence[int], new: Sequence[int]) -> dict[int, float]:
        """``Π f`` per risk of the all-safeguards factors of *missing*
        mitigations, then of *new* instances, multiplied in that order; the
        risks in the order they first appear."""
        prod: dict[int, float] = {}
        for k in missing:
            for j, f in self.eff_list[k]:
                prod[j] = prod.get(j, 1.0) * f
        for q in new:
            for j, f in self.inst_eff[q]:
                prod[j] = prod.get(j, 1.0) * f
        return prod

    def gain_terms(self, missing: Sequence[int], new: Sequence[int]) -> Any:
        """The risks and ``1 − Π f`` of an all-safeguards estimate (vector mode).

        The factors of *missing* mitigations, then of *new* instances, are
        multiplied per risk in that order and the risks kept in the order
        they first appear: the terms of the per-risk sum, in its order.
        """
        import numpy as np

        key = (tuple(missing), tuple(new))
        got = self._terms_memo.get(key)
        if got is None:
            # :meth:`products` with arrays: each owner has one factor per risk
            # it acts on, multiplied in (missing, then new) order, one owner
            # at a time (np.multiply.at: unbuffered, in order, for instances
            # that share a risk); the risks in the order they first appear
            parts = [self.eff_idx[k] for k in missing]
            facts = [self.eff_f[k] for k in missing]
            for q in new:
                idx, f = self.inst_arrays(q)
                parts.append(idx)
                facts.append(f)
            if not parts:
                return np.empty(0, dtype=np.intp), np.empty(0)
            idx_all = np.concatenate(parts)
            prod = np.ones(len(self.h))
            for k, f in zip(missing, facts, strict=False):
                prod[self.eff_idx[k]] *= f
            if new:
                n_m = sum(len(x) for x in parts[: len(missing)])
                np.multiply.at(
                    prod, idx_all[n_m:], np.concatenate(facts[len(missing) :])
                )
            _, first = np.unique(idx_all, return_index=True)
            order = idx_all[np.sort(first)]
            got = (order, 1.0 - prod[order])
            self._remember(self._terms_memo, key, got, len(order))
        return got


class _Change:
    """The strict harm of the risks a change of plan can move (:meth:`_Compiled.change`).

    Per risk, a dict from risk to its new figure in the order the risks were
    visited; in vector mode, that order as an array and the new figures of
    the classes it covers. Every sum runs over the risks in that order, so
    both modes give the same floats.
    """

    __slots__ = ("after", "c", "order", "parts")

    def __init__(
        self,
        c: _Figures,
        after: dict[int, float] | None,
        order: Any,
        parts: list[tuple[int, Any]],
    ) -> None:
        self.c = c
        self.after = after
        self.order = order
        self.parts = parts

    def _new(self, base: Any) -> Any:
        new = base.copy()
        for g, arr in self.parts:
            new[self.c.cls_idx[g]] = arr
        return new

    def gain(self, base: Any) -> float:
        """``Σ base[j] − new[j]``: the harm the change removes."""
        if self.after is not None:
            d: list[float] = [base[j] - v for j, v in self.after.items()]
        else:
            o = self.order
            return array_sum(base[o] - self._new(base)[o])
        return sum(d)

    def loss(self, base: Any) -> float:
        """``Σ new[j] − base[j]``: the harm the change adds."""
        if self.after is not None:
            d: list[float] = [v - base[j] for j, v in self.after.items()]
        else:
            o = self.order
            return array_sum(self._new(base)[o] - base[o])
        return sum(d)

    def no_rise(self, base: Any) -> bool:
        """Whether no risk's figure rises above *base* (beyond rounding)."""
        if self.after is not None:
            return all(
                v <= base[j] * (1 + 1e-12) + 1e-15 for j, v in self.after.items()
            )
        o = self.order
        return bool((self._new(base)[o] <= base[o] * (1 + 1e-12) + 1e-15).all())

    def apply(self, base: Any, harm: float = 0.0) -> float:
        """Write the new figures into *base*; returns *harm* plus each change,
        added one risk at a time in the visiting order."""
        if self.after is not None:
            for j, v in self.after.items():
                harm += v - base[j]
                base[j] = v
            return harm
        o = self.order
        new = self._new(base)
        harm = running_sum(new[o] - base[o], harm)
        base[o] = new[o]
        return harm
