"""riskcore.batch with one row per administration (issue #16): each row's own
scores, and its subject's risks as of it, equal to the object path's."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import riskcore.batch
from riskcore.assess import assess
from riskcore.errors import BatchError
from riskcore.identify import identify, risk_id
from riskcore.model import Case, Client, InstrumentResponse, Practice, Professional
from riskcore.plugins import PluginManager
from tests.test_batch import (  # the same fixtures and answer cells
    CLIENT_INSTRUMENTS,
    PROFESSIONAL_INSTRUMENTS,
    _cell,
    builtin_pm,
    catalog,
    specs,
)

__all__ = ["builtin_pm", "catalog", "specs"]  # fixtures, used by name

DAYS = [None, "2026-01-05", "2026-03-01", "2026-06-20", "2026-06-20"]


@st.composite
def waves(draw: st.DrawFn, specs: dict[str, object], kind: str) -> pd.DataFrame:
    """1-3 subjects with 1-4 administrations each, rows shuffled; dates with
    ties and undated ones; a random set of instruments per wave (C-SSRS
    answers, rule-based, on some client waves)."""
    pool = CLIENT_INSTRUMENTS if kind == "client" else PROFESSIONAL_INSTRUMENTS
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    cssrs = kind == "client" and draw(st.booleans())
    subjects: list[str] = []
    for s in range(draw(st.integers(min_value=1, max_value=3))):
        subjects += [f"s-{s}"] * draw(st.integers(min_value=1, max_value=4))
    n = len(subjects)
    order = draw(st.permutations(range(n)))
    rows: list[dict[str, object]] = []
    for i in order:
        row: dict[str, object] = {
            "subject": subjects[i],
            "date": draw(st.sampled_from(DAYS)),
        }
        for inst in chosen:
            taken = draw(st.booleans())
            for item in specs[inst].items:  # type: ignore[attr-defined]
                row[f"{inst}.{item.id}"] = (
                    draw(_cell(item.minimum, item.maximum)) if taken else None
                )
        if cssrs:
            taken = draw(st.booleans())
            for item in ("1", "2", "6", "6b"):
                row[f"cssrs-screener.{item}"] = (
                    draw(st.sampled_from([0, 1, None])) if taken else None
                )
        rows.append(row)
    return pd.DataFrame(rows, dtype=object)


def _reference(
    table: pd.DataFrame, kind: str, pm: PluginManager, catalog: object
) -> pd.DataFrame:
    """The object path written out here: for each row, a case holding its
    subject's responses dated up to it (ordered by Case.history itself),
    assess then identify; each threat's level, critical and incomplete flags."""
    items: dict[str, list[str]] = {}
    for col in table.columns:
        inst, dot, item = str(col).partition(".")
        if dot:
            items.setdefault(inst, []).append(item)
    day = [
        dt.date.min if d is None else dt.date.fromisoformat(str(d))
        for d in table["date"]
    ]
    out: list[dict[str, object]] = []
    threats = [t for t in catalog.threats if t.scope.value == kind]  # type: ignore[attr-defined]
    for r in range(len(table)):
        sid = table["subject"].iloc[r]
        responses = []
        for j in range(len(table)):
            if table["subject"].iloc[j] != sid or (day[j], j) > (day[r], r):
                continue
            for inst, ids in items.items():
                answers = {i: table[f"{inst}.{i}"].iloc[j] for i in ids}
                if any(v is not None for v in answers.values()):
                    d = table["date"].iloc[j]
                    responses.append(
                        InstrumentResponse(
                            instrument=inst,
                            subject=sid,
                            items=answers,
                            administered=None
                            if d is None
                            else dt.date.fromisoformat(d),
                        )
                    )
        subject = Client(id=sid) if kind == "client" else Professional(id=sid)
        case = Case(
            id="ref",
            practice=Practice(id="p"),
            responses=responses,
            **(
                {"clients": [subject]}
                if kind == "client"
                else {"professionals": [subject]}
            ),
        )
        assessment = assess(case, pm=pm)
        register = identify(assessment, catalog, case, pm=pm)  # type: ignore[arg-type]
        got: dict[str, object] = {}
        for t in threats:
            risk = register.risk(risk_id(t.id, sid))
            got[f"risk.{t.id}.level"] = risk.level
            got[f"risk.{t.id}.critical"] = risk.critical
            got[f"risk.{t.id}.incomplete"] = risk.incomplete
            got[f"risk.{t.id}.likelihood"] = risk.inherent.likelihood
        out.append(got)
    return pd.DataFrame(out)


@pytest.mark.parametrize("kind", ["client", "professional"])
def test_waves_equal_object_path(
    kind: str, builtin_pm: PluginManager, specs: dict[str, object], catalog: object
) -> None:
    """Hypothesis, over every built-in plugin: on random tables with several
    administrations per subject (dates with ties, undated ones, rows out of
    order, random instruments per wave), every column equals the object path
    run row by row through the cohort path (``force_object``), the risk
    columns equal a case built here from the subject's responses up to the
    row, and the score columns equal the row's own answers scored alone."""

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(waves(specs, kind))
    def check(table: pd.DataFrame) -> None:
        kw = {"kind": kind, "pm": builtin_pm, "catalog": catalog}
        got = riskcore.batch.run(table, administered_column="date", **kw)
        want = riskcore.batch.run(
            table, administered_column="date", force_object=True, **kw
        )
        assert (want.frame["path"] == "object").all()
        pd.testing.assert_frame_equal(
            got.frame.drop(columns="path"),
            want.frame.drop(columns="path"),
            check_exact=True,
        )
        ref = _reference(table, kind, builtin_pm, catalog)
        for col in ref.columns:
            shown = got.frame[col]
            expect = ref[col]
            if col.endswith(".level"):
                shown = shown.astype(str)
            assert shown.tolist() == expect.tolist(), col
        alone = table.drop(columns="date").assign(
            subject=[f"r-{i}" for i in range(len(table))]
        )
        own = riskcore.batch.run(alone, **kw).frame
        scores = [
            c
            for c in own.columns
            if c.startswith("flag.")
            or (c.split(".")[0] in specs and not c.startswith("risk."))
        ]
        pd.testing.assert_frame_equal(got.frame[scores], own[scores], check_exact=True)

    check()


def test_later_wave_replaces_earlier_factor(builtin_pm: PluginManager) -> None:
    """The latest PHQ-9 counts: a severe wave, then a minimal one (given
    first in the table, dated later), lowers the factor back; an undated row
    counts as the oldest."""
    table = pd.DataFrame(
        {
            "subject": ["s-1", "s-1", "s-1"],
            "date": ["2026-05-01", "2026-01-01", None],
            **{f"phq9.{i}": [0, 3, 1] for i in range(1, 10)},
        }
    )
    out = riskcore.batch.run(table, administered_column="date", pm=builtin_pm).frame
    assert out["phq9.total"].tolist() == [0.0, 27.0, 9.0]
    k = out["factor.client-self-harm"].tolist()
    assert k[1] > k[0]  # as of the severe wave: item 9 and band
    assert k[2] > k[0]  # as of the undated wave (the oldest): item 9
    assert k[0] == 1.0  # as of May: the minimal wave is the latest


def test_incomplete_and_critical_hold_over_history(builtin_pm: PluginManager) -> None:
    """An incomplete scale or a critical flag on an earlier wave keeps the
    subject's risk incomplete and critical at a later, complete wave, as the
    object path reads every score of the subject."""
    first = {f"phq9.{i}": 0 for i in range(1, 9)} | {"phq9.9": 3}
    second = {f"phq9.{i}": 0 for i in range(1, 10)}
    table = pd.DataFrame([first, second]).assign(
        subject="s-1", date=["2026-01-01", "2026-02-01"]
    )
    table.loc[0, ["phq9.1", "phq9.2", "phq9.3", "phq9.4"]] = None  # too few to prorate
    out = riskcore.batch.run(table, administered_column="date", pm=builtin_pm).frame
    assert out["phq9.total.complete"].tolist() == [False, True]
    assert out["incomplete"].tolist() == [True, True]
    assert out["risk.client-self-harm.critical"].tolist() == [True, True]


def test_cssrs_history_goes_to_the_object_path(builtin_pm: PluginManager) -> None:
    """A C-SSRS screen with recent behaviour keeps x4.0 within its look-back
    window although a later screen is clear: the rows after it are computed
    by the object path with the subject's history."""
    table = pd.DataFrame(
        {
            "subject": ["s-1", "s-1", "s-2"],
            "date": ["2026-01-01", "2026-02-01", "2026-02-01"],
            "cssrs-screener.1": [1, 0, None],
            "cssrs-screener.2": [1, 0, None],
            "cssrs-screener.6": [1, 0, None],
            "cssrs-screener.6b": [1, 0, None],
            **{f"gad7.{i}": [None, None, 1] for i in range(1, 8)},
        }
    )
    got = riskcore.batch.run(table, administered_column="date", pm=builtin_pm)
    out = got.frame
    assert out["path"].tolist() == ["object", "object", "vectorised"]
    assert out["factor.client-self-harm"].iloc[1] >= 4.0


def test_repeated_id_without_dates_is_still_a_bad_row(
    builtin_pm: PluginManager,
) -> None:
    table = pd.DataFrame({"subject": ["s-1", "s-1"], "gad7.1": [1, 2]})
    with pytest.raises(BatchError, match=r"row 2: column 'subject': repeats"):
        riskcore.batch.run(table, pm=builtin_pm, offset=1)


def test_unparseable_date_is_a_bad_row(builtin_pm: PluginManager) -> None:
    """A date that is not YYYY-MM-DD (or not a real day) is a bad row naming
    its row and column, never its value; lenient mode lists it."""
    table = pd.DataFrame(
        {
            "subject": ["s-1", "s-1", "s-2", "s-3"],
            "date": ["2026-01-01", "05/01/2026", "2026-02-30", 46300],
            "gad7.1": [1, 2, 3, 0],
        }
    )
    with pytest.raises(BatchError) as e:
        riskcore.batch.run(table, administered_column="date", pm=builtin_pm, offset=1)
    assert str(e.value) == "row 2: column 'date': is not a date as YYYY-MM-DD"
    got = riskcore.batch.run(
        table, administered_column="date", pm=builtin_pm, offset=1, lenient=True
    )
    assert got.rejects["row"].tolist() == [2, 3, 4]
    assert got.frame["subject"].tolist() == ["s-1"]


def test_dates_as_datetimes_and_future_dates(builtin_pm: PluginManager) -> None:
    """Datetime columns and date objects read as their day; a date in the
    future is kept, as the case loaders keep it (it orders like any date)."""
    text = pd.DataFrame(
        {
            "subject": ["s-1", "s-1"],
            "date": ["2099-01-01", "2026-01-01"],
            **{f"phq9.{i}": [0, 3] for i in range(1, 10)},
        }
    )
    as_days = text.assign(date=pd.to_datetime(text["date"]))
    as_dates = text.assign(date=[dt.date(2099, 1, 1), dt.date(2026, 1, 1)])
    kw = {"administered_column": "date", "pm": builtin_pm}
    want = riskcore.batch.run(text, **kw).frame
    for other in (as_days, as_dates):
        pd.testing.assert_frame_equal(riskcore.batch.run(other, **kw).frame, want)
    assert want["factor.client-self-harm"].iloc[0] == 1.0  # 2099's wave is the latest


def test_administered_column_must_exist_with_ids(builtin_pm: PluginManager) -> None:
    table = pd.DataFrame({"subject": ["s-1"], "gad7.1": [1]})
    with pytest.raises(BatchError, match=r"'when'.*not in the table"):
        riskcore.batch.run(table, administered_column="when", pm=builtin_pm)
    with pytest.raises(BatchError, match="needs a column of subject ids"):
        riskcore.batch.run(
            table.assign(when="2026-01-01"),
            administered_column="when",
            id_column=None,
            pm=builtin_pm,
        )


def test_one_row_per_subject_tables_are_unchanged(builtin_pm: PluginManager) -> None:
    """A table with one row per subject gives the same scores and risks with
    or without administration dates."""
    rng = np.random.default_rng(3)
    table = pd.DataFrame(
        {f"phq9.{i}": rng.integers(0, 4, 40) for i in range(1, 10)}
        | {f"gad7.{i}": rng.integers(0, 4, 40) for i in range(1, 8)}
    ).assign(subject=[f"s-{i}" for i in range(40)], date="2026-01-01")
    plain = riskcore.batch.run(table.drop(columns="date"), pm=builtin_pm).frame
    dated = riskcore.batch.run(table, administered_column="date", pm=builtin_pm).frame
    pd.testing.assert_frame_equal(plain, dated, check_exact=True)


def test_latest_only_is_each_subjects_latest_row(builtin_pm: PluginManager) -> None:
    """latest_only keeps each subject's row latest in history order (by date,
    the same day in table order, undated oldest), nothing else changed."""
    table = pd.DataFrame(
        {
            "subject": ["s-1", "s-2", "s-1", "s-1", "s-2"],
            "date": ["2026-03-01", None, "2026-03-01", "2026-01-01", None],
            **{f"gad7.{i}": [0, 1, 2, 3, 0] for i in range(1, 8)},
        }
    )
    kw = {"administered_column": "date", "pm": builtin_pm}
    every = riskcore.batch.run(table, **kw).frame
    latest = riskcore.batch.run(table, latest_only=True, **kw).frame
    pd.testing.assert_frame_equal(latest, every.iloc[[2, 4]].reset_index(drop=True))
    with pytest.raises(BatchError, match="latest_only needs administered_column"):
        riskcore.batch.run(table.drop_duplicates("subject"), latest_only=True)
