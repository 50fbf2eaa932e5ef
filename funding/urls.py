from django.urls import path

from gridgov.files import serve_file

from . import views

urlpatterns = [
    path("", views.home, name="funding-home"),
    path("budget/", views.budget_vs_actual, name="funding-budget"),
    path("streets/<int:pk>/", views.street_detail, name="funding-street"),
    path("reports/", views.report_list, name="funding-reports"),
    path("reports/new/", views.report_new, name="funding-report-new"),
    path("reports/<int:pk>/", views.report_detail, name="funding-report"),
    path("reports/<int:pk>/print/", views.report_print, name="funding-report-print"),
    # The one file view (gridgov/files.py), under the address receipts always had.
    path("receipts/<int:pk>/", serve_file, {"kind": "receipt"}, name="funding-receipt"),
    path("ledger/", views.ledger, name="funding-ledger"),
    path("ledger/accounts/<int:pk>/", views.account_detail, name="funding-account"),
    path("vouchers/", views.voucher_list, name="funding-vouchers"),
    path("vouchers/<int:pk>/", views.voucher_detail, name="funding-voucher"),
    path("flags/", views.flag_list, name="funding-flags"),
    path("late/", views.late_list, name="funding-late"),
    path("manage/", views.manage, name="funding-manage"),
]
