from django.contrib import admin

from members.dues.models import DuesRate, DuesRounding


@admin.register(DuesRate)
class DuesRateAdmin(admin.ModelAdmin):
    list_display = ["node", "category", "from_month", "up_to", "percent", "fixed_amount"]
    list_filter = ["category"]


@admin.register(DuesRounding)
class DuesRoundingAdmin(admin.ModelAdmin):
    list_display = ["node", "from_month", "unit"]
