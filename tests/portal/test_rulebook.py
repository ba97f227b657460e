"""The rules page (规则设置): a street's or a district's officials set the time limits the
portal enforces, for their level or one community; the 细则's numbers only ever get stricter;
the apps read the new values at once; bad input stays on the form and nothing is lost."""
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.appraisal.services import excellent_max_percent
from kernel.dates import first_of_month_after
from members.development.models import DevelopmentRule, limits_for
from members.dues import services as dues_services
from members.dues.models import DuesRate, DuesRounding
from members.dues.rates import RateBook
from members.factories import MemberFactory
from members.models import MoveRule
from members.moves import rule_for as move_rule_for
from organizations.models import TermRule
from pairing.wishes.services import rule_for as wish_rule_for
from portal.rulebook import SECTIONS

pytestmark = pytest.mark.django_db


def _edit(client, node, key, data):
    return client.post(reverse("rulebook:edit", args=[node.pk, key]), data)


def _moves(**changes):
    return {"receipt_due_days": "90", "lost_contact_months": "6",
            "lost_excluded_from_quorum": "on", **changes}


def _development(node, **changes):
    values = {value.field.name: str(value.value) for value in SECTIONS["development"].values(node)}
    return {**values, **changes}


def test_a_street_sets_the_move_rules_and_the_roster_follows(world, client_as):
    client = client_as(world.users["official"])
    response = _edit(client, world.street, "moves", _moves(lost_contact_months="3"))
    assert response.status_code == 302
    assert move_rule_for(world.branch).lost_contact_months == 3
    assert move_rule_for(world.other_street_community).lost_contact_months == 6
    page = client.get(reverse("rulebook:rules", args=[world.community.pk])).content.decode()
    row = page[page.index('id="rule-moves-lost_contact_months"'):]
    assert "3" in row[:row.index("</tr>")] and world.street.name in row[:row.index("</tr>")]
    # Back to the default.
    client.post(reverse("rulebook:clear", args=[world.street.pk, "moves"]))
    assert not MoveRule.objects.filter(node=world.street).exists()
    assert move_rule_for(world.branch).lost_contact_months == 6


def test_a_community_of_the_street_gets_its_own_wish_limits(world, client_as):
    client = client_as(world.users["official"])
    assert _edit(client, world.community, "wishes",
                 {"due_days": "5", "unclaimed_days": "1"}).status_code == 302
    assert (wish_rule_for(world.community).due_days, wish_rule_for(world.other_community).due_days
            ) == (5, 7)


def test_appraisal_cap(world, client_as):
    client = client_as(world.users["official"])
    _edit(client, world.street, "appraisal", {"excellent_max_percent": "15"})
    assert excellent_max_percent(world.branch) == 15


@pytest.mark.parametrize("code, value", [
    ("cultivation_months", "6"),     # a shorter 培养考察 than the 细则's 12 months
    ("talk_months", "2"),            # a longer deadline for the talk
    ("training_hours", "20"),
])
def test_the_rules_of_the_xize_are_never_relaxed(world, client_as, code, value):
    client = client_as(world.users["official"])
    response = _edit(client, world.street, "development",
                     _development(world.street, **{code: value}))
    assert response.status_code == 200
    assert "不能宽于上级的规定" in response.content.decode()
    assert not DevelopmentRule.objects.filter(node=world.street).exists()


def test_stricter_development_limits_are_kept_per_code(world, client_as):
    client = client_as(world.users["official"])
    response = _edit(client, world.street, "development",
                     _development(world.street, cultivation_months="18", report_months="2"))
    assert response.status_code == 302
    # Only the codes set apart from the level above have a row.
    assert set(DevelopmentRule.objects.filter(node=world.street).values_list("code", "value")
               ) == {("cultivation_months", 18), ("report_months", 2)}
    limits = limits_for(world.branch)
    assert (limits["cultivation_months"], limits["report_months"], limits["talk_months"]
            ) == (18, 2, 1)
    # A community below cannot relax the street's 18 months back to the 细则's 12.
    response = _edit(client, world.community, "development",
                     _development(world.community, cultivation_months="12"))
    assert "不能宽于上级的规定（18）" in response.content.decode()
    # Saving the inherited value again drops the street's row.
    _edit(client, world.street, "development", _development(world.street, report_months="3"))
    assert set(DevelopmentRule.objects.filter(node=world.street).values_list("code", flat=True)
               ) == {"cultivation_months"}


def test_a_district_tightens_and_a_street_set_earlier_is_flagged(district_world, client_as):
    world = district_world
    DevelopmentRule.objects.create(node=world.street, code="review_months", value=5)
    client = client_as(world.users["district_official"])
    assert _edit(client, world.district, "development",
                 _development(world.district, review_months="4")).status_code == 302
    # The street's own 5 months, set before, is now laxer than the district's 4: shown, not
    # silently changed.
    value = next(value for value in SECTIONS["development"].values(world.street)
                 if value.field.name == "review_months")
    assert (value.value, value.above, value.laxer) == (5, 4, True)
    page = client.get(reverse("rulebook:rules", args=[world.street.pk])).content.decode()
    assert "宽于上级规定" in page and 'id="read-only"' in page
    assert limits_for(world.other_street_community)["review_months"] == 6


def test_approval_limits_stay_in_order(world, client_as):
    client = client_as(world.users["official"])
    response = _edit(client, world.street, "development",
                     _development(world.street, approval_months="2", approval_max_months="1"))
    assert "特殊情况的审批期限不能短于一般审批期限" in response.content.decode()
    assert not DevelopmentRule.objects.filter(node=world.street).exists()


def test_terms_by_level(world, client_as):
    client = client_as(world.users["official"])
    # A community sets the terms of its own committee and its branches', not the street's.
    response = client.get(reverse("rulebook:edit", args=[world.community.pk, "terms"]))
    assert list(response.context["form"].fields) == ["community", "branch"]
    _edit(client, world.community, "terms", {"community": "5", "branch": "4"})
    assert TermRule.years_for(world.branch) == 4
    assert TermRule.years_for(world.other_branch) == 3
    assert list(TermRule.objects.filter(node=world.community).values_list("kind", flat=True)
                ) == ["branch"]


@pytest.mark.parametrize("data", [
    _moves(receipt_due_days="abc"), _moves(receipt_due_days="0"),
    _moves(lost_contact_months="99999999999999999999999"), _moves(receipt_due_days="<b>9</b>"),
    {"lost_contact_months": "3"},
])
def test_bad_input_stays_on_the_form_and_nothing_is_lost(world, client_as, data):
    MoveRule.objects.create(node=world.street, receipt_due_days=60, lost_contact_months=4)
    client = client_as(world.users["official"])
    response = _edit(client, world.street, "moves", data)
    assert response.status_code == 200
    assert response.context["form"].errors
    rule = MoveRule.objects.get(node=world.street)
    assert (rule.receipt_due_days, rule.lost_contact_months) == (60, 4)


def test_another_streets_rules_are_out_of_reach(world, client_as):
    client = client_as(world.users["official_other"])
    for url in (reverse("rulebook:rules", args=[world.community.pk]),
                reverse("rulebook:edit", args=[world.street.pk, "moves"])):
        assert client.get(url).status_code == 404
    assert _edit(client, world.street, "moves", _moves(lost_contact_months="2")
                 ).status_code == 404
    assert client.post(reverse("rulebook:clear", args=[world.street.pk, "moves"])
                       ).status_code == 404
    assert not MoveRule.objects.filter(node=world.street).exists()


def test_the_page_reads_a_fixed_number_of_queries(world, client_as,
                                                  django_assert_max_num_queries):
    # The dues rules' sources are named: one query more for their nodes, whatever their number.
    DuesRate.objects.create(node=world.street, category="farmer", fixed_amount=D("0.50"),
                            from_month=date(2027, 1, 1))
    DuesRounding.objects.create(node=world.other_street, unit=D("0.10"))
    client = client_as(world.users["official"])
    url = reverse("rulebook:rules", args=[world.street.pk])
    client.get(url)
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


def test_the_page_in_english(world, client_as, settings):
    client = client_as(world.users["official"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("rulebook:rules", args=[world.street.pk])).content.decode()
    assert "Moving and lost members" in page and "Admission time limits" in page
    assert "Changes to come" in page and "Rounded half up to the fen" in page
    assert "党员流动与失联" not in page and "发展党员时限" not in page and "已定的调整" not in page


def test_no_level_relaxes_a_rule_of_any_level_above(district_world, client_as):
    # The district asks 4 months; the street's older row says 6. A community of the street may
    # not save 5: the district's 4 still binds it, whatever the street's row says.
    world = district_world
    DevelopmentRule.objects.create(node=world.district, code="review_months", value=4)
    DevelopmentRule.objects.create(node=world.street, code="review_months", value=6)
    client = client_as(world.users["official"])
    response = _edit(client, world.community, "development",
                     _development(world.community, review_months="5"))
    assert "不能宽于上级的规定（4）" in response.content.decode()
    assert not DevelopmentRule.objects.filter(node=world.community).exists()


def test_saving_one_limit_keeps_the_others_rows(district_world, client_as):
    # The street asked 18 months of cultivation before the district came to ask the same:
    # changing another limit must not drop the street's 18, which outlives the district's.
    world = district_world
    DevelopmentRule.objects.create(node=world.street, code="cultivation_months", value=18)
    DevelopmentRule.objects.create(node=world.district, code="cultivation_months", value=18)
    client = client_as(world.users["official"])
    assert _edit(client, world.street, "development",
                 _development(world.street, report_months="2")).status_code == 302
    DevelopmentRule.objects.filter(node=world.district).delete()
    assert limits_for(world.branch)["cultivation_months"] == 18


def test_a_value_left_as_inherited_does_not_block_saving(district_world, client_as):
    # The district asks 4 months; the street's older row says 6, which its communities inherit.
    # A community changing another limit keeps the 6 it was given (flagged), and may not pick
    # a new laxer value.
    world = district_world
    DevelopmentRule.objects.create(node=world.district, code="review_months", value=4)
    DevelopmentRule.objects.create(node=world.street, code="review_months", value=6)
    client = client_as(world.users["official"])
    assert _edit(client, world.community, "development",
                 _development(world.community, report_months="2")).status_code == 302
    assert dict(DevelopmentRule.objects.filter(node=world.community).values_list("code", "value")
                ) == {"report_months": 2}
    page = client.get(reverse("rulebook:rules", args=[world.community.pk])).content.decode()
    row = page[page.index('id="rule-development-review_months"'):]
    row = row[:row.index("</tr>")]
    assert "宽于上级规定" in row and "6（更上级：4）" in row
    response = _edit(client, world.community, "development",
                     _development(world.community, review_months="5"))
    assert "不能宽于上级的规定（4）" in response.content.decode()


def test_a_value_set_out_of_bounds_in_the_admin_does_not_block_saving(world, client_as):
    TermRule.objects.update_or_create(node=None, kind="branch", defaults={"years": 2})
    client = client_as(world.users["official"])
    assert _edit(client, world.community, "terms", {"community": "5", "branch": "2"}
                 ).status_code == 302
    assert (TermRule.years_for(world.community), TermRule.years_for(world.branch)) == (5, 2)
    assert not TermRule.objects.filter(node=world.community, kind="branch").exists()
    # A new value must be within the bounds.
    response = _edit(client, world.community, "terms", {"community": "5", "branch": "1"})
    assert response.context["form"].errors == {"branch": ["请填写 3 至 5 之间的数。"]}
    assert _edit(client, world.community, "terms", {"community": "5", "branch": "4"}
                 ).status_code == 302
    assert TermRule.years_for(world.branch) == 4


def _months_ahead(count):
    return first_of_month_after(timezone.localdate(), count)


def test_a_street_changes_the_farmer_amount_from_next_month(world, client_as):
    client = client_as(world.users["official"])
    next_month = _months_ahead(1)
    # This month is refused: its amounts may already be paid and reported.
    response = client.post(reverse("rulebook:dues_edit", args=[world.street.pk, "farmer"]),
                           {"from_month": f"{timezone.localdate():%Y-%m}", "value": "0.50"})
    assert "只能从下个月" in response.content.decode()
    assert not DuesRate.objects.filter(node=world.street).exists()
    response = client.post(reverse("rulebook:dues_edit", args=[world.street.pk, "farmer"]),
                           {"from_month": f"{next_month:%Y-%m}", "value": "0.50"})
    assert response.status_code == 302
    book = RateBook()
    farmer = [book.for_path(world.branch.path, month)[0]["farmer"][0].fixed_amount
              for month in (_months_ahead(0), next_month)]
    assert farmer == [D("0.20"), D("0.50")]
    other_street = book.for_path(world.other_street_community.path, next_month)[0]
    assert other_street["farmer"][0].fixed_amount == D("0.20")
    # The community's page names the change and who made it.
    page = client.get(reverse("rulebook:rules", args=[world.community.pk])).content.decode()
    row = page[page.index('id="rule-dues-farmer"'):]
    row = row[:row.index("</tr>")]
    assert f"{next_month:%Y-%m} 起：0.50 元" in row and world.street.name in row
    # Cancelled before it begins.
    client.post(reverse("rulebook:dues_cancel",
                        args=[world.street.pk, "farmer", f"{next_month:%Y-%m}"]))
    assert not DuesRate.objects.filter(node=world.street).exists()


@pytest.mark.parametrize("rule, data, field", [
    ("farmer", {"value": "1.50"}, "value"),
    ("farmer", {"value": "abc"}, "value"),
    ("farmer", {"value": "0.3", "from_month": "2027-13"}, "from_month"),
    ("rounding", {"value": "0.05"}, "value"),
    ("rounding", {"value": "0.10", "from_month": "<script>"}, "from_month"),
])
def test_bad_dues_input_stays_on_the_form(world, client_as, rule, data, field):
    DuesRounding.objects.create(node=world.street, unit=D("0.10"))
    client = client_as(world.users["official"])
    data = {"from_month": f"{_months_ahead(2):%Y-%m}", **data}
    response = client.post(reverse("rulebook:dues_edit", args=[world.street.pk, rule]), data)
    assert response.status_code == 200 and field in response.context["form"].errors
    assert list(DuesRounding.objects.filter(node=world.street).values_list("unit", "from_month")
                ) == [(D("0.10"), None)]
    assert not DuesRate.objects.filter(node=world.street).exists()


def test_dues_rules_of_another_street_or_a_level_above_are_out_of_reach(district_world,
                                                                          client_as):
    world = district_world
    month = f"{_months_ahead(1):%Y-%m}"
    DuesRate.objects.create(node=world.street, category="farmer", fixed_amount=D("0.50"),
                            from_month=_months_ahead(1))
    for user, node in ((world.users["official_other"], world.street),
                       (world.users["official_other"], world.community),
                       # A district's officials read a street's rules, set the district's only.
                       (world.users["district_official"], world.street)):
        client = client_as(user)
        assert client.get(reverse("rulebook:dues_edit", args=[node.pk, "farmer"])
                          ).status_code == 404
        assert client.post(reverse("rulebook:dues_cancel", args=[node.pk, "farmer", month])
                           ).status_code == 404
    client = client_as(world.users["official"])
    for url in (reverse("rulebook:dues_edit", args=[world.street.pk, "percent"]),
                reverse("rulebook:dues_cancel", args=[world.street.pk, "farmer", "soon"])):
        assert client.post(url).status_code == 404
    assert DuesRate.objects.filter(node=world.street).exists()


def test_a_change_already_begun_cannot_be_cancelled(world, client_as):
    DuesRounding.objects.create(node=world.street, unit=D("0.10"), from_month=_months_ahead(0))
    client = client_as(world.users["official"])
    response = client.post(reverse("rulebook:dues_cancel", args=[
        world.street.pk, "rounding", f"{_months_ahead(0):%Y-%m}"]), follow=True)
    assert "已开始执行的标准不能撤销" in response.content.decode()
    assert DuesRounding.objects.filter(node=world.street).exists()


def test_a_row_section_keeps_an_inherited_value_out_of_bounds_only_where_it_stays_put(
        world, client_as):
    # Saving the moves section writes the community's own row with every field: the street's
    # 400 days (set in the admin) would become the community's own, so it must be mended.
    MoveRule.objects.create(node=world.street, receipt_due_days=400, lost_contact_months=6)
    client = client_as(world.users["official"])
    response = _edit(client, world.community, "moves", _moves(receipt_due_days="400",
                                                              lost_contact_months="3"))
    assert "receipt_due_days" in response.context["form"].errors
    assert not MoveRule.objects.filter(node=world.community).exists()
    # The street's own row may keep it while another field changes.
    assert _edit(client, world.street, "moves", _moves(receipt_due_days="400",
                                                       lost_contact_months="3")
                 ).status_code == 302
    assert move_rule_for(world.branch).lost_contact_months == 3


def test_a_cancel_that_would_reprice_months_paid_in_advance_is_refused_on_the_page(
        world, client_as):
    next_month = _months_ahead(1)
    client = client_as(world.users["official"])
    assert client.post(reverse("rulebook:dues_edit", args=[world.street.pk, "farmer"]), {
        "from_month": f"{next_month:%Y-%m}", "value": "0.50"}).status_code == 302
    farmer = MemberFactory(branch=world.branch, joined_on=date(2000, 7, 1))
    dues_services.base_set(member=farmer, from_month=next_month, category="farmer")
    dues_services.payment_record(member=farmer, first_month=next_month, last_month=next_month,
                                 amount=D("0.50"), way="cash", paid_on=timezone.localdate())
    response = client.post(reverse("rulebook:dues_cancel", args=[
        world.street.pk, "farmer", f"{next_month:%Y-%m}"]), follow=True)
    assert "已有 1 名党员预交了" in response.content.decode()
    assert DuesRate.objects.filter(node=world.street).exists()
