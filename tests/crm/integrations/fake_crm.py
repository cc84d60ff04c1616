"""A fake CRM on loopback that speaks enough of Zoho CRM v8 and the Fxiaoke OpenAPI for the connectors:
OAuth and corpAccessToken endpoints, Zoho's Users API and COQL (the subset the connector writes), and
Fxiaoke's user list and data query, with their paging limits and error shapes (fake_zoho.py,
fake_fxiaoke.py), over one in-memory book of owners, deals and accounts (fake_book.py).

Knobs make it misbehave the way the real ones do: expired tokens, 429s with Retry-After, exhausted
credits, error-coded HTTP 200 replies, a tenant on the old opportunity object. Used by the contract tests
over real HTTP, and later by the end-to-end test and the 100,000-row benchmark:

    with FakeCrmServer(FakeBook.generate(deals=100_000)) as crm:
        crm.url  # both the Zoho accounts server / API domain and the Fxiaoke cloud
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.crm.integrations.fake_book import FakeBook, FakeState, Knobs
from tests.crm.integrations.fake_fxiaoke import fxiaoke_route
from tests.crm.integrations.fake_zoho import zoho_route


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms wait between them

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any] | None, headers: dict[str, str] | None = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _serve(self, method: str) -> None:
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        state = self.server.state
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path.startswith("/cgi/"):
            status, body, headers = fxiaoke_route(state, url.path, json.loads(raw or b"{}"))
        else:
            form = (
                {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                if method == "POST" and not raw.startswith(b"{")
                else {}
            )
            payload = json.loads(raw) if raw.startswith(b"{") else {}
            host, port = self.server.server_address[:2]
            auth = self.headers.get("Authorization", "")
            base = f"http://{host!s}:{port}"
            status, body, headers = zoho_route(state, method, url.path, query, form, payload, auth, base)
        self._reply(status, body, headers)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class FakeCrmServer:
    def __init__(self, book: FakeBook | None = None) -> None:
        self.state = FakeState(book or FakeBook.generate())
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeCrmServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


__all__ = ["FakeBook", "FakeCrmServer", "FakeState", "Knobs"]


def main() -> None:
    """Serve a generated book in a process of its own (the benchmark reads it from another process):
    prints one JSON line with the URL and a Zoho grant code, then serves until stdin closes."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=1_000)
    parser.add_argument("--owners", type=int, default=50)
    args = parser.parse_args()
    book = FakeBook.generate(deals=args.deals, accounts=args.accounts, owners=args.owners)
    with FakeCrmServer(book) as crm:
        print(json.dumps({"url": crm.url, "zoho_code": crm.state.grant_code()}), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
