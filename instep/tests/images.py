"""Real images for tests, made by Pillow."""

import io

from PIL import Image

# EXIF tags: the GPS block, and the orientation.
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def png(size: tuple[int, int] = (8, 8), colour=(200, 120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(
    size: tuple[int, int] = (40, 20), orientation: int | None = None
) -> bytes:
    """Returns a JPEG whose EXIF holds a GPS location (and an orientation)."""
    image = Image.new("RGB", size, (30, 90, 160))
    image.paste((250, 250, 250), (0, 0, size[0] // 2, size[1]))  # left half white
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (52.0, 22.0, 7.0), 3: "E", 4: (4.0, 53.0, 32.0)}
    )
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def exif_of(content: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(content)) as image:
        return image.getexif()
