"""Withdrawing a resource and archiving a unit: hidden from what is offered, kept and counted."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.factories import MemberFactory
from pairing import selectors, services
from pairing.factories import (AgreementFactory, ContributionFactory, JointSeatFactory,
                               NeedFactory, PairingFactory, ProjectFactory, ResourceFactory,
                               UnitFactory)
from pairing.models import Category, Contribution, Project, Unit


@pytest.fixture
def unit(world):
    return UnitFactory(street=world.street, communities=[world.community], name="区人民医院")


@pytest.fixture
def staff(world, client_as):
    return client_as(world.users["staff"])


def _archive(staff, unit, reason="单位已迁出本街道"):
    return staff.post(reverse("pairing:unit_archive", args=[unit.pk]), {"reason": reason})


def test_a_withdrawn_resource_is_no_longer_matched_to_needs_but_kept(world, staff, unit):
    need = NeedFactory(community=world.community, category=Category.FACILITIES)
    room = ResourceFactory(unit=unit, category=Category.FACILITIES, title="会议室")
    hall = ResourceFactory(unit=unit, category=Category.FACILITIES, title="礼堂")
    project_form = reverse("pairing:project_create", args=[need.pk])
    assert set(staff.get(project_form).context["form"].fields["resource"].queryset) == {
        room, hall}
    url = reverse("pairing:resource_withdraw", args=[room.pk])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = staff.post(url, {"withdrawn_on": tomorrow, "reason": "会议室改作办公"})
    assert response.status_code == 200 and "撤回日期不能晚于今天" in response.content.decode()
    response = staff.post(url, {"withdrawn_on": "2025-06-01", "reason": "会议室改作办公"})
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.withdrawn_on == date(2025, 6, 1) and room.withdraw_reason == "会议室改作办公"
    assert list(staff.get(project_form).context["form"].fields["resource"].queryset) == [hall]
    needs = staff.get(reverse("pairing:need_list"))
    assert [row.suggestion_count for row in needs.context["needs"]] == [1]
    assert list(needs.context["resources"]) == [hall]
    page = staff.get(reverse("pairing:unit_detail", args=[unit.pk])).content.decode()
    assert "会议室改作办公" in page and "会议室" in page
    assert staff.get(url).status_code == 404  # already withdrawn: nothing more to do


def test_projects_already_using_a_withdrawn_resource_go_on(world, unit):
    project = ProjectFactory(need=NeedFactory(community=world.community), resource__unit=unit)
    services.resource_withdraw(resource=project.resource, withdrawn_on=timezone.localdate(),
                               reason="不再提供")
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED and project.resource.withdrawn_on


def test_an_archived_unit_is_not_offered_but_still_counted(world, staff, unit):
    ContributionFactory(community=world.community, unit=unit, amount=Decimal(3000),
                        given_on=date(2025, 3, 1))
    AgreementFactory(community=world.community, unit=unit, starts_on=date(2022, 1, 1),
                     signed_on=date(2022, 1, 1), ends_on=date(2024, 12, 31))
    ResourceFactory(unit=unit, category=Category.HEALTH)
    assert _archive(staff, unit).status_code == 302
    unit.refresh_from_db()
    assert unit.archived_at and unit.archive_reason == "单位已迁出本街道"
    for name in ["agreement_create", "contribution_create", "pairing_create",
                 "joint_seat_create"]:
        form = staff.get(reverse(f"pairing:{name}")).context["form"]
        assert unit not in form.fields["unit"].queryset, name
    need = NeedFactory(community=world.community, category=Category.HEALTH)
    assert not selectors.suggested_resources(need, world.users["staff"]).exists()
    assert unit not in staff.get(reverse("pairing:unit_list")).context["units"]
    assert unit in staff.get(reverse("pairing:unit_list"), {"archived": "1"}).context["units"]
    by_unit = selectors.yearly_totals(Contribution.objects.all(), "unit__name")
    assert [(row["group"], row["year"], row["money_total"]) for row in by_unit] == [
        ("区人民医院", 2025, Decimal(3000))]
    ledger = staff.get(reverse("pairing:contribution_list"), {"year": "2025"})
    assert ledger.context["totals"]["money_total"] == Decimal(3000)
    assert [row["group"] for row in ledger.context["by_unit"]] == ["区人民医院"]
    page = staff.get(reverse("pairing:unit_detail", args=[unit.pk]))
    assert page.status_code == 200 and "该单位已归档" in page.content.decode()
    assert "status-green\">可提供<" not in page.content.decode()  # its resource is not offered
    assert len(page.context["record"][0]["agreements"]) == 1
    assert staff.get(reverse("pairing:resource_create", args=[unit.pk])).status_code == 404


def test_restoring_an_archived_unit_offers_it_again(world, staff, unit):
    services.unit_archive(unit=unit, reason="误操作")
    assert staff.get(reverse("pairing:unit_restore", args=[unit.pk])).status_code == 405
    assert staff.post(reverse("pairing:unit_restore", args=[unit.pk])).status_code == 302
    unit.refresh_from_db()
    assert unit.archived_at is None and unit.archive_reason == ""
    form = staff.get(reverse("pairing:contribution_create")).context["form"]
    assert unit in form.fields["unit"].queryset


def test_archiving_is_refused_while_an_agreement_is_in_force(world, staff, unit):
    today = timezone.localdate()
    agreement = AgreementFactory(community=world.community, unit=unit,
                                 starts_on=today - timedelta(days=100),
                                 signed_on=today - timedelta(days=100),
                                 ends_on=today + timedelta(days=200))
    with pytest.raises(ValidationError) as error:
        services.unit_archive(unit=unit, reason="迁出")
    assert "与兰新社区党委的共建协议有效期至" in str(error.value)
    page = _archive(staff, unit)
    assert page.status_code == 200
    assert "暂时不能归档" in page.content.decode() and "请先终止该协议" in page.content.decode()
    unit.refresh_from_db()
    assert unit.archived_at is None
    services.agreement_end(agreement=agreement, ended_on=today, reason="单位迁出")
    assert _archive(staff, unit).status_code == 302
    assert not Unit.objects.active().filter(pk=unit.pk).exists()


@pytest.mark.parametrize("running", ["pending_agreement", "pairing", "seat", "project"])
def test_other_running_co_building_blocks_archiving_too(world, unit, running):
    today = timezone.localdate()
    if running == "pending_agreement":
        AgreementFactory(community=world.community, unit=unit, signed_on=today,
                         starts_on=today + timedelta(days=30), ends_on=today + timedelta(days=400))
    elif running == "pairing":
        PairingFactory(community=world.community, unit=unit)
    elif running == "seat":
        JointSeatFactory(community=world.community, unit=unit)
    else:
        ProjectFactory(need=NeedFactory(community=world.community), resource__unit=unit)
    assert len(services.unit_archive_blockers(unit)) == 1
    with pytest.raises(ValidationError):
        services.unit_archive(unit=unit, reason="迁出")


def test_another_communitys_unit_and_resource_answer_404(world, client_as, unit):
    resource = ResourceFactory(unit=unit)
    other = client_as(world.users["staff_other"])
    official = client_as(world.users["official"])
    for client in (other, official):
        assert client.get(reverse("pairing:unit_archive", args=[unit.pk])).status_code == 404
        assert client.post(reverse("pairing:unit_archive", args=[unit.pk]),
                           {"reason": "迁出"}).status_code == 404
        assert client.post(reverse("pairing:resource_withdraw", args=[resource.pk]), {
            "withdrawn_on": "2025-06-01", "reason": "不再提供"}).status_code == 404
    services.unit_archive(unit=unit, reason="迁出")
    assert other.post(reverse("pairing:unit_restore", args=[unit.pk])).status_code == 404
    unit.refresh_from_db()
    resource.refresh_from_db()
    assert unit.archived_at is not None and resource.withdrawn_on is None


def test_records_of_an_archived_unit_can_still_be_edited(world, staff, client_as, unit):
    seat = JointSeatFactory(community=world.community, unit=unit, ended_on=date(2025, 1, 1))
    worker = MemberFactory(branch=world.branch, employer_unit=unit)
    services.unit_archive(unit=unit, reason="迁出")
    seat_form = staff.get(reverse("pairing:joint_seat_edit", args=[seat.pk])).context["form"]
    assert unit in seat_form.fields["unit"].queryset
    from members.forms import MemberForm

    assert unit in MemberForm(instance=worker, user=world.users["staff"]).fields[
        "employer_unit"].queryset
    assert unit not in MemberForm(user=world.users["staff"]).fields["employer_unit"].queryset


def test_unit_list_query_count_does_not_grow_with_archived_units(
        world, client_as, django_assert_num_queries):
    for _ in range(3):
        archived = UnitFactory(street=world.street, communities=[world.community])
        services.unit_archive(unit=archived, reason="迁出")
    client = client_as(world.users["staff"])
    with django_assert_num_queries(11):
        page = client.get(reverse("pairing:unit_list"), {"archived": "1"})
    assert len(page.context["units"]) == 3 and "已归档" in page.content.decode()
