"""to_pandas(): documented columns and dtypes, for empty and real results."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")

import riskcore  # noqa: E402
from riskcore import frames  # noqa: E402
from riskcore.model import Assessment  # noqa: E402
from riskcore.model.risk import RiskRegister  # noqa: E402
from riskcore.planner import Solution  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs" / "notebooks.md"


@pytest.fixture(scope="module")
def report():
    case = riskcore.load_case("examples/longmont-practice.yaml")
    return riskcore.build_plan(case, n=300, seed=1)


def _check(df, columns, index=None):
    # indexed by the natural id; the documented columns are the index levels
    # then the columns
    if index is not None:
        assert list(df.index.names) == list(index)
    df = df.reset_index()
    assert list(df.columns)[: len(columns)] == list(columns)
    for name, kind in columns.items():
        dtype = df[name].dtype
        if kind == "string":
            assert isinstance(dtype, pd.StringDtype), name
            assert dtype.na_value is pd.NA
        elif kind == "category":
            assert isinstance(dtype, pd.CategoricalDtype), name
            assert dtype.ordered, name
        else:
            assert str(dtype) == kind, (name, dtype)


def test_assessment_frame(report):
    df = report.assessment.to_pandas()
    _check(df, frames.ASSESSMENT_COLUMNS, frames.ASSESSMENT_INDEX)
    assert len(df) == len(report.assessment.scores)
    assert df.loc[("c-04", "phq9", "total"), "flag_codes"] == "phq9.item9-positive"
    assert df["critical"].sum() == 2
    assert df.loc[~df["complete"], "value"].isna().all()
    _check(Assessment(case_id="x").to_pandas(), frames.ASSESSMENT_COLUMNS)


def test_register_frame(report):
    df = report.register.to_pandas()
    _check(df, frames.REGISTER_COLUMNS, ["id"])
    assert len(df) == len(report.register.risks)
    assert df.loc["client-self-harm:c-04", "critical"]
    assert (df["level"] >= "low").all()
    assert df["level"].cat.categories.tolist() == ["low", "medium", "high", "very-high"]
    inh = frames.register_frame(report.register, report.inherent)
    assert (inh["inherent_harm"] >= inh["residual_harm"] - 1e-12).all()
    _check(
        RiskRegister(case_id="x", method_version="x").to_pandas(),
        frames.REGISTER_COLUMNS,
    )


def test_plan_frame(report):
    df = report.result.to_pandas()
    _check(df, frames.PLAN_COLUMNS, ["mitigation"])
    assert sorted(df.index) == sorted(report.result.selected)
    assert df["phase"].is_monotonic_increasing
    assert df["phase"].min() == 1
    assert df["cost"].sum() == pytest.approx(report.result.cost)
    empty = Solution(status="optimal", mode="budget", method="x", selected=("a",))
    row = empty.to_pandas().iloc[0]  # selected without phases or reasons
    assert row["phase"] == 0
    assert pd.isna(row["cost"])
    assert pd.isna(row["kind"])


def test_simulation_frame(report):
    df = report.simulation.to_pandas()
    _check(df, frames.SIMULATION_COLUMNS, ["risk"])
    assert list(df.columns)[2:] == ["p5", "p50", "p95", "p99"]
    assert all(str(df[c].dtype) == "float64" for c in df.columns[2:])
    assert len(df) == len(report.simulation.risks)
    assert (df["p5"] <= df["p99"]).all()


def test_columns_are_documented():
    text = DOCS.read_text()
    for cols in (
        frames.ASSESSMENT_COLUMNS,
        frames.REGISTER_COLUMNS,
        frames.PLAN_COLUMNS,
        frames.SIMULATION_COLUMNS,
    ):
        for name, kind in cols.items():
            assert f"`{name}` | `{kind}`" in text, name


def test_missing_pandas_gives_a_hint(monkeypatch):
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r'pip install "riskcore\[pandas\]"'):
        Assessment(case_id="x").to_pandas()


def test_no_column_shadows_a_dataframe_attribute(report):
    """Issue 20: ``df.flags`` was pandas' flags, not the score's; ``df.mean``
    the method. No column is named like a DataFrame attribute."""
    for df in (
        report.assessment.to_pandas(),
        report.register.to_pandas(),
        report.result.to_pandas(),
        report.simulation.to_pandas(),
    ):
        for name in [*df.columns, *df.index.names]:
            assert not hasattr(pd.DataFrame, name), name


def test_the_notebook_extra_and_its_install_line():
    """Issue 20: ``riskcore[notebook]`` brings jupytext, and the docs give the
    install line with every plugin the example notebooks need."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    meta = tomllib.loads((root / "pyproject.toml").read_text())
    extra = meta["project"]["optional-dependencies"]["notebook"]
    assert any(d.startswith("jupytext") for d in extra)
    assert any(d.startswith("riskcore[pandas,plot]") for d in extra)
    text = DOCS.read_text()
    for plugin in sorted(p.name for p in (root / "plugins").iterdir() if p.is_dir()):
        assert f"-e plugins/{plugin}" in text, plugin
    quick = (root / "docs" / "quickstart.md").read_text()
    assert "riskcore plan examples/longmont-practice.yaml -o report.html" in quick
