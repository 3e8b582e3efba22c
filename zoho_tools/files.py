"""Reading the files people write by hand (employee files, custom actions, scripted
conversations), with errors a person can act on.

:func:`read_document` parses JSON, YAML or TOML by the file's extension and raises
:class:`FileError` with one line naming the file (and the line, when the parser knows it) for
anything wrong: a missing or unreadable file, an extension it does not take, malformed text,
or nesting deeper than :data:`MAX_DEPTH`. :func:`describe_validation` turns a pydantic error
into one line that never echoes the input (a value could be a secret) nor pydantic's links.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from zoho_tools.errors import SetupError

#: Deepest nesting of lists and mappings accepted in a hand-written file: real ones are a few
#: levels deep, and code that walks a document recursively must not be exhausted by one.
MAX_DEPTH = 32

_KINDS = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML", ".toml": "TOML"}


class FileError(SetupError, ValueError):
    """A file that cannot be used; the message is one line naming the file and the problem."""


def read_document(path: str | Path, *, accept: Iterable[str]) -> Any:
    """The parsed content of ``path``, whose extension must be one of ``accept``
    (``".json"``, ``".yaml"``, ``".yml"``, ``".toml"``).

    Raises:
        FileError: see the module docstring.
    """
    path = Path(path)
    suffixes = tuple(accept)
    suffix = path.suffix.lower()
    if suffix not in suffixes:
        expected = " or ".join(sorted({s.lstrip(".") for s in suffixes}))
        raise FileError(f"{path}: expected a {expected} file (by its extension), not {suffix!r}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FileError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise FileError(f"cannot read {path}: {exc.strerror or exc}") from None
    kind = _KINDS[suffix]
    try:
        data = _parse(kind, text)
    except RecursionError:
        raise FileError(f"{path}: nested too deeply (more than {MAX_DEPTH} levels)") from None
    except json.JSONDecodeError as exc:
        raise FileError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FileError(f"{path}: not valid TOML: {exc}") from None
    except yaml.YAMLError as exc:
        raise FileError(f"{path}{_yaml_where(exc)}: not valid YAML: {_yaml_problem(exc)}") from None
    if _depth_exceeds(data, MAX_DEPTH):
        raise FileError(f"{path}: nested too deeply (more than {MAX_DEPTH} levels)")
    return data


def describe_validation(exc: ValidationError) -> str:
    """``loc: message; ...`` for every error, without input values or documentation links."""
    problems = []
    for error in exc.errors(include_input=False, include_url=False):
        # "Value error, " is how pydantic wraps a validator's own message: noise to a user.
        message = error["msg"].removeprefix("Value error, ")
        where = ".".join(map(str, error["loc"]))
        problems.append(f"{where}: {message}" if where else message)
    return "; ".join(problems)


def _parse(kind: str, text: str) -> Any:
    if kind == "JSON":
        return json.loads(text)
    if kind == "TOML":
        return tomllib.loads(text)
    return yaml.safe_load(text)


def _yaml_where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""


def _yaml_problem(exc: yaml.YAMLError) -> str:
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    described = ", ".join(str(p) for p in parts if p)
    return described or str(exc).splitlines()[0]


def _depth_exceeds(value: Any, limit: int) -> bool:
    # Iterative on purpose: recursion is what a deep document attacks.
    level = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True
