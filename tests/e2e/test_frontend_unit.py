"""The web UI's own unit tests (Vitest: offsets, token snapping, span rules, casualty
pre-fill, review diff, undo, active time), run from the Python suite so `make test` runs
them too. Needs Node and the installed frontend packages (scripts/frontend.sh)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import ROOT

FRONTEND = ROOT / "frontend"


@pytest.mark.e2e
def test_the_frontend_unit_tests_pass() -> None:
    if shutil.which("npx") is None or not (FRONTEND / "node_modules").is_dir():
        pytest.fail("Node packages are missing: run scripts/frontend.sh (make frontend) first")
    result = subprocess.run(
        ["npx", "vitest", "run", "--reporter=dot"], cwd=FRONTEND, capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
