"""``make bench``'s load generator: wrk with bench/wrk.lua, each request signed
in as its own person. CI installs wrk (.ci/run); without it these tests fail
with what to install, they are not skipped."""

import shutil
import urllib.request
from types import SimpleNamespace

import pytest
from django.utils import timezone

from bench import demo, run, wrk


@pytest.fixture
def tiny_world(transactional_db, live_server) -> list[dict]:
    demo.generate(dynamics=2, days=7, seed=3, now=timezone.now())
    people = run.make_sessions(SimpleNamespace(dynamics=2), 2)
    # The first request loads templates and URLs: wrk's second is for the load.
    for person in people:
        cookie = {"Cookie": f"sessionid={person['session']}"}
        url = f"{live_server.url}/d/{person['dynamic_id']}/today/"
        with urllib.request.urlopen(urllib.request.Request(url, headers=cookie)):
            pass
    return people


def test_wrk_is_installed_for_the_bench():
    assert shutil.which("wrk"), wrk.MISSING


def test_wrk_signs_each_person_in_and_every_today_page_answers_200(
    tiny_world, live_server, tmp_path
):
    result = wrk.measure(
        live_server.url,
        run.wrk_requests(tiny_world, "/d/{dynamic_id}/today/", "session"),
        connections=2,
        seconds=1,
        work_dir=tmp_path,
        name="today",
    )
    assert result["requests"] > 0
    assert result["rps"] > 0
    assert result["not_ok"] == 0
    assert result["errors"] == 0
    assert 0 < result["p50"] <= result["p99"]
    # Each person asked for their own dynamic's page.
    lines = (tmp_path / "today.requests").read_text().splitlines()
    assert sorted(lines) == sorted(
        f"/d/{p['dynamic_id']}/today/\tCookie: sessionid={p['session']}"
        for p in tiny_world
    )


def test_wrk_counts_the_answers_that_are_not_200(tiny_world, live_server, tmp_path):
    # Without the session cookie the page sends the visitor to sign in.
    result = wrk.measure(
        live_server.url,
        run.wrk_requests(tiny_world, "/d/{dynamic_id}/today/", "none"),
        connections=1,
        seconds=1,
        work_dir=tmp_path,
        name="anonymous",
    )
    assert result["requests"] > 0
    assert result["not_ok"] == result["requests"]
