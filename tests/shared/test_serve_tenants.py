"""``zoho-tools serve`` with tenants: each tenant's webhooks at /t/NAME/..., with its own actions
and conversations; /healthz at the root; an unknown tenant is 404."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
from starlette.testclient import TestClient

from zoho_tools.cli.serve import ServeOptions, build_app
from zoho_tools.config import load_settings

ACME_SECRET = "acme-vapi-secret-" + "v" * 16


def vapi(call: str, name: str, arguments: dict[str, str]) -> dict[str, object]:
    return {
        "message": {
            "type": "tool-calls",
            "call": {"id": call, "customer": {"number": "+15550100"}},
            "toolCallList": [
                {
                    "id": f"{name}-{json.dumps(arguments)}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(arguments)},
                }
            ],
        }
    }


def status(response: httpx2.Response) -> str:
    (result,) = response.json()["results"]
    return str(json.loads(result.get("result") or result["error"])["status"])


def test_each_tenant_has_its_webhooks_actions_and_conversations(
    tmp_path: Path, isolated_config: Path
) -> None:
    employee = tmp_path / "acme.yaml"
    employee.write_text("actions: [search_contact]\n")
    isolated_config.write_text(
        f'[tenants.acme]\nemployee = "{employee}"\nvapi_secret = "{ACME_SECRET}"\n[tenants.beta]\n'
    )
    opts = ServeOptions(
        host="127.0.0.1", port=8080, org=False, employee_file=None, custom_file=None,
        workers=1, time_zone=None,
    )  # fmt: skip
    with TestClient(build_app(opts, load_settings())) as http:
        assert http.get("/healthz").json() == {"status": "ok", "tenants": ["acme", "beta"]}
        # acme's agent may only search; beta's may create leads.
        # acme's agent is in a Vapi account of its own: its secret, and only it, opens its path.
        unsigned = http.post("/t/acme/vapi", json=vapi("c1", "search_contact", {"query": "S"}))
        assert unsigned.status_code == 401
        http.headers["x-vapi-secret"] = ACME_SECRET
        refused = http.post("/t/acme/vapi", json=vapi("c1", "create_lead", {"last_name": "D"}))
        assert status(refused) == "rejected"
        asked = http.post("/t/beta/vapi", json=vapi("c1", "create_lead", {"last_name": "D"}))
        assert status(asked) == "needs_input"
        # The same call id at another tenant is another conversation.
        other = http.post("/t/acme/vapi", json=vapi("c1", "search_contact", {"query": "Smith"}))
        assert status(other) == "ok"
        done = http.post("/t/beta/vapi", json=vapi("c1", "create_lead", {"company": "Acme"}))
        assert status(done) == "ok"
        assert http.post("/t/gamma/vapi", json=vapi("c1", "search_contact", {})).status_code == 404
        assert http.post("/vapi", json=vapi("c1", "search_contact", {})).status_code == 404


def test_a_tenants_secret_lets_serve_listen_beyond_loopback(isolated_config: Path) -> None:
    import click
    import pytest

    from zoho_tools.cli.serve import _check_exposure

    isolated_config.write_text("[tenants.acme]\n")
    with pytest.raises(click.ClickException, match="no webhook secret"):
        _check_exposure("0.0.0.0", load_settings())
    isolated_config.write_text(f'[tenants.acme]\nretell_api_key = "{ACME_SECRET}"\n')
    _check_exposure("0.0.0.0", load_settings())
