"""Rules are edited by an administrator: meeting frequencies and reminder lead times per node."""
from django.contrib import admin

from activities.models import Delivery, Meeting, MeetingKind, MeetingRule, ReminderRule


@admin.register(MeetingKind)
class MeetingKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order"]
    readonly_fields = ["code"]

    def has_add_permission(self, request):
        return False  # the codes are fixed in code; only names and order are data

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    """For support staff; also the reference the benchmark compares the meeting list with."""

    list_display = ["topic", "branch", "starts_at", "status"]
    list_filter = ["status"]
    list_select_related = ["branch"]
    search_fields = ["topic"]
    raw_id_fields = ["branch", "group", "created_by"]


@admin.register(MeetingRule)
class MeetingRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "node", "period", "minimum"]
    list_filter = ["kind", "period"]
    autocomplete_fields = ["node"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ["lead_minutes", "node"]
    autocomplete_fields = ["node"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["kind", "recipient", "channel", "status", "attempts", "created_at", "sent_at",
                    "error"]
    list_filter = ["status", "channel"]
    search_fields = ["kind", "recipient__username"]

    def has_change_permission(self, request, obj=None):
        return False
