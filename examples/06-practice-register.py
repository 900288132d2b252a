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
# # The practice register over time
#
# `riskcore.store` keeps what a single plan forgets: every recorded run,
# decisions, incidents and reviews, in an append-only, hash-chained register
# (a SQLite file here; a PostgreSQL URL when a practice shares one). We
# record the example practice twice, a month apart, with one client's PHQ-9
# rising, and plot that client's trajectory from the store.
#
# Needs the `store` extra: `pip install "riskcore[store]"`.

# %%
import datetime as dt
import tempfile
from pathlib import Path

import attrs

import riskcore
from riskcore.instruments import Reliability
from riskcore.plot import rci_trajectory
from riskcore.store import open_store

HERE = Path(__file__).parent if "__file__" in globals() else Path()
case = riskcore.load_case(HERE / "longmont-practice.yaml")
folder = Path(tempfile.mkdtemp())
store = open_store(folder / "register.db", today=dt.date(2026, 12, 3))
first = store.record(riskcore.build_plan(case, n=0, seed=1))

# %% [markdown]
# A month later, c-01 answers the PHQ-9 again (a synthetic, worse answer).

# %%
responses = [
    attrs.evolve(
        r, items={str(k): 2 for k in range(1, 10)}, administered=dt.date(2026, 11, 2)
    )
    if (r.subject, r.instrument) == ("c-01", "phq9")
    else r
    for r in case.responses
]
later = attrs.evolve(case, responses=responses, assessed_on=dt.date(2026, 11, 2))
second = store.record(riskcore.build_plan(later, n=0, seed=1))
store.runs()

# %% [markdown]
# What changed between the runs, and why (the factors that moved):

# %%
store.diff(first, second)

# %% [markdown]
# c-01's scores over time, each against the previous administration with the
# Reliable Change Index (`riskcore.instruments.reliable_change`, with the
# reliability recorded beside the score and its source):

# %%
history = store.history("c-01")
phq = history[(history["instrument"] == "phq9") & (history["scale"] == "total")]
phq[["administered", "value", "band", "change", "rc", "threshold", "verdict"]]

# %%
with store.engine.connect() as conn:
    sd, r, source = conn.exec_driver_sql(
        "SELECT rel_sd, rel_r, rel_source FROM scores WHERE instrument = 'phq9' LIMIT 1"
    ).one()
reliability = Reliability(sd=sd, r=r, source=source)
ax = rci_trajectory(
    phq["value"].tolist(),
    reliability,
    when=phq["administered"].tolist(),
    label="PHQ-9 total",
)

# %% [markdown]
# The practice's loop: decide on a risk, record an incident, see what is due,
# and let an auditor verify that nothing was edited, deleted or re-ordered.

# %%
store.decide(
    "client-self-harm:c-01",
    "mitigate",
    by="t-01",
    on=dt.date(2026, 11, 2),
    justification="Stanley-Brown safety plan reviewed in session",
    next_review=dt.date(2026, 11, 16),
)
store.incident(
    threat="client-self-harm", subject="c-01", on=dt.date(2026, 11, 20),
    severity="minor", near_miss=True, actions="crisis line called; plan followed",
)  # fmt: skip
store.due(dt.date(2026, 11, 20)).head(8)

# %%
audit = store.verify()
store.close()
audit.ok, audit.records
