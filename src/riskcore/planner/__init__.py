"""The planner: choose mitigations that are closed under "requires".

Two modes over one model of expected residual harm:

* **budget** (``objective="harm"``): under a money and/or hours budget,
  minimise Σ_risks p_res × I_res;
* **tolerance** (``objective="cost"``): bring every risk's residual expected
  harm within its tolerance at minimum cost, or return an explicit
  ``"infeasible"`` result naming the risks that cannot be reached and why.

The residual is the register's **strict** figure, computed by
:func:`riskcore.calculus.credit`, the one crediting rule
(``docs/crediting.md``): on each side (likelihood, impact) of a risk, layers
that share a dependency (a mitigation both require, transitively, or a
shared ``resources`` entry) form a common-cause group and only the best layer
of each group is credited, ``p × Π(1 − e_best) × I × Π(1 − e_best)``. Groups
form among the layers present, so the figure is not monotone in the plan.
Responses act per (response, subject): forced for the subject of a critical
risk that requires them (with what they require), or armed by a trigger and
in force once what they require is in the plan. Every plan contains the
closure of what it chooses.

Methods (recorded in :attr:`Solution.method` with the optimality gap):

* ``"milp-oa"`` (exact, budget mode): outer approximation. ``harm_r =
  h_r × exp(y_r)`` with ``y_r = Σ log f_l · z_l`` is convex in *y*, so
  tangent cuts under-estimate it. ``z_l`` is the credit of a conflicted
  layer (``z ≤ x``, ``Σ z ≤ 1`` per shared dependency key, lazy cuts
  ``z_a + z_b ≤ 1 + Σ_{u on the path}(1 − x_u)`` for layers a chain links);
  unconflicted layers enter through ``x``. A MILP (``scipy.optimize.milp``,
  HiGHS) over the cuts, precedence and budgets gives a lower bound, its
  solution evaluated by :func:`~riskcore.calculus.credit` an upper bound;
  cuts are added until the two meet within ``gap``.
* ``"milp"`` (exact, tolerance mode): the tolerances are linear in log space,
  ``Σ log f_l · z_l ≤ log(tol_r / h_r)``: a covering MILP with precedence and
  the same credit rows, re-solved with new cuts until no group is credited
  twice.
* ``"greedy"`` (large instances): lazy greedy on the closure-aware ratio
  harm reduction / cost of (item + missing prerequisites), ranked by the
  all-safeguards gain and accepted only on a positive strict gain, the best
  single closure, then drop-add local improvement (strict); the gap is to the
  LP relaxation of the outer approximation crediting every owner's best layer
  (a valid lower bound of the strict figure).

Every plan is pruned of chosen leaves that lower no risk, and a tolerance
plan is re-checked with :func:`~riskcore.calculus.credit`: never
``"feasible"`` with a risk over tolerance.

numpy and scipy are imported inside the functions that need them.

The package holds one idea per module: :mod:`~riskcore.planner.problem` (the
problem types), :mod:`~riskcore.planner.compiled` (the index, layers and
classes), :mod:`~riskcore.planner.figures` (the strict residual, risk by risk
or class by class), :mod:`~riskcore.planner.solve` (the entry point),
:mod:`~riskcore.planner.budget` and :mod:`~riskcore.planner.tolerance` (the two
modes), :mod:`~riskcore.planner.heuristic` (greedy and local search),
:mod:`~riskcore.planner.outer`, :mod:`~riskcore.planner.exact` and
:mod:`~riskcore.planner.bound` (the outer approximation, its MILPs and its LP
bound), :mod:`~riskcore.planner.assemble` and :mod:`~riskcore.planner.explain`
(the result and its reasons), :mod:`~riskcore.planner.result`,
:mod:`~riskcore.planner.frontier` and :mod:`~riskcore.planner.adapter` (from a
catalog).

.. versionadded:: 0.1
"""

from __future__ import annotations

from riskcore._deprecated import renamed_names
from riskcore.planner.adapter import plan, problem_from_catalog
from riskcore.planner.frontier import pareto_frontier
from riskcore.planner.problem import (
    Method as Method,
)
from riskcore.planner.problem import (
    MitigationSpec,
    PlanningProblem,
    ResponseSpec,
    RiskEffect,
    RiskSpec,
)
from riskcore.planner.problem import (
    Objective as Objective,
)
from riskcore.planner.result import FrontierPoint, Infeasibility, Reason, Solution
from riskcore.planner.solve import solve

__all__ = [
    "FrontierPoint",
    "Infeasibility",
    "MitigationSpec",
    "PlanningProblem",
    "Reason",
    "ResponseSpec",
    "RiskEffect",
    "RiskSpec",
    "Solution",
    "pareto_frontier",
    "plan",
    "problem_from_catalog",
    "solve",
]


_old_names = renamed_names("riskcore.planner", {"PlanResult": Solution})


def __getattr__(name: str) -> object:
    """``PlanResult``, the old name of :class:`Solution`, with a
    :class:`DeprecationWarning` (removed in riskcore 0.3)."""
    return _old_names(name)
