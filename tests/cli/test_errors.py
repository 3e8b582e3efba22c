"""Every command fails in one line that names the file or flag, with exit status 1 (2 for
usage errors), never a traceback and never a secret: one test per class of bad input."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from zoho_tools.auth.store import FileTokenStore
from zoho_tools.auth.tokens import TokenSet
from zoho_tools.cli import main

#: No user config, no tokens, no model: each test sets what it breaks.
pytestmark = pytest.mark.usefixtures("isolated")


def run(*args: str, input: str | None = "/quit\n") -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def error_line(result: Result, status: int = 1) -> str:
    """The one error line of a failed command (asserting there is exactly one)."""
    assert result.exit_code == status, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.output
    assert result.output.strip() == errors[0], result.output
    if status == 2:  # a misused command line says where to get help
        assert errors[0].endswith("--help`)")
    return errors[0]


# --- configuration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command", [["status"], ["disconnect"], ["connect", "--no-browser"], ["chat"]]
)
def test_malformed_config_names_the_file(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('region = "eu\n')
    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(config))
    line = error_line(run(*command))
    assert f"{config}: not valid TOML" in line and "line 1" in line


def test_a_config_error_never_echoes_the_client_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("client_secret = 987654321\n")  # unquoted: a number, not a string
    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(config))
    line = error_line(run("status"))
    assert "client_secret: Input should be a valid string" in line
    assert "987654321" not in line and "input_value" not in line


def test_a_config_path_that_is_a_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ZOHO_TOOLS_CONFIG", str(tmp_path))
    line = error_line(run("status"))
    assert f"the config file {tmp_path} is not a file" in line


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ZOHO_TOOLS_TIME_ZONE", "Mars/Olympus_Mons", "unknown time zone 'Mars/Olympus_Mons'"),
        ("ZOHO_TOOLS_COUNTRY", "XX", "unknown country code 'XX'"),
        ("ZOHO_TOOLS_ACCOUNTS_URL", "accounts.zoho.eu", "accounts_url: 'accounts.zoho.eu' is not"),
        ("ZOHO_TOOLS_API_BASE", "http://127.0.0.1:port", "api_base: 'http://127.0.0.1:port' is"),
    ],
)
def test_unknown_time_zone_or_country_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    line = error_line(run("chat"))
    assert expected in line and "ZOHO_TOOLS_" in line


@pytest.mark.parametrize("command", ["chat", "mcp", "serve"])
def test_unknown_time_zone_flag_is_a_usage_error(command: str) -> None:
    line = error_line(run(command, "--time-zone", "Mars/Olympus_Mons"), status=2)
    assert "'--time-zone'" in line and "unknown time zone" in line


@pytest.mark.parametrize("url", ["http://[bad", "localhost:8000", "ftp://example.test"])
def test_a_base_url_that_does_not_parse_is_a_usage_error(url: str) -> None:
    line = error_line(run("chat", "--base-url", url), status=2)
    assert "'--base-url'" in line and "http(s) URL" in line


# --- token files --------------------------------------------------------------------------------


def write_token(path: Path, **changes: object) -> None:
    token = {
        "access_token": "1000.a-SECRET",
        "refresh_token": "1000.r-SECRET",
        "expires_at": time.time() + 3600,
        "api_domain": "https://www.zohoapis.com",
        "accounts_server": "https://accounts.zoho.com",
        **changes,
    }
    path.write_text(json.dumps({"format": "zoho-tools/tokens", "version": 1, "token": token}))


@pytest.mark.parametrize("command", [["status"], ["disconnect"], ["chat", "--org"]])
def test_a_directory_as_token_path(
    command: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "tokens-folder"
    folder.mkdir()
    monkeypatch.setenv("ZOHO_TOOLS_TOKEN_STORE", str(folder))
    line = error_line(run(*command))
    assert f"{folder} is a directory" in line


@pytest.mark.parametrize("command", [["status"], ["disconnect"], ["chat", "--org"]])
@pytest.mark.parametrize(
    "corrupt",
    [
        lambda path: path.write_text("{not json"),
        lambda path: write_token(path, expires_at="tomorrow"),
    ],
    ids=["not-json", "expires_at-not-a-number"],
)
def test_a_corrupt_token_file_is_not_no_tokens(
    command: list[str], corrupt: Callable[[Path], object], tmp_path: Path
) -> None:
    path = tmp_path / "tokens.json"
    corrupt(path)
    line = error_line(run(*command))
    assert f"cannot read the token file {path}" in line
    assert "no tokens stored" not in line and "SECRET" not in line


def test_chat_org_without_tokens_says_so(tmp_path: Path) -> None:
    line = error_line(run("chat", "--org"))
    assert "no tokens stored" in line and "zoho-tools connect" in line


# --- employee and custom action files --------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("time_zone: Mars/Olympus_Mons\n", "time_zone: unknown time zone 'Mars/Olympus_Mons'"),
        ("country: XX\n", "country: unknown country code 'XX'"),
        ("categories: [contacts, nope]\n", "unknown category 'nope'"),
        ("actions: []\n", "actions: is empty"),
        ("actions: [search_contact, nope]\n", "unknown actions: nope"),
        ("name: [unclosed\n", "not valid YAML"),
        ("variables: " + "[" * 200 + "]" * 200 + "\n", "nested too deeply"),
    ],
    ids=["time-zone", "country", "category", "empty-actions", "action", "yaml", "deep"],
)
def test_bad_employee_files(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "employee.yaml"
    path.write_text(content)
    line = error_line(run("chat", "--employee", str(path)))
    assert str(path) in line and expected in line
    assert "For further information" not in line


def test_a_yaml_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "employee.yaml"
    path.write_text("name: Ava\nactions: [search_contact\ntime_zone: UTC\n")
    line = error_line(run("chat", "--employee", str(path)))
    assert f"{path}:3:" in line and "<unicode string>" not in line


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("README.md", "# notes\n", "expected a json or toml file (by its extension), not '.md'"),
        ("actions.json", '{"actions": [', "not valid JSON"),
        ("actions.json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("actions.toml", "a = " + "[" * 500 + "]" * 500, "nested too deeply"),
        ("actions.toml", "actions = 3", "actions: Input should be a valid list"),
    ],
    ids=["markdown", "json", "deep-json", "deep-toml", "schema"],
)
@pytest.mark.parametrize("command", [["tools", "list"], ["chat"]])
def test_bad_custom_action_files(
    tmp_path: Path, name: str, content: str, expected: str, command: list[str]
) -> None:
    path = tmp_path / name
    path.write_text(content)
    status = 2 if command[0] == "tools" else 1  # tools takes it as a bad --custom value
    line = error_line(run(*command, "--custom", str(path)), status=status)
    assert str(path) in line and expected in line


# --- demo fixtures ------------------------------------------------------------------------------

FIXTURE = """\
name: broken
now: "2026-11-28T10:00:00-05:00"
time_zone: {time_zone}
turns:
  - caller: "Hi"
    agent:
      - tool_calls:
          - name: {action}
        faults: [{fault}]
      - say: "Done."
"""


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"action": "search_contactz"}, "unknown action 'search_contactz'"),
        ({"fault": "{kind: 418}"}, "faults.0.kind"),
        ({"fault": "{kind: drop, count: 0}"}, "count: Input should be greater than or equal to 1"),
        ({"fault": "{kind: drop, path: '^(unclosed'}"}, "not a valid regular expression"),
        ({"time_zone": "Mars/Olympus_Mons"}, "unknown time zone"),
    ],
    ids=["action", "fault-kind", "fault-count", "fault-path", "time-zone"],
)
def test_bad_fixtures(tmp_path: Path, changes: dict[str, str], expected: str) -> None:
    fields = {"action": "search_contact", "fault": "{kind: 503}", "time_zone": "UTC", **changes}
    path = tmp_path / "broken.yaml"
    path.write_text(FIXTURE.format(**fields))
    line = error_line(run("demo", str(path)))
    assert str(path) in line and expected in line
    assert "For further information" not in line and "errors.pydantic.dev" not in line


def test_a_fixture_yaml_error_names_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\ndescription: a: colon\n")
    line = error_line(run("demo", str(path)))
    assert f"{path}:2:" in line and "<unicode string>" not in line


# --- sandbox serve and tools export -------------------------------------------------------------


def test_serve_data_in_a_missing_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "demo.db"
    line = error_line(run("sandbox", "serve", "--port", "0", "--data", str(missing)), status=2)
    assert "--data" in line and "does not exist" in line


def test_serve_data_that_is_not_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    line = error_line(run("sandbox", "serve", "--port", "0", "--data", str(path)), status=2)
    assert "--data" in line and "cannot be used as sandbox data" in line
    assert path.read_text().startswith("these are my notes")


@pytest.mark.parametrize(
    "selection",
    [["--actions", "create_deal", "--read-only"], ["--category", "deals", "--actions", " , "]],
)
def test_export_of_an_empty_selection_is_an_error(selection: list[str]) -> None:
    result = run("tools", "export", "--format", "openai", *selection)
    if "--category" in selection:  # the category alone still selects actions
        assert result.exit_code == 0 and json.loads(result.output)
        return
    line = error_line(result, status=2)
    assert "no action matches --actions create_deal --read-only" in line


# --- anything unexpected ------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_without_its_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import zoho_tools.cli.tools as tools_cli

    def broken(catalog: object) -> str:
        raise RuntimeError("internal detail with a token 1000.SECRET")

    monkeypatch.setattr(tools_cli, "_table", broken)
    line = error_line(run("tools", "list"))
    assert "unexpected internal error (RuntimeError)" in line and "ZOHO_TOOLS_DEBUG=1" in line
    assert "SECRET" not in line


@pytest.mark.parametrize(
    "args",
    [["nope"], ["tools", "show"], ["tools", "export"], ["chat", "--no-such-flag"]],
    ids=["unknown-command", "missing-argument", "missing-option", "unknown-option"],
)
def test_usage_errors_are_one_line_with_status_2(args: list[str]) -> None:
    error_line(run(*args), status=2)


def test_stored_tokens_survive_a_failed_command(tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    FileTokenStore(path).save(
        TokenSet(
            access_token="1000.a",
            refresh_token=None,
            expires_at=time.time() + 3600,
            api_domain="https://www.zohoapis.com",
            accounts_server="https://accounts.zoho.com",
        )
    )
    error_line(run("chat", "--org", "--time-zone", "Nowhere/Land"), status=2)
    assert FileTokenStore(path).load() is not None
