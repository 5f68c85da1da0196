"""The layers of docs/architecture.md hold, and an import that breaks them fails with the rule's name."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason="import-linter is in requirements/dev.txt")

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(folder / "pyproject.toml")],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_portal_keeps_its_layers():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "upward_import", "broken_rule"),
    [
        ("core/machinery.py", "import partnerships.models", "core-knows-no-app"),
        ("partnerships/models.py", "import outcomes.models", "partnerships-without-outcomes"),
        ("outcomes/models.py", "import portal.views", "layers"),
    ],
)
def test_an_upward_import_fails_with_the_name_of_the_rule(
    tmp_path, module, upward_import, broken_rule
):
    """The portal's own contracts, over four stand-in packages with one import that goes up."""
    for package in ("core", "partnerships", "outcomes", "portal"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        (tmp_path / package / "models.py").write_text("")
        (tmp_path / package / "views.py").write_text("")
    (tmp_path / module).write_text(upward_import + "\n")
    (tmp_path / "pyproject.toml").write_text(
        (ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )

    result = lint_imports(tmp_path)

    assert result.returncode != 0
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (name,) = [
        contract["name"]
        for contract in contracts["tool"]["importlinter"]["contracts"]
        if contract["id"] == broken_rule
    ]
    # The report wraps long lines: compare its words.
    assert " ".join(name.split()) in " ".join(result.stdout.split())
    assert "BROKEN" in result.stdout
