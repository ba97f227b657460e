"""Figures that open their lists, a bulletin that reads right, tables that scroll on a phone."""
import re

import pytest
from django.urls import reverse

from portal.factories import RectificationFactory

pytestmark = pytest.mark.django_db




def figure_link(html, label):
    """The href of the big figure under a figure card's label."""
    match = re.search(re.escape(label) + r'</div>\s*<a class="big-figure num" href="([^"]+)"',
                      html)
    assert match, f"{label} is not a link"
    return match.group(1)


def test_community_dashboard_figures_open_their_lists(world, client_as):
    html = client_as(world.users["staff"]).get(
        reverse("dashboards:community", args=[world.community.pk])).content.decode()
    board = reverse("members:post_board", args=[world.community.pk])
    assert figure_link(html, "岗位认领率") == board
    assert figure_link(html, "待审核认领") == board
    assert figure_link(html, "来本社区报到") == reverse("members:registration_list",
                                                   args=[world.community.pk])
    branches = reverse("organizations:node_detail", args=[world.community.pk])
    assert f'<a class="big-figure num" href="{branches}">' in html


def test_street_dashboard_figures_open_the_per_community_table(world, client_as):
    html = client_as(world.users["official"]).get(
        reverse("dashboards:street", args=[world.street.pk])).content.decode()
    assert figure_link(html, "岗位认领率") == "#service-table"
    assert 'id="service-table"' in html
    assert f'<a class="big-figure num" href="{reverse("organizations:tree")}">' in html


def test_the_bulletin_does_not_double_the_full_stop(world, client_as):
    RectificationFactory(inspection__point__community=world.community,
                         inspection__problem="楼道消防门破损。")
    html = client_as(world.users["official"]).get(
        reverse("dashboards:bulletin", args=[world.street.pk])).content.decode()
    assert "破损。整改期限" in html and "。。" not in html


def test_the_bulletin_punctuation_follows_the_language(world, client_as):
    RectificationFactory(inspection__point__community=world.community,
                         inspection__problem="占道经营")
    client = client_as(world.users["official"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("dashboards:bulletin", args=[world.street.pk])).content.decode()
    body = html[html.index("<ol>"):html.index("</ol>")]
    assert "。" not in body and "：" not in body


@pytest.mark.parametrize("name, target", [
    ("activities:compliance_street", "street"),
    ("activities:compliance_community", "community"),
    ("activities:compliance_branch", "branch"),
])
def test_compliance_tables_scroll_inside_their_box_on_a_phone(world, client_as, name, target):
    node = getattr(world, target)
    html = client_as(world.users["official"]).get(reverse(name, args=[node.pk])).content.decode()
    tables = html.count("<table")
    assert tables and html.count('<div class="table-responsive"><table') == tables
