"""The review's Slack flows: `/pacer review` (a rep's self review; a manager's team), `/pacer review @rep`
(the manager's review), `/pacer review peers @rep @peer…` (peers asked by a one-tap DM), and the peer's
rating, with or without a comment. Who may do what is `bot.reviews.policy`'s; saving is the services'."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import FieldErrors, Invalid, NotAllowed, Stale
from bot.i18n import t
from bot.reviews import development, figures, forms, messages, peers, policy, progress, reviewing, views
from bot.reviews.models import ReviewCycle
from bot.reviews.scoring import MIN_PEER_RATINGS
from bot.reviews.service import check_stage
from bot.reviews.views import ReviewId
from bot.roster.models import Member, Role
from bot.slack.answers import tell
from bot.slack.commands import EVERYONE, CommandRequest, Commands, Group, mentions
from bot.slack.deps import Deps
from bot.slack.forms import reject
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts, opens
from bot.text import join, mention
from bot.workspaces.models import Workspace


class CycleMetadata(Metadata):
    cycle: int


class RepMetadata(Metadata):
    cycle: int
    rep: int


def review_command(request: CommandRequest) -> None:
    """`/pacer review [@rep]`: the manager's review of a rep; else a rep's self review, a manager's team."""
    ids = mentions(request.args)
    if ids:
        open_manager_review(request, ids[0])
    elif request.caller.role is Role.REP:
        open_self_review(request)
    else:
        team_reviews(request)


Opener = CommandRequest | Interaction[NoMetadata]  # a command, or a reminder's button: both may open a modal


def open_self_review(request: Opener) -> None:
    """Refusals first (in the acknowledgement), then the modal opens at once and is filled in."""
    caller = request.caller
    with request.deps.session_factory() as session:
        rep = session.get_one(Member, caller.member.id)
        if not policy.can_self_review(caller, rep):
            raise NotAllowed("reviews.flows.not_a_rep")
        check_stage(progress.current_cycle(session, caller.team_id), *reviewing.SELF_STAGES)
    opened = _open_loading(request)
    with request.deps.session_factory() as session:
        cycle, rep = (
            progress.current_cycle(session, caller.team_id),
            session.get_one(Member, caller.member.id),
        )
        found = (
            progress.card_of(session, cycle, rep),
            figures.quarter_figures(session, cycle, rep),
            progress.self_review_of(session, cycle, rep.id),
        )
        view = views.self_modal(cycle, found, request.locale)
    _fill(request, opened, view)


def open_manager_review(request: Opener, user_id: str) -> None:
    caller = request.caller
    named = request.deps.directory.active_member(caller.team_id, user_id)
    with request.deps.session_factory() as session:
        rep = session.merge(named)
        if not policy.can_manager_review(caller, rep):
            raise NotAllowed("reviews.flows.not_your_rep", rep=rep.user_id)
        check_stage(progress.current_cycle(session, caller.team_id), *reviewing.MANAGER_STAGES)
    opened = _open_loading(request)
    with request.deps.session_factory() as session:
        cycle, rep = progress.current_cycle(session, caller.team_id), session.merge(named)
        context = (
            progress.card_of(session, cycle, rep, auto=True),
            figures.quarter_figures(session, cycle, rep),
            progress.self_review_of(session, cycle, rep.id),
            peers.ratings_of(session, cycle, rep.id),
            progress.manager_review_of(session, cycle, rep.id),
        )
        parts = policy.visible(
            policy.viewer_of(caller, rep, vendor_contact=None), cycle.stage, comments=len(context[3])
        )
        view = views.manager_modal(
            cycle,
            rep.user_id,
            context,
            request.locale,
            comments=policy.Part.PEER_COMMENTS in parts,
            choices=development.choices(session, caller.team_id, request.locale),
        )
    _fill(request, opened, view)


def _open_loading(request: Opener) -> dict[str, Any]:
    """Acknowledge and open a modal at once, while the trigger id is fresh (3 s); filled in by `_fill`."""
    request.ack()
    opened = request.client.views_open(
        trigger_id=request.body["trigger_id"], view=views.loading(request.locale)
    )
    view: dict[str, Any] = opened["view"]
    return view


def _fill(request: Opener, opened: dict[str, Any], view: dict[str, Any]) -> None:
    request.client.views_update(view_id=opened["id"], hash=opened["hash"], view=view)


def team_reviews(request: CommandRequest) -> None:
    """A manager's reps (an admin's: everyone's) in the current cycle: who is where, what is due when."""
    caller = request.caller
    with request.deps.session_factory() as session:
        cycle = progress.current_cycle(session, caller.team_id)
        reps = progress.reps_of(session, caller.team_id, None if caller.is_admin() else caller.member.id)
        text, body = views.team_listing(cycle, progress.team_progress(session, cycle, reps), request.locale)
    request.reply(text, body)


def peers_command(request: CommandRequest) -> None:
    """`/pacer review peers @rep @peer…`: 3 to 5 teammates asked to rate the rep, each by DM, once."""
    ids = mentions(request.args)
    if not MIN_PEER_RATINGS + 1 <= len(ids) <= peers.MAX_PEERS + 1:
        raise Invalid("reviews.flows.peers_count", least=MIN_PEER_RATINGS, most=peers.MAX_PEERS)
    people, now = request.deps.directory.members(request.caller.team_id, ids), request.deps.clock()
    with request.deps.session_factory.begin() as session:
        rep, *raters = [session.merge(person) for person in people]
        if not policy.can_ask_peers(request.caller, rep):
            raise NotAllowed("reviews.flows.not_your_rep", rep=rep.user_id)
        cycle = progress.current_cycle(session, request.caller.team_id)
        for rater in raters:
            peers.ask_peer(session, cycle, rep, rater, by=request.caller.member.id, now=now)
        workspace = session.get_one(Workspace, request.caller.team_id)
        later = [r for r in raters if calendar.next_working_hour(r, workspace, now) != now]
        asks = [messages.peer_ask(cycle, rep, rater, workspace) for rater in raters if rater not in later]
        enqueue(session, asks, now=now)  # the others at their own 10:00, by the `reviews-ask` job
        asked = join(", ", [mention(rater.user_id) for rater in raters])
        answer = request.t("reviews.flows.peers_asked", peers=asked, rep=mention(rep.user_id))
        if later:
            waiting = join(", ", [mention(rater.user_id) for rater in later])
            answer = join("\n", [answer, request.t("reviews.remind.asked_later", peers=waiting)])
    request.deps.kick()
    request.reply(answer)


def _cycle(session: Session, cycle_id: int, team_id: str) -> ReviewCycle:
    return get_in_workspace(session, ReviewCycle, cycle_id, team_id=team_id, missing=Stale())


def _rep(session: Session, rep_id: int, team_id: str) -> Member:
    return get_in_workspace(session, Member, rep_id, team_id=team_id, missing=Stale())


def save_self(request: Interaction[CycleMetadata]) -> None:
    caller, deps = request.caller, request.deps
    answers = forms.SELF.from_view(request.view)
    if isinstance(answers, FieldErrors):
        return reject(request.ack, answers, caller.locale, max=forms.TEXT_MAX)
    with deps.session_factory.begin() as session:
        claim(session)
        cycle, rep = (
            _cycle(session, request.metadata.cycle, caller.team_id),
            session.get_one(Member, caller.member.id),
        )
        if not policy.can_self_review(caller, rep):
            raise NotAllowed("reviews.flows.not_a_rep")
        levels, text = answers
        reviewing.save_self_review(session, cycle, rep, levels, text=text, now=deps.clock())
        done = t("reviews.flows.self_saved", caller.locale, quarter=cycle.quarter)
    request.ack()
    tell(request.client, caller.member.user_id, done)


def save_manager(request: Interaction[RepMetadata]) -> None:
    caller, deps = request.caller, request.deps
    answers = forms.MANAGER.from_view(request.view)
    if isinstance(answers, FieldErrors):
        return reject(request.ack, answers, caller.locale, max=forms.TEXT_MAX)
    with deps.session_factory.begin() as session:
        claim(session)
        cycle, rep = (
            _cycle(session, request.metadata.cycle, caller.team_id),
            _rep(session, request.metadata.rep, caller.team_id),
        )
        if not policy.can_manager_review(caller, rep):
            raise NotAllowed("reviews.flows.not_your_rep", rep=rep.user_id)
        auto = {
            d: level.level for d, level in progress.card_of(session, cycle, rep, auto=True).levels.items()
        }
        saved = reviewing.save_manager_review(
            session, cycle, rep, answers, auto=auto, by=caller.member.id, now=deps.clock()
        )
        if isinstance(saved, FieldErrors):
            return reject(request.ack, saved, caller.locale)
        done = t(
            "reviews.flows.manager_saved", caller.locale, rep=mention(rep.user_id), quarter=cycle.quarter
        )
    request.ack()
    tell(request.client, caller.member.user_id, done)


def _rating_button(value: str) -> tuple[int, int, int]:
    cycle_id, rep_id, rating = value.split(":")
    return int(cycle_id), int(rep_id), int(rating)


def _pair(value: str) -> tuple[int, int]:
    cycle_id, rep_id = value.split(":")
    return int(cycle_id), int(rep_id)


def rate_peer(request: Interaction[NoMetadata]) -> None:
    """A one-tap rating from the peer's DM (a comment written before is kept)."""
    cycle_id, rep_id, rating = request.value(_rating_button)
    caller = request.caller
    with request.deps.session_factory.begin() as session:
        claim(session)
        cycle, rep = _cycle(session, cycle_id, caller.team_id), _rep(session, rep_id, caller.team_id)
        rater = session.get_one(Member, caller.member.id)
        before = next(
            (r.comment for r in peers.ratings_of(session, cycle, rep.id) if r.rater_id == rater.id), ""
        )
        peers.rate(session, cycle, rep, rater, rating=rating, comment=before, now=request.deps.clock())
        rep_user = rep.user_id
    request.replace_message(views.peer_thanks(rep_user, rating, caller.locale))


def open_comment(request: Interaction[NoMetadata]) -> None:
    cycle_id, rep_id = request.value(_pair)
    with request.deps.session_factory() as session:
        rep = _rep(session, rep_id, request.caller.team_id)
        policy.check_can_rate(session.get_one(Member, request.caller.member.id), rep)
        view = views.peer_modal(cycle_id, rep.user_id, rep.id, request.locale)
    request.open(view)


def save_rating(request: Interaction[RepMetadata]) -> None:
    caller, deps = request.caller, request.deps
    answers = forms.PEER.from_view(request.view)
    if isinstance(answers, FieldErrors):
        return reject(request.ack, answers, caller.locale, max=forms.TEXT_MAX)
    with deps.session_factory.begin() as session:
        claim(session)
        cycle = _cycle(session, request.metadata.cycle, caller.team_id)
        rep, rater = (
            _rep(session, request.metadata.rep, caller.team_id),
            session.get_one(Member, caller.member.id),
        )
        rating, comment = answers
        peers.rate(session, cycle, rep, rater, rating=rating, comment=comment, now=deps.clock())
        done = t("reviews.flows.peer_thanks", caller.locale, rep=mention(rep.user_id), rating=rating)
    request.ack()
    tell(request.client, caller.member.user_id, done)


def open_from_reminder(request: Interaction[NoMetadata]) -> None:
    """A reminder's button opens the manager review of the rep it names (the same refusals as the command)."""
    _, rep_id = request.value(_pair)
    with request.deps.session_factory() as session:
        user_id = _rep(session, rep_id, request.caller.team_id).user_id
    open_manager_review(request, user_id)


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.REVIEWS,
        (10, "review [@rep]", "reviews.flows.help_review", EVERYONE, review_command),
        (20, "review peers @rep @peer…", "reviews.flows.help_peers", EVERYONE, peers_command),
    )

    register_reminder_buttons(app, deps)

    @app.view(ReviewId.SELF.value)
    @acts(deps, CycleMetadata)
    def submit_self_review(request: Interaction[CycleMetadata]) -> None:
        save_self(request)

    @app.view(ReviewId.MANAGER.value)
    @acts(deps, RepMetadata)
    def submit_manager_review(request: Interaction[RepMetadata]) -> None:
        save_manager(request)

    @app.action(re.compile(rf"^{ReviewId.RATE.value}_[1-5]$"))
    @acts(deps)
    def rate_teammate(request: Interaction[NoMetadata]) -> None:
        rate_peer(request)

    @app.action(ReviewId.COMMENT.value)
    @opens(deps)
    def open_peer_comment(request: Interaction[NoMetadata]) -> None:
        open_comment(request)

    @app.view(ReviewId.PEER.value)
    @acts(deps, RepMetadata)
    def submit_peer_rating(request: Interaction[RepMetadata]) -> None:
        save_rating(request)


def register_reminder_buttons(app: App, deps: Deps) -> None:
    """A reminder's buttons only open a modal: its submission is what acts (once)."""

    @app.action(ReviewId.OPEN_SELF.value)
    @opens(deps)
    def open_self_from_reminder(request: Interaction[NoMetadata]) -> None:
        open_self_review(request)

    @app.action(ReviewId.OPEN_MANAGER.value)
    @opens(deps)
    def open_manager_from_reminder(request: Interaction[NoMetadata]) -> None:
        open_from_reminder(request)
