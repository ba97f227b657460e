"""督查整改 rules, called directly: what is recorded, what is refused, and the history kept."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organizations.factories import CommunityFactory
from portal import services
from portal.factories import InspectionPointFactory, RectificationFactory
from portal.models import Inspection, InspectionPoint, Rectification, RectificationEvent
from tests.portal.images import fake_image_upload, png_upload

TODAY = timezone.localdate


def _fail(world, point=None, deadline=None, **overrides):
    return services.inspection_record(
        point=point or InspectionPointFactory(community=world.community),
        inspected_on=TODAY(), result=Inspection.Result.FAIL, problem="垃圾满溢",
        photo=png_upload(), inspector=world.users["official"],
        deadline=deadline or TODAY() + timedelta(days=2), **overrides)


def test_a_pass_opens_no_rectification(world):
    inspection = services.inspection_record(
        point=InspectionPointFactory(community=world.community), inspected_on=TODAY(),
        result=Inspection.Result.PASS, problem="", photo=None, inspector=world.users["official"])
    assert inspection.community == world.community
    assert not Rectification.objects.exists()


def test_a_failure_opens_a_rectification_for_the_community_with_its_history(world):
    inspection = _fail(world)
    rectification = inspection.rectification
    assert rectification.community == world.community
    assert rectification.status == Rectification.Status.OPEN
    assert list(rectification.events.values_list("action", flat=True)) == ["opened"]
    assert inspection.photo.name.startswith("inspections/")


def test_a_deadline_in_the_past_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _fail(world, deadline=TODAY() - timedelta(days=1))
    assert error.value.message_dict["deadline"] == ["整改期限不能早于今天。"]
    assert not Inspection.objects.exists()


def test_a_failure_needs_a_problem_and_a_deadline(world):
    with pytest.raises(ValidationError) as error:
        services.inspection_record(
            point=InspectionPointFactory(community=world.community), inspected_on=TODAY(),
            result=Inspection.Result.FAIL, problem=" ", photo=None,
            inspector=world.users["official"])
    assert set(error.value.message_dict) == {"problem", "deadline"}


def test_a_point_of_another_street_is_refused(world):
    other = InspectionPointFactory(community=world.other_street_community)
    with pytest.raises(ValidationError) as error:
        _fail(world, point=other)
    assert error.value.message_dict["point"] == ["只能督查本街道的点位。"]
    assert not Inspection.objects.exists()


def test_staff_cannot_record_inspections(world):
    with pytest.raises(ValidationError):
        services.inspection_record(
            point=InspectionPointFactory(community=world.community), inspected_on=TODAY(),
            result=Inspection.Result.PASS, problem="", photo=None, inspector=world.users["staff"])


def test_fix_needs_a_real_image(world):
    rectification = _fail(world).rectification
    with pytest.raises(ValidationError) as error:
        services.rectification_fix(rectification=rectification, actor=world.users["staff"],
                                   note="已清运", photo=fake_image_upload())
    assert "请上传 JPG、PNG、GIF 或 WEBP 格式的图片。" in error.value.messages
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.OPEN


def test_fix_accept_and_a_second_acceptance_is_refused(world):
    rectification = _fail(world).rectification
    services.rectification_fix(rectification=rectification, actor=world.users["staff"],
                               note="已清运", photo=png_upload("after.png"))
    assert rectification.status == Rectification.Status.FIXED
    assert rectification.fixed_on == TODAY()
    services.rectification_accept(rectification=rectification, actor=world.users["official"])
    assert rectification.status == Rectification.Status.ACCEPTED
    assert rectification.on_time
    with pytest.raises(ValidationError) as error:
        services.rectification_accept(rectification=rectification,
                                      actor=world.users["official"])
    assert error.value.messages == ["该整改已验收，不能重复验收。"]
    assert list(rectification.events.values_list("action", flat=True)) == [
        "opened", "fixed", "accepted"]


def test_accepting_before_the_fix_is_refused(world):
    rectification = _fail(world).rectification
    with pytest.raises(ValidationError) as error:
        services.rectification_accept(rectification=rectification,
                                      actor=world.users["official"])
    assert error.value.messages == ["社区尚未报告整改完成，不能验收。"]


def test_a_returned_fix_is_fixed_again_and_every_step_is_kept(world):
    rectification = _fail(world).rectification
    services.rectification_fix(rectification=rectification, actor=world.users["staff"],
                               note="已清运", photo=png_upload())
    with pytest.raises(ValidationError):
        services.rectification_return(rectification=rectification,
                                      actor=world.users["official"], reason="  ")
    services.rectification_return(rectification=rectification, actor=world.users["official"],
                                  reason="仍有垃圾")
    assert rectification.status == Rectification.Status.RETURNED
    services.rectification_fix(rectification=rectification, actor=world.users["staff"],
                               note="再次清运", photo=png_upload())
    services.rectification_accept(rectification=rectification, actor=world.users["official"])
    events = list(rectification.events.order_by("at", "pk"))
    assert [event.action for event in events] == ["opened", "fixed", "returned", "fixed",
                                                  "accepted"]
    assert events[2].note == "仍有垃圾"
    assert RectificationEvent.objects.filter(rectification=rectification).exclude(
        photo="").count() == 2


def test_scope_of_the_inspection_records(world):
    rectification = RectificationFactory(inspection__point__community=world.community)
    RectificationFactory(inspection__point__community=world.other_community)
    visible = Rectification.objects.visible_to
    assert list(visible(world.users["staff"])) == [rectification]
    assert list(visible(world.users["secretary"])) == [rectification]
    assert visible(world.users["official"]).count() == 2
    assert not visible(world.users["official_other"]).exists()
    assert not visible(world.users["member"]).exists()
    assert list(Rectification.objects.managed_by_staff(world.users["staff"])) == [rectification]
    assert not Rectification.objects.managed_by_staff(world.users["official"]).exists()
    assert not Rectification.objects.managed_by_staff(world.users["secretary"]).exists()
    assert Rectification.objects.overseen_by(world.users["official"]).count() == 2
    assert not Rectification.objects.overseen_by(world.users["staff"]).exists()
    assert not InspectionPoint.objects.overseen_by(world.users["official_other"]).exists()


def test_an_overdue_rectification(world):
    rectification = RectificationFactory(inspection__point__community=world.community,
                                         deadline=TODAY() - timedelta(days=1))
    assert rectification.is_overdue()
    assert list(Rectification.objects.overdue(TODAY())) == [rectification]
    assert not CommunityFactory().rectifications.exists()
