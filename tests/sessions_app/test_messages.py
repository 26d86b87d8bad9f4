"""One catalogue: the dialog, the API, the service and the admin say the same thing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import escape

from core.errors import DomainError
from sessions_app import messages as msg
from sessions_app import services
from sessions_app.models import Session

from .test_api import payload
from .test_views import HX, form_data

pytestmark = pytest.mark.django_db

MESH = settings.LIVE_MESH_LIMIT
# (field, bad value as typed, the catalogue's message)
CASES = [
    ("title", "", msg.TITLE_REQUIRED),
    ("title", "x" * 201, msg.TITLE_TOO_LONG),
    ("topic", "x" * 101, msg.TOPIC_TOO_LONG),
    ("duration_minutes", "ten", msg.DURATION_NOT_WHOLE),
    ("duration_minutes", "0", msg.DURATION_TOO_SHORT),
    ("duration_minutes", "600", msg.DURATION_TOO_LONG),
    ("capacity", "0", msg.CAPACITY_TOO_SMALL),
    ("capacity", str(MESH + 1), msg.capacity_above_mesh(MESH)),
    ("price", "-5", msg.PRICE_NEGATIVE),
    ("price", "abc", msg.PRICE_INVALID),
    ("price", "1.005", msg.PRICE_DECIMALS),
]


@pytest.mark.parametrize("field, value, message", CASES)
def test_the_dialog_and_the_api_refuse_bad_input_with_the_same_message(
    mentor_client, mentor_api, field, value, message
):
    page = mentor_client.post(
        "/mentor/dashboard/sessions/new/", form_data(**{field: value}), headers=HX
    )
    assert page.status_code == 422
    assert escape(message) in page.content.decode()
    api = mentor_api.post("/api/sessions/", payload(**{field: value}), format="json")
    assert api.status_code == 400
    assert api.json() == {field: [message]}
    assert not Session.objects.exists()


def test_a_start_in_the_past_reads_the_same_everywhere(mentor_client, mentor_api, mentor):
    page = mentor_client.post(
        "/mentor/dashboard/sessions/new/", form_data(date="2001-01-01"), headers=HX
    )
    assert page.status_code == 422 and msg.STARTS_IN_PAST in page.content.decode()
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    api = mentor_api.post("/api/sessions/", payload(starts_at=past), format="json")
    assert api.json() == {"starts_at": [msg.STARTS_IN_PAST]}
    with pytest.raises(DomainError) as caught:
        services.create_session(mentor, title="Late", starts_at=timezone.now())
    assert (caught.value.field, caught.value.message) == ("starts_at", msg.STARTS_IN_PAST)
    assert not Session.objects.exists()


def test_the_admin_validators_are_the_same_rules(mentor):
    session = Session(
        mentor=mentor,
        title="Admin",
        starts_at=timezone.now() + timedelta(days=1),
        duration_minutes=600,
        capacity=MESH + 1,
        price=-1,
    )
    with pytest.raises(ValidationError) as caught:
        session.full_clean()
    errors = caught.value.message_dict
    assert errors["duration_minutes"] == [msg.DURATION_TOO_LONG]
    assert errors["capacity"] == [msg.capacity_above_mesh(MESH)]
    assert errors["price"] == [msg.PRICE_NEGATIVE]


def test_an_edit_below_the_booked_seats_is_refused_in_the_dialog_and_the_api(
    mentor_client, mentor_api, mentor, learner, other_learner
):
    from .builders import make_booking, make_session

    session = make_session(mentor, capacity=3)
    make_booking(session, learner)
    make_booking(session, other_learner)
    expected = msg.capacity_below_booked(2)
    url = f"/mentor/dashboard/sessions/{session.pk}/edit/"
    page = mentor_client.post(url, form_data(capacity="1"), headers=HX)
    assert page.status_code == 422 and escape(expected) in page.content.decode()
    api = mentor_api.patch(f"/api/sessions/{session.pk}/", {"capacity": 1}, format="json")
    assert api.json() == {"capacity": [expected]}
    session.refresh_from_db()
    assert session.capacity == 3
