"""Small uploads for tests: a real PNG and a file that only pretends to be one."""
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(size=(8, 8), colour="red"):
    """The bytes of a real PNG of `size` pixels: the one image helper of the tests."""
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name="photo.png", colour=(200, 30, 30), size=(8, 8)):
    return SimpleUploadedFile(name, png_bytes(size, colour), content_type="image/png")


def fake_image_upload(name="photo.png"):
    return SimpleUploadedFile(name, b"this is not an image at all", content_type="image/png")


# Files attackers make: each is really two things at once (checked in tests/security).

def gif_javascript():
    """A GIF that is also JavaScript: `GIF89a/*<image>*/=alert(document.domain);//`.

    The logical screen width is written in the bytes `/*` (0x2a2f = 10799 pixels), which opens a
    JavaScript comment; the image data after it has no `*/`; after the GIF's trailer comes the
    statement. Pillow reads the GIF, a browser runs the script when it is served as JavaScript.
    """
    for colour in range(256):
        buffer = BytesIO()
        Image.new("L", (0x2A2F, 1), colour).save(buffer, format="GIF")
        content = buffer.getvalue()
        assert content[6:8] == b"/*"
        if b"*/" not in content:
            return content + b"*/=alert(document.domain);//"
    raise AssertionError("no GIF without */")


def jpeg_html(script=b"<script>alert(document.domain)</script>"):
    """A JPEG whose comment segment is an HTML page with a script (inline, or a
    `<script src=…>` of the portal's own URL, which the page CSP's script-src 'self' allows)."""
    buffer = BytesIO()
    Image.new("RGB", (16, 16), (200, 30, 30)).save(
        buffer, format="JPEG", comment=b"<html><body>" + script + b"</body></html>")
    return buffer.getvalue()


# A PDF that is also HTML: readers find the PDF objects, a browser the page.
PDF_HTML = (b"%PDF-1.4\n%<html><body><script>alert(document.domain)</script></body></html>\n"
            b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")
SVG_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
              b"<script>alert(document.domain)</script></svg>")


def png_bomb(width=100_000, height=100_000):
    """A PNG of a few hundred bytes that declares width × height pixels (a decompression bomb)."""
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = zlib.compress(b"\x00" * (width // 8 + 1) * 16, 9)
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def docx_bytes():
    """The smallest zip a Word document is recognised by: its content types and document part."""
    import zipfile

    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        package.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()
