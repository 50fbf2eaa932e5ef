"""The admin shows the funding books read-only. Every change goes through the services
(pages and API); posted vouchers could not be changed here anyway: the database refuses."""

from django.contrib import admin

from gridgov.admin import ReadOnlyAdmin

from .models import Account, Budget, ExpenseReport, FundingRate, Period, Voucher, VoucherLine


class VoucherLineInline(admin.TabularInline):
    model = VoucherLine
    fields = ["account", "debit_fen", "credit_fen", "memo", "payee"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["label", "date", "kind", "status", "street", "memo", "made_by", "approved_by"]
    list_filter = ["status", "kind", "period__year"]
    list_select_related = ["period", "street", "made_by", "approved_by"]
    inlines = [VoucherLineInline]


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "category", "street"]
    list_filter = ["kind", "category"]
    list_select_related = ["street"]


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    list_display = ["street", "year", "households", "fen_per_household", "amount_fen", "frequency"]
    list_filter = ["year"]
    list_select_related = ["street"]


@admin.register(ExpenseReport)
class ExpenseReportAdmin(ReadOnlyAdmin):
    list_display = ["street", "year", "month", "status", "due_date", "late_since"]
    list_filter = ["status", "year", "month"]
    list_select_related = ["street"]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["year", "month", "status", "next_number", "closed_at"]


@admin.register(FundingRate)
class FundingRateAdmin(ReadOnlyAdmin):
    list_display = ["effective_from", "fen_per_household", "note"]
