"""`pacer demo` in a real browser: one short story per role, in English and in Chinese, a screenshot a step.

- a rep: the nudge → the check-in modal (its result pre-filled from the demo's CRM) → its confirmation →
  the Home tab;
- a manager: `/pacer status` → the goal modal → its confirmation → the feedback modal;
- an admin: `/pacer setup` with the current values → a field error → the saved settings;
- reviews: the admin's `/pacer scorecards` (the demo's quarter in calibration) → Lock and publish → the
  rep's scorecard DM.
- recognition and incentives: a manager's kudos → the rep's Home shows it; the rep's `/pacer incentives`
  with what it takes to reach the next tier;
- training: the seeded lesson waiting in a rep's DM → one quiz answer → right or wrong, with the
  explanation (the English story answers right, the Chinese one wrong).

Each step asserts what it shows (the words come from Pacer's catalogs, so the test reads the screen in
either language), then writes `docs/screens/<role>-<step>-<name>-<lang>.png`: running this test retakes
the README's gallery (`docs/screens/README.md`). The English stories are Noah (rep), Maria (manager) and
Alex (admin); the Chinese ones are Wang Wei (a rep who reads Chinese), and James and Alex after
`/pacer language zh`. Drives the system Chromium (Debian package `chromium`) with Playwright for Python;
never downloads a browser.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Locale, catalog
from bot.training.authoring import Question, read
from bot.training.cli import SHIPPED
from tests.support.local_slack import demo_command, get, messages, needs_local_slack
from tests.support.net import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine may have no internet: nothing may phone home
    "--disable-component-update",
    "--disable-sync",
]
# The gallery's pictures (`docs/screens/`) are retaken only when asked (`PACER_SCREENS=docs/screens`), so a
# plain test run leaves the checkout as it was; otherwise they go to a temporary folder.
REPO = Path(__file__).resolve().parents[2]
SCREENS = (
    REPO / os.environ["PACER_SCREENS"]
    if os.environ.get("PACER_SCREENS")
    else Path(tempfile.gettempdir()) / "pacer-screens"
)
FAILURES = Path(__file__).resolve().parents[2] / "artifacts"
LANGUAGES: tuple[Locale, ...] = ("en", "zh")

if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
pytestmark = needs_local_slack


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str  # the real name local-slack shows
    handle: str  # what to type after @ to mention them


NOAH = Person("U0REP3", "Noah Wilson", "noah")
WEI = Person("U0REP4", "Wang Wei", "wei")  # reads Pacer in Chinese (the demo's seed)
MARIA = Person("U0MARIA", "Maria Garcia", "maria")
JAMES = Person("U0JAMES", "James Chen", "james")
EMMA = Person("U0REP5", "Emma Schulz", "emma")  # on James's team
ALEX = Person("U0ADMIN", "Alex Admin", "alex")
LIAM = Person("U0REP1", "Liam Turner", "liam")
REPS = {"en": NOAH, "zh": WEI}
LEARNERS = {
    "en": LIAM,
    "zh": WEI,
}  # part way through "Product basics", lesson 3 waiting (bot/training/demo.py)
MANAGERS = {"en": (MARIA, NOAH), "zh": (JAMES, EMMA)}


def words(key: str, locale: Locale, **values: str) -> str:
    """The catalog's text for `key`, its placeholders filled with `values`; with a placeholder left
    unfilled, the longest literal part (what the screen shows whatever the value)."""
    text = catalog(locale)[key]
    text = re.sub(r"\{(\w+)\}", lambda slot: values.get(slot[1], "\0"), text)
    parts = [part.strip(" *_`:：,，.。()（）<>#@") for part in text.split("\0")]
    return max(parts, key=len)


# The demo, and the browser acting in it -----------------------------------------------------------


def _demo_ready(base: str) -> bool:
    """Both stories' reps have their nudge, and last week's digest is in #sales-digest."""
    try:
        state = get(f"{base}/_control/state")
        channels = {c["name"]: c["id"] for c in state["channels"]}  # type: ignore[attr-defined]
        dms = {locale: messages(base, channels[f"dm-{rep.user_id}"]) for locale, rep in REPS.items()}
        nudged = all(
            any(catalog(locale)["nudge.button"] in str(m.get("blocks")) for m in dm)
            for locale, dm in dms.items()
        )
        digests = messages(base, channels["sales-digest"])
        return nudged and any("Weekly digest" in str(m.get("text")) for m in digests)
    except (OSError, KeyError, ValueError):
        return False


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A running `pacer demo` (local-slack's URL), stopped with Ctrl-C after the module's stories."""
    data = tmp_path_factory.mktemp("demo")
    slack_port, app_port = free_port(), free_port()
    command = demo_command(slack_port=slack_port, app_port=app_port, data_dir=data)
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://localhost:{slack_port}"
    try:
        deadline = time.monotonic() + 120
        while not _demo_ready(base):
            assert process.poll() is None, f"pacer demo exited {process.returncode}; logs in {data}"
            assert time.monotonic() < deadline, f"demo never showed nudges and digest; logs in {data}"
            time.sleep(0.5)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            output = process.communicate(timeout=60)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0].decode(errors="replace")
    assert process.returncode == 0, output


@pytest.fixture(scope="module")
def page(demo: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 860},
        )
        tab = browser.pages[0] if browser.pages else browser.new_page()
        tab.set_default_timeout(15_000)
        sync_api.expect.set_options(timeout=15_000)
        tab.goto(demo)
        try:
            yield tab
        finally:
            browser.close()


class Story:
    """One role's story in one language: acting as someone, a numbered screenshot per step."""

    def __init__(self, page: Any, role: str, locale: Locale) -> None:
        self.page, self.role, self.locale, self.step = page, role, locale, 0
        self.main = page.get_by_role("main")
        self.modal = page.locator(".modal")

    def act_as(self, person: Person) -> None:
        self.page.get_by_label("Act as").select_option(person.user_id)

    def open(self, name: str) -> None:
        """A channel, a DM (by the person's name) or an app's Home (by the app's name) in the sidebar."""
        self.page.get_by_role("complementary").get_by_role("button", name=name).click()

    def open_home(self) -> None:
        self.page.get_by_role("complementary").get_by_role("button", name="🏠 Pacer").click()

    def command(self, text: str) -> None:
        """Type a command and send it; a mention's autocompletion takes one Enter first."""
        box = self.main.get_by_role("textbox").last
        box.fill(text)
        if "@" in text:
            box.press("Enter")
            sync_api.expect(box).not_to_have_value(text)  # the mention is completed
        box.press("Enter")
        sync_api.expect(box).to_have_value("")

    def field(self, label: str, *, partial: bool = False) -> Any:
        """The modal's input labelled `label` (or, `partial`, whose label contains it)."""
        text = re.compile(re.escape(label) if partial else "^" + re.escape(label) + "$")
        return self.modal.locator(".bk-input").filter(has=self.page.locator(".bk-label", has_text=text))

    def shot(self, name: str) -> None:
        self.step += 1
        SCREENS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SCREENS / f"{self.role}-{self.step}-{name}-{self.locale}.png")

    def t(self, key: str, **values: str) -> str:
        return words(key, self.locale, **values)

    def switch_language(self, person: Person) -> None:
        """`/pacer language <locale>` in #general, as `person`, and wait for Pacer's answer."""
        self.act_as(person)
        self.open("general")
        self.command(f"/pacer language {self.locale}")
        sync_api.expect(self.main.locator(".msg").last).to_contain_text(words("language.set", self.locale))


@contextmanager
def failure_shot(page: Any, name: str) -> Iterator[None]:
    """On failure, what the browser showed, in `artifacts/` (not in the gallery)."""
    try:
        yield
    except Exception:
        FAILURES.mkdir(exist_ok=True)
        page.screenshot(path=FAILURES / f"browser-failure-{name}.png")
        raise


# The stories ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_rep_checks_in(page: Any, locale: Locale) -> None:
    """Nudge → check-in → confirmation → Home."""
    story, rep, expect = Story(page, "rep", locale), REPS[locale], sync_api.expect
    with failure_shot(page, f"rep-{locale}"):
        story.act_as(rep)
        story.open(rep.name)
        nudge = story.main.locator(".msg").filter(has_text=story.t("nudge.intro"))
        button = nudge.get_by_role("button", name=story.t("nudge.button"), exact=True)
        expect(button).to_be_visible()
        story.shot("nudge")

        button.click()
        expect(story.modal).to_contain_text(story.t("checkin.title"))
        expect(story.modal).to_contain_text(story.t("crm.checkin.revenue"))  # the demo's CRM has last week
        result = story.field(story.t("checkin.result"), partial=True).get_by_role("textbox")
        expect(result).not_to_have_value("")  # pre-filled with the CRM's figure, which the rep keeps
        figure = result.input_value()  # local-slack submits a field's value only once it is typed in:
        result.fill("")  # clear it and type it again (the same value typed over would not count)
        result.fill(figure)
        story.modal.get_by_role("radio", name=story.t("confidence.on_track")).check()
        story.field(story.t("checkin.highlights")).get_by_role("textbox").fill(
            "Two new logos signed" if locale == "en" else "签下两家新客户"
        )
        story.shot("checkin")

        story.modal.get_by_role("button", name=story.t("checkin.submit"), exact=True).click()
        expect(story.modal).to_be_hidden()
        done = story.main.locator(".msg").filter(has_text=story.t("nudge.done"))
        expect(done.get_by_role("button", name=story.t("nudge.edit_button"))).to_be_visible()
        expect(story.main.get_by_role("button", name=story.t("nudge.button"), exact=True)).to_have_count(0)
        story.shot("confirmation")

        story.open_home()
        home = story.main.locator(".home")
        expect(home).to_contain_text(story.t("home.rep_title"))
        expect(home).to_contain_text(story.t("home.checked_in"))
        story.shot("home")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_manager_sets_a_goal_and_gives_feedback(page: Any, locale: Locale) -> None:
    """Status → goal modal → confirmation → goals → feedback → sent."""
    story, (manager, rep), expect = Story(page, "manager", locale), MANAGERS[locale], sync_api.expect
    title = "Grow enterprise revenue in Q1" if locale == "en" else "第一季度企业客户收入增长"
    with failure_shot(page, f"manager-{locale}"):
        if locale != "en":
            story.switch_language(manager)
        story.act_as(manager)
        story.open(manager.name)  # their DM with Pacer: the other stories' answers are in #general
        story.command("/pacer status")
        status = story.main.locator(".msg").filter(has_text=story.t("status.title")).last
        expect(status).to_contain_text(rep.name)
        expect(status).to_contain_text(story.t("badge.legend"))  # badges come with their legend
        story.shot("status")

        story.command(f"/pacer goal @{rep.handle}")
        expect(story.modal).to_contain_text(story.t("goal.modal_title"))
        expect(story.modal).to_contain_text(rep.name)
        story.field(story.t("goal.title_label")).get_by_role("textbox").fill(title)
        story.field(story.t("goal.metric")).get_by_role("combobox").select_option("revenue")
        story.field(story.t("goal.unit")).get_by_role("combobox").select_option("USD")
        story.field(story.t("goal.target")).get_by_role("textbox").fill("90k")
        story.field(story.t("goal.why")).get_by_role("textbox").fill(
            "Two large accounts renew in Q1" if locale == "en" else "两个大客户在第一季度续约"
        )
        story.field(story.t("goal.period")).get_by_role("combobox").select_option("quarter")
        story.field(story.t("goal.start")).locator("input").fill("2027-01-04")
        story.shot("goal")

        story.modal.get_by_role("button", name=catalog(locale)["common.save"], exact=True).click()
        expect(story.modal).to_be_hidden()
        confirmed = story.main.locator(".msg").filter(has_text=title).last  # "Sent to …; they'll be asked"
        expect(confirmed).to_contain_text(story.t("answers.goal.new_to_rep"))
        expect(confirmed).to_contain_text(rep.name)
        story.shot("confirmation")
        story.command(f"/pacer goals @{rep.handle}")  # the saved goal, waiting for the rep to agree
        listed = story.main.locator(".msg").filter(has_text=title).last
        expect(listed).to_contain_text(story.t("goal_status.awaiting_agreement"))
        story.shot("goals")

        story.command(f"/pacer feedback @{rep.handle}")
        expect(story.modal).to_contain_text(story.t("feedback.give_title"))
        expect(story.modal).to_contain_text(rep.name)
        story.field(story.t("feedback.strengths")).get_by_role("textbox").fill(
            "Fast follow-up after every demo" if locale == "en" else "每次演示后都跟进得很快"
        )
        story.field(story.t("feedback.improve")).get_by_role("textbox").fill(
            "Qualify deals earlier" if locale == "en" else "更早地筛选商机"
        )
        story.field(story.t("feedback.next_step")).get_by_role("textbox").fill(
            "Shadow one discovery call a week" if locale == "en" else "每周旁听一次需求沟通电话"
        )
        story.shot("feedback")
        story.modal.get_by_role("button", name=story.t("feedback.send"), exact=True).click()
        expect(story.modal).to_be_hidden()
        sent = story.main.locator(".msg").filter(has_text=story.t("answers.feedback.given")).last
        expect(sent).to_contain_text(rep.name)  # "Sent your feedback to …; they'll be asked to acknowledge"
        story.shot("feedback-sent")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_an_admin_sees_the_current_settings(page: Any, locale: Locale) -> None:
    """Setup with the current values → a field error → saved."""
    story, expect = Story(page, "admin", locale), sync_api.expect
    with failure_shot(page, f"admin-{locale}"):
        if locale != "en":
            story.switch_language(ALEX)
        story.act_as(ALEX)
        story.open("general")
        story.command("/pacer setup")
        expect(story.modal).to_contain_text(story.t("setup.title"))
        current = {  # the demo's settings (bot/demo/seed.py); local-slack shows the selects' placeholders
            "setup.digest_channel": catalog(locale)["setup.current.channel"],
            "setup.nudge_weekday": catalog(locale)["weekday.0"],
            "setup.nudge_time": "09:00",
            "setup.reminder_delay": words("setup.hours", locale, hours="24"),
            "setup.language": catalog(locale)["language.en"],
            "setup.digest_weekday": catalog(locale)["weekday.6"],
            "setup.digest_time": "23:00",
        }
        for label, value in current.items():
            shown = story.field(story.t(label)).get_by_role("combobox").locator("option:checked")
            expect(shown).to_have_text(value)
        zone = story.field(story.t("setup.timezone")).get_by_role("textbox")
        expect(zone).to_have_value("Europe/Berlin")
        story.shot("setup")

        zone.fill("Mars/Olympus")
        story.modal.get_by_role("button", name=catalog(locale)["common.save"], exact=True).click()
        error = story.modal.locator(".modal-error")
        expect(error).to_contain_text(story.t("setup.error.timezone"))
        error.scroll_into_view_if_needed()
        story.shot("error")

        zone.fill("Europe/Berlin")
        story.modal.get_by_role("button", name=catalog(locale)["common.save"], exact=True).click()
        expect(story.modal).to_be_hidden()
        saved = story.main.locator(".msg").last
        expect(saved).to_contain_text(story.t("answers.setup.saved"))
        expect(saved).to_contain_text("Europe/Berlin")
        story.shot("saved")


@pytest.mark.parametrize("locale", LANGUAGES)
def test_an_admin_calibrates_and_a_rep_gets_their_scorecard(page: Any, locale: Locale) -> None:
    """The demo's quarter in calibration (`/pacer scorecards`) → Lock and publish → the rep's scorecard."""
    story, rep, expect = Story(page, "reviews", locale), REPS[locale], sync_api.expect
    with failure_shot(page, f"reviews-{locale}"):
        story.switch_language(ALEX)  # the admin story may have left Alex in the other language
        story.act_as(ALEX)
        story.open("general")
        story.command("/pacer scorecards")
        listing = story.main.locator(".msg").filter(has_text=story.t("reviews.calibration.title")).last
        expect(listing).to_contain_text(rep.name)
        expect(listing).to_contain_text(story.t("reviews.calibration.by_vendor"))
        story.shot("calibration")

        publish = listing.get_by_role("button", name=story.t("reviews.calibration.publish"), exact=True)
        if publish.count():  # the first story publishes; the other finds the quarter published
            page.once("dialog", lambda dialog: dialog.accept())
            publish.click()
            confirm = page.get_by_role(
                "button", name=story.t("reviews.calibration.publish_confirm"), exact=True
            )
            if confirm.count():
                confirm.click()
            done = story.main.locator(".msg").filter(has_text=words("reviews.calibration.published", locale))
            expect(done.last).to_be_visible()
        story.act_as(rep)
        story.open(rep.name)
        card = story.main.locator(".msg").filter(
            has_text=words("reviews.publish.scorecard_title", rep_locale(rep))
        )
        expect(card.last).to_be_visible()
        card.last.scroll_into_view_if_needed()
        story.shot("scorecard")


def rep_locale(rep: Person) -> Locale:
    return "zh" if rep is WEI else "en"


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_rep_gets_kudos_and_sees_their_incentives(page: Any, locale: Locale) -> None:
    """A manager's kudos → the rep's Home (recognition) → `/pacer incentives` (the next tier)."""
    story, rep, expect = Story(page, "recognition", locale), REPS[locale], sync_api.expect
    reason = "Great prep for the Globex demo" if locale == "en" else "为 Globex 演示做了充分准备"
    with failure_shot(page, f"recognition-{locale}"):
        story.act_as(MARIA)  # their manager
        story.open("general")
        story.command(f"/pacer kudos @{rep.handle} 10 {reason} #teamwork")
        expect(story.main.locator(".msg").filter(has_text=reason).last).to_be_visible()
        story.act_as(rep)
        story.open(rep.name)
        story.open_home()
        home = story.main.locator(".home")
        received = home.get_by_text(story.t("recognition.home.received")).first
        expect(received).to_be_visible()
        expect(home).to_contain_text(reason)
        received.scroll_into_view_if_needed()
        story.shot("home")

        tiers = Story(page, "incentives", locale)
        story.open(rep.name)
        story.command("/pacer incentives")
        shown = story.main.locator(".msg").filter(has_text=tiers.t("incentives.rep.title")).last
        expect(shown).to_contain_text(tiers.t("incentives.rep.now"))
        expect(shown).to_contain_text(
            re.compile("|".join(re.escape(tiers.t(k)) for k in ("incentives.rep.next", "incentives.rep.top")))
        )
        tiers.shot("next-tier")


def waiting_question(locale: Locale) -> Question:
    """The question of the demo's waiting lesson (the third of "Product basics" in `locale`)."""
    course = read("product-basics", (SHIPPED / f"product-basics.{locale}.yaml").read_bytes()).course
    assert course is not None
    question = course.lessons[2].question
    assert question is not None
    return question


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_rep_answers_a_quiz_question(page: Any, locale: Locale) -> None:
    """The seeded lesson in the rep's DM → one answer → right (English) or wrong (Chinese), explained."""
    story, rep, expect = Story(page, "training", locale), LEARNERS[locale], sync_api.expect
    question = waiting_question(locale)
    chosen = question.answer if locale == "en" else (question.answer + 1) % len(question.options)
    with failure_shot(page, f"training-{locale}"):
        story.act_as(rep)
        story.open(rep.name)
        lesson = story.main.locator(".msg").filter(
            has_text=story.t("training.lesson.title", n="3", count="6")
        )
        expect(lesson).to_contain_text(question.prompt)
        option = lesson.get_by_role("button", name=re.compile(rf"^{chosen + 1}\. "))  # labels are capped
        expect(option).to_be_visible()
        option.scroll_into_view_if_needed()
        story.shot("lesson")

        option.click()
        verdict = (
            story.t("training.answer.right")
            if chosen == question.answer
            else story.t("training.answer.wrong", answer=question.options[question.answer])
        )
        expect(lesson).to_contain_text(verdict)
        expect(lesson).to_contain_text(question.explain)
        expect(lesson.get_by_role("button", name=re.compile(r"^\d\. "))).to_have_count(0)
        expect(lesson.get_by_role("button", name=story.t("training.lesson.next"), exact=True)).to_be_visible()
        lesson.scroll_into_view_if_needed()
        story.shot("answered")
