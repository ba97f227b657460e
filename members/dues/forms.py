from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.forms import MemberChoiceField
from kernel.request_params import DayField, parse_month
from members.dues import local_rules
from members.dues.models import DuesCategory, DuesPayment
from organizations.forms import DateInput

MONEY = {"max_digits": 10, "decimal_places": 2}


class MonthInput(forms.TextInput):
    input_type = "month"


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (the browser's month picker), read into its first day."""

    widget = MonthInput

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        month = parse_month(value.strip())
        if month is None:
            raise ValidationError(_("请按“2026-11”的格式填写月份。"))
        return month


class BaseForm(forms.Form):
    member = MemberChoiceField(label=_("党员"), queryset=None)
    from_month = MonthField(label=_("起始月份"), help_text=_("每年核定一次；收入变化时从变化的月份起重新核定。"))
    category = forms.ChoiceField(label=_("党费类别"), choices=DuesCategory.choices)
    income = forms.DecimalField(label=_("月计算基数（元）"), required=False, min_value=0,
                                help_text=_("在职：税后固定工资；离退休：离退休费或养老金；其他类别不填。"),
                                **MONEY)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class PaymentForm(forms.Form):
    member = MemberChoiceField(label=_("党员"), queryset=None)
    voluntary = forms.BooleanField(label=_("自愿多交（不计入应交月份）"), required=False)
    first_month = MonthField(label=_("所交月份（起）"), required=False)
    last_month = MonthField(label=_("所交月份（止）"), required=False,
                            help_text=_("只交一个月时可不填；一次交多个月时填写最后一个月。"))
    amount = forms.DecimalField(label=_("金额（元）"), min_value=Decimal("0.01"), **MONEY)
    way = forms.ChoiceField(label=_("交纳方式"), choices=DuesPayment.Way.choices)
    paid_on = DayField(label=_("交纳日期"), widget=DateInput())
    receipt_number = forms.CharField(label=_("收据号"), max_length=40, required=False)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("voluntary") and not cleaned.get("first_month") and \
                "first_month" not in self.errors:
            self.add_error("first_month", _("请填写所交月份。"))
        return cleaned


class CorrectionForm(forms.Form):
    voids = forms.BooleanField(label=_("作废原记录（所交月份恢复为未交）"), required=False)
    amount = forms.DecimalField(label=_("更正金额（元）"), required=False,
                                help_text=_("多记填负数，少记填正数；作废时不填。"), **MONEY)
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class ExceptionForm(forms.Form):
    from_month = MonthField(label=_("起始月份"))
    until_month = MonthField(label=_("截止月份"), required=False, help_text=_("留空表示长期有效。"))
    amount = forms.DecimalField(label=_("每月交纳（元）"), min_value=0, help_text=_("免交填 0。"),
                                **MONEY)
    reason = forms.CharField(label=_("原因"), max_length=200)
    decided_on = DayField(label=_("支部决定日期"), widget=DateInput())
    approved_by = forms.CharField(label=_("批准的上级党组织"), max_length=100)
    approved_on = DayField(label=_("批准日期"), widget=DateInput())


class LedgerImportForm(forms.Form):
    file = forms.FileField(label=_("党费台账（.xlsx）"),
                           help_text=_("请使用下载的模板填写，不超过 20 MB。"))


class LocalRuleForm(forms.Form):
    """A level's 农民党员 amount or rounding (members.dues.local_rules), from a month on."""

    from_month = MonthField(label=_("起始月份"),
                            help_text=_("下个月或以后：本月和已过去月份的应交金额不变。"))

    def __init__(self, *args, rule, **kwargs):
        super().__init__(*args, **kwargs)
        if rule == local_rules.FARMER:
            self.fields["value"] = forms.DecimalField(
                label=local_rules.RULES[rule], min_value=local_rules.FARMER_LOW,
                max_value=local_rules.FARMER_HIGH, decimal_places=2,
                help_text=_("0.2 元至 1 元，按省里的规定。"))
        else:
            self.fields["value"] = forms.TypedChoiceField(
                label=local_rules.RULES[rule], coerce=Decimal, choices=[
                    (Decimal("0.01"), _("四舍五入到分")), (Decimal("0.10"), _("四舍五入到角"))])
