"""Settings: defaults, the TOML file, environment variables over it, and no secret in a repr."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from zoho_tools.auth.store import FileTokenStore, TokenStoreError
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.config import Settings, config_file, load_settings
from zoho_tools.connection import credentials_present

from .conftest import START


def test_defaults(isolated_config: Path) -> None:
    settings = load_settings()
    assert settings.region == "US"
    assert settings.accounts_server == "https://accounts.zoho.com"
    assert settings.client_id is None and settings.client_secret is None
    assert settings.token_store.name == "tokens.json"
    assert settings.token_store.parent.name == "zoho-tools"
    assert (settings.request_timeout, settings.retry_budget) == (8.0, 6.0)
    assert (settings.time_zone, settings.country) == ("UTC", "US")
    assert settings.api_base is None and settings.accounts_url is None
    assert config_file() == isolated_config


def test_file_then_environment_then_arguments(
    isolated_config: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    isolated_config.write_text(
        'region = "eu"\n'
        'client_id = "1000.FILE"\n'
        'client_secret = "file-SECRET"\n'
        "request_timeout = 5\n"
        f'token_store = "{tmp_path / "t.json"}"\n'
        'api_base = "http://127.0.0.1:9000/"\n'
        'time_zone = "Europe/Berlin"\n'
        "unrelated_section_key = 1\n"
    )
    settings = load_settings()
    assert settings.region == "EU"
    assert settings.accounts_server == "https://accounts.zoho.eu"
    assert settings.client_credentials() == ("1000.FILE", "file-SECRET")
    assert settings.request_timeout == 5
    assert settings.token_store == tmp_path / "t.json"
    assert settings.api_base == "http://127.0.0.1:9000"
    assert settings.time_zone == "Europe/Berlin"

    monkeypatch.setenv("ZOHO_TOOLS_REGION", "in")
    monkeypatch.setenv("ZOHO_TOOLS_CLIENT_ID", "1000.ENV")
    monkeypatch.setenv("ZOHO_TOOLS_RETRY_BUDGET", "2.5")
    settings = load_settings()
    assert (settings.region, settings.client_id, settings.retry_budget) == ("IN", "1000.ENV", 2.5)
    assert settings.request_timeout == 5  # still from the file

    settings = load_settings(region="jp", client_id=None, accounts_url="http://127.0.0.1:1")
    assert settings.region == "JP"
    assert settings.client_id == "1000.ENV"  # None means "not given"
    assert settings.accounts_server == "http://127.0.0.1:1"


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match="unknown Zoho data centre"):
        load_settings(region="mars")
    monkeypatch.setenv("ZOHO_TOOLS_REQUEST_TIMEOUT", "0")
    with pytest.raises(ValueError, match="request_timeout"):
        load_settings()


def test_no_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_CLIENT_SECRET", "env-SECRET-value")
    settings = load_settings()
    assert settings.client_secret is not None
    assert settings.client_secret.get_secret_value() == "env-SECRET-value"
    for text in (repr(settings), str(settings), repr(settings.model_dump())):
        assert "env-SECRET-value" not in text


def _token(**changes: object) -> TokenSet:
    token = TokenSet(
        access_token="1000.a",
        refresh_token="1000.r",
        expires_at=START,  # long expired by the real clock
        api_domain="https://www.zohoapis.com",
        accounts_server="https://accounts.zoho.com",
    )
    return token.replace(**changes)


def test_credentials_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tokens.json"
    settings = Settings(token_store=path)
    assert not credentials_present(settings)  # nothing stored

    FileTokenStore(path).save(_token())
    assert not credentials_present(settings)  # expired, and no client to refresh it with
    assert credentials_present(
        Settings(token_store=path, client_id="1000.C", client_secret=SecretStr("s"))
    )

    FileTokenStore(path).save(_token(client_id="1000.C", client_secret="s"))
    assert credentials_present(settings)  # connect stored the client with the tokens

    FileTokenStore(path).save(_token(refresh_token=None, expires_at=4_000_000_000.0))
    assert credentials_present(settings)  # a live access token on its own

    path.write_text("not json")  # a corrupt file is not "nothing stored": say so
    with pytest.raises(TokenStoreError, match="cannot read the token file"):
        credentials_present(settings)
