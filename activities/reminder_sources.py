"""The reminder sources of this app; each runs a fixed number of set-based queries."""
from collections import defaultdict
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities import compliance, compliance_cache
from activities.models import Attendance, Meeting, MeetingKind, ReminderRule
from activities.reminders import Reminder, register, reminder_text, shared, timeless
from kernel.dates import add_months
from kernel.paths import community_id_of
from members import moves
from members.models import Member, TransferOut, probation_end
from organizations.models import CommitteeSeat, Grant, Node
from organizations.rules import PathChains
from organizations.scope import Role

STAMP = "%Y%m%d%H%M"
PROBATION_NOTICE_DAYS = 30
TERM_NOTICE_DAYS = 90
GAP_SEASON_DAY = 20


def _stamp(moment):
    return moment.astimezone(dt_timezone.utc).strftime(STAMP)


class LeadTimes:
    """The reminder rules, read once: `for_path(path)` is the lead times of the nearest node
    holding rows (the district, the street, …), whose rows replace the default as a whole."""

    def __init__(self):
        self.defaults, self.overrides = set(), defaultdict(set)
        for node_id, lead in ReminderRule.objects.values_list("node_id", "lead_minutes"):
            (self.defaults if node_id is None else self.overrides[node_id]).add(lead)
        self.chains = PathChains(self.overrides)

    def every_lead(self):
        """Every lead time of every node and of the default."""
        return {*self.defaults, *(lead for leads in self.overrides.values() for lead in leads)}

    def longest(self):
        return max(self.every_lead(), default=0)

    def for_path(self, path):
        return self.held_for(path)[1]

    def held_for(self, path):
        """(the id of the node holding the lead times, None for the default; the lead times)."""
        for node_id in reversed(self.chains(path)):
            if node_id in self.overrides:
                return node_id, self.overrides[node_id]
        return None, self.defaults


def _meeting_is_current(meeting_id, kind, now):
    meeting = Meeting.objects.filter(pk=meeting_id, status=Meeting.Status.PLANNED,
                                     starts_at__gt=now).only("starts_at").first()
    return meeting is not None and _stamp(meeting.starts_at) == kind.rsplit(":", 1)[1]


def _meetings_reaching_a_lead(last, now):
    """The scan's `since` of meeting_upcoming, the data being as at the last tick: only a
    meeting that reached one of its lead times in between has a new reminder."""
    return upcoming_meetings(now, reached_since=last)


@register("meeting_upcoming", is_current=_meeting_is_current, since=_meetings_reaching_a_lead,
          clock=timeless)
def upcoming_meetings(now, reached_since=None):
    """Attendees of planned meetings, at the nearest lead time that has been reached.

    A meeting planned late gets one reminder, not one per lead time it already passed; the
    kind carries the start time, so moving the meeting arms fresh reminders. With
    `reached_since`, only the meetings that reached a lead time after that moment.
    """
    lead_times = LeadTimes()
    longest = lead_times.longest()
    if not longest:
        return []
    meetings = Meeting.objects.filter(status=Meeting.Status.PLANNED, starts_at__gt=now,
                                      starts_at__lte=now + timedelta(minutes=longest))
    if reached_since is not None:
        # Any lead time of any node: a meeting whose own lead times are others finds its
        # reminder recorded already.
        reached = Q(pk__in=[])
        for lead in lead_times.every_lead():
            reached |= Q(starts_at__gt=reached_since + timedelta(minutes=lead),
                         starts_at__lte=now + timedelta(minutes=lead))
        meetings = meetings.filter(reached)
    # Per meeting, not per attendee: reverse(), gettext and time formatting per row would
    # dominate a scan of 10,000 reminders.
    meeting_url = reverse("activities:meeting_list") + "{}/"
    title = gettext_noop("会议提醒：%(topic)s")
    body = gettext_noop("%(when)s 在 %(place)s 召开“%(topic)s”，请准时参加。")
    prepared = {}
    for meeting_id, starts_at, path, topic, place in meetings.values_list(
            "pk", "starts_at", "branch__path", "topic", "place"):
        due = [lead for lead in lead_times.for_path(path)
               if starts_at - timedelta(minutes=lead) <= now]
        if due:
            prepared[meeting_id] = (
                f"meeting_upcoming:{min(due)}:{_stamp(starts_at)}",
                reminder_text(title, body, topic=topic, when=starts_at, place=place),
                meeting_url.format(meeting_id))
    if not prepared:
        return []
    # The attendees apart: the meeting's text once, not with each of its 30 invitations.
    rows = (Attendance.objects.filter(meeting__in=meetings, member__user__isnull=False,
                                      member__left_on__isnull=True)
            .exclude(status=Attendance.Status.EXCUSED).values_list("meeting_id", "member__user_id"))
    found = []
    for meeting_id, user_id in rows.iterator(chunk_size=5000):
        if meeting_id in prepared:
            kind, text, url = prepared[meeting_id]
            found.append(Reminder(Meeting, meeting_id, user_id, kind, url=url, **text))
    return found


def _gap_is_current(branch_id, kind, now):
    _source, code, label = kind.split(":", 2)
    branch = Node.objects.filter(pk=branch_id).first()
    if branch is None:
        return False
    today = timezone.localdate(now)
    status = compliance.branch_compliance(branch, compliance.Span.of("month", today),
                                          today).get(code)
    return status is not None and status.status != compliance.GREEN


@register("compliance_gap", is_current=_gap_is_current,
          inputs=compliance_cache.INPUT_MODELS)  # the gaps are kept in the cache
def compliance_gaps(now):
    """From the 20th of a window's last month: each kind not yet met, to the branch secretary
    and the community staff."""
    today = timezone.localdate(now)
    in_season = {period for period in compliance.MONTHS_IN
                 if today.day >= GAP_SEASON_DAY
                 and compliance.Span.of(period, today).last.month == today.month}
    if not in_season:
        return []
    branches, community_ids = {}, set()
    for pk, name, parent_id, path in Node.objects.active().filter(
            kind=Node.Kind.BRANCH).values_list("pk", "name", "parent_id", "path"):
        branches[pk] = (name, parent_id)
        community_ids.add(community_id_of(path))
    # Judging every branch of the city every minute from the 20th to the month's end cost
    # seconds; the gaps are kept per community under the 三会一课 figures' versions, so a
    # scan judges again only the communities whose meetings, rules or seats changed.
    gaps = compliance_cache.cached_by_community(
        "gaps", (today,), sorted(community_ids),
        lambda missing: _gaps_by_community(missing, today, in_season))
    labels = {kind.code: kind.label for kind in MeetingKind.objects.all()}
    recipients = _grant_users([Role.BRANCH_SECRETARY, Role.COMMUNITY_STAFF])
    found = []
    for branch_id, code, period, held, required in (
            gap for community_gaps in gaps.values() for gap in community_gaps or ()):
        if branch_id not in branches:  # archived or added between the two reads: next tick
            continue
        name, parent_id = branches[branch_id]
        users = recipients[branch_id] | recipients[parent_id]
        if not users:
            continue
        window = compliance.Span.of(period, today)
        url = reverse("activities:compliance_branch", args=[branch_id])
        text = reminder_text(
            gettext_noop("%(branch)s尚未完成%(period)s的%(kind)s"),
            gettext_noop("已召开 %(held)d 次，至少应召开 %(required)d 次，请在 %(last)s 前完成。"),
            branch=name, period=window.label, kind=labels.get(code, code), held=held,
            required=required, last=window.last)
        found.extend(Reminder(Node, branch_id, user_id, f"compliance_gap:{code}:{window.label}",
                              url=url, **text) for user_id in users)
    return found


def _gaps_by_community(community_ids, today, in_season):
    """{community id: [(branch id, kind code, period, held, required)]}: the kinds each branch of
    these communities has not met yet in a window in season (amber this month). The branches are
    read here, after the cache read the versions the result is kept under: one archived or
    added in between renews them again."""
    community_ids = set(community_ids)
    wanted = [pk for pk, path in Node.objects.active().filter(kind=Node.Kind.BRANCH)
              .values_list("pk", "path") if community_id_of(path) in community_ids]
    branches = list(Node.objects.filter(pk__in=wanted))
    month = compliance.Span.of("month", today)
    kinds, facts = compliance.load_facts(branches, *compliance._extent([month]))
    gaps = {community: [] for community in community_ids}
    for branch in branches:
        for code, status in compliance.judge(facts[branch.pk], kinds, month, today).items():
            period = facts[branch.pk].rules[code].period
            if status.status == compliance.AMBER and period in in_season:
                gaps[community_id_of(branch.path)].append(
                    (branch.pk, code, period, status.held, status.required))
    return gaps


def _shared_grant_users(roles):
    """`_grant_users(roles)` of every node, read once per scan for the sources that ask."""
    return shared(("grant_users", tuple(roles)), lambda: _grant_users(roles))


def _grant_users(roles, node_ids=None):
    """{node id: {user ids}} of the grants with these roles."""
    grants = Grant.objects.filter(role__in=roles, user__is_active=True)
    if node_ids is not None:
        grants = grants.filter(node_id__in=node_ids)
    found = defaultdict(set)
    for node_id, user_id in grants.values_list("node_id", "user_id"):
        found[node_id].add(user_id)
    return found


def _probation_is_current(member_id, kind, now):
    member = Member.objects.filter(pk=member_id, status=Member.Status.PROBATIONARY,
                                   left_on__isnull=True).first()
    return member is not None and f"{member.probation_ends_on:%Y%m%d}" == kind.rsplit(":", 1)[1]


@register("probation_ending", is_current=_probation_is_current)
def probation_ending(now):
    """Probation ends within 30 days: the member and the branch secretary."""
    today = timezone.localdate(now)
    last = today + timedelta(days=PROBATION_NOTICE_DAYS)
    # probation_ends_on is joined_on + 12 + extension months; for each possible extension the
    # admission dates that end inside the notice window form one range (one day of slack for
    # month-end clamping, checked exactly below).
    ranges = Q()
    for extension in range(0, 13):
        months = 12 + extension
        ranges |= Q(extension=extension,
                    joined_on__gte=add_months(today, -months) - timedelta(days=1),
                    joined_on__lte=add_months(last, -months) + timedelta(days=1))
    rows = (Member.objects.active().probationary()
            .annotate(extension=Coalesce("probation_extended_months", 0)).filter(ranges)
            .order_by()  # the roster's order joins the branches
            .values_list("pk", "name", "joined_on", "extension", "branch_id", "user_id"))
    secretaries = _shared_grant_users([Role.BRANCH_SECRETARY])
    found = []
    for pk, name, joined_on, extension, branch_id, user_id in rows:
        ends_on = probation_end(joined_on, extension)
        if not today <= ends_on <= last:
            continue
        text = reminder_text(gettext_noop("%(name)s的预备期将于 %(day)s 届满"),
                             gettext_noop("请提前准备转正申请，并及时召开支部党员大会讨论。"),
                             name=name, day=ends_on)
        for recipient_id in secretaries[branch_id] | ({user_id} - {None}):
            found.append(Reminder(Member, pk, recipient_id,
                                  f"probation_ending:{ends_on:%Y%m%d}", **text))
    return found


def _term_is_current(seat_id, kind, now):
    return CommitteeSeat.objects.filter(pk=seat_id, ended_on__isnull=True,
                                        term_end=datetime.strptime(kind.rsplit(":", 1)[1],
                                                                   "%Y%m%d").date()).exists()


@register("term_ending", is_current=_term_is_current)
def terms_ending(now):
    """A committee term ends within 90 days: the node's own secretaries or staff and the
    level above."""
    today = timezone.localdate(now)
    node_url = reverse("organizations:tree") + "{}/"  # the node's page, reverse() once
    return _seat_reminders(
        CommitteeSeat.objects.ending_between(today, today + timedelta(days=TERM_NOTICE_DAYS)),
        "term_ending", node_url.format, gettext_noop("%(node)s班子任期将于 %(day)s 届满"),
        gettext_noop("请提前向上级党组织报告，做好换届准备。"))


def _term_overdue_is_current(seat_id, kind, now):
    return CommitteeSeat.objects.filter(
        pk=seat_id, ended_on__isnull=True, node__archived_at__isnull=True,
        term_end=datetime.strptime(kind.rsplit(":", 1)[1], "%Y%m%d").date(),
        term_end__lt=timezone.localdate(now)).exists()


@register("term_overdue", is_current=_term_overdue_is_current)
def terms_overdue(now):
    """A committee term has ended and nobody recorded the new one (the secretary still serves):
    the same people as the 90-day notice, once per term; the 换届 page lists them in red."""
    terms_url = reverse("organizations:terms")
    return _seat_reminders(
        CommitteeSeat.objects.filter(ended_on__isnull=True,
                                     term_end__lt=timezone.localdate(now),
                                     node__archived_at__isnull=True),
        "term_overdue", lambda node_id: terms_url,
        gettext_noop("%(node)s班子任期已于 %(day)s 届满，尚未换届"),
        gettext_noop("任期已满，请尽快向上级党组织报告并组织换届选举；换届后请登记新一届班子。"))


def _seat_reminders(seats, source, url_of, title, body):
    """The secretaries' seats among `seats`, to the grants of every role on the node and the
    level above: rows rather than seats with their nodes (a city's 5,500 secretaries' terms end
    within a few years of each other), and every grant rather than an IN list of their nodes."""
    users = _shared_grant_users(list(Role))
    found = []
    for pk, node_id, parent_id, name, term_end in seats.filter(
            role=CommitteeSeat.Role.SECRETARY).order_by().values_list(
            "pk", "node_id", "node__parent_id", "node__name", "term_end"):
        recipients = users[node_id] | users[parent_id]
        if not recipients:
            continue
        text = reminder_text(title, body, node=name, day=term_end)
        url = url_of(node_id)
        found.extend(Reminder(CommitteeSeat, pk, user_id, f"{source}:{term_end:%Y%m%d}",
                              url=url, **text) for user_id in recipients)
    return found


def _receipt_is_current(transfer_id, kind, now):
    return TransferOut.objects.filter(pk=transfer_id, receipt_on__isnull=True).exists()


@register("receipt_overdue", is_current=_receipt_is_current)
def receipts_overdue(now):
    """A 转出 letter whose 回执 is overdue (members/moves.py): once, to the secretary of the
    branch that sent it and the community staff. The kind carries the due date, so a rule
    changed later arms a fresh reminder."""
    today = timezone.localdate(now)
    transfers = moves.annotate_receipts(
        list(TransferOut.objects.awaiting_receipt().select_related("member", "from_branch")),
        today)
    overdue = [transfer for transfer in transfers if transfer.state == moves.ReceiptState.OVERDUE]
    recipients = _grant_users([Role.BRANCH_SECRETARY, Role.COMMUNITY_STAFF],
                              {node_id for transfer in overdue for node_id in
                               (transfer.from_branch_id, transfer.from_branch.parent_id)})
    url = reverse("members:transfer_out_list") + "?state=" + moves.ReceiptState.OVERDUE
    found = []
    for transfer in overdue:
        users = recipients[transfer.from_branch_id] | recipients[transfer.from_branch.parent_id]
        for user_id in users:
            found.append(Reminder(
                TransferOut, transfer.pk, user_id, f"receipt_overdue:{transfer.due_on:%Y%m%d}",
                url=url, **reminder_text(
                    gettext_noop("%(name)s的转出介绍信回执逾期"),
                    gettext_noop("介绍信%(number)s于 %(sent)s 开往%(to)s，应于 %(due)s 前收到回执，"
                                 "请与接收党组织联系。"),
                    name=transfer.member.name, number=transfer.letter_number,
                    sent=transfer.sent_on, to=transfer.destination, due=transfer.due_on)))
    return found
