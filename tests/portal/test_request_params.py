"""kernel/request_params.py: the one reader of ids, years, months, days and tokens, and the
requests of issue 13 that answered 500 before it."""
from datetime import date

import pytest
from django.urls import reverse

from kernel import request_params as params


@pytest.mark.parametrize("raw, expected", [
    ("42", 42), ("007", 7), ("999999999999999999", 999999999999999999),
    ("²", None), ("①", None), ("٣", None), ("１２", None), ("99999999999999999999", None),
    ("0", None), ("-1", None), ("+1", None), (" 1", None), ("1e3", None), ("", None),
    ("1\x00", None), (None, None),
])
def test_parse_id_takes_ascii_digits_that_fit_a_64_bit_column(raw, expected):
    assert params.parse_id(raw) == expected


def test_parse_ids_refuses_the_whole_list_for_one_bad_part():
    assert params.parse_ids("3, 5,") == [3, 5]
    assert params.parse_ids("") == []
    assert params.parse_ids("3,²") is None


@pytest.mark.parametrize("raw, expected", [
    ("2026-11", date(2026, 11, 1)), ("2026-1", date(2026, 1, 1)), ("0001-01", None),
    ("9999-12", None), ("2026-13", None), ("2026-00", None), ("²026-11", None), ("", None),
])
def test_parse_month(raw, expected):
    assert params.parse_month(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("2026-02-28", date(2026, 2, 28)), ("2026-02-30", None), ("0001-01-01", None),
    ("9999-12-31", None), ("2026-1-1", None), ("２０２６-01-01", None), ("2026-01-01\x00", None),
])
def test_parse_day_stays_in_the_portals_calendar(raw, expected):
    assert params.parse_day(raw) == expected


def test_parse_year_and_token():
    assert params.parse_year("2026") == 2026
    assert params.parse_year("²⁰²⁶") is None and params.parse_year("1999") is None
    assert params.parse_token("abc-DEF_123") == "abc-DEF_123"
    assert params.parse_token("a\x00b") is None and params.parse_token("") is None


def test_the_issues_requests_answer_without_a_server_error(world, client_as):
    official = client_as(world.users["official"])
    contributions = reverse("pairing:contribution_list")
    assert official.get(contributions, {"year": "²"}).status_code == 200
    assert official.get(contributions, {"community": "①"}).status_code == 404
    assert official.get(contributions,
                        {"community": "99999999999999999999"}).status_code == 404
    report = official.get(reverse("dashboards:monthly_report", args=[world.community.pk]),
                          {"month": "0001-01"})
    assert report.status_code == 200  # this month's report, as without ?month=
    audit = official.get(reverse("audit:search"),
                         {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert audit.status_code == 200
    assert "日期须在 2000-01-01 至 2100-12-31 之间" in audit.content.decode()
    assert official.get(reverse("activities:meeting_list"), {"page": "-1"}).status_code == 200
    assert official.get(reverse("activities:meeting_list"), {"page": "abc"}).status_code == 200
    assert client_as(None).get("/activities/ical/%00.ics").status_code == 404


def test_no_view_parses_request_values_by_hand():
    """`isdigit()` takes "²"; `int()` and `fromisoformat()` on a request value raise: views
    read ids, years, months, days and pages through kernel/request_params.py."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    by_hand = re.compile(r"\.isdigit\(\)|int\(request\.|fromisoformat\(request\.|"
                         r"get_page\(\s*request\.")
    offenders = [f"{path.relative_to(root)}:{number}"
                 for app in ("kernel", "activities", "members", "organizations", "pairing",
                             "portal")
                 for path in (root / app).rglob("*.py")
                 if "migrations" not in path.parts and path.name != "request_params.py"
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if by_hand.search(line)]
    assert not offenders


def test_dashboard_links_with_unreadable_filters_name_nothing(world, client_as):
    official = client_as(world.users["official"])
    for name in ("dashboards:inspection_list", "dashboards:rectification_list",
                 "dashboards:point_list"):
        url = reverse(name)
        assert official.get(url, {"community": world.community.pk}).status_code == 200
        assert official.get(url, {"community": f"{world.community.pk},²"}).status_code == 404
