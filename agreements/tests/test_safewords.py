"""Safeword settings: the follower changes them at any time, without a signature."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import SafewordSettings
from dynamics import services as dynamic_services
from dynamics.models import AuditEntry
from instep.errors import NotAllowed, Refused

WORDS = {
    "red_word": "pineapple",
    "red_gesture": "two taps on the arm",
    "yellow_word": "orange",
    "yellow_gesture": "",
    "who_is_alerted": "",
    "follower_aftercare": "A blanket and quiet",
    "leader_aftercare": "",
}


def test_follower_changes_safewords_while_an_agreement_is_in_force(
    agreement_factory, dynamic, follower, now
):
    version = agreement_factory(depths={"sleep": "full"})
    settings = services.update_safewords(follower, dynamic.pk, values=WORDS, now=now)
    assert (settings.red_word, settings.red_gesture) == (
        "pineapple",
        "two taps on the arm",
    )
    assert services.version_in_force(dynamic.pk) == version  # no new signature
    assert AuditEntry.objects.filter(act="safewords_changed").count() == 1


def test_follower_changes_safewords_even_while_paused_after_red(dynamic, follower, now):
    dynamic_services.send_signal(follower, dynamic.pk, "red", now=now)
    services.update_safewords(follower, dynamic.pk, values=WORDS, now=now)
    assert SafewordSettings.objects.get().red_word == "pineapple"


def test_leader_changes_only_their_own_aftercare_wishes(dynamic, leader, follower, now):
    services.update_safewords(
        leader, dynamic.pk, values={"leader_aftercare": "A walk"}, now=now
    )
    with pytest.raises(NotAllowed, match="follower sets"):
        services.update_safewords(
            leader, dynamic.pk, values={"red_word": "banana"}, now=now
        )
    settings = SafewordSettings.objects.get()
    assert (settings.red_word, settings.leader_aftercare) == ("red", "A walk")


def test_red_and_yellow_need_distinct_words(dynamic, follower, now):
    with pytest.raises(Refused, match="different words"):
        services.update_safewords(
            follower,
            dynamic.pk,
            values={**WORDS, "red_word": "Stop", "yellow_word": "stop"},
            now=now,
        )
    with pytest.raises(Refused, match="each need a word"):
        services.update_safewords(
            follower, dynamic.pk, values={**WORDS, "red_word": "  "}, now=now
        )
    assert not SafewordSettings.objects.exists()


def test_stranger_cannot_change_safewords(dynamic, stranger, client_for):
    response = client_for(stranger).post(
        reverse("agreements:edit_safewords", args=[dynamic.pk]), WORDS
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not SafewordSettings.objects.exists()


def test_follower_saves_safewords_through_the_page_and_both_see_them(
    dynamic, leader, follower, client_for
):
    url = reverse("agreements:edit_safewords", args=[dynamic.pk])
    response = client_for(follower).post(url, WORDS)
    assert response.status_code == HTTPStatus.SEE_OTHER
    page = client_for(leader).get(
        reverse("agreements:show_agreement", args=[dynamic.pk])
    )
    assert "“pineapple”".encode() in page.content
    assert b"A blanket and quiet" in page.content


def test_leader_page_posting_the_followers_fields_changes_only_their_own(
    dynamic, leader, client_for
):
    url = reverse("agreements:edit_safewords", args=[dynamic.pk])
    response = client_for(leader).post(
        url, {**WORDS, "red_word": "banana", "leader_aftercare": "Tea"}
    )
    assert response.status_code == HTTPStatus.SEE_OTHER
    settings = SafewordSettings.objects.get()
    assert (settings.red_word, settings.leader_aftercare) == ("red", "Tea")
