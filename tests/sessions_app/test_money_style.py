"""One money style on the learner's pages too (#18 point 6): "USD 1,234.50", never "1234.50 USD"."""

import re
from decimal import Decimal

from django.urls import reverse

from accounts.models import MentorProfile
from tests.sessions_app.builders import make_session

OLD_STYLE = re.compile(r"\d\.\d\d\s*USD")
NEW_STYLE = "USD\u00a01,234.50"


def test_catalogue_and_mentor_page_show_amounts_in_the_house_style(mentor, learner_client):
    MentorProfile.objects.filter(user=mentor).update(default_price=Decimal("1234.50"))
    make_session(mentor, price=Decimal("1234.50"))
    for url in (reverse("catalog"), reverse("mentor_detail", args=[mentor.pk])):
        html = learner_client.get(url).content.decode()
        assert NEW_STYLE in html, url
        assert not OLD_STYLE.search(html), url
