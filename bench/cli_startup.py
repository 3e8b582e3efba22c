"""How long the command line takes to start, against the same commands before it loaded lazily.
A benchmark, not a test: run it by hand, from a git checkout.

    python bench/cli_startup.py [--rounds 15] [--before REV]

Each command runs in a fresh interpreter (a subprocess, output discarded), the way a script or an
agent runs it; the time is the wall clock from spawn to exit. Rounds interleave every side (the
interpreter alone, ``import click``, each command now and before), so a busy moment of the machine
weighs on all of them alike; each figure is the median of the rounds' ratios.

- ``zoho-tools --help`` and ``zoho-tools tools export --format openai``, run from this checkout,
  against the same commands run from ``--before`` (by default the commit before the command line
  loaded lazily: each command imported every sub-command module, the custom-action reader and
  every export format), extracted with ``git archive`` and run by the same interpreter with the
  same installed packages.
- For scale, against ``python -c pass`` (the interpreter's own start-up) and ``python -c "import
  click"`` (the least any click command line can load).

Targets, ratios (the exit status is 1 when one is missed, 2 when ``--before`` cannot be read):

- each command starts in at most 0.5x the time it took before (``BEFORE_MAX``);
- ``--help`` costs at most 1.3x ``import click`` (``HELP_OVER_CLICK_MAX``): the group loads no
  sub-command to list them.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BEFORE_MAX = 0.5
HELP_OVER_CLICK_MAX = 1.3

#: The last commit whose command line imported every sub-command to start.
EAGER_COMMIT = "0e96f40d1d40a71c521f12cb82bac28af7bb1306"

ROOT = Path(__file__).resolve().parent.parent

#: The console script's own body, so that both checkouts start the same way (the ``before`` one
#: has no ``zoho_tools.__main__``).
LAUNCH = "import sys; from zoho_tools.cli import main; sys.exit(main())"

COMMANDS = {
    "--help": ["--help"],
    "tools export": ["tools", "export", "--format", "openai"],
}


@dataclass(frozen=True)
class Check:
    name: str
    value: float
    limit: float

    @property
    def ok(self) -> bool:
        return self.value <= self.limit

    def line(self) -> str:
        verdict = "ok  " if self.ok else "MISS"
        return f"  {verdict}  {self.name:<44} {self.value:5.2f}x  (target <= {self.limit:g}x)"


def seconds(argv: list[str], cwd: Path, pythonpath: Path | None = None) -> float:
    """Wall-clock seconds from spawning ``argv`` in ``cwd`` to its exit."""
    env = dict(os.environ)
    if pythonpath is not None:
        # Ahead of the editable install's path, so this copy of zoho_tools is the one imported.
        env["PYTHONPATH"] = str(pythonpath)
    started = time.perf_counter()
    subprocess.run(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - started


def origin(pythonpath: Path, cwd: Path) -> Path:
    """Where ``zoho_tools`` is imported from with ``pythonpath``, run in ``cwd``."""
    done = subprocess.run(
        [sys.executable, "-c", "import zoho_tools; print(zoho_tools.__file__)"],
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(done.stdout.strip()).parent.parent


def extract(rev: str, into: Path) -> bool:
    """The ``zoho_tools`` package of commit ``rev`` under ``into``; False if git cannot give it."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "zoho_tools"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return False
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return True


def run(rounds: int, before: Path, empty: Path) -> list[Check]:
    """Times every side, prints them and returns the checks. Commands run in the folder
    ``empty``: ``python -c`` puts its working directory first on the path, ahead of
    ``PYTHONPATH``."""
    python = sys.executable
    sides: dict[str, tuple[list[str], Path | None]] = {
        "python -c pass": ([python, "-c", "pass"], None),
        "import click": ([python, "-c", "import click"], None),
    }
    for name, args in COMMANDS.items():
        sides[f"now {name}"] = ([python, "-c", LAUNCH, *args], ROOT)
        sides[f"before {name}"] = ([python, "-c", LAUNCH, *args], before)
    for path in (ROOT, before):  # each side runs its own copy of the package
        found = origin(path, empty)
        assert found == path, f"zoho_tools imported from {found}, not {path}"
    for argv, pythonpath in sides.values():  # warm up: compile the bytecode, fill the disk cache
        seconds(argv, empty, pythonpath)
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, (argv, pythonpath) in sides.items():
            times[name].append(seconds(argv, empty, pythonpath))

    def ratio(ours: str, base: str) -> float:
        return statistics.median(o / b for o, b in zip(times[ours], times[base], strict=True))

    print(f"Start-up, wall clock, median of {rounds} interleaved rounds:")
    for name, spent in times.items():
        print(f"  {name:<22} {statistics.median(spent) * 1000:7.1f} ms")
    print("\nRatios (median of the rounds' ratios):")
    for name in COMMANDS:
        print(
            f"  {name:<14} now {ratio(f'now {name}', 'python -c pass'):5.2f}x python -c pass, "
            f"before {ratio(f'before {name}', 'python -c pass'):5.2f}x"
        )
    checks = [
        Check(
            f"zoho-tools {name}: now / before", ratio(f"now {name}", f"before {name}"), BEFORE_MAX
        )
        for name in COMMANDS
    ]
    checks.append(
        Check(
            "zoho-tools --help / import click",
            ratio("now --help", "import click"),
            HELP_OVER_CLICK_MAX,
        )
    )
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--before",
        default=EAGER_COMMIT,
        metavar="REV",
        help="the commit to compare with (default: the last eager command line)",
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zoho-tools-before-") as folder:
        before, empty = Path(folder, "before"), Path(folder, "empty")
        before.mkdir()
        empty.mkdir()
        if not extract(options.before, before):
            print(f"cannot read commit {options.before} with git archive; pass --before REV")
            return 2
        checks = run(options.rounds, before, empty)
    print("\nTargets:")
    for check in checks:
        print(check.line())
    met = all(check.ok for check in checks)
    print("\nAll targets met." if met else "\nSome targets missed.")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
