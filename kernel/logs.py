"""What the logs may say: the request id on every line, and no ID number or phone number.

Every log line is JSON (settings.LOGGING). The request id lives in a context variable that the
request-log middleware (portal/middleware.py) sets, so every line written while a request is
served names it, whichever module wrote it.

Logs and error reports leave the portal's access control: they are read by operators, copied
to log servers and kept for six months. So the handlers' `ScrubFilter` masks ID numbers and
mobile and landline numbers in the message, its arguments, the traceback and any extra text
field, and `scrub_event` does the same to a Sentry event. An ID number keeps what the roster
shows of it (6 + 4 characters), a phone number its first 3 and last 4 digits. Household
details have no pattern to mask: they are simply never logged (the request log writes the path,
never the query string or the body).
"""
import contextvars
import logging
import re

request_id_var = contextvars.ContextVar("request_id", default=None)

# 17 digits and a check character (`\d` matches full-width digits too), not inside a longer run.
ID_NUMBER = re.compile(r"(?<![\dA-Za-z])(\d{6})\d{8}(\d{3}[\dXxＸｘ])(?![\dA-Za-z])")
# A mainland mobile number, with or without +86 and the separators people type.
MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[-\s]?)?(1[3-9]\d)[-\s]?\d{4}[-\s]?(\d{4})(?!\d)")
# A landline with its area code: 010-12345678, 0551-6543210.
LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})-\d{3,4}(\d{4})(?!\d)")


def scrub(text):
    """`text` with ID numbers and phone numbers masked."""
    text = ID_NUMBER.sub(lambda match: f"{match[1]}********{match[2]}", text)
    text = MOBILE.sub(lambda match: f"{match[1]}****{match[2]}", text)
    return LANDLINE.sub(lambda match: f"{match[1]}-****{match[2]}", text)


# What every LogRecord has; any other attribute came in through `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime",
                                                                  "taskName"}


class ScrubFilter(logging.Filter):
    """On a handler: the record leaves with its message, traceback and extras scrubbed."""

    def filter(self, record):
        record.msg, record.args = scrub(record.getMessage()), ()
        if record.exc_info:
            # Exception messages quote values (PostgreSQL's "Key (id_number)=(…) already exists").
            record.exc_text = record.exc_text or logging.Formatter().formatException(
                record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _RECORD_ATTRIBUTES:  # Celery's `data` holds a task's arguments
                setattr(record, name, _scrubbed(value))
        return True


class RequestIdFilter(logging.Filter):
    """On a handler: the id of the request being served, on every line written meanwhile."""

    def filter(self, record):
        request_id = request_id_var.get()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


def scrub_event(event, hint=None):
    """Sentry's `before_send`: every text of the event scrubbed, the request id as a tag."""
    event = _scrubbed(event)
    request_id = request_id_var.get()
    if request_id is not None:
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def _scrubbed(value):
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: _scrubbed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_scrubbed(item) for item in value)
    if isinstance(value, int) and not isinstance(value, bool) and scrub(str(value)) != str(value):
        return scrub(str(value))  # a phone number kept as a number
    return value
