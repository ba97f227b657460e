"""The 督查整改 pages driven through HTTP: forms refuse bad input with a Chinese message next
to the field and save nothing; exports open."""
from datetime import timedelta
from io import BytesIO

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.factories import InspectionPointFactory, RectificationFactory
from portal.models import Inspection, RankingWeight, Rectification
from tests.portal.images import fake_image_upload, png_upload

TODAY = timezone.localdate


def _inspection_data(point, **overrides):
    return {"point": point.pk, "inspected_on": TODAY().isoformat(), "result": "fail",
            "problem": "墙面有小广告", "deadline": (TODAY() + timedelta(days=2)).isoformat(),
            "photo": png_upload(), **overrides}


def test_an_official_records_a_failure_with_a_photo(client_as, world):
    point = InspectionPointFactory(community=world.community)
    client = client_as(world.users["official"])
    response = client.post(reverse("dashboards:inspection_create"), _inspection_data(point))
    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dashboards:inspection_detail", args=[inspection.pk])
    assert inspection.rectification.status == Rectification.Status.OPEN
    photo = client.get(reverse("dashboards:inspection_photo", args=[inspection.pk]))
    assert photo.status_code == 200
    assert photo["Content-Type"] == "image/png"


def test_a_past_deadline_is_refused_next_to_the_field(client_as, world):
    point = InspectionPointFactory(community=world.community)
    response = client_as(world.users["official"]).post(
        reverse("dashboards:inspection_create"),
        _inspection_data(point, deadline=(TODAY() - timedelta(days=1)).isoformat()))
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == ["整改期限不能早于今天。"]
    assert not Inspection.objects.exists()


def test_a_point_of_another_street_is_refused_with_a_message(client_as, world):
    point = InspectionPointFactory(community=world.other_street_community)
    response = client_as(world.users["official"]).post(reverse("dashboards:inspection_create"),
                                                       _inspection_data(point))
    assert response.status_code == 200
    assert response.context["form"].errors["point"] == ["只能督查本街道在用的点位。"]
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(client_as, world):
    point = InspectionPointFactory(community=world.community)
    response = client_as(world.users["official"]).post(
        reverse("dashboards:inspection_create"), _inspection_data(point, photo=fake_image_upload()))
    assert response.context["form"].errors["photo"] == ["请上传 JPG、PNG、GIF 或 WEBP 格式的图片。"]
    assert not Inspection.objects.exists()


def test_staff_fix_with_an_after_photo_and_the_official_accepts_once(client_as, world):
    rectification = RectificationFactory(inspection__point__community=world.community)
    fix_url = reverse("dashboards:rectification_fix", args=[rectification.pk])
    staff = client_as(world.users["staff"])
    refused = staff.post(fix_url, {"note": "已清理", "photo": fake_image_upload()})
    assert refused.context["form"].errors["photo"] == ["请上传 JPG、PNG、GIF 或 WEBP 格式的图片。"]
    assert staff.post(fix_url, {"note": "已清理", "photo": png_upload()}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.FIXED
    after = rectification.events.get(action="fixed")
    detail = staff.get(reverse("dashboards:rectification_detail", args=[rectification.pk]))
    assert reverse("dashboards:rectification_event_photo", args=[after.pk]) in \
        detail.content.decode()
    official = client_as(world.users["official"])
    accept_url = reverse("dashboards:rectification_accept", args=[rectification.pk])
    official.post(accept_url)
    second = official.post(accept_url, follow=True)
    assert "该整改已验收，不能重复验收。" in second.content.decode()
    assert list(rectification.events.values_list("action", flat=True)) == [
        "opened", "fixed", "accepted"]


def test_the_official_returns_a_fix_with_a_reason(client_as, world):
    rectification = RectificationFactory(inspection__point__community=world.community,
                                         status=Rectification.Status.FIXED, fixed_on=TODAY())
    client = client_as(world.users["official"])
    url = reverse("dashboards:rectification_return", args=[rectification.pk])
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    assert client.post(url, {"reason": "仍有杂物"}).status_code == 302
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.RETURNED
    page = client.get(reverse("dashboards:rectification_detail", args=[rectification.pk]))
    assert "仍有杂物" in page.content.decode()


def test_the_street_edits_its_ranking_weights(client_as, world):
    client = client_as(world.users["official"])
    url = reverse("dashboards:ranking_weights", args=[world.street.pk])
    bad = client.post(url, {"on_time_rate": "-1", "problems_found": "abc",
                            "rectifications_overdue": "10", "compliance_rate": "30",
                            "activities_held": "20", "task_completion": "0"})
    assert set(bad.context["form"].errors) == {"on_time_rate", "problems_found"}
    assert not RankingWeight.objects.filter(node=world.street).exists()
    client.post(url, {"on_time_rate": "60", "problems_found": "20",
                      "rectifications_overdue": "20", "compliance_rate": "30",
                      "activities_held": "20", "task_completion": "0"})
    page = client.get(reverse("dashboards:ranking", args=[world.street.pk])).content.decode()
    assert "计算公式" in page
    assert ">60<" in page


def test_the_daily_bulletin_lists_the_days_problems(client_as, world):
    rectification = RectificationFactory(inspection__point__community=world.community,
                                         inspection__problem="占道经营")
    detail_url = reverse("dashboards:rectification_detail", args=[rectification.pk])
    official = client_as(world.users["official"]).get(
        reverse("dashboards:bulletin", args=[world.street.pk])).content.decode()
    assert detail_url in official
    client = client_as(world.users["staff_other"])
    page = client.get(reverse("dashboards:bulletin", args=[world.street.pk])).content.decode()
    assert "占道经营" in page
    assert "兰新社区党委" in page
    # Staff of another community read the bulletin but get no link into C1's records.
    assert detail_url not in page
    assert client.get(reverse("dashboards:bulletin", args=[world.street.pk]),
                      {"day": "nonsense"}).status_code == 200


def test_the_monthly_report_exports_xlsx(client_as, world):
    RectificationFactory(inspection__point__community=world.community,
                         inspection__problem="路面破损")
    client = client_as(world.users["official"])
    response = client.get(reverse("dashboards:monthly_report_xlsx", args=[world.street.pk]),
                          {"month": f"{TODAY():%Y-%m}"})
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["概况", "三会一课", "会议", "社区活动", "共建贡献", "整改"]
    overview = [[cell.value for cell in row] for row in workbook["概况"].iter_rows(min_row=4)]
    assert [row[0] for row in overview] == ["兰新社区党委", "袁庄社区党委"]
    rectifications = list(workbook["整改"].iter_rows(min_row=2, values_only=True))
    assert rectifications[0][3] == "路面破损"
    page = client.get(reverse("dashboards:monthly_report", args=[world.community.pk]),
                      {"month": "bad"})
    assert page.status_code == 200
    assert "路面破损" in page.content.decode()


def test_the_monthly_report_lists_meetings_activities_and_contributions(client_as, world):
    from activities.factories import ActivityFactory, HeldMeetingFactory
    from pairing.factories import ContributionFactory

    day = TODAY().replace(day=1)
    when = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
    HeldMeetingFactory(branch=world.branch, topic="学习二十届四中全会精神", starts_at=when)
    HeldMeetingFactory(branch=world.branch, topic="上月的会", starts_at=when - timedelta(days=3))
    ActivityFactory(community=world.community, title="清理楼道堆物", held_on=day)
    ContributionFactory(community=world.community, given_on=day, description="慰问金")
    ContributionFactory(community=world.other_community, given_on=day, description="别处的")
    client = client_as(world.users["staff"])
    page = client.get(reverse("dashboards:monthly_report", args=[world.community.pk]),
                      {"month": f"{day:%Y-%m}"}).content.decode()
    for text in ["学习二十届四中全会精神", "清理楼道堆物", "慰问金", "三会一课落实情况"]:
        assert text in page
    assert "上月的会" not in page and "别处的" not in page
    response = client.get(reverse("dashboards:monthly_report_xlsx", args=[world.community.pk]),
                          {"month": f"{day:%Y-%m}"})
    workbook = load_workbook(BytesIO(response.content))
    meetings = list(workbook["会议"].iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in meetings] == ["学习二十届四中全会精神"]
    assert [row[6] for row in workbook["共建贡献"].iter_rows(min_row=2, values_only=True)] == [
        "慰问金"]
    summary = list(workbook["三会一课"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert summary[0][0] == world.community.name


def test_lists_ignore_bad_filters(client_as, world):
    client = client_as(world.users["official"])
    for name, params in [("dashboards:inspection_list", {"date_from": "x"}),
                         ("dashboards:inspection_list", {"date_from": "0001-01-01"}),
                         ("dashboards:rectification_list", {"state": "nope"})]:
        assert client.get(reverse(name), params).status_code == 200
    # A list of communities the dashboards never link names nothing (kernel/request_params.py).
    assert client.get(reverse("dashboards:inspection_list"), {"community": "a,"}).status_code \
        == 404


def _records_in(community, count):
    for _index in range(count):
        RectificationFactory(inspection__point__community=community)


# Session (read, saved: 4), user, grants, the rows, the navigation's member link.
LIST_QUERIES = 8


def test_list_query_counts_do_not_grow(client_as, world, django_assert_num_queries):
    client = client_as(world.users["official"])
    for size in (2, 7):
        _records_in(world.community, size)
        for name in ("dashboards:inspection_list", "dashboards:rectification_list"):
            with django_assert_num_queries(LIST_QUERIES):
                assert client.get(reverse(name)).status_code == 200


def test_an_official_adds_points_only_in_their_street(client_as, world):
    from portal.models import InspectionPoint

    client = client_as(world.users["official"])
    url = reverse("dashboards:point_create")
    data = {"community": world.other_street_community.pk, "kind": "garbage", "name": "垃圾站"}
    assert client.post(url, data).context["form"].errors["community"]
    assert client.post(url, {**data, "community": world.community.pk}).status_code == 302
    point = InspectionPoint.objects.get()
    edit = reverse("dashboards:point_edit", args=[point.pk])
    refused = client.post(edit, {**data, "community": world.community.pk,
                                 "archived_on": TODAY().isoformat()})
    assert refused.context["form"].errors["archive_reason"] == ["停用时请写明原因。"]
    client.post(edit, {**data, "community": world.community.pk,
                       "archived_on": TODAY().isoformat(), "archive_reason": "已拆除"})
    point.refresh_from_db()
    assert point.archived_on == TODAY()
