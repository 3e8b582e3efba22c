"""The whole catalog, as OpenAI strict tools, fits the token budget (counts are deterministic)."""

from __future__ import annotations

from types import ModuleType

import pytest

from zoho_tools.adapters import export
from zoho_tools.catalog import CATALOG, PROFILES


def test_the_full_openai_strict_export_is_within_5000_tokens(bench: ModuleType) -> None:
    assert bench.BUDGET == 5_000
    tools = export(CATALOG, "openai")
    assert len(tools) == len(CATALOG) == 63
    total = bench.count(tools)
    assert total <= bench.BUDGET, f"{total} tokens: over budget by {total - bench.BUDGET}"


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_profile_is_within_its_budget(bench: ModuleType, profile: str) -> None:
    assert set(bench.PROFILE_BUDGETS) <= set(PROFILES)
    budget = bench.PROFILE_BUDGETS.get(profile, bench.BUDGET)
    total = bench.count(export(CATALOG.select(profile=profile), "openai"))
    assert total <= budget, f"the {profile} profile costs {total} tokens, over {budget}"


def test_no_single_tool_is_out_of_proportion(bench: ModuleType) -> None:
    # The largest tool (many mandatory fields, enums) may cost a few average ones, not more:
    # create_event, with its links (related record, participants), is about three.
    largest, name = bench.per_tool(export(CATALOG, "openai"))[0]
    assert largest <= 3.2 * bench.count(export(CATALOG, "openai")) / len(CATALOG), (
        f"{name} costs {largest} tokens"
    )
    assert largest <= 280, f"{name} costs {largest} tokens"


def test_the_bench_script_reports_every_tool_and_the_verdict(
    bench: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bench.main([]) == 0
    out = capsys.readouterr().out
    assert all(f"  {name}\n" in out for name in CATALOG)
    assert "within the budget of 5000" in out
    assert "Cookbook estimate of billed tokens" in out
    voice = len(CATALOG.select(profile="voice"))
    assert f"  voice      {voice:3d} tools" in out and "within 1000" in out
