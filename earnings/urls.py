from django.urls import path

from . import views

urlpatterns = [
    path("mentor/dashboard/earnings/", views.earnings_tab, name="earnings_tab"),
    path("mentor/dashboard/earnings/payout/", views.payout_dialog, name="earnings_payout"),
    path("mentor/dashboard/earnings/ledger.csv", views.ledger_csv, name="earnings_ledger_csv"),
]
