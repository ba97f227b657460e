from django.contrib import admin

from members.models import Member


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "status", "category", "joined_on", "left_on"]
    list_select_related = ["branch"]
    list_filter = ["status", "category"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["branch", "group", "grid", "user", "employer_unit"]
