"""Forms of moving members (members/moves.py); the services check the dates against the
records, the forms check what a form alone can."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.normalize import normalize_id_number, normalize_name
from members.models import Member
from members.validators import birth_date_from_id, validate_id_number
from organizations.forms import DateInput
from organizations.models import Node
from organizations.scope import WRITE_ROLES, covers


class TransferOutForm(forms.Form):
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=40)
    destination = forms.CharField(label=_("转入党组织"), max_length=200,
                                  help_text=_("介绍信抬头的接收党组织全称。"))
    sent_on = forms.DateField(label=_("开出日期"), widget=DateInput(),
                              initial=timezone.localdate)

    def clean_letter_number(self):
        return normalize_name(self.cleaned_data["letter_number"])


class ReceiptForm(forms.Form):
    receipt_on = forms.DateField(label=_("回执日期"), widget=DateInput(),
                                 initial=timezone.localdate)
    note = forms.CharField(label=_("回执说明"), max_length=200, required=False)


def writable_branches(user):
    """The active branches whose records the user keeps (staff and secretaries)."""
    branches = Node.objects.shaped_by(user).active().filter(kind=Node.Kind.BRANCH)
    return Node.objects.filter(pk__in=[branch.pk for branch in branches.only("pk", "path")
                                       if covers(user, branch.path, WRITE_ROLES)])


class TransferInForm(forms.Form):
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=40)
    origin = forms.CharField(label=_("原党组织"), max_length=200)
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput(),
                                  initial=timezone.localdate)
    to_branch = forms.ModelChoiceField(queryset=Node.objects.none(), label=_("转入支部"))
    id_number = forms.CharField(label=_("身份证号"), max_length=30,
                                help_text=_("名册中已有此身份证号的党员将被转入本支部，不会重复建档。"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Member.Gender.choices)
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput(), required=False,
                                 help_text=_("留空则按身份证号自动填写。"))
    joined_on = forms.DateField(label=_("入党时间"), widget=DateInput(), required=False,
                                help_text=_("名册中没有此人时必填。"))
    status = forms.ChoiceField(label=_("党员类型"), choices=Member.Status.choices)
    category = forms.ChoiceField(label=_("党员类别"), choices=Member.Category.choices)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_branch"].queryset = writable_branches(user)

    def clean_id_number(self):
        value = normalize_id_number(self.cleaned_data["id_number"])
        validate_id_number(value)
        return value

    def clean_name(self):
        return normalize_name(self.cleaned_data["name"])

    def person(self):
        """The roster fields of a new record, as `moves.transfer_in_create` takes them."""
        data = self.cleaned_data
        person = {name: data[name] for name in ("name", "gender", "id_number", "joined_on",
                                                  "status", "category", "phone")}
        person["birth_date"] = data["birth_date"] or birth_date_from_id(data["id_number"])
        return person


class MobileStayForm(forms.Form):
    destination = forms.CharField(label=_("外出地点"), max_length=200)
    contact = forms.CharField(label=_("联系方式"), max_length=100)
    certificate_number = forms.CharField(label=_("流动党员活动证编号"), max_length=40)
    host_organization = forms.CharField(label=_("流入地党组织"), max_length=200,
                                        help_text=_("在外地负责管理、组织其参加组织生活的党组织。"))
    started_on = forms.DateField(label=_("外出日期"), widget=DateInput(),
                                 initial=timezone.localdate)


class MobileEndForm(forms.Form):
    ended_on = forms.DateField(label=_("返回日期"), widget=DateInput(),
                               initial=timezone.localdate)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("联系日期"), widget=DateInput(),
                                   initial=timezone.localdate)
    way = forms.ChoiceField(label=_("联系方式"), choices=[
        ("电话", _("电话")), ("走访", _("走访")), ("微信", _("微信")), ("来访", _("来访")),
        ("其他", _("其他"))])
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
