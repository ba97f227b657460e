"""Labels in the reader's language that Django's format files do not cover."""
from datetime import date

from django.utils import dateformat
from django.utils.translation import get_language


def month_label(month):
    """A month on a year's axis or table: "1月" in Chinese, "Jan" in English.

    `month` is a month number or a date. Django's "M" reads 一月 in Chinese, which nobody
    writes on a chart, so Chinese keeps its usual digits."""
    number = month.month if isinstance(month, date) else int(month)
    if (get_language() or "zh-hans").startswith("zh"):
        return f"{number}月"
    return dateformat.format(date(2000, number, 1), "M")
