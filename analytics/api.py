"""GET /api/analytics/?period=30d|90d|365d|all (mentor): the tab's figures as JSON."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import IsMentor

from . import queries
from .insights import build_insights
from .queries import DEFAULT_PERIOD, PERIODS, parse_period
from .reliability import reliability
from .serializers import AnalyticsSerializer


@extend_schema(
    parameters=[
        OpenApiParameter("period", str, enum=list(PERIODS), default=DEFAULT_PERIOD),
    ],
    responses=AnalyticsSerializer,
)
@api_view(["GET"])
@permission_classes([IsMentor])
def analytics(request: Request) -> Response:
    period = parse_period(request.query_params.get("period"))  # DomainError → 400
    data = queries.analytics(request.user, period)  # cached until the mentor's data changes
    payload = data.as_dict()
    payload["reliability"] = reliability(request.user, period).as_dict()
    payload["insights"] = [{"text": i["text"], "rule": i["rule"]} for i in build_insights(data)]
    return Response(payload)
