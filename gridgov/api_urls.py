from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, NotificationViewSet
from assessment import api as assessment_api
from dashboard import api as dashboard_api
from funding import api as funding_api
from grids.api import AssignmentViewSet, BaseMapView, DepartmentViewSet, GridNodeViewSet, LocateView
from petitions.api import AppealViewSet, ModuleViewSet, SlipViewSet
from residents import api as residents_api
from visits import api as visits_api

router = DefaultRouter()
router.register("grids/nodes", GridNodeViewSet, basename="gridnode")
router.register("grids/departments", DepartmentViewSet, basename="department")
router.register("grids/assignments", AssignmentViewSet, basename="assignment")
router.register("appeals/modules", ModuleViewSet, basename="api-appeal-module")
router.register("appeals/slips", SlipViewSet, basename="api-slip")
router.register("appeals", AppealViewSet, basename="api-appeal")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("residents/categories", residents_api.CategoryViewSet, basename="category")
router.register("residents/households", residents_api.HouseholdViewSet, basename="household")
router.register("residents/residents", residents_api.ResidentViewSet, basename="resident")
router.register("residents/tags", residents_api.TagViewSet, basename="residenttag")
router.register("residents/buildings", residents_api.BuildingViewSet, basename="building")
router.register("residents/organisations", residents_api.OrganisationViewSet, basename="organisation")
router.register("visits/campaigns", visits_api.CampaignViewSet, basename="api-visit-campaign")
router.register("visits/assignments", visits_api.AssignmentViewSet, basename="api-visit-assignment")
router.register("visits/visits", visits_api.VisitViewSet, basename="api-visit")
router.register("visits/diary", visits_api.DiaryViewSet, basename="api-visit-diary")
router.register("visits/proxy-services", visits_api.ProxyServiceViewSet, basename="api-visit-proxy-service")
router.register("assessment/periods", assessment_api.PeriodViewSet, basename="api-assessment-period")
router.register("assessment/unit-scores", assessment_api.UnitScoreViewSet, basename="api-assessment-unit-score")
router.register("assessment/staff-scores", assessment_api.StaffScoreViewSet, basename="api-assessment-staff-score")
router.register("funding/rates", funding_api.FundingRateViewSet, basename="funding-rate")
router.register("funding/budgets", funding_api.BudgetViewSet, basename="funding-budget")
router.register("funding/accounts", funding_api.AccountViewSet, basename="funding-account")
router.register("funding/vouchers", funding_api.VoucherViewSet, basename="funding-voucher")
router.register("funding/periods", funding_api.PeriodViewSet, basename="funding-period")
router.register("funding/reports", funding_api.ExpenseReportViewSet, basename="funding-report")

urlpatterns = [
    path("me/", MeView.as_view(), name="api-me"),
    path("stats/summary/", dashboard_api.SummaryView.as_view(), name="api-stats-summary"),
    path("stats/case-map/", dashboard_api.CaseMapView.as_view(), name="api-stats-case-map"),
    path("grids/locate/", LocateView.as_view(), name="api-locate"),
    path("grids/basemap/", BaseMapView.as_view(), name="api-basemap"),
    path("residents/areas/", residents_api.AreasView.as_view(), name="api-registry-areas"),
    path("visits/due/", visits_api.DueVisitsView.as_view(), name="api-visits-due"),
    path("funding/review-queue/", funding_api.ReviewQueueView.as_view(), name="api-funding-queue"),
    path("funding/late-reports/", funding_api.LateReportsView.as_view(), name="api-funding-late"),
    path("funding/budget-vs-actual/", funding_api.BudgetVsActualView.as_view(), name="api-funding-budget-vs-actual"),
    path("funding/flags/", funding_api.FlagsView.as_view(), name="api-funding-flags"),
    path("funding/trial-balance/", funding_api.TrialBalanceView.as_view(), name="api-funding-trial-balance"),
    *router.urls,
]
