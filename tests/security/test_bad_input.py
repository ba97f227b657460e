"""Bad-input sweep: every form of every registered page, filled with nasty values.

No answer may be a server error, and HTML typed into a field never comes back unescaped.
The pages come from the access-matrix registry, so forms added later are swept too.
"""
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.security.pages import html_of, page_id, parse, readable_pages

PAGES = readable_pages()
# Forms that only end the session or switch language: nothing of the user's is stored.
SKIPPED_URL_NAMES = {"logout", "set_language"}
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
HTML_FRAGMENTS = [SCRIPT, "<img src=x onerror=alert(1)>"]

TEXT = ["党" * 10_000, "a\x00b\x01c\x1f\x7f\u202e", "👨‍👩‍👧‍👦😀🇨🇳 党建", SCRIPT, ATTRIBUTE_BREAK,
        "1' OR '1'='1'; DROP TABLE members_member; --"]
NASTY = ["", *TEXT, "abc", "[1, 2]", "0001-01-01", "9999-12-31", "2026-02-30", "-1",
         "-99999999999999999999", "1e309", "NaN", "0x41"]
TEXT_TYPES = {"text", "textarea", "search", "email", "tel", "url", "password"}
UNTOUCHED_TYPES = {"submit", "button", "reset", "file", "image"}


def form_url(action, page_url):
    return urlsplit(action).path or page_url if action else page_url


def url_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def default_data(form):
    """What a user submitting the form unchanged would send."""
    data = {}
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if field["tag"] == "select":
            chosen = [value for value, selected in field["options"] if selected]
            if not chosen:
                chosen = [value for value, _selected in field["options"] if value][:1]
            data[name] = chosen if field["multiple"] else (chosen[0] if chosen else "")
        elif kind in {"checkbox", "radio"}:
            if field["checked"]:
                data.setdefault(name, field["value"] or "on")
        elif kind == "submit":
            data.setdefault(name, field["value"])
        elif kind not in UNTOUCHED_TYPES:
            data[name] = field["value"]
    return data


def nasty_submissions(form):
    """(description, data): every field nasty at once, then only the free-text fields."""
    base = default_data(form)
    editable = [field for field in form["fields"]
                if field["type"] not in UNTOUCHED_TYPES and field["name"] != "csrfmiddlewaretoken"]
    text_fields = [field["name"] for field in editable if field["type"] in TEXT_TYPES]
    for value in NASTY:
        yield f"every field = {value[:30]!r}", {**base, **{f["name"]: value for f in editable}}
    if text_fields:
        for value in TEXT:
            yield (f"text fields {text_fields} = {value[:30]!r}",
                   {**base, **{name: value for name in text_fields}})


def assert_escaped(response, what):
    if getattr(response, "streaming", False) or \
            not response.get("Content-Type", "").startswith("text/html"):
        return
    content = response.content.decode("utf-8", errors="replace")
    for fragment in HTML_FRAGMENTS:
        assert fragment not in content, f"unescaped {fragment!r} after {what}"


@pytest.mark.parametrize("target", PAGES, ids=[page_id(target) for target in PAGES])
def test_nasty_values_give_no_server_error_and_stay_escaped(target, district_world, client_as):
    # The district's pages (its 大屏 among them) need a district.
    world = district_world
    entry, role = target
    entry.setup(world)
    page_url = reverse(entry.name, kwargs=entry.kwargs(world))
    client = client_as(world.users[role])
    forms = parse(html_of(client.get(page_url, entry.data(world)))).forms
    swept = 0
    for form in forms:
        action_url = form_url(form["action"], page_url)
        if url_name(action_url) in SKIPPED_URL_NAMES:
            continue
        swept += 1
        send = client.post if form["method"] == "post" else client.get
        for what, data in nasty_submissions(form):
            what = f"{form['method'].upper()} {action_url} ({what})"
            try:
                response = send(action_url, data, follow=True)
            except Exception as error:  # the test client re-raises what would be a 500
                pytest.fail(f"{what} raised {error!r}")
            assert response.status_code < 500, what
            assert_escaped(response, what)
    if swept:
        entry.setup(world)
        assert_escaped(client.get(page_url, entry.data(world)), f"the sweep of {page_url}")


def test_the_sweep_covers_the_forms_of_the_portal(district_world, client_as):
    # The district's pages (its 大屏 among them) need a district.
    world = district_world
    """Guards the sweep itself: it must find the forms staff use every day."""
    swept = set()
    for entry, role in PAGES:
        entry.setup(world)
        page_url = reverse(entry.name, kwargs=entry.kwargs(world))
        response = client_as(world.users[role]).get(page_url, entry.data(world))
        for form in parse(html_of(response)).forms:
            name = url_name(form_url(form["action"], page_url))
            if name not in SKIPPED_URL_NAMES:
                swept.add(name)
    assert {"login", "password_change", "audit:search", "organizations:node_create",
            "organizations:node_edit"} <= swept
