"""One exception tree: everything zoho-tools raises on purpose is a ZohoToolsError, in the
family its docstring names, still the built-in type its callers catch, and named unlike httpx's.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import httpx
import pytest

import zoho_tools
from zoho_tools import errors
from zoho_tools.errors import AuthError, RequestBuildError, SetupError, ZohoToolsError

#: The embedded sandbox imports nothing outside itself: its errors stand for Zoho's answers.
INDEPENDENT = "zoho_tools.sandbox"


def _package_exceptions() -> dict[str, type[BaseException]]:
    """Every public exception class defined in a module of the package, by name."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(zoho_tools.__path__, "zoho_tools."):
        if info.name == INDEPENDENT or info.name.startswith(f"{INDEPENDENT}."):
            continue
        try:
            module = importlib.import_module(info.name)
        except ModuleNotFoundError as exc:  # an optional integration's SDK is not installed
            if (exc.name or "").startswith("zoho_tools"):
                raise
            continue
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
                and not name.startswith("_")
            ):
                found[name] = value
    return found


EXCEPTIONS = _package_exceptions()


def test_the_walk_finds_the_package_exceptions() -> None:
    assert {"OAuthError", "ConfigError", "UnsafeRequest", "UnknownName"} <= set(EXCEPTIONS)


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_every_public_exception_is_a_zoho_tools_error(name: str) -> None:
    assert issubclass(EXCEPTIONS[name], ZohoToolsError)


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_the_tree_in_the_docstring_names_every_exception(name: str) -> None:
    assert re.search(rf"\b{name}\b", errors.__doc__ or "")


def test_no_name_repeats_one_of_httpx() -> None:
    httpx_errors = {n for n, v in vars(httpx).items() if inspect.isclass(v)}
    assert not httpx_errors & set(EXCEPTIONS)


@pytest.mark.parametrize(
    ("family", "members"),
    [
        (
            AuthError,
            [
                "OAuthError",
                "NotConnected",
                "ConsentFlowError",
                "TokenStoreError",
                "InvalidTokenData",
            ],
        ),
        (
            SetupError,
            [
                "ConfigError",
                "FileError",
                "EmployeeError",
                "CustomActionError",
                "FixtureError",
                "SharedStateError",
            ],
        ),
        (RequestBuildError, ["UnsafeRequest", "ValueProblem", "MissingVariable"]),
    ],
)
def test_each_family_holds_its_members(family: type[ZohoToolsError], members: list[str]) -> None:
    assert all(issubclass(EXCEPTIONS[name], family) for name in members)


@pytest.mark.parametrize(
    ("name", "builtin"),
    [
        ("InvalidTokenData", ValueError),
        ("ConfigError", ValueError),
        ("FileError", ValueError),
        ("EmployeeError", ValueError),
        ("CustomActionError", ValueError),
        ("FixtureError", ValueError),
        ("UnsafeRequest", ValueError),
        ("ValueProblem", ValueError),
        ("MissingVariable", LookupError),
        ("UnknownName", KeyError),
        ("BadRequest", ValueError),
    ],
)
def test_callers_catching_a_builtin_still_catch_it(name: str, builtin: type[Exception]) -> None:
    assert issubclass(EXCEPTIONS[name], builtin)
