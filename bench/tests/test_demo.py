"""The demo world: a small run is consistent, renders, and repeats by seed."""

from datetime import UTC, datetime, timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from agreements.models import AgreementVersion, Domain
from bench import demo
from conduct.models import Incident
from conduct.services import occurrence_source_key
from duties import clock
from duties import services as duty_services
from duties.models import Duty, Occurrence
from dynamics.models import AuditEntry, Dynamic, Pause
from instep.errors import Refused
from talk.models import CheckIn, JournalEntry, Matter

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SETTLED = {
    Occurrence.Outcome.ON_TIME: {clock.Status.DONE},
    Occurrence.Outcome.LATE: {clock.Status.DONE_LATE},
    Occurrence.Outcome.MISSED: {clock.Status.MISSED},
    Occurrence.Outcome.EXCUSED: {clock.Status.EXCUSED},
}


@pytest.fixture
def world(db) -> demo.Summary:
    return demo.generate(dynamics=2, days=30, seed=7, now=NOW)


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_partners_open_their_daily_pages_and_see_200(world):
    for number in (1, 2):
        dynamic_id = Dynamic.objects.get(
            members__user__email=demo.email_of("leader", number)
        ).pk
        matter = Matter.objects.filter(dynamic_id=dynamic_id).first()
        incident = Incident.objects.filter(dynamic_id=dynamic_id).first()
        duty = Duty.objects.filter(dynamic_id=dynamic_id).first()
        d = {"dynamic_id": dynamic_id}
        urls = [
            reverse("dynamics:home", kwargs=d),
            reverse("dynamics:audit", kwargs=d),
            reverse("duties:today", kwargs=d),
            reverse("duties:plan", kwargs=d),
            reverse("duties:duties", kwargs=d),
            reverse("duties:history", kwargs={**d, "duty_id": duty.pk}),
            reverse("talk:checkin", kwargs=d),
            reverse("talk:matter_list", kwargs=d),
            reverse("talk:matter_detail", kwargs={**d, "matter_id": matter.pk}),
            reverse("talk:decision_log", kwargs=d),
            reverse("talk:journal", kwargs=d),
            reverse("conduct:list_incidents", kwargs=d),
            reverse("conduct:incident", kwargs={**d, "incident_id": incident.pk}),
            reverse("conduct:ledger", kwargs=d),
            reverse("agreements:show_agreement", kwargs=d),
            f"/api/v1/dynamics/{dynamic_id}",
        ]
        for role in ("leader", "follower"):
            client = _client(demo.email_of(role, number))
            for url in urls:
                response = client.get(url)
                assert response.status_code == HTTPStatus.OK, (role, url)


def test_demo_person_signs_in_with_the_documented_password(world, client):
    response = client.post(
        reverse("account_login"),
        {"login": demo.email_of("follower", 1), "password": demo.PASSWORD},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("landing")).status_code == HTTPStatus.FOUND


def test_generated_agreements_are_signed_and_refuse_changes(world):
    versions = list(AgreementVersion.objects.all())
    assert len(versions) == 2
    for version in versions:
        assert version.is_signed
        assert version.leader_signed_at and version.follower_signed_at
        assert version.review_on > NOW.date()
        assert Domain.objects.filter(version=version).count() == 10
        version.absence_days = 30
        with pytest.raises(Refused), transaction.atomic():
            version.save()


def test_generated_occurrences_agree_with_the_clock(world):
    checked = 0
    for dynamic in Dynamic.objects.all():
        occs = Occurrence.objects.filter(dynamic=dynamic).select_related("duty")
        start = min(o.opens_at for o in occs)
        pauses = duty_services.pause_intervals(dynamic.pk, start, NOW)
        for occ in occs:
            status = clock.occurrence_status(occ.times(), pauses, NOW)
            if occ.outcome:
                assert status in SETTLED[occ.outcome], (occ.pk, occ.outcome, status)
                checked += 1
            else:
                assert status not in (clock.Status.DONE, clock.Status.MISSED)
    assert checked > 50


def test_the_hourly_duties_run_finds_nothing_left_to_do(world):
    incidents = Incident.objects.count()
    assert duty_services.materialise(now=NOW) == 0
    assert Incident.objects.count() == incidents


def test_every_slip_has_one_incident_resolved_from_the_menu(world):
    slips = Occurrence.objects.filter(outcome__in=["late", "missed"])
    assert slips.exists()
    for occ in slips:
        incident = Incident.objects.get(source_key=occurrence_source_key(str(occ.pk)))
        assert incident.subject_id == occ.assignee_id
    for incident in Incident.objects.filter(resolution="consequence"):
        version = AgreementVersion.objects.get(dynamic_id=incident.dynamic_id)
        assert incident.consequence.version_id == version.pk
        assert incident.consequence.kind == "correction"
    assert not Incident.objects.filter(
        resolution="consequence", subject_role="leader"
    ).exists()


def test_world_has_every_kind_of_history(world):
    assert world.counts["talk.CheckIn"] > 60
    assert CheckIn.objects.filter(needs_shared=False).exists()
    assert JournalEntry.objects.filter(visibility="private").exists()
    assert JournalEntry.objects.filter(visibility="shared").exists()
    assert Matter.objects.filter(state="decided").exclude(reason="").exists()
    assert AuditEntry.objects.filter(act="agreement_in_force").count() == 2
    assert Pause.objects.filter(ended_at__isnull=True).count() <= 2


def test_red_signal_is_followed_by_aftercare_and_a_check_in(db):
    demo.generate(dynamics=6, days=200, seed=3, now=NOW)
    reds = Pause.objects.filter(reason="red")
    assert reds.exists()
    for pause in reds:
        assert pause.aftercare.filter(ready_to_resume=True).count() == 2
        assert pause.ended_at is not None


def _fingerprint() -> list:
    rows = []
    for model in (Dynamic, Duty, Occurrence, CheckIn, Matter, JournalEntry, Incident):
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            # source_key names an occurrence's primary key, which PostgreSQL's
            # sequences do not hand out again after a rollback.
            if not f.primary_key and not f.is_relation and f.name != "source_key"
        ]
        rows.append(sorted(map(repr, model.objects.values_list(*fields))))
    rows.append(sorted(User.objects.values_list("email", "display_name", "time_zone")))
    return rows


class _Rollback(Exception):
    pass


def _generate_and_fingerprint(seed: int) -> list:
    try:
        with transaction.atomic():
            demo.generate(dynamics=2, days=30, seed=seed, now=NOW)
            printed = _fingerprint()
            raise _Rollback
    except _Rollback:
        return printed


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_world_and_another_seed_another():
    first = _generate_and_fingerprint(11)
    assert _generate_and_fingerprint(11) == first
    assert _generate_and_fingerprint(12) != first


def test_generating_twice_into_one_database_is_refused_with_a_message(world):
    with pytest.raises(Exception, match="already holds the demo couples"):
        call_command("generate_demo", "--dynamics", "1", "--days", "5")


@pytest.mark.django_db
def test_command_reports_how_to_sign_in(capsys):
    call_command(
        "generate_demo",
        "--dynamics",
        "1",
        "--days",
        "5",
        "--now",
        "2026-11-23T09:00+00:00",
    )
    out = capsys.readouterr().out
    assert demo.email_of("leader", 1) in out and demo.PASSWORD in out
    assert Occurrence.objects.filter(due_at__gt=NOW + timedelta(days=10)).exists()
