"""Demo of moving members: every state in the demo secretary's branch (letters out awaiting
their receipt, overdue and received; a letter in; a 流动党员; a 失联 member and a recorded
contact), so the crawl opens each page with rows. Idempotent: skipped once the branch has a
letter out."""
from datetime import date, timedelta

from django.db.models import Max
from django.utils import timezone

from members import moves
from members.demo import DEMO_MEMBER
from members.factories import make_id_number
from members.models import Member, TransferOut
from organizations.models import Grant
from organizations.scope import Role


def seed(context):
    grant = (Grant.objects.filter(user=context.users.get("shuji"), role=Role.BRANCH_SECRETARY)
             .select_related("node").first())
    if grant is None or TransferOut.objects.filter(from_branch=grant.node).exists():
        return
    branch, today, user = grant.node, context.today, context.users["shuji"]
    free = list(Member.objects.active().full().filter(branch=branch, user__isnull=True,
                                                      post_claims__isnull=True)
                .exclude(user__username=DEMO_MEMBER).order_by("-pk")[:5])
    if len(free) < 5:
        return
    letters = [(free[0], 20, None, "上海市浦东新区花木街道党工委"),
               (free[1], 150, None, "合肥市蜀山区琥珀街道党工委"),
               (free[2], 60, 30, "南京市鼓楼区宁海路街道党工委")]
    for index, (member, days_ago, receipt_days_ago, destination) in enumerate(letters, 1):
        transfer = moves.transfer_out_create(
            member=member, letter_number=f"皖组转字〔{today.year}〕{index:03d}号",
            destination=destination, sent_on=today - timedelta(days=days_ago), user=user)
        if receipt_days_ago:
            moves.transfer_out_receipt(transfer=transfer,
                                       receipt_on=today - timedelta(days=receipt_days_ago),
                                       note="已报到")
    moves.mobile_stay_start(member=free[3], destination="江苏省苏州市工业园区",
                            contact="13955501234", certificate_number="LD2026-0086",
                            host_organization="苏州工业园区流动党员党支部",
                            started_on=today - timedelta(days=200), user=user)
    moves.contact_record(member=free[3], contacted_on=today - timedelta(days=15), way="电话",
                         note="在苏州务工，身体健康", user=user)
    number = (Member.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    moves.transfer_in_create(
        to_branch=branch, letter_number=f"苏组转字〔{today.year}〕117号",
        origin="苏州市姑苏区双塔街道党工委", received_on=today - timedelta(days=10), user=user,
        person={"name": "周立新", "gender": Member.Gender.MALE, "birth_date": date(1978, 3, 9),
                "id_number": make_id_number(number, date(1978, 3, 9)),
                "joined_on": date(2003, 7, 1), "status": Member.Status.FULL,
                "category": Member.Category.EMPLOYED, "phone": "13955507788"})
    # 失联: a record entered eight months ago with no contact since.
    lost = Member.objects.create(
        name="韩国强", gender=Member.Gender.MALE, birth_date=date(1969, 10, 2),
        id_number=make_id_number(number + 1, date(1969, 10, 2)), phone="13955509911",
        joined_on=date(1995, 6, 20), full_member_on=date(1996, 6, 20), branch=branch,
        category=Member.Category.EMPLOYED)
    Member.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(days=(timezone.localdate() - today).days + 240))
    context.log(f"党员流动：{branch.name} 转出 3、转入 1、流动 1、失联 1（{lost.name}）")
