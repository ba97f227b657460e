from django.contrib import admin

from activities.appraisal.models import AppraisalRule


@admin.register(AppraisalRule)
class AppraisalRuleAdmin(admin.ModelAdmin):
    """Streets and communities override the shipped share of 优秀 here. Ballots and
    participations are deliberately not in the admin."""

    list_display = ["node", "excellent_max_percent"]
