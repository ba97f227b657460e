"""Checks of Chinese resident ID numbers (GB 11643) and mobile phone numbers."""
import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kernel.normalize import normalize_id_number

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_check_char(first17):
    return ID_CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def birth_date_from_id(id_number):
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def validate_id_number(value):
    value = normalize_id_number(value)
    if len(value) != 18:
        raise ValidationError(_("身份证号应为18位。"), code="id_length")
    if not re.fullmatch(r"\d{17}[\dX]", value):
        raise ValidationError(_("身份证号前17位应为数字，最后一位为数字或X。"), code="id_chars")
    born = birth_date_from_id(value)
    if born is None or born > date.today() or born.year < 1900:
        raise ValidationError(_("身份证号中的出生日期无效。"), code="id_birth")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位不正确，请核对。"), code="id_check")


def validate_phone(value):
    value = (value or "").strip()
    if re.fullmatch(r"1[3-9]\d{9}", value):
        return
    if re.fullmatch(r"0\d{2,3}-?\d{7,8}", value):
        return
    raise ValidationError(_("请输入11位手机号码或带区号的固定电话。"), code="phone")


def mask_id_number(value):
    if not value or len(value) < 10:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:]
