"""The one list of Pacer's features. App creation registers each feature's listeners and commands from it;
the scheduler and `pacer jobs` take their jobs from it; alembic takes the schema from the models modules
it names; the Home tab, the weekly digest and `/pacer setup` are assembled from the sections it carries;
and each feature's catalogs are named by it. A new feature is its own package and one line here. A plain
explicit list, not plugin discovery: greppable and typed. See docs/architecture.md."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from types import ModuleType

from slack_bolt import App
from sqlalchemy import MetaData

from bot.audit import handlers as audit
from bot.checkins import handlers as checkins
from bot.checkins import jobs as checkin_jobs
from bot.checkins import models as checkin_models
from bot.checkins import sections as checkin_sections
from bot.crm import connecting as crm_connecting
from bot.crm import handlers as crm
from bot.crm import jobs as crm_jobs
from bot.crm.integrations import models as crm_connection_models
from bot.db import Base
from bot.delivery import jobs as delivery_jobs
from bot.delivery import models as delivery_models
from bot.digests import handlers as digests
from bot.digests import jobs as digest_jobs
from bot.digests import sections as digest_sections
from bot.digests import views as digest_views
from bot.escalations import handlers as escalations
from bot.escalations import jobs as escalation_jobs
from bot.escalations import models as escalation_models
from bot.exports import handlers as export_handlers
from bot.exports import jobs as export_jobs
from bot.exports import models as export_models
from bot.exports import sets as export_sets
from bot.exports import sets_last as last_export_sets
from bot.exports import sets_later as later_export_sets
from bot.exports import sets_more as more_export_sets
from bot.exports import sets_reviews as review_export_sets
from bot.exports import uninstalled
from bot.exports.base import ExportSet
from bot.feedback import handlers as feedback
from bot.feedback import jobs as feedback_jobs
from bot.feedback import models as feedback_models
from bot.feedback import sections as feedback_sections
from bot.goals import handlers as goals
from bot.goals import models as goal_models
from bot.goals import sections as goal_sections
from bot.home import handlers as home
from bot.incentives import handlers as incentives
from bot.incentives import sections as incentive_sections
from bot.installs import models as install_models
from bot.interactions import jobs as interaction_jobs
from bot.interactions import models as interaction_models
from bot.links import handlers as links
from bot.recognition import handlers as recognition
from bot.reviews import handlers as reviews
from bot.reviews import sections as review_sections
from bot.roster import handlers as roster
from bot.roster import jobs as roster_jobs
from bot.roster import models as roster_models
from bot.scheduler.job import Job
from bot.slack.commands import Commands
from bot.slack.deps import Deps
from bot.slack.sections import DigestContext, HomeContext, Pages, Section, SetupSection
from bot.slack.uninstall import WorkspaceHook
from bot.slack.uploads import Upload
from bot.training import handlers as training
from bot.workspaces import handlers as workspaces
from bot.workspaces import models as workspace_models
from bot.workspaces import views as workspace_views

Register = Callable[[App, Deps, Commands], None]


@dataclass(frozen=True)
class Feature:
    """A feature as the rest of Pacer sees it. Everything is data, read without a running app."""

    name: str
    register: Register | None = None  # its listeners and `/pacer` subcommands
    jobs: Sequence[Job] = ()  # its scheduled jobs
    models: ModuleType | None = None  # its tables, for alembic's metadata
    home: Sequence[Section[HomeContext]] = ()  # its parts of the Home tab, in the list's order
    digest: Sequence[Section[DigestContext]] = ()  # its parts of the weekly digest
    setup: SetupSection | None = None  # its fields of `/pacer setup`
    catalogs: Traversable | None = None  # the folder of its `en.toml` and `zh.toml`
    uploads: Sequence[Upload] = ()  # the files it reads when a person shares them in a DM with Pacer
    exports: Sequence[ExportSet] = ()  # its data sets in `/pacer export` and `pacer export`
    on_leave: Sequence[WorkspaceHook] = ()  # what it does when Pacer is uninstalled from a workspace
    on_return: Sequence[WorkspaceHook] = ()  # and when Pacer is installed there again


def _home(app: App, deps: Deps, commands: Commands) -> None:
    home.register(app, deps)  # the Home tab has no subcommand


def _exports(app: App, deps: Deps, commands: Commands) -> None:
    export_handlers.register(app, deps, commands, all_exports())  # the sets every feature declares


def _catalogs(package: str) -> Traversable:
    return resources.files(package) / "i18n"


FEATURES: tuple[Feature, ...] = (
    Feature(
        "workspaces",
        workspaces.register,
        models=workspace_models,
        home=workspace_views.HOME_SECTIONS,
        setup=workspace_views.SETUP,
    ),
    Feature("roster", roster.register, roster_jobs.JOBS, models=roster_models),
    Feature(
        "checkins",
        checkins.register,
        checkin_jobs.JOBS,
        models=checkin_models,
        home=checkin_sections.HOME_SECTIONS,
        setup=checkin_sections.SETUP,
        exports=(export_sets.CHECKINS,),
    ),
    Feature(
        "goals",
        goals.register,
        models=goal_models,
        home=goal_sections.HOME_SECTIONS,
        exports=(export_sets.GOALS, export_sets.WEEKLY_TARGETS, last_export_sets.GOAL_HISTORY),
    ),
    Feature(
        "digests",
        digests.register,
        digest_jobs.JOBS,
        home=digest_sections.HOME_SECTIONS,
        digest=digest_views.DIGEST_SECTIONS,
        setup=digest_sections.SETUP,
        exports=(export_sets.FIGURES,),
    ),
    Feature(
        "feedback",
        feedback.register,
        feedback_jobs.JOBS,
        models=feedback_models,
        setup=feedback_sections.SETUP,
        catalogs=_catalogs("bot.feedback"),
        exports=(export_sets.MANAGER_FEEDBACK, export_sets.FIELD_FEEDBACK),
    ),
    Feature(
        "escalations",
        escalations.register,
        escalation_jobs.JOBS,
        models=escalation_models,
        exports=(export_sets.ESCALATIONS,),
    ),
    Feature("home", _home),
    Feature("interactions", jobs=interaction_jobs.JOBS, models=interaction_models),
    Feature("delivery", jobs=delivery_jobs.JOBS, models=delivery_models),
    Feature(
        "reviews",
        reviews.register,
        reviews.JOBS,
        models=reviews.models,
        home=review_sections.HOME_SECTIONS,
        catalogs=reviews.CATALOGS,
        uploads=reviews.UPLOADS,
        exports=(
            more_export_sets.SCORECARDS,
            later_export_sets.REVIEWS,
            review_export_sets.SELF_REVIEWS,
            review_export_sets.REVIEW_INPUTS,
            review_export_sets.NEW_ACCOUNTS,
            review_export_sets.REVIEW_HISTORY,
            review_export_sets.REVIEW_CONVERSATIONS,
        ),
    ),
    Feature(
        "recognition",
        recognition.register,
        models=recognition.models,
        home=recognition.HOME_SECTIONS,
        digest=recognition.DIGEST_SECTIONS,
        catalogs=recognition.CATALOGS,
        exports=(more_export_sets.KUDOS, last_export_sets.BADGES),
    ),
    Feature(
        "incentives",
        incentives.register,
        incentives.JOBS,
        models=incentives.models,
        home=incentive_sections.HOME_SECTIONS,
        catalogs=incentives.CATALOGS,
        exports=(
            more_export_sets.PAYOUTS,
            later_export_sets.INCENTIVE_LEDGER,
            last_export_sets.CONTEST_AWARDS,
        ),
    ),
    Feature("installs", models=install_models),  # the OAuth install's tables (slack_sdk's stores)
    Feature(
        "crm",
        crm.register,
        jobs=crm_jobs.JOBS,
        models=crm.models,
        home=crm.HOME_SECTIONS,
        digest=crm.DIGEST_SECTIONS,
        catalogs=crm.CATALOGS,
        uploads=crm.UPLOADS,
        exports=(
            later_export_sets.CRM_ACTUALS,
            last_export_sets.CRM_PIPELINE,
            last_export_sets.CHECKIN_CRM,
        ),
    ),
    Feature(  # the CRM connectors' table (issue 13); on uninstall their credentials go, the figures stay
        "crm_connections", models=crm_connection_models, on_leave=(crm_connecting.forget,)
    ),
    Feature(
        "training",
        training.register,
        training.JOBS,
        models=training.models,
        home=training.HOME_SECTIONS,
        digest=training.DIGEST_SECTIONS,
        catalogs=training.CATALOGS,
        uploads=training.UPLOADS,
        exports=(
            later_export_sets.TRAINING,
            later_export_sets.STUDY_LOGS,
            last_export_sets.QUIZ_ANSWERS,
        ),
    ),
    Feature("audit", audit.register, models=audit.models, catalogs=audit.CATALOGS),  # issue 16
    Feature(
        "exports",
        _exports,
        (*export_jobs.JOBS, *uninstalled.JOBS),
        models=export_models,
        catalogs=_catalogs("bot.exports"),
        on_leave=(uninstalled.schedule,),  # the data kept `after_uninstall_days`, then purged
        on_return=(uninstalled.cancel,),
    ),
    Feature("links", links.register, catalogs=links.CATALOGS),  # the habits connected (issues 12–15)
)


def all_exports(features: Sequence[Feature] = FEATURES) -> tuple[ExportSet, ...]:
    """Every feature's data sets, in the order of the list."""
    return tuple(export for feature in features for export in feature.exports)


def leave_hooks(features: Sequence[Feature] = FEATURES) -> tuple[WorkspaceHook, ...]:
    """What every feature does when Pacer leaves a workspace, in the order of the list."""
    return tuple(hook for feature in features for hook in feature.on_leave)


def return_hooks(features: Sequence[Feature] = FEATURES) -> tuple[WorkspaceHook, ...]:
    """What every feature does when Pacer is installed in a workspace again, in the order of the list."""
    return tuple(hook for feature in features for hook in feature.on_return)


def all_jobs(features: Sequence[Feature] = FEATURES) -> dict[str, Job]:
    """Every feature's jobs by name, in the order of the list."""
    return {job.name: job for feature in features for job in feature.jobs}


def all_uploads(features: Sequence[Feature] = FEATURES) -> tuple[Upload, ...]:
    """Every feature's kinds of shared files, in the order of the list (the first that recognises a file
    answers it)."""
    return tuple(upload for feature in features for upload in feature.uploads)


def pages(features: Sequence[Feature] = FEATURES) -> Pages:
    """Every feature's Home, digest and setup sections, in the order of the list."""
    return Pages(
        home=tuple(section for feature in features for section in feature.home),
        digest=tuple(section for feature in features for section in feature.digest),
        setup=tuple(feature.setup for feature in features if feature.setup is not None),
    )


def metadata() -> MetaData:
    """The whole schema: the tables of every feature's models module. They share one declarative base, and
    each `Feature` holds its models module, so by the time the list exists every table is registered."""
    return Base.metadata
