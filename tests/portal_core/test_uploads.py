import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kernel.uploads import UploadTo, validate_document, validate_image
from tests.portal.images import docx_bytes


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_real_image_passes_whatever_its_name():
    validate_image(SimpleUploadedFile("会议照片.txt", png_bytes()))


@pytest.mark.parametrize("name, content, code", [
    ("photo.jpg", b"<html><script>alert(1)</script></html>", "not_image"),
    ("photo.jpg", b"", "empty"),
    ("photo.png", b"%PDF-1.7 a pdf", "not_image"),
])
def test_images_are_checked_by_content(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile(name, content))
    assert refused.value.code == code


def test_size_limit(settings):
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ValidationError) as refused:
        validate_image(SimpleUploadedFile("a.png", png_bytes()))
    assert refused.value.code == "too_large"
    assert "不能超过" in refused.value.messages[0]


def test_documents_accept_pdf_office_and_images_only():
    validate_document(SimpleUploadedFile("协议.pdf", b"%PDF-1.4\n..."))
    validate_document(SimpleUploadedFile("协议.docx", docx_bytes()))
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("协议.docx", b"PK\x03\x04 a zip in name only"))
    validate_document(SimpleUploadedFile("扫描件.png", png_bytes()))
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("协议.pdf", b"MZ\x90\x00 an executable"))


def test_stored_names_never_use_the_uploaders_file_name():
    path = UploadTo("meetings")(None, "../../etc/passwd.PNG")
    assert path.startswith("meetings/") and path.endswith(".png") and ".." not in path
