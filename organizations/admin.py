from django.contrib import admin

from organizations.models import CommitteeSeat, Grant, Grid, Node, TermRule


@admin.register(Node)
class NodeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "org_type", "path", "archived_at"]
    list_filter = ["kind", "org_type"]
    search_fields = ["name"]
    readonly_fields = ["path"]


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "keeper"]
    list_select_related = ["community"]
    search_fields = ["name"]


@admin.register(CommitteeSeat)
class CommitteeSeatAdmin(admin.ModelAdmin):
    list_display = ["person_name", "role", "node", "term_start", "term_end", "ended_on"]
    list_select_related = ["node"]
    list_filter = ["role"]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "node", "granted_at"]
    list_select_related = ["user", "node"]
    list_filter = ["role"]
    autocomplete_fields = ["user", "node"]


@admin.register(TermRule)
class TermRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "years", "node"]
