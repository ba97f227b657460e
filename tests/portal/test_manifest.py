"""The web app manifest (适老化): members add the portal to their phone's home screen."""
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_portal_and_opens_it_standalone(client):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "社区党建"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#b71c1c"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}


def test_the_icons_are_square_pngs_of_their_declared_size(client):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    for icon in manifest["icons"]:
        assert icon["src"].startswith(settings.STATIC_URL)
        path = finders.find(icon["src"][len(settings.STATIC_URL):])
        assert path, icon["src"]
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert "x".join(map(str, image.size)) == icon["sizes"]


def test_every_page_links_the_manifest_and_the_home_screen_icon(client, world, client_as):
    for page in (client.get("/accounts/login/"),
                 client_as(world.users["member"]).get("/members/me/")):
        html = page.content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert re.search(r'<link rel="apple-touch-icon" href="[^"]+icon-192\.png">', html)
        assert '<meta name="theme-color" content="#b71c1c">' in html


def test_the_manifest_is_not_a_write(client):
    assert client.post("/manifest.webmanifest").status_code == 405


@override_settings(FORCE_PASSWORD_CHANGE=True)
def test_the_manifest_loads_before_an_initial_password_is_changed(world, client_as):
    """The browser fetches it for the 修改密码 page too: a redirect there would be no manifest."""
    response = client_as(world.users["member"]).get("/manifest.webmanifest")
    assert response.status_code == 200
