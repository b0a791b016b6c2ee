"""Export, import into a fresh instance, and leaving without a trace."""

import io
import json
import zipfile
from datetime import time, timedelta
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
from instep.tests import images


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


PNG = images.png()  # re-encoded without metadata, a Pillow PNG stays the same


@pytest.fixture
def everything(history, leader, follower, now, settings, tmp_path):
    """The history, and in its dynamic something in every app: a signed
    agreement with a comment and a draft, exploration answers, a task done
    with a photo and reviewed, a planned pause, both partners' check-ins, a
    decided matter, private and shared journal entries with comments, a
    weekly review with notes, a resolved slip, a make-it-right item, and the
    leader's notification settings."""
    from agreements import services as agreements
    from agreements.models import Consequence, ExplorationItem
    from conduct import services as conduct
    from duties import services as duties
    from duties.models import Occurrence
    from duties.tests.factories import sign_agreement, task_spec
    from notify import services as notify
    from talk import services as talk

    settings.MEDIA_ROOT = tmp_path / "media"
    d = history.pk
    t = now + timedelta(hours=3)
    services.resume_dynamic(leader, d, now=t)  # the travel pause
    version = sign_agreement(
        history, leader, follower, depths={"household": "delegated"}, now=t
    )
    idea = ExplorationItem.objects.filter(dynamic=None).first()
    if idea is not None:
        for person in (leader, follower):
            agreements.answer_idea(
                person,
                d,
                item_id=idea.pk,
                answers={direction: "yes" for direction in idea.directions},
                now=t,
            )
    draft = agreements.propose_draft(follower, d, now=t)
    agreements.add_item(
        follower,
        d,
        number=draft.number,
        section="limits",
        values={"kind": "soft", "text": "No early mornings", "tags": "early"},
        now=t,
    )
    agreements.add_comment(leader, d, number=draft.number, text="Fair enough.", now=t)
    duty = duties.create_duty(
        leader,
        d,
        spec=task_spec(t + timedelta(hours=2), needs_photo=True, reviewed=True),
        now=t,
    )
    occurrence = Occurrence.objects.get(duty=duty)
    from django.core.files.uploadedfile import SimpleUploadedFile

    duties.complete(
        follower,
        d,
        occurrence.pk,
        note="Booked for Tuesday",
        photo=SimpleUploadedFile("receipt.png", PNG, content_type="image/png"),
        now=t + timedelta(minutes=30),
    )
    duties.review(
        leader,
        d,
        occurrence.pk,
        approve=True,
        note="Thank you",
        now=t + timedelta(hours=1),
    )
    duties.schedule_pause(
        leader,
        d,
        reason="family",
        starts_at=t + timedelta(days=2),
        ends_at=t + timedelta(days=3),
        now=t,
    )
    for person, private in (
        (leader, "leader's check-in secret"),
        (follower, "follower's check-in secret"),
    ):
        talk.check_in(
            person,
            d,
            mood=4,
            energy=2,
            stress=3,
            connection=5,
            needs="a quiet evening",
            note=private,
            shared=["mood", "energy", "needs"],
            now=t,
        )
    talk.set_checkin_prompt(follower, d, prompt_at=time(20, 30), enabled=True, now=t)
    matter = talk.open_matter(follower, d, kind="question", title="Holidays?", now=t)
    talk.comment_on_matter(leader, d, matter.pk, body="The sea?", now=t)
    talk.decide_matter(
        leader, d, matter.pk, decision="The sea", reason="We both like it", now=t
    )
    talk.write_entry(follower, d, body="follower's private journal", now=t)
    shared = talk.write_entry(
        follower, d, body="We laughed a lot", visibility="shared", now=t
    )
    talk.comment_on_entry(leader, d, shared.pk, body="So did I", now=t)
    talk.write_entry(leader, d, body="leader's private journal", now=t)
    review = talk.start_review(leader, d, now=t + timedelta(hours=1))
    talk.add_review_note(
        follower, d, review.pk, kind="went_well", body="Dinners", now=t
    )
    note = talk.add_review_note(
        leader, d, review.pk, kind="change", body="Earlier nights", now=t
    )
    talk.note_to_matter(leader, d, note.pk, now=t)
    talk.mark_review_held(follower, d, review.pk, now=t + timedelta(hours=2))
    slip = conduct.report_incident(
        leader, d, source="broken_rule", about="partner", title="Up too late", now=t
    )
    conduct.reflect(
        follower,
        d,
        slip.pk,
        what_happened="I lost track",
        differently="An alarm",
        now=t,
    )
    conduct.apologise(follower, d, slip.pk, text="Sorry about that", now=t)
    correction = Consequence.objects.filter(version=version, kind="correction").first()
    conduct.give_consequence(
        # Past the twelve hours of care after the red signal.
        leader,
        d,
        slip.pk,
        consequence_id=correction.pk,
        now=t + timedelta(hours=13),
    )
    item = conduct.propose_make_it_right(leader, d, name="Breakfast in bed", now=t)
    conduct.agree_make_it_right(follower, d, item.pk, now=t)
    notify.save_preferences(
        leader, quiet_from=time(22, 0), quiet_until=time(7, 0), lead_minutes=45
    )
    channel = notify.add_email(leader, address="alex.alerts@example.org", now=t)
    notify.send_test(leader, channel.pk, now=t)
    return history


def _roundtrip_json(user: User, now) -> dict:
    data = json.loads(portability._json(portability.export_data(user, now=now)))
    # Ids are the instance's own; everything else must come back the same.
    for d in data["dynamics"]["dynamics"]:
        d.pop("id")
        for p in d["pauses"]:
            p.pop("id")
        for s in d["signals"]:
            s.pop("id")
    for section in ("agreements", "duties", "talk", "conduct"):
        for d in data[section]["dynamics"]:
            d.pop("dynamic")
    # Channels' addresses are credentials and stay behind: the person adds
    # them again (the import says so).
    data["notify"].pop("channels")
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
    everything, now, tmp_path
):
    people = list(User.objects.order_by("pk"))
    assert len(people) == 3  # leader, follower, the follower's former partner
    before = {u.email: _roundtrip_json(u, now) for u in people}
    snapshot = _database_snapshot()
    apps_before = _app_rows()
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
    for email in before:
        for section in before[email]:
            assert after[email][section] == before[email][section], _difference(
                after[email][section], before[email][section], f"{email} {section}"
            )
    assert _database_snapshot() == snapshot
    apps_after = _app_rows()
    assert apps_after == apps_before, _difference(apps_after, apps_before, "rows")


def _difference(a, b, path: str) -> str:
    """Returns where two exported values first differ, for the failure message."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys(), key=str):
            if a.get(key) != b.get(key):
                return _difference(a.get(key), b.get(key), f"{path}.{key}")
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return _difference(x, y, f"{path}[{n}]")
    return f"{path}: {a!r} != {b!r}"


APPS = ("agreements", "duties", "talk", "conduct", "notify")
LEFT_BEHIND = {"Channel", "Outbox", "FeedToken", "VapidKey", "Presence"}
# Columns that hold ids of other rows without being foreign keys: the exports
# compare what they point at.
IDS_INSIDE = {("Comment", "item_id"), ("WeeklyReview", "snapshot")}


def _app_rows() -> dict[str, list]:
    """Every row of the other apps' tables, without ids: people by e-mail,
    dynamics by when they began, other rows they point at left out (their
    contents are compared in the exports)."""

    def value(field, row):
        raw = getattr(row, field.attname)
        if isinstance(field, models.FileField):
            # The stored name is random; the photo itself must come back.
            return raw.open("rb").read() if raw else None
        if not field.is_relation:
            return raw
        if raw is None:
            return None
        if field.related_model is User:
            return User.objects.get(pk=raw).email
        if field.related_model is Dynamic:
            return Dynamic.objects.get(pk=raw).created_at
        return "→"

    rows = {}
    for model in apps.get_models():
        label = model._meta.app_label
        if label not in APPS or model.__name__ in LEFT_BEHIND:
            continue
        fields = [
            f
            for f in model._meta.concrete_fields
            if not f.primary_key and (model.__name__, f.attname) not in IDS_INSIDE
        ]
        rows[model.__name__] = sorted(
            (tuple(value(f, r) for f in fields) for r in model.objects.all()), key=str
        )
    return rows


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


def test_export_holds_no_partner_private_words_and_no_secrets(everything, leader, now):
    archive = zipfile.ZipFile(io.BytesIO(portability.export_zip(leader, now=now)))
    names = set(archive.namelist())
    photos = {n for n in names if n.startswith("files/duties/")}
    assert names - photos == {
        "manifest.json",
        "account.json",
        "dynamics.json",
        "agreements.json",
        "duties.json",
        "talk.json",
        "conduct.json",
        "notify.json",
        "index.html",
    }
    assert [archive.read(n) for n in photos] == [PNG]  # the proof photo, shared
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert b"leader's private words" in everything
    assert b"follower's private words" not in everything
    # Talk: my own private answers and entries, never the partner's.
    assert b"leader's check-in secret" in everything
    assert b"leader's private journal" in everything
    assert b"follower's check-in secret" not in everything
    assert b"follower's private journal" not in everything
    assert b"We laughed a lot" in everything  # the partner's shared entry
    # A channel's address is a credential: only its masked form leaves.
    assert b"alex.alerts@example.org" not in everything
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
    everything, follower, leader, now, client_for
):
    history = everything
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
        "follower's check-in secret",
        "follower's private journal",
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
    from talk.models import CheckIn, JournalEntry

    assert CheckIn.objects.filter(user=leader).exists()
    assert JournalEntry.objects.filter(author=leader).exists()
    assert AuditEntry.objects.filter(dynamic=history, act="member_left").exists()


def test_a_script_downloads_the_export_with_a_read_token(api_client, history, follower):
    response = api_client(follower, "read").get("/api/v1/me/export")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert json.loads(archive.read("account.json"))["account"]["email"] == (
        follower.email
    )
