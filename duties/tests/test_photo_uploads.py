"""Proof photos through the page: checked by content, size capped, no location."""

from datetime import timedelta
from http import HTTPStatus

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duties import services
from duties.models import Occurrence
from duties.tests.factories import task_spec
from instep.tests.images import GPS_IFD, exif_of, jpeg_with_gps, png

H = timedelta(hours=1)
MB = 1024 * 1024


@pytest.fixture
def photo_task(agreement, dynamic, leader, now, settings, tmp_path):
    """An open task of the follower's that needs a photo; uploads go to tmp."""
    settings.MEDIA_ROOT = tmp_path
    duty = services.create_duty(
        leader, dynamic.pk, spec=task_spec(now + 2 * H, needs_photo=True), now=now
    )
    return duty.occurrences.get()


def _send(client, occ: Occurrence, content: bytes, name: str = "photo.jpg", now=None):
    url = reverse("duties:complete", args=[occ.dynamic_id, occ.pk])
    with time_machine.travel(now, tick=False):
        return client.post(
            url, {"photo": SimpleUploadedFile(name, content, "image/jpeg")}
        )


def test_follower_sends_a_phone_photo_and_its_location_is_not_kept(
    photo_task, follower, client_for, now, tmp_path
):
    response = _send(client_for(follower), photo_task, jpeg_with_gps(), now=now + H)
    assert response.status_code == HTTPStatus.SEE_OTHER
    photo_task.refresh_from_db()
    stored = (tmp_path / "private" / photo_task.proof_photo.name).read_bytes()
    assert stored.startswith(b"\xff\xd8\xff")
    assert not exif_of(stored).get_ifd(GPS_IFD)


def test_follower_sends_a_png_named_jpg_and_it_is_kept_as_png(
    photo_task, follower, client_for, now
):
    _send(client_for(follower), photo_task, png(), "holiday.jpg", now=now + H)
    photo_task.refresh_from_db()
    assert photo_task.proof_photo.name.endswith(".png")


def test_follower_sends_a_text_file_named_jpg_and_is_told_what_to_send(
    photo_task, follower, client_for, now
):
    response = _send(client_for(follower), photo_task, b"hello", now=now + H)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"Send a photo as JPEG, PNG, WebP or GIF." in response.content
    photo_task.refresh_from_db()
    assert photo_task.done_at is None and not photo_task.proof_photo


def test_follower_sends_an_11_mb_photo_and_is_told_the_limit(
    photo_task, follower, client_for, now
):
    big = jpeg_with_gps() + b"\0" * (10 * MB)
    response = _send(client_for(follower), photo_task, big, now=now + H)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"The photo is too large (10 MB at most)." in response.content
    photo_task.refresh_from_db()
    assert photo_task.done_at is None


def test_follower_sends_a_20_mb_photo_and_gets_a_clear_page_not_an_error(
    photo_task, follower, client_for, now
):
    huge = jpeg_with_gps() + b"\0" * (20 * MB)
    response = _send(client_for(follower), photo_task, huge, now=now + H)
    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert b"Instep takes at most 11 MB at once" in response.content
    photo_task.refresh_from_db()
    assert photo_task.done_at is None
