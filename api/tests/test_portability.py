"""Export, import into a fresh instance, and leaving without a trace."""

import io
import json
import zipfile
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models

from accounts import services as account_services
from accounts.models import User
from api import portability
from conftest import PASSWORD
from dynamics import services
from dynamics.models import Aftercare, AuditEntry, Dynamic, Invitation, Pause, Signal


@pytest.fixture
def history(dynamic, leader, follower, dynamic_factory, now):
    """A dynamic with a red signal, both partners' aftercare, a pause, an ended
    dynamic of the follower's, and an open invitation of the leader's."""
    t = now
    services.send_signal(follower, dynamic.pk, "red", now=t, idempotency_key="tap")
    t += timedelta(minutes=5)
    services.give_aftercare(
        follower,
        dynamic.pk,
        feeling=2,
        note="follower's private words",
        ready_to_resume=True,
        now=t,
    )
    services.give_aftercare(
        leader,
        dynamic.pk,
        feeling=4,
        note="leader's private words",
        ready_to_resume=True,
        now=t,
    )
    t += timedelta(hours=1, microseconds=123456)
    services.pause_dynamic(leader, dynamic.pk, reason="travel", now=t)
    signal = services.send_signal(leader, dynamic.pk, "yellow", now=t)
    services.acknowledge_signal(follower, dynamic.pk, signal.pk, now=t)
    other = dynamic_factory(follower, owner_role="follower", titles=("pet", "Miss"))
    services.end_dynamic(follower, other.pk, now=t)
    forming = dynamic_factory(leader, partner=None, titles=("Lead", "Follow"))
    services.create_invitation(leader, forming.pk, email="someone@example.org", now=t)
    return dynamic


def _roundtrip_json(user: User, now) -> dict:
    data = json.loads(portability._json(portability.export_data(user, now=now)))
    # Ids are the instance's own; everything else must come back the same.
    for d in data["dynamics"]["dynamics"]:
        d.pop("id")
        for p in d["pauses"]:
            p.pop("id")
        for s in d["signals"]:
            s.pop("id")
    return data


def _wipe() -> None:
    """Empties the instance of people and dynamics, as a fresh one would be."""
    Dynamic.objects.all().delete()
    User.objects.all().delete()


def _database_snapshot() -> dict[str, list]:
    """Every row of the dynamics tables, with people named by e-mail."""

    def email(user_id):
        return User.objects.get(pk=user_id).email if user_id else None

    def created(dynamic_id):
        return Dynamic.objects.get(pk=dynamic_id).created_at.isoformat()

    return {
        "dynamics": sorted(
            Dynamic.objects.values_list(
                "name", "state", "leader_title", "follower_title", "created_at"
            ),
            key=str,
        ),
        "pauses": sorted(
            (created(p.dynamic_id), p.reason, email(p.started_by_id), p.started_at,
             email(p.ended_by_id), p.ended_at)
            for p in Pause.objects.all()
        ),
        "signals": sorted(
            (created(s.dynamic_id), s.kind, email(s.sent_by_id), s.sent_at,
             s.acknowledged_at, s.idempotency_key)
            for s in Signal.objects.all()
        ),
        "aftercare": sorted(
            (email(a.user_id), a.feeling, a.note, a.ready_to_resume, a.updated_at)
            for a in Aftercare.objects.all()
        ),
        "audit": sorted(
            (created(e.dynamic_id), e.at, e.act, e.actor_role, email(e.actor_id),
             e.summary)
            for e in AuditEntry.objects.all()
        ),
        "invitations": sorted(
            (created(i.dynamic_id), email(i.created_by_id), i.email, i.created_at,
             i.expires_at, i.used_at, i.outcome)
            for i in Invitation.objects.all()
        ),
    }  # fmt: skip


def test_every_persons_export_imports_into_a_fresh_instance_unchanged(
    history, now, tmp_path
):
    people = list(User.objects.all())
    assert len(people) == 3  # leader, follower, the follower's former partner
    before = {u.email: _roundtrip_json(u, now) for u in people}
    snapshot = _database_snapshot()
    paths = []
    for user in people:
        path = tmp_path / f"{user.pk}.zip"
        path.write_bytes(portability.export_zip(user, now=now))
        paths.append(str(path))
    _wipe()
    call_command("import_export", *paths, stdout=io.StringIO())
    after = {
        email: _roundtrip_json(User.objects.get(email=email), now) for email in before
    }
    assert after == before
    assert _database_snapshot() == snapshot


def test_an_imported_person_signs_in_after_choosing_a_new_password(
    history, follower, now
):
    archive = portability.export_zip(follower, now=now)
    _wipe()
    portability.import_archives([archive], now=now)
    user = User.objects.get(email=follower.email)
    assert not user.has_usable_password()
    assert user.emailaddress_set.get().verified


def test_a_dynamic_imported_without_the_partner_is_kept_ended(history, follower, now):
    archive = portability.export_zip(follower, now=now)
    _wipe()
    context = portability.import_archives([archive], now=now)
    shared = Dynamic.objects.get(leader_title="Sir")
    assert shared.state == Dynamic.State.ENDED
    assert shared.signals.count() == 2
    assert shared.audit.filter(act="imported_without_partner").exists()
    assert any("ended" in note for note in context.notes)
    # Only the follower's own aftercare comes back; the leader's was never theirs.
    assert list(Aftercare.objects.values_list("note", flat=True)) == [
        "follower's private words"
    ]


def test_import_into_an_instance_that_has_the_person_changes_nothing(
    history, follower, now, tmp_path
):
    path = tmp_path / "export.zip"
    path.write_bytes(portability.export_zip(follower, now=now))
    counts = Dynamic.objects.count()
    with pytest.raises(CommandError, match="already has an account"):
        call_command("import_export", str(path), stdout=io.StringIO())
    assert Dynamic.objects.count() == counts


def test_import_refuses_a_file_that_is_not_an_export(db, tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a readable Instep export"):
        call_command("import_export", str(path), stdout=io.StringIO())


def test_export_holds_no_partner_private_words_and_no_secrets(history, leader, now):
    archive = zipfile.ZipFile(io.BytesIO(portability.export_zip(leader, now=now)))
    assert set(archive.namelist()) == {
        "manifest.json",
        "account.json",
        "dynamics.json",
        "index.html",
    }
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"leader's private words" in everything
    assert b"follower's private words" not in everything
    assert b"token_hash" not in everything and b"password" not in everything
    for invitation in Invitation.objects.all():
        assert invitation.token_hash.encode() not in everything
    html = archive.read("index.html").decode()
    assert "Your dynamics" in html and "leader&#x27;s private words" in html


def test_person_downloads_their_export_from_settings(client_for, history, follower):
    client = client_for(follower)
    page = client.get("/me/export/")
    assert page.status_code == HTTPStatus.OK
    response = client.post("/me/export/")
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "index.html" in names


def _text_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def test_nothing_private_of_a_deleted_person_remains_anywhere(
    history, follower, leader, now, client_for
):
    # Make the follower's traces as distinctive as possible.
    account_services.update_profile(follower, display_name="Quincy Zephyrine")
    client_for(follower).get("/me/api-tokens/")  # a session row
    from api import services as api_services

    api_services.create_token(
        follower, name="Zephyrine's watch", scope="write", now=now
    )
    private = [
        follower.email,
        "Quincy Zephyrine",
        "Zephyrine",
        "follower's private words",
    ]
    account_services.delete_account(
        follower, password=PASSWORD, now=now + timedelta(days=1)
    )

    found = []
    for model in apps.get_models():
        fields = _text_fields(model)
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            text = " ".join(str(value) for value in row)
            found += [(model.__name__, p) for p in private if p in text]
    assert found == []
    # The partner keeps what they own: their aftercare and the shared history.
    assert Aftercare.objects.filter(user=leader).exists()
    assert AuditEntry.objects.filter(dynamic=history, act="member_left").exists()


def test_a_script_downloads_the_export_with_a_read_token(api_client, history, follower):
    response = api_client(follower, "read").get("/api/v1/me/export")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("account.json"))["account"]["email"] == (
        follower.email
    )
