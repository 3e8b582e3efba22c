"""The loopback server answers every malformed request with an HTTP error, never a hang or a
silent drop; it keeps serving while clients misbehave, and it answers without Nagle delays."""

from __future__ import annotations

import asyncio
import json
import socket
import struct

import httpx
import pytest

from zoho_tools.sandbox import Sandbox, SandboxServer

from .conftest import API


def exchange(server: SandboxServer, raw: bytes, timeout: float = 5.0) -> bytes:
    """Send raw bytes, half-close, and read until the server closes (or the timeout fails)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as conn:
        conn.sendall(raw)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer.split(b" ", 2)[1])


def body_of(answer: bytes) -> dict[str, object]:
    return dict(json.loads(answer.split(b"\r\n\r\n", 1)[1]))


@pytest.mark.parametrize(
    "head",
    [
        b"POST /crm/v7/Leads HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
        b"POST /crm/v7/Leads HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
        b"POST /crm/v7/Leads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /crm/v7/Leads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n",
        b"GET /crm/v7/users HTTP/1.1\r\nHost: x\r\nX-Name: caf\x00\r\n\r\n",
        b"GET /crm/v7/users HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
        b"GET crm/v7/users HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
        b"NOT-HTTP\r\n\r\n",
    ],
    ids=[
        "length-not-a-number",
        "length-negative",
        "chunk-size-not-hex",
        "chunk-size-negative",
        "control-byte-in-header",
        "header-without-colon",
        "relative-target",
        "asterisk-not-options",
        "garbage",
    ],
)
def test_malformed_requests_get_a_400(server: SandboxServer, head: bytes) -> None:
    answer = exchange(server, head)
    assert status_of(answer) == 400
    assert body_of(answer)["status"] == "error"


def test_non_ascii_header_bytes_are_answered(server: SandboxServer) -> None:
    raw = "GET /crm/v7/users HTTP/1.1\r\nHost: x\r\nAuthorization: Zoho-oauthtoken café\r\n\r\n"
    answer = exchange(server, raw.encode("latin-1"))
    assert status_of(answer) == 401
    assert body_of(answer)["code"] == "INVALID_TOKEN"


def test_a_huge_content_length_is_refused_without_reading_it(server: SandboxServer) -> None:
    head = b"POST /crm/v7/Leads HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n"
    assert status_of(exchange(server, head)) == 413


def test_a_huge_head_is_refused(server: SandboxServer) -> None:
    head = b"GET /crm/v7/users HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n"
    assert status_of(exchange(server, head)) == 431


def test_options_asterisk_is_answered(server: SandboxServer) -> None:
    answer = exchange(server, b"OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status_of(answer) == 200
    assert b"Allow: GET" in answer


def test_absolute_form_targets_are_served(server: SandboxServer, token: str) -> None:
    raw = (
        f"GET {server.url}{API}/users?type=AllUsers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Zoho-oauthtoken {token}\r\nConnection: close\r\n\r\n"
    ).encode()
    answer = exchange(server, raw)
    assert status_of(answer) == 200
    assert "users" in body_of(answer)


def test_deeply_nested_json_is_invalid_data(server: SandboxServer, token: str) -> None:
    deep = b"[" * 50_000 + b"]" * 50_000
    with httpx.Client(base_url=server.url) as client:
        answer = client.post(
            f"{API}/Leads", content=deep, headers={"Authorization": f"Zoho-oauthtoken {token}"}
        )
        nested = client.post(
            f"{API}/Leads",
            content=b'{"data": [' + b'{"a":' * 500 + b"1" + b"}" * 500 + b"]}",
            headers={"Authorization": f"Zoho-oauthtoken {token}"},
        )
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_DATA")
    assert (nested.status_code, nested.json()["code"]) == (400, "INVALID_DATA")


def test_deeply_nested_json_in_process(sb: Sandbox, token: str) -> None:
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url) as client:
        answer = client.post(
            f"{API}/Leads",
            content=b"[" * 50_000 + b"]" * 50_000,
            headers={"Authorization": f"Zoho-oauthtoken {token}"},
        )
    assert (answer.status_code, answer.json()["code"]) == (400, "INVALID_DATA")
    assert sb.log[-1].json is None


def test_a_client_hanging_up_mid_answer_leaves_no_traceback(
    server: SandboxServer, token: str, capfd: pytest.CaptureFixture[str]
) -> None:
    raw = (
        f"GET {API}/Contacts?per_page=200 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Zoho-oauthtoken {token}\r\n\r\n"
    ).encode() * 20
    for _ in range(5):
        conn = socket.create_connection(("127.0.0.1", server.port))
        # Linger on, timeout 0: closing resets the connection, as a killed client does.
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sendall(raw)
        conn.close()  # a reset while the server is still answering
    assert httpx.get(f"{server.url}{API}/users").status_code == 401  # still serving
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_keeps_accepting_while_slow_clients_hold_connections(
    server: SandboxServer, token: str
) -> None:
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(50)]
    half = socket.create_connection(("127.0.0.1", server.port))
    half.sendall(b"POST /crm/v7/Leads HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    try:
        answer = httpx.get(
            f"{server.url}{API}/users",
            headers={"Authorization": f"Zoho-oauthtoken {token}"},
            timeout=5,
        )
        assert answer.status_code == 200
    finally:
        for conn in [*idle, half]:
            conn.close()


def test_answers_go_out_with_nagle_off(server: SandboxServer, token: str) -> None:
    """With Nagle on, a kept-alive client waits for a delayed ACK (~40 ms) on every request."""
    with httpx.Client(
        base_url=server.url, headers={"Authorization": f"Zoho-oauthtoken {token}"}
    ) as client:
        assert client.get(f"{API}/users").status_code == 200
        sockets = [w.get_extra_info("socket") for w in server._connections]
        assert sockets
        assert all(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for s in sockets)


async def test_a_hundred_concurrent_keep_alive_clients(
    sb: Sandbox, server: SandboxServer, token: str
) -> None:
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    async with httpx.AsyncClient(
        base_url=server.url,
        headers={"Authorization": f"Zoho-oauthtoken {token}"},
        limits=limits,
    ) as client:
        for _ in range(3):
            answers = await asyncio.gather(*(client.get(f"{API}/users") for _ in range(100)))
            assert [a.status_code for a in answers] == [200] * 100


def test_stopping_closes_idle_connections_at_once(sb: Sandbox) -> None:
    server = sb.serve()
    idle = socket.create_connection(("127.0.0.1", server.port))
    server.close()
    idle.settimeout(5)
    assert idle.recv(10) == b""
    idle.close()


def test_head_is_answered_without_a_body(sb: Sandbox, server: SandboxServer, token: str) -> None:
    auth = {"Authorization": f"Zoho-oauthtoken {token}"}
    with httpx.Client(transport=sb.transport(), base_url=sb.base_url, headers=auth) as local:
        expected = local.head(f"{API}/users")  # what the API answers, with its body
    with httpx.Client(base_url=server.url, headers=auth) as client:
        head = client.head(f"{API}/users")
        get = client.get(f"{API}/users")  # on the same kept-alive connection
    assert (head.status_code, head.content) == (expected.status_code, b"")
    assert head.headers["Content-Length"] == str(len(expected.content))
    assert get.status_code == 200
