"""An AI employee's configuration file: which actions it may use, its defaults and variables.

YAML or JSON::

    name: Ava
    time_zone: America/New_York
    actions: [search_contact, create_case, create_event, log_call]   # or categories: [contacts]
    # or profile: voice (the actions a phone agent needs most; actions and categories add to it)
    defaults:
      create_case: {priority: High}
    variables:
      service_id: "5725767000000600001"    # appointments are booked for this service
      owner_id: "5725767000000411001"      # ... with this Zoho user
    log_calls: true   # `zoho-tools serve`: log each call in Zoho when the platform reports its end
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from zoho_tools.catalog import Catalog, UnknownName
from zoho_tools.config import CountryCode, TimeZoneName
from zoho_tools.errors import SetupError
from zoho_tools.files import FileError, describe_validation, read_document
from zoho_tools.orchestrator import Employee


class EmployeeError(SetupError, ValueError):
    """An employee file that cannot be used; the message says where and why."""


class EmployeeSpec(BaseModel):
    """The file format (also embedded in scripted-conversation fixtures)."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Ava"
    time_zone: TimeZoneName | None = None
    country: CountryCode | None = None
    actions: list[str] | None = None
    categories: list[str] | None = None
    #: A named selection of actions (:data:`zoho_tools.catalog.PROFILES`), e.g. ``voice``.
    profile: str | None = None
    defaults: dict[str, dict[str, Any]] = Field(default_factory=dict)
    variables: dict[str, Any] = Field(default_factory=dict)
    #: Log each phone call in Zoho (``log_call``, with the call's real start, duration and
    #: summary) when the voice platform reports that it ended.
    log_calls: bool = False

    @field_validator("actions", "categories")
    @classmethod
    def _not_empty(cls, value: list[str] | None) -> list[str] | None:
        # An empty list would read as "no restriction" further down: refuse it instead of
        # silently enabling every action.
        if value is not None and not value:
            raise ValueError(
                "is empty: list what this employee may use, or leave the key out to enable "
                "every action"
            )
        return value

    def build(self, catalog: Catalog) -> Employee:
        """The :class:`Employee`, with its actions and categories checked against ``catalog``.

        Raises:
            EmployeeError: an unknown action, category or profile.
        """
        enabled: set[str] | None = None
        if self.actions is not None or self.categories is not None or self.profile is not None:
            enabled = set(self.actions or ())
            try:
                if self.categories:
                    enabled |= set(catalog.select(categories=self.categories))
                if self.profile is not None:
                    enabled |= set(catalog.select(profile=self.profile))
            except UnknownName as exc:
                raise EmployeeError(str(exc.args[0])) from None
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
        data = read_document(path, accept=(".yaml", ".yml", ".json"))
        return EmployeeSpec.model_validate(data)
    except FileError as exc:
        raise EmployeeError(str(exc)) from None
    except ValidationError as exc:
        raise EmployeeError(f"{path}: {describe_validation(exc)}") from None
