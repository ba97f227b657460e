"""Compliance of branches with the minimum frequencies of organizational life (docs/RULES.md).

The rule of a kind says "at least N held meetings per month / quarter / year" (a *window*).
For a period asked about (a `Span`: a month, quarter or year) each kind is judged on the
windows that cover it: the one window containing the span when the rule's window is longer
(a quarterly lecture seen from a month), or every window inside the span when it is shorter
(a monthly committee meeting seen from a year). A window is
- green when it holds at least the minimum of held meetings,
- red when it ended without that,
- amber while it runs and is not yet met,
- grey when it has not started;
and the kind's status over the span is the worst of its windows. Group meetings are counted
per party group; a meeting with several kinds counts for each; only held meetings count;
a branch without a committee has no committee meetings to hold; a branch or party group is
judged from its first whole window after it was founded (`Node.founded_on`), so a branch set up
in November is not red for the months before it existed.

Everything loads with a fixed number of queries (`load_facts`) and is then judged in Python by
`judge`, so one branch, a community and a whole street cost the same few queries.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import Cast, TruncMonth
from django.utils import timezone

from activities.models import Meeting, MeetingKind, MeetingRule, Period
from kernel.dates import first_of_month_after
from organizations.models import CommitteeSeat, Node
from organizations.rules import nearest

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
SEVERITY = {GREY: 0, GREEN: 1, AMBER: 2, RED: 3}
MONTHS_IN = {Period.MONTH: 1, Period.QUARTER: 3, Period.YEAR: 12}
COMMITTEE_ROLES = [CommitteeSeat.Role.DEPUTY_SECRETARY, CommitteeSeat.Role.COMMITTEE_MEMBER]
# The owners of a kind the branch itself holds (not its party groups): `BranchFacts.owners_of`.
BRANCH_ONLY = (None,)


@dataclass(frozen=True)
class Span:
    """A calendar month, quarter or year: `first` and `last` are whole days, both included."""

    period: str
    first: date
    last: date

    @classmethod
    def of(cls, period, day):
        months = MONTHS_IN[period]
        first_month = (day.month - 1) // months * months + 1
        first = date(day.year, first_month, 1)
        return cls(period, first, first_of_month_after(first, months) - timedelta(days=1))

    @classmethod
    def month(cls, year, month):
        return cls.of(Period.MONTH, date(year, month, 1))

    @classmethod
    def quarter(cls, year, quarter):
        return cls.of(Period.QUARTER, date(year, 3 * quarter - 2, 1))

    @classmethod
    def year(cls, year):
        return cls.of(Period.YEAR, date(year, 1, 1))

    @property
    def label(self):
        if self.period == Period.MONTH:
            return f"{self.first:%Y-%m}"
        if self.period == Period.QUARTER:
            return f"{self.first.year}-Q{(self.first.month + 2) // 3}"
        return str(self.first.year)

    @cached_property
    def indexes(self):
        """The span's months as `month_index` numbers: a range, first and last included."""
        return range(month_index(self.first.year, self.first.month),
                     month_index(self.last.year, self.last.month) + 1)

    def windows(self, period):
        """The windows of a rule with this period that judge this span."""
        # A street's dashboard asks each of a few spans this 500 times per kind: kept on the span.
        cache = self.__dict__.setdefault("_windows", {})
        if period not in cache:
            cache[period] = _windows(self, period)
        return cache[period]

    def ending_windows(self, period, today):
        """[(window, its last month's place in the span, whether it has ended, its first month
        and the month after it as `month_index` numbers)] for the windows of a rule with this
        period that end inside the span and have started by `today` (kept like `windows`; the
        rest as `SpanWindows` gives it)."""
        cache = self.__dict__.setdefault("_ending_windows", {})
        if (period, today) not in cache:
            first = self.indexes[0]
            cache[period, today] = [(window, window.indexes[-1] - first, window.last < today,
                                     window.indexes[0], window.indexes[-1] + 1)
                                    for window in self.windows(period)
                                    if window.last <= self.last and window.first <= today]
        return cache[period, today]

    def status(self, held, minimum, today):
        if self.first > today:
            return GREY
        if held >= minimum:
            return GREEN
        return RED if self.last < today else AMBER

    def starts_at(self):
        return timezone.make_aware(datetime.combine(self.first, time.min))

    def ends_before(self):
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))


def month_index(year, month):
    """Months since year 0, so that a window's months are a range of integers."""
    return year * 12 + month - 1


@dataclass
class KindStatus:
    kind: MeetingKind
    status: str
    held: int
    required: int
    gaps: list = field(default_factory=list)   # windows not met yet: (Span, group_id or None)

    @property
    def code(self):
        return self.kind.code


@dataclass
class BranchFacts:
    branch: Node                                 # or a row of `branch_rows`
    has_committee: bool
    group_ids: list
    rules: dict                                  # code → MeetingRule
    # (group_id or None for the branch, code) → held meetings per month from the month `base`
    # (a `month_index`) on, one byte a month (`count_held`)
    held_by: dict = field(default_factory=dict)
    base: int = 0
    # group_id or None for the branch → the day it was founded (a group: its own or its
    # branch's, whichever is later)
    founded: dict = field(default_factory=dict)

    def applies(self, code):
        rule = self.rules.get(code)
        if rule is None or rule.minimum == 0:
            return False
        if code == MeetingKind.COMMITTEE_MEETING:
            return self.has_committee
        if code == MeetingKind.GROUP_MEETING:
            return bool(self.group_ids)
        return True

    def owners(self, code, window):
        """Who must hold meetings of this kind in this window: each party group for group
        meetings, else the branch (None); none before the first window after its founding
        (a group's, or its branch's when that is later or the group has no date)."""
        owners, latest = self.owners_of(code)
        if latest is None or latest <= window.first:
            # Every owner existed by then (most windows of most branches): no list to filter.
            return owners
        return [owner for owner in owners
                if self.founded.get(owner) is None or self.founded[owner] <= window.first]

    def owners_of(self, code):
        """(who must hold meetings of this kind, the latest day one of them was founded)."""
        # Asked for every kind of every branch a district judges (40,000 times): the branch's
        # own answer is at hand, the party groups' is worked out once.
        if code != MeetingKind.GROUP_MEETING:
            return BRANCH_ONLY, self.founded.get(None)
        known = self.__dict__.get("_group_owners")
        if known is None:
            days = [self.founded.get(owner) for owner in self.group_ids]
            known = self._group_owners = (self.group_ids, max(
                (day for day in days if day is not None), default=None))
        return known

    def held(self, owner, code, window):
        return _held_in(self.held_by.get((owner, code)), self.base, window.indexes[0],
                        window.indexes[-1] + 1)


def _held_in(months, base, start, stop):
    """The meetings `months` (counted from the month `base`) holds from the month `start` to the
    month before `stop`: none before `base` or after the last month counted."""
    if not months or stop <= base:
        return 0
    return sum(months[start - base if start > base else 0:stop - base])


def _windows(span, period):
    if MONTHS_IN[period] >= MONTHS_IN[span.period]:
        return (Span.of(period, span.first),)
    found, day = [], span.first
    while day <= span.last:
        found.append(Span.of(period, day))
        day = first_of_month_after(day, MONTHS_IN[period])
    return tuple(found)


# What judging reads of a branch (its rules: its path and district; its founding date; its
# community). `branch_rows` gives these alone: a district's 5,000 branches as model instances
# cost some 40 ms more to read than as rows.
BRANCH_FIELDS = ("pk", "parent_id", "path", "district_id", "founded_on")


def branch_rows(branches):
    """These branches (a queryset of nodes) as rows of `BRANCH_FIELDS`, for `load_facts`."""
    return branches.values_list(*BRANCH_FIELDS, named=True)


def load_facts(branches, first, last, count=None):
    """Facts for these branches with the meetings held from the month of `first` to the end of
    the day `last`, and the committees as of `last` (or today, if that is earlier).

    Five queries: kinds, rules, committees, groups and one aggregate of held meetings (or what
    `count`, a function like `count_held`, reads instead: the street pages' cached counts).
    `branches` are nodes or rows of `branch_rows`, and may be a queryset: the committees and
    groups are then read for its rows by a subquery, not for a list of their ids (a district's
    5,000 ids cost more to send and plan than the queries take to run).
    """
    ids_query = branches.order_by().values("pk") if isinstance(branches, QuerySet) else None
    branches = list(branches)
    kinds = list(MeetingKind.objects.order_by("sort_order"))
    rule_rows = list(MeetingRule.objects.select_related("kind"))
    ids = [branch.pk for branch in branches] if ids_query is None else ids_query
    with_committee = set(
        CommitteeSeat.objects.current(min(last, timezone.localdate()))
        .filter(node_id__in=ids, role__in=COMMITTEE_ROLES).values_list("node_id", flat=True)
        .order_by())
    rules_of = _rules_resolver(rule_rows)
    groups, founded = defaultdict(list), defaultdict(dict)
    for group_id, branch_id, founded_on in (Node.objects.active()
                                            .filter(kind=Node.Kind.GROUP, parent_id__in=ids)
                                            .values_list("pk", "parent_id", "founded_on")
                                            .order_by("pk")):
        groups[branch_id].append(group_id)
        founded[branch_id][group_id] = founded_on
    held = (count or count_held)(branches, first, last)
    base = month_index(first.year, first.month)
    facts = {branch.pk: BranchFacts(branch=branch, has_committee=branch.pk in with_committee,
                                    group_ids=groups[branch.pk],
                                    rules=rules_of(branch),
                                    founded=_founding_days(branch, founded[branch.pk]),
                                    held_by=held.get(branch.pk, {}), base=base)
             for branch in branches}
    return kinds, facts


def count_held(branches, first, last):
    """{branch id: `BranchFacts.held_by`} of the meetings these branches (or branch ids) held
    from the month of `first` (its `base`) to the end of the day `last`: one query."""
    ids = [getattr(branch, "pk", branch) for branch in branches]
    rows = (Meeting.objects.held().filter(branch_id__in=ids,
                                          starts_at__gte=Span.of(Period.MONTH, first).starts_at(),
                                          starts_at__lt=timezone.make_aware(
                                              datetime.combine(last + timedelta(days=1),
                                                               time.min)))
            # The month as a date in the current time zone, cast to a date by the database:
            # a street's year is some 25,000 rows, and a datetime (or TruncMonth's own
            # conversion) per row cost a conversion each in Python. EXTRACT would give the
            # month's number, but as a numeric that the database groups more slowly.
            .annotate(month=Cast(TruncMonth("starts_at"), DateField()))
            .values_list("branch_id", "group_id", "kinds", "month")
            .annotate(n=Count("pk")).order_by())
    base = month_index(first.year, first.month)
    size = month_index(last.year, last.month) + 1 - base
    counts = defaultdict(dict)
    # Some 25,000 rows for a street's year: counted inline, without a call per row.
    for branch_id, group_id, code, month, n in rows:
        index = month.year * 12 + month.month - 1 - base  # month_index, from `base`
        held_by = counts[branch_id]
        months = held_by.get((None, code))
        if months is None:
            months = held_by[None, code] = [0] * size
        months[index] += n
        if group_id:
            months = held_by.get((group_id, code))
            if months is None:
                months = held_by[group_id, code] = [0] * size
            months[index] += n
    # As bytes: a district's counts, cached per community, unpickle in some 10 ms rather than
    # 65 as dicts of months. A month holds 255 at most, more than a branch can meet in a month.
    return {pk: {key: bytes(n if n < 256 else 255 for n in months)
                 for key, months in held_by.items()}
            for pk, held_by in counts.items()}


def year_facts(branches, first, last, memo=None, count=None):
    """`load_facts(branches, first, last, count)`, reusing facts of the
    same branches already in `memo` (a dict one page shares between its panels and its ranking:
    the facts are the costly part) that start no later and end on the same day, or, when `last`
    is today or later, end no earlier (nothing is held after today)."""
    ids = frozenset(branch.pk for branch in branches)
    loaded = memo.setdefault("facts", {}) if memo is not None else {}
    today = timezone.localdate()
    for (loaded_ids, loaded_first, loaded_last), facts in loaded.items():
        if loaded_ids == ids and loaded_first <= first and (
                last == loaded_last or today <= last <= loaded_last):
            return facts
    facts = load_facts(branches, first, last, count)
    loaded[(ids, first, last)] = facts
    return facts


def _founding_days(branch, groups):
    days = {None: branch.founded_on}
    for group_id, founded_on in groups.items():
        known = [day for day in (branch.founded_on, founded_on) if day]
        days[group_id] = max(known) if known else None
    return days


def _rules_resolver(rule_rows):
    """A function of a branch giving its {code: rule}, the nearest ancestor's rule winning over
    the shipped default. Resolved once per set of ancestors that hold rules: a street's 500
    branches share the few sets there are (most often none: the shipped defaults), and each
    resolve reads every rule row."""
    rule_nodes = {rule.node_id for rule in rule_rows} - {None}
    resolved = {}

    def rules_of(branch):
        # `nearest` ranks only the ancestors that hold rows: the others change nothing.
        holding = tuple(pk for pk in Node.ancestor_ids(branch) if pk in rule_nodes)
        if holding not in resolved:
            resolved[holding] = nearest(rule_rows, holding, key=lambda rule: rule.kind_id)
        return resolved[holding]

    return rules_of


def judge(facts, kinds, span, today, ending_only=False):
    """{code: KindStatus} for each kind that applies to the branch, over the span.

    With `ending_only`, a kind is judged only on windows that end inside the span: a grid of
    months then shows a quarterly kind in its quarter's last month, not as "in progress" in
    every month of the quarter.
    """
    result = {}
    for kind in kinds:
        if not facts.applies(kind.code):
            continue
        rule = facts.rules[kind.code]
        windows = span.windows(rule.period)
        if ending_only:
            windows = [window for window in windows if window.last <= span.last]
            if not windows:
                continue
        worst, held_total, required_total, gaps = GREY, 0, 0, []
        for window in windows:
            for group_id in facts.owners(kind.code, window):
                held = facts.held(group_id, kind.code, window)
                status = window.status(held, rule.minimum, today)
                if status == GREY:
                    continue
                held_total += min(held, rule.minimum)
                required_total += rule.minimum
                if status != GREEN:
                    gaps.append((window, group_id))
                if SEVERITY[status] > SEVERITY[worst]:
                    worst = status
        result[kind.code] = KindStatus(kind, worst, held_total, required_total, gaps)
    return result


class SpanWindows:
    """The windows that judge some spans (`spans`: {key: Span}) on `today`, by the period of a
    rule: each window once, with the keys of the spans it judges and whether it has ended (the
    windows not started by `today` left out). A dashboard judges each branch over the previous
    month, this month and this quarter, whose windows are mostly the same ones: a quarterly
    kind's quarter judges all three."""

    def __init__(self, spans, today):
        self.keys = tuple(spans)
        self.by_period = {}
        for period in MONTHS_IN:
            judged = {}
            for key, span in spans.items():
                for window in span.windows(period):
                    if window.first <= today:
                        judged.setdefault(window, []).append(key)
            # The window's first month and the month after it: `_held_in`'s `start`, `stop`.
            self.by_period[period] = [(window, tuple(keys), window.last < today,
                                       window.indexes[0], window.indexes[-1] + 1)
                                      for window, keys in judged.items()]


_BY_SEVERITY = sorted(SEVERITY, key=SEVERITY.get)


def worst_each(facts, kinds, windows):
    """{key: the worst status of `judge(facts, kinds, span, today)`} for each span of `windows`
    (a `SpanWindows`), without building the details."""
    return worst_and_red(facts, kinds, windows)[0]


def worst_and_red(facts, kinds, windows):
    """(`worst_each`, the codes of the kinds `judge` finds red over one of the spans, in the
    order of `kinds`): a street's dashboard asks this of every branch, and names the kinds
    each red branch misses."""
    worst = dict.fromkeys(windows.keys, 0)
    red = []
    for code, keys, severity in _severities(facts, kinds, windows):
        if severity == 3 and code not in red:
            red.append(code)
        for key in keys:
            if severity > worst[key]:
                worst[key] = severity
    return {key: _BY_SEVERITY[severity] for key, severity in worst.items()}, red


def kind_statuses(facts, kinds, windows):
    """{code: the status `judge` gives the kind} over the one span of `windows` (a
    `SpanWindows`), without the details: a street's ranking counts the green kinds of every
    branch."""
    worst = {kind.code: 0 for kind in kinds if facts.applies(kind.code)}
    for code, _keys, severity in _severities(facts, kinds, windows):
        if severity > worst[code]:
            worst[code] = severity
    return {code: _BY_SEVERITY[severity] for code, severity in worst.items()}


def _severities(facts, kinds, windows):
    """(code, the keys of the spans it judges, `_severity`) for each window of `windows` (a
    `SpanWindows`) of each kind that applies to the branch."""
    for kind in kinds:
        code = kind.code
        if not facts.applies(code):
            continue
        rule = facts.rules[code]
        owners = facts.owners_of(code)
        for window, keys, ended, start, stop in windows.by_period[rule.period]:
            yield code, keys, _severity(facts, code, rule.minimum, owners, window, ended, start,
                                        stop)


def worst_by_month(facts, kinds, span, today):
    """For each month of the span, the worst status of the windows ending in it (what
    `judge(..., ending_only=True)` gives for that month), each window judged once: a street's
    heat map asks this of 500 branches."""
    worst = [0] * len(span.indexes)
    for kind in kinds:
        code = kind.code
        if not facts.applies(code):
            continue
        rule = facts.rules[code]
        owners = facts.owners_of(code)
        for window, slot, ended, start, stop in span.ending_windows(rule.period, today):
            if worst[slot] == 3:  # red: the month's other windows cannot make it worse
                continue
            severity = _severity(facts, code, rule.minimum, owners, window, ended, start, stop)
            if severity > worst[slot]:
                worst[slot] = severity
    return [_BY_SEVERITY[severity] for severity in worst]


def _severity(facts, code, minimum, owners, window, ended, start, stop):
    """The `SEVERITY` of the worst of `window.status` over the owners of a kind (`owners`:
    `facts.owners_of(code)`) in a window started by today, given with its first month and the
    month after it (`month_index`). `owners` and `held` inlined: a district's dashboard asks
    this some 150,000 times, a street's heat map 30,000."""
    owners, latest = owners
    base = facts.base
    # The window's months in the counts (`_held_in`): none when it ends before them.
    first, end = (start - base if start > base else 0), (stop - base if stop > base else 0)
    severity = 0
    for owner in owners if latest is None or latest <= window.first else facts.owners(code,
                                                                                      window):
        months = facts.held_by.get((owner, code))
        held = sum(months[first:end]) if months else 0
        if held >= minimum:
            severity = severity or 1
        elif ended:
            return 3
        else:
            severity = 2
    return severity


def worst_of(statuses):
    worst = GREY
    for status in statuses:
        if SEVERITY[status] > SEVERITY[worst]:
            worst = status
    return worst


def _extent(spans, periods=(Period.YEAR,)):
    """The first and last day that any window of these spans can reach."""
    first = min(Span.of(period, span.first).first for span in spans for period in periods)
    last = max(Span.of(period, span.last).last for span in spans for period in periods)
    return first, last


def branch_compliance(branch, span, today=None):
    """{kind code: KindStatus} for one branch over a month, quarter or year."""
    today = today or timezone.localdate()
    kinds, facts = load_facts([branch], *_extent([span]))
    return judge(facts[branch.pk], kinds, span, today)


def branch_year(branch, year, today=None):
    """The branch's year: one row per applicable kind with its 12 months and the year's status."""
    today = today or timezone.localdate()
    year_span = Span.year(year)
    kinds, facts = load_facts([branch], *_extent([year_span]))
    branch_facts = facts[branch.pk]
    months = [Span.month(year, month) for month in range(1, 13)]
    per_month = [judge(branch_facts, kinds, month, today, ending_only=True) for month in months]
    rows = []
    for code, status in judge(branch_facts, kinds, year_span, today).items():
        rows.append({"kind": status.kind, "year": status,
                     "months": [judged.get(code) for judged in per_month]})
    return months, rows


def branches_compliance(branches, span, today=None):
    """[(branch, {code: KindStatus})] for many branches (a community page), in fixed queries."""
    today = today or timezone.localdate()
    branches = list(branches)
    if not branches:
        return MeetingKind.objects.none(), []
    kinds, facts = load_facts(branches, *_extent([span]))
    return kinds, [(branch, judge(facts[branch.pk], kinds, span, today)) for branch in branches]


def community_branches(community):
    return Node.objects.active().filter(kind=Node.Kind.BRANCH,
                                        path__startswith=community.path).order_by("sort_key")


def street_matrix(street, year, today=None):
    """Communities × months of a street: each cell the worst status of the community's branches
    over the windows that end in that month (monthly kinds every month, quarterly kinds in the
    quarter's last month, yearly kinds in December).

    Seven queries whatever the street's size. Returns (months, [(community, [status per month])]).
    """
    communities = list(street_communities(street))
    grid = months_by_community(communities, year, today)
    return ([Span.month(year, month) for month in range(1, 13)],
            [(community, grid[community.pk]) for community in communities])


def months_by_community(communities, year, today=None, count=None):
    """{community id: [worst status of its branches per month of the year]} (six queries, or
    as `count` reads the held meetings: see `load_facts`)."""
    branches = branch_rows(
        Node.objects.active().filter(kind=Node.Kind.BRANCH, parent__in=communities))
    kinds, facts = load_facts(branches, *_extent([Span.year(year)]), count)
    return dict((community.pk, cells) for community, cells in month_grid(
        communities, branches, kinds, facts, year, today or timezone.localdate()))


def street_communities(street):
    return Node.objects.active().filter(path__startswith=street.path,
                                        kind=Node.Kind.COMMUNITY).order_by("sort_key")


def month_grid(communities, branches, kinds, facts, year, today):
    """[(community, [worst status of its branches per month of the year])]."""
    year_span = Span.year(year)
    cells = {community.pk: [GREY] * 12 for community in communities}
    for branch in branches:
        row = cells.get(branch.parent_id)
        if row is None:
            continue
        for slot, status in enumerate(worst_by_month(facts[branch.pk], kinds, year_span, today)):
            if SEVERITY[status] > SEVERITY[row[slot]]:
                row[slot] = status
    return [(community, cells[community.pk]) for community in communities]
