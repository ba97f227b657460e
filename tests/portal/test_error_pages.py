"""Error pages in the portal's look and language, rendered as in production (DEBUG=False);
500.html and 403_csrf.html get no request and no context from Django."""
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.utils import translation
from django.views import defaults
from django.views.csrf import csrf_failure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def _page(response):
    page = response.content.decode()
    assert 'class="portal-header"' in page and 'id="error-page"' in page
    return page


def test_404_is_chinese_and_english_when_chosen(world, client_as):
    client = client_as(world.users["staff"])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "页面不存在" in _page(response)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Page not found" in _page(client.get("/no/such/page/"))


def test_an_object_outside_the_scope_answers_the_chinese_404(world, client_as):
    response = client_as(world.users["staff_other"]).get(f"/org/{world.branch.pk}/")
    assert response.status_code == 404
    assert "不在您负责的范围内" in _page(response)


def test_500_renders_without_request_or_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统出错" in _page(response)
    with translation.override("en"):
        assert "Something went wrong" in _page(defaults.server_error(RequestFactory().get("/")))


def test_400_and_403_pages():
    request = RequestFactory().get("/")
    response = defaults.bad_request(request, Exception())
    assert (response.status_code, "请求有误" in _page(response)) == (400, True)
    response = defaults.permission_denied(request, PermissionDenied())
    assert (response.status_code, "没有权限" in _page(response)) == (403, True)


def test_csrf_failure_page_is_chinese():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "页面已过期" in _page(response)
    assert "页面已过期" in _page(csrf_failure(RequestFactory().post("/"), reason="test"))
