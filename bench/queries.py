"""Print SQL queries per request for each tab and API list (JSON), for one database.

Run with DATABASE_URL pointing at a seeded bench database.
"""

import json
import os
import sys

import django

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorhub.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.tokens import issue_tokens  # noqa: E402

# The test client's host name ("testserver") is not an allowed host in production settings.
settings.ALLOWED_HOSTS.append("testserver")
urls = json.loads(sys.argv[1])
user = User.objects.get(username="bench_mentor")
refresh, access = issue_tokens(user)
page = Client()
page.cookies[settings.JWT_ACCESS_COOKIE] = str(access)
api = APIClient()
api.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
result = {}
for name, url, kind in urls:
    client = api if kind == "api" else page
    headers = {"HX-Request": "true"} if kind == "fragment" else {}
    client.get(url, headers=headers)  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    result[name] = {"queries": len(ctx.captured_queries), "status": response.status_code}
print(json.dumps(result))
