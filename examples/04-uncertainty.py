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
# # Uncertainty
#
# Likelihoods, effectiveness and impacts are uncertain. A seeded Monte Carlo
# run gives percentiles of the residual expected harm, the loss-exceedance
# curve and which parameters matter most (the tornado).

# %%
from pathlib import Path

import riskcore
from riskcore import plot
from riskcore.simulate import simulate

HERE = Path(__file__).parent if "__file__" in globals() else Path()
case = riskcore.load_case(HERE / "longmont-practice.yaml")
report = riskcore.build_plan(case, n=0)
sim = simulate(report.register, n=5_000, seed=7)
sim

# %%
per_risk = sim.to_pandas()
per_risk.sort_values("p95", ascending=False).head(8)

# %%
ax = sim.plot_exceedance()

# %%
ax = plot.tornado(sim, top=8)

# %% [markdown]
# The same seed gives the same numbers: the run can be reproduced from the
# report's provenance.

# %%
again = simulate(report.register, n=5_000, seed=7)
assert again.total == sim.total
