from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members import selectors, services
from members.factories import MemberFactory, PostFactory, RegistrationFactory
from members.models import Member, PointsEntry, Post, PostClaim, Registration
from pairing.factories import UnitFactory


def test_standard_posts_are_seeded_once(world):
    assert len(services.posts_seed_standard(community=world.community)) == 12
    assert services.posts_seed_standard(community=world.community) == []
    assert "政策宣传岗" in set(world.community.posts.values_list("name", flat=True))


def test_claim_approve_puts_member_on_post_and_awards_a_month(world):
    post = PostFactory(community=world.community, capacity=1)
    claim = services.post_claim_create(post=post, member=world.member)
    services.post_claim_approve(claim=claim, user=world.users["staff"])
    entry = PointsEntry.objects.get(member=world.member)
    assert (entry.item, entry.points) == ("post_month", 5)
    services.post_claim_record_month(claim=claim, month=date.today())
    assert PointsEntry.objects.filter(member=world.member).count() == 1  # same month: once


def test_a_full_post_refuses_claims_and_approvals(world):
    post = PostFactory(community=world.community, capacity=1)
    first = services.post_claim_create(post=post, member=world.member)
    other = MemberFactory(branch=world.branch)
    second = services.post_claim_create(post=post, member=other)
    services.post_claim_approve(claim=first, user=world.users["staff"])
    with pytest.raises(ValidationError, match="已满员"):
        services.post_claim_approve(claim=second, user=world.users["staff"])
    with pytest.raises(ValidationError, match="已满员"):
        services.post_claim_create(post=post, member=MemberFactory(branch=world.branch))
    assert PostClaim.objects.get(pk=second.pk).status == PostClaim.Status.PENDING


def test_member_cannot_claim_twice_or_in_another_community(world):
    post = PostFactory(community=world.community)
    services.post_claim_create(post=post, member=world.member)
    with pytest.raises(ValidationError):
        services.post_claim_create(post=post, member=world.member)
    with pytest.raises(ValidationError):
        services.post_claim_create(post=PostFactory(community=world.other_community),
                                   member=world.member)


def test_registration_opens_the_community_for_claims(world):
    unit = UnitFactory(street=world.street, member_count=4)
    member = MemberFactory(branch=world.other_branch, category=Member.Category.EMPLOYED)
    registration = services.registration_create(member=member, community=world.community,
                                                unit=unit)
    post = PostFactory(community=world.community)
    with pytest.raises(ValidationError):
        services.post_claim_create(post=post, member=member)
    services.registration_decide(registration=registration, user=world.users["staff"],
                                 approve=True)
    services.post_claim_create(post=post, member=member)
    counts = {u.pk: u.registered for u in selectors.unit_registration_counts(world.community)}
    assert counts[unit.pk] == 1


def test_only_employed_members_register_and_a_decline_needs_a_reason(world):
    with pytest.raises(ValidationError):
        services.registration_create(member=world.member, community=world.community,
                                     unit=UnitFactory(street=world.street))
    registration = RegistrationFactory(community=world.community)
    with pytest.raises(ValidationError):
        services.registration_decide(registration=registration, user=None, approve=False)
    services.registration_decide(registration=registration, user=None, approve=False,
                                 reason="不住本社区")
    assert Registration.objects.get().status == Registration.Status.DECLINED


def test_member_claims_from_phone_page_and_staff_approves(world, client_as):
    post = PostFactory(community=world.community, name="卫生巡逻岗")
    client = client_as(world.users["member"])
    assert "卫生巡逻岗" in client.get("/members/me/posts/").content.decode()
    client.post(f"/members/me/posts/{post.pk}/claim/")
    claim = PostClaim.objects.get()
    staff = client_as(world.users["staff"])
    board = staff.get(f"/members/posts/community/{world.community.pk}/").content.decode()
    assert "赵党员" in board
    staff.post(f"/members/claims/{claim.pk}/approve/")
    me = client_as(world.users["member"]).get("/members/me/points/").content.decode()
    assert "岗位服务" in me


def test_staff_decline_with_reason(world, client_as):
    claim = services.post_claim_create(post=PostFactory(community=world.community),
                                       member=world.member)
    client = client_as(world.users["staff"])
    response = client.post(f"/members/claims/{claim.pk}/decline/", {"reason": ""})
    assert "这个字段是必填项" in response.content.decode()
    client.post(f"/members/claims/{claim.pk}/decline/", {"reason": "名额已安排"})
    claim.refresh_from_db()
    assert (claim.status, claim.decline_reason) == (PostClaim.Status.DECLINED, "名额已安排")


def test_post_board_counts_in_one_query(world, django_assert_num_queries):
    for post in [PostFactory(community=world.community) for _ in range(3)]:
        services.post_claim_create(post=post, member=MemberFactory(branch=world.branch))
    with django_assert_num_queries(1):
        board = list(selectors.post_board(world.community))
    assert [p.pending for p in board] == [1, 1, 1]
    assert Post.objects.count() == 3


def test_self_service_registration_then_claim_in_that_community(world, client_as):
    unit = UnitFactory(street=world.street)
    member = world.member
    member.category = Member.Category.EMPLOYED
    member.save()
    client = client_as(world.users["member"])
    response = client.post("/members/me/registration/", {
        "unit": unit.pk, "community": world.other_community.pk, "address": "袁庄小区3栋"})
    assert response.status_code == 302
    registration = Registration.objects.get(member=member)
    assert registration.status == Registration.Status.PENDING
    other_post = PostFactory(community=world.other_community, name="护楼员")
    assert "护楼员" not in client.get("/members/me/posts/").content.decode()
    # Staff of the community lived in approve it; staff of the member's own community cannot.
    assert client_as(world.users["staff"]).post(
        f"/members/registrations/{registration.pk}/decide/",
        {"decision": "approve"}).status_code == 404
    client_as(world.users["staff_other"]).post(
        f"/members/registrations/{registration.pk}/decide/", {"decision": "approve"})
    client = client_as(world.users["member"])
    assert "护楼员" in client.get("/members/me/posts/").content.decode()
    client.post(f"/members/me/posts/{other_post.pk}/claim/")
    assert PostClaim.objects.get().post == other_post


def test_recording_a_further_month_awards_it_once(world):
    claim = services.post_assign(post=PostFactory(community=world.community),
                                 member=world.member, user=world.users["staff"])
    services.post_claim_record_month(claim=claim, month=date(2026, 1, 15))
    services.post_claim_record_month(claim=claim, month=date(2026, 1, 20))
    months = sorted(e.occurred_on for e in PointsEntry.objects.filter(member=world.member))
    assert date(2026, 1, 1) in months and len(months) == len(set(months))


def test_post_page_answers_while_a_claim_awaits_a_decision(world, client_as):
    """A pending claim has no decider: the page used to raise on `decided_by.username`."""
    post = PostFactory(community=world.community, name="楼道长岗")
    services.post_claim_create(post=post, member=world.member)
    for role in ["staff", "official"]:
        response = client_as(world.users[role]).get(f"/members/posts/{post.pk}/")
        assert response.status_code == 200
        assert "赵党员" in response.content.decode()


def test_edit_and_assign_are_reachable_from_the_post_list(world, client_as):
    post = PostFactory(community=world.community)
    board = client_as(world.users["staff"]).get(
        f"/members/posts/community/{world.community.pk}/").content.decode()
    assert f'href="/members/posts/{post.pk}/edit/"' in board
    assert f'href="/members/posts/{post.pk}/assign/"' in board
    official_board = client_as(world.users["official"]).get(
        f"/members/posts/community/{world.community.pk}/").content.decode()
    assert f"/members/posts/{post.pk}/edit/" not in official_board
