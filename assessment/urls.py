from django.urls import path, register_converter

from . import views


class PeriodLabel:
    """A month (2026-05) or a quarter (2026-Q2); `services.period_bounds` checks the rest."""

    regex = r"\d{4}-(?:\d{2}|Q[1-4])"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PeriodLabel, "period")

urlpatterns = [
    path("", views.assessment_home, name="assessment-home"),
    path("rules/", views.rules, name="assessment-rules"),
    path("score/", views.score, name="assessment-score"),
    path("<period:label>.xlsx", views.export, name="assessment-export"),
    path("<period:label>/recompute/", views.recompute, name="assessment-recompute"),
    path("<period:label>/units/<slug:kind>/<int:pk>/", views.unit_scorecard, name="assessment-unit"),
    path(
        "<period:label>/units/<slug:kind>/<int:pk>/appeals/<slug:count>/",
        views.unit_appeals,
        name="assessment-unit-appeals",
    ),
    path("<period:label>/staff/<int:pk>/", views.staff_scorecard, name="assessment-staff"),
    path("<period:label>/staff/<int:pk>/reports/", views.staff_reports, name="assessment-staff-reports"),
]
