from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import get_user_model
from django.db import transaction

from organizations.login_protection import password_set_record
from organizations.models import CommitteeSeat, Grant, Grid, Node, TermRule

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    def user_change_password(self, request, id, form_url=""):
        """Django's page, plus: a password an administrator sets for someone else must be
        changed at that user's next login (see organizations.login_protection)."""
        user = self.get_object(request, unquote(id))
        password_before = user and user.password
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            # Only a saved form changes the hash; a rejected one re-renders or redirects.
            if request.method == "POST" and user is not None:
                user.refresh_from_db(fields=["password"])
                if user.password != password_before:
                    password_set_record(user=user, set_by=request.user)
        return response


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
