"""The verifiers on their own: exact algorithms, freshness at the edges, failing closed, and no
secret in a repr."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

import pytest
from pydantic import SecretStr
from starlette.datastructures import Headers

from tests.clocks import Clock
from tests.server.conftest import NOW, RETELL_KEY, VAPI_SECRET, retell_signature, vapi_hmac
from zoho_tools.config import Settings
from zoho_tools.server.signatures import (
    AnyOf,
    HeaderSecret,
    RetellSignature,
    TimestampedHmac,
    verified,
)
from zoho_tools.server.webhooks import verifiers_from_settings

BODY = b'{"name":"search_contact","args":{},"call":{"call_id":"c1"}}'


def headers(**values: str) -> Headers:
    return Headers(headers={k.replace("_", "-"): v for k, v in values.items()})


def test_retell_matches_the_sdk_algorithm_on_a_fixed_vector() -> None:
    # retell-sdk: HMAC-SHA256(api_key, body + str(ms)), hex; no separator between them.
    ms = 1_800_000_000_123
    digest = hmac.new(b"key_abc", BODY + b"1800000000123", hashlib.sha256).hexdigest()
    verifier = RetellSignature.of("key_abc", clock=Clock(ms / 1000))
    assert verifier.verify(headers(x_retell_signature=f"v={ms},d={digest}"), BODY)
    assert not verifier.verify(headers(x_retell_signature=f"v={ms},d={digest}"), BODY + b"\n")


@pytest.mark.parametrize(
    ("offset_ms", "accepted"),
    [(-300_000, True), (300_000, True), (-300_001, False), (300_001, False)],
)
def test_retell_freshness_is_five_minutes_either_way(offset_ms: int, accepted: bool) -> None:
    verifier = RetellSignature.of(RETELL_KEY, clock=Clock(NOW))
    signature = retell_signature(BODY, ms=int(NOW * 1000) + offset_ms)
    assert verifier.verify(headers(x_retell_signature=signature), BODY) is accepted


def test_vapi_hmac_accepts_seconds_and_milliseconds_within_five_minutes() -> None:
    verifier = TimestampedHmac.of(VAPI_SECRET, clock=Clock(NOW))
    for stamp in (int(NOW) - 300, int(NOW) + 300, int(NOW * 1000) - 300_000):
        assert verifier.verify(Headers(headers=vapi_hmac(BODY, stamp=str(stamp))), BODY)
    for stamp in (int(NOW) - 301, int(NOW * 1000) + 301_000, 0):
        assert not verifier.verify(Headers(headers=vapi_hmac(BODY, stamp=str(stamp))), BODY)


def test_a_header_secret_needs_the_whole_secret_in_a_known_place() -> None:
    verifier = HeaderSecret.of("s3cret", "x-vapi-secret")
    assert verifier.verify(headers(authorization="Bearer s3cret"), b"")
    assert verifier.verify(headers(x_vapi_secret="s3cret"), b"")
    assert not verifier.verify(headers(x_other="s3cret"), b"")
    assert not verifier.verify(headers(authorization="s3cret"), b"")
    assert not verifier.verify(headers(authorization="Bearer s3cre"), b"")
    assert not verifier.verify(headers(authorization="Bearer s3cret2"), b"")
    assert not verifier.verify(headers(), b"")


def test_an_empty_secret_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        HeaderSecret.of("")
    with pytest.raises(ValueError, match="empty"):
        RetellSignature.of("")


class Broken:
    def verify(self, headers: Mapping[str, str], body: bytes) -> bool:
        raise RuntimeError("bug")


def test_a_verifier_that_raises_refuses() -> None:
    assert verified(Broken(), headers(), BODY) is False
    either = AnyOf((Broken(), HeaderSecret.of("s")))
    assert verified(either, headers(authorization="Bearer s"), BODY)
    assert not verified(either, headers(), BODY)


def test_no_secret_in_a_repr() -> None:
    settings = Settings(
        vapi_secret=SecretStr(VAPI_SECRET),
        retell_api_key=SecretStr(RETELL_KEY),
        elevenlabs_secret=SecretStr("el-SECRET"),
    )
    shown = repr(verifiers_from_settings(settings)) + repr(settings)
    for secret in (VAPI_SECRET, RETELL_KEY, "el-SECRET"):
        assert secret not in shown


def test_platforms_without_a_secret_have_no_verifier() -> None:
    verifiers = verifiers_from_settings(Settings(retell_api_key=SecretStr(RETELL_KEY)))
    assert verifiers["vapi"] is None and verifiers["elevenlabs"] is None
    assert isinstance(verifiers["retell"], RetellSignature)
