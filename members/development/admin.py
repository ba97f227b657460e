from django.contrib import admin

from members.development.models import Candidate, DevelopmentRule, StepRecord


@admin.register(DevelopmentRule)
class DevelopmentRuleAdmin(admin.ModelAdmin):
    """Where a street or community overrides a time limit of the 细则 (docs/RULES.md)."""

    list_display = ["code", "node", "value"]
    list_filter = ["code"]
    autocomplete_fields = ["node"]


@admin.register(Candidate)
class CandidateAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "stage", "applied_on", "meeting_on", "approved_on"]
    list_select_related = ["branch"]
    list_filter = ["stage"]
    search_fields = ["name", "^name_pinyin", "^name_initials"]
    raw_id_fields = ["branch", "member", "contacts", "introducers"]


@admin.register(StepRecord)
class StepRecordAdmin(admin.ModelAdmin):
    list_display = ["candidate", "code", "done_on", "responsible"]
    list_select_related = ["candidate"]
    raw_id_fields = ["candidate", "recorded_by"]
