from django.contrib import admin

from pairing.models import Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_type", "street", "member_count"]
    list_select_related = ["street"]
    list_filter = ["unit_type"]
    search_fields = ["name"]
