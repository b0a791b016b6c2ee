"""manage.py backup and restore: a round trip gives back the data and photos."""

import json
import tarfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import User
from dynamics import services
from dynamics.models import Dynamic, Signal
from instep import backup

# The backup reads the database from outside the test's transaction (pg_dump
# is another process): the rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    photo = settings.MEDIA_ROOT / "private" / "proof" / "1" / "photo.png"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"a proof photo")
    return photo


def test_owner_backs_up_changes_things_and_restore_brings_them_back(
    dynamic, leader, follower, now, media, tmp_path
):
    services.send_signal(follower, dynamic.pk, "yellow", now=now)
    archive = tmp_path / "backups" / "instep.tar.gz"
    assert f"Backed up to {archive}" in _run("backup", "--output", str(archive))
    assert archive.stat().st_mode & 0o077 == 0  # only its owner may read it

    # After the backup: a dynamic ends, a signal goes, a photo is deleted.
    services.end_dynamic(leader, dynamic.pk, now=now)
    Signal.objects.all().delete()
    media.unlink()
    (media.parent / "later.png").write_bytes(b"after the backup")

    assert "Restored the backup" in _run("restore", str(archive), "--force")
    dynamic = Dynamic.objects.get(pk=dynamic.pk)
    assert dynamic.state == Dynamic.State.ACTIVE
    assert list(Signal.objects.values_list("kind", flat=True)) == ["yellow"]
    assert set(User.objects.values_list("email", flat=True)) == {
        leader.email,
        follower.email,
    }
    assert media.read_bytes() == b"a proof photo"
    assert not (media.parent / "later.png").exists()


def test_restore_over_a_database_with_people_needs_force(
    dynamic, leader, media, tmp_path
):
    archive = tmp_path / "b.tar.gz"
    _run("backup", "--output", str(archive))
    services.end_dynamic(leader, dynamic.pk, now=dynamic.created_at)
    with pytest.raises(CommandError, match="already holds 2 people.*--force"):
        _run("restore", str(archive))
    assert Dynamic.objects.get(pk=dynamic.pk).state == Dynamic.State.ENDED


def test_restore_into_an_empty_database_needs_no_force(
    dynamic, leader, follower, media, tmp_path
):
    archive = tmp_path / "b.tar.gz"
    _run("backup", "--output", str(archive))
    User.objects.all().delete()  # as on a freshly migrated instance
    _run("restore", str(archive))
    assert User.objects.filter(pk=leader.pk).exists()
    assert Dynamic.objects.filter(pk=dynamic.pk).exists()


def test_restore_refuses_a_file_that_is_no_backup(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="is not an Instep backup"):
        _run("restore", str(junk), "--force")
    with pytest.raises(CommandError, match="There is no backup at"):
        _run("restore", str(tmp_path / "missing.tar.gz"))


def test_restore_refuses_a_backup_of_the_other_database_engine(db, tmp_path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest = tmp_path / backup.MANIFEST
    manifest.write_text(json.dumps({"format": backup.FORMAT, "engine": other}))
    archive = tmp_path / "other.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(manifest, backup.MANIFEST)
    with pytest.raises(CommandError, match=f"This backup is of a {other} database"):
        _run("restore", str(archive), "--force")
