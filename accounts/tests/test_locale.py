"""Dates follow the browser's language unless the person chose a format."""

from datetime import UTC, datetime

import pytest
from django.test import RequestFactory

from accounts.middleware import browser_locale
from api import services as api_services

MADE = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # 4 March: 04/03 or 03/04


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        ("en-GB,en;q=0.9", "en-gb"),
        ("en-US,en;q=0.9", "en"),
        ("de-AT,de;q=0.8", "de"),
        ("pt-BR, fr;q=0.5", "fr"),
        ("", "en"),
        ("*", "en"),
    ],
)
def test_browser_language_picks_the_date_format(header, locale):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert browser_locale(request) == locale


@pytest.fixture
def token_page(follower, client_for):
    api_services.create_token(follower, name="Phone", scope="read", now=MADE)
    client = client_for(follower)

    def get(language: str) -> str:
        return client.get("/me/api-tokens/", HTTP_ACCEPT_LANGUAGE=language).content

    return get


def test_british_browser_gets_day_first_dates_on_the_token_list(token_page):
    assert b"made 04/03/2026" in token_page("en-GB,en;q=0.9")


def test_american_browser_gets_month_first_dates_on_the_token_list(token_page):
    assert b"made 03/04/2026" in token_page("en-US,en;q=0.9")


def test_format_chosen_in_the_profile_wins_over_the_browser(token_page, follower):
    follower.locale = "en"
    follower.save()
    assert b"made 03/04/2026" in token_page("en-GB,en;q=0.9")


def test_newcomer_follows_the_browser_until_they_choose(user_factory):
    assert user_factory("Kim").locale == ""
