"""The Fxiaoke credential check runs before the modal is answered, so it is bounded as a whole: a cloud
that accepts the connection and then answers slowly (each read within httpx's per-read timeout, the
total past Slack's 3 seconds) is "unreachable" when the check's time is up, not a failed submission."""

from __future__ import annotations

import time

import httpx
import pytest
import respx

from bot.crm import fxiaoke
from tests.crm.integrations import recorded

CLOUD = "https://open.fxiaoke.com"
FILLED = fxiaoke.Filled(CLOUD, "FSAID_1", "secret", "code", "FSUID_1")


@respx.mock
def test_a_slow_cloud_is_unreachable_once_the_checks_time_is_up(respx_mock: respx.MockRouter) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        time.sleep(1.5)
        return httpx.Response(200, json=recorded.FX_TOKEN)

    respx_mock.post(f"{CLOUD}/cgi/corpAccessToken/get/V2").mock(side_effect=slow)
    started = time.monotonic()
    problem = fxiaoke.token_problem(FILLED, frozenset({CLOUD}), seconds=0.3)
    assert time.monotonic() - started < 1.2
    assert problem == {"cloud": "crm.fxiaoke.unreachable"}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (recorded.FX_TOKEN, {}),
        ({"errorCode": 20005}, {"app_secret": "crm.fxiaoke.refused"}),
        ({"errorCode": 30002}, {"cloud": "crm.fxiaoke.busy"}),  # the day's calls used up: not unreachable
        ({"errorCode": 14001}, {"cloud": "crm.fxiaoke.busy"}),
    ],
)
def test_an_answer_within_the_time_says_whether_the_credentials_work(
    respx_mock: respx.MockRouter, answer: dict[str, object], problem: dict[str, str]
) -> None:
    respx_mock.post(f"{CLOUD}/cgi/corpAccessToken/get/V2").respond(200, json=answer)
    assert fxiaoke.token_problem(FILLED, frozenset({CLOUD})) == problem
