"""The plan modal's answers, checked without Slack: each problem under its own field, tier rows named, the
rest of the input read; and how tiers are read and written back."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from bot.errors import FieldErrors, PacerError
from bot.incentives.attainment import stored_ratio
from bot.incentives.models import Audience, IncentivePlan, PeriodKind
from bot.incentives.payout import Funder, Mode, Tier, compute
from bot.incentives.plans import PlanAnswers, PlanInput, check_plan, read_tiers, terms_of, tiers_text
from bot.incentives.views import rep_plan

D = Decimal
GOOD = PlanAnswers(
    name="Q4 accelerator",
    period="2026Q4",
    audience="all",
    metric="revenue",
    tiers="80-100: 1\n100–120: 1.5x\n120+: 2",
    mode="flat",
    base="10000",
    cap=None,
    currency="jpy",
    funder="vendor",
)


def keys(errors: FieldErrors) -> dict[str, str]:
    return {field: e.key if isinstance(e, PacerError) else e for field, e in errors.items()}


def test_a_good_plan_reads_into_terms() -> None:
    data = check_plan(GOOD)
    assert isinstance(data, PlanInput)
    assert (data.period_kind, data.starts_on.isoformat(), data.ends_on.isoformat()) == (
        PeriodKind.QUARTER,
        "2026-10-01",
        "2026-12-31",
    )
    assert data.terms.currency == "JPY" and data.terms.funder is Funder.VENDOR and data.terms.cap is None
    assert data.terms.tiers[-1] == Tier(D(120), None, D(2))
    month = check_plan(replace(GOOD, period="2026-02", audience="vendor", vendor="Acme"))
    assert isinstance(month, PlanInput) and month.ends_on.isoformat() == "2026-02-28"
    assert month.audience is Audience.VENDOR


def test_each_problem_is_under_its_own_field() -> None:
    bad = PlanAnswers(
        name="",
        period="2026Q5",
        audience="team",
        metric="weather",
        tiers="0-80: 0\n80-100 1",
        mode="flat",
        base="12.5",  # yen have no decimals
        cap="-5",
        currency="JPY",
        funder="split",
        split="100.5",
    )
    assert keys(check_plan(bad)) == {  # type: ignore[arg-type]
        "name": "incentives.plan.name",
        "period": "incentives.plan.period",
        "manager": "incentives.plan.manager_needed",
        "metric": "incentives.plan.metric",
        "tiers": "incentives.tiers.bad_line",
        "base": "incentives.plan.amount",
        "cap": "incentives.plan.amount",
        "split": "incentives.plan.split",
    }
    errors = check_plan(replace(GOOD, tiers="0-90: 0\n80-100: 1", currency="XYZ1"))
    assert isinstance(errors, FieldErrors)
    tiers = errors["tiers"]
    assert isinstance(tiers, PacerError) and tiers.values == {"first": 1, "second": 2}
    assert keys(errors)["currency"] == "incentives.plan.currency"


def test_tiers_read_and_written_back() -> None:
    read = read_tiers("0 - 80 : 0\n\n80 to 100: 1\n100+: 1.5×")
    assert read == (Tier(D(0), D(80), D(0)), Tier(D(80), D(100), D(1)), Tier(D(100), None, D("1.5")))
    assert tiers_text(read) == "0-80: 0\n80-100: 1\n100+: 1.5"
    bad = read_tiers("80-100: 1\nlots: 2")
    assert isinstance(bad, PacerError) and bad.values == {"row": 2}


def test_attainment_is_kept_as_it_is_stored() -> None:
    assert stored_ratio(D(2) / D(3)) == D("0.666667")
    assert stored_ratio(D(10) ** 14) == D(100) and stored_ratio(D(-1)) == 0 and stored_ratio(None) is None


def test_a_plan_name_is_shown_as_text() -> None:
    plan = IncentivePlan(
        name="<!channel> *Q4* <@U1>",
        period="2026Q4",
        tiers="0-100: 1",
        mode=Mode.MARGINAL,
        base=D(100),
        cap=None,
        currency="USD",
        funder=Funder.CLIENT,
        vendor_percent=D(0),
    )
    shown = "\n".join(rep_plan(plan, None, compute(terms_of(plan), None), "en"))
    assert "<!channel>" not in shown and "<@U1>" not in shown and "&lt;!channel&gt;" in shown
