"""SQLite persistence, the demo seed, the package's isolation and ``zoho-tools sandbox serve``."""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx
from click.testing import CliRunner

from zoho_tools.cli import main
from zoho_tools.sandbox import Sandbox

from .conftest import API, client_for, insert, one


def test_records_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "org.db"
    with Sandbox(path=path) as first, client_for(first) as client:
        insert(client, "Leads", {"Last_Name": "Kept", "Company": "K"})
        lead = one(first, "Leads", Last_Name="Kept")
        client.delete(f"{API}/Leads/{lead['id']}")
        insert(client, "Leads", {"Last_Name": "Also kept", "Company": "K"})

    with Sandbox(path=path) as second, client_for(second) as client:
        assert [r["Full_Name"] for r in second.records("Leads")] == ["Also kept"]
        assert (
            client.get(f"{API}/settings/recycle_bin").json()["recycle_bin"][0]["id"] == lead["id"]
        )
        new = insert(client, "Leads", {"Last_Name": "Third", "Company": "K"}).json()["data"][0][
            "details"
        ]["id"]
        assert new not in {lead["id"], one(second, "Leads", Last_Name="Also kept")["id"]}


def test_demo_data_is_seeded_once(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    with Sandbox(path=path, seed="demo") as first:
        john = one(first, "Contacts", Full_Name="John Smith")
        first.create("Contacts", {"Last_Name": "Added later"})
    with Sandbox(path=path, seed="demo") as second:
        assert len(second.find("Contacts", Full_Name="John Smith")) == 1
        assert one(second, "Contacts", Full_Name="John Smith")["id"] == john["id"]
        assert second.find("Contacts", Last_Name="Added later")


def test_demo_org_contents(sb: Sandbox) -> None:
    john = one(sb, "Contacts", Full_Name="John Smith")
    assert re.fullmatch(r"\d{19}", john["id"])
    assert (john["Phone"], john["Email"], john["Account_Name"]["name"]) == (
        "+15551234567",
        "john.smith@acmecorp.com",
        "Acme Corp",
    )
    assert one(sb, "Contacts", Full_Name="Jane Doe")["Phone"] == "(555) 987-6543"
    stages = {d["Stage"] for d in sb.records("Deals")}
    assert len(stages) >= 4
    assert all(p["Unit_Price"] for p in sb.records("Products"))
    consultation = one(sb, "Services__s", Service_Name="Consultation")
    assert {m["id"] for m in consultation["Members"]} == {u["id"] for u in sb.users}
    assert len(sb.users) == 3
    assert [t["name"] for t in john["Tag"]] == ["VIP"]


def test_demo_ids_are_deterministic() -> None:
    with Sandbox(seed="demo") as a, Sandbox(seed="demo") as b:
        assert [r["id"] for r in a.records("Contacts")] == [r["id"] for r in b.records("Contacts")]


def test_an_empty_sandbox_has_users_but_no_records(empty: Sandbox) -> None:
    assert [u["full_name"] for u in empty.users] == ["Avery Chen", "Jordan Reyes", "Sam Patel"]
    assert empty.records("Contacts") == []


def test_the_sandbox_imports_nothing_else_from_zoho_tools() -> None:
    code = (
        "import sys, zoho_tools.sandbox\n"
        "print([m for m in sys.modules if m.startswith('zoho_tools') "
        "and m != 'zoho_tools' and not m.startswith('zoho_tools.sandbox')])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- the CLI ----------------------------------------------------------------------------------


def test_serve_help() -> None:
    result = CliRunner().invoke(main, ["sandbox", "serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--data", "--token-ttl"):
        assert option in result.output


def read_banner(process: subprocess.Popen[str]) -> str:
    """The server's start-up text, read in a thread so a hung process cannot hang the test."""
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
            if line.startswith("Press Ctrl-C"):
                break
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    banner = []
    while (line := lines.get(timeout=30)) is not None:
        banner.append(line)
        if line.startswith("Press Ctrl-C"):
            break
    return "".join(banner)


def test_serve_prints_a_working_token_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    data = tmp_path / "demo.db"
    command = [
        sys.executable,
        "-c",
        "from zoho_tools.cli import main; main()",
        "sandbox",
        "serve",
        "--port",
        "0",
        "--data",
        str(data),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        text = read_banner(process)
        url = re.search(r"serving at (http://127\.0\.0\.1:\d+)", text)
        token = re.search(r"Access token:\s+(\S+)", text)
        assert url and token, text
        assert "1000.ZOHOTOOLSSANDBOXDEMOCLIENT01" in text
        assert f'curl -H "Authorization: Zoho-oauthtoken {token[1]}"' in text

        response = httpx.get(
            f"{url[1]}/crm/v7/Contacts/search",
            params={"word": "John"},
            headers={"Authorization": f"Zoho-oauthtoken {token[1]}"},
        )
        assert [r["Full_Name"] for r in response.json()["data"]] == ["John Smith"]
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Stopping the sandbox." in out
    assert data.exists()
    with Sandbox(path=data) as reopened:
        assert reopened.find("Contacts", Full_Name="John Smith")


def test_serve_refuses_a_busy_port(sb: Sandbox, tmp_path: Path) -> None:
    with sb.serve() as server:
        result = CliRunner().invoke(main, ["sandbox", "serve", "--port", str(server.port)])
    assert result.exit_code != 0
    assert "cannot listen" in result.output


def test_the_picklist_command_gives_the_data_file_its_own_values(tmp_path: Path) -> None:
    data = tmp_path / "org.db"
    runner = CliRunner()
    done = runner.invoke(
        main, ["sandbox", "picklist", "--data", str(data), "Deals", "Stage", "Prospecting", "Won"]
    )
    assert done.exit_code == 0, done.output
    assert "Deals.Stage" in done.output and "Prospecting, Won" in done.output
    with Sandbox(data) as org:
        assert org.picklists == {"Deals": {"Stage": ["Prospecting", "Won"]}}
        assert org.find("Contacts", Last_Name="Smith")  # seeded when new
    refused = runner.invoke(
        main, ["sandbox", "picklist", "--data", str(data), "Deals", "Deal_Name", "X"]
    )
    assert refused.exit_code == 1 and "not a picklist field" in refused.output
