"""The insights page as the partners use it: every chart, privacy, ranges,
empty states, and the same number of queries on three years of history."""

from datetime import date, timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from bench import demo
from dynamics.models import Dynamic
from insights.tests import factories as f
from insights.tests.conftest import NOW

pytestmark = pytest.mark.django_db

CHART_TITLES = ("On time", "Streaks", "Mood", "Energy", "Stress", "Connection",
                "Incidents", "Decisions")  # fmt: skip


def _page(client, dynamic, range_key: str = ""):
    url = reverse("insights:overview", args=[dynamic.pk])
    with time_machine.travel(NOW, tick=False):
        return client.get(url + (f"?range={range_key}" if range_key else ""))


def test_partner_sees_every_chart_with_its_summary(history, follower, client_for):
    response = _page(client_for(follower), history, "4w")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for title in CHART_TITLES:
        assert f'class="chart-title">{title}</h3>' in html
    assert html.count('role="img"') == len(CHART_TITLES)
    assert html.count("<figcaption") == len(CHART_TITLES)
    assert "you 100% on time, up from 80%; Sir 67%, down from 100%." in html
    assert 'aria-current="page">4 weeks</a>' in html


def test_owner_page_names_the_partner_by_title(history, leader, client_for):
    html = _page(client_for(leader), history, "4w").content.decode()
    assert "you 67% on time, down from 100%; pet 100%, up from 80%." in html


def test_every_range_renders(history, leader, client_for):
    client = client_for(leader)
    for key, label in (("4w", "4 weeks"), ("3m", "3 months"), ("1y", "A year"),
                       ("all", "All"), ("nonsense", "3 months")):  # fmt: skip
        response = _page(client, history, key)
        assert response.status_code == HTTPStatus.OK
        assert f'aria-current="page">{label}</a>' in response.content.decode()


def test_private_answers_stay_out_of_the_partners_charts(
    dynamic, leader, follower, client_for
):
    """Robin keeps every answer private: Alex's page has nothing of hers, her
    own page has all of them."""
    for day in (date(2026, 11, 17), date(2026, 11, 18)):
        f.checkin(dynamic, follower, day, mood=1, energy=1, stress=5, connection=2,
                  private=("mood", "energy", "stress", "connection"))  # fmt: skip
    alex = _page(client_for(leader), dynamic, "4w").content.decode()
    robin = _page(client_for(follower), dynamic, "4w").content.decode()
    for measure in ("mood", "energy", "stress", "connection"):
        assert f"No {measure} answers to show for these 4 weeks." in alex
    assert "<td>1.0</td>" not in alex and "<td>5.0</td>" not in alex
    assert "<td>1.0</td>" in robin
    assert "Wednesday 18 Nov: you 1.0, the same as 1.0 (out of 5)." in robin
    assert "Wednesday 18 Nov: you 5.0, the same as 5.0 (out of 5)." in robin


def test_a_dynamic_without_history_shows_empty_states(dynamic, leader, client_for):
    html = _page(client_for(leader), dynamic, "4w").content.decode()
    assert "Nothing was due in these 4 weeks." in html
    assert "No incidents in these 4 weeks." in html
    assert "No matters settled in these 4 weeks." in html
    assert "No signals in this range." in html


def test_a_dynamic_still_forming_shows_only_you(dynamic_factory, leader, client_for):
    forming = dynamic_factory(leader, partner=None)
    response = _page(client_for(leader), forming)
    assert response.status_code == HTTPStatus.OK
    assert "Nothing was due in these 3 months." in response.content.decode()


def test_home_page_links_to_insights(dynamic, leader, client_for):
    html = client_for(leader).get(reverse("dynamics:home", args=[dynamic.pk]))
    assert reverse("insights:overview", args=[dynamic.pk]) in html.content.decode()


@pytest.mark.parametrize("range_key", ["4w", "1y", "all"])
def test_page_queries_do_not_grow_with_three_years_of_history(
    client_for, django_assert_num_queries, range_key
):
    """The demo world: couple 1 has a month of history, couple 2 three years."""
    demo.generate(dynamics=1, days=30, seed=3, now=NOW)
    demo.generate(dynamics=1, days=3 * 365, seed=3, now=NOW, first=2)
    for number in (1, 2):
        leader = User.objects.get(email=demo.email_of("leader", number))
        dynamic = Dynamic.objects.get(members__user=leader)
        client = client_for(leader)
        _page(client, dynamic, range_key)  # the day's first request notes presence
        with django_assert_num_queries(QUERIES):
            response = _page(client, dynamic, range_key)
        assert response.status_code == HTTPStatus.OK
        assert "Nothing was due" not in response.content.decode()


# The frame: session, user, and the permission gate's one query, which brings
# the partner and what the header shows (memberships, unread count, whether a
# signal waits: dynamics/nav.py) (three); then the nine aggregate queries of
# insights.queries.overview.
QUERIES = 12


def test_weekly_review_embeds_the_weeks_small_charts(history, leader, client_for):
    """The review of the week of 16 Nov: Alex 2 of 3 on time, Robin 5 of 5,
    a late and a praise, day by day."""
    from talk import services as talk

    with time_machine.travel(NOW, tick=False):
        review = talk.start_review(leader, history.pk, now=NOW - timedelta(days=2))
    url = reverse("talk:review_detail", args=[history.pk, review.pk])
    with time_machine.travel(NOW, tick=False):
        html = client_for(leader).get(url).content.decode()
    assert "The week in charts" in html
    assert "In this week: you 2 of 3 on time (67%); pet 5 of 5 (100%)." in html
    assert "<td>67% (2 of 3)</td>" not in html  # per day, not per week
    assert "1 slip and 1 moment of praise in this week" in html
    assert html.count('role="img"') == 4  # on time, mood, connection, incidents
