from django.contrib.auth import get_user_model

from organizations.models import CommitteeSeat, Grant, Node
from organizations.scope import Role


def test_staff_create_a_branch_in_their_community(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(f"/org/{world.community.pk}/new/",
                           {"name": "兰新社区第二党支部", "sort_order": 1})
    branch = Node.objects.get(name="兰新社区第二党支部")
    assert response.status_code == 302 and branch.kind == Node.Kind.BRANCH
    assert branch.parent == world.community


def test_invalid_node_form_comes_back_with_errors_and_saves_nothing(world, client_as):
    client = client_as(world.users["staff"])
    before = Node.objects.count()
    response = client.post(f"/org/{world.community.pk}/new/",
                           {"name": "", "founded_on": "2026-13-45", "sort_order": "-1"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"name", "founded_on", "sort_order"}
    assert "这个字段是必填项" in response.content.decode()
    assert Node.objects.count() == before


def test_a_community_needs_its_party_organization_type(world, client_as):
    client = client_as(world.users["official"])
    response = client.post(f"/org/{world.street.pk}/new/", {"name": "新社区党委", "sort_order": 0})
    assert "org_type" in response.context["form"].errors


def test_groups_have_no_children(world, client_as):
    response = client_as(world.users["staff"]).get(f"/org/{world.group.pk}/new/")
    assert response.status_code == 404


def test_archive_page_explains_why_a_branch_with_members_stays(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(f"/org/{world.branch.pk}/archive/", {"reason": "合并"})
    assert response.status_code == 200
    assert "1 名在册党员" in response.content.decode()
    world.branch.refresh_from_db()
    assert world.branch.archived_at is None


def test_archive_and_restore_a_group(world, client_as):
    client = client_as(world.users["secretary"])
    assert client.post(f"/org/{world.group.pk}/archive/", {"reason": "合并"}).status_code == 302
    world.group.refresh_from_db()
    assert world.group.archived_at is not None and world.group.archive_reason == "合并"
    assert client.post(f"/org/{world.group.pk}/restore/").status_code == 302
    world.group.refresh_from_db()
    assert world.group.archived_at is None


def test_staff_cannot_archive_their_own_community(world, client_as):
    assert client_as(world.users["staff"]).get(
        f"/org/{world.community.pk}/archive/").status_code == 404


def test_seat_without_end_gets_the_default_term(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.post(f"/org/{world.branch.pk}/seats/new/", {
        "role": "secretary", "person_name": "张书记", "term_start": "2025-03-01"})
    assert response.status_code == 302
    seat = CommitteeSeat.objects.get(person_name="张书记")
    assert str(seat.term_end) == "2028-03-01"


def test_seat_member_choices_are_limited_to_the_scope(world, client_as):
    from members.factories import MemberFactory

    outsider = MemberFactory(branch=world.other_branch)
    response = client_as(world.users["staff"]).post(f"/org/{world.branch.pk}/seats/new/", {
        "role": "committee_member", "person_name": "外人", "member": outsider.pk,
        "term_start": "2025-03-01"})
    assert "member" in response.context["form"].errors


def test_staff_create_a_secretary_account(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(f"/org/{world.community.pk}/accounts/new/", {
        "username": "wangshuji", "full_name": "王书记", "role": Role.BRANCH_SECRETARY,
        "node": world.branch.pk, "password1": "Hongqi@2026", "password2": "Hongqi@2026"})
    assert response.status_code == 302
    user = get_user_model().objects.get(username="wangshuji")
    assert Grant.objects.get(user=user).node == world.branch


def test_account_form_refuses_other_communities_weak_passwords_and_wrong_levels(world,
                                                                                 client_as):
    client = client_as(world.users["staff"])
    response = client.post(f"/org/{world.community.pk}/accounts/new/", {
        "username": "staff", "full_name": "重名", "role": Role.BRANCH_SECRETARY,
        "node": world.other_branch.pk, "password1": "12345678", "password2": "12345678"})
    errors = response.context["form"].errors
    assert {"username", "node", "password1"} <= set(errors)
    response = client.post(f"/org/{world.community.pk}/accounts/new/", {
        "username": "newstaff", "full_name": "新人", "role": Role.BRANCH_SECRETARY,
        "node": world.community.pk, "password1": "Hongqi@2026", "password2": "Hongqi@2026"})
    assert "须选择党支部" in response.context["form"].errors["node"][0]
    assert not get_user_model().objects.filter(username="newstaff").exists()


def test_staff_cannot_revoke_their_own_grant(world, client_as):
    grant = Grant.objects.get(user=world.users["staff"])
    client_as(world.users["staff"]).post(f"/org/grants/{grant.pk}/revoke/")
    assert Grant.objects.filter(pk=grant.pk).exists()


def test_wrong_password_gives_the_same_chinese_message_for_known_and_unknown_users(world,
                                                                                   client):
    known = client.post("/accounts/login/", {"username": "staff", "password": "wrong"})
    unknown = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert "请输入一个正确的" in known.content.decode()
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_pages_are_chinese_by_default_and_english_on_request(world, client_as):
    client = client_as(world.users["staff"])
    page = client.get("/org/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "组织架构" in page and 'lang="zh-hans"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/org/"})
    assert 'lang="en"' in client.get("/org/").content.decode()
