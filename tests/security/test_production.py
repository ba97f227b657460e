"""Production settings pass Django's deployment checks; every page sends the security headers
and satisfies the content security policy with vendored assets only."""
import pytest
from django.urls import reverse

from tests.security.pages import page_id, parse, readable_pages
from tests.security.production import run

PAGES = readable_pages()
# What json_script writes: data, not code, so the policy does not apply to it.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"src", "href", "action", "formaction", "poster", "data"}


def test_check_deploy_reports_nothing(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "DEBUG"], tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run(["manage.py", "check"], tmp_path, SECRET_KEY="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_a_web_worker_leaves_the_loaded_app_out_of_the_collectors_full_collections(tmp_path):
    result = run(["-c", "import gc, portal.wsgi; print(gc.get_freeze_count())"], tmp_path)
    assert result.returncode == 0, result.stderr
    # The models, modules and settings loaded: far more than a bare interpreter's.
    assert int(result.stdout.strip().splitlines()[-1]) > 50_000


def test_the_registry_gives_the_sweeps_pages():
    assert len(PAGES) >= 10


@pytest.mark.parametrize("target", PAGES, ids=[page_id(target) for target in PAGES])
def test_page_sends_security_headers_and_needs_no_inline_script(target, district_world, client_as):
    # The district's pages (its 大屏 among them) need a district.
    world = district_world
    entry, role = target
    entry.setup(world)
    response = client_as(world.users[role]).get(reverse(entry.name, kwargs=entry.kwargs(world)),
                                                entry.data(world))
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # The big screen's link carries its token: it sends no referrer at all (portal/kiosk).
    assert response["Referrer-Policy"] == (
        "no-referrer" if entry.name in {"kiosk:screen", "kiosk:figures"} else "same-origin")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    if policy.startswith("sandbox;"):  # an uploaded file (kernel/uploads.py): runs nothing
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert not response["Content-Type"].startswith("text/html")
        return
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(
        "script-src")[1].split(";")[0]
    if not response["Content-Type"].startswith("text/html"):
        return
    html = parse(response.content.decode())
    code = [script for script in html.inline_scripts if script["type"] not in DATA_SCRIPT_TYPES]
    assert not code, f"inline <script> without src: {code}"
    handlers = [(tag, name) for tag, name, _value in html.attributes if name.startswith("on")]
    assert not handlers, f"inline event handlers: {handlers}"
    external = [(tag, name, value) for tag, name, value in html.attributes
                if name in URL_ATTRIBUTES
                and value.strip().lower().startswith(("http:", "https:", "//", "javascript:"))]
    assert not external, f"external or javascript: URLs: {external}"
    # Partials (htmx fragments, print views) may load no script at all; pages load ours only.
    assert all(src.startswith("/static/") for src in html.scripts_with_src), \
        html.scripts_with_src


def test_the_page_parser_sees_what_the_policy_forbids():
    html = parse('<script>alert(1)</script><script type="application/json" id="d">{}</script>'
                 '<script src="https://cdn.example.com/x.js"></script>'
                 '<button onclick="go()">x</button><form method="post" action="/a/">'
                 '<input name="n" value="v"><select name="s"><option value="1" selected>1'
                 '</option></select><textarea name="t">hi</textarea></form>')
    assert [script["type"] for script in html.inline_scripts] == ["", "application/json"]
    assert html.scripts_with_src == ["https://cdn.example.com/x.js"]
    assert ("button", "onclick", "go()") in html.attributes
    form, = html.forms
    assert form["method"] == "post" and form["action"] == "/a/"
    assert [field["name"] for field in form["fields"]] == ["n", "s", "t"]
    assert form["fields"][1]["options"] == [("1", True)] and form["fields"][2]["value"] == "hi"
