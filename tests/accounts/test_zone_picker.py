"""The Profile tab's time-zone picker, server side: friendly labels over IANA ids,
the id is what is stored and what the API shows, anything else is refused on the field."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from accounts.models import User
from accounts.profile_services import timezone_choices, timezone_names
from tests.accounts.test_profile_pictures import form_data

pytestmark = pytest.mark.django_db

TAB = "/mentor/dashboard/profile/"
HX = {"HX-Request": "true"}


def options(html: str) -> dict[str, str]:
    """value → visible label of every zone option."""
    found = re.findall(
        r'<option value="([^"]+)" data-country="[^"]*"(?: selected)?>([^<]*)</option>', html
    )
    return {value: unescape(label) for value, label in found}


def test_the_picker_lists_friendly_labels_with_the_zone_id_as_value(mentor_client):
    html = mentor_client.get(TAB).content.decode()
    zones = options(html)
    assert zones["America/Sao_Paulo"] == "São Paulo (GMT−3)"
    assert zones["Asia/Kolkata"] == "Kolkata (GMT+5:30)"
    assert 'data-country="Brazil"' in html  # searchable by country
    assert "data-zone-picker" in html and "js/zone-picker.js" in html
    assert len(zones) == len(timezone_names())


def test_every_listed_zone_has_its_own_label():
    labels = [z["label"] for _, zones in timezone_choices() for z in zones]
    assert len(labels) == len(set(labels))  # legacy aliases ("Asia/Calcutta") left out
    assert "Asia/Calcutta" not in timezone_names()


def test_saving_the_picked_zone_id_stores_it_and_shows_the_friendly_name(
    mentor_client, mentor, mentor_api
):
    response = mentor_client.post(TAB, form_data(mentor, timezone="America/Sao_Paulo"), headers=HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert User.objects.get(pk=mentor.pk).timezone == "America/Sao_Paulo"
    assert 'value="America/Sao_Paulo" data-country="Brazil" selected>São Paulo (GMT−3)<' in html
    assert "<dd>São Paulo (GMT−3)</dd>" in html  # the preview card
    assert re.search(r"Saved at \d\d:\d\d GMT−3\.", html)  # never "-03"
    assert mentor_api.get("/api/profile/").json()["timezone"] == "America/Sao_Paulo"


@pytest.mark.parametrize(
    "typed,message",
    [
        ("São Paulo (GMT−3)", "isn't a known time zone"),  # a label is not an id
        ("sao", "isn't a known time zone"),
        ("posix/America/Sao_Paulo", "isn't a known time zone"),
        ("", "This field is required"),
    ],
)
def test_a_value_that_is_not_a_zone_is_refused_next_to_the_field(
    mentor_client, mentor, typed, message
):
    response = mentor_client.post(TAB, form_data(mentor, timezone=typed), headers=HX)
    assert response.status_code == 422
    html = unescape(response.content.decode())
    error = re.search(r'<p id="id_timezone-error"[^>]*>([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert 'aria-describedby="id_timezone-help id_timezone-error"' in html
    assert f'data-zone-typed="{typed}"' in html  # the picker shows what was typed
    assert User.objects.get(pk=mentor.pk).timezone == "Europe/Berlin"


def test_the_api_still_takes_and_gives_the_iana_id(mentor_api, mentor):
    bad = mentor_api.patch("/api/profile/", {"timezone": "São Paulo (GMT−3)"}, format="json")
    assert bad.status_code == 400 and "timezone" in bad.json()
    good = mentor_api.patch("/api/profile/", {"timezone": "Asia/Kolkata"}, format="json")
    assert good.status_code == 200 and good.json()["timezone"] == "Asia/Kolkata"
    assert User.objects.get(pk=mentor.pk).timezone == "Asia/Kolkata"


def test_the_listed_offsets_are_those_in_force_at_the_time():
    def berlin(at):
        zones = dict(timezone_choices(at=at))["Europe"]
        return next(z["label"] for z in zones if z["id"] == "Europe/Berlin")

    # 29 Mar 2026, 01:00 UTC: Berlin moves from GMT+1 to GMT+2.
    before = datetime(2026, 3, 29, 0, 59, tzinfo=UTC)
    assert berlin(before) == "Berlin (GMT+1)"
    assert berlin(before + timedelta(minutes=1)) == "Berlin (GMT+2)"
