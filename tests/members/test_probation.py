"""转正 only once the probation has run: an early decision is refused with a clear message."""
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from members import services
from members.factories import MemberFactory
from members.models import Member

pytestmark = pytest.mark.django_db


def _probationary(world, joined_on=date(2025, 12, 15)):
    return MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                         full_member_on=None, joined_on=joined_on)


@time_machine.travel("2026-12-01 10:00:00+08:00", tick=False)
def test_conversion_14_days_before_the_probation_ends_is_refused(world):
    member = _probationary(world)
    assert member.probation_ends_on == date(2026, 12, 15)
    with pytest.raises(ValidationError) as refused:
        services.member_convert(member=member, decided_on=date(2026, 12, 1))
    assert "不能提前转正" in str(refused.value.message_dict["decided_on"])
    member.refresh_from_db()
    assert (member.status, member.full_member_on) == (Member.Status.PROBATIONARY, None)
    services.member_convert(member=member, decided_on=date(2026, 12, 15))
    member.refresh_from_db()
    assert (member.status, member.full_member_on) == (Member.Status.FULL, date(2026, 12, 15))


@time_machine.travel("2026-12-01 10:00:00+08:00", tick=False)
def test_the_convert_page_says_why_and_extension_stays_possible(world, client_as):
    member = _probationary(world)
    client = client_as(world.users["secretary"])
    response = client.post(f"/members/{member.pk}/convert/", {"decided_on": "2026-12-01"})
    assert response.status_code == 200
    assert "预备期到2026年12月15日才满，不能提前转正" in response.content.decode()
    response = client.post(f"/members/{member.pk}/extend/",
                           {"months": 6, "decided_on": "2026-12-01"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.probation_ends_on == date(2027, 6, 15)
