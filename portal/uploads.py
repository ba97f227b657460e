"""Uploaded files: checked by content and size, stored under MEDIA_ROOT with names we choose,
and served only by views that have already fetched the owning record through its scope."""
import mimetypes
import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Magic numbers of the documents staff attach (signed agreements, scanned reports).
DOCUMENT_SIGNATURES = {b"%PDF-": "pdf", b"PK\x03\x04": "zip"}


def _check_size(upload):
    if upload.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_("文件不能超过 %(mb)d MB。") % {
            "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}, code="too_large")


def image_format(upload):
    """The image format read from the content, or None when it is not an image we accept."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            found = image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        found = None
    finally:
        upload.seek(0)
    return found if found in IMAGE_FORMATS else None


def validate_image(upload):
    _check_size(upload)
    if image_format(upload) is None:
        raise ValidationError(_("请上传 JPG、PNG、GIF 或 WEBP 格式的图片。"), code="not_image")


def validate_document(upload):
    """A PDF, an Office file (zip container) or an image."""
    _check_size(upload)
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if any(head.startswith(signature) for signature in DOCUMENT_SIGNATURES):
        return
    if image_format(upload) is None:
        raise ValidationError(_("请上传 PDF、Word/Excel 文档或图片。"), code="not_document")


@deconstructible
class UploadTo:
    """upload_to that ignores the uploader's file name: `<folder>/<yyyy>/<mm>/<uuid>.<ext>`."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        suffix = PurePath(filename).suffix.lower()[:8]
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def serve_file(field_file, download_name=None):
    """Stream a stored file. Call only after fetching its record through visible_to()."""
    content_type, _encoding = mimetypes.guess_type(field_file.name)
    response = FileResponse(field_file.open("rb"),
                            content_type=content_type or "application/octet-stream",
                            as_attachment=download_name is not None,
                            filename=download_name or PurePath(field_file.name).name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
