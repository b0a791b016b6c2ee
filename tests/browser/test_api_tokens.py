"""A person makes an API token on their phone, uses it once, revokes it, and
downloads their export; the API's docs page works under the strict CSP."""

import re

from django.test import Client
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from tests.browser.helpers import assert_no_horizontal_overflow, shot


def _sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile(r"^E-?mail:?$")).fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="Sign In")).to_have_count(0)


def test_person_makes_uses_and_revokes_a_token(
    live_server, page: Page, dynamic, follower
):
    base = live_server.url
    _sign_in(page, base, follower.email)
    page.goto(f"{base}/me/profile/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    shot(page, "10-tokens-empty")
    page.get_by_label("Name").fill("Watch")
    page.get_by_label("Read and write (send signals, pause, …)").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("instep_")
    assert_no_horizontal_overflow(page)
    shot(page, "10-token-created")

    client = Client(headers={"Authorization": f"Bearer {secret}"})
    red = client.post(
        f"/api/v1/dynamics/{dynamic.pk}/signals",
        {"kind": "red"},
        content_type="application/json",
        headers={"Idempotency-Key": "watch-1"},
    )
    assert red.status_code == 201

    page.reload()
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)  # shown once only
    expect(page.get_by_text("last used")).to_be_visible()
    page.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("button", name="Yes, revoke it")).to_be_visible()
    shot(page, "10-token-revoke")
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_text("“Watch” no longer works.")).to_be_visible()
    assert client.get("/api/v1/me").status_code == 401


def test_person_downloads_the_export(live_server, page: Page, dynamic, follower):
    base = live_server.url
    _sign_in(page, base, follower.email)
    page.goto(f"{base}/me/export/")
    assert_no_horizontal_overflow(page)
    shot(page, "10-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download ZIP").click()
    assert download.value.suggested_filename.startswith("instep-export-")


def test_api_docs_render_from_local_files_under_the_csp(live_server, page: Page):
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security" in m.text else None,
    )
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/v1/docs")
    # Swagger UI draws the whole schema (about a hundred operations) in the
    # browser first: on a loaded machine that takes longer than 5 s.
    expect(page.get_by_role("heading", name=re.compile("^Instep API"))).to_be_visible(
        timeout=20_000
    )
    expect(
        page.get_by_text("/api/v1/dynamics/{dynamic_id}/signals").first
    ).to_be_visible(timeout=20_000)
    shot(page, "10-api-docs")
    assert outside == []
    assert violations == []
