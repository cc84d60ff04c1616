"""`/pacer crm connect fxiaoke`: a modal for the self-built app's appId, appSecret and permanentCode (and
the CRM admin's openUserId that reads run as). The secrets are never put back in a view, never logged and
never echoed: the fields start empty. Before saving, Pacer fetches a corpAccessToken with them (at most
`CHECK_SECONDS` in all, inside Slack's 3 seconds): refused credentials keep the modal open with the
error under the secret, the rest of the input kept by Slack."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

import httpx
from slack_bolt import App

from bot.crm import connecting, messages
from bot.crm.connecting import Pending, Where
from bot.crm.integrations.base import ConnectorError, RateLimited, Refused
from bot.crm.integrations.fxiaoke import FxiaokeConnector, FxiaokeCredentials
from bot.crm.integrations.models import Provider
from bot.crm.settings import CrmSettings
from bot.delivery.service import enqueue
from bot.errors import FieldErrors
from bot.i18n import Locale, t
from bot.roster.models import Member
from bot.secrets import Secret, Vault
from bot.slack import blocks
from bot.slack.commands import CommandRequest
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts

CALLBACK = "crm_fxiaoke"
CHECK_SECONDS = 2.0  # the whole check, however slowly the cloud answers: the modal is answered within 3 s
CHECK_TIMEOUT = httpx.Timeout(CHECK_SECONDS, connect=1.0)  # per phase: a slow answer can add them up
FIELD_MAX = 200


@dataclass(frozen=True)
class Answers:
    cloud: str | None = None
    app_id: str | None = None
    app_secret: str | None = None
    permanent_code: str | None = None
    open_user_id: str | None = None


@dataclass(frozen=True)
class Filled:
    cloud: str
    app_id: str
    app_secret: str
    permanent_code: str
    open_user_id: str


def check(answers: Answers, *, clouds: frozenset[str]) -> Filled | FieldErrors:
    errors = FieldErrors()
    values = {name: (getattr(answers, name) or "").strip() for name in Answers.__dataclass_fields__}
    for name, value in values.items():
        if not value or len(value) > FIELD_MAX or any(c.isspace() for c in value):
            errors[name] = "crm.fxiaoke.bad_field"
    if values["cloud"] not in clouds:
        errors["cloud"] = "crm.fxiaoke.bad_cloud"
    return errors if errors else Filled(**values)


def modal(locale: Locale, clouds: frozenset[str]) -> dict[str, object]:
    options = [blocks.option(url.removeprefix("https://"), url) for url in sorted(clouds)]
    cloud = {"type": "static_select", "options": options, "initial_option": options[0]}

    def field(name: str) -> blocks.Block:
        label, hint = t(f"crm.fxiaoke.{name}", locale), t(f"crm.fxiaoke.{name}_hint", locale)
        return blocks.input_block(name, label, blocks.text_input(max_length=FIELD_MAX), hint=hint)

    return blocks.modal(
        CALLBACK,
        title=t("crm.fxiaoke.title", locale),
        submit=t("crm.fxiaoke.submit", locale),
        close=t("crm.fxiaoke.close", locale),
        body=[
            blocks.section(t("crm.fxiaoke.intro", locale)),
            blocks.input_block("cloud", t("crm.fxiaoke.cloud", locale), cloud),
            *(field(name) for name in ("app_id", "app_secret", "permanent_code", "open_user_id")),
        ],
        metadata={},
    )


def open_form(request: CommandRequest) -> None:
    view = modal(request.locale, CrmSettings().clouds())
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def fields_of(filled: Filled) -> dict[str, Secret]:
    return connecting.fxiaoke_fields(
        filled.app_id, filled.app_secret, filled.permanent_code, filled.open_user_id
    )


def token_problem(filled: Filled, clouds: frozenset[str], *, seconds: float = CHECK_SECONDS) -> FieldErrors:
    """Empty when a corpAccessToken comes back for these credentials within `seconds` in all; else the
    field to blame (the cloud, when it is slower than that: the call is left to finish on its own)."""
    credentials = FxiaokeCredentials(
        filled.app_id, Secret(filled.app_secret), Secret(filled.permanent_code), filled.open_user_id
    )

    def fetch() -> None:
        with httpx.Client(timeout=CHECK_TIMEOUT) as http:
            FxiaokeConnector(http, filled.cloud, credentials, clouds=clouds).fetch_token()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fxiaoke-check")
    try:
        pool.submit(fetch).result(timeout=seconds)
    except Refused:  # the credentials, or the app disabled or not authorised for the company
        return FieldErrors({"app_secret": "crm.fxiaoke.refused"})
    except RateLimited:  # the cloud answered: too many calls now, or the day's calls used up
        return FieldErrors({"cloud": "crm.fxiaoke.busy"})
    except (ConnectorError, FutureTimeout):
        return FieldErrors({"cloud": "crm.fxiaoke.unreachable"})
    finally:
        pool.shutdown(wait=False)
    return FieldErrors()


def submit(request: Interaction[NoMetadata]) -> None:
    settings = CrmSettings()
    filled = Form.of(Answers, check).from_view(request.view, clouds=settings.clouds())
    if isinstance(filled, FieldErrors):
        return reject(request.ack, filled, request.locale)
    problem = token_problem(filled, settings.clouds())
    if problem:
        return reject(request.ack, problem, request.locale)
    vault = Vault.from_settings(request.deps.settings, purpose="CRM credentials are encrypted with it")
    request.ack()
    caller, now = request.caller, request.deps.clock()
    pending = Pending(caller.team_id, caller.member.user_id, Provider.FXIAOKE)
    with request.deps.session_factory.begin() as session:
        claim(session)
        where = Where(filled.cloud)
        connecting.save(session, vault, pending, fields_of(filled), where, now=now, actor=caller.member.id)
        admin = session.get_one(Member, caller.member.id)
        enqueue(session, [messages.connected(admin, "fxiaoke", now=now, locale=request.locale)], now=now)
    request.deps.kick()
    return None


def register(app: App, deps: Deps) -> None:
    @app.view(CALLBACK)
    @acts(deps)
    def submit_credentials(request: Interaction[NoMetadata]) -> None:
        submit(request)
