"""Hostile webhook bodies: whatever arrives, the server answers (200, 400, 401 or 413), never
with a 500 or a crash, and a refused request runs nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.server.conftest import all_verifiers, retell_signature, sandbox_service
from zoho_tools.catalog import CATALOG
from zoho_tools.sandbox import Sandbox
from zoho_tools.server.webhooks import MAX_BODY_BYTES, create_app

ANSWERS = {200, 400, 413}
EXAMPLES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=16,
)
names = st.sampled_from(sorted(CATALOG)[:20]) | st.text(max_size=30)
arguments = json_values | st.dictionaries(
    st.sampled_from(
        ["query", "subject", "id", "company", "last_name", "confirmed", "caller_phone"]
    ),
    json_values,
    max_size=4,
).map(json.dumps)
texts = st.none() | st.text(max_size=30) | st.integers() | json_values

vapi_items = st.fixed_dictionaries(
    {"id": texts, "type": st.just("function")},
    optional={
        "function": st.fixed_dictionaries({"name": names}, optional={"arguments": arguments})
        | json_values,
        "name": names,
        "parameters": arguments,
    },
)
vapi_messages = st.fixed_dictionaries(
    {
        "message": st.fixed_dictionaries(
            {
                "type": st.sampled_from(["tool-calls", "end-of-call-report", "status-update"])
                | texts
            },
            optional={
                "toolCallList": st.lists(vapi_items | json_values, max_size=4) | json_values,
                "call": st.fixed_dictionaries(
                    {"id": texts},
                    optional={
                        "customer": st.fixed_dictionaries({"number": texts}) | json_values,
                        "type": texts,
                        "startedAt": texts,
                    },
                )
                | json_values,
                "startedAt": texts,
                "endedAt": texts,
                "durationSeconds": texts | st.floats(),
                "endedReason": texts,
                "analysis": st.fixed_dictionaries({"summary": texts}) | json_values,
            },
        )
    }
)
retell_bodies = st.fixed_dictionaries(
    {"name": names | texts},
    optional={
        "args": json_values | st.dictionaries(st.text(max_size=10), json_values, max_size=3),
        "call": st.fixed_dictionaries({"call_id": texts, "from_number": texts, "direction": texts})
        | json_values,
    },
)


@pytest.fixture
def open_client(sb: Sandbox) -> Iterator[TestClient]:
    """The app with no secret configured (a loopback server): bodies reach the parser."""
    app = create_app(sandbox_service(sb, log_calls=True), budget=5.0)
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


def answered(response: Any) -> None:
    assert response.status_code in ANSWERS, (response.status_code, response.text)
    response.json()  # always JSON


def test_arbitrary_bytes_are_answered(open_client: TestClient) -> None:
    @EXAMPLES
    @given(
        body=st.binary(max_size=300), route=st.sampled_from(["/vapi", "/retell", "/elevenlabs/x"])
    )
    def check(body: bytes, route: str) -> None:
        answered(open_client.post(route, content=body))

    check()


def test_arbitrary_json_is_answered(open_client: TestClient) -> None:
    @EXAMPLES
    @given(
        value=json_values,
        route=st.sampled_from(
            ["/vapi", "/retell", "/elevenlabs/search_contact", "/elevenlabs/%00"]
        ),
    )
    def check(value: Any, route: str) -> None:
        answered(open_client.post(route, content=json.dumps(value)))

    check()


def test_hostile_vapi_messages_are_answered(open_client: TestClient) -> None:
    @EXAMPLES
    @given(payload=vapi_messages)
    def check(payload: Any) -> None:
        response = open_client.post("/vapi", content=json.dumps(payload))
        answered(response)
        if response.status_code == 200 and "results" in response.json():
            for item in response.json()["results"]:
                assert set(item) in (
                    {"name", "toolCallId", "result"},
                    {"name", "toolCallId", "error"},
                )

    check()


def test_hostile_retell_and_elevenlabs_bodies_are_answered(open_client: TestClient) -> None:
    @EXAMPLES
    @given(body=retell_bodies, action=names, caller=st.text(max_size=40))
    def check(body: Any, action: str, caller: str) -> None:
        answered(open_client.post("/retell", content=json.dumps(body)))
        headers = {"x-caller-id": caller} if caller.isprintable() and caller.isascii() else {}
        path = "/elevenlabs/" + (quote(action, safe="") or "x")
        response = open_client.post(path, content=json.dumps(body.get("args")), headers=headers)
        if response.status_code != 404:  # an action with a "/" is another path
            answered(response)

    check()


def test_hostile_signatures_are_refused(sb: Sandbox) -> None:
    from tests.clocks import Clock
    from tests.server.conftest import NOW

    app = create_app(sandbox_service(sb), verifiers=all_verifiers(Clock(NOW)), budget=5.0)
    body = json.dumps({"name": "create_case", "args": {"subject": "x"}, "call": {"call_id": "c"}})
    before = len(sb.find("Cases"))
    with TestClient(app) as client:

        @EXAMPLES
        @given(
            signature=st.text(
                alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=90
            )
            | st.builds(
                lambda ms, tail: f"v={ms},d={tail}",
                st.integers(min_value=-(10**20), max_value=10**20),
                st.text(alphabet="0123456789abcdef", min_size=60, max_size=70),
            ),
            secret=st.text(
                alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40
            ),
        )
        def check(signature: str, secret: str) -> None:
            retell = client.post("/retell", content=body, headers={"x-retell-signature": signature})
            assert retell.status_code == 401
            vapi = client.post(
                "/vapi",
                content=body,
                headers={"x-vapi-secret": secret, "x-signature": signature, "x-timestamp": secret},
            )
            assert vapi.status_code == 401
            el = client.post(
                "/elevenlabs/create_case",
                content=body,
                headers={"authorization": f"Bearer {secret}"},
            )
            assert el.status_code == 401

        check()
        # The real signature still works: the refusals were about the signatures.
        good = client.post(
            "/retell", content=body, headers={"x-retell-signature": retell_signature(body.encode())}
        )
        assert good.status_code == 200
    assert len(sb.find("Cases")) == before + 1


def test_report_fields_of_the_wrong_type_are_answered(open_client: TestClient) -> None:
    # Found by the property tests: a list where Vapi sends a string once crashed the server.
    message = {
        "type": "end-of-call-report",
        "call": {"id": "c1", "type": ["outboundPhoneCall"], "customer": {"number": [1]}},
        "endedReason": ["customer-busy"],
        "startedAt": {"at": 1},
        "durationSeconds": "61",
        "analysis": {"summary": {"text": "x"}},
    }
    response = open_client.post("/vapi", content=json.dumps({"message": message}))
    assert response.status_code == 200 and response.json() == {}


def test_json_constants_are_a_bad_request(open_client: TestClient) -> None:
    for constant in (b"NaN", b"Infinity", b"-Infinity"):
        body = b'{"message":{"type":"end-of-call-report","durationSeconds":' + constant + b"}}"
        assert open_client.post("/vapi", content=body).status_code == 400


def test_json_nested_too_deep_is_a_bad_request(open_client: TestClient) -> None:
    for route in ("/vapi", "/retell", "/elevenlabs/search_contact"):
        response = open_client.post(route, content=b"[" * 200_000 + b"]" * 200_000)
        assert response.status_code == 400


def test_a_body_too_large_is_refused_unread(open_client: TestClient) -> None:
    response = open_client.post("/vapi", content=b" " * (MAX_BODY_BYTES + 1))
    assert response.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536

    assert open_client.post("/retell", content=chunks()).status_code == 413
