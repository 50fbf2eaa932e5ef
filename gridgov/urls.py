from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from dashboard import views as dashboard_views
from gridgov import views as gridgov_views
from gridgov.files import serve_file

urlpatterns = [
    # The grid worker's phone home gathers visits and appeals: a project page, not the tree's.
    path("my/", gridgov_views.worker_home, name="grid-worker-home"),
    path("", include("grids.urls")),
    path("appeals/", include("petitions.urls")),
    path("open311/v2/", include("petitions.open311.urls")),
    path("", include("accounts.urls")),
    path("registry/", include("residents.urls")),
    path("visits/", include("visits.urls")),
    path("assessment/", include("assessment.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("wall/", dashboard_views.wall, name="dashboard-wall"),
    path("wall/data/", dashboard_views.wall_data, name="dashboard-wall-data"),
    path("funding/", include("funding.urls")),
    path("audit/", include("audit.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change, two-factor sign-in, API tokens (accounts/auth_views.py).
    path("account/", include("accounts.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploads: no public /media/; this view checks the viewer's scope (gridgov/files.py).
    path("files/<slug:kind>/<int:pk>/", serve_file, name="file"),
    path("files/<slug:kind>/<int:pk>/thumbnail/", serve_file, {"thumbnail": True}, name="file-thumbnail"),
    path("admin/", admin.site.urls),
    path("api/", include("gridgov.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # A browser without a session goes to the login page; the schema itself answers 401/403.
    # The split view serves Swagger UI's start script as a file: no inline script (CSP).
    path("api/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]
