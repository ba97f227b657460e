"""Test settings: the real settings with fast hashing, inline tasks and plain static files."""
import os
import sys

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _worker_redis_url(url, worker):
    """redis://host:port/3 → database 3 + 4 × worker: two pytest-xdist workers that both flush
    the cache before each test, or both run a Celery worker, must not share a database."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + 4 * worker
    return urlunsplit(parts._replace(path=f"/{database % 16}"))


# pytest-xdist (`make test` runs the suite on every CPU): each worker has its own var/ folder
# and Redis databases, as each moment of .ci/calendar does; pytest-django already gives each
# its own test database. Once per worker: a process the worker starts (a Celery worker, a
# manage.py command) inherits the environment and must keep the worker's folder and databases.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ.get("PORTAL_XDIST_WORKER") != _worker:
    os.environ["PORTAL_XDIST_WORKER"] = _worker
    _index = int(_worker.removeprefix("gw"))
    _var = Path(os.environ.get("PORTAL_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")
    os.environ["PORTAL_VAR_DIR"] = str(_var / "xdist" / _worker)
    for _name in ("CACHE_URL", "CELERY_BROKER_URL"):
        if os.environ.get(_name, "").startswith(("redis://", "rediss://")):
            os.environ[_name] = _worker_redis_url(os.environ[_name], _index)

os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# One process; tests/conftest.py empties it before each test.
os.environ.setdefault("CACHE_URL", "locmem://")

from portal.settings import *  # noqa: E402,F401,F403
from portal.settings import BASE_DIR, STORAGES, TEMPLATES, VAR_DIR  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
MEDIA_ROOT = VAR_DIR / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
# Tasks run inline here: a re-warm after every tree change would judge the street in every
# test that builds one (tests/portal/test_rewarm.py turns it on).
COMPLIANCE_REWARM_SECONDS = None


class InvalidTemplateVariable(str):
    """`string_if_invalid` for the tests: a project template that names a variable that does not
    resolve (`{{ claim.decided_by.username }}` while nobody decided) raises instead of printing
    nothing, so every page the suite renders, and the crawl of tests/test_crawl.py, fails on it.

    It is the empty string Django uses in production, and falsy, so filters run exactly as they
    do there: `{{ post.grid.name|default:_("全社区") }}` and `{% if x.y %}` (which never asks) keep
    their meaning and are allowed. Templates of installed packages (admin, crispy) rely on the
    silence and are left alone.
    """

    TOLERATING_FILTERS = frozenset({"default", "default_if_none"})

    def __bool__(self):
        self._check(sys._getframe(1))
        return False

    def __contains__(self, text):
        # blocktranslate asks `"%s" in string_if_invalid` for a placeholder missing from the
        # context; FilterExpression only asks after __bool__, which already decided.
        caller = sys._getframe(1)
        if caller.f_code.co_name == "render_value":
            self._check(caller, name=caller.f_locals.get("key"))
        return False

    @classmethod
    def _check(cls, frame, name=None):
        from django.template.base import FilterExpression, Node

        expression = frame.f_locals.get("self")
        if isinstance(expression, FilterExpression):
            if any(function.__name__ in cls.TOLERATING_FILTERS
                   for function, _args in expression.filters):
                return
            name = expression.token
        elif name is None:
            return  # Variable._resolve_lookup: a call that failed, judged by its expression
        while frame is not None and not isinstance(frame.f_locals.get("self"), Node):
            frame = frame.f_back
        origin = getattr(frame.f_locals["self"], "origin", None) if frame else None
        template = getattr(origin, "name", "") or ""
        if not template.startswith(str(BASE_DIR)) or "site-packages" in template:
            return
        from django.template import TemplateSyntaxError

        raise TemplateSyntaxError(
            f"Invalid template variable {{{{ {name} }}}} in {template.removeprefix(str(BASE_DIR))}")


TEMPLATES = [{**TEMPLATES[0], "OPTIONS": {**TEMPLATES[0]["OPTIONS"],
                                          "string_if_invalid": InvalidTemplateVariable()}}]
