"""The people of the end-to-end tests, as Slack's users.info would describe them."""

from __future__ import annotations

from tests.support.slack_emulator import SlackEmulator

ADMIN = "UADMIN"  # in PACER_ADMINS
OWNER = "UOWNER"  # a Slack workspace owner
MARIA = "UMARIA"  # becomes a manager
BEN = "UBEN"  # a manager too
REP_EN = "UREPEN"
REP_ZH = "UREPZH"
REP_LA = "UREPLA"
GONE = "UGONE"  # deleted from Slack


def add_people(emulator: SlackEmulator) -> None:
    emulator.add_user(ADMIN, name="alex", real_name="Alex Admin", tz="Europe/London")
    emulator.add_user(OWNER, name="olga", real_name="Olga Owner", is_owner=True)
    emulator.add_user(MARIA, name="maria", real_name="Maria Manager", tz="America/New_York")
    emulator.add_user(BEN, name="ben", real_name="Ben Manager")
    emulator.add_user(REP_EN, name="rita", real_name="Rita Rep", tz="Europe/Berlin")
    emulator.add_user(REP_ZH, name="li", real_name="Li Wei", tz="Asia/Shanghai", locale="zh-CN")
    emulator.add_user(REP_LA, name="sam", real_name="Sam Rep", tz="America/Los_Angeles")
    emulator.add_user(GONE, name="gone", deleted=True)
    emulator.add_channel("C0GENERAL", "general")
    emulator.add_channel("C0DIGEST", "sales-digest")
