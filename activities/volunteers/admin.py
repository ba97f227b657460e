"""Team kinds are data an administrator adds to (a street's or community's own kinds); teams are
listed for support staff and as the benchmark's reference for the team list."""
from django.contrib import admin

from activities.volunteers.models import Team, TeamKind


@admin.register(TeamKind)
class TeamKindAdmin(admin.ModelAdmin):
    list_display = ["name", "node", "sort_order"]
    list_select_related = ["node"]
    raw_id_fields = ["node"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "kind", "founded_on", "disbanded_on"]
    list_select_related = ["community", "kind"]
    search_fields = ["name"]
    raw_id_fields = ["community", "leader"]
