"""The crawl: every demo role follows every same-site link it is shown, as a user would.

Seeds the demo street (small), logs in as each demo login of the README, and walks the links of
every page it reaches from the home page (GET only, breadth first, bounded). A page that
answers 5xx, raises (a template error, an invalid template variable: see
`portal.settings_test.InvalidTemplateVariable`), or answers 404/403 to the role that was shown
the link is a dead end and fails the test, with the page that showed the link.
"""
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve, reverse

import pytest
import time_machine

from portal import demo as portal_demo

# A working day on which the demo data is in every state (terms ended, agreements expiring…).
NOW = "2026-12-01 10:00:00+08:00"
MAX_PAGES = 400
# Pages of one URL pattern (members/<pk>/, a list with its filters and pages) visited at most
# this many times: the budget goes to distinct pages first.
MAX_PER_ROUTE = 6
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/")
# Marked so that pytest-django sets the test database up; each role's test runs in a savepoint.
# The demo is seeded and crawled at NOW whatever the suite's moment, so the calendar moments
# would only crawl the same pages again.
pytestmark = [pytest.mark.django_db,
              pytest.mark.same_every_day(reason="seeded and crawled at its own fixed NOW")]
ROLES = ["quwei", "jiedao", "shequ", "shuji", "dangyuan", "admin"]
# In English too, for the roles with the most pages: a translation can break a template.
CRAWLS = [(role, "zh-hans") for role in ROLES] + [("shequ", "en"), ("jiedao", "en")]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html, base):
    parser = _Links()
    parser.feed(html)
    for href in parser.hrefs:
        url, _fragment = urldefrag(urljoin(base, href))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        if not parts.path.startswith("/"):
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def _route(path):
    try:
        match = resolve(path)
    except Resolver404:
        return path  # answers 404 when visited, and is reported
    return match.route


def crawl(client, role, start=("/",), max_pages=MAX_PAGES):
    """Returns (pages visited, dead ends as strings, URL patterns met)."""
    queue = deque((url, "(start)") for url in dict.fromkeys(start))
    seen = set(start)
    variants = {}
    visited, dead_ends = 0, []
    while queue and visited < max_pages:
        url, shown_on = queue.popleft()
        visited += 1
        try:
            response = client.get(url)
        except Exception as error:  # noqa: BLE001 - every failure is reported with its page
            dead_ends.append(f"{url} (linked from {shown_on}): {type(error).__name__}: {error}")
            continue
        if response.status_code >= 500 or response.status_code in (403, 404):
            dead_ends.append(f"{url} (linked from {shown_on}): {response.status_code}")
            continue
        if response.status_code in (301, 302):
            target = response.headers["Location"]
            if urlsplit(target).path.startswith("/accounts/login/"):
                dead_ends.append(f"{url} (linked from {shown_on}): sends {role} to the login")
            elif target not in seen:
                seen.add(target)
                queue.append((target, url))
            continue
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        for link in links_of(response.content.decode(), url):
            path = urlsplit(link).path
            if link in seen or path.startswith(SKIP_PREFIXES):
                continue
            if path.startswith("/admin/") and role != "admin":
                continue
            route = _route(path)
            variants[route] = variants.get(route, 0) + 1
            if variants[route] > MAX_PER_ROUTE:
                continue
            seen.add(link)
            queue.append((link, url))
    return visited, dead_ends, set(variants)


@pytest.fixture(scope="module")
def demo_street(django_db_setup, django_db_blocker):
    """The demo street, seeded once for every role of this module inside a transaction that is
    rolled back after the last role, so the next module finds the database as it was."""
    from django.db import transaction

    with django_db_blocker.unblock():
        with transaction.atomic():
            with time_machine.travel(NOW, tick=False):
                context = portal_demo.seed(portal_demo.DemoContext(
                    communities=3, members_per_community=12, log=lambda text: None))
            yield context
            transaction.set_rollback(True)


@pytest.mark.parametrize("role, language", CRAWLS)
def test_every_link_a_demo_role_is_shown_answers(role, language, demo_street, client):
    with time_machine.travel(NOW, tick=False):
        client.force_login(demo_street.users[role])
        if language != "zh-hans":
            client.post("/i18n/setlang/", {"language": language, "next": "/"})
            assert f'lang="{language}"' in client.get("/", follow=True).content.decode()
        visited, dead_ends, routes = crawl(client, role)
    print(f"{role} ({language}): {visited} pages, {len(routes)} URL patterns")
    assert visited > 10, f"{role} reached only {visited} pages"
    assert not dead_ends, f"{role}: {len(dead_ends)} dead ends in {visited} pages:\n" + "\n".join(
        dead_ends)


def _state_pages(context):
    """The page of each workflow state the demo holds, by the role that keeps it: the crawl from
    the home page meets only the first pages of each list, these are opened whatever their
    place in it."""
    from activities.models import Meeting
    from members.development.models import Candidate
    from members.models import Member, PostClaim
    from pairing.models import Agreement, Project
    from portal.models import Rectification

    lanxin = context.users["shequ"].grants.get().node
    branch = context.users["shuji"].grants.get().node
    first = lambda queryset: queryset.order_by("pk").first()  # noqa: E731
    shequ = [reverse("members:post_detail", args=[first(PostClaim.objects.filter(
        post__community=lanxin, status=status)).post_id]) for status in PostClaim.Status.values]
    shequ += [reverse("dashboards:rectification_detail", args=[first(Rectification.objects.filter(
        community=lanxin, status=status)).pk]) for status in Rectification.Status.values]
    shequ += [project.get_absolute_url() for project in Project.objects.filter(community=lanxin)]
    # Projects in every state: across the street (pairing's demo has few per community).
    street_projects = [project.get_absolute_url() for project in Project.objects.filter(
        community__path__startswith=context.street.path)]
    shequ += [agreement.get_absolute_url() for agreement in Agreement.objects.filter(
        community=lanxin)]
    shuji = [first(Meeting.objects.filter(branch=branch, status=status)).get_absolute_url()
             for status in Meeting.Status.values]
    shuji += [member.get_absolute_url() for member in Member.objects.probationary().filter(
        branch=branch)]
    shuji += [candidate.get_absolute_url() for candidate in Candidate.objects.filter(
        branch=branch)]
    # Moving members (members/moves_demo.py): each receipt state, a letter in, a stay away and
    # the lost list, with the pages of the members concerned.
    from members import moves
    from members.models import MobileStay, TransferIn, TransferOut

    shuji += [reverse("members:transfer_out_list") + f"?state={state}"
              for state in moves.STATE_LABELS]
    shuji += [reverse("members:lost_list"), reverse("members:transfer_in_list"),
              reverse("members:mobile_list")]
    shuji += [reverse("members:transfer_out_receipt", args=[letter.pk]) for letter in
              TransferOut.objects.filter(from_branch=branch, receipt_on__isnull=True)]
    shuji += [letter.member.get_absolute_url() for letter in TransferIn.objects.filter(
        to_branch=branch)]
    shuji += [reverse("members:mobile_end", args=[stay.pk]) for stay in
              MobileStay.objects.filter(member__branch=branch, ended_on__isnull=True)]
    # 民主评议 in every state: open, closed and tallied (the next branch), decided.
    from activities.appraisal.models import Round

    rounds = Round.objects.filter(branch__parent=lanxin).order_by("pk")
    shequ += [round_.get_absolute_url() for round_ in rounds]
    deciding = [reverse("appraisal:round_decide", args=[round_.pk]) for round_ in rounds
                if round_.state() == Round.State.CLOSED]
    shuji += [round_.get_absolute_url() for round_ in rounds.filter(branch=branch)]
    return {"shequ": shequ + deciding, "shuji": shuji,
            "jiedao": [reverse("organizations:terms"), *shequ, *street_projects]}


@pytest.mark.parametrize("role", ["shequ", "shuji", "jiedao"])
def test_every_workflow_state_page_and_its_links_answer(role, demo_street, client):
    with time_machine.travel(NOW, tick=False):
        client.force_login(demo_street.users[role])
        start = _state_pages(demo_street)[role]
        visited, dead_ends, _routes = crawl(client, role, start=start, max_pages=len(start) + 80)
    assert visited >= len(start)
    assert not dead_ends, f"{role}: {len(dead_ends)} dead ends in {visited} pages:\n" + "\n".join(
        dead_ends)
