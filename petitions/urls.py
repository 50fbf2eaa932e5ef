from django.urls import path

from . import views

urlpatterns = [
    path("", views.appeals_home, name="appeals-home"),
    path("all/", views.appeal_list, name="appeal-list"),
    path("queue/", views.appeal_queue, name="appeal-queue"),
    path("inbox/", views.appeal_inbox, name="appeal-inbox"),
    path("verify/", views.appeal_verify_queue, name="appeal-verify"),
    path("return-visits/", views.appeal_return_visits, name="appeal-return-visits"),
    path("hotline/", views.hotline_intake, name="appeal-hotline"),
    path("hotline/caller/", views.hotline_caller, name="appeal-hotline-caller"),
    path("hotline/address/", views.hotline_address, name="appeal-hotline-address"),
    path("report/", views.grid_report, name="appeal-report"),
    path("supervision/", views.supervision_board, name="supervision-board"),
    path("supervision/export.xlsx", views.supervision_export, name="supervision-export"),
    path("supervision/slips/<int:pk>/<slug:action>/", views.slip_act, name="slip-act"),
    path("<int:pk>/slip/", views.slip_issue, name="appeal-slip-issue"),
    path("<int:pk>/", views.appeal_detail, name="appeal-detail"),
    path("<int:pk>/act/<slug:action>/", views.appeal_act, name="appeal-act"),
    path("<int:pk>/reveal/", views.appeal_reveal, name="appeal-reveal"),
]
