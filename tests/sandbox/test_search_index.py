"""The search index changes how fast phone, email and word searches answer, never what they
answer: after writes, updates, deletes and a rolled-back request, an indexed search finds
exactly what a scan of every record finds, in the same order."""

from __future__ import annotations

import httpx
import pytest

from zoho_tools.sandbox import Sandbox
from zoho_tools.sandbox.index import SearchIndex
from zoho_tools.sandbox.metadata import MODULES
from zoho_tools.sandbox.search import phones_match
from zoho_tools.sandbox.store import Store

from .conftest import API, client_for


def found(client: httpx.Client, **params: str) -> list[str]:
    answer = client.get(f"{API}/Contacts/search", params=params)
    if answer.status_code == 204:
        return []
    assert answer.status_code == 200, answer.text
    return [record["id"] for record in answer.json()["data"]]


def scanned_by_phone(sb: Sandbox, phone: str) -> list[str]:
    return [
        r["id"]
        for r in sb.records("Contacts")
        if any(r.get(f) and phones_match(phone, r[f]) for f in ("Phone", "Mobile", "Home_Phone"))
    ]


def test_indexed_phone_search_follows_writes_updates_and_deletes(sb: Sandbox) -> None:
    with client_for(sb) as client:
        assert found(client, phone="+15550001111") == []  # builds the index
        first = sb.create("Contacts", {"Last_Name": "One", "Phone": "555-000-1111"})["id"]
        second = sb.create("Contacts", {"Last_Name": "Two", "Mobile": "+1 (555) 000 1111"})["id"]
        assert found(client, phone="+15550001111") == [first, second]
        assert found(client, phone="0001111") == scanned_by_phone(sb, "0001111")

        moved = client.put(
            f"{API}/Contacts/{first}", json={"data": [{"Phone": "+44 20 7946 0018"}]}
        )
        assert moved.status_code == 200
        assert found(client, phone="+15550001111") == [second]
        assert found(client, phone="02079460018") == [first]

        assert client.delete(f"{API}/Contacts/{second}").status_code == 200
        assert found(client, phone="+15550001111") == []


def test_index_forgets_writes_a_failed_transaction_rolled_back() -> None:
    store = Store()
    contacts = store.collection("records.Contacts")
    index = SearchIndex(MODULES["Contacts"], contacts)
    with store.transaction():
        contacts["1"] = {"id": "1", "Last_Name": "Kept", "Phone": "5550002222"}
    assert [r["id"] for r in index.by_phone("5550002222")] == ["1"]
    with pytest.raises(RuntimeError), store.transaction():
        contacts["2"] = {"id": "2", "Last_Name": "Lost", "Phone": "5550002222"}
        assert [r["id"] for r in index.by_phone("5550002222")] == ["1", "2"]
        raise RuntimeError("the request failed")
    assert [r["id"] for r in index.by_phone("5550002222")] == ["1"]
    assert index.by_words(["lost"]) == []


def test_word_search_matches_within_one_field_only(sb: Sandbox) -> None:
    sb.create("Contacts", {"First_Name": "Ada", "Last_Name": "Lovelace"})
    with client_for(sb) as client:
        assert len(found(client, word="lovelace ada")) == 1
        # A word never spans two fields, even with the separator the index uses between them.
        assert found(client, word="ada\x00lovelace") == []


def test_word_search_finds_what_a_scan_finds_in_creation_order(sb: Sandbox) -> None:
    ids = [
        sb.create("Contacts", {"First_Name": first, "Last_Name": "Wordsworth", "Email": email})[
            "id"
        ]
        for first, email in [
            ("Anna", "anna@lake.example"),
            ("Bert", "bert@hill.example"),
            ("Anneke", "anneke@lake.example"),
        ]
    ]
    with client_for(sb) as client:
        assert found(client, word="wordsworth ann") == [ids[0], ids[2]]
        updated = client.put(f"{API}/Contacts/{ids[0]}", json={"data": [{"First_Name": "Zed"}]})
        assert updated.status_code == 200
        assert found(client, word="wordsworth ann") == [ids[0], ids[2]]  # anna@ still matches
        assert found(client, word="zed wordsworth") == [ids[0]]
        assert found(client, word="lake.example wordsworth") == [ids[0], ids[2]]
        assert found(client, word="wordsworthanna") == []  # no match across two fields
        assert client.delete(f"{API}/Contacts/{ids[2]}").status_code == 200
        assert found(client, word="wordsworth ann") == [ids[0]]
