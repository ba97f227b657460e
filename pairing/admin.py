from django.contrib import admin

from pairing.models import AgreementArea, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "unit_type", "street", "member_count"]
    list_select_related = ["street"]
    list_filter = ["unit_type"]
    search_fields = ["name"]


@admin.register(AgreementArea)
class AgreementAreaAdmin(admin.ModelAdmin):
    """The 五联/六联 list is data: administrators add or rename areas here."""

    list_display = ["name", "sort_order"]
    list_editable = ["sort_order"]
