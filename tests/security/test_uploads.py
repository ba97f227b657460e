"""Uploaded files: checked by content and size, stored outside the static root, no public URL."""
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.uploads import UploadTo, serve_file, validate_document, validate_image


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_an_image_is_judged_by_its_content_not_its_name():
    validate_image(upload("photo.dat", png_bytes()))
    for name, content in [("photo.jpg", b"<?php system($_GET['c']); ?>"),
                          ("photo.png", b"<html><script>alert(1)</script></html>"),
                          ("photo.gif", b"MZ\x90\x00 not really a gif")]:
        with pytest.raises(ValidationError):
            validate_image(upload(name, content))


def test_documents_are_pdf_office_or_images_by_content():
    validate_document(upload("report.bin", b"%PDF-1.7\n..."))
    validate_document(upload("sheet.xlsx", b"PK\x03\x04rest"))
    with pytest.raises(ValidationError):
        validate_document(upload("report.pdf", b"#!/bin/sh\nrm -rf /"))


def test_empty_and_oversized_files_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError):
        validate_image(upload("empty.png", b""))
    with pytest.raises(ValidationError):
        validate_document(upload("big.pdf", b"%PDF-" + b"0" * 2048))


def test_stored_names_ignore_the_uploaded_name():
    stored = UploadTo("photos")(None, "../../etc/passwd<script>.JPG")
    assert stored.startswith("photos/") and ".." not in stored and "<" not in stored
    assert stored.endswith(".jpg")


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
