"""Root URLs: each app brings its pages (urls.py) and API (api_urls.py)."""

from importlib import import_module

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import media

APPS = [
    "accounts",
    "notifications",
    "policies",
    "sessions_app",
    "requests_app",
    "earnings",
    "analytics",
    "live",
]


def _optional(app: str, module: str) -> list:
    try:
        return import_module(f"{app}.{module}").urlpatterns
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{module}":
            raise
        return []


api_patterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api_docs"),
]
for _app in APPS:
    api_patterns += _optional(_app, "api_urls")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(api_patterns)),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media.serve_media, name="media"),
]
for _app in APPS:
    urlpatterns += _optional(_app, "urls")

if settings.BENCH_ENDPOINTS:  # benchmark servers only (make bench)
    from mentorhub import bench_views

    urlpatterns += [
        path("bench/floor/", bench_views.floor, name="bench_floor"),
        path("bench/notify/", bench_views.bench_notify, name="bench_notify"),
    ]
