from django.contrib import admin

from pairing.wishes.models import Wish, WishRule


@admin.register(Wish)
class WishAdmin(admin.ModelAdmin):
    list_display = ["title", "community", "grid", "kind", "source", "status", "due_on", "rating"]
    list_filter = ["status", "kind", "source"]
    list_select_related = ["community", "grid"]
    search_fields = ["title"]
    raw_id_fields = ["community", "grid", "duplicate_of", "member", "unit", "need",
                     "recorded_by"]


@admin.register(WishRule)
class WishRuleAdmin(admin.ModelAdmin):
    list_display = ["node", "due_days", "unclaimed_days"]
    list_select_related = ["node"]
