"""Period-end payouts for 5,000 reps × 3 plans (issue 15): how long `compute_plan` takes and how many SQL
statements it issues, against a 10-rep workspace in the same database, on SQLite and PostgreSQL; and every
payout checked against an independent reference (`Fraction`s in minor units, brackets looped in the order
typed) — exact decimal arithmetic, so the count of mismatches must be 0.

    .venv/bin/python -m benchmarks.incentives [--reps 5000] [--databases sqlite,postgresql]

A benchmark prints figures; it never fails on a timing."""

from __future__ import annotations

import argparse
import os
import time
from fractions import Fraction

from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.orm import Session

from benchmarks.reviews import NOW, workspace_rows
from benchmarks.seeding import database
from bot.checkins.models import CheckIn
from bot.db import make_session_factory
from bot.db.migrate import upgrade
from bot.goals.models import Goal, WeeklyTarget
from bot.incentives import plans
from bot.incentives.computing import compute_plan
from bot.incentives.models import IncentivePlan, Payout
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.workspaces.models import Workspace

PLANS = (
    ("marginal", "0-80: 0\n80-100: 1\n100-120: 1.5\n120+: 2", "client", None),
    ("flat", "50-80: 0.5\n80-100: 1\n100-120: 1.5\n120+: 2", "vendor", "25000"),
    ("split", "0-90: 0.8\n90-110: 1.2\n110+: 3", "split", None),
)


def seed(session: Session, team_id: str, reps: int, first_id: int) -> Caller:
    session.add(Workspace(team_id=team_id))
    session.flush()
    members, (goals, targets, checkins) = workspace_rows(team_id, reps, first_id)
    session.execute(insert(Member), members)
    for model, rows in ((Goal, goals), (WeeklyTarget, targets), (CheckIn, checkins)):
        session.execute(insert(model), rows)
    admin = Member(
        id=first_id + 50_000, team_id=team_id, user_id=f"A{first_id}", role=Role.ADMIN, created_at=NOW
    )
    session.add(admin)
    session.flush()
    return Caller(member=admin, role=Role.ADMIN, locale="en")


def add_plans(session: Session, admin: Caller) -> list[int]:
    ids = []
    for mode, tiers, funder, cap in PLANS:
        answers = plans.PlanAnswers(
            name=f"Q3 {mode}",
            period="2026Q3",
            audience="all",
            metric="revenue",
            tiers=tiers,
            mode="flat" if mode == "flat" else "marginal",
            base="10000",
            cap=cap,
            currency="USD",
            funder=funder,
            split="37.5",
        )
        data = plans.check_plan(answers)
        assert isinstance(data, plans.PlanInput)
        ids.append(plans.save_plan(session, admin, data, plan_id=None, now=NOW).id)
    return ids


def check(session: Session, plan_ids: list[int]) -> int:
    """Mismatches between the stored payouts and the reference."""
    wrong = 0
    for plan_id in plan_ids:
        plan = session.get_one(IncentivePlan, plan_id)
        terms = plans.terms_of(plan)
        for payout in session.scalars(select(Payout).where(Payout.plan_id == plan_id)):
            percent = (
                min(Fraction(payout.attainment) * 100, Fraction(10_000))
                if payout.attainment is not None
                else Fraction(0)
            )
            weighted = Fraction(0)
            for tier in terms.tiers:
                top = percent if tier.upper is None else min(percent, Fraction(tier.upper))
                if terms.mode.value == "marginal" and top > tier.lower:
                    weighted += (top - Fraction(tier.lower)) * Fraction(tier.multiplier)
                if (
                    terms.mode.value == "flat"
                    and tier.lower <= percent
                    and (tier.upper is None or percent < tier.upper)
                ):
                    weighted = percent * Fraction(tier.multiplier)
            exact = Fraction(terms.base) * weighted / 100
            if terms.cap is not None:
                exact = min(exact, Fraction(terms.cap))
            cents = (exact * 200 + 1) // 2
            vendor = (cents * 2 * Fraction(terms.vendor_share()) / 100 + 1) // 2
            wrong += (Fraction(payout.amount) * 100, Fraction(payout.vendor_share) * 100) != (
                Fraction(cents),
                Fraction(vendor),
            )
    return wrong


def run(engine: Engine, reps: int) -> None:
    upgrade(engine)
    factory = make_session_factory(engine)
    made: dict[str, list[int]] = {}
    for team_id, size, first in (("TSMALL", 10, 1), ("TBIG", reps, 100_000)):
        with factory.begin() as session:
            made[team_id] = add_plans(session, seed(session, team_id, size, first))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(str(args[2])))
    for team_id, ids in made.items():
        for plan_id in ids:
            with factory.begin() as session:
                statements.clear()
                started, cpu = time.perf_counter(), time.process_time()
                count = compute_plan(session, plan_id, now=NOW)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                print(
                    f"  {team_id:<7} plan {plan_id} {count:>6,} payouts {wall * 1000:>8.0f} ms"
                    f" ({cpu * 1000:.0f} ms CPU), {len(statements)} statements"
                )
        with factory() as session:
            print(f"  {team_id:<7} payouts that differ from the reference: {check(session, ids)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=5000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    url = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--postgres-url", default=url)
    args = parser.parse_args()
    print(f"# incentive payouts: {args.reps:,} reps × 3 goals × 13 weeks, 3 plans, against 10 reps\n")
    for kind in args.databases.split(","):
        print(kind)
        with database(kind, args.postgres_url) as engine:
            run(engine, args.reps)


if __name__ == "__main__":
    main()
