"""Test settings: the real settings with fast hashing, inline tasks and plain static files."""
import os

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# One process; tests/conftest.py empties it before each test.
os.environ.setdefault("CACHE_URL", "locmem://")

from portal.settings import *  # noqa: E402,F401,F403
from portal.settings import STORAGES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = VAR_DIR / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
