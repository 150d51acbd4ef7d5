"""The layout as a test: apps import only the apps below them, and modules stay small enough
to read in one sitting."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LONGEST_MODULE = 450


def test_apps_import_only_the_apps_below_them():
    # The contract is in pyproject.toml ([tool.importlinter]); lint-imports names any import
    # that breaks it, including one made lazily inside a function.
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(  # noqa: S603
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def python_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if (
            relative.parts[0] in {".venv", ".venv-ob2", "node_modules"}
            or "migrations" in relative.parts
        ):
            continue
        yield relative, path


def test_no_module_is_longer_than_a_sitting():
    long = {
        str(relative): lines
        for relative, path in python_modules()
        if (lines := len(path.read_text().splitlines())) > LONGEST_MODULE
    }
    assert long == {}, f"split these by concern: {long}"
