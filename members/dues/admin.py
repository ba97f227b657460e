from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.shortcuts import redirect

from members.dues import local_rules
from members.dues.models import DuesRate, DuesRounding


class _PrepaidMonthsKept(forms.ModelForm):
    """A row is refused, as on the rules page, when it would reprice a month paid in advance."""

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            error = local_rules.refused_in_the_admin(self.instance)
            if error is not None:
                self.add_error("from_month", error)


class _RuleRowAdmin(admin.ModelAdmin):
    form = _PrepaidMonthsKept

    def get_actions(self, request):
        # Rows are deleted one at a time, each checked against the months paid in advance.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @transaction.atomic  # the check's locks held until the row is deleted
    def delete_view(self, request, object_id, extra_context=None):
        row = self.get_object(request, unquote(object_id))
        if (request.method == "POST" and row is not None
                and self.has_delete_permission(request, row)):
            error = local_rules.refused_in_the_admin(row, delete=True)
            if error is not None:
                self.message_user(request, error.messages[0], messages.ERROR)
                opts = self.opts
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", row.pk)
        return super().delete_view(request, object_id, extra_context)


@admin.register(DuesRate)
class DuesRateAdmin(_RuleRowAdmin):
    list_display = ["node", "category", "from_month", "up_to", "percent", "fixed_amount"]
    list_filter = ["category"]


@admin.register(DuesRounding)
class DuesRoundingAdmin(_RuleRowAdmin):
    list_display = ["node", "from_month", "unit"]
