"""Requests accepted or asked for before dates were bounded (e.g. 9999-12-31T23:30Z)
can't be shown east of UTC: pull their times back inside 2000-01-01 … 2100-12-31."""

import datetime as dt

from django.db import migrations

LOW = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
HIGH = dt.datetime(2100, 12, 31, tzinfo=dt.UTC)


def forwards(apps, schema_editor):
    SessionRequest = apps.get_model("requests_app", "SessionRequest")
    for name in ("scheduled_at", "last_preferred_at"):
        SessionRequest.objects.filter(**{f"{name}__gt": HIGH}).update(**{name: HIGH})
        SessionRequest.objects.filter(**{f"{name}__lt": LOW}).update(**{name: LOW})


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
