from django.urls import path

from . import api

urlpatterns = [
    path("earnings/", api.EarningsView.as_view(), name="api-earnings"),
    path("payouts/", api.PayoutList.as_view(), name="api-payouts"),
    path("payouts/<int:pk>/", api.PayoutDetail.as_view(), name="api-payout"),
]
