"""A declared parameter of an action, for tests that inspect one by name."""

from __future__ import annotations

from zoho_tools.templates import ActionTemplate, Param


def declared(template: ActionTemplate, name: str) -> Param:
    """``template``'s parameter ``name``; the test fails, naming both, when it declares none."""
    param = template.param(name)
    assert param is not None, f"{template.name} declares no parameter {name!r}"
    return param
