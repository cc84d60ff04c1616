"""A shared file's bytes are read with the bot token: only over https (plain http only to the Slack API's
own host, a local Slack in tests), and a redirect to another host is refused, so the token never reaches
another server. Over real HTTP on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk import WebClient

from bot.errors import Invalid
from bot.slack.files import SharedFile, download

TOKEN = "xoxb-secret-token"


class Server:
    """A loopback HTTP server: `/file` serves bytes, `/moved` redirects to `target`; it records the
    Authorization header of every request it gets."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []
        self.target = ""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.seen.append((self.path, self.headers.get("Authorization")))
                if self.path == "/moved":
                    self.send_response(302)
                    self.send_header("Location", owner.target)
                    self.end_headers()
                    return
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"rep,course\n")

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def servers() -> Iterator[tuple[Server, Server]]:
    found = (Server(), Server())
    yield found
    for server in found:
        server.httpd.shutdown()
        server.httpd.server_close()


def shared(url: str) -> SharedFile:
    return SharedFile("F1", "completions.csv", "UREP", "csv", 0, url)


def test_a_same_host_download_and_redirect_carry_the_token(servers: tuple[Server, Server]) -> None:
    slack, _ = servers
    client = WebClient(token=TOKEN, base_url=f"http://127.0.0.1:{slack.port}/api/")
    slack.target = f"http://127.0.0.1:{slack.port}/file"
    assert download(client, shared(f"http://127.0.0.1:{slack.port}/moved")) == b"rep,course\n"
    assert slack.seen == [("/moved", f"Bearer {TOKEN}"), ("/file", f"Bearer {TOKEN}")]


def test_a_redirect_to_another_host_is_refused(servers: tuple[Server, Server]) -> None:
    slack, other = servers
    client = WebClient(token=TOKEN, base_url=f"http://127.0.0.1:{slack.port}/api/")
    slack.target = f"http://localhost:{other.port}/file"  # another host name, another server
    with pytest.raises(Invalid) as refused:
        download(client, shared(f"http://127.0.0.1:{slack.port}/moved"))
    assert refused.value.key == "upload.unreadable"
    assert other.seen == []


def test_plain_http_elsewhere_than_slacks_host_is_refused(servers: tuple[Server, Server]) -> None:
    slack, other = servers
    client = WebClient(token=TOKEN, base_url=f"http://localhost:{slack.port}/api/")
    with pytest.raises(Invalid):
        download(client, shared(f"http://127.0.0.1:{other.port}/file"))
    assert other.seen == []
