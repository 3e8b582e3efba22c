"""``zoho-tools tools export --org``: schemas fitted to the connected org's own metadata."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from zoho_tools.auth.store import FileTokenStore
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.cli import main
from zoho_tools.sandbox import Sandbox

STAGES = ["Prospecting", "Discovery", "Won", "Lost"]


@pytest.fixture
def connected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Sandbox]:
    """A sandbox org on loopback whose deal stages are its own, connected as a real org is."""
    sandbox = Sandbox(seed="demo")
    sandbox.set_picklist("Deals", "Stage", STAGES)
    with sandbox.serve() as server:
        store = tmp_path / "tokens.json"
        FileTokenStore(store).save(
            TokenSet.from_response(
                sandbox.issue_token(), accounts_server=server.url, now=time.time()
            )
        )
        monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(store))
        monkeypatch.setenv("ZOHO_TOOLS_API_BASE", server.url)
        yield sandbox


def _stage_enum(output: str) -> list[str]:
    [tool] = json.loads(output)
    return list(tool["function"]["parameters"]["properties"]["stage"]["enum"][:-1])  # no null


def test_export_for_the_org_carries_its_own_stages(connected: Sandbox) -> None:
    runner = CliRunner()
    fitted = runner.invoke(main, ["tools", "export", "-f", "openai", "-a", "create_deal", "--org"])
    assert fitted.exit_code == 0, fitted.output
    assert _stage_enum(fitted.output) == STAGES
    assert connected.log.matching("GET", "/settings/fields")
    standard = runner.invoke(main, ["tools", "export", "-f", "openai", "-a", "create_deal"])
    assert _stage_enum(standard.output)[0] == "Qualification"


def test_export_for_the_org_without_a_connection_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(tmp_path / "none.json"))
    result = CliRunner().invoke(main, ["tools", "export", "-f", "openai", "--org"])
    assert result.exit_code == 1 and "zoho-tools connect" in result.output


def test_unreadable_metadata_is_named_and_the_declaration_exported(connected: Sandbox) -> None:
    connected.faults.fail_next(20, kind=503, path="/crm/v7/settings/fields")
    result = CliRunner().invoke(
        main, ["tools", "export", "-f", "openai", "-a", "create_deal", "--org"]
    )
    assert result.exit_code == 0
    assert "Could not read the org's metadata of Deals; exported as declared." in result.stderr
    assert _stage_enum(result.stdout)[0] == "Qualification"
