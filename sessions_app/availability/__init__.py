"""A mentor's availability (issue #20, points 1-2): weekly hours in the mentor's own
time zone, date overrides, buffer, minimum notice, booking window, instant booking;
and the free slots learners may book.

- `models`: Availability (one per mentor), WeeklyHours, AvailabilityOverride
  (registered with sessions_app through sessions_app/models.py).
- `rules` + `messages`: field rules and their wording (API, admin).
- `services`: writes (replace the weekly hours, add/delete an override).
- `slots`: `free_slots()` (pure: no database) and `mentor_slots()` (3 queries).
- `serializers`, `api`: /api/availability/, /api/availability/overrides/,
  /api/mentors/<id>/slots/ (routes in sessions_app/api_urls.py).

Times of day are stored as minutes after local midnight (0-1440; an end of 1440
is midnight at the end of the day, written "24:00").
"""
