"""The import contracts in pyproject.toml hold, and break on a violating import.

Each case copies the project's Python files to a temporary directory, adds one
import the architecture forbids (docs/architecture.md) and runs `lint-imports`
with the project's own contracts on the copy: it must fail and name the
contract. The untouched copy passes.
"""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    for package in CONFIG["root_packages"]:
        shutil.copytree(
            ROOT / package,
            tree / package,
            ignore=shutil.ignore_patterns("static", "templates", "__pycache__"),
        )
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_every_import_contract(tmp_path):
    result = _lint(_copy(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # dynamics calls up through dynamics.hooks, never by importing notify.
        ("dynamics/sneak.py", "from notify import events", "dynamics imports no app"),
        # duties hands slips to conduct through duties.hooks only.
        ("duties/sneak.py", "from conduct import services", "only the apps below"),
        # An import inside a function counts as much as one at the top.
        (
            "talk/sneak.py",
            "def f():\n    from duties import services",
            "only the apps below",
        ),
        ("notify/sneak.py", "from talk import models", "notify imports no domain"),
        ("duties/clock.py", "from django.utils import timezone", "The clock is pure"),
        ("insights/series.py", "import django", "insights.series is pure"),
        ("instep/errors.py", "from accounts import models", "shared modules"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    tree = _copy(tmp_path)
    path = tree / module
    path.write_text((path.read_text() if path.exists() else "") + f"\n{line}\n")
    result = _lint(tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


def test_every_hook_is_filled_by_the_app_above_it():
    """The table in docs/architecture.md: who fills each hook in ready()."""
    from accounts import hooks as accounts_hooks
    from agreements import hooks as agreement_hooks
    from conduct import queries as conduct_queries
    from conduct import services as conduct_services
    from duties import hooks as duty_hooks
    from duties import queries as duty_queries
    from duties import services as duty_services
    from dynamics import hooks as dynamics_hooks
    from dynamics.services import leave_all
    from notify.events import signal_sent, tell_partner
    from talk.snapshot import week_parts

    assert accounts_hooks.account_erasing.receivers == (leave_all,)
    assert dynamics_hooks.signal_sent.receivers == (signal_sent,)
    assert dynamics_hooks.tell_partner.receivers == (tell_partner,)
    assert set(agreement_hooks.hard_limit_declared.receivers) == {
        duty_services.suspend_for_hard_limit,
        conduct_services.excuse_for_hard_limit,
    }
    assert duty_hooks.slipped.receivers == (
        conduct_services.record_slip_from_occurrence,
    )
    assert duty_hooks.task_done.receivers == (conduct_services.repair_task_done,)
    assert duty_hooks.retire_blocked.receivers == (conduct_services.repair_task_kept,)
    assert set(week_parts.receivers) == {
        duty_queries.week_for_review,
        conduct_queries.week_for_review,
    }


def test_each_app_registers_its_own_periodic_jobs():
    from notify.periodic import JOBS

    owners = {getattr(job, "__wrapped__", job).__module__ for job in JOBS}
    assert owners == {
        "notify.periodic",
        "duties.reminders",
        "talk.reminders",
        "agreements.reminders",
    }
