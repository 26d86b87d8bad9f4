"""Staff can look requests up in the Django admin."""

import pytest
from django.test import Client

from .builders import make_request

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/requests_app/sessionrequest/"


@pytest.fixture
def admin_client(staff):
    client = Client()
    client.force_login(staff)
    return client


def test_staff_list_filter_search_and_open_requests(admin_client, learner, mentor):
    pending = make_request(learner, mentor, topic="Find me in admin")
    make_request(learner, mentor, topic="An old no", status="declined")

    response = admin_client.get(CHANGELIST, {"status__exact": "pending"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Find me in admin" in html and "An old no" not in html
    assert "Find me in admin" in admin_client.get(CHANGELIST, {"q": "admin"}).content.decode()
    assert admin_client.get(f"{CHANGELIST}{pending.pk}/change/").status_code == 200


def test_non_staff_cannot_open_the_admin(learner):
    client = Client()
    client.force_login(learner)
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
