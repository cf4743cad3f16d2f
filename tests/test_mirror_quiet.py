"""The mirror keeps clients that hang up out of the log unless asked (make bench printed tracebacks)."""
from __future__ import annotations

import logging
import socket
import struct
import urllib.request

from crawler.tools.mirror import DEFAULT_MIRROR_DIR, MirrorServer


def hang_up_mid_request(server: MirrorServer, site: str) -> None:
    """Send half a request, then reset the connection (SO_LINGER 0), as a client that times out does."""
    client = socket.create_connection(("127.0.0.1", server.sites[site].port))
    client.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.close()


def served_error(server: MirrorServer, capfd) -> str:
    site = server._servers[0]
    try:
        raise ConnectionResetError(104, "Connection reset by peer")
    except ConnectionResetError:
        site.handle_error(None, ("127.0.0.1", 1))
    return capfd.readouterr().err


def test_a_client_hanging_up_prints_no_traceback(capfd, caplog):
    with MirrorServer(DEFAULT_MIRROR_DIR) as server:
        hang_up_mid_request(server, "hanbit-news")
        # The server still answers afterwards.
        with urllib.request.urlopen(server.url("hanbit-news", "/robots.txt"), timeout=10) as response:
            assert response.status == 200
        with caplog.at_level(logging.INFO, logger="crawler.tools.mirror"):
            assert "Traceback" not in served_error(server, capfd)
        assert not [record for record in caplog.records if "hung up" in record.getMessage()]


def test_verbose_mirror_logs_hang_ups_and_requests(capfd, caplog):
    with MirrorServer(DEFAULT_MIRROR_DIR, verbose=True) as server:
        with caplog.at_level(logging.INFO, logger="crawler.tools.mirror"):
            assert "Traceback" not in served_error(server, capfd)
            with urllib.request.urlopen(server.url("hanbit-news", "/robots.txt"), timeout=10):
                pass
        messages = [record.getMessage() for record in caplog.records]
        assert any("hung up" in message for message in messages)
        assert any("/robots.txt" in message for message in messages)
