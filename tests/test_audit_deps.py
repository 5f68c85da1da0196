"""scripts/audit-deps fails on a known vulnerability and skips, saying so, when the database is out of reach.

pip-audit itself needs the network, so these runs give the script a stand-in
(PIP_AUDIT) that answers as pip-audit does: a JSON report in --output, or a
traceback. The script's own code runs as in CI.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "audit-deps"

VULNERABLE = {
    "dependencies": [
        {
            "name": "django",
            "version": "6.1.3",
            "vulns": [{"id": "PYSEC-2026-1", "fix_versions": ["6.1.4"], "aliases": []}],
        },
        {"name": "pyyaml", "version": "6.0.4", "vulns": []},
    ],
    "fixes": [],
}
CLEAN = {
    "dependencies": [
        {"name": "django", "version": "6.1.3", "vulns": []},
        {"name": "pyyaml", "version": "6.0.4", "vulns": []},
    ],
    "fixes": [],
}
UNKNOWN_TO_THE_DATABASE = {
    "dependencies": [
        {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"}
    ],
    "fixes": [],
}
OFFLINE = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org'): Max retries exceeded"


def audit(tmp_path, *, report=None, stderr="", status=0, sleep=0, timeout=60):
    """Runs scripts/audit-deps with a pip-audit stand-in that answers ``report`` or fails."""
    stand_in = tmp_path / "pip-audit"
    stand_in.write_text(
        f"""#!{sys.executable}
import json, sys, time
time.sleep({sleep})
args = sys.argv[1:]
assert "--disable-pip" in args and args.count("-r") == 2, args
report = {json.dumps(report)!r}
if report != "null":
    open(args[args.index("--output") + 1], "w").write(report)
sys.stderr.write({stderr!r})
sys.exit({status})
"""
    )
    stand_in.chmod(0o755)
    return subprocess.run(
        [str(SCRIPT)],
        env={**os.environ, "PIP_AUDIT": str(stand_in), "AUDIT_TIMEOUT": str(timeout)},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_known_vulnerability_fails_with_the_package_and_the_fix(tmp_path):
    result = audit(tmp_path, report=VULNERABLE, status=1)
    assert result.returncode == 1
    assert "VULNERABLE: django 6.1.3: PYSEC-2026-1 (fixed in 6.1.4)" in result.stdout
    assert "1 of 2 audited dependencies have known vulnerabilities" in result.stderr


def test_no_known_vulnerability_passes(tmp_path):
    result = audit(tmp_path, report=CLEAN)
    assert result.returncode == 0
    assert "No known vulnerabilities in 2 dependencies." in result.stdout


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"report": None, "stderr": OFFLINE, "status": 1}, "could not be reached"),
        ({"report": UNKNOWN_TO_THE_DATABASE}, "answered for none of the 1 dependencies"),
        ({"report": CLEAN, "sleep": 5, "timeout": 1}, "did not finish in 1s"),
    ],
)
def test_an_unreachable_database_skips_with_a_clear_message(tmp_path, answer, message):
    result = audit(tmp_path, **answer)
    assert result.returncode == 0
    assert "SKIPPED" in result.stdout
    assert message in result.stdout


def test_any_other_failure_fails(tmp_path):
    result = audit(tmp_path, report=None, stderr="ERROR: hash mismatch in requirements", status=1)
    assert result.returncode == 1
    assert "hash mismatch" in result.stderr
