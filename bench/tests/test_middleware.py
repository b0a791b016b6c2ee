"""The bench-only middleware reports each request's SQL queries in a header."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.middleware import HEADER


def test_bare_view_reports_no_queries_and_a_page_reports_what_it_ran(
    settings, client_for, dynamic, follower
):
    settings.MIDDLEWARE = ["bench.middleware.QueryCount", *settings.MIDDLEWARE]
    client = client_for(follower)
    with CaptureQueriesContext(connection) as ran:
        response = client.get(reverse("duties:today", args=[dynamic.pk]))
    assert response.status_code == 200
    assert int(response[HEADER]) == len(ran.captured_queries)
    anonymous = client_for(None)
    assert anonymous.get(reverse("health"))[HEADER] == "0"
