"""An AI employee's configuration file: which actions it may use, its defaults and variables.

YAML or JSON::

    name: Ava
    time_zone: America/New_York
    actions: [search_contact, create_case, create_event, log_call]   # or categories: [contacts]
    defaults:
      create_case: {priority: High}
    variables:
      service_id: "5725767000000600001"    # appointments are booked for this service
      owner_id: "5725767000000411001"      # ... with this Zoho user
    log_calls: true   # `zoho-tools serve`: log each call in Zoho when the platform reports its end
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zoho_tools.catalog import Catalog
from zoho_tools.orchestrator import Employee


class EmployeeError(ValueError):
    """An employee file that cannot be used; the message says where and why."""


class EmployeeSpec(BaseModel):
    """The file format (also embedded in scripted-conversation fixtures)."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Ava"
    time_zone: str | None = None
    country: str | None = None
    actions: list[str] | None = None
    categories: list[str] | None = None
    defaults: dict[str, dict[str, Any]] = Field(default_factory=dict)
    variables: dict[str, Any] = Field(default_factory=dict)
    #: Log each phone call in Zoho (``log_call``, with the call's real start, duration and
    #: summary) when the voice platform reports that it ended.
    log_calls: bool = False

    def build(self, catalog: Catalog) -> Employee:
        """The :class:`Employee`, with its actions checked against ``catalog``."""
        enabled: set[str] | None = None
        if self.actions is not None or self.categories is not None:
            enabled = set(self.actions or ())
            if self.categories:
                enabled |= set(catalog.select(categories=self.categories))
        known = set(catalog)
        unknown = (enabled or set()) - known
        unknown |= set(self.defaults) - known
        if unknown:
            raise EmployeeError(f"unknown actions: {', '.join(sorted(unknown))}")
        if self.log_calls and enabled is not None and "log_call" not in enabled:
            raise EmployeeError("log_calls: true needs the log_call action: add it to actions")
        return Employee(
            name=self.name,
            actions=frozenset(enabled) if enabled is not None else None,
            defaults=self.defaults,
            variables=self.variables,
        )


def load_employee(path: str | Path) -> EmployeeSpec:
    """Read an employee file; raises :class:`EmployeeError` naming the file and the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        return EmployeeSpec.model_validate(data)
    except OSError as exc:
        raise EmployeeError(f"cannot read {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        kind = path.suffix.lstrip(".").upper()
        raise EmployeeError(f"{path} is not valid {kind}: {exc}") from None
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise EmployeeError(f"{path}: {problems}") from None
