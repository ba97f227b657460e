"""Small uploads for tests: a real PNG and a file that only pretends to be one."""
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_upload(name="photo.png", colour=(200, 30, 30)):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def fake_image_upload(name="photo.png"):
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/png")
