"""Sessions stored before dates were bounded (e.g. accepted at 9999-12-31T23:30Z)
can't be shown in any time zone east of UTC: cancel them and pull their start
back inside the contract's range (2000-01-01 … 2100-12-31)."""

import datetime as dt

from django.db import migrations

LOW = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
HIGH = dt.datetime(2100, 12, 31, tzinfo=dt.UTC)


def forwards(apps, schema_editor):
    Session = apps.get_model("sessions_app", "Session")
    Booking = apps.get_model("sessions_app", "Booking")
    for bound, q in ((HIGH, {"starts_at__gt": HIGH}), (LOW, {"starts_at__lt": LOW})):
        ids = list(Session.objects.filter(**q).values_list("pk", flat=True))
        if not ids:
            continue
        Booking.objects.filter(session_id__in=ids, status="booked").update(
            status="cancelled", cancelled_at=dt.datetime.now(dt.UTC)
        )
        Session.objects.filter(pk__in=ids).update(
            starts_at=bound, status="cancelled", booked_count=0
        )


class Migration(migrations.Migration):
    dependencies = [("sessions_app", "0002_session_visibility")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
