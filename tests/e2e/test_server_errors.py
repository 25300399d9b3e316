"""A 500 must not leave a keep-alive client talking into a dead connection.

Once an exception escaped the app, the server closes the connection after the 500; the answer
says `Connection: close`, so a client opens a new one for its next request instead of sending
it into a reset. The 500 comes from a real fault: the live server's SQLite database loses the
table one route reads (no test-only route in the product).
"""

from __future__ import annotations

import http.client
import sqlite3
from urllib.parse import urlsplit

import pytest

from tests import factories as make


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_500_closes_the_connection_and_the_next_request_gets_through(live_server):
    with make.session_at(live_server.db_url) as s:
        key = make.person(s, "boss", "manager").key
    headers = {"Authorization": f"Bearer {key}"}
    address = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(address.hostname, address.port, timeout=10)

    def get(path: str) -> http.client.HTTPResponse:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response

    assert get("/api/batches").status == 200
    socket_before = conn.sock
    assert get("/api/batches/nope").status == 404
    assert conn.sock is socket_before  # an ordinary error keeps the connection

    with sqlite3.connect(live_server.db_url.removeprefix("sqlite:///")) as broken:
        broken.execute("DROP TABLE batches")
    failed = get("/api/batches")
    assert failed.status == 500
    assert failed.getheader("connection") == "close"
    # http.client honours the header and reconnects; without it this request met a reset.
    after = get("/healthz")
    assert after.status == 200
    conn.close()
