"""One way to read ids, years, months, days, page numbers and tokens from a request.

Query strings and URL tokens are typed by whoever sends the request. `str.isdigit()` accepts
"²" and "①", which `int()` refuses; an id of twenty digits overflows a 64-bit column; year 1
and year 9999 overflow the day arithmetic of the pages that show the previous and next month;
a NUL byte is refused by PostgreSQL itself. Views therefore never call `int()`,
`date.fromisoformat()` or `isdigit()` on a request value: they call these functions.

- `parse_*` take the raw string and answer the value, or None for anything else (absent,
  empty, malformed or out of range), never an exception.
- `DayField` is the form field for a date a filter or report form reads: the same range, with
  the form's error outside it.
- `*_param` read a query parameter: an id that is present but unreadable answers 404 (it names
  nothing the user may see); a year, month or day that is unreadable or out of range falls
  back to the page's default, as a page opened without it would show.
"""
import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

# ASCII digits only (\d would accept "٣"), and few enough to fit a 64-bit column.
_ID = re.compile(r"[0-9]{1,18}", re.ASCII)
_YEAR = re.compile(r"[0-9]{4}", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Tokens the portal hands out (secrets.token_urlsafe, signed check-in codes).
_TOKEN = re.compile(r"[A-Za-z0-9_:.-]{1,128}", re.ASCII)

# The calendar the portal's pages can show: far enough on both sides for any record, near
# enough that a month or a week either side still exists.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


def parse_id(raw):
    """"42" → 42; anything but 1 to 18 ASCII digits (a positive 64-bit id) → None."""
    if isinstance(raw, str) and _ID.fullmatch(raw) and int(raw) > 0:
        return int(raw)
    return None


def parse_ids(raw):
    """"3,5" → [3, 5]; "" → []; None when any part is not an id."""
    parts = [part.strip() for part in (raw or "").split(",") if part.strip()]
    ids = [parse_id(part) for part in parts]
    return None if None in ids else ids


def parse_year(raw, earliest=EARLIEST_DAY.year, latest=LATEST_DAY.year):
    if isinstance(raw, str) and _YEAR.fullmatch(raw) and earliest <= int(raw) <= latest:
        return int(raw)
    return None


def parse_month(raw):
    """"2026-11" → date(2026, 11, 1) between EARLIEST_DAY and LATEST_DAY, else None."""
    match = _MONTH.fullmatch(raw) if isinstance(raw, str) else None
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        return None
    return date(year, month, 1)


def parse_day(raw):
    """"2026-11-21" → that date between EARLIEST_DAY and LATEST_DAY, else None."""
    if not isinstance(raw, str) or not _DAY.fullmatch(raw):
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:  # 2026-02-30
        return None
    return day if EARLIEST_DAY <= day <= LATEST_DAY else None


def parse_token(raw):
    """A token as the portal writes them (URL-safe characters, no NUL), else None."""
    return raw if isinstance(raw, str) and _TOKEN.fullmatch(raw) else None


def id_param(request, name):
    """?name=<id> → the id; None when absent or empty; 404 when it is anything else."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise Http404
    return value


def ids_param(request, name):
    """?name=3,5 → [3, 5]; [] when absent or empty; 404 when a part is not an id."""
    value = parse_ids(request.GET.get(name, ""))
    if value is None:
        raise Http404
    return value


def year_param(request, name, default, earliest=EARLIEST_DAY.year, latest=LATEST_DAY.year):
    value = parse_year(request.GET.get(name), earliest, latest)
    return default if value is None else value


def month_param(request, name, default):
    value = parse_month(request.GET.get(name))
    return default if value is None else value


def day_param(request, name, default=None):
    value = parse_day(request.GET.get(name))
    return default if value is None else value


# Control characters (NUL among them) are nothing anyone types into a search box.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SEARCH_LENGTH = 50


def search_param(request, name="q"):
    """?q=<text> as typed into a search box: control characters removed, trimmed, at most
    SEARCH_LENGTH characters; "" when absent."""
    return _CONTROL.sub("", request.GET.get(name, ""))[:SEARCH_LENGTH].strip()


def page_param(request, name="page"):
    """The page number for Paginator.get_page: a positive id or 1 (get_page clamps the rest)."""
    return parse_id(request.GET.get(name)) or 1


def validate_day_in_range(day):
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(_("日期须在 %(earliest)s 至 %(latest)s 之间。"), code="out_of_range",
                              params={"earliest": EARLIEST_DAY.isoformat(),
                                      "latest": LATEST_DAY.isoformat()})


class DayField(forms.DateField):
    """A date a list, search or report is narrowed by: the portal's calendar only, so a day
    or a month either side of it always exists."""
    default_validators = [validate_day_in_range]


def local_path_param(request, name="next"):
    """A path of this site to go back to (posted or in the query string), or "": no other
    site, no scheme, no control or invisible characters (a header cannot carry them)."""
    value = request.POST.get(name) or request.GET.get(name) or ""
    if (value.startswith("/") and not value.startswith(("//", "/\\")) and len(value) <= 2000
            and value.isprintable()
            and url_has_allowed_host_and_scheme(value, allowed_hosts=None)):
        return value
    return ""
