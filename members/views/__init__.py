"""Views of the members app, one module per concept; urls.py imports them from here."""
from members.views.accounts import (account_reissue, accounts_page, accounts_print,
                                    accounts_sms, activate)
from members.views.imports import (export, export_for_import, import_confirm,
                                   import_failed_rows, import_preview, import_sample,
                                   import_template, import_upload)
from members.views.own import (me, my_claim, my_large_text, my_points, my_posts,
                               my_registration)
from members.views.points import (points_adjust, points_ranking, points_rule_edit, points_rules)
from members.views.posts import (claim_approve, claim_decline, claim_record_month, post_assign,
                                 post_board, post_create, post_detail, post_edit,
                                 post_seed_standard, registration_create, registration_decide,
                                 registration_list)
from members.views.roster import (member_convert, member_create, member_detail,
                                  member_duplicates, member_edit,
                                  member_extend, member_leave, member_restore, member_reveal_id,
                                  member_transfer, probation_due, roster)

__all__ = [
    "account_reissue", "accounts_page", "accounts_print", "accounts_sms", "activate",
    "claim_approve", "claim_decline", "claim_record_month", "export", "export_for_import",
    "import_confirm", "import_failed_rows", "import_preview", "import_sample", "import_template",
    "import_upload",
    "me", "member_convert", "member_create", "member_detail", "member_duplicates",
    "member_edit", "member_extend",
    "member_leave", "member_restore", "member_reveal_id", "member_transfer", "my_claim",
    "my_large_text", "my_points", "my_posts", "my_registration", "points_adjust", "points_ranking",
    "points_rule_edit", "points_rules",
    "post_assign", "post_board", "post_create", "post_detail", "post_edit", "post_seed_standard",
    "probation_due", "registration_create", "registration_decide", "registration_list", "roster",
]
