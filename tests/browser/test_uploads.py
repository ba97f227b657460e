"""Hostile uploads opened in a real browser: no script of a polyglot ever runs in the portal.

The files are stored as an older portal kept them, under the uploader's names (`x.js`,
`整改后.html`), so this also shows that serving reads the type from the content.
"""
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from activities.factories import MeetingFactory
from activities.models import MeetingPhoto
from organizations.models import Node
from tests.portal.images import PDF_HTML, gif_javascript, jpeg_html


@pytest.fixture
def hostile_photos(demo, settings, tmp_path):
    """The GIF that is also JavaScript, and the JPEG that is also an HTML page loading it."""
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory(branch=Node.objects.get(name="兰新社区第一党支部"))

    def stored(name, content):
        name = default_storage.save(f"meetings/2026/01/{name}", ContentFile(content))
        return MeetingPhoto.objects.create(meeting=meeting, image=name)

    script = stored("x.js", gif_javascript())
    source = reverse("activities:meeting_photo", args=[script.pk]).encode()
    return {"x.js": script,
            "整改后.html": stored("整改后.html", jpeg_html(b'<script src="%s"></script>' % source)),
            "协议.html": stored("协议.html", PDF_HTML)}


def test_polyglots_never_run_script_in_the_portal(page, live_server, login, hostile_photos,
                                                  screenshot):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    login(page, "shuji")

    # The JPEG that is also HTML, opened as its thumbnail link would open it: a picture.
    url = live_server.url + reverse("activities:meeting_photo",
                                    args=[hostile_photos["整改后.html"].pk])
    response = page.goto(url)
    page.wait_for_timeout(300)
    assert dialogs == []
    assert response.headers["content-type"] == "image/jpeg"
    screenshot(page, "uploads-polyglot-jpeg")

    # The PDF that is also HTML is a download, never a page (clicked from a portal page: the
    # sandboxed picture's page may not even start a download).
    page.goto(f"{live_server.url}/")
    url = live_server.url + reverse("activities:meeting_photo",
                                    args=[hostile_photos["协议.html"].pk])
    with page.expect_download() as download:
        page.evaluate("url => { const a = document.createElement('a'); a.href = url;"
                      " document.body.append(a); a.click(); }", url)
    assert download.value.suggested_filename.endswith(".pdf")

    # The GIF that is also JavaScript, loaded as a script from a portal page (where the CSP's
    # script-src 'self' allows it): the browser refuses an image/gif script.
    url = reverse("activities:meeting_photo", args=[hostile_photos["x.js"].pk])
    outcome = page.evaluate("""url => new Promise(resolve => {
        const script = document.createElement('script');
        script.src = url;
        script.onload = () => resolve('loaded');
        script.onerror = () => resolve('refused');
        document.head.append(script);
    })""", url)
    page.wait_for_timeout(300)
    assert outcome == "refused"
    assert dialogs == []
