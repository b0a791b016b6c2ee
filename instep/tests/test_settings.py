"""Settings come from the environment; production settings pass check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from instep.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-qLw_Z8pX2v7Rt5yNb4Hc6Md1Fg0Se3Ua9Wo2Ei7Ty5Rp8Qm4Vn6Bx1Cz",
    "INSTEP_BASE_URL": "https://instep.example.org",
    "ALLOWED_HOSTS": "instep.example.org",
    "EMAIL_URL": "smtp://mailer:secret@mail.example.org:587/?tls=True",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # The test run itself allows async-unsafe calls for the browser tests;
    # a deployment never does.
    skip = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in skip}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_a_warning(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "DEBUG",
        INSTEP_DATA_DIR=str(tmp_path),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_short_secret_key_stops_the_start(tmp_path):
    result = _manage(
        "check", INSTEP_DATA_DIR=str(tmp_path), **{**PRODUCTION, "SECRET_KEY": "short"}
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 characters" in result.stderr


def test_a_base_url_without_scheme_stops_the_start(tmp_path):
    env = {**PRODUCTION, "INSTEP_BASE_URL": "instep.example.org"}
    result = _manage("check", INSTEP_DATA_DIR=str(tmp_path), **env)
    assert "INSTEP_BASE_URL must look like" in result.stderr


def test_without_a_secret_key_one_is_made_once_and_kept(tmp_path):
    env = {"INSTEP_DATA_DIR": str(tmp_path), "DEBUG": "1"}
    assert _manage("check", **env).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert _manage("check", **env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda: env_bool("INSTEP_T", False), "maybe", "1/0"),
        (lambda: env_int("INSTEP_T", 1), "ten", "whole number"),
        (lambda: env_int("INSTEP_T", 1), "-3", "not be negative"),
        (lambda: env_list("INSTEP_T", ["a"]), " , ", "at least one"),
    ],
)
def test_env_helpers_refuse_values_that_make_no_sense(
    monkeypatch, reader, raw, message
):
    monkeypatch.setenv("INSTEP_T", raw)
    with pytest.raises(ImproperlyConfigured, match=message):
        reader()


def test_env_helpers_read_good_values(monkeypatch):
    monkeypatch.setenv("INSTEP_T", "Yes")
    assert env_bool("INSTEP_T", False) is True
    monkeypatch.setenv("INSTEP_T", "a.example, b.example")
    assert env_list("INSTEP_T", []) == ["a.example", "b.example"]
    monkeypatch.delenv("INSTEP_T")
    assert env_int("INSTEP_T", 7) == 7
