from django.contrib import admin

from members.models import (Member, MoveRule, PointsEntry, PointsRule, Post, PostClaim,
                            Registration, TransferIn, TransferOut)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "branch", "status", "category", "joined_on", "left_on"]
    list_select_related = ["branch"]
    list_filter = ["status", "category"]
    # Lower-case pinyin or initials as a prefix, as the roster's search box (kernel/pinyin.py).
    search_fields = ["name", "^name_pinyin", "^name_initials", "phone"]
    raw_id_fields = ["branch", "group", "grid", "user", "employer_unit"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "capacity", "archived_at"]
    list_select_related = ["community"]
    raw_id_fields = ["community", "grid"]


@admin.register(PostClaim)
class PostClaimAdmin(admin.ModelAdmin):
    list_display = ["member", "post", "status", "claimed_at"]
    list_select_related = ["member", "post"]
    raw_id_fields = ["member", "post", "decided_by"]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["member", "community", "unit", "status"]
    list_select_related = ["member", "community", "unit"]
    raw_id_fields = ["member", "community", "unit", "decided_by"]


@admin.register(PointsRule)
class PointsRuleAdmin(admin.ModelAdmin):
    list_display = ["item", "node", "points", "yearly_cap"]
    raw_id_fields = ["node"]


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    list_display = ["member", "item", "points", "occurred_on", "reason"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "created_by"]


@admin.register(MoveRule)
class MoveRuleAdmin(admin.ModelAdmin):
    """Where a street or community overrides the move rules (docs/RULES.md)."""

    list_display = ["node", "receipt_due_days", "lost_contact_months",
                    "lost_excluded_from_quorum"]
    list_select_related = ["node"]
    raw_id_fields = ["node"]


@admin.register(TransferOut)
class TransferOutAdmin(admin.ModelAdmin):
    list_display = ["member", "letter_number", "destination", "sent_on", "receipt_on"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "from_branch", "recorded_by"]


@admin.register(TransferIn)
class TransferInAdmin(admin.ModelAdmin):
    list_display = ["member", "letter_number", "origin", "received_on", "outcome"]
    list_select_related = ["member"]
    raw_id_fields = ["member", "to_branch", "recorded_by"]
