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
# # Quick start
#
# Plan for the synthetic Longmont practice in one call, then look at what came
# out. riskcore is **decision support, not diagnosis**: every figure below can
# be traced to its inputs. Subjects appear by pseudonymous id only.

# %%
from pathlib import Path

import riskcore

HERE = Path(__file__).parent if "__file__" in globals() else Path()
case = riskcore.load_case(HERE / "longmont-practice.yaml")
report = riskcore.build_plan(case, n=2_000, seed=1)
report  # critical risks and armed responses first

# %% [markdown]
# Each part has its own view: the assessment, the risk register, the plan.

# %%
report.assessment

# %%
report.register

# %%
report.result

# %% [markdown]
# Every collection becomes a DataFrame (columns in the docs, `notebooks` page).

# %%
risks = report.register.to_pandas()
risks[risks.critical][["inherent_level", "level", "target"]]  # indexed by risk id

# %% [markdown]
# ...and every result plots itself; the functions return the Axes.

# %%
ax = report.plot_heatmap()

# %% [markdown]
# In a terminal (or with `set_options(display="text")`) the same objects print
# a short summary.

# %%
from riskcore.display import set_options

with set_options(display="text"):
    print(repr(report.register))
