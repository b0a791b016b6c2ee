"""Uploaded images: checked by their content and stored without metadata.

A photo is trusted by nothing it claims (file name, the browser's type): it is
decoded with Pillow, and only a whole JPEG, PNG, WebP or GIF within the size
and pixel limits passes. It is then encoded again from its pixels, turned
upright as its EXIF orientation said, so that nothing of its metadata is kept:
no GPS location, camera, time or thumbnail leaves the phone with the photo.
"""

import io
import warnings
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from instep.errors import Refused

# Pillow format → file extension. Only these are ever stored.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# A photo from any phone has fewer; a tiny file that claims more is a
# decompression bomb.
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    extension: str
    width: int
    height: int


def clean_image(upload: UploadedFile, *, max_bytes: int, field: str) -> CleanImage:
    """Returns the upload as a freshly encoded image without metadata, upright.

    Raises Refused, on ``field``, for a file that is too large, is not one of
    the accepted formats, or does not decode whole.
    """
    if upload.size is not None and upload.size > max_bytes:
        raise Refused(
            _("The photo is too large (%(mb)s MB at most).")
            % {"mb": max_bytes // (1024 * 1024)},
            field=field,
        )
    wrong = Refused(_("Send a photo as JPEG, PNG, WebP or GIF."), field=field)
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its limit and twice it: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=list(FORMATS)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise Refused(
                        _("The photo has too many pixels; send a smaller one."),
                        field=field,
                    )
                image.load()  # decodes every byte: a truncated file fails here
                return _encode(image)
    except Refused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,  # what Pillow raises for some broken headers
    ) as e:
        raise wrong from e
    finally:
        upload.seek(0)


def _encode(image: Image.Image) -> CleanImage:
    fmt = image.format or ""
    extension = FORMATS[fmt]
    out = io.BytesIO()
    # Only the colour profile goes along: without it colours would shift.
    keep = (
        {"icc_profile": image.info["icc_profile"]}
        if "icc_profile" in image.info
        else {}
    )
    if fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
        # Animated: every frame, with its timing; GIF carries no EXIF.
        image.save(out, "GIF", save_all=True, loop=image.info.get("loop", 0))
        return CleanImage(out.getvalue(), extension, image.width, image.height)
    upright = ImageOps.exif_transpose(image)
    for metadata in ("exif", "xmp", "XML:com.adobe.xmp", "comment"):
        upright.info.pop(metadata, None)
    if fmt == "JPEG":
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90, **keep)
    elif fmt == "WEBP":
        upright.save(out, "WEBP", quality=90, **keep)
    else:
        upright.save(out, fmt, **keep)
    return CleanImage(out.getvalue(), extension, upright.width, upright.height)
