"""core.formatting's one date style and friendly zone names, and their template filters."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone

from core import formatting
from core.formatting import (
    day_label,
    gmt_offset,
    time_label,
    when_label,
    zone_abbrev,
    zone_label,
)

SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
WINTER = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def render(source: str, **context) -> str:
    return engines["django"].from_string("{% load formatting %}" + source).render(context)


@pytest.mark.parametrize(
    "zone,label",
    [
        ("America/Sao_Paulo", "São Paulo (GMT−3)"),
        ("Asia/Kolkata", "Kolkata (GMT+5:30)"),
        ("Asia/Calcutta", "Kolkata (GMT+5:30)"),  # a legacy alias reads as its city
        ("Asia/Kathmandu", "Kathmandu (GMT+5:45)"),
        ("Europe/London", "London (GMT+0)"),
        ("UTC", "UTC"),
        ("Etc/UTC", "UTC"),
        ("Etc/GMT+3", "GMT−3"),  # POSIX sign: three hours *behind* GMT
    ],
)
def test_zone_label_names_the_city_and_the_offset(zone, label):
    assert zone_label(zone, WINTER) == label


def test_zone_label_uses_a_real_minus_sign():
    label = zone_label("America/New_York", WINTER)
    assert label == "New York (GMT\u22125)"
    assert "-" not in label


def test_zone_label_follows_daylight_saving_time():
    assert zone_label("Europe/Berlin", SUMMER) == "Berlin (GMT+2)"
    assert zone_label("Europe/Berlin", WINTER) == "Berlin (GMT+1)"
    assert zone_label("America/New_York", SUMMER) == "New York (GMT−4)"
    assert zone_label("America/New_York", WINTER) == "New York (GMT−5)"
    # The southern hemisphere's summer is in January.
    assert zone_label("Australia/Sydney", WINTER) == "Sydney (GMT+11)"
    assert zone_label("Australia/Sydney", SUMMER) == "Sydney (GMT+10)"


def test_zone_label_defaults_to_the_offset_in_force_now():
    berlin = datetime.now(ZoneInfo("Europe/Berlin"))
    expected = "Berlin (GMT+2)" if berlin.utcoffset() == timedelta(hours=2) else "Berlin (GMT+1)"
    assert zone_label("Europe/Berlin") == expected


def test_zone_label_leaves_an_unknown_name_as_it_is():
    assert zone_label("Mars/Olympus_Mons") == "Mars/Olympus_Mons"


def test_zone_country_is_the_cldr_country():
    assert formatting.zone_country("America/Sao_Paulo") == "Brazil"
    assert formatting.zone_country("Asia/Calcutta") == "India"
    assert formatting.zone_country("UTC") == ""


def test_gmt_offset_shows_half_and_quarter_hours():
    assert gmt_offset(timedelta(hours=-3)) == "GMT−3"
    assert gmt_offset(timedelta(hours=-3, minutes=-30)) == "GMT−3:30"
    assert gmt_offset(timedelta(hours=12, minutes=45)) == "GMT+12:45"
    assert gmt_offset(timedelta()) == "GMT+0"


def test_zone_abbrev_replaces_numeric_abbreviations_only():
    assert WINTER.astimezone(SAO_PAULO).tzname() == "-03"  # what Django's "T" would show
    assert zone_abbrev(WINTER.astimezone(SAO_PAULO)) == "GMT−3"
    assert zone_abbrev(WINTER.astimezone(ZoneInfo("Asia/Kathmandu"))) == "GMT+5:45"
    assert zone_abbrev(WINTER.astimezone(ZoneInfo("Europe/Berlin"))) == "CET"
    assert zone_abbrev(SUMMER.astimezone(ZoneInfo("America/New_York"))) == "EDT"
    assert zone_abbrev(WINTER.astimezone(ZoneInfo("Asia/Kolkata"))) == "IST"
    assert zone_abbrev(WINTER.astimezone(UTC)) == "UTC"


def test_dates_read_in_the_house_style():
    when = datetime(2026, 10, 20, 17, 0, tzinfo=UTC)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    assert day_label(when, SAO_PAULO) == "Tue 20 Oct 2026"
    assert day_label(date(2026, 10, 4)) == "Sun 4 Oct 2026"  # no leading zero
    assert when_label(when, SAO_PAULO, now=now) == "Tue 20 Oct, 14:00"
    assert when_label(when, SAO_PAULO, zone=True, now=now) == "Tue 20 Oct, 14:00 GMT−3"
    assert time_label(when, SAO_PAULO) == "14:00"
    assert time_label(when, ZoneInfo("Europe/Berlin"), zone=True) == "19:00 CEST"


def test_when_label_shows_the_year_only_when_it_is_not_this_year():
    when = datetime(2027, 10, 20, 17, 0, tzinfo=UTC)
    assert when_label(when, SAO_PAULO, now=datetime(2026, 12, 1, tzinfo=UTC)) == (
        "Wed 20 Oct 2027, 14:00"
    )
    assert when_label(when, SAO_PAULO, now=datetime(2027, 1, 1, 12, tzinfo=UTC)) == (
        "Wed 20 Oct, 14:00"
    )
    # "This year" is the viewer's: 1 Jan 01:00 UTC is still New Year's Eve in São Paulo.
    new_year = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)
    assert when_label(new_year, SAO_PAULO, now=datetime(2026, 12, 31, 12, tzinfo=UTC)) == (
        "Thu 31 Dec, 22:00"
    )


def test_the_filters_use_the_active_time_zone_and_the_current_year():
    this_year = timezone.now().year
    ours = datetime(this_year, 10, 20, 17, 0, tzinfo=UTC)
    later = datetime(this_year + 1, 10, 20, 17, 0, tzinfo=UTC)
    with timezone.override(SAO_PAULO):
        html = render(
            "{{ a|when_label }}|{{ a|when_label:'zone' }}|{{ b|when_label }}|{{ a|day_label }}"
            "|{{ a|time_label }}|{{ a|time_label:'zone' }}|{{ a|zone_abbrev }}|{{ z|zone_label }}",
            a=ours,
            b=later,
            z="America/Sao_Paulo",
        )
    day = f"{ours.astimezone(SAO_PAULO):%a} 20 Oct"
    next_day = f"{later.astimezone(SAO_PAULO):%a} 20 Oct {this_year + 1}"
    assert html.split("|") == [
        f"{day}, 14:00",
        f"{day}, 14:00 GMT−3",
        f"{next_day}, 14:00",
        f"{day} {this_year}",
        "14:00",
        "14:00 GMT−3",
        "GMT−3",
        "São Paulo (GMT−3)",
    ]


def test_the_filters_render_nothing_for_a_missing_value():
    assert (
        render("[{{ x|when_label }}{{ x|day_label }}{{ x|time_label }}{{ x|zone_label }}]") == "[]"
    )


def test_the_current_time_tag_feeds_the_filters():
    with timezone.override(ZoneInfo("Asia/Kolkata")):
        html = render("{% current_time as now %}{{ now|time_label:'zone' }}")
    assert html.endswith(" IST") and len(html) == len("14:00 IST")


def test_an_old_request_age_reads_as_a_house_style_day():
    from requests_app.templatetags.requests_extras import age

    old = timezone.now() - timedelta(days=60)
    with timezone.override(SAO_PAULO):
        assert age(old) == day_label(old, SAO_PAULO)
    assert age(timezone.now() - timedelta(minutes=5)) == "5 min ago"
