"""Profile pictures: only real images, re-encoded, two sizes, old files cleaned up.

The bad-input corpus goes through both the Profile tab form and /api/profile/.
"""

import io
import re
from html import unescape

import pytest
from PIL import Image

from accounts import images
from accounts.models import MentorProfile
from tests.accounts.conftest import stored_files
from tests.accounts.profile_builders import (
    APPENDED_SCRIPT,
    bad_files,
    gps_jpeg,
    image_bytes,
    noisy_jpeg,
    rotated_jpeg,
    upload,
)

pytestmark = pytest.mark.django_db

TAB = "/mentor/dashboard/profile/"
HX = {"HX-Request": "true"}
BAD = bad_files()


def form_data(mentor, **extra) -> dict:
    data = {
        "display_name": "Ann Mentor",
        "headline": "Python mentor",
        "bio": "<p>Hello</p>",
        "expertise": "Python, Django",
        "languages": "English",
        "timezone": mentor.timezone,
        "default_price": "50.00",
        "default_duration_minutes": "60",
    }
    data.update(extra)
    return data


def post_picture(client, mentor, name: str, content: bytes, content_type="image/jpeg"):
    data = form_data(mentor, picture=upload(name, content, content_type))
    return client.post(TAB, data, headers=HX)


def profile_of(user) -> MentorProfile:
    return MentorProfile.objects.get(user=user)


def open_stored(root, rel: str) -> Image.Image:
    return Image.open(root / rel)


@pytest.fixture
def with_picture(mentor_client, mentor, media_root, django_capture_on_commit_callbacks):
    """The mentor already has a picture (so we can check it survives bad uploads)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = post_picture(mentor_client, mentor, "me.jpg", image_bytes())
    assert response.status_code == 200
    profile = profile_of(mentor)
    assert profile.picture and profile.picture_small
    return profile


def test_it_stores_a_512_and_a_96_px_square_jpeg_under_random_names(
    mentor_client, mentor, media_root
):
    response = post_picture(
        mentor_client, mentor, "me.png", image_bytes("PNG", size=(900, 600)), "image/png"
    )

    assert response.status_code == 200
    profile = profile_of(mentor)
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.jpg", profile.picture)
    assert re.fullmatch(r"avatars/[0-9a-f]{32}\.jpg", profile.picture_small)
    assert profile.picture != profile.picture_small
    large, small = (
        open_stored(media_root, profile.picture),
        open_stored(media_root, profile.picture_small),
    )
    assert (large.format, large.size) == ("JPEG", (512, 512))
    assert (small.format, small.size) == ("JPEG", (96, 96))
    assert "me" not in profile.picture
    # The header avatar changes in the same answer (out-of-band swap).
    html = response.content.decode()
    assert f'src="/media/{profile.picture_small}"' in html
    assert 'id="header-avatar" hx-swap-oob="true"' in html


@pytest.mark.parametrize(
    "fmt,mode,content_type",
    [("PNG", "RGBA", "image/png"), ("WEBP", "RGB", "image/webp"), ("JPEG", "L", "image/jpeg")],
)
def test_it_accepts_png_with_alpha_webp_and_greyscale_jpeg(
    mentor_client, mentor, media_root, fmt, mode, content_type
):
    color = (10, 200, 10, 128) if mode == "RGBA" else (10 if mode == "L" else (10, 200, 10))
    content = image_bytes(fmt, mode=mode, color=color)
    response = post_picture(mentor_client, mentor, f"x.{fmt.lower()}", content, content_type)
    assert response.status_code == 200
    assert open_stored(media_root, profile_of(mentor).picture).mode == "RGB"


def test_it_identifies_by_content_not_by_name(mentor_client, mentor, media_root):
    response = post_picture(mentor_client, mentor, "photo.gif", image_bytes("PNG"), "image/gif")
    assert response.status_code == 200
    assert profile_of(mentor).picture


@pytest.mark.parametrize("case", list(BAD))
def test_the_form_rejects_bad_files_and_keeps_the_old_picture(
    mentor_client, mentor, media_root, with_picture, case
):
    name, content, message = BAD[case]
    before = stored_files(media_root)

    response = post_picture(mentor_client, mentor, name, content, "image/png")

    assert response.status_code == 422
    html = unescape(response.content.decode())
    assert message in html
    assert 'id="id_picture"' in html and 'aria-invalid="true"' in html
    assert stored_files(media_root) == before  # nothing new on disk
    profile = profile_of(mentor)
    assert (profile.picture, profile.picture_small) == (
        with_picture.picture,
        with_picture.picture_small,
    )
    # The rest of the form wasn't saved either.
    assert profile.headline == with_picture.headline


@pytest.mark.parametrize("case", list(BAD))
def test_the_api_rejects_bad_files_and_keeps_the_old_picture(
    mentor_api, mentor, media_root, with_picture, case
):
    name, content, message = BAD[case]
    before = stored_files(media_root)

    response = mentor_api.patch(
        "/api/profile/",
        {"picture": upload(name, content), "headline": "Changed"},
        format="multipart",
    )

    assert response.status_code == 400
    assert message in response.json()["picture"][0]
    assert stored_files(media_root) == before
    profile = profile_of(mentor)
    assert profile.picture == with_picture.picture
    assert profile.headline != "Changed"


def test_a_30_megapixel_image_is_refused_below_pillows_own_error_threshold(
    mentor_client, mentor, media_root
):
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 25_000_000  # set explicitly
    # 6000 × 5000 = 30 MP: Pillow alone would only warn (its error starts at 2× the limit).
    out = io.BytesIO()
    Image.new("1", (6000, 5000)).save(out, format="PNG")
    response = post_picture(mentor_client, mentor, "big.png", out.getvalue(), "image/png")
    assert response.status_code == 422
    assert "25 megapixels" in response.content.decode()
    assert stored_files(media_root) == []


def test_bytes_appended_after_the_jpeg_end_marker_are_not_stored(mentor_api, mentor, media_root):
    original = noisy_jpeg() + APPENDED_SCRIPT
    response = mentor_api.patch(
        "/api/profile/", {"picture": upload("x.jpg", original, "image/jpeg")}, format="multipart"
    )

    assert response.status_code == 200
    profile = profile_of(mentor)
    for rel in (profile.picture, profile.picture_small):
        stored = (media_root / rel).read_bytes()
        assert b"<script" not in stored
        assert stored.endswith(b"\xff\xd9")  # ends at the JPEG end marker
        Image.open(io.BytesIO(stored)).load()


def test_gps_exif_is_stripped(mentor_client, mentor, media_root):
    original = gps_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the source has GPS

    response = post_picture(mentor_client, mentor, "holiday.jpg", original)

    assert response.status_code == 200
    profile = profile_of(mentor)
    for rel in (profile.picture, profile.picture_small):
        stored = open_stored(media_root, rel)
        assert "exif" not in stored.info
        assert len(stored.getexif()) == 0
        assert b"SpyCam" not in (media_root / rel).read_bytes()


def test_exif_orientation_is_applied_before_cropping(mentor_client, mentor, media_root):
    response = post_picture(mentor_client, mentor, "phone.jpg", rotated_jpeg())

    assert response.status_code == 200
    large = open_stored(media_root, profile_of(mentor).picture).convert("RGB")
    left, right = large.getpixel((40, 256)), large.getpixel((470, 256))
    top, bottom = large.getpixel((256, 40)), large.getpixel((256, 470))
    # Upright: the photo's top (red) is now on the right, its bottom (blue) on the left.
    assert left[2] > 200 and left[0] < 60
    assert right[0] > 200 and right[2] < 60
    assert top == pytest.approx(bottom, abs=30)


def test_replacing_the_picture_deletes_the_old_files_after_commit(
    mentor_client, mentor, media_root, with_picture, django_capture_on_commit_callbacks
):
    old = {with_picture.picture, with_picture.picture_small}

    with django_capture_on_commit_callbacks(execute=True):
        response = post_picture(mentor_client, mentor, "new.jpg", noisy_jpeg())

    assert response.status_code == 200
    profile = profile_of(mentor)
    assert not old & {profile.picture, profile.picture_small}
    assert stored_files(media_root) == sorted(
        p.split("/")[1] for p in (profile.picture, profile.picture_small)
    )


def test_remove_picture_falls_back_to_initials_and_deletes_files(
    mentor_client, mentor, media_root, with_picture, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(f"{TAB}picture/remove/", headers=HX)

    assert response.status_code == 200
    profile = profile_of(mentor)
    assert (profile.picture, profile.picture_small) == ("", "")
    assert stored_files(media_root) == []
    html = response.content.decode()
    assert "Picture removed" in html
    assert 'id="header-avatar" hx-swap-oob="true"' in html
    assert ">AM<" in html  # initials of "Ann Mentor"
    assert "profile-picture-changed" in response["HX-Trigger"]


def test_a_failed_save_leaves_no_new_files(mentor, media_root, monkeypatch):
    from accounts import profile_services

    def explode(self, *args, **kwargs):
        raise RuntimeError("database went away")

    picture = images.process_picture(upload("x.jpg", image_bytes(), "image/jpeg"))
    monkeypatch.setattr(MentorProfile, "save", explode)
    with pytest.raises(RuntimeError):
        profile_services.update_profile(mentor, {}, picture=picture)
    assert stored_files(media_root) == []


def test_the_api_removes_the_picture_with_null(
    mentor_api, mentor, media_root, with_picture, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_api.patch("/api/profile/", {"picture": None}, format="json")
    assert response.status_code == 200
    assert response.json()["picture_url"] is None
    assert profile_of(mentor).picture == ""
    assert stored_files(media_root) == []


def test_uploaded_pictures_are_served_with_their_type_and_nosniff(
    mentor_client, learner_client, mentor, media_root, with_picture
):
    response = learner_client.get(f"/media/{with_picture.picture}")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")


@pytest.mark.parametrize(
    "path", ["avatars/../../settings.py", "avatars/missing.jpg", "avatars/x.svg", "avatars/x.html"]
)
def test_the_media_view_refuses_other_paths_and_types(anon_client, media_root, path):
    (media_root / "avatars").mkdir(exist_ok=True)
    (media_root / "avatars" / "x.svg").write_text("<svg/>")
    (media_root / "avatars" / "x.html").write_text("<script></script>")
    assert anon_client.get(f"/media/{path}").status_code == 404


def test_the_demo_mentor_gets_a_generated_picture_once(media_root):
    from accounts.demo import seed_accounts

    users = seed_accounts()
    profile = profile_of(users["mentor"])
    assert profile.picture == "avatars/demo-mentor.jpg"
    assert open_stored(media_root, profile.picture).size == (512, 512)
    seed_accounts()
    assert stored_files(media_root) == ["demo-mentor-96.jpg", "demo-mentor.jpg"]
    assert profile_of(users["mentor2"]).picture == ""


def test_seeding_keeps_a_picture_the_demo_mentor_chose(media_root):
    from accounts.demo import seed_accounts

    users = seed_accounts()
    MentorProfile.objects.filter(user=users["mentor"]).update(picture="avatars/own.jpg")
    seed_accounts()
    assert profile_of(users["mentor"]).picture == "avatars/own.jpg"
