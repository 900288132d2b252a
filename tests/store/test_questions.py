"""Decisions, incidents, reviews and the questions the register answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from riskcore.cli import main
from riskcore.errors import StoreError
from riskcore.store import open_store
from riskcore.store import schema as db_schema

from .conftest import EXAMPLE

RISK = "client-self-harm:c-04"


def _records(store: Any) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.count()).select_from(db_schema.ledger)
            ).scalar_one()
        )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda s: s.decide("nope:c-04", "accept", by="t-04", on=dt.date(2026, 11, 1),
                               justification="j", expires=dt.date(2027, 1, 1)),
            "decision on risk 'nope:c-04': no such risk in the register",
        ),
        (
            lambda s: s.decide(RISK, "accept", by="t-04", on=dt.date(2026, 12, 4),
                               justification="j", expires=dt.date(2027, 1, 1)),
            "decision date 2026-12-04: is in the future (today is 2026-12-03)",
        ),
        (
            lambda s: s.decide(RISK, "accept", by="t-04", on=dt.date(2026, 11, 1),
                               justification="j", expires=dt.date(2026, 10, 1)),
            "expiry 2026-10-01: is not after the decision date 2026-11-01",
        ),
        (
            lambda s: s.decide(RISK, "accept", by="t-04", on=dt.date(2026, 11, 1),
                               justification="j"),
            "accepting risk 'client-self-harm:c-04': give an expiry or a next review date",
        ),
        (
            lambda s: s.decide(RISK, "ignore", by="t-04", on=dt.date(2026, 11, 1),
                               justification="j"),
            "decision 'ignore': not one of mitigate, accept, transfer, avoid",
        ),
        (
            lambda s: s.incident(threat="client-self-harm", subject="c-99",
                                 on=dt.date(2026, 11, 1), severity="minor"),
            "subject 'c-99': not in the register",
        ),
        (
            lambda s: s.incident(threat="client-self-harm", subject="c-04",
                                 on=dt.date(2026, 11, 1), severity="awful"),
            "severity 'awful': not on the matrix's scale",
        ),
        (
            lambda s: s.incident(threat="no-such-threat", subject="c-04",
                                 on=dt.date(2026, 11, 1), severity="minor"),
            "threat 'no-such-threat': not in the register or the catalog",
        ),
        (
            lambda s: s.review("nope:c-04", by="t-04", on=dt.date(2026, 11, 1),
                               outcome="unchanged"),
            "review of 'nope:c-04': no such risk or legal duty in the register",
        ),
        (lambda s: s.history("c-99"), "subject 'c-99': not in the register"),
        (lambda s: s.diff(1, 7), "run 7: no such run in the register"),
        (lambda s: s.forget("c-99"), "subject 'c-99': not in the register"),
    ],
)  # fmt: skip
def test_a_bad_input_names_the_value_and_writes_nothing(
    recorded: Any, call: Any, message: str
) -> None:
    before = _records(recorded)
    with pytest.raises(StoreError) as err:
        call(recorded)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)
    assert _records(recorded) == before


def test_due_lists_reviews_acceptances_checkins_and_duties_by_urgency(
    recorded: Any,
) -> None:
    on = dt.date(2026, 11, 20)
    due = recorded.due(on)
    assert set(due["kind"]) >= {"risk review", "check-in", "legal duty"}
    assert list(due["due"]) == sorted(due["due"])  # most overdue first
    # the duty to warn for c-07 is due within an hour of the first run
    duty = due[due["kind"] == "legal duty"].iloc[0]
    assert (duty["item"], duty["due"]) == (
        "us-co.duty-to-warn-and-protect@c-07",
        dt.date(2026, 10, 6),
    )
    assert duty["days_overdue"] == (on - dt.date(2026, 10, 6)).days
    # on the same day, critical items come first
    for _, same in due.groupby("due"):
        flags = list(same["critical"])
        assert flags == sorted(flags, reverse=True)
    # c-04's self-harm risk is critical: a 7-day review cadence from its first run
    row = due[(due["kind"] == "risk review") & (due["item"] == RISK)].iloc[0]
    assert row["due"] == dt.date(2026, 10, 12)

    # a review restarts the cadence; a discharge closes the duty; an acceptance expires
    recorded.review(RISK, by="t-04", on=dt.date(2026, 11, 18), outcome="unchanged")
    recorded.review("us-co.duty-to-warn-and-protect@c-07", by="t-03",
                    on=dt.date(2026, 11, 18), outcome="discharged")  # fmt: skip
    recorded.decide("burnout:t-02", "accept", by="t-04", on=dt.date(2026, 11, 1),
                    justification="caseload reduced next quarter",
                    expires=dt.date(2026, 12, 1))  # fmt: skip
    after = recorded.due(on)
    row = after[(after["kind"] == "risk review") & (after["item"] == RISK)].iloc[0]
    assert row["due"] == dt.date(2026, 11, 25)
    assert "legal duty" not in set(after["kind"])
    acc = after[after["kind"] == "acceptance expires"].iloc[0]
    assert (acc["item"], acc["due"], acc["days_overdue"]) == (
        "burnout:t-02",
        dt.date(2026, 12, 1),
        -11,
    )
    # outside the window: not listed
    assert "acceptance expires" not in set(recorded.due(on, within=5)["kind"])


def test_history_gives_the_rci_between_administrations(recorded: Any) -> None:
    from riskcore.instruments import Reliability, reliable_change

    hist = recorded.history("c-01")
    phq = hist[(hist["instrument"] == "phq9") & (hist["scale"] == "total")]
    assert list(phq["administered"]) == [dt.date(2026, 10, 5), dt.date(2026, 11, 2)]
    before, after = phq["value"].tolist()
    assert after == 27.0
    row = phq.iloc[1]
    with recorded.engine.connect() as conn:
        sd, r, source = conn.execute(
            sa.select(
                db_schema.scores.c.rel_sd,
                db_schema.scores.c.rel_r,
                db_schema.scores.c.rel_source,
            )
            .where(db_schema.scores.c.instrument == "phq9")
            .limit(1)
        ).one()
    expect = reliable_change(before, after, Reliability(sd=sd, r=r, source=source))
    assert (row["rc"], row["threshold"], row["verdict"]) == (
        expect.rc,
        expect.threshold,
        "reliably worse",
    )
    assert row["source"] == source
    # unchanged administrations recorded by both runs appear once
    gad = hist[hist["instrument"] == "gad7"]
    assert len(gad) == 1
    levels = recorded.levels("c-01")
    self_harm = levels[levels["risk_id"] == "client-self-harm:c-01"]
    assert self_harm["level"].tolist() == ["medium", "high"]


def test_diff_names_the_risks_that_changed_and_why(recorded: Any) -> None:
    diff = recorded.diff(1, 2)
    assert diff["risk_id"].tolist() == ["client-self-harm:c-01"]
    row = diff.iloc[0]
    assert (row["level_a"], row["level_b"], row["change"]) == ("medium", "high", "up")
    assert "phq" in (row["factors_added"] + row["factors_removed"]).lower()
    assert recorded.diff(2, 1).iloc[0]["change"] == "down"


def test_incidents_frame(recorded: Any) -> None:
    recorded.incident(threat="in-session-aggression", subject="c-07", on=dt.date(2026, 11, 5),
                      severity="moderate", near_miss=True, actions="session ended early")  # fmt: skip
    frame = recorded.incidents()
    assert frame[["threat", "subject", "severity", "near_miss"]].values.tolist() == [
        ["in-session-aggression", "c-07", "moderate", True]
    ]


# ------------------------------------------------------------------ the CLI


def test_the_loop_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "r.db"), "--today", "2026-12-03"]
    assert main(["record", str(EXAMPLE), "-q", *db[:2], "--today", "2026-10-05"]) == 0
    assert main(["due", *db, "--on", "2026-10-20"]) == 0
    assert "us-co.duty-to-warn-and-protect@c-07" in capsys.readouterr().out
    assert main(["history", "c-04", *db]) == 0
    out = capsys.readouterr().out
    assert "phq9" in out
    assert "risk levels of c-04" in out
    assert main(["decide", RISK, "mitigate", *db, "--by", "t-02", "--on", "2026-10-06",
                 "--justification", "safety plan", "--next-review", "2026-10-13"]) == 0  # fmt: skip
    assert main(["incident", *db, "--threat", "client-self-harm", "--subject", "c-04",
                 "--on", "2026-10-20", "--severity", "minor", "--near-miss"]) == 0  # fmt: skip
    assert (
        main(
            [
                "review",
                RISK,
                *db,
                "--by",
                "t-02",
                "--on",
                "2026-10-21",
                "--outcome",
                "unchanged",
            ]
        )
        == 0
    )
    assert main(["incidents", *db, "--format", "csv"]) == 0
    assert "client-self-harm,c-04,minor,True" in capsys.readouterr().out
    assert main(["runs", *db, "--format", "json"]) == 0
    assert '"case_id":"longmont-practice"' in capsys.readouterr().out.replace(" ", "")
    assert main(["diff", "1", "1", *db]) == 0
    assert "no risk changed level" in capsys.readouterr().out
    assert main(["forget", "c-04", *db]) == 0
    assert main(["audit", "verify", *db]) == 0
    assert "chain intact" in capsys.readouterr().out


def test_a_bad_cli_input_is_one_line_status_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], report1: Any
) -> None:
    path = tmp_path / "r.db"
    with open_store(str(path)) as store:
        store.record(report1)
    capsys.readouterr()
    status = main(["decide", RISK, "accept", "--db", str(path), "--today", "2026-12-03",
                   "--by", "t-04", "--on", "2026-11-01", "--justification", "j",
                   "--expires", "2026-10-01"])  # fmt: skip
    err = capsys.readouterr().err
    assert status == 2  # bad input (riskcore --help: exit statuses)
    assert (
        err
        == "riskcore: error: expiry 2026-10-01: is not after the decision date 2026-11-01\n"
    )
    with open_store(str(path)) as store:
        assert _records(store) == 1


def test_audit_verify_fails_and_names_the_row(tmp_path: Path, report1: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    import sqlite3

    path = tmp_path / "r.db"
    with open_store(str(path)) as store:
        store.record(report1)
    con = sqlite3.connect(path)
    con.execute("UPDATE risks SET level = 'low' WHERE id = 3")
    con.commit()
    con.close()
    assert main(["audit", "verify", "--db", str(path)]) == 1
    assert "audit: risks row 3 (record 1): edited" in capsys.readouterr().out


def test_the_plan_report_shows_what_changed_since_the_last_review(
    recorded: Any, report2: Any
) -> None:
    from riskcore.report import render

    recorded.review(RISK, by="t-04", on=dt.date(2026, 10, 20), outcome="unchanged")
    recorded.incident(threat="client-self-harm", subject="c-01", on=dt.date(2026, 11, 10),
                      severity="moderate")  # fmt: skip
    recorded.decide("burnout:t-02", "accept", by="t-04", on=dt.date(2026, 11, 1),
                    justification="caseload reduced", expires=dt.date(2026, 12, 20))  # fmt: skip
    since = recorded.since_last_review()
    assert since["since"] == dt.date(2026, 10, 20)
    sections = dict(since["sections"])
    assert sections["New and changed risks (run 1 → run 2)"] == [
        next(iter(sections["New and changed risks (run 1 → run 2)"]))
    ]
    assert sections["New and changed risks (run 1 → run 2)"][0].startswith(
        "client-self-harm:c-01: medium → high (up)"
    )
    assert sections["Incidents since 2026-10-20"] == [
        "2026-11-10 client-self-harm (c-01): moderate"
    ]
    assert sections["Decisions expiring within 30 days"][0].startswith(
        "burnout:t-02: acceptance expires 2026-12-20"
    )
    assert any(
        line.startswith("c-01 phq9 total: ") and "reliably worse" in line
        for line in sections["Trajectory of each critical subject"]
    )
    md = render(report2, "markdown", since_review=since)
    assert "## Since the last review (2026-10-20)" in md
    assert "client-self-harm:c-01: medium → high (up)" in md
    html = render(report2, "html", since_review=since)
    assert '<section id="since-review">' in html
    assert "since-review" not in render(report2, "html")


def test_riskcore_plan_db_adds_the_section(tmp_path: Path, report1: Any) -> None:
    path = tmp_path / "r.db"
    with open_store(str(path)) as store:
        store.record(report1)
    out = tmp_path / "plan.md"
    args = ["plan", str(EXAMPLE), "--db", str(path), "--trials", "0", "-q"]
    # the example is incomplete on purpose (c-09): exit status 3
    assert main([*args, "--today", "2026-11-02", "-o", str(out)]) == 3
    text = out.read_text()
    assert "## Since the last review" in text
    assert "### Incidents since the first run" in text


def test_reliable_deterioration_arms_responses(recorded: Any, report2: Any) -> None:
    with recorded.engine.connect() as conn:
        rows = conn.execute(
            sa.select(db_schema.armed.c.response, db_schema.armed.c.reason).where(
                db_schema.armed.c.record == 2, db_schema.armed.c.subject == "c-01"
            )
        ).all()
        first = conn.execute(
            sa.select(db_schema.armed.c.reason).where(
                db_schema.armed.c.record == 1,
                db_schema.armed.c.reason.contains("reliable-deterioration"),
            )
        ).all()
    assert first == []  # nothing to compare with on the first run
    reasons = {r: why for r, why in rows if "reliable-deterioration" in why}
    assert set(reasons) == {"referral-pathway"}
    # the plan armed it too (a very high self-harm risk): one row, both reasons
    assert ("referral-pathway", "c-01") in {
        (a.response, a.subject) for a in report2.armed
    }
    assert [r for r, _ in rows].count("referral-pathway") == 1
    assert (
        "flag:phq9.reliable-deterioration (total 7 on 2026-10-05 -> 27, RC 7.07"
        in (reasons["referral-pathway"])
    )


def test_the_other_commands_and_formats(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], report1: Any
) -> None:
    path = tmp_path / "r.db"
    db = ["--db", str(path), "--today", "2026-12-03"]
    assert main(["due", *db]) == 0
    assert main(["incidents", *db]) == 0
    assert main(["runs", *db]) == 0
    assert main(["learn", *db]) == 0
    out = capsys.readouterr().out
    for empty in (
        "nothing due",
        "no incidents recorded",
        "no runs recorded",
        "no exposure",
    ):
        assert empty in out
    with open_store(str(path)) as store:
        store.record(report1)
    target = tmp_path / "due.json"
    assert main(["due", *db, "--format", "json", "-o", str(target)]) == 0
    assert '"kind":"legal duty"' in target.read_text()
    assert main(["history", "c-04", *db, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("administered,instrument,scale,value")
    assert main(["learn", *db, "--model", "gamma-poisson", "--on", "2026-12-01"]) == 0
    assert "person-years" in capsys.readouterr().out
    assert main(["review", "us-co.duty-to-warn-and-protect@c-07", *db, "--by", "t-03",
                 "--on", "2026-10-06", "--outcome", "discharged"]) == 0  # fmt: skip
    assert main(["decide", "nope:c-01", "avoid", *db, "--by", "t-01", "--on", "2026-10-06",
                 "--justification", "x", "--corrects", "1"]) == 2  # fmt: skip
    assert "corrects 1: record 1 is a run, not a decision" in capsys.readouterr().err
