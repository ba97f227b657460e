"""民主评议 and 承诺践诺 pages: bad input refused next to the field with nothing saved, scope,
no page showing a ballot, query counts, the public list of commitments."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities.appraisal import services
from activities.appraisal.factories import cast, make_round
from activities.appraisal.models import (Appraisee, Ballot, Commitment, CommitmentRecord,
                                         Participation)
from activities.factories import HeldMeetingFactory
from members.factories import MemberFactory
from tests.portal.images import png_upload

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 12, 20, 9, 0, tzinfo=SH)
CLOSES = datetime(2026, 12, 27, 18, 0, tzinfo=SH)
DURING = OPENS + timedelta(days=1)
AFTER = CLOSES + timedelta(hours=1)


def _branch_round(world, extra=5):
    members = [world.member] + [MemberFactory(branch=world.branch, name=f"党员{index}")
                                for index in range(extra)]
    meeting = HeldMeetingFactory(branch=world.branch, kinds=["general_meeting", "appraisal"],
                                 attendees=members)
    return make_round(world.branch, year=2026, opens=OPENS, closes=CLOSES,
                      meeting=meeting), members


def _ballot_data(round_, voter, grade="qualified", **overrides):
    data = {"ballot": "1"}
    for target in services.ballot_targets(round_, voter):
        data[f"grade_{target.pk}"] = overrides.get(target.member.name, grade)
    return data


def test_a_member_votes_on_their_page_once(world, client_as):
    round_, members = _branch_round(world)
    url = reverse("appraisal:vote", args=[round_.pk])
    with time_machine.travel(DURING, tick=False):
        client = client_as(world.users["member"])  # signed in at the moment: sessions expire
        response = client.post(url, _ballot_data(round_, world.member))
        assert response.status_code == 302
        assert Ballot.objects.count() == 5
        page = client.get(url).content.decode()
        assert 'id="voted"' in page and 'id="ballot-form"' not in page
        response = client.post(url, _ballot_data(round_, world.member))
    assert "重复投票" in response.content.decode()
    assert Ballot.objects.count() == 5 and Participation.objects.count() == 1


def test_voting_outside_the_window_is_refused_on_the_page(world, client_as):
    round_, members = _branch_round(world)
    with time_machine.travel(AFTER, tick=False):
        response = client_as(world.users["member"]).post(
            reverse("appraisal:vote", args=[round_.pk]), _ballot_data(round_, world.member))
    assert "不在投票时间内" in response.content.decode()
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_ballot_with_a_member_left_out_is_refused_next_to_the_field(world, client_as):
    round_, members = _branch_round(world)
    data = _ballot_data(round_, world.member)
    missing = next(key for key in data if key.startswith("grade_"))
    del data[missing]
    with time_machine.travel(DURING, tick=False):
        response = client_as(world.users["member"]).post(
            reverse("appraisal:vote", args=[round_.pk]), data)
    assert missing in response.context["ballot_form"].errors
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_too_many_excellent_on_a_ballot_is_refused(world, client_as):
    round_, members = _branch_round(world, extra=9)  # ten appraised: two 优秀 at most
    data = _ballot_data(round_, world.member, **{f"党员{i}": "excellent" for i in range(3)})
    with time_machine.travel(DURING, tick=False):
        response = client_as(world.users["member"]).post(
            reverse("appraisal:vote", args=[round_.pk]), data)
    assert "最多可评 2 人" in response.content.decode()
    assert not Ballot.objects.exists()


def test_self_appraisal_is_saved_until_the_votes_close(world, client_as):
    round_, members = _branch_round(world)
    url = reverse("appraisal:vote", args=[round_.pk])
    with time_machine.travel(DURING, tick=False):
        client_as(world.users["member"]).post(
            url, {"self": "1", "self_appraisal": "按时参加组织生活，带头参加志愿服务。"})
    with time_machine.travel(AFTER, tick=False):
        response = client_as(world.users["member"]).post(
            url, {"self": "1", "self_appraisal": "改写"})
    assert "自评不能再修改" in response.content.decode()
    assert Appraisee.objects.get(round=round_, member=world.member).self_appraisal.startswith("按时")


def test_no_page_shows_an_individual_ballot(world, client_as):
    round_, members = _branch_round(world)
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[1], "basically_qualified")
        for voter in members[2:5]:
            cast(round_, voter)
        pages = [(world.users["secretary"], reverse("appraisal:round_detail", args=[round_.pk])),
                 (world.users["member"], reverse("appraisal:vote", args=[round_.pk]))]
        for user, url in pages:
            page = client_as(user).get(url).content.decode()
            assert "基本合格</th>" not in page  # no count per grade while votes are open
        page = client_as(world.users["secretary"]).get(pages[0][1]).content.decode()
        assert "4 / 6" in page  # turnout only
    ballot_ids = [str(pk) for pk in Ballot.objects.values_list("id", flat=True)]
    with time_machine.travel(AFTER, tick=False):
        urls = [reverse("appraisal:round_detail", args=[round_.pk]),
                reverse("appraisal:round_decide", args=[round_.pk]),
                reverse("members:member_detail", args=[members[1].pk])]
        for url in urls:
            page = client_as(world.users["secretary"]).get(url).content.decode()
            assert not any(pk in page for pk in ballot_ids)
    # The voter's own page says they voted, never how: no choice is shown checked.
    with time_machine.travel(DURING, tick=False):
        page = client_as(world.users["member"]).get(pages[1][1]).content.decode()
    assert "checked" not in page


def test_the_secretary_decides_and_the_grade_shows_on_the_member_page(world, client_as):
    round_, members = _branch_round(world)
    with time_machine.travel(DURING, tick=False):
        for voter in members[:4]:
            cast(round_, voter)
    url = reverse("appraisal:round_decide", args=[round_.pk])
    appraisees = {a.member.name: a.pk for a in
                  Appraisee.objects.filter(round=round_).select_related("member")}
    data = {f"grade_{pk}": "qualified" for pk in appraisees.values()}
    data[f"grade_{appraisees['党员1']}"] = "unqualified"
    with time_machine.travel(AFTER, tick=False):
        client = client_as(world.users["secretary"])
        response = client.post(url, data)
        assert f"reason_{appraisees['党员1']}" in response.context["form"].errors
        assert not Appraisee.objects.exclude(grade="").exists()
        data[f"grade_{appraisees['赵党员']}"] = "excellent"
        data[f"reason_{appraisees['党员1']}"] = "全年无故不参加组织生活"
        data[f"follow_up_{appraisees['党员1']}"] = "correct"
        response = client.post(url, data)
        assert response.status_code == 302
        page = client.get(reverse("members:member_detail",
                                  args=[world.member.pk])).content.decode()
        assert "2026 年 · <strong>优秀</strong>" in page
        assert client.get(url).status_code == 404  # decided: no second decision


def test_too_many_excellent_in_the_decision_is_refused_on_the_page(world, client_as):
    round_, members = _branch_round(world)  # six appraised, 20 %: one 优秀
    appraisees = list(Appraisee.objects.filter(round=round_))
    data = {f"grade_{a.pk}": "excellent" if index < 2 else "qualified"
            for index, a in enumerate(appraisees)}
    with time_machine.travel(AFTER, tick=False):
        response = client_as(world.users["secretary"]).post(
            reverse("appraisal:round_decide", args=[round_.pk]), data)
    assert "最多 1 人" in response.content.decode()
    assert not Appraisee.objects.exclude(grade="").exists()


def test_rounds_of_another_branch_or_community_are_404(world, client_as):
    round_, members = _branch_round(world)
    other = make_round(world.other_branch, year=2026, opens=OPENS, closes=CLOSES)
    sibling = make_round(world.sibling_branch, year=2026, opens=OPENS, closes=CLOSES)
    with time_machine.travel(AFTER, tick=False):
        for name in ["round_detail", "round_decide", "round_public_counts", "round_edit"]:
            assert client_as(world.users["secretary"]).get(
                reverse(f"appraisal:{name}", args=[sibling.pk])).status_code == 404
            assert client_as(world.users["staff"]).get(
                reverse(f"appraisal:{name}", args=[other.pk])).status_code == 404
        assert client_as(world.users["member"]).get(
            reverse("appraisal:vote", args=[sibling.pk])).status_code == 404


def test_a_member_who_left_cannot_open_the_ballot(world, client_as):
    round_, members = _branch_round(world)
    world.member.left_on = world.member.joined_on.replace(year=2026)
    world.member.save()
    with time_machine.travel(DURING, tick=False):
        assert client_as(world.users["member"]).get(
            reverse("appraisal:vote", args=[round_.pk])).status_code == 404


@pytest.mark.parametrize("extra", [4, 14])
def test_the_tally_page_queries_do_not_grow_with_the_branch(world, client_as, extra,
                                                            django_assert_max_num_queries):
    round_, members = _branch_round(world, extra=extra)
    with time_machine.travel(DURING, tick=False):
        for voter in members[:4]:
            cast(round_, voter)
    for member in members:
        commitment = services.commitment_save(member=member, year=2026, text="清理楼道")
        services.commitment_record_add(commitment=commitment, done_on="2026-05-01", what="清理")
    url = reverse("appraisal:round_detail", args=[round_.pk])
    with time_machine.travel(AFTER, tick=False):
        client = client_as(world.users["secretary"])
        with django_assert_max_num_queries(17):
            response = client.get(url)
    assert response.status_code == 200
    assert "清理楼道" in response.content.decode()


def test_a_member_records_a_commitment_and_its_record_without_a_photo(world, client_as):
    client = client_as(world.users["member"])
    url = reverse("appraisal:my_commitment")
    response = client.post(url, {"record": "1", "done_on": "2026-11-01", "what": "清理楼道"})
    assert "请先填写本年度承诺" in response.content.decode()
    client.post(url, {"commit": "1", "text": "每月清理一次楼道"})
    response = client.post(url, {"record": "1", "done_on": "", "what": "清理楼道"})
    assert "done_on" in response.context["record_form"].errors
    assert not CommitmentRecord.objects.exists()
    assert client.post(url, {"record": "1", "done_on": "2026-11-01",
                             "what": "清理楼道"}).status_code == 302
    client.post(url, {"record": "1", "done_on": "2026-11-08", "what": "看望老人",
                      "evidence": png_upload("a.png", colour="red")})
    record = CommitmentRecord.objects.exclude(evidence="").get()
    assert client.get(reverse("appraisal:record_evidence", args=[record.pk])).status_code == 200
    assert client_as(world.users["staff_other"]).get(
        reverse("appraisal:record_evidence", args=[record.pk])).status_code == 404
    bad = client_as(world.users["member"]).post(url, {
        "record": "1", "done_on": "2026-11-09", "what": "假图片",
        "evidence": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")})
    assert "evidence" in bad.context["record_form"].errors
    assert CommitmentRecord.objects.count() == 2


def test_the_public_list_shows_names_and_commitments_only(world, client):
    # The public list shows this year's commitments, whatever moment the suite runs at.
    year = timezone.localdate().year
    services.commitment_save(member=world.member, year=year, text="每月清理一次楼道")
    outsider = MemberFactory(branch=world.other_branch, name="外社区")
    services.commitment_save(member=outsider, year=year, text="外社区的承诺")
    page = client.get(reverse("appraisal:public_commitments", args=[world.community.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "赵党员" in html and "每月清理一次楼道" in html and "外社区" not in html
    assert world.member.id_number not in html and world.member.id_number[-6:] not in html
    assert not world.member.phone or world.member.phone not in html
    assert client.get(reverse("appraisal:public_commitments",
                              args=[world.branch.pk])).status_code == 404
    assert Commitment.objects.count() == 2


def test_a_round_is_set_up_and_a_reversed_window_refused_next_to_the_field(world, client_as):
    from activities.appraisal.models import Round

    data = {"branch": world.branch.pk, "year": 2026, "period_start": "2026-01-01",
            "period_end": "2026-12-31", "votes_open_at": "2026-12-20T09:00",
            "votes_close_at": "2026-12-19T09:00"}
    client = client_as(world.users["secretary"])
    response = client.post(reverse("appraisal:round_create"), data)
    assert "votes_close_at" in response.context["form"].errors
    assert not Round.objects.exists()
    data["votes_close_at"] = "2026-12-27T18:00"
    assert client.post(reverse("appraisal:round_create"), data).status_code == 302
    round_ = Round.objects.get()
    assert set(round_.appraisees.values_list("member_id", flat=True)) == {world.member.pk}
    response = client.post(reverse("appraisal:round_create"), data)  # the same year again
    assert "year" in response.context["form"].errors or response.context["form"].non_field_errors()
    assert Round.objects.count() == 1
    # The sibling branch's secretary cannot set one up for B1.
    response = client_as(world.users["secretary_other"]).post(
        reverse("appraisal:round_create"), {**data, "year": 2025})
    assert "branch" in response.context["form"].errors
    assert Round.objects.count() == 1


def test_an_employed_member_registered_with_the_community_is_on_its_public_list(world, client):
    from members.models import Registration
    from pairing.factories import UnitFactory

    employed = MemberFactory(branch=world.other_branch, name="钱在职")
    services.commitment_save(member=employed, year=timezone.localdate().year,
                             text="周末到社区参加志愿服务")
    registration = Registration.objects.create(member=employed, community=world.community,
                                               unit=UnitFactory(street=world.street))
    url = reverse("appraisal:public_commitments", args=[world.community.pk])
    assert "钱在职" not in client.get(url).content.decode()  # not yet approved
    registration.status = Registration.Status.APPROVED
    registration.save()
    assert "周末到社区参加志愿服务" in client.get(url).content.decode()


def test_the_tally_page_shows_each_member_s_volunteer_hours_of_the_period(world, client_as):
    from datetime import date
    from decimal import Decimal

    from activities.factories import ActivityFactory, ParticipationFactory

    round_, members = _branch_round(world, extra=1)
    community = world.branch.parent
    inside = date(round_.period_start.year, round_.period_start.month, round_.period_start.day)
    ParticipationFactory(member=world.member, hours=Decimal("3.5"),
                         activity=ActivityFactory(community=community, held_on=inside))
    ParticipationFactory(member=world.member, hours=Decimal("2"),
                         activity=ActivityFactory(community=community,
                                                  held_on=inside - timedelta(days=1)))
    hours = dict(Appraisee.objects.filter(round=round_)
                 .with_service_hours(round_.period_start, round_.period_end)
                 .values_list("member_id", "service_hours"))
    assert hours == {world.member.pk: Decimal("3.5"), members[1].pk: Decimal("0")}
    with time_machine.travel(AFTER, tick=False):
        page = client_as(world.users["secretary"]).get(
            reverse("appraisal:round_detail", args=[round_.pk])).content.decode()
    assert "评议期间志愿服务" in page and "3.5" in page
