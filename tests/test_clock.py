"""The suite's own clock: every test starts at one fixed moment (or PORTAL_TEST_NOW)."""
from datetime import timedelta, timezone as dt_timezone

import pytest
from django.utils import timezone

from tests.conftest import test_now


def test_every_test_starts_at_the_suites_moment():
    assert abs(timezone.now() - test_now()) < timedelta(minutes=5)
    assert timezone.localdate() == test_now().date()


def test_a_naive_moment_is_read_in_shanghai(monkeypatch):
    monkeypatch.setenv("PORTAL_TEST_NOW", "2027-01-01T00:01")
    # 00:01 on New Year's Day in Shanghai is still the last day of the year in UTC.
    assert test_now().astimezone(dt_timezone.utc).date().isoformat() == "2026-12-31"


@pytest.mark.real_clock
def test_real_clock_tests_see_the_machine_clock():
    # The suite's moments are fixed days, none of them today.
    assert abs(timezone.now() - test_now()) > timedelta(minutes=5)
