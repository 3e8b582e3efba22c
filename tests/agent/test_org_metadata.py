"""The org's own picklists and mandatory fields, read from the sandbox org as from a real one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from zoho_tools.agent.loop import run_tool_calls
from zoho_tools.catalog import CATALOG
from zoho_tools.connection import sandbox_executor
from zoho_tools.executor import Executor, RetryPolicy
from zoho_tools.orchestrator import Conversation, ToolCall
from zoho_tools.org import ModuleMetadata, OrgMetadata, parse, tailor
from zoho_tools.sandbox import Sandbox

STAGES = ["Prospecting", "Discovery", "Proposal", "Won", "Lost"]
DEAL = {"deal_name": "Depot sensors", "closing_date": "2027-01-31"}


def _shown(event: Any) -> dict[str, Any]:
    return dict(json.loads(event.shown))


async def _call(executor: Executor, conversation: Conversation, name: str, **args: Any) -> Any:
    (event,) = await run_tool_calls(conversation, executor, [ToolCall(name, args)])
    return _shown(event)


@pytest.fixture
def custom(sandbox: Sandbox) -> Sandbox:
    sandbox.set_picklist("Deals", "Stage", STAGES)
    return sandbox


async def test_a_custom_stage_is_accepted_and_a_standard_one_refused_with_the_orgs_values(
    custom: Sandbox,
) -> None:
    async with sandbox_executor(custom, metadata_ttl=600) as executor:
        conversation = Conversation()
        refused = await _call(executor, conversation, "create_deal", stage="Qualification", **DEAL)
        assert refused["status"] == "rejected"
        assert refused["problems"] == [
            "stage: 'Qualification' is not allowed; use one of: " + ", ".join(STAGES)
        ]
        assert not custom.log.matching("POST", "/Deals")
        done = await _call(executor, conversation, "create_deal", stage="prospecting")
    assert done["status"] == "ok"
    assert custom.find("Deals", Deal_Name="Depot sensors")[0]["Stage"] == "Prospecting"


async def test_without_the_orgs_metadata_the_standard_declaration_applies(custom: Sandbox) -> None:
    async with sandbox_executor(custom) as executor:
        shown = await _call(executor, Conversation(), "create_deal", stage="Prospecting", **DEAL)
    assert shown["status"] == "rejected" and "Negotiation/Review" in shown["problems"][0]
    assert not custom.log.matching("GET", "/settings/fields")


async def test_metadata_is_read_once_per_module_and_again_after_the_ttl(custom: Sandbox) -> None:
    now = [0.0]
    async with sandbox_executor(custom) as executor:
        executor.metadata = OrgMetadata(executor.send, ttl=60, clock=lambda: now[0])
        conversation = Conversation()
        calls = [
            ToolCall("create_deal", {"stage": "Won", **DEAL}),
            ToolCall("update_deal", {"id": "6421873000001000016", "stage": "Proposal"}),
        ]
        await run_tool_calls(conversation, executor, calls)
        await _call(executor, conversation, "update_deal", id="6421873000001000016", stage="Lost")
        assert len(custom.log.matching("GET", "/settings/fields")) == 1
        assert len(custom.log.matching("GET", "/settings/layouts")) == 1
        now[0] = 61
        await _call(executor, conversation, "update_deal", id="6421873000001000016", stage="Won")
        assert len(custom.log.matching("GET", "/settings/fields")) == 2
        # Reads and actions without org-specific fields read nothing.
        await _call(executor, conversation, "search_deal", query="Acme")
        await _call(executor, conversation, "list_users")
        assert len(custom.log.matching("GET", "/settings/fields")) == 2


async def test_a_refused_picklist_value_reads_the_metadata_again(sandbox: Sandbox) -> None:
    async with sandbox_executor(sandbox, metadata_ttl=600) as executor:
        conversation = Conversation()
        first = await _call(executor, conversation, "create_deal", stage="Qualification", **DEAL)
        assert first["status"] == "ok"
        # An admin changes the stages while the cache still has the standard ones.
        sandbox.set_picklist("Deals", "Stage", STAGES)
        refused = await _call(
            executor, conversation, "create_deal", deal_name="Second", stage="Qualification",
            closing_date="2027-02-01",
        )  # fmt: skip
        assert refused["status"] == "error" and refused["code"] == "INVALID_DATA"
        assert refused["field"] == "stage"
        assert refused["hint"].startswith("stage must be one of this org's values: Prospecting,")
        assert len(sandbox.log.matching("GET", "/settings/fields")) == 2
        # Checked against the fresh values before sending from now on.
        again = await _call(executor, conversation, "create_deal", stage="Qualification")
        assert again["status"] == "rejected"
        assert len(sandbox.log.matching("POST", "/Deals")) == 2


async def test_metadata_that_cannot_be_read_leaves_the_catalogs_declaration_for_a_while(
    custom: Sandbox,
) -> None:
    custom.faults.fail_next(1, kind=503, path="/crm/v7/settings/fields")
    now = [0.0]
    async with sandbox_executor(custom, retry=RetryPolicy(max_attempts=1)) as executor:
        executor.metadata = OrgMetadata(executor.send, ttl=600, clock=lambda: now[0])
        conversation = Conversation()
        shown = await _call(executor, conversation, "create_deal", stage="Prospecting", **DEAL)
        assert shown["status"] == "rejected"  # the standard stages, as declared
        now[0] = 31  # a failure is tried again after FAILURE_TTL, not the whole TTL
        shown = await _call(executor, conversation, "create_deal", stage="Prospecting")
    assert shown["status"] == "ok"
    assert len(custom.log.matching("GET", "/settings/fields")) == 2


async def test_mandatory_fields_come_from_the_fields_and_the_layout(sandbox: Sandbox) -> None:
    async with sandbox_executor(sandbox) as executor:
        metadata = await OrgMetadata(executor.send).module("Leads")
    assert metadata is not None
    assert {"Last_Name", "Company"} <= metadata.mandatory  # Company: the layout's
    assert "Email" not in metadata.mandatory
    assert metadata.picklists["Lead_Status"][0] == "Attempted to Contact"
    assert "-None-" not in metadata.picklists["Lead_Status"]


def test_parse_reads_zohos_shapes_and_skips_what_it_does_not_know() -> None:
    fields = [
        {"api_name": "Stage", "data_type": "picklist", "system_mandatory": True,
         "pick_list_values": [{"actual_value": "-None-"}, {"actual_value": "A"}, {"x": 1}]},
        {"api_name": "Region", "data_type": "text", "display_label": "Sales region"},
        "nonsense",
    ]  # fmt: skip
    layouts = [
        {"status": "active", "sections": [{"fields": [{"api_name": "Region", "required": True}]}]},
        {"status": "inactive", "sections": [{"fields": [{"api_name": "X", "required": True}]}]},
    ]
    found = parse("Deals", fields, layouts)
    assert found.picklists == {"Stage": ("A",)}
    assert found.mandatory == {"Stage", "Region"}
    assert found.labels["Region"] == "Sales region"
    assert parse("Deals", {"not": "a list"}, None).mandatory == frozenset()


def test_tailor_asks_for_what_the_org_requires_and_not_for_what_it_does_not() -> None:
    leads = ModuleMetadata(
        module="Leads",
        picklists={},
        mandatory=frozenset({"Last_Name", "Email"}),
        labels={"Last_Name": "Last Name", "Company": "Company", "Email": "Email"},
    )
    create_lead = tailor(CATALOG["create_lead"], leads)
    email, company = create_lead.param("email"), create_lead.param("company")
    assert email is not None and email.required and email.ask == "What is the email?"
    assert company is not None and not company.required
    # An update sends only what changes: nothing becomes mandatory there.
    assert tailor(CATALOG["update_lead"], leads) is CATALOG["update_lead"]
    assert tailor(CATALOG["create_lead"], None) is CATALOG["create_lead"]


async def test_an_org_that_requires_a_field_gets_it_asked_for(sandbox: Sandbox) -> None:
    async with sandbox_executor(sandbox) as executor:
        metadata = OrgMetadata(executor.send)
        executor.metadata = metadata
        leads = await metadata.module("Leads")
        assert leads is not None
        # As if the org's layout made Email mandatory.
        metadata._modules["Leads"] = (
            metadata._clock() + 60,
            ModuleMetadata("Leads", leads.picklists, leads.mandatory | {"Email"}, leads.labels),
        )
        shown = await _call(
            executor, Conversation(), "create_lead", last_name="Vu", company="Vu Co"
        )
    assert shown["status"] == "needs_input" and shown["missing"] == ["email"]


def test_the_sandbox_keeps_an_orgs_picklists_in_its_data_file(tmp_path: Path) -> None:
    path = tmp_path / "org.db"
    with Sandbox(path, seed="demo") as sandbox:
        sandbox.set_picklist("Deals", "Stage", STAGES)
        sandbox.set_picklist("Leads", "Lead_Status", ["New", "Working"])
    with Sandbox(path) as reopened:
        assert reopened.picklists["Deals"]["Stage"] == STAGES
        assert reopened.picklists["Leads"]["Lead_Status"] == ["-None-", "New", "Working"]


@pytest.mark.parametrize(
    ("module", "field", "values", "error"),
    [
        ("Deals", "Deal_Name", ["A"], "not a picklist"),
        ("Deals", "Stage", [], "one or more distinct"),
        ("Deals", "Stage", ["A", "A"], "one or more distinct"),
        ("Nope", "Stage", ["A"], "unknown module"),
    ],
)
def test_the_sandbox_refuses_a_picklist_it_cannot_use(
    sandbox: Sandbox, module: str, field: str, values: list[str], error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        sandbox.set_picklist(module, field, values)
