from django.urls import re_path

from . import views

# The format is the resource's extension (.xml or .json), as the spec has it.
urlpatterns = [
    re_path(r"^services\.(?P<fmt>\w+)$", views.service_list, name="open311-services"),
    re_path(r"^services/(?P<code>[\w-]+)\.(?P<fmt>\w+)$", views.service_definition, name="open311-service"),
    re_path(r"^requests\.(?P<fmt>\w+)$", views.requests_view, name="open311-requests"),
    re_path(r"^requests/(?P<pk>\d+)\.(?P<fmt>\w+)$", views.request_detail, name="open311-request"),
    re_path(r"^tokens/(?P<token>[\w-]+)\.(?P<fmt>\w+)$", views.token_detail, name="open311-token"),
]
