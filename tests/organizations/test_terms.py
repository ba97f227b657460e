"""换届: terms by their end, overdue ones flagged and reminded once (issue 14)."""
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from activities.models import Notification
from activities.reminders import scan
from organizations import selectors
from organizations.factories import SeatFactory
from organizations.models import CommitteeSeat

pytestmark = pytest.mark.django_db
NOW = "2026-12-01 10:00:00+08:00"


def _seats(world):
    ended = SeatFactory(node=world.community, role=CommitteeSeat.Role.SECRETARY,
                        person_name="袁书记", term_start=date(2021, 11, 1),
                        term_end=date(2026, 11, 1))
    due = SeatFactory(node=world.branch, role=CommitteeSeat.Role.SECRETARY, person_name="张书记",
                      term_start=date(2024, 1, 20), term_end=date(2027, 1, 20))
    SeatFactory(node=world.branch, role=CommitteeSeat.Role.COMMITTEE_MEMBER,
                person_name="王委员", term_start=date(2024, 3, 1), term_end=date(2027, 1, 20))
    later = SeatFactory(node=world.other_branch, role=CommitteeSeat.Role.SECRETARY,
                        term_start=date(2025, 1, 1), term_end=date(2028, 1, 1))
    return ended, due, later


@time_machine.travel(NOW, tick=False)
def test_terms_are_listed_by_end_with_countdown_and_overdue_first(world, client_as,
                                                                 django_assert_num_queries):
    _seats(world)
    rows = selectors.term_rows(world.users["official"], date(2026, 12, 1))
    assert [(row.node, row.days_left, row.overdue, row.due) for row in rows] == [
        (world.community, -30, True, False), (world.branch, 50, False, True),
        (world.other_branch, 396, False, False)]
    assert [seat.person_name for seat in rows[1].seats] == ["张书记", "王委员"]
    client = client_as(world.users["staff"])
    # Session (4), user, grants, the seats (one query whatever their number, nodes joined),
    # the navigation's member link.
    with django_assert_num_queries(8):
        response = client.get(reverse("organizations:terms"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("袁书记") < page.index("张书记")
    assert "已超过 30 天，请尽快换届" in page and "还有 50 天" in page
    assert 'data-state="overdue"' in page and 'data-state="due"' in page
    assert str(world.other_branch.name) not in page  # another community's branch
    secretary_page = client_as(world.users["secretary"]).get(
        reverse("organizations:terms")).content.decode()
    assert "张书记" in secretary_page and "袁书记" not in secretary_page


@time_machine.travel(NOW, tick=False)
def test_a_seat_past_its_term_shows_term_ended_not_serving(world, client_as):
    _seats(world)
    page = client_as(world.users["staff"]).get(
        reverse("organizations:node_detail", args=[world.community.pk])).content.decode()
    assert "任期已满" in page
    assert "在任" not in page.split("班子成员", 1)[1].split("</table>", 1)[0]


@time_machine.travel(NOW, tick=False)
def test_an_overdue_term_is_reminded_once_and_no_longer_after_the_new_term(world):
    ended, _due, _later = _seats(world)
    scan(sources=["term_overdue"])
    scan(sources=["term_overdue"])
    notices = Notification.objects.filter(category="term_overdue")
    assert set(notices.values_list("object_id", "recipient__username")) == {
        (ended.pk, "staff"), (ended.pk, "official")}
    assert notices.count() == 2
    assert "已于 2026年11月1日 届满，尚未换届" in notices.first().title
    ended.ended_on = date(2026, 11, 20)
    ended.save()
    with time_machine.travel("2026-12-02 10:00:00+08:00", tick=False):
        scan(sources=["term_overdue"])
    assert Notification.objects.filter(category="term_overdue").count() == 2
