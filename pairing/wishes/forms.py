from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from activities.volunteers.models import Team
from kernel.forms import MemberChoiceField
from kernel.request_params import DayField
from members.validators import validate_phone
from organizations.forms import DateInput
from organizations.models import Grid
from pairing import selectors
from pairing.models import Unit
from pairing.wishes import services
from pairing.wishes.models import TEXT_MAX, TITLE_MAX, Wish


class PlainTextMixin:
    """Residents' text checked as the service checks it, each message next to its field."""

    plain_fields = {"title": TITLE_MAX, "description": TEXT_MAX, "contact_name": 20,
                    "address": 100}
    required_plain = ("title",)

    def clean(self):
        cleaned = super().clean()
        for name, length in self.plain_fields.items():
            if name in self.fields and name in cleaned:
                try:
                    cleaned[name] = services.check_plain_text(
                        cleaned[name], field=name, required=name in self.required_plain,
                        max_length=length)
                except ValidationError as error:
                    self.add_error(None, error)
        if cleaned.get("title") and services.NUMBER_IN_TITLE.search(cleaned["title"]):
            self.add_error("title", _("标题会公开显示在心愿墙上，请不要填写电话号码或证件号码。"))
        return cleaned


class WishFieldsMixin(PlainTextMixin):
    def limit_grid(self, communities):
        self.fields["grid"].queryset = (Grid.objects.filter(community__in=communities,
                                                            archived_at__isnull=True)
                                        .order_by("community", "name"))
        self.fields["contact_phone"].validators.append(validate_phone)
        # Longer text reaches clean() to get the message that counts the characters.
        for name in ("title", "description"):
            field = self.fields[name]
            field.max_length = None
            field.validators = [validator for validator in field.validators
                                if not isinstance(validator, MaxLengthValidator)]
            field.widget.attrs.pop("maxlength", None)
        self.fields["title"].required = False
        self.fields["description"].widget = forms.Textarea(attrs={"rows": 4})


class PublicWishForm(WishFieldsMixin, forms.ModelForm):
    # A honeypot: hidden from people by CSS, filled in by bots; nothing is saved then.
    website = forms.CharField(label=_("网址（请留空）"), required=False)

    class Meta:
        model = Wish
        fields = ["kind", "category", "grid", "title", "description", "contact_name",
                  "contact_phone", "address"]

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.community = community
        self.instance.source = Wish.Source.PUBLIC
        self.limit_grid([community])
        self.fields["grid"].empty_label = _("不清楚 / 全社区")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    def is_bot(self):
        return bool(self.data.get("website"))


class StaffWishForm(WishFieldsMixin, forms.ModelForm):
    community = forms.ModelChoiceField(queryset=None, label=_("社区"), empty_label=None)
    source = forms.ChoiceField(label=_("来源"), choices=[
        choice for choice in Wish.Source.choices if choice[0] != Wish.Source.PUBLIC])

    class Meta:
        model = Wish
        fields = ["community", "source", "kind", "category", "grid", "title", "description",
                  "contact_name", "contact_phone", "address"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communities = selectors.staff_communities(user)
        self.fields["community"].queryset = communities
        self.limit_grid(communities)


class AcceptForm(forms.Form):
    due_on = DayField(label=_("办结时限"), required=False, widget=DateInput(),
                      help_text=_("留空按本社区的时限规则计算。"))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(queryset=None, label=_("合并到"))

    def __init__(self, *args, wish, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (Wish.objects.filter(community=wish.community)
                                        .exclude(pk=wish.pk)
                                        .exclude(status__in=[Wish.Status.MERGED,
                                                             Wish.Status.DECLINED]))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class DispatchForm(forms.Form):
    target = forms.ChoiceField(label=_("派单对象"), choices=Wish.Target.choices,
                               widget=forms.RadioSelect, initial=Wish.Target.OPEN)
    member = MemberChoiceField(queryset=None, label=_("接单党员"), required=False)
    unit = forms.ModelChoiceField(queryset=None, label=_("共建单位"), required=False)
    team = forms.ModelChoiceField(queryset=None, label=_("志愿者服务队"), required=False,
                                  help_text=_("由队长在手机上登记办理结果。"),
                                  error_messages={"invalid_choice": _(
                                      "只能派给本社区未解散的志愿者服务队。")})
    due_on = DayField(label=_("办结时限"), required=False, widget=DateInput(),
                      help_text=_("留空保持受理时的时限。"))

    def __init__(self, *args, wish, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = selectors.members_of([wish.community]).order_by("name_pinyin", "name")
        self.fields["unit"].queryset = (Unit.objects.active()
                                        .filter(communities=wish.community).order_by("name"))
        self.fields["team"].queryset = Team.objects.filter(
            community=wish.community, disbanded_on__isnull=True).order_by("name")


class DoneForm(forms.Form):
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("办了什么、何时办的，居民将看到这段文字。"))


class ConfirmForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("满意度"), coerce=int, widget=forms.RadioSelect,
                                    choices=[(5, _("★★★★★ 非常满意")), (4, _("★★★★ 满意")),
                                             (3, _("★★★ 基本满意")), (2, _("★★ 不太满意")),
                                             (1, _("★ 不满意"))])
    feedback = forms.CharField(label=_("评价（选填）"), required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
