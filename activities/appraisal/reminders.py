"""Voting open: each member with a vote who has not voted yet is reminded once per round (a
source of the activities app's reminder scan). The reminder says nothing of any ballot."""
from datetime import timezone as dt_timezone

from django.urls import reverse
from django.utils.translation import gettext_noop

from activities.appraisal.models import Appraisee, Participation, Round
from activities.reminders import Reminder, register, reminder_text, timeless

STAMP = "%Y%m%d%H%M"


def _kind(round_):
    # The closing time in the kind: a window moved later arms a fresh reminder.
    return f"appraisal_vote:{round_.votes_close_at.astimezone(dt_timezone.utc):{STAMP}}"


def _round_is_current(round_id, kind, now):
    round_ = Round.objects.filter(pk=round_id, decided_at__isnull=True).first()
    return round_ is not None and round_.voting_open(now) and _kind(round_) == kind


def _opened_since(last, now):
    """The scan's `since`, the data being as at the last tick: only a round whose voting
    opened in between has voters to remind."""
    return votes_open(now, opened_since=last)


@register("appraisal_vote", is_current=_round_is_current, since=_opened_since, clock=timeless)
def votes_open(now, opened_since=None):
    rounds = Round.objects.filter(votes_open_at__lte=now, votes_close_at__gt=now,
                                  decided_at__isnull=True)
    if opened_since is not None:
        rounds = rounds.filter(votes_open_at__gt=opened_since)
    rounds = {round_.pk: round_ for round_ in rounds}
    if not rounds:
        return []
    voted = Participation.objects.filter(round_id__in=rounds).values("member_id")
    rows = (Appraisee.objects.voters().filter(round_id__in=rounds, member__user__isnull=False,
                                              member__user__is_active=True)
            .exclude(member_id__in=voted).values_list("round_id", "member__user_id"))
    title = gettext_noop("民主评议投票已开始")
    body = gettext_noop("请在 %(day)s 前完成党员互评投票，并填写个人自评。")
    return [Reminder(Round, round_id, user_id, _kind(rounds[round_id]),
                     url=reverse("appraisal:vote", args=[round_id]),
                     **reminder_text(title, body, day=rounds[round_id].votes_close_at))
            for round_id, user_id in rows]
