"""Uploaded photos: judged by their content, stored without their metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from instep import images
from instep.errors import Refused
from instep.tests.images import GPS_IFD, ORIENTATION, exif_of, jpeg_with_gps, png

MB = 1024 * 1024


def _upload(content: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _clean(content: bytes, name: str = "photo.jpg") -> images.CleanImage:
    return images.clean_image(_upload(content, name), max_bytes=10 * MB, field="photo")


def test_a_phone_photo_loses_its_gps_location_and_camera():
    original = jpeg_with_gps()
    assert exif_of(original).get_ifd(GPS_IFD)  # the test photo has a location
    clean = _clean(original)
    exif = exif_of(clean.content)
    assert clean.extension == "jpg"
    assert not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif  # nor the camera
    assert b"PhoneMaker" not in clean.content


def test_a_sideways_photo_is_stored_upright_without_the_orientation_tag():
    # Orientation 6: the camera was turned; viewers rotate it 90° clockwise.
    clean = _clean(jpeg_with_gps(size=(40, 20), orientation=6))
    assert (clean.width, clean.height) == (20, 40)
    assert ORIENTATION not in exif_of(clean.content)
    with Image.open(io.BytesIO(clean.content)) as upright:
        # The white left half of the sensor is now the top half.
        assert upright.getpixel((10, 5))[0] > 200
        assert upright.getpixel((10, 35))[0] < 100


def test_a_png_named_jpg_is_kept_as_the_png_it_is():
    clean = _clean(png(), "holiday.jpg")
    assert clean.extension == "png"
    assert clean.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "content",
    [
        b"just some text, named .jpg",
        b"\xff\xd8\xff\xe0" + b"\0" * 200,  # a JPEG's first bytes, nothing after
        png()[:40],  # a photo cut off in transit
        b"",
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
    ids=["text", "jpeg-magic-only", "truncated-png", "empty", "svg"],
)
def test_anything_but_a_whole_photo_is_refused_with_a_message(content):
    with pytest.raises(Refused, match="JPEG, PNG, WebP or GIF") as refused:
        _clean(content)
    assert refused.value.field == "photo"


def test_a_file_over_the_cap_is_refused_before_it_is_decoded():
    with pytest.raises(Refused, match="too large \\(10 MB at most\\)"):
        _clean(b"\xff\xd8\xff" + b"\0" * (10 * MB + 1))


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")  # a tiny file, 144 Mpx
    assert len(out.getvalue()) < MB
    with pytest.raises(Refused):
        _clean(out.getvalue())


def test_an_animated_gif_keeps_its_frames():
    frames = [Image.new("RGB", (4, 4), (80 * i, 0, 0)) for i in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)
    clean = _clean(out.getvalue(), "loop.gif")
    with Image.open(io.BytesIO(clean.content)) as gif:
        assert clean.extension == "gif" and gif.n_frames == 3
