"""Compliance judged on constructed calendars, calling the functions directly."""
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from activities.compliance import (AMBER, GREEN, GREY, RED, Span, branch_compliance, branch_year,
                                   branches_compliance, load_facts, street_matrix)
from activities.factories import HeldMeetingFactory, MeetingFactory
from activities.models import MeetingKind, MeetingRule, Period
from organizations.factories import BranchFactory, CommunityFactory, GroupFactory, SeatFactory
from organizations.models import CommitteeSeat

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))


def held(branch, day, *kinds, group=None):
    return HeldMeetingFactory(branch=branch, group=group, starts_at=at(day), kinds=list(kinds))


@pytest.fixture
def branch():
    return BranchFactory()


def statuses(result):
    return {code: status.status for code, status in result.items()}


def test_branch_without_committee_or_groups_has_no_committee_or_group_meetings(branch):
    result = branch_compliance(branch, Span.month(2026, 11), TODAY)
    assert MeetingKind.COMMITTEE_MEETING not in result
    assert MeetingKind.GROUP_MEETING not in result
    assert set(result) == {"general_meeting", "party_lecture", "theme_day", "life_meeting",
                           "appraisal", "talk"}


def test_branch_with_committee_must_hold_committee_meetings(branch):
    SeatFactory(node=branch, role=CommitteeSeat.Role.DEPUTY_SECRETARY,
                term_start=date(2024, 3, 1))
    result = branch_compliance(branch, Span.month(2026, 10), TODAY)
    assert result[MeetingKind.COMMITTEE_MEETING].status == RED
    held(branch, date(2026, 10, 9), MeetingKind.COMMITTEE_MEETING)
    assert branch_compliance(branch, Span.month(2026, 10), TODAY)[
        MeetingKind.COMMITTEE_MEETING].status == GREEN


def test_running_month_is_amber_until_met_then_green(branch):
    month = Span.month(2026, 11)
    assert branch_compliance(branch, month, TODAY)[MeetingKind.THEME_DAY].status == AMBER
    held(branch, date(2026, 11, 5), MeetingKind.THEME_DAY)
    assert branch_compliance(branch, month, TODAY)[MeetingKind.THEME_DAY].status == GREEN


def test_a_month_that_ended_unmet_is_red_and_a_future_month_is_grey(branch):
    assert branch_compliance(branch, Span.month(2026, 10), TODAY)["theme_day"].status == RED
    assert branch_compliance(branch, Span.month(2026, 12), TODAY)["theme_day"].status == GREY


def test_only_held_meetings_count(branch):
    MeetingFactory(branch=branch, starts_at=at(date(2026, 10, 9)), kinds=["theme_day"])
    cancelled = MeetingFactory(branch=branch, starts_at=at(date(2026, 10, 10)),
                               kinds=["theme_day"])
    cancelled.status = "cancelled"
    cancelled.save()
    assert branch_compliance(branch, Span.month(2026, 10), TODAY)["theme_day"].status == RED


def test_combined_meeting_counts_for_each_kind_and_group_meetings_per_group(branch):
    first, second = GroupFactory(parent=branch), GroupFactory(parent=branch)
    held(branch, date(2026, 10, 12), MeetingKind.THEME_DAY, MeetingKind.GROUP_MEETING,
         group=first)
    result = branch_compliance(branch, Span.month(2026, 10), TODAY)
    assert result[MeetingKind.THEME_DAY].status == GREEN
    group_status = result[MeetingKind.GROUP_MEETING]
    assert group_status.status == RED           # the second group held nothing
    assert group_status.gaps == [(Span.month(2026, 10), second.pk)]
    held(branch, date(2026, 10, 20), MeetingKind.GROUP_MEETING, group=second)
    assert branch_compliance(branch, Span.month(2026, 10), TODAY)[
        MeetingKind.GROUP_MEETING].status == GREEN


def test_quarterly_kind_seen_from_a_month_uses_its_quarter(branch):
    held(branch, date(2026, 7, 3), MeetingKind.PARTY_LECTURE)
    # September is in Q3, which had its lecture in July.
    assert branch_compliance(branch, Span.month(2026, 9), TODAY)["party_lecture"].status == GREEN
    # Q2 ended without a lecture.
    assert branch_compliance(branch, Span.month(2026, 5), TODAY)["party_lecture"].status == RED


def test_year_of_monthly_kind_is_red_when_one_month_was_missed(branch):
    for month in range(1, 11):
        if month != 4:
            held(branch, date(2026, month, 8), MeetingKind.THEME_DAY)
    year = branch_compliance(branch, Span.year(2026), TODAY)["theme_day"]
    assert year.status == RED
    assert (year.held, year.required) == (9, 11)  # Jan–Nov have started; April missed


def test_community_override_wins_over_default(branch):
    community = branch.parent
    MeetingRule.objects.create(node=community, kind_id=MeetingKind.PARTY_LECTURE,
                               period="year", minimum=2)
    held(branch, date(2026, 3, 3), MeetingKind.PARTY_LECTURE)
    lecture = branch_compliance(branch, Span.year(2026), TODAY)["party_lecture"]
    assert (lecture.status, lecture.held, lecture.required) == (AMBER, 1, 2)
    other = BranchFactory(parent=CommunityFactory(parent=community.parent))
    assert branch_compliance(other, Span.year(2026), TODAY)["party_lecture"].required == 4


def test_rules_loaded_for_many_branches_are_each_branchs_nearest(branch):
    # load_facts resolves the rules once per set of ancestors holding rules: branches sharing
    # a community must still each get their own override.
    community = branch.parent
    sibling = BranchFactory(parent=community)
    other = BranchFactory(parent=CommunityFactory(parent=community.parent))
    for node, kind in ((community, MeetingKind.PARTY_LECTURE),
                       (sibling, MeetingKind.PARTY_LECTURE),
                       (community.parent, MeetingKind.TALK)):
        MeetingRule.objects.create(node=node, kind_id=kind, period="year", minimum=2)
    _kinds, facts = load_facts([branch, sibling, other], TODAY, TODAY)
    assert {pk: branch_facts.rules["party_lecture"].node_id
            for pk, branch_facts in facts.items()} == {
        branch.pk: community.pk, sibling.pk: sibling.pk, other.pk: None}
    assert {branch_facts.rules["talk"].node_id for branch_facts in facts.values()} == {
        community.parent_id}


def test_minimum_zero_means_the_kind_does_not_apply(branch):
    MeetingRule.objects.create(node=branch.parent.parent, kind_id=MeetingKind.TALK,
                               period="year", minimum=0)
    assert "talk" not in branch_compliance(branch, Span.year(2026), TODAY)


def test_branch_year_rows_and_community_table(branch):
    held(branch, date(2026, 11, 2), MeetingKind.THEME_DAY)
    idle = BranchFactory(parent=branch.parent)
    months, rows = branch_year(branch, 2026, TODAY)
    theme = next(row for row in rows if row["kind"].code == "theme_day")
    assert [cell.status for cell in theme["months"]][9:] == [RED, GREEN, GREY]
    kinds, table = branches_compliance([branch, idle], Span.month(2026, 11), TODAY)
    by_branch = {b.pk: statuses(result) for b, result in table}
    assert by_branch[branch.pk]["theme_day"] == GREEN
    assert by_branch[idle.pk]["theme_day"] == AMBER


def test_street_matrix_shows_worst_branch_per_month(branch):
    community = branch.parent
    for month in range(1, 12):
        held(branch, date(2026, month, 8), MeetingKind.THEME_DAY, MeetingKind.GENERAL_MEETING,
             MeetingKind.PARTY_LECTURE, MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL,
             MeetingKind.TALK)
    months, rows = street_matrix(community.parent, 2026, TODAY)
    assert [cells for node, cells in rows if node == community][0][:11] == [GREEN] * 11
    BranchFactory(parent=community)  # a branch that held nothing
    months, rows = street_matrix(community.parent, 2026, TODAY)
    cells = [cells for node, cells in rows if node == community][0]
    # December's own month has not started, but the yearly kinds' window runs through it.
    assert (cells[0], cells[10], cells[11]) == (RED, AMBER, AMBER)


def test_the_matrix_shortcut_agrees_with_judge(branch):
    from activities.compliance import (SpanWindows, judge, kind_statuses, load_facts,
                                       worst_and_red, worst_by_month, worst_each, worst_of)

    group = GroupFactory(parent=branch)
    SeatFactory(node=branch, role=CommitteeSeat.Role.DEPUTY_SECRETARY)
    for month in (1, 2, 3, 5, 8, 11):
        held(branch, date(2026, month, 8), MeetingKind.THEME_DAY, MeetingKind.GENERAL_MEETING)
        held(branch, date(2026, month, 9), MeetingKind.GROUP_MEETING, group=group)
    held(branch, date(2026, 6, 3), MeetingKind.COMMITTEE_MEETING, MeetingKind.PARTY_LECTURE)
    held(branch, date(2026, 11, 2), MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL)
    seen, named = set(), set()
    for today in (date(2026, 4, 15), TODAY, date(2027, 1, 3)):
        kinds, facts = load_facts([branch], date(2026, 1, 1), date(2026, 12, 31))
        for month in range(1, 13):
            span = Span.month(2026, month)
            expected = worst_of(status.status for status in judge(
                facts[branch.pk], kinds, span, today, ending_only=True).values())
            by_month = worst_by_month(facts[branch.pk], kinds, Span.year(2026), today)
            assert by_month[month - 1] == expected
            seen.add(expected)
        spans = {f"m{month}": Span.month(2026, month) for month in range(1, 13)}
        spans |= {f"q{quarter}": Span.quarter(2026, quarter) for quarter in range(1, 5)}
        spans["year"] = Span.year(2026)
        expected = {key: worst_of(status.status for status in judge(
            facts[branch.pk], kinds, span, today).values()) for key, span in spans.items()}
        # All spans at once (their windows shared), and each alone.
        assert worst_each(facts[branch.pk], kinds, SpanWindows(spans, today)) == expected
        red = [kind.code for kind in kinds if any(
            judged.status == RED for span in spans.values()
            for judged in judge(facts[branch.pk], kinds, span, today).values()
            if judged.code == kind.code)]
        assert worst_and_red(facts[branch.pk], kinds, SpanWindows(spans, today)) == (expected,
                                                                                      red)
        named.update(red)
        for key, span in spans.items():
            assert worst_each(facts[branch.pk], kinds, SpanWindows({key: span}, today)) == {
                key: expected[key]}
            assert kind_statuses(facts[branch.pk], kinds, SpanWindows({key: span}, today)) == {
                code: judged.status
                for code, judged in judge(facts[branch.pk], kinds, span, today).items()}
        seen.update(expected.values())
    assert {GREEN, AMBER, RED, GREY} <= seen
    assert {MeetingKind.COMMITTEE_MEETING, MeetingKind.PARTY_LECTURE} <= named


def test_meetings_are_counted_within_the_months_loaded_only(branch):
    """The counts start at the month of the first day loaded and end with the last: a window
    reaching before or after them holds only what falls inside, in `judge` and `worst_each`."""
    from activities.compliance import SpanWindows, judge, worst_each, worst_of

    for month in (3, 4, 6, 9, 10):
        held(branch, date(2026, month, 8), MeetingKind.THEME_DAY)
    kinds, facts = load_facts([branch], date(2026, 4, 20), date(2026, 9, 30))
    facts = facts[branch.pk]
    counted = {span.label: facts.held(None, MeetingKind.THEME_DAY, span) for span in (
        Span.month(2026, 3), Span.quarter(2026, 1), Span.quarter(2026, 2), Span.month(2026, 4),
        Span.year(2026), Span.month(2026, 10), Span.quarter(2026, 4), Span.month(2025, 12),
        Span.year(2027))}
    assert counted == {"2026-03": 0, "2026-Q1": 0, "2026-Q2": 2, "2026-04": 1, "2026": 3,
                       "2026-10": 0, "2026-Q4": 0, "2025-12": 0, "2027": 0}
    spans = {f"m{month}": Span.month(2026, month) for month in range(1, 13)}
    spans |= {"q1": Span.quarter(2026, 1), "q2": Span.quarter(2026, 2), "y": Span.year(2026),
              "before": Span.month(2025, 12)}
    today = date(2026, 11, 22)
    assert worst_each(facts, kinds, SpanWindows(spans, today)) == {
        key: worst_of(status.status for status in judge(facts, kinds, span, today).values())
        for key, span in spans.items()}


def test_a_window_straddling_the_first_month_loaded_holds_what_was_counted(branch):
    """Each kind, not only the branch's worst: a quarterly rule's quarter begun before the
    first month loaded holds the meetings counted since."""
    from activities.compliance import SpanWindows, judge, kind_statuses

    MeetingRule.objects.filter(node=None, kind=MeetingKind.THEME_DAY).update(
        period=Period.QUARTER, minimum=2)
    for month in (3, 5, 6):
        held(branch, date(2026, month, 8), MeetingKind.THEME_DAY)
    kinds, facts = load_facts([branch], date(2026, 5, 20), date(2026, 9, 30))
    facts = facts[branch.pk]
    spans = {"q1": Span.quarter(2026, 1), "q2": Span.quarter(2026, 2),
             "march": Span.month(2026, 3), "april": Span.month(2026, 4),
             "june": Span.month(2026, 6), "before": Span.quarter(2025, 4)}
    for key, span in spans.items():
        assert kind_statuses(facts, kinds, SpanWindows({key: span}, TODAY)) == {
            code: judged.status for code, judged in judge(facts, kinds, span, TODAY).items()}
    assert kind_statuses(facts, kinds, SpanWindows({"q2": spans["q2"]}, TODAY))[
        MeetingKind.THEME_DAY] == GREEN
    assert kind_statuses(facts, kinds, SpanWindows({"q1": spans["q1"]}, TODAY))[
        MeetingKind.THEME_DAY] == RED


def test_a_month_of_more_meetings_than_a_byte_holds_is_counted_as_met(branch):
    from activities.compliance import count_held
    from activities.models import Meeting

    meetings = Meeting.objects.bulk_create([
        Meeting(branch=branch, topic=f"第{n}次", status=Meeting.Status.HELD,
                starts_at=at(date(2026, 10, 1 + n % 28)), ends_at=at(date(2026, 10, 1 + n % 28),
                                                                     11))
        for n in range(300)])
    Meeting.kinds.through.objects.bulk_create([
        Meeting.kinds.through(meeting=meeting, meetingkind_id=MeetingKind.THEME_DAY)
        for meeting in meetings])
    counted = count_held([branch], date(2026, 9, 1), date(2026, 11, 30))
    assert list(counted[branch.pk][None, MeetingKind.THEME_DAY]) == [0, 255, 0]
    # The most a rule may ask (the rules page and the model allow 99) is met.
    MeetingRule.objects.filter(node=None, kind=MeetingKind.THEME_DAY).update(minimum=99)
    assert branch_compliance(branch, Span.month(2026, 10), TODAY)[
        MeetingKind.THEME_DAY].status == GREEN
    with pytest.raises(ValidationError):
        MeetingRule(kind_id=MeetingKind.THEME_DAY, period=Period.MONTH, minimum=100).full_clean(
            exclude=["node"])


def test_a_window_is_as_bad_as_its_worst_owner_whichever_comes_first():
    from activities.compliance import BranchFacts, SpanWindows, month_index, worst_each

    code = MeetingKind.GROUP_MEETING
    rule = SimpleNamespace(period=Period.MONTH, minimum=1)
    windows = SpanWindows({"october": Span.month(2026, 10), "november": Span.month(2026, 11),
                           "quarter": Span.quarter(2026, 4)}, TODAY)
    october = month_index(2026, 10)
    for met, missed in ((1, 2), (2, 1)):
        # One party group met in both months, the other in neither.
        # Counted from October: one byte a month (`count_held`).
        facts = BranchFacts(branch=None, has_committee=False, group_ids=[1, 2],
                            rules={code: rule}, held_by={(met, code): bytes([1, 1])},
                            base=october)
        assert worst_each(facts, [SimpleNamespace(code=code)], windows) == {
            "october": RED, "november": AMBER, "quarter": RED}
        facts.held_by[missed, code] = bytes([1])
        assert worst_each(facts, [SimpleNamespace(code=code)], windows) == {
            "october": GREEN, "november": AMBER, "quarter": AMBER}


def test_a_branch_is_judged_from_its_first_whole_window_after_its_founding():
    from activities.compliance import SpanWindows, load_facts, worst_each

    new = BranchFactory(founded_on=date(2026, 11, 5))
    group = GroupFactory(parent=new, founded_on=date(2026, 12, 1))
    after_year = date(2027, 1, 10)
    year = branch_compliance(new, Span.year(2026), after_year)
    # Monthly kinds: December only; quarterly and yearly kinds: no window began after founding.
    assert [window.label for window, _owner in year["theme_day"].gaps] == ["2026-12"]
    assert year["theme_day"].required == 1
    assert (year["general_meeting"].status, year["life_meeting"].status) == (GREY, GREY)
    assert [(window.label, owner) for window, owner in year["group_meeting"].gaps] == [
        ("2026-12", group.pk)]
    held(new, date(2026, 12, 8), MeetingKind.THEME_DAY)
    held(new, date(2026, 12, 9), MeetingKind.GROUP_MEETING, group=group)
    kinds, facts = load_facts([new], date(2026, 1, 1), date(2026, 12, 31))
    assert worst_each(facts[new.pk], kinds, SpanWindows({"year": Span.year(2026)}, after_year)
                      ) == {"year": GREEN}
    # The same branch without a founding date is red for the months before.
    new.founded_on = None
    new.save()
    assert branch_compliance(new, Span.year(2026), after_year)["theme_day"].status == RED


def test_a_group_without_a_founding_date_is_judged_from_its_branch_founding():
    new = BranchFactory(founded_on=date(2026, 11, 5))
    GroupFactory(parent=new)
    year = branch_compliance(new, Span.year(2026), date(2027, 1, 10))
    assert [window.label for window, _group in year["group_meeting"].gaps] == ["2026-12"]
