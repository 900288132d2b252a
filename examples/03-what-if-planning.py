# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # What-if planning
#
# Which mitigations buy the most harm reduction per dollar, in which order, and
# what happens at other budgets?

# %%
from pathlib import Path

import riskcore
from riskcore import plot
from riskcore.graph import build_graph

HERE = Path(__file__).parent if "__file__" in globals() else Path()
case = riskcore.load_case(HERE / "longmont-practice.yaml")
report = riskcore.build_plan(case, n=0)  # n=0: no Monte Carlo here
report.result

# %% [markdown]
# The plan, one row per mitigation, with why it was chosen:

# %%
report.result.to_pandas()[["phase", "cost", "reduction", "kind"]]

# %% [markdown]
# The mitigation graph, drawn by phase: a mitigation starts after its
# prerequisites.

# %%
from riskcore.display import GraphView

G = build_graph(report.catalog)
GraphView(G)

# %%
ax = plot.mitigation_dag(G, report.result.selected)

# %% [markdown]
# The cost–residual frontier: each point is the best plan at that budget.

# %%
ax = report.result.plot_frontier()

# %% [markdown]
# Half the budget: what is left over tolerance?

# %%
half = riskcore.build_plan(case, budget=(case.budget or 0) / 2, n=0)
print(repr(half.result).splitlines()[0])
over = half.register.to_pandas().query("not within_tolerance")
over[["level", "target"]].head(10)
