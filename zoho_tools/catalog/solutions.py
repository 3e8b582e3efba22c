"""Solutions: the knowledge base of answers to known problems."""

from __future__ import annotations

from zoho_tools.catalog._modules import SOLUTIONS
from zoho_tools.catalog._shapes import create_action, search_action
from zoho_tools.templates import Param

search_solution = search_action(
    SOLUTIONS,
    description="Find knowledge-base answers to a problem.",
)

create_solution = create_action(
    SOLUTIONS,
    description="Add a knowledge-base answer.",
    params=(
        Param(name="title", required=True, ask="What should the solution be titled?"),
        Param(name="question", type="text"),
        Param(name="answer", type="text"),
    ),
    record={
        "Solution_Title": "{{title}}",
        "Question": "{{question}}",
        "Answer": "{{answer}}",
    },
)

ACTIONS = (search_solution, create_solution)
