"""Profile pictures: accept only real JPEG/PNG/WebP, re-encode, store two sizes.

Uploads are never stored as sent. The bytes are identified by content (not
the file name), checked against size and pixel limits before being decoded,
decoded fully (a truncated file fails here), turned upright by their EXIF
orientation, centre-cropped to a square and re-encoded from pixels only. The
re-encode is what drops EXIF/GPS, colour-profile tricks and anything appended
after the image's end marker.
"""

from __future__ import annotations

import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp")
LARGE_SIZE = 512
SMALL_SIZE = 96
SUBDIR = "avatars"

# Pillow only *warns* between MAX_IMAGE_PIXELS and twice that; we also turn the
# warning into an error below, and check width × height ourselves first.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class PictureError(DomainError):
    def __init__(self, message: str):
        super().__init__(message, field="picture")


@dataclass(frozen=True)
class ProcessedPicture:
    large: bytes  # 512 × 512 JPEG
    small: bytes  # 96 × 96 JPEG


def _read_limited(upload) -> bytes:
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PictureError(f"This file is {size / 1024 / 1024:.1f} MB; the limit is 5 MB.")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PictureError("This file is larger than 5 MB, the limit.")
    if not data:
        raise PictureError("The file is empty.")
    return data


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PictureError(f"This image is {width} × {height} pixels; the limit is 25 megapixels.")
    return image


def process_picture(upload) -> ProcessedPicture:
    """Validate an uploaded file and return the re-encoded square versions.

    Raises PictureError (field "picture") for anything that is not a complete
    JPEG, PNG or WebP of at most 5 MB and 25 megapixels. Nothing is written.
    """
    data = _read_limited(upload)
    not_an_image = PictureError("This file isn't a JPEG, PNG or WebP image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _open(data).verify()  # structure check; the object is unusable afterwards
            image = _open(data)
            image.load()  # decodes everything: truncated files fail here
            image = ImageOps.exif_transpose(image)
    except PictureError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PictureError("This image has too many pixels; the limit is 25 megapixels.") from exc
    except UnidentifiedImageError as exc:
        raise not_an_image from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise PictureError("This image is damaged or incomplete; try exporting it again.") from exc

    image = _flatten(image)
    square = ImageOps.fit(image, (LARGE_SIZE, LARGE_SIZE), Image.Resampling.LANCZOS)
    small = square.resize((SMALL_SIZE, SMALL_SIZE), Image.Resampling.LANCZOS)
    return ProcessedPicture(large=_encode(square), small=_encode(small))


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white (JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=/icc_profile= arguments: the output carries pixels only.
    image.save(out, format="JPEG", quality=86, optimize=True, progressive=True)
    return out.getvalue()


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def store_picture(picture: ProcessedPicture) -> tuple[str, str]:
    """Write both sizes under new random names; return their MEDIA_ROOT-relative paths."""
    folder = media_root() / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for payload in (picture.large, picture.small):
        name = f"{SUBDIR}/{secrets.token_hex(16)}.jpg"
        with open(media_root() / name, "xb") as handle:  # "x": never overwrite
            handle.write(payload)
        names.append(name)
    return names[0], names[1]


def delete_pictures(*paths: str) -> None:
    """Remove stored files (missing ones are fine); only inside MEDIA_ROOT/avatars."""
    root = (media_root() / SUBDIR).resolve()
    for rel in paths:
        if not rel:
            continue
        path = (media_root() / rel).resolve()
        if path.parent != root:
            continue
        path.unlink(missing_ok=True)
