"""Load test: four daily journeys against a portal on this machine (loopback only).

Run it through `python manage.py loadtest`, which starts gunicorn on 127.0.0.1, tells this file
which nodes to open (BENCH_* variables) and prints the summary. Every user logs in through the
real login form with the demo password, so django-axes and CSRF are exercised as in production.

`manage.py multihost` lists several servers in BENCH_HOSTS: users are dealt to them in turn, and
each user logs in on one server and opens its pages on the next, so every page after the login
also proves the session is valid on a server that did not create it.
"""
import itertools
import json
import os
import random
import time
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

# Plain functions the tests import without Locust (whose import patches the standard library).
from bench.multihost import CSRF, hosts_for_user, landed_on_login

PASSWORD = os.environ.get("BENCH_PASSWORD", "Demo@2026")
# Seconds a user waits between two pages ("1-3": clicking through quickly; people reading a
# page before the next one take longer).
THINK = [float(part) for part in os.environ.get("BENCH_THINK", "1-3").split("-")]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _ids(name):
    return [int(value) for value in os.environ.get(name, "").split(",") if value.strip()]


COMMUNITY = _ids("BENCH_COMMUNITY")          # the staff user's community
BRANCHES = _ids("BENCH_BRANCHES")            # that community's branches
STREET_COMMUNITIES = _ids("BENCH_STREET_COMMUNITIES")  # every community of the official's street
DISTRICT = _ids("BENCH_DISTRICT")            # the district official's district
DISTRICT_STREETS = _ids("BENCH_DISTRICT_STREETS")  # its streets


# Several servers behind one imagined balancer (manage.py multihost); empty: Locust's --host.
HOSTS = [host.strip().rstrip("/") for host in os.environ.get("BENCH_HOSTS", "").split(",")
         if host.strip()]


USER_NUMBERS = itertools.count()
LOGIN_NAMES = {"登录页", "登录"}
REQUESTS = []  # (finished at, "login" or "pages", response time in ms, failed)
PER_HOST = Counter()  # requests per server (scheme://host:port)
STARTED = []


@events.request.add_listener
def record(name, response_time, exception, url=None, response=None, **kwargs):
    # Logging in hashes a password (slow by design, once a day per user): kept apart from the
    # pages, so the journeys' own figures are not drowned by the morning's log-in storm.
    kind = "login" if name in LOGIN_NAMES else "pages"
    # A page that lands on the login form lost its session (e.g. a server with another
    # SECRET_KEY or its own session store): Locust followed the redirect and saw a 200.
    lost_session = kind == "pages" and landed_on_login(getattr(response, "url", None))
    REQUESTS.append((time.monotonic(), kind, response_time, exception is not None or lost_session))
    if url:
        parts = urlsplit(url)
        PER_HOST[f"{parts.scheme}://{parts.netloc}"] += 1


def _figures(requests, seconds):
    ordered = sorted(response_time for _at, _kind, response_time, _failed in requests)
    return {
        "requests": len(ordered), "failures": sum(failed for *_rest, failed in requests),
        "per_second": round(len(ordered) / seconds, 1) if seconds > 0 else None,
        "p50_ms": round(ordered[len(ordered) // 2]) if ordered else None,
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))])
        if ordered else None,
    }


@events.test_stop.add_listener
def write_summary(environment, **kwargs):
    path = os.environ.get("BENCH_SUMMARY")
    if not path:
        return
    stopped = time.monotonic()
    logins = [request for request in REQUESTS if request[1] == "login"]
    pages = [request for request in REQUESTS if request[1] == "pages"]
    # Steady state: once the last user has logged in, only the journeys run.
    settled = max((at for at, *_rest in logins), default=STARTED[0])
    summary = {
        "login": _figures(logins, stopped - STARTED[0]),
        "pages": _figures(pages, stopped - STARTED[0]),
        "pages_settled": _figures([r for r in pages if r[0] > settled], stopped - settled),
        "settled_after_seconds": round(settled - STARTED[0], 1),
        "hosts": dict(PER_HOST),
    }
    with open(path, "w", encoding="utf-8") as output:
        json.dump(summary, output, ensure_ascii=False)


@events.test_start.add_listener
def refuse_remote_hosts(environment, **kwargs):
    STARTED.append(time.monotonic())
    for url in [environment.host or "", *HOSTS]:
        host = urlsplit(url).hostname
        if host not in LOOPBACK:
            raise SystemExit(f"the load test only runs against this machine, not {host!r}")
    if not (COMMUNITY and BRANCHES and STREET_COMMUNITIES):
        raise SystemExit("BENCH_COMMUNITY, BENCH_BRANCHES and BENCH_STREET_COMMUNITIES are not set: "
                         "run it with `python manage.py loadtest`")


class FormFields(HTMLParser):
    """The values a browser would submit from the first form of a page with a POST method."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._in_form = self._done = False
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        if tag == "form" and attrs.get("method", "").lower() == "post" and "action" not in attrs:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "checkbox", "radio"}:
            self.fields[name] = attrs.get("value") or ""
        elif tag == "input" and name and "checked" in attrs:
            self.fields[name] = attrs.get("value") or "on"
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_fields(html):
    parser = FormFields()
    parser.feed(html)
    return parser.fields


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    username = ""

    def on_start(self):
        pages_host = None
        if HOSTS:
            self.client.base_url, pages_host = hosts_for_user(HOSTS, next(USER_NUMBERS))
        page = self.client.get("/accounts/login/", name="登录页")
        token = CSRF.search(page.text)
        with self.client.post("/accounts/login/", name="登录",
                              data={"username": self.username, "password": PASSWORD,
                                    "csrfmiddlewaretoken": token.group(1) if token else ""},
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"{self.username} 登录失败：{response.status_code}")
        if pages_host:
            # The session cookie is sent on: Requests keeps cookies by host name, not port.
            self.client.base_url = pages_host


class StreetOfficial(PortalUser):
    """Reviews the tree and opens communities of the street."""

    weight = 1
    username = "jiedao"

    @task(2)
    def tree(self):
        self.client.get("/org/", name="组织架构")

    @task(3)
    def community(self):
        self.client.get(f"/org/{random.choice(STREET_COMMUNITIES)}/", name="社区页")

    @task(1)
    def home(self):
        self.client.get("/", name="工作台")


class DistrictOfficial(PortalUser):
    """Compares the district's streets, drills down into one, reads the month's report."""

    weight = 1
    username = "quwei"

    @task(3)
    def district(self):
        self.client.get(f"/dashboard/district/{DISTRICT[0]}/", name="区驾驶舱")

    @task(2)
    def street(self):
        self.client.get(f"/dashboard/street/{random.choice(DISTRICT_STREETS)}/",
                        name="街道驾驶舱（区委组织部）")

    @task(1)
    def report(self):
        self.client.get(f"/dashboard/district/{DISTRICT[0]}/report/", name="区月报")


class CommunityStaff(PortalUser):
    """Records for their community: browses it and edits a branch."""

    weight = 2
    username = "shequ"

    @task(2)
    def community(self):
        self.client.get(f"/org/{COMMUNITY[0]}/", name="社区页")

    @task(3)
    def branch(self):
        self.client.get(f"/org/{random.choice(BRANCHES)}/", name="支部页")

    @task(1)
    def edit_branch(self):
        url = f"/org/{random.choice(BRANCHES)}/edit/"
        page = self.client.get(url, name="编辑支部（表单）")
        with self.client.post(url, data=form_fields(page.text), name="编辑支部（保存）",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"保存未跳转：{response.status_code}")


class Member(PortalUser):
    """Checks their own page and the posts they claimed, on a phone."""

    weight = 2
    username = "dangyuan"

    @task(3)
    def me(self):
        self.client.get("/members/me/", name="我的主页")

    @task(2)
    def posts(self):
        self.client.get("/members/me/posts/", name="我的岗位")

    @task(1)
    def home(self):
        self.client.get("/", name="首页（跳转）")
