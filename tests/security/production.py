"""Run code under the production settings (DEBUG false) in a fresh interpreter."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY = {"DATABASE_URL", "HTTPS", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE",
             "CELERY_TASK_ALWAYS_EAGER", "FORCE_PASSWORD_CHANGE", "SESSION_IDLE_MINUTES",
             "AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES"}


def production_env(tmp_path, **extra):
    # Only what production would have: not the test run's database or its async switch
    # (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright).
    env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY}
    env.update({"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "x",
                "DJANGO_SETTINGS_MODULE": "portal.settings", "PORTAL_VAR_DIR": str(tmp_path)})
    env.update(extra)
    return env


def run(args, tmp_path, **extra):
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=production_env(tmp_path, **extra),
                          capture_output=True, text=True, timeout=120)


def production_settings(tmp_path, names, **extra):
    """The values of these settings as production would see them."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, "
            "default=str))")
    result = run(["-c", code], tmp_path, **extra)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
