"""The README's Python example runs as written and prints what its comment says."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).parents[2] / "README.md"


def test_the_readme_python_example_runs_and_prints_what_it_says(tmp_path: Path) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using it from Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    script = tmp_path / "example.py"
    script.write_text(code[1], encoding="utf-8")
    promised = re.search(r"# (\{\"status\".*)", code[1])
    assert promised is not None

    env = {
        **os.environ,
        "ZOHO_TOOLS_CONFIG": str(tmp_path / "absent.toml"),
        "ZOHO_TOOLS_TOKEN_STORE": str(tmp_path / "tokens.json"),
    }
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    # "…" in the comment stands for anything; the rest is printed exactly.
    pattern = ".*".join(re.escape(part) for part in promised[1].split("…"))
    assert re.fullmatch(pattern, done.stdout.strip()), done.stdout
    assert "embedded sandbox" in done.stderr and "embedded sandbox" not in done.stdout
