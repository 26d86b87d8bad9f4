"""Serve uploaded pictures with an explicit type and nosniff (also under Daphne)."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils._os import safe_join

ALLOWED_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


def serve_media(request, path: str):
    ext = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    content_type = ALLOWED_TYPES.get(ext)
    if content_type is None:
        raise Http404
    try:
        full = safe_join(str(settings.MEDIA_ROOT), path)
        handle = open(full, "rb")  # noqa: SIM115 - FileResponse closes it
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
