"""A joint-committee seat for a unit whose agreement ended asks for a confirmation; 人次 are
whole numbers wherever a contribution is listed."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pairing.factories import AgreementFactory, ContributionFactory, UnitFactory
from pairing.models import Contribution, JointCommitteeSeat

pytestmark = pytest.mark.django_db




def seat_data(world, unit, **changes):
    return {"community": world.community.pk, "unit": unit.pk, "person_name": "吴委员",
            "unit_position": "党委书记", "role": "committee_member",
            "term_start": "2026-11-01", "term_end": "2031-11-01", **changes}


def test_a_unit_whose_agreement_just_ended_is_warned_then_confirmed(world, client_as):
    unit = UnitFactory(street=world.street, name="区人民医院")
    ended = timezone.localdate() - timedelta(days=2)
    AgreementFactory(community=world.community, unit=unit, starts_on=ended - timedelta(days=1095),
                     signed_on=ended - timedelta(days=1095), ends_on=ended)
    client = client_as(world.users["staff"])
    url = reverse("pairing:joint_seat_create")
    warned = client.post(url, seat_data(world, unit))
    assert warned.status_code == 200 and not JointCommitteeSeat.objects.exists()
    html = warned.content.decode()
    assert f"共建协议已于 {ended.year}年{ended.month}月{ended.day}日 结束" in html
    assert 'type="checkbox" name="confirm_without_agreement"' in html
    confirmed = client.post(url, seat_data(world, unit, confirm_without_agreement="on"))
    assert confirmed.status_code == 302 and JointCommitteeSeat.objects.count() == 1


def test_a_unit_with_an_agreement_in_force_is_not_warned(world, client_as):
    unit = UnitFactory(street=world.street)
    today = timezone.localdate()
    AgreementFactory(community=world.community, unit=unit, signed_on=today - timedelta(days=365),
                     starts_on=today - timedelta(days=365), ends_on=today + timedelta(days=730))
    response = client_as(world.users["staff"]).post(reverse("pairing:joint_seat_create"),
                                                     seat_data(world, unit))
    assert response.status_code == 302


def test_volunteer_counts_read_as_whole_numbers(world, client_as):
    ContributionFactory(community=world.community, kind=Contribution.Kind.VOLUNTEERS,
                        amount=Decimal("12"), description="志愿服务", given_on=date(2026, 11, 1))
    ContributionFactory(community=world.community, amount=Decimal("1500.5"),
                        given_on=date(2026, 11, 2))
    page = client_as(world.users["staff"]).get(reverse("pairing:contribution_list"))
    html = page.content.decode()
    assert "12 人次" in html and "12.00 人次" not in html
    assert "1500.50 元" in html

