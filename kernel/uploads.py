"""Uploaded files: judged by their content, stored under names the server chooses, served by type.

A file is two things at once more easily than it seems: a GIF that is also JavaScript, a JPEG
whose comment is an HTML page, a PDF that is also HTML. So nothing the uploader says is used:
- the type is read from the content (Pillow, limited to JPEG/PNG/GIF/WEBP, for images; magic
  bytes and the zip's own parts for PDF and Word/Excel/PowerPoint), and a picture declaring more
  than IMAGE_MAX_PIXELS pixels (a decompression bomb) is refused before it is decoded;
- an image is decoded and encoded again, so what is stored is only its pixels (no comment,
  metadata or trailing payload; the EXIF orientation is applied, the GPS position dropped);
- the stored name is `<folder>/<yyyy>/<mm>/<uuid>.<extension of the detected type>`;
- a file is served (`serve_file`, only after the owning record was fetched through its scope)
  with the type read again from the stored content, never from the stored name, so files
  stored before these rules are safe too: images inline, everything else as an attachment,
  unknown content as application/octet-stream; always with nosniff and a sandboxing CSP.

Every upload field is an `ImageUploadField` or a `DocumentUploadField`: their validators and
`pre_save` apply the above whatever the path (forms, services, the admin, seed_demo).
"""
import io
import uuid
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    is_image: bool = False


# Pillow format → what is stored and served. Only these decoders are ever tried on an upload.
JPEG = FileType("jpg", "image/jpeg", True)
IMAGE_TYPES = {
    "JPEG": JPEG,
    # A JPEG with a second picture (many phones' photos); its JPEG decoder reads it.
    "MPO": JPEG,
    "PNG": FileType("png", "image/png", True),
    "GIF": FileType("gif", "image/gif", True),
    "WEBP": FileType("webp", "image/webp", True),
}
# What a re-encoded image is written as.
SAVE_FORMATS = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
DECODERS = ["JPEG", "PNG", "GIF", "WEBP"]
PDF = FileType("pdf", "application/pdf")
# An Office Open XML file is a zip holding [Content_Types].xml and this part.
OFFICE_TYPES = {
    "word/document.xml": FileType(
        "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/workbook.xml": FileType(
        "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/presentation.xml": FileType(
        "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
UNKNOWN = FileType("bin", "application/octet-stream")
STORED_EXTENSIONS = {kind.extension for kind in [*IMAGE_TYPES.values(), PDF,
                                                 *OFFICE_TYPES.values()]}
# 64 megapixels: a 50-megapixel phone photo passes; decoding one takes about 200 MB.
IMAGE_MAX_PIXELS = 64_000_000
# A served file may not run script, load anything or be framed, whatever a browser makes of it.
FILE_CSP = ("sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
            "frame-ancestors 'none'")


class TooManyPixels(Exception):
    def __init__(self, width, height):
        super().__init__(width, height)
        self.width, self.height = width, height


def _open_image(file, max_pixels=IMAGE_MAX_PIXELS):
    """Pillow's image of `file` with the header read (not decoded), or None if not an image
    we accept. Raises TooManyPixels for a picture too large to decode."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=DECODERS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels(0, 0) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, TypeError, EOFError):
        return None
    if image.format not in IMAGE_TYPES:
        return None
    if max_pixels and image.width * image.height > max_pixels:
        raise TooManyPixels(image.width, image.height)
    return image


def image_type(file):
    """The FileType of an image read from its header (nothing is decoded, so any size up to
    Pillow's bomb limit), or None."""
    try:
        image = _open_image(file, max_pixels=None)
    except TooManyPixels:
        return None
    finally:
        file.seek(0)
    # Not image.close(): that would close the caller's file.
    return IMAGE_TYPES[image.format] if image is not None else None


def document_type(file):
    """PDF or an Office Open XML document by content, or None."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as package:
                parts = set(package.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            file.seek(0)
        if "[Content_Types].xml" in parts:
            return next((kind for part, kind in OFFICE_TYPES.items() if part in parts), None)
    return None


def stored_type(file):
    """What a stored file is, read from its content: the one answer the serving view uses."""
    return image_type(file) or document_type(file) or UNKNOWN


def _check_size(upload):
    if upload.size == 0:
        raise ValidationError(_("文件是空的。"), code="empty")
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_("文件不能超过 %(mb)d MB。") % {
            "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}, code="too_large")


def _reencoded(file):
    """(bytes, FileType) of the image in `file` decoded and encoded again, or None when it is
    not an image we accept or cannot be decoded. Raises ValidationError for too many pixels."""
    try:
        image = _open_image(file)
        if image is None:
            return None
        kind = IMAGE_TYPES[image.format]
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # a copy would double the memory
            picture = image
    except TooManyPixels as refused:
        limit = f"{IMAGE_MAX_PIXELS:,}"
        raise ValidationError(
            _("图片像素过多（%(width)d×%(height)d），最多 %(limit)s 像素，请缩小后再上传。") % {
                "width": refused.width, "height": refused.height, "limit": limit}
            if refused.width else
            _("图片像素过多，最多 %(limit)s 像素，请缩小后再上传。") % {"limit": limit},
            code="too_many_pixels") from None
    except (OSError, SyntaxError, ValueError, TypeError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        return None
    finally:
        file.seek(0)
    # Only the pixels are kept: Pillow would otherwise write back a comment, EXIF or a
    # colour profile taken from the original, where a payload can hide.
    picture.info = {key: value for key, value in picture.info.items() if key == "transparency"}
    if kind.extension == "jpg" and picture.mode not in ("RGB", "L", "CMYK"):
        picture = picture.convert("RGB")
    options = {"jpg": {"quality": 90}, "webp": {"quality": 90}}.get(kind.extension, {})
    buffer = io.BytesIO()
    try:
        picture.save(buffer, format=SAVE_FORMATS[kind.extension], **options)
    except (OSError, ValueError, TypeError):
        return None
    return buffer.getvalue(), kind


def _raw(upload):
    """The uploaded file object behind a model's FieldFile, or the upload itself."""
    return upload.file if isinstance(upload, FieldFile) else upload


def prepared_upload(upload, *, documents=False):
    """(content to store, FileType) of an upload, checked; raises ValidationError.

    Images are re-encoded; PDF and Office documents (`documents=True`) are stored as they are.
    Remembered on the upload, so the form's check, the model's check and the save decode once.
    """
    raw = _raw(upload)
    cache_key = "_portal_prepared_documents" if documents else "_portal_prepared_image"
    prepared = getattr(raw, cache_key, None)
    if prepared is not None:
        return prepared
    _check_size(upload)
    reencoded = _reencoded(raw)
    if reencoded is not None:
        prepared = reencoded
    elif documents and (kind := document_type(raw)) is not None:
        raw.seek(0)
        prepared = (raw.read(), kind)
        raw.seek(0)
    elif documents:
        raise ValidationError(_("请上传 PDF、Word/Excel 文档或图片。"), code="not_document")
    else:
        raise ValidationError(_("请上传 JPG、PNG、GIF 或 WEBP 格式的图片。"), code="not_image")
    setattr(raw, cache_key, prepared)
    return prepared


def _already_stored(upload):
    # A model's full_clean checks its stored file again whenever the record is changed: that
    # file was checked when it came, and is served by its content whatever it is.
    return isinstance(upload, FieldFile) and upload._committed


def validate_image(upload):
    """The one check of every image upload (photos of meetings, activities, inspections,
    rectifications and projects): a JPG/PNG/GIF/WEBP picture by content, not too large."""
    if not _already_stored(upload):
        prepared_upload(upload)


def validate_document(upload):
    """A PDF, an Office document (docx/xlsx/pptx) or an image, by content."""
    if not _already_stored(upload):
        prepared_upload(upload, documents=True)


@deconstructible
class UploadTo:
    """upload_to that ignores the uploader's file name: `<folder>/<yyyy>/<mm>/<uuid>.<ext>`,
    the extension being the detected type's (the upload fields pass it), else `.bin`."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = PurePath(filename).suffix.lower().lstrip(".")
        if extension == "jpeg":
            extension = "jpg"
        if extension not in STORED_EXTENSIONS:
            extension = UNKNOWN.extension
        return f"{self.folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class UploadField(models.FileField):
    """A FileField whose upload is stored as `prepared_upload` makes it, named by its type."""

    documents = False

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            try:
                content, kind = prepared_upload(file, documents=self.documents)
            except ValidationError as error:
                raise ValidationError({self.name: error.messages}) from None
            file.save(f"upload.{kind.extension}", ContentFile(content), save=False)
        return file

    def formfield(self, **kwargs):
        accept = "image/*,.pdf,.docx,.xlsx,.pptx" if self.documents else "image/*"
        field = super().formfield(**kwargs)
        field.widget.attrs.setdefault("accept", accept)
        return field


class ImageUploadField(UploadField):
    """A photo: JPEG, PNG, GIF or WEBP, re-encoded."""


class DocumentUploadField(UploadField):
    """A document: PDF, Word/Excel/PowerPoint (Office Open XML) as uploaded, or an image."""

    documents = True


def serve_file(field_file, download_name=None):
    """Stream a stored file. Call only after fetching its record through visible_to().

    The type comes from the stored content: an image is shown inline, anything else (and
    every file given a `download_name`, to which the detected extension is added) is an
    attachment; unknown content is application/octet-stream.
    """
    stored = field_file.open("rb")
    kind = stored_type(stored)
    stored.seek(0)
    stem = download_name or PurePath(field_file.name).stem
    response = FileResponse(stored, content_type=kind.content_type,
                            as_attachment=not kind.is_image or download_name is not None,
                            filename=f"{stem}.{kind.extension}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
