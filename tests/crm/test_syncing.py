"""One `crm-sync` unit over HTTP against the fake CRM: the owners are kept and matched by Slack email,
the rows become actuals, the cursor moves so the next sync writes nothing; a failure is backed off and
reported to the admin once a day however often it fails, with no secret in what is stored or said."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.crm import connecting, messages, owners, syncing
from bot.crm.integrations.base import TokenCaches
from bot.crm.integrations.models import CrmConnection, CrmOwner, Provider
from bot.crm.integrations.zoho import ZohoOAuth
from bot.crm.models import Actual, PipelineSnapshot
from bot.crm.settings import CrmSettings
from bot.delivery.models import Delivery
from bot.roster.models import Member
from bot.secrets import Secret, Vault
from tests.crm.integrations.fake_crm import FakeBook, FakeCrmServer
from tests.crm.support import NOW
from tests.factories import TEAM, member

VAULT = Vault([Vault.new_key()])


@pytest.fixture(scope="module")
def crm() -> Iterator[FakeCrmServer]:
    with FakeCrmServer(FakeBook.generate(deals=200, accounts=30, owners=3)) as server:
        yield server


def crm_settings(crm: FakeCrmServer) -> CrmSettings:
    return CrmSettings(
        _env_file=None,  # type: ignore[call-arg]
        zoho_client_id=crm.state.client_id,
        zoho_client_secret=crm.state.client_secret,
        zoho_redirect_uri="https://pacer.example/crm/zoho/callback",
        pacer_crm_zoho_servers={"us": crm.url},
    )


class SlackEmails:
    """What `users.info` would say: rep1 and rep2 of the fake CRM are members; counts the lookups."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, team_id: str, user_ids: Collection[str]) -> Mapping[str, str]:
        self.calls += 1
        known = {"UREP1": "rep1@example.com", "UREP2": "rep2@example.com"}
        return {known[u]: u for u in user_ids if u in known}


def connect(session: Session, crm: FakeCrmServer, settings: CrmSettings) -> CrmConnection:
    app = settings.zoho_app()
    assert app is not None
    with httpx.Client() as http:
        grant = ZohoOAuth(app, http, settings.centres()).exchange(crm.state.grant_code(), "us", crm.url)
    pending = connecting.Pending(TEAM, "UADMIN", Provider.ZOHO)
    where = connecting.Where(grant.api_domain, grant.location)
    return connecting.save(session, VAULT, pending, connecting.zoho_fields(grant), where, now=NOW, actor=None)


def test_a_sync_keeps_owners_matches_them_and_records_rows_once(session: Session, crm: FakeCrmServer) -> None:
    for user_id in ("UADMIN", "UREP1", "UREP2"):
        member(session, user_id)
    settings, emails = crm_settings(crm), SlackEmails()
    connection = connect(session, crm, settings)
    assert syncing.due(session, NOW) == [(connection.id, TEAM)]
    with httpx.Client() as http:
        tools = syncing.SyncTools(VAULT, settings, http, emails, TokenCaches())
        first = syncing.sync_one(session, connection.id, tools, now=NOW)
        assert first.rows > 0 and not first.error
        actuals = session.scalar(select(func.count()).select_from(Actual))
        owners_of = set(session.scalars(select(Actual.rep_id).distinct()))
        reps = set(session.scalars(select(Member.id).where(Member.user_id.in_(["UREP1", "UREP2"]))))
        assert owners_of == reps and actuals
        assert session.scalar(select(func.count()).select_from(PipelineSnapshot))
        assert syncing.due(session, NOW) == []
        later = NOW + timedelta(minutes=15)
        assert syncing.due(session, later) == [(connection.id, TEAM)]
        second = syncing.sync_one(session, connection.id, tools, now=later)
    assert not second.error
    assert session.scalar(select(func.count()).select_from(Actual)) == actuals
    assert emails.calls == 1  # only when new CRM users appeared
    assert connection.cursor and connection.rows_read == second.rows


def test_failures_are_backed_off_and_reported_once_a_day(session: Session, crm: FakeCrmServer) -> None:
    member(session, "UADMIN")
    settings = crm_settings(crm)
    connection = connect(session, crm, settings)
    connection.credentials = VAULT.seal({"refresh_token": Secret("1000.refresh.revoked")})
    with httpx.Client() as http:
        tools = syncing.SyncTools(VAULT, settings, http, SlackEmails(), TokenCaches())
        for hours in (0, 1, 2):
            result = syncing.sync_one(session, connection.id, tools, now=NOW + timedelta(hours=hours))
            assert result.error.startswith("AuthExpired")
        syncing.sync_one(session, connection.id, tools, now=NOW + timedelta(days=1))
    assert connection.failures == 4 and connection.next_try_at is not None
    assert connection.next_try_at > NOW + timedelta(days=1, hours=1)
    sent = session.scalars(select(Delivery).where(Delivery.kind == "crm-sync-failed")).all()
    assert [d.channel for d in sent] == ["UADMIN", "UADMIN"]
    said = json.dumps([d.payload for d in sent], ensure_ascii=False)
    assert "revoked" not in said and crm.state.client_secret not in said and "Zoho CRM" in said
    assert "revoked" not in connection.last_error
    assert "connects again with `/pacer crm connect zoho`" in said  # what the failure means, and what to do


@pytest.mark.parametrize(
    ("error", "locale", "said"),
    [
        (
            "CreditsExhausted: Zoho: the API credits of the last 24 hours are used up",
            "en",
            "allowance is used up",
        ),
        ("CreditsExhausted: Fxiaoke: the day's calls are used up", "zh", "API 额度暂时用完了"),
        ("Refused: Zoho: NO_PERMISSION", "zh", "只有它的管理员能解决"),
        ("AuthExpired: Fxiaoke: 20016", "en", "`/pacer crm connect fxiaoke`"),
    ],
)
def test_the_failure_report_says_what_the_kind_of_failure_means(error: str, locale: str, said: str) -> None:
    admin = Member(id=1, team_id=TEAM, user_id="UADMIN")
    provider = "fxiaoke" if "Fxiaoke" in error else "zoho"
    sent = messages.sync_failed(admin, provider, error, day=date(2026, 12, 2), locale=locale)  # type: ignore[arg-type]
    assert said in sent.payload["text"]
    plain = messages.sync_failed(admin, "zoho", "ConnectorError: 503", day=date(2026, 12, 2), locale="en")
    assert plain.payload["text"].count("\n") == 0  # nothing to add to an outage


def test_a_later_sync_renews_the_token_with_its_own_client(session: Session, crm: FakeCrmServer) -> None:
    """The token cache outlives a sync; renewing must not go through the first sync's closed client."""
    member(session, "UADMIN")
    settings, caches = crm_settings(crm), TokenCaches()
    connection = connect(session, crm, settings)
    with httpx.Client() as http:
        assert not syncing.sync_one(
            session, connection.id, syncing.SyncTools(VAULT, settings, http, SlackEmails(), caches), now=NOW
        ).error
    crm.state.expire_tokens()
    later = NOW + timedelta(minutes=15)
    with httpx.Client() as http:
        tools = syncing.SyncTools(VAULT, settings, http, SlackEmails(), caches)
        assert syncing.sync_one(session, connection.id, tools, now=later).error == ""


def _actuals_of(session: Session, user_id: str) -> int:
    rep = session.scalars(select(Member.id).where(Member.user_id == user_id)).one()
    return session.scalar(select(func.count()).select_from(Actual).where(Actual.rep_id == rep)) or 0


def test_an_owner_mapped_after_the_first_sync_gets_their_earlier_rows(
    session: Session, crm: FakeCrmServer
) -> None:
    """rep3's CRM email is not their Slack email: the first sync skips their rows and moves the cursor
    past them. Mapping them by hand makes the connection due at once and read the whole window again."""
    for user_id in ("UADMIN", "UREP1", "UREP2", "UREP3"):
        member(session, user_id)
    settings = crm_settings(crm)
    connection = connect(session, crm, settings)
    with httpx.Client() as http:
        tools = syncing.SyncTools(VAULT, settings, http, SlackEmails(), TokenCaches())
        assert not syncing.sync_one(session, connection.id, tools, now=NOW).error
        assert connection.cursor and _actuals_of(session, "UREP3") == 0
        rep1_rows = _actuals_of(session, "UREP1")
        rep3 = session.scalars(select(Member).where(Member.user_id == "UREP3")).one()
        later = NOW + timedelta(minutes=1)
        owners.map_by_hand(session, TEAM, "rep3@example.com", rep3, now=later)
        assert syncing.due(session, later) == [(connection.id, TEAM)]
        assert not syncing.sync_one(session, connection.id, tools, now=later).error
    assert _actuals_of(session, "UREP3") == rep1_rows > 0  # the fake's owners have as many rows each
    assert connection.cursor


def test_an_owner_matched_by_email_in_a_sync_gets_their_earlier_rows_in_that_sync(
    session: Session, crm: FakeCrmServer
) -> None:
    """A CRM user who appears (again) while the cursor is set, and whose email is a member's: the sync
    that matches them reads the whole window, not only what changed since the cursor."""
    for user_id in ("UADMIN", "UREP1", "UREP2"):
        member(session, user_id)
    settings = crm_settings(crm)
    connection = connect(session, crm, settings)
    with httpx.Client() as http:
        tools = syncing.SyncTools(VAULT, settings, http, SlackEmails(), TokenCaches())
        assert not syncing.sync_one(session, connection.id, tools, now=NOW).error
        rep2_rows = _actuals_of(session, "UREP2")
        rep2 = session.scalars(select(CrmOwner).where(CrmOwner.email == "rep2@example.com")).one()
        session.execute(delete(Actual).where(Actual.rep_id == rep2.member_id))
        session.delete(rep2)  # as if rep2 were a CRM user the sync had not seen yet
        session.flush()
        later = NOW + timedelta(minutes=15)
        assert not syncing.sync_one(session, connection.id, tools, now=later).error
    assert _actuals_of(session, "UREP2") == rep2_rows > 0


def test_more_members_than_one_matching_looks_up_are_looked_up_in_turns() -> None:
    """Not always the same first 300 ids: three quarter hours in a row cover 700 members."""
    ids = [f"U{n:05d}" for n in range(700)]
    turns = [syncing.this_turn(ids, NOW + timedelta(minutes=15 * n)) for n in range(3)]
    assert [len(turn) for turn in turns] == [syncing.MAX_EMAIL_LOOKUPS] * 3
    assert set().union(*turns) == set(ids)
    assert syncing.this_turn(ids[:5], NOW) == ids[:5]
