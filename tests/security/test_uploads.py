"""Uploaded files, as attackers make them: polyglots, hostile names, decompression bombs.

Every upload field of the portal is tried through its own page (meeting, activity, inspection,
rectification and project photos, agreement documents), then the stored file is fetched through
its serving view: the type is the detected one, images inline, everything else an attachment,
always nosniff and a sandboxing CSP. Files stored before these rules, under hostile names, are
served by their content too.
"""
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities.factories import MeetingFactory
from activities.models import ActivityPhoto, MeetingPhoto
from kernel.uploads import UploadTo, serve_file, validate_document, validate_image
from pairing.factories import NeedFactory, ProjectFactory, UnitFactory
from pairing.models import Agreement, AgreementArea, ProjectPhoto
from portal.factories import InspectionPointFactory, RectificationFactory
from portal.models import Inspection, RectificationEvent
from tests.portal.images import (PDF_HTML, SVG_SCRIPT, docx_bytes, gif_javascript, jpeg_html,
                                 png_bomb, png_bytes)


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_an_image_is_judged_by_its_content_not_its_name():
    validate_image(upload("photo.dat", png_bytes()))
    validate_image(upload("会议照片.txt", png_bytes()))
    for name, content in [("photo.jpg", b"<?php system($_GET['c']); ?>"),
                          ("photo.png", b"<html><script>alert(1)</script></html>"),
                          ("photo.gif", b"MZ\x90\x00 not really a gif"),
                          ("photo.svg", SVG_SCRIPT),
                          ("photo.jpg", PDF_HTML)]:
        with pytest.raises(ValidationError):
            validate_image(upload(name, content))


@pytest.mark.parametrize("name, content, code", [
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "not_image"),
    ("photo.jpg", b"", "empty"),
    ("photo.png", b"%PDF-1.7 a pdf", "not_image"),
])
def test_a_refused_image_says_why(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_image(upload(name, content))
    assert refused.value.code == code


def test_an_oversized_image_is_refused_with_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as refused:
        validate_image(upload("a.png", png_bytes()))
    assert refused.value.code == "too_large"
    assert "不能超过" in refused.value.messages[0]


def test_documents_are_pdf_office_or_images_by_content():
    validate_document(upload("report.bin", b"%PDF-1.7\n..."))
    validate_document(upload("协议.docx", docx_bytes()))
    validate_document(upload("扫描件.png", png_bytes()))
    for name, content in [("report.pdf", b"#!/bin/sh\nrm -rf /"),
                          ("协议.pdf", b"MZ\x90\x00 an executable"),
                          ("协议.docx", b"PK\x03\x04 a zip in name only"),
                          ("sheet.xlsx", b"PK\x03\x04 not a zip at all"),
                          ("archive.docx", _zip({"evil.html": "<script>alert(1)</script>"})),
                          ("协议.svg", SVG_SCRIPT),
                          ("协议.html", b"<html><script>alert(1)</script></html>")]:
        with pytest.raises(ValidationError):
            validate_document(upload(name, content))


def _zip(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
    return buffer.getvalue()


def test_empty_and_oversized_files_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError):
        validate_image(upload("empty.png", b""))
    with pytest.raises(ValidationError):
        validate_document(upload("big.pdf", b"%PDF-" + b"0" * 2048))


def test_a_decompression_bomb_is_refused_by_the_validator_with_a_chinese_message():
    bomb = png_bomb()
    assert len(bomb) < 400
    for check in (validate_image, validate_document):
        with pytest.raises(ValidationError) as refused:
            check(upload("bomb.png", bomb))
        assert refused.value.code == "too_many_pixels"
        assert "像素过多" in refused.value.messages[0]
    # Under Pillow's own limit but over the portal's: refused before decoding, with the size.
    from kernel.uploads import IMAGE_MAX_PIXELS

    side = int(IMAGE_MAX_PIXELS ** 0.5) + 100
    with pytest.raises(ValidationError) as refused:
        validate_image(upload("big.png", png_bomb(side, side)))
    assert f"{side}×{side}" in refused.value.messages[0]


def test_a_phone_photo_with_a_second_picture_is_a_jpeg(media, db):
    """Many phones write MPO (a JPEG followed by a second picture): accepted, stored as JPEG."""
    from kernel.uploads import prepared_upload

    buffer = io.BytesIO()
    first, second = Image.new("RGB", (32, 24), "red"), Image.new("RGB", (32, 24), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    content, kind = prepared_upload(upload("IMG_0001.JPG", buffer.getvalue()))
    assert kind.extension == "jpg" and Image.open(io.BytesIO(content)).format == "JPEG"


def test_every_upload_field_uses_the_one_validator():
    """No image or document field escapes the content checks (a bomb was a 500 on some)."""
    from django.apps import apps
    from django.db.models import FileField

    from kernel.uploads import DocumentUploadField, ImageUploadField

    fields = [field for model in apps.get_models() for field in model._meta.get_fields()
              if isinstance(field, FileField)]
    assert len(fields) >= 6
    for field in fields:
        assert isinstance(field, (ImageUploadField, DocumentUploadField)), field
        with pytest.raises(ValidationError) as refused:
            field.run_validators(upload("bomb.png", png_bomb()))
        assert "像素过多" in refused.value.messages[0], field


def test_stored_names_ignore_the_uploaded_name():
    stored = UploadTo("photos")(None, "../../etc/passwd<script>.JPG")
    assert stored.startswith("photos/") and ".." not in stored and "<" not in stored
    assert stored.endswith(".jpg")
    assert UploadTo("photos")(None, "x.html").endswith(".bin")
    assert UploadTo("photos")(None, "x.js").endswith(".bin")
    stored = UploadTo("meetings")(None, "../../etc/passwd.PNG")
    assert stored.startswith("meetings/") and stored.endswith(".png") and ".." not in stored


def test_uploads_live_outside_the_static_root_and_have_no_url(settings, tmp_path, client,
                                                              django_user_model):
    media = Path(settings.MEDIA_ROOT).resolve()
    static = Path(settings.STATIC_ROOT).resolve()
    assert not media.is_relative_to(static) and not static.is_relative_to(media)
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("photos/2026/01/x.png", ContentFile(png_bytes()))
    client.force_login(django_user_model.objects.create_superuser("root", password="Ro#t2026x"))
    for path in [f"/{name}", f"/media/{name}", f"/static/{name}", f"/uploads/{name}"]:
        assert client.get(path).status_code == 404, path


def test_served_files_are_private_and_not_sniffed(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("photos/x.png", ContentFile(png_bytes()))
    field_file = type("FieldFile", (), {"name": name,
                                         "open": lambda self, mode: default_storage.open(name)})()
    response = serve_file(field_file)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == "image/png"
    response.close()  # sends request_finished, which touches the database connection


# Every upload path, through its page --------------------------------------------------------

@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _meeting_photo(world, client_as, file):
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member],
                             starts_at=timezone.now() - timedelta(hours=2))
    response = client_as(world.users["secretary"]).post(
        reverse("activities:meeting_record", args=[meeting.pk]),
        {"minutes": "学习", f"status_{world.member.pk}": "present", "photos": [file]})
    photo = MeetingPhoto.objects.filter(meeting=meeting).first()
    return response, "photos", photo and (
        photo.image, reverse("activities:meeting_photo", args=[photo.pk]))


def _activity_photo(world, client_as, file):
    response = client_as(world.users["staff"]).post(reverse("activities:activity_create"), {
        "community": world.community.pk, "kind": "volunteer_service", "title": "清理楼道",
        "held_on": "2026-11-15", "place": "3号楼", "organizer": "社区党委",
        "residents_count": "12", "description": "", "participants-TOTAL_FORMS": "0",
        "participants-INITIAL_FORMS": "0", "participants-MIN_NUM_FORMS": "0",
        "participants-MAX_NUM_FORMS": "1000", "photos": [file]})
    photo = ActivityPhoto.objects.first()
    return response, "photos", photo and (
        photo.image, reverse("activities:activity_photo", args=[photo.pk]))


def _inspection_photo(world, client_as, file):
    point = InspectionPointFactory(community=world.community)
    today = timezone.localdate()
    response = client_as(world.users["official"]).post(reverse("dashboards:inspection_create"), {
        "point": point.pk, "inspected_on": today.isoformat(), "result": "fail",
        "problem": "墙面有小广告", "deadline": (today + timedelta(days=2)).isoformat(),
        "photo": file})
    inspection = Inspection.objects.first()
    return response, "photo", inspection and (
        inspection.photo, reverse("dashboards:inspection_photo", args=[inspection.pk]))


def _rectification_photo(world, client_as, file):
    rectification = RectificationFactory(inspection__point__community=world.community,
                                         inspection__photo="")
    response = client_as(world.users["staff"]).post(
        reverse("dashboards:rectification_fix", args=[rectification.pk]),
        {"note": "已清理", "photo": file})
    event = RectificationEvent.objects.filter(action="fixed").first()
    return response, "photo", event and (
        event.photo, reverse("dashboards:rectification_event_photo", args=[event.pk]))


def _project_photo(world, client_as, file):
    project = ProjectFactory(need=NeedFactory(community=world.community),
                             resource__unit__street=world.street)
    response = client_as(world.users["staff"]).post(
        reverse("pairing:photo_create", args=[project.pk]), {"image": file, "caption": "现场"})
    photo = ProjectPhoto.objects.first()
    return response, "image", photo and (
        photo.image, reverse("pairing:photo_file", args=[photo.pk]))


def _agreement_document(world, client_as, file):
    unit = UnitFactory(street=world.street, communities=[world.community])
    response = client_as(world.users["staff"]).post(reverse("pairing:agreement_create"), {
        "community": world.community.pk, "unit": unit.pk, "signed_on": "2025-01-05",
        "starts_on": "2025-01-05", "ends_on": "2028-01-04",
        "areas": list(AgreementArea.objects.values_list("pk", flat=True)[:1]),
        "commitments": "结对帮扶", "document": file})
    agreement = Agreement.objects.first()
    return response, "document", agreement and agreement.document and (
        agreement.document, reverse("pairing:agreement_document", args=[agreement.pk]))


PHOTO_PATHS = [_meeting_photo, _activity_photo, _inspection_photo, _rectification_photo,
               _project_photo]
EVERY_PATH = [*PHOTO_PATHS, _agreement_document]


def _fetch(client_as, world, url):
    response = client_as(world.users["official"]).get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    response.close()
    return response, body


def assert_served_safely(response, content_type, inline):
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment"), disposition


@pytest.mark.parametrize("save", EVERY_PATH, ids=lambda save: save.__name__)
@pytest.mark.parametrize("name, content, extension, content_type", [
    ("x.js", gif_javascript(), "gif", "image/gif"),
    ("整改后.html", jpeg_html(), "jpg", "image/jpeg"),
    ("../../x.html", png_bytes(), "png", "image/png"),
])
def test_a_polyglot_image_is_stored_and_served_as_the_image_it_is(
        world, client_as, media, save, name, content, extension, content_type):
    response, _field, stored = save(world, client_as, upload(name, content))
    assert response.status_code == 302, response.content.decode()[:2000]
    field_file, url = stored
    path = Path(field_file.path).resolve()
    assert path.is_relative_to(media.resolve()) and path.suffix == f".{extension}"
    # Re-encoded: the pixels only, the script is gone.
    assert b"alert" not in path.read_bytes() and b"<script" not in path.read_bytes()
    response, body = _fetch(client_as, world, url)
    assert_served_safely(response, content_type,
                         inline=save is not _agreement_document)
    assert response["Content-Disposition"].endswith(f'.{extension}"')
    assert Image.open(io.BytesIO(body)).format == Image.open(io.BytesIO(content)).format


@pytest.mark.parametrize("save", EVERY_PATH, ids=lambda save: save.__name__)
@pytest.mark.parametrize("name, content, message", [
    ("x.svg", SVG_SCRIPT, "请上传"),
    ("bomb.png", png_bomb(), "像素过多"),
])
def test_svg_and_decompression_bombs_are_refused_next_to_the_field(
        world, client_as, media, save, name, content, message):
    response, field, stored = save(world, client_as, upload(name, content))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not stored
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


def test_a_pdf_that_is_also_html_is_a_pdf_download(world, client_as, media):
    response, _field, (field_file, url) = _agreement_document(
        world, client_as, upload("协议.html", PDF_HTML))
    assert response.status_code == 302
    assert field_file.name.endswith(".pdf")
    response, body = _fetch(client_as, world, url)
    assert_served_safely(response, "application/pdf", inline=False)
    assert 'filename="agreement-' in response["Content-Disposition"]
    assert response["Content-Disposition"].endswith('.pdf"') and body == PDF_HTML


def test_an_office_document_is_a_download_of_its_type(world, client_as, media):
    _response, _field, (field_file, url) = _agreement_document(
        world, client_as, upload("协议.html", docx_bytes()))
    assert field_file.name.endswith(".docx")
    response, _body = _fetch(client_as, world, url)
    assert_served_safely(response, "application/vnd.openxmlformats-officedocument."
                                   "wordprocessingml.document", inline=False)


# Files stored before these rules, under the names their uploaders chose -----------------------

@pytest.mark.parametrize("stored_name, content, content_type, inline", [
    ("meetings/2026/01/整改后.html", jpeg_html(), "image/jpeg", True),
    ("meetings/2026/01/x.js", gif_javascript(), "image/gif", True),
    ("meetings/2026/01/x.svg", SVG_SCRIPT, "application/octet-stream", False),
    ("meetings/2026/01/x.html", PDF_HTML, "application/pdf", False),
    ("meetings/2026/01/bomb.png", png_bomb(), "application/octet-stream", False),
])
def test_files_stored_under_hostile_names_are_served_by_their_content(
        world, client_as, media, stored_name, content, content_type, inline):
    meeting = MeetingFactory(branch=world.branch)
    name = default_storage.save(stored_name, ContentFile(content))
    photo = MeetingPhoto.objects.create(meeting=meeting, image=name)  # committed: not checked
    response, body = _fetch(client_as, world,
                            reverse("activities:meeting_photo", args=[photo.pk]))
    assert_served_safely(response, content_type, inline)
    assert body == content
    assert ".html" not in response["Content-Disposition"]
    assert ".js" not in response["Content-Disposition"]


def test_an_old_html_agreement_document_is_an_opaque_download(world, client_as, media):
    unit = UnitFactory(street=world.street, communities=[world.community])
    from pairing.factories import AgreementFactory

    agreement = AgreementFactory(community=world.community, unit=unit)
    name = default_storage.save("agreements/2025/01/协议.html",
                                ContentFile(b"<html><script>alert(1)</script></html>"))
    Agreement.objects.filter(pk=agreement.pk).update(document=name)
    response, _body = _fetch(client_as, world,
                             reverse("pairing:agreement_document", args=[agreement.pk]))
    assert_served_safely(response, "application/octet-stream", inline=False)
    assert response["Content-Disposition"].endswith(f'agreement-{agreement.pk}.bin"')


def test_a_record_with_an_old_stored_file_can_still_be_changed(world, media):
    """Changing an agreement (the admin runs full_clean) does not check its stored file again:
    it was checked when it came, and is served by its content."""
    from pairing.factories import AgreementFactory

    agreement = AgreementFactory(community=world.community,
                                 unit=UnitFactory(street=world.street,
                                                  communities=[world.community]))
    agreement.document = default_storage.save("agreements/2025/01/old.html",
                                              ContentFile(b"<html>old</html>"))
    agreement.save()
    agreement.refresh_from_db()
    agreement.commitments = "改过的承诺"
    agreement.full_clean()


def test_the_stored_photo_keeps_no_metadata_and_is_upright(world, client_as, media):
    """Re-encoding drops EXIF (a phone's GPS position) and applies its orientation."""
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS
    Image.new("RGB", (40, 20), "red").save(buffer, "JPEG", exif=exif.tobytes())
    _response, _field, (field_file, _url) = _activity_photo(
        world, client_as, upload("现场.jpg", buffer.getvalue()))
    with Image.open(field_file.path) as stored:
        assert stored.size == (20, 40) and not stored.getexif()

