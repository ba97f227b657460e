from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.utils.translation import gettext_lazy as _

from kernel.forms import MemberChoiceField
from kernel.normalize import normalize_name
from organizations import occupants
from organizations.models import CommitteeSeat, Grant, Grid, Node
from organizations.scope import Role


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NodeForm(forms.ModelForm):
    class Meta:
        model = Node
        fields = ["name", "org_type", "founded_on", "address", "phone", "sort_order"]
        widgets = {"founded_on": DateInput()}

    def __init__(self, *args, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = kind
        if kind != Node.Kind.COMMUNITY:
            del self.fields["org_type"]
        else:
            self.fields["org_type"].required = True


class NodeMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(queryset=Node.objects.none(), label=_("新的上级组织"))

    def __init__(self, *args, node, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.node = node
        parent_kind = Node.PARENT_KIND[node.kind]
        self.fields["new_parent"].queryset = (
            Node.objects.shaped_by(user).active().filter(kind=parent_kind)
            .exclude(pk=node.parent_id).exclude(path__startswith=node.path)
        )


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)


class SeatForm(forms.ModelForm):
    class Meta:
        model = CommitteeSeat
        fields = ["role", "person_name", "member", "duty", "term_start", "term_end", "ended_on"]
        field_classes = {"member": MemberChoiceField}
        widgets = {"term_start": DateInput(), "term_end": DateInput(), "ended_on": DateInput()}
        help_texts = {"term_end": _("留空则按任期规则自动计算（支部3年，社区党组织5年）。")}

    def __init__(self, *args, node, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.node = node
        self.fields["term_end"].required = False
        self.fields["member"].queryset = occupants.roster().seat_candidates(user, node)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("term_start") and not cleaned.get("term_end"):
            cleaned["term_end"] = CommitteeSeat.default_term_end(self.instance.node,
                                                                 cleaned["term_start"])
            self.instance.term_end = cleaned["term_end"]
        return cleaned


class GridForm(forms.ModelForm):
    class Meta:
        model = Grid
        fields = ["name", "description", "keeper"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community

    def clean_name(self):
        # The form leaves out `community`, so ModelForm skips the (community, name) constraint.
        name = self.cleaned_data["name"]
        if Grid.objects.filter(community=self.instance.community, name=name) \
                .exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("本社区已有同名网格。"))
        return name


class AccountForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150,
                               help_text=_("登录用，字母、数字或 @/./+/-/_。"))
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    role = forms.ChoiceField(label=_("角色"),
                             choices=[(Role.COMMUNITY_STAFF, Role.COMMUNITY_STAFF.label),
                                      (Role.BRANCH_SECRETARY, Role.BRANCH_SECRETARY.label)])
    node = forms.ModelChoiceField(queryset=Node.objects.none(), label=_("所在组织"),
                                  help_text=_("社区工作人员选社区，支部书记选支部。"))
    password1 = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, community, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = (
            Node.objects.managed_by_staff(user).active()
            .filter(path__startswith=community.path,
                    kind__in=[Node.Kind.COMMUNITY, Node.Kind.BRANCH])
        )

    def clean_full_name(self):
        return normalize_name(self.cleaned_data.get("full_name"))

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用。"))
        get_user_model().username_validator(username)
        return username

    def clean(self):
        cleaned = super().clean()
        node, role = cleaned.get("node"), cleaned.get("role")
        if node and role and node.kind != Grant.ROLE_NODE_KIND[role]:
            self.add_error("node", _("%(role)s须选择%(kind)s。") % {
                "role": Role(role).label, "kind": Node.Kind(Grant.ROLE_NODE_KIND[role]).label})
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif first:
            probe = get_user_model()(username=cleaned.get("username", ""),
                                     first_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
