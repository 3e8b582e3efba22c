"""Dynamic loading: start a model on a few actions and let it load the others by category.

Sixty tools on every turn cost thousands of tokens and dilute the model's choice; most
conversations need a handful. A :class:`ToolSurface` shows the model a start set (a profile,
:data:`~zoho_tools.catalog.PROFILES`) plus one small, always-present meta-tool,
:data:`LOAD_ACTIONS`:

- called without a category, it lists the categories and the actions each would add;
- called with one, it adds that category's actions for the rest of the conversation, from the
  model's next step on.

It suits loops that can change the tools between turns: our :class:`~zoho_tools.agent.loop.Agent`
(``Agent(..., surface=ToolSurface(...))``), an MCP server that sends ``tools/list_changed``.

The meta-tool is declared like an action (:func:`meta_template`), so every export format shapes
it the same way as the others; it never reaches Zoho: :meth:`ToolSurface.answer` answers it,
through the one reply type (:class:`~zoho_tools.replies.ToolReply`). Calls to actions the
conversation enables but the model has not loaded yet are still run as usual: loading decides
what the model is shown, the employee what it may do.
"""

from __future__ import annotations

from typing import Any

from zoho_tools.arguments import parse_arguments
from zoho_tools.catalog import Catalog, UnknownName, category_title
from zoho_tools.orchestrator import ToolCall
from zoho_tools.replies import ToolReply
from zoho_tools.templates import ActionTemplate, Param

#: The meta-tool's name.
LOAD_ACTIONS = "load_actions"


def meta_template(categories: tuple[str, ...]) -> ActionTemplate:
    """The meta-tool, declared as an action so that :func:`zoho_tools.adapters.export` shapes it
    for every format. It is read-only and has no Zoho request."""
    return ActionTemplate(
        name=LOAD_ACTIONS,
        title="Load more CRM actions",
        description=(
            "More CRM actions by category. No category: list them. A category: its actions "
            "become callable from your next step."
        ),
        category="meta",
        module=None,
        method="GET",
        path="",
        params=(Param(name="category", enum=categories),),
        read_only=True,
        idempotent=True,
    )


class ToolSurface:
    """The tools one conversation's model is shown: ``start`` (a profile's actions of
    ``tools``, or all of them) plus the categories it loaded, plus :data:`LOAD_ACTIONS`.

    ``tools`` are all the actions the model may load (the conversation's enabled ones).
    :attr:`version` changes whenever the shown tools do, so a loop re-exports them only then
    (the same list turn after turn keeps the provider's prompt cache).
    """

    def __init__(self, tools: Catalog, *, profile: str | None = "voice") -> None:
        if LOAD_ACTIONS in tools:
            raise ValueError(f"an action named {LOAD_ACTIONS} would hide the meta-tool")
        self.tools = tools
        self._shown = set(tools.select(profile=profile) if profile else tools)
        #: The meta-tool's declaration (for a framework that lists it itself).
        self.meta = meta_template(tools.categories)
        self.version = 0

    @property
    def shown(self) -> Catalog:
        """The actions the model is shown now, in catalog order (the meta-tool aside)."""
        return self.tools.select(names=[name for name in self.tools if name in self._shown])

    def definitions(self, format: str) -> list[dict[str, Any]]:
        """The meta-tool and the shown actions as tool definitions in ``format``."""
        from zoho_tools.adapters import export

        return export(Catalog([self.meta, *self.shown.values()]), format)

    def handles(self, call: ToolCall) -> bool:
        """Whether ``call`` is for the meta-tool (answer it with :meth:`answer`)."""
        return call.name == LOAD_ACTIONS

    def answer(self, call: ToolCall) -> ToolReply:
        """The meta-tool's reply: the categories, or the actions of the one just loaded."""
        given, problems = parse_arguments(call.arguments)
        if problems:
            return _rejected([str(p) for p in problems])
        category = given.get("category")
        if category is None:
            return self._listing()
        try:
            slug = self.tools.category(str(category))
        except UnknownName as exc:
            return _rejected([str(exc)])
        added = [name for name, a in self.tools.items() if a.category == slug]
        new = [name for name in added if name not in self._shown]
        if new:
            self._shown.update(new)
            self.version += 1
        return ToolReply.of(
            LOAD_ACTIONS,
            {
                "status": "ok",
                "category": category_title(slug),
                "actions": added,
                "instruction": "These actions are callable from your next step.",
            },
            is_error=False,
        )

    def _listing(self) -> ToolReply:
        more = {
            slug: [n for n, a in self.tools.items() if a.category == slug and n not in self._shown]
            for slug in self.tools.categories
        }
        return ToolReply.of(
            LOAD_ACTIONS,
            {
                "status": "ok",
                "categories": {slug: names for slug, names in more.items() if names},
                "instruction": f"Call {LOAD_ACTIONS} with the category whose actions you need.",
            },
            is_error=False,
        )


def _rejected(problems: list[str]) -> ToolReply:
    return ToolReply.of(
        LOAD_ACTIONS,
        {
            "status": "rejected",
            "problems": problems,
            "instruction": f"Call {LOAD_ACTIONS} without arguments to list the categories.",
        },
        is_error=True,
    )
