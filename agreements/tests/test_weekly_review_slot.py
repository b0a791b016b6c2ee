"""The weekly review's day and time are part of the agreement, signed like the rest."""

from datetime import time, timedelta
from http import HTTPStatus

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from agreements import queries, services
from agreements.models import AgreementVersion, Weekday
from instep.errors import Refused


def _set(version, leader, now, *, day, at):
    return services.update_draft(
        leader,
        version.dynamic_id,
        number=version.number,
        review_on=(now + timedelta(days=90)).date(),
        absence_days=14,
        titles_and_protocols="",
        weekly_review_day=day,
        weekly_review_at=at,
        now=now,
    )


def test_draft_without_a_review_day_says_sunday_at_six(draft):
    assert draft.weekly_review_label == "Sunday at 18:00"


def test_leader_sets_the_review_day_on_the_draft_page(
    draft, dynamic, leader, client_for, now
):
    url = reverse("agreements:edit_version", args=[dynamic.pk, draft.number])
    response = client_for(leader).post(
        url,
        {
            "review_on": (now + timedelta(days=60)).date().isoformat(),
            "absence_days": 14,
            "proof_retention_days": 30,
            "titles_and_protocols": "",
            "weekly_review_day": Weekday.FRIDAY,
            "weekly_review_at": "20:30",
        },
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    draft.refresh_from_db()
    assert (draft.weekly_review_day, draft.weekly_review_at) == (4, time(20, 30))
    page = client_for(leader).get(
        reverse("agreements:show_version", args=[dynamic.pk, draft.number])
    )
    assert "Friday at 20:30" in page.content.decode()


def test_changing_the_review_day_clears_a_signature(draft, leader, follower, now):
    services.sign(follower, draft.dynamic_id, number=draft.number, now=now)
    changed = _set(draft, leader, now, day=Weekday.MONDAY, at=None)
    assert changed.follower_signed_at is None


def test_a_day_outside_the_week_is_refused(draft, leader, now):
    with pytest.raises(Refused) as refused:
        _set(draft, leader, now, day=7, at=None)
    assert refused.value.field == "weekly_review_day"
    assert AgreementVersion.objects.get(pk=draft.pk).weekly_review_day is None


def test_a_new_draft_keeps_the_review_day_in_force(
    draft, dynamic, leader, now, sign_both
):
    _set(draft, leader, now, day=Weekday.WEDNESDAY, at=time(19, 0))
    sign_both(draft)
    again = services.propose_draft(leader, dynamic.pk, now=now)
    assert again.weekly_review_label == "Wednesday at 19:00"


def test_compare_shows_a_changed_review_day(draft, dynamic, leader, now, sign_both):
    sign_both(draft)
    second = services.propose_draft(leader, dynamic.pk, now=now)
    _set(second, leader, now, day=Weekday.SATURDAY, at=time(10, 0))
    comparison = queries.compare(dynamic, draft.number, second.number)
    general = comparison.sections[0].differences[0]
    [line] = [line for line in general.lines if line.label == "Weekly review"]
    assert (line.before, line.after) == ("Sunday at 18:00", "Saturday at 10:00")
    assert line.changed


@pytest.mark.parametrize(
    ("column", "value"), [("weekly_review_day", "2"), ("weekly_review_at", "'07:00'")]
)
def test_the_database_refuses_changing_a_signed_review_day(
    draft, leader, now, sign_both, column, value
):
    _set(draft, leader, now, day=Weekday.SUNDAY, at=time(18, 0))
    signed = sign_both(draft)
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE agreements_agreementversion SET {column} = {value} WHERE id = %s",
            [signed.pk],
        )
    assert AgreementVersion.objects.get(pk=signed.pk).weekly_review_day == 6
