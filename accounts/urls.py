from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("reveal-log/", views.reveal_log, name="reveal-log"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
]
