"""riskcore.batch: the cohort path gives the object path's answers, column by column."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskcore.batch
from riskcore import hookimpl
from riskcore.batch import BatchContribution, BatchFactor
from riskcore.errors import BatchError, PluginError
from riskcore.plugins import PluginManager

CLIENT_INSTRUMENTS = ("phq9", "gad7", "aggression-screen", "pcl5", "ace")
PROFESSIONAL_INSTRUMENTS = ("proqol5", "cbi", "pss10", "who5", "wleis", "pcl5")
RULE_BASED = {"client": ("cssrs-screener",), "professional": ()}


@pytest.fixture(scope="module")
def builtin_pm() -> PluginManager:
    """Every built-in plugin, without the example third-party plugin."""
    return PluginManager(block=["lone-working"])


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    from riskcore.catalog import default_catalog

    return default_catalog()


@pytest.fixture(scope="module")
def specs(builtin_pm: PluginManager) -> dict[str, object]:
    out = {}
    for o in builtin_pm.call_each("riskcore_instruments"):
        for s in o.result or ():
            out[s.id] = s
    return out


def _cell(lo: int, hi: int) -> st.SearchStrategy[object]:
    return st.one_of(
        st.integers(min_value=lo, max_value=hi),  # a valid code, most often
        st.integers(min_value=lo, max_value=hi),
        st.integers(min_value=lo, max_value=hi),
        st.integers(min_value=lo, max_value=hi),
        st.none(),  # unanswered
        st.sampled_from([hi + 1, lo - 1, 0.5]),  # invalid: out of range, not a code
    )


@st.composite
def tables(draw: st.DrawFn, specs: dict[str, object], kind: str) -> pd.DataFrame:
    pool = CLIENT_INSTRUMENTS if kind == "client" else PROFESSIONAL_INSTRUMENTS
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    n = draw(st.integers(min_value=1, max_value=6))
    cols: dict[str, list[object]] = {"subject": [f"s-{i}" for i in range(n)]}
    for inst in chosen:
        spec = specs[inst]
        skip = draw(st.lists(st.booleans(), min_size=n, max_size=n))  # not taken
        for item in spec.items:  # type: ignore[attr-defined]
            cells = draw(
                st.lists(_cell(item.minimum, item.maximum), min_size=n, max_size=n)
            )
            cols[f"{inst}.{item.id}"] = [
                None if s else c for s, c in zip(skip, cells, strict=True)
            ]
    for inst in RULE_BASED[kind]:
        if draw(st.booleans()):
            cols[f"{inst}.1"] = draw(
                st.lists(st.sampled_from([0, 1, None]), min_size=n, max_size=n)
            )
    return pd.DataFrame(cols, dtype=object)


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        a.drop(columns="path"), b.drop(columns="path"), check_exact=True
    )


@pytest.mark.parametrize("kind", ["client", "professional"])
def test_batch_equals_object_path(
    kind: str, builtin_pm: PluginManager, specs: dict[str, object], catalog: object
) -> None:
    """Hypothesis: on random tables (valid, missing and invalid answers, rows
    that did not take an instrument), every output column of the vectorised
    path equals the object path's (assess + identify, per subject)."""

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(tables(specs, kind))
    def check(table: pd.DataFrame) -> None:
        kw = {"kind": kind, "pm": builtin_pm, "catalog": catalog}
        got = riskcore.batch.run(table, **kw)
        want = riskcore.batch.run(table, force_object=True, **kw)
        if got.object_rows < len(table):  # some rows vectorised: every plugin ran
            assert got.vectorised == ("cultural", "ei", "safety", "trauma", "wellbeing")
        assert (want.frame["path"] == "object").all()
        _same(got.frame, want.frame)

    check()


def _complete_table(kind: str, n: int = 50, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    pm = PluginManager(block=["lone-working"])
    cols: dict[str, object] = {}
    pool = CLIENT_INSTRUMENTS if kind == "client" else PROFESSIONAL_INSTRUMENTS
    for o in pm.call_each("riskcore_instruments"):
        for s in o.result or ():
            if s.id in pool:
                for item in s.items:
                    cols[f"{s.id}.{item.id}"] = rng.integers(
                        item.minimum, item.maximum + 1, n
                    )
    return pd.DataFrame(cols)


@pytest.mark.parametrize("kind", ["client", "professional"])
def test_complete_rows_run_vectorised(kind: str, builtin_pm: PluginManager) -> None:
    """Complete answers need no object path: every row is vectorised, and the
    answers are still the object path's."""
    table = _complete_table(kind)
    got = riskcore.batch.run(table, kind=kind, pm=builtin_pm)
    assert got.object_rows == 0
    assert got.fallback == {}
    _same(
        got.frame,
        riskcore.batch.run(table, kind=kind, pm=builtin_pm, force_object=True).frame,
    )
    assert got.frame["subject"].tolist()[:2] == ["row-0", "row-1"]


def test_plugin_without_hook_sends_its_kind_to_the_object_path() -> None:
    """The example lone-working plugin has no batch hook and assesses
    professionals: a professional table goes through the object path, and the
    result says so; a client table does not need it."""
    pm = PluginManager()
    assert pm.record("lone-working") is not None
    table = _complete_table("professional", n=5)
    got = riskcore.batch.run(table, kind="professional", pm=pm)
    assert got.object_plugins == ("lone-working",)
    assert got.object_rows == 5
    assert got.fallback == {"plugin lone-working has no riskcore_batch_factors": 5}
    clients = riskcore.batch.run(_complete_table("client", n=5), pm=pm)
    assert clients.object_plugins == ()
    assert clients.object_rows == 0


class _Broken:
    @hookimpl
    def riskcore_batch_factors(self, batch):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


class _Lowering:
    """A plugin whose columnar factor is invalid (a zero odds ratio)."""

    @hookimpl
    def riskcore_batch_factors(self, batch):  # type: ignore[no-untyped-def]
        return BatchContribution(
            factors=[
                BatchFactor(threat="client-self-harm", odds_ratio=np.zeros(batch.n))
            ]
        )


@pytest.mark.parametrize("plugin", [_Broken(), _Lowering()])
def test_failed_batch_hook_falls_back_and_is_recorded(plugin: object) -> None:
    """A plugin whose batch hook raises or returns something invalid cannot
    lower a risk: its chunk goes to the object path, the failure is listed,
    and strict mode raises."""
    pm = PluginManager(block=["lone-working"], plugins=[("zz-bad", plugin)])
    table = _complete_table("client", n=4)
    got = riskcore.batch.run(table, pm=pm)
    assert [f.split(" (")[0] for f in got.failures] == ["plugin zz-bad failed"]
    assert got.object_rows == 4
    assert "zz-bad" not in got.vectorised
    _same(got.frame, riskcore.batch.run(table, pm=pm, force_object=True).frame)
    with pytest.raises(PluginError, match="zz-bad"):
        riskcore.batch.run(table, pm=pm, strict=True)


def test_missing_item9_fails_closed(builtin_pm: PluginManager) -> None:
    """An unanswered PHQ-9 item 9 counts as endorsed (x3.0, critical), although
    the total is prorated; a PHQ-9 with too many gaps is incomplete, and a
    subject without any screen gets the unscreened factor: a gap never lowers
    the risk."""
    answered = {f"phq9.{i}": [0, 0, 0, None, 3] for i in range(1, 10)}
    answered["phq9.9"] = [0, None, None, None, None]
    answered["phq9.8"] = [0, 0, None, None, None]
    answered["phq9.7"] = [0, 0, None, None, None]  # 3 gaps: the PHQ-9 allows 2
    table = pd.DataFrame(answered)
    got = riskcore.batch.run(table, pm=builtin_pm).frame
    # row 4: incomplete, 18 already: it could reach 15 (reach), so x1.5 counts
    assert got["factor.client-self-harm"].tolist() == [1.0, 3.0, 3.0, 3.0, 4.5]
    assert got["risk.client-self-harm.critical"].tolist() == [
        False,
        True,
        True,
        False,
        True,
    ]
    assert got["incomplete"].tolist() == [False, False, True, False, True]
    assert got["risk.client-self-harm.incomplete"].tolist() == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert got["risk.client-self-harm.level"].tolist() == ["medium"] + ["high"] * 4
    assert got["incomplete.reasons"].tolist()[2] == "phq9.total incomplete"
    assert got["path"].tolist() == ["vectorised"] * 5  # reach, on columns
    _same(got, riskcore.batch.run(table, pm=builtin_pm, force_object=True).frame)


def test_bad_rows_strict_and_lenient(builtin_pm: PluginManager) -> None:
    """A bad row (infinite answer, invalid or repeated id) is named by row
    number and column; lenient mode lists it in rejects, never silently."""
    table = pd.DataFrame(
        {
            "subject": ["a-1", "two words", "a-3", "a-1"],
            "gad7.1": [1.0, 1.0, math.inf, 2.0],
        }
    )
    with pytest.raises(BatchError, match=r"^row 11: column 'subject': is not a valid"):
        riskcore.batch.run(table, pm=builtin_pm, offset=10)
    got = riskcore.batch.run(table, pm=builtin_pm, lenient=True)
    assert got.rejects.to_dict("list") == {
        "row": [1, 2, 3],
        "column": ["subject", "gad7.1", "subject"],
        "problem": [
            "is not a valid identifier",
            "is not a finite number",
            "repeats a subject id of an earlier row",
        ],
    }
    assert got.frame["subject"].tolist() == ["a-1"]


def test_strings_are_invalid_answers_not_bad_rows(builtin_pm: PluginManager) -> None:
    """A typo in an answer invalidates the item, as on the object path."""
    table = pd.DataFrame({f"phq9.{i}": ["1"] + [1] * 0 for i in range(1, 10)})
    table["phq9.1"] = ["2x"]
    got = riskcore.batch.run(table, pm=builtin_pm)
    assert got.frame["flag.phq9.item9-positive"].tolist() == [False]
    assert got.frame["incomplete"].tolist() == [True]
    _same(got.frame, riskcore.batch.run(table, pm=builtin_pm, force_object=True).frame)


def test_unknown_item_column_is_an_error(builtin_pm: PluginManager) -> None:
    with pytest.raises(BatchError, match=r"'phq9.10': '10' is not an item"):
        riskcore.batch.run(pd.DataFrame({"phq9.10": [1]}), pm=builtin_pm)
    got = riskcore.batch.run(pd.DataFrame({"age": [1], "gad7.1": [0]}), pm=builtin_pm)
    assert got.ignored_columns == ("age",)


def test_kind_must_be_a_cohort_kind(builtin_pm: PluginManager) -> None:
    with pytest.raises(BatchError, match="practice"):
        riskcore.batch.run(
            pd.DataFrame({"gad7.1": [0]}), kind="practice", pm=builtin_pm
        )


def test_arrow_input_gives_the_same_frame(builtin_pm: PluginManager) -> None:
    pa = pytest.importorskip("pyarrow", reason="pyarrow is not installed")
    table = _complete_table("client", n=10)
    got = riskcore.batch.run(pa.Table.from_pandas(table), pm=builtin_pm)
    _same(got.frame, riskcore.batch.run(table, pm=builtin_pm).frame)
    assert got.to_arrow().num_rows == 10


def test_import_stays_light() -> None:
    """Plugins import riskcore.batch's types: that must not import numpy or pandas."""
    code = (
        "import sys, riskcore, riskcore.batch, riskcore_safety.hooks, "
        "riskcore_wellbeing.hooks, riskcore_ei.hooks;"
        "print(sorted(m for m in ('numpy', 'pandas', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_strict_marks_incomplete_rows_on_both_paths(builtin_pm: PluginManager) -> None:
    """strict=True raises on plugin failures only: an incomplete row is marked,
    whether it ran vectorised or through the object path (a C-SSRS row)."""
    table = pd.DataFrame(
        {"gad7.1": [1, 1], "cssrs-screener.1": [None, 0]}, dtype=object
    )
    got = riskcore.batch.run(table, pm=builtin_pm, strict=True).frame
    assert got["path"].tolist() == ["vectorised", "object"]
    assert got["incomplete"].tolist() == [True, True]


def test_default_catalog_comes_from_the_given_plugins() -> None:
    """Without a catalog, the threats are those of the plugin manager passed in."""
    pm = PluginManager(autoload=False, builtins=False)
    got = riskcore.batch.run(pd.DataFrame({"subject": ["a"]}), pm=pm)
    assert [c for c in got.frame.columns if c.startswith("risk.")] == []


def test_output_columns_share_no_memory(builtin_pm: PluginManager) -> None:
    """The frame holds the engine's arrays without copying them, so a mask used
    by two columns (a threat's incomplete rows, a critical category) must
    still be two arrays: writing one column never changes another, nor the
    input table."""
    table = _complete_table("client", n=20)
    table.insert(0, "subject", [f"s-{i}" for i in range(20)])
    frame = riskcore.batch.run(table, pm=builtin_pm).frame
    arrays = [
        frame[c].to_numpy() for c in frame.columns if frame[c].dtype.kind in "bfi"
    ]
    for i, a in enumerate(arrays):
        for b in arrays[i + 1 :]:
            assert not np.shares_memory(a, b)
    frame.loc[0, "incomplete"] = True
    frame.loc[0, "subject"] = "changed"
    assert not frame.loc[1:, "incomplete"].any()
    assert table.loc[0, "subject"] == "s-0"
    levels = [
        c for c in frame.columns if c.startswith("risk.") and c.endswith(".incomplete")
    ]
    assert not frame[levels].to_numpy().any()
