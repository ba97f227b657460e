"""Test and bench helpers: a round of a branch with a voting window around a moment."""
from datetime import date, timedelta

from django.utils import timezone

from activities.appraisal import services


def make_round(branch, *, year=None, opens=None, closes=None, meeting=None):
    """A round of `branch` for `year` (this year), open from `opens` (a day ago) to `closes`
    (in five days), appraising the branch's members on the roster now."""
    now = timezone.now()
    year = year or timezone.localdate().year
    opens = opens or now - timedelta(days=1)
    closes = closes or opens + timedelta(days=6)
    return services.round_create(branch=branch, year=year, period_start=date(year, 1, 1),
                                 period_end=date(year, 12, 31), votes_open_at=opens,
                                 votes_close_at=closes, meeting=meeting)


def cast(round_, voter, grade="qualified", now=None):
    """`voter` rates every other member with `grade`."""
    grades = {target.pk: grade for target in services.ballot_targets(round_, voter)}
    services.vote(round_=round_, voter=voter, grades=grades, now=now)
