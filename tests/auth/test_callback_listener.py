"""The loopback listener for Zoho's redirect: an idle connection (a browser's preconnect) does
not hold the redirect up, waiting honours its timeout, and closing does not wait."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import httpx

from zoho_tools.auth.connect import CallbackListener


def test_an_idle_connection_does_not_block_the_redirect() -> None:
    with CallbackListener("state-1") as listener:
        port = urlsplit(listener.redirect_uri).port
        assert port is not None
        preconnect = socket.create_connection(("127.0.0.1", port))  # opened, never used
        try:
            answer = httpx.get(
                listener.redirect_uri, params={"code": "c", "state": "state-1"}, timeout=5
            )
            assert answer.status_code == 200
            callback = listener.wait(5)
        finally:
            preconnect.close()
    assert callback is not None and callback.code == "c"


def test_waiting_honours_its_timeout_while_a_connection_idles() -> None:
    with CallbackListener("state-2") as listener:
        port = urlsplit(listener.redirect_uri).port
        assert port is not None
        idle = socket.create_connection(("127.0.0.1", port))
        idle.sendall(b"GET /callback?code=x")  # half a request line, then silence
        try:
            assert listener.wait(0.2) is None
        finally:
            leaving = threading.Thread(target=listener.__exit__, args=(None, None, None))
            leaving.start()
            leaving.join(5)
            assert not leaving.is_alive(), "closing the listener waited for the idle client"
            idle.close()
