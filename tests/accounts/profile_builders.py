"""Image files for the picture tests (built in memory with Pillow)."""

import io
import os
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image


def image_bytes(
    fmt: str = "JPEG", size=(640, 480), color=(200, 30, 30), mode="RGB", **save
) -> bytes:
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def noisy_jpeg(size=(400, 400)) -> bytes:
    image = Image.effect_noise(size, 80).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    return image_bytes("JPEG", exif=exif)


def rotated_jpeg() -> bytes:
    """200×100, top half red, bottom half blue, EXIF orientation 6 (rotate 90° CW)."""
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (0, 50, 200, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95, exif=exif)
    return out.getvalue()


@cache
def bomb_png() -> bytes:
    """20000 × 20000 pixels (400 MP) that compress to a few dozen KB."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000), 0).save(out, format="PNG", optimize=False)
    return out.getvalue()


@cache
def six_mb_png() -> bytes:
    """A real PNG just over 6 MB (random pixels don't compress)."""
    side = 1450
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    data = out.getvalue()
    assert len(data) > 6 * 1024 * 1024
    return data


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)
APPENDED_SCRIPT = b"<script>alert('appended')</script>"


def bad_files() -> dict[str, tuple[str, bytes, str]]:
    """name → (file name, content, a fragment of the expected error)."""
    jpeg = noisy_jpeg()
    return {
        "text renamed .png": (
            "notes.png",
            b"just some text, not an image\n" * 20,
            "isn't a JPEG, PNG or WebP",
        ),
        "svg": ("logo.svg", SVG, "isn't a JPEG, PNG or WebP"),
        "gif": ("anim.gif", image_bytes("GIF", mode="P", color=3), "isn't a JPEG, PNG or WebP"),
        "truncated jpeg": ("cut.jpg", jpeg[: len(jpeg) // 2], "damaged or incomplete"),
        "20000x20000 png": ("bomb.png", bomb_png(), "25 megapixels"),
        "6 MB file": ("big.png", six_mb_png(), "the limit is 5 MB"),
    }


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
