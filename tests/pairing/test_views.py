"""The pages as staff and the street use them: what is stored, refused, logged and hidden."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.factories import MemberFactory
from organizations.factories import GrantFactory
from organizations.scope import Role
from pairing.factories import (AgreementFactory, HouseholdFactory, JointSeatFactory,
                               NeedFactory, PairingFactory, ProjectFactory, ResourceFactory,
                               UnitFactory)
from pairing.models import (Agreement, AgreementArea, CareVisit, Contribution, Need,
                            NeedyHousehold, Pairing, Project, Unit)
from tests.access.pairing import PDF, png_bytes


@pytest.fixture
def unit(world):
    return UnitFactory(street=world.street, communities=[world.community], name="区人民医院")


@pytest.fixture
def staff(world, client_as):
    return client_as(world.users["staff"])


def _errors(response):
    return response.content.decode()


def test_staff_register_a_unit_and_a_duplicate_name_is_refused(world, staff):
    data = {"community": world.community.pk, "name": "区人民医院", "unit_type": "public_institution",
            "member_count": "40"}
    response = staff.post(reverse("pairing:unit_create"), data)
    unit = Unit.objects.get(name="区人民医院")
    assert response.status_code == 302 and unit.street == world.street
    assert list(unit.communities.all()) == [world.community]
    response = staff.post(reverse("pairing:unit_create"), {**data, "name": " 区人民医院"})
    assert response.status_code == 200
    assert "本街道已登记名为" in _errors(response)
    assert Unit.objects.count() == 1


def test_the_same_name_in_another_street_is_allowed(world, staff):
    UnitFactory(street=world.other_street, name="区人民医院")
    response = staff.post(reverse("pairing:unit_create"), {
        "community": world.community.pk, "name": "区人民医院", "unit_type": "school",
        "member_count": "3"})
    assert response.status_code == 302
    assert Unit.objects.filter(name="区人民医院").count() == 2


def test_agreement_with_document_and_bad_dates(world, staff, unit, client_as):
    areas = list(AgreementArea.objects.values_list("pk", flat=True)[:2])
    base = {"community": world.community.pk, "unit": unit.pk, "signed_on": "2025-01-05",
            "starts_on": "2025-01-05", "areas": areas, "commitments": "结对帮扶"}
    response = staff.post(reverse("pairing:agreement_create"), {**base, "ends_on": "2024-12-31"})
    assert response.status_code == 200 and "到期日期必须晚于生效日期" in _errors(response)
    bad_file = SimpleUploadedFile("a.pdf", b"just text", content_type="application/pdf")
    response = staff.post(reverse("pairing:agreement_create"),
                          {**base, "ends_on": "2028-01-04", "document": bad_file})
    assert response.status_code == 200 and "请上传 PDF" in _errors(response)
    assert not Agreement.objects.exists()
    document = SimpleUploadedFile("协议.pdf", PDF, content_type="application/pdf")
    response = staff.post(reverse("pairing:agreement_create"),
                          {**base, "ends_on": "2028-01-04", "document": document})
    agreement = Agreement.objects.get()
    assert response.status_code == 302 and agreement.areas.count() == 2
    download = client_as(world.users["official"]).get(
        reverse("pairing:agreement_document", args=[agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_as(world.users["staff_other"]).get(
        reverse("pairing:agreement_document", args=[agreement.pk])).status_code == 404


def test_ending_an_agreement_keeps_its_history(world, staff):
    agreement = AgreementFactory(community=world.community, unit__street=world.street)
    url = reverse("pairing:agreement_end", args=[agreement.pk])
    response = staff.post(url, {"ended_on": "2020-01-01", "reason": "单位搬迁"})
    assert response.status_code == 200 and "结束日期不能早于开始日期" in _errors(response)
    response = staff.post(url, {"ended_on": "2025-06-01", "reason": "单位搬迁"})
    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.status == Agreement.Status.ENDED and agreement.end_reason == "单位搬迁"
    page = staff.get(reverse("pairing:agreement_list"))
    assert "已终止" in page.content.decode()


def test_household_details_are_for_its_community_staff_and_every_view_is_logged(
        world, staff, client_as):
    household = HouseholdFactory(community=world.community, head_name="孙大娘")
    url = reverse("pairing:household_detail", args=[household.pk])
    for _ in range(2):
        assert "孙大娘" in staff.get(url).content.decode()
    entries = LogEntry.objects.filter(object_pk=str(household.pk),
                                      action=LogEntry.Action.ACCESS)
    assert entries.count() == 2
    assert entries.first().additional_data == {"event": "view_household"}
    assert entries.first().actor == world.users["staff"]
    assert "孙大娘" not in entries.first().object_repr
    official = client_as(world.users["official"])
    assert official.get(url).status_code == 404
    listing = official.get(reverse("pairing:household_list")).content.decode()
    assert "孙大娘" not in listing and "household-counts" in listing
    assert entries.count() == 2


def test_pairing_flow_with_visit_and_donation(world, staff, unit, client_as):
    household = HouseholdFactory(community=world.community, head_name="钱大爷")
    response = staff.post(reverse("pairing:pairing_create"), {
        "community": world.community.pk, "kind": "unit_household", "unit": unit.pk,
        "household": household.pk, "started_on": "2025-03-01"})
    pairing = Pairing.objects.get()
    assert response.status_code == 302
    staff.post(reverse("pairing:visit_create", args=[pairing.pk]), {
        "visited_on": "2025-04-01", "visitors": "医院党支部", "given": "米面油"})
    assert CareVisit.objects.filter(pairing=pairing).count() == 1
    staff.post(reverse("pairing:contribution_create"), {
        "community": world.community.pk, "unit": unit.pk, "pairing": pairing.pk,
        "kind": "money", "amount": "500", "given_on": "2025-04-01", "description": "慰问金"})
    assert Contribution.objects.get().pairing == pairing
    street_page = client_as(world.users["official"]).get(
        reverse("pairing:pairing_detail", args=[pairing.pk])).content.decode()
    assert "钱大爷" not in street_page and "困难家庭（低保户）" in street_page
    assert "米面油" in street_page


def test_pairing_with_a_household_of_another_community_is_refused(world, staff, unit):
    elsewhere = HouseholdFactory(community=world.other_community)
    response = staff.post(reverse("pairing:pairing_create"), {
        "community": world.community.pk, "kind": "unit_household", "unit": unit.pk,
        "household": elsewhere.pk, "started_on": "2025-03-01"})
    assert response.status_code == 200 and not Pairing.objects.exists()
    assert "household" in response.context["form"].errors


def test_staff_of_two_communities_cannot_cross_them(world, client_as, unit):
    GrantFactory(user=world.users["staff"], node=world.other_community,
                 role=Role.COMMUNITY_STAFF)
    elsewhere = HouseholdFactory(community=world.other_community)
    response = client_as(world.users["staff"]).post(reverse("pairing:pairing_create"), {
        "community": world.community.pk, "kind": "unit_household", "unit": unit.pk,
        "household": elsewhere.pk, "started_on": "2025-03-01"})
    assert response.status_code == 200
    assert "只能与本社区登记的困难家庭结对" in _errors(response)
    assert not Pairing.objects.exists()


@pytest.mark.parametrize("amount, message", [("-100", "数额必须大于 0"),
                                             ("五千", "请输入数字"), ("0", "数额必须大于 0")])
def test_bad_amounts_are_refused(world, staff, amount, message):
    response = staff.post(reverse("pairing:contribution_create"), {
        "community": world.community.pk, "kind": "money", "amount": amount,
        "given_on": "2025-04-01", "description": "捐款"})
    assert response.status_code == 200 and message in _errors(response)
    assert not Contribution.objects.exists()


def test_need_to_project_to_done(world, staff, unit, client_as):
    staff.post(reverse("pairing:need_create"), {
        "community": world.community.pk, "category": "health", "title": "老人体检",
        "urgency": "3"})
    need = Need.objects.get()
    resource = ResourceFactory(unit=unit, category="health", title="义诊")
    ResourceFactory(unit=unit, category="legal")
    form_page = staff.get(reverse("pairing:project_create", args=[need.pk]))
    assert list(form_page.context["form"].fields["resource"].queryset) == [resource]
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    staff.post(reverse("pairing:project_create", args=[need.pk]), {
        "resource": resource.pk, "title": "老人体检", "owner": "李书记", "deadline": deadline})
    project = Project.objects.get()
    assert project.unit == unit
    url = reverse("pairing:project_update", args=[project.pk])
    response = staff.post(url, {"status": "done", "owner": "李书记", "deadline": deadline})
    assert response.status_code == 200 and "请填写项目成效" in _errors(response)
    project.refresh_from_db()
    assert project.status == Project.Status.PLANNED
    staff.post(url, {"status": "done", "owner": "李书记", "deadline": deadline,
                     "outcome": "体检86人", "rating": "5"})
    project.refresh_from_db()
    need.refresh_from_db()
    assert project.status == Project.Status.DONE and need.closed_on is not None


def test_project_photo_is_checked_and_served_in_scope(world, staff, client_as):
    project = ProjectFactory(need=NeedFactory(community=world.community),
                             resource__unit__street=world.street)
    url = reverse("pairing:photo_create", args=[project.pk])
    response = staff.post(url, {"image": SimpleUploadedFile("x.png", b"not an image")})
    assert response.status_code == 200 and not project.photos.exists()
    staff.post(url, {"image": SimpleUploadedFile("x.png", png_bytes()), "caption": "体检现场"})
    photo = project.photos.get()
    assert staff.get(reverse("pairing:photo_file", args=[photo.pk])).status_code == 200
    assert client_as(world.users["staff_other"]).get(
        reverse("pairing:photo_file", args=[photo.pk])).status_code == 404


def test_unit_page_shows_its_work_per_community_visible_to_the_user(world, client_as, unit):
    unit.communities.add(world.other_community)
    AgreementFactory(community=world.community, unit=unit)
    AgreementFactory(community=world.other_community, unit=unit)
    PairingFactory(community=world.community, unit=unit)
    page = client_as(world.users["staff"]).get(reverse("pairing:unit_detail", args=[unit.pk]))
    communities = [entry["community"] for entry in page.context["record"]]
    assert communities == [world.community]
    page = client_as(world.users["official"]).get(reverse("pairing:unit_detail", args=[unit.pk]))
    assert {entry["community"] for entry in page.context["record"]} == {
        world.community, world.other_community}


def test_unit_feedback_report_and_export(world, client_as, unit):
    worker = MemberFactory(branch=world.branch, employer_unit=unit, name="周在职")
    MemberFactory(branch=world.branch, name="别单位")
    PairingFactory(community=world.community, kind=Pairing.Kind.MEMBER_MEMBER, unit=None,
                   household=None, member=worker, partner=world.member,
                   started_on=date(2025, 2, 1))
    from activities.factories import ActivityFactory
    from activities.services import activity_save

    activity_save(activity=ActivityFactory.build(community=world.community,
                                                 held_on=date(2025, 5, 4)),
                  participants=[(worker, 3)])
    client = client_as(world.users["staff"])
    period = {"start": "2025-01-01", "end": "2025-12-31"}
    page = client.get(reverse("pairing:unit_report", args=[unit.pk]), period)
    report = page.context["report"]
    figures = dict(zip([key for key, _label in report["columns"]], report["rows"][0]["figures"]))
    assert [row["member"].name for row in report["rows"]] == ["周在职"]
    assert figures["pairings"] == 1 and figures["volunteer_hours"] == 3
    assert figures["activities"] == 1 and figures["points"] > 0
    export = client.get(reverse("pairing:unit_report_xlsx", args=[unit.pk]), period)
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet["A3"].value == "周在职" and sheet["E3"].value == 3
    bad = client.get(reverse("pairing:unit_report", args=[unit.pk]),
                     {"start": "2025-12-31", "end": "2025-01-01"})
    assert bad.context["report"] is None and "截止日期不能早于起始日期" in _errors(bad)


def test_joint_committee_partial_renders_for_the_org_page(world, rf):
    from django.template import Context, Template

    JointSeatFactory(community=world.community, person_name="吴委员")
    request = rf.get("/")
    request.user = world.users["staff"]
    html = Template("{% load pairing_tags %}{% joint_committee node %}").render(
        Context({"node": world.community, "request": request}))
    assert "吴委员" in html and reverse("pairing:joint_seat_create") in html


def test_street_sees_totals_but_cannot_write(world, client_as):
    from pairing.factories import ContributionFactory

    ContributionFactory(community=world.community, amount=5000,
                        given_on=timezone.localdate())
    official = client_as(world.users["official"])
    page = official.get(reverse("pairing:overview"))
    assert page.context["this_year"]["money_total"] == 5000
    assert official.get(reverse("pairing:contribution_create")).status_code == 404
    assert NeedyHousehold.objects.count() == 0


def test_signing_with_a_street_unit_makes_it_co_building(world, client_as):
    unit = UnitFactory(street=world.street, communities=[world.community])
    other_staff = client_as(world.users["staff_other"])
    assert other_staff.get(reverse("pairing:unit_detail", args=[unit.pk])).status_code == 404
    foreign = UnitFactory(street=world.other_street)
    base = {"community": world.other_community.pk, "signed_on": "2025-01-05",
            "starts_on": "2025-01-05", "ends_on": "2027-01-04"}
    response = other_staff.post(reverse("pairing:agreement_create"), {**base, "unit": foreign.pk})
    assert response.status_code == 200 and not Agreement.objects.exists()
    response = other_staff.post(reverse("pairing:agreement_create"), {**base, "unit": unit.pk})
    assert response.status_code == 302
    assert set(unit.communities.all()) == {world.community, world.other_community}
    assert other_staff.get(reverse("pairing:unit_detail", args=[unit.pk])).status_code == 200


def test_closing_a_household_needs_a_reason_and_keeps_it(world, staff):
    household = HouseholdFactory(community=world.community)
    url = reverse("pairing:household_edit", args=[household.pk])
    data = {"kind": household.kind, "head_name": household.head_name,
            "address": household.address, "household_size": 3,
            "situation": household.situation, "registered_on": "2024-03-01",
            "closed_on": "2025-10-01"}
    response = staff.post(url, data)
    assert response.status_code == 200 and "销号须说明原因" in _errors(response)
    assert staff.post(url, {**data, "close_reason": "已就业脱困"}).status_code == 302
    household.refresh_from_db()
    assert household.closed_on == date(2025, 10, 1)
    assert not NeedyHousehold.objects.active().filter(pk=household.pk).exists()


@pytest.mark.parametrize("query", [{"year": "99999999"}, {"year": "abc"}, {"page": "x"},
                                   {"community": "99999999999"}])
def test_odd_filters_never_fail(world, staff, query):
    assert staff.get(reverse("pairing:contribution_list"), query).status_code in (200, 404)


def test_agreement_list_filters_by_computed_status(world, staff):
    today = timezone.localdate()
    soon = AgreementFactory(community=world.community, unit__street=world.street,
                            starts_on=today - timedelta(days=300),
                            ends_on=today + timedelta(days=10))
    AgreementFactory(community=world.community, unit__street=world.street,
                     starts_on=today - timedelta(days=300), ends_on=today + timedelta(days=300))
    page = staff.get(reverse("pairing:agreement_list"), {"status": "expiring"})
    assert page.context["agreements"] == [soon]
    assert "status-amber" in page.content.decode()
