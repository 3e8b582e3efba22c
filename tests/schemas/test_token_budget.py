"""The whole catalog, as OpenAI strict tools, fits the token budget (counts are deterministic)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from zoho_tools.adapters import export
from zoho_tools.catalog import CATALOG

BENCH = Path(__file__).resolve().parents[2] / "bench" / "token_budget.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("token_budget", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_full_openai_strict_export_is_within_6000_tokens(bench: ModuleType) -> None:
    assert bench.BUDGET == 6_000
    tools = export(CATALOG, "openai")
    assert len(tools) == len(CATALOG) == 62
    total = bench.count(tools)
    assert total <= bench.BUDGET, f"{total} tokens: over budget by {total - bench.BUDGET}"


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
    assert "within the budget of 6000" in out
    assert "Cookbook estimate of billed tokens" in out
