"""The last contact the branch had with each member, and who is 失联 (docs/RULES.md).

The contact comes from several places, some kept by apps above members (activities keeps the
meetings and their QR check-ins), so each place registers a *source* here with `@source(kind)`:
a function `(members, until, since=None) -> {member id: date}` giving, for the members of the
queryset `members`, the latest contact on or before `until`, in one query. With `since` (a date),
only the contacts on or after it: the latest within the window, and no entry for a member
without one. The 失联 lists ask first for the few months that can still keep a member off them,
not for years of meetings (see `silent_lists`). A place that finds several kinds in the same
rows registers one function for them with `@sources(*kinds)`: it is asked for the `kinds`
wanted and answers {kind: {member id: date}}, still in one query. The kinds:

- ORGANIZATIONAL_LIFE: taking part in the branch's organizational life (a meeting attended or
  checked in to). Registered by activities (`activities/membership.py`).
- CONTACT: any other recorded contact: a call or visit recorded here, the letter of a transfer
  in (the member reported to the branch).

- DUES: a dues payment (registered by `members/dues`). The 党章 art. 9 case of six months
  without dues is the dues app's own list (its arrears page), computed from the months owed,
  not from the last payment.

A member never contacted counts from the day their record was entered: the portal cannot know
of earlier contact, and a roster imported today is not six months silent.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max
from django.db.models.functions import TruncDate

from kernel.dates import add_months

ORGANIZATIONAL_LIFE = "organizational_life"
CONTACT = "contact"
DUES = "dues"

_sources = []


def source(kind):
    def register(read):
        _sources.append(((kind,), lambda members, until, since, kinds: {
            kind: read(members, until, since=since)}, read.__module__))
        return read
    return register


def sources(*kinds):
    def register(read):
        _sources.append((kinds, read, read.__module__))
        return read
    return register


def source_modules():
    """The modules the sources were registered from (their code decides the lists)."""
    return sorted({module for _kinds, _read, module in _sources})


def latest_by_kind(members, until, kinds=None, since=None):
    """{kind: {member id: date of the latest contact of that kind on or before `until`}} over
    the sources of `kinds` (all if None), only from `since` on if given; one query per
    source."""
    found = {}
    for read_kinds, read, _module in _sources:
        wanted = [kind for kind in read_kinds if kinds is None or kind in kinds]
        if not wanted:
            continue
        dates = read(members, until, since=since, kinds=wanted)
        for kind in wanted:
            merge_latest(found.setdefault(kind, {}), dates.get(kind, {}))
    return found


def merge_latest(into, dates):
    for member_id, day in dates.items():
        if day and (member_id not in into or day > into[member_id]):
            into[member_id] = day
    return into


def latest(members, until, kinds=None, by_kind=None):
    """{member id: date of the latest contact on or before `until`} over the sources of
    `kinds` (all if None); `by_kind`, what `latest_by_kind` read, if at hand."""
    by_kind = latest_by_kind(members, until, kinds) if by_kind is None else by_kind
    found = {}
    for kind, dates in by_kind.items():
        if kinds is None or kind in kinds:
            merge_latest(found, dates)
    return found


@source(CONTACT)
def recorded_contacts(members, until, since=None):
    from members.models import ContactRecord

    rows = ContactRecord.objects.filter(member__in=members.values("pk"), contacted_on__lte=until)
    if since is not None:
        rows = rows.filter(contacted_on__gte=since)
    return dict(rows.values("member_id").annotate(last=Max("contacted_on"))
                .values_list("member_id", "last"))


@source(CONTACT)
def transfer_letters(members, until, since=None):
    from members.models import TransferIn

    rows = TransferIn.objects.filter(member__in=members.values("pk"), received_on__lte=until)
    if since is not None:
        rows = rows.filter(received_on__gte=since)
    return dict(rows.values("member_id").annotate(last=Max("received_on"))
                .values_list("member_id", "last"))


@dataclass
class Silence:
    """A member and the latest date the branch heard of them; `recorded` is False when no
    source knows of any contact and the date is the record's entry."""

    member: object
    last: date
    recorded: bool


@dataclass(frozen=True)
class Entered:
    """What judging a member's silence needs, without a model instance: a street's whole roster
    passes here (50,000 instances cost ~1.3 s; the lists show a handful)."""

    pk: int
    entered: date
    branch_path: str


def entered(members):
    """[Entered] of the `members` queryset, in one query. The local day comes from the
    database: converting 50,000 times in Python cost a street's list 50 ms."""
    return [Entered(*row) for row in members.values_list(
        "pk", TruncDate("created_at"), "branch__path")]


# Above this many members a second reading by id costs more than reading everyone (and an
# older SQLite refuses statements with more than 999 parameters).
LONGEST_ID_LIST = 900


def silent(members, today, months_for, kinds=None, rows=None):
    """{member id: (last day, recorded)} of the `members` (a queryset; `rows`, their [Entered]
    if at hand) whose latest contact of `kinds` (all if None) is `months_for(entered)` months
    or more before `today`. The record's entry date stands in when it is later than every
    contact (see the module's note); `recorded` is False then."""
    return silent_lists(members, today, [(months_for, kinds)], rows)[0]


def silent_lists(members, today, lists, rows=None):
    """What `silent` answers for each `(months_for, kinds)` of `lists`, reading each source at
    most twice for them all.

    First only the contacts since the earliest day one can still keep a member off a list:
    months, where the sources hold years. A member with a contact since then has their latest
    one among them. The others are silent, unless entered since then (the entry stands in for
    anything older): only for those few the sources are read again, without the window, for
    the date the list shows."""
    rows = entered(members) if rows is None else rows
    rows = [row for row in rows if row.entered <= today]  # the others were not on the roster
    months = [{row.pk: months_for(row) for row in rows} for months_for, _ in lists]
    if not rows:
        return [{} for _ in lists]
    since = min(counting_from(today, max(by_member.values())) for by_member in months)
    read_kinds = (None if any(kinds is None for _, kinds in lists)
                  else set().union(*(kinds for _, kinds in lists)))
    window = latest_by_kind(members, today, read_kinds, since=since)
    last = [latest(members, today, kinds, window) for _, kinds in lists]
    older = {row.pk for row in rows if row.entered < since
             and any(row.pk not in dates for dates in last)}
    if older:
        again = members.filter(pk__in=older) if len(older) <= LONGEST_ID_LIST else members
        everything = latest_by_kind(again, today, read_kinds)
        for (_, kinds), dates in zip(lists, last):
            merge_latest(dates, latest(again, today, kinds, everything))
    found = [{} for _ in lists]
    for row in rows:
        for dates, by_member, silent_ones in zip(last, months, found):
            contact = dates.get(row.pk) or date.min
            day = max(contact, row.entered)
            # Six months after 31 August is 28 February: counted forward from the contact.
            if add_months(day, by_member[row.pk]) <= today:
                silent_ones[row.pk] = (day, contact >= row.entered)
    return found


def counting_from(today, months):
    """The earliest day a contact keeps a member off a list of `months` on `today`: the day
    after the last one that `add_months` brings to `today` or before (on 28 February, six months:
    1 September, since 29, 30 and 31 August all come to 28 February)."""
    day = add_months(today, -months)  # always brought to `today` or before: a start
    while add_months(day, months) <= today:
        day += timedelta(days=1)
    return day


def silences(found, instances):
    """[Silence] of `found` (what `silent` answered), with `instances` {id: member}, the
    longest silent first."""
    # A member the cache still lists may have left the scope since (members/contact_cache.py).
    return sorted((Silence(instances[pk], *found[pk]) for pk in found if pk in instances),
                  key=lambda row: (row.last, row.member.name_pinyin, row.member.name))
