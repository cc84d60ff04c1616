"""`pacer demo`'s start-up checks, without starting local-slack."""

from __future__ import annotations

import socket

import pytest

from bot.demo.runner import DemoError, _check_port


def _listener() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as local-slack (node) and waitress do
    server.bind(("127.0.0.1", 0))
    server.listen()
    return server


def test_a_port_in_use_is_refused() -> None:
    with _listener() as server:
        port = server.getsockname()[1]
        with pytest.raises(DemoError, match=f"port {port} is in use: choose another with --slack-port"):
            _check_port(port, "--slack-port")


def test_a_port_left_in_time_wait_by_a_stopped_demo_is_free() -> None:
    server = _listener()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server closes first: its side of the connection stays in TIME_WAIT
    client.recv(1)
    client.close()
    server.close()
    assert _time_wait_on(port), "the test did not leave a connection in TIME_WAIT"
    _check_port(port, "--slack-port")  # no DemoError: Ctrl-C and `make demo` again just works


def _time_wait_on(port: int) -> bool:
    """Whether /proc/net/tcp lists a connection from 127.0.0.1:port in TIME_WAIT (state 06)."""
    with open("/proc/net/tcp", encoding="ascii") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    return any(row[1] == f"0100007F:{port:04X}" and row[3] == "06" for row in rows)
