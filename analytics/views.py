"""The Analytics tab (mentor): cards, charts, insights and latest reviews for a period."""

from django.views.decorators.http import require_GET

from accounts.decorators import mentor_required
from core.dashboard import cached_tab, render_tab
from core.errors import DomainError

from . import charts
from .insights import build_insights
from .queries import DEFAULT_PERIOD, PERIODS, analytics, parse_period
from .reliability import reliability


def analytics_context(mentor, period: str) -> dict:
    """The figures (cached until the mentor's data changes), their charts and insights."""
    data = analytics(mentor, period)
    return {
        "a": data,
        "period": period,
        "periods": [(key, label) for key, (label, _days) in PERIODS.items()],
        "cards": charts.cards(data),
        "months": charts.month_bars(data),
        "ratings": charts.rating_bars(data),
        "heatmap": charts.heatmap(data),
        "demand": charts.demand(data),
        "insights": build_insights(data),
        "reliability": reliability(mentor, period),
    }


@mentor_required
@require_GET
@cached_tab
def analytics_tab(request):
    status, period_error = 200, ""
    try:
        period = parse_period(request.GET.get("period"))
    except DomainError as exc:
        status, period_error, period = 400, exc.message, DEFAULT_PERIOD
    context = analytics_context(request.user, period)
    context["period_error"] = period_error
    return render_tab(
        request, "analytics/analytics_tab.html", context, tab="analytics", status=status
    )
