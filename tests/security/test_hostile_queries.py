"""Hostile query strings on every page of the access-matrix registry, as every role it admits.

Each page is opened once while recording which query parameters it reads; then every such
parameter (and `page`) is sent again with each hostile value: Unicode digits that pass
`str.isdigit()` and fail `int()`, integers beyond 64 bits, dates in year 1 and 9999, NUL bytes.
No answer may be a server error. SQLite accepts a NUL inside a string parameter where
PostgreSQL refuses it, so the database here refuses it too: a NUL that reaches a query fails.
"""
from contextlib import contextmanager

import pytest
from django.db import connection
from django.http import QueryDict
from django.urls import reverse

from tests.access import all_entries

HOSTILE = ["²", "①", "٣", "99999999999999999999", "-1", "0", "abc", "1e309", "0001-01-01",
           "9999-12-31", "0001-01", "9999-12", "2026-13", "2026-02-30", "\x00", "1\x00"]
GET_PAGES = [entry for entry in all_entries() if entry.method == "get"
             and any(status == 200 for status in entry.expect.values())]


def refuse_nul_like_postgresql(execute, sql, params, many, context):
    flat = [value for row in params for value in row] if many else (params or ())
    if any(isinstance(value, str) and "\x00" in value for value in flat):
        raise ValueError("A string literal cannot contain NUL (0x00) characters.")
    return execute(sql, params, many, context)


@contextmanager
def recording_query_reads():
    """The names of the query parameters read while inside (by views, forms and filters)."""
    read = set()
    original_getitem, original_get = QueryDict.__getitem__, QueryDict.get
    original_getlist, original_contains = QueryDict.getlist, QueryDict.__contains__

    def getitem(self, key):
        read.add(key)
        return original_getitem(self, key)

    def get(self, key, default=None):
        read.add(key)
        return original_get(self, key, default)

    def getlist(self, key, default=None):
        read.add(key)
        return original_getlist(self, key, default)

    def contains(self, key):
        read.add(key)
        return original_contains(self, key)

    QueryDict.__getitem__, QueryDict.get = getitem, get
    QueryDict.getlist, QueryDict.__contains__ = getlist, contains
    try:
        yield read
    finally:
        QueryDict.__getitem__, QueryDict.get = original_getitem, original_get
        QueryDict.getlist, QueryDict.__contains__ = original_getlist, original_contains


def parameters_read(client, url, data):
    with recording_query_reads() as read:
        client.get(url, {**data, "probe": "1"})
    return (read | set(data)) - {"probe", "csrfmiddlewaretoken"}


@pytest.mark.parametrize("entry", GET_PAGES, ids=[f"{entry.name}" for entry in GET_PAGES])
def test_hostile_query_values_give_no_server_error(entry, district_world, client_as):
    world = district_world
    failures = []
    for role in [role for role, status in entry.expect.items() if status == 200]:
        entry.setup(world)
        url = reverse(entry.name, kwargs=entry.kwargs(world))
        data = entry.data(world)
        client = client_as(world.users[role])
        for name in sorted(parameters_read(client, url, data)):
            for value in HOSTILE:
                what = f"{role}: GET {url}?{name}={value!r}"
                try:
                    with connection.execute_wrapper(refuse_nul_like_postgresql):
                        response = client.get(url, {**data, name: value})
                except Exception as error:  # the test client re-raises what would be a 500
                    failures.append(f"{what} raised {error!r}")
                    continue
                if response.status_code >= 500:
                    failures.append(f"{what} answered {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_sweep_reads_the_parameters_views_use(world, client_as):
    """Guards the sweep itself: the recorder sees what the lists read."""
    client = client_as(world.users["staff"])
    assert {"community", "date_from", "date_to", "kind"} <= parameters_read(
        client, reverse("activities:activity_list"), {})
    assert {"community", "year"} <= parameters_read(
        client, reverse("pairing:contribution_list"), {})
    assert "month" in parameters_read(
        client, reverse("dashboards:monthly_report", kwargs={"pk": world.community.pk}), {})


@pytest.mark.parametrize("token", ["\x00", "a\x00b", "x" * 65])
def test_a_calendar_feed_token_with_a_nul_byte_is_not_found(token, world, client):
    with connection.execute_wrapper(refuse_nul_like_postgresql):
        response = client.get(reverse("activities:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 404
