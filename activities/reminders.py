"""Reminders: record, claim, send.

A *source* is a function `scan(now) -> iterable of Reminder` registered under a name with
`register(name, is_current=None)`. Every Reminder's `kind` starts with `"<name>:"` and carries
what makes it one occasion (e.g. the meeting's start time), so the unique key
(subject, recipient, kind, channel) stands for exactly one message. `is_current(subject_id,
kind, now) -> bool` (optional) is asked again just before sending; a reminder whose occasion
went away (a cancelled meeting, a met requirement) is then voided instead of sent.

`scan(now)` runs every source, bulk-creates the missing Notification and Delivery rows with
conflicts ignored (a second tick or worker creates nothing new), and leaves them pending.

A tick does not run a source again in full when nothing it read can have changed: no table it
read was written since (kernel/table_versions.py), its clock (by default the day) has not turned,
and neither its code nor the settings changed (ReminderScan keeps what the last full run stood
on). It then finds nothing new, except what time alone makes due: a source that knows how gives
`since(last tick, now)` (the meetings that reached a lead time in between). Every source still
runs in full at least every FULL_EVERY, for writes the table versions cannot see.
`send_delivery(id)` claims one pending delivery with a conditional UPDATE before calling its
channel, so a retried task, a double tick or two workers send it once. `sweep_stuck(now)` gives
back the deliveries whose worker died after claiming them, or marks them failed.
"""
import contextvars
import csv
import hashlib
import io
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path, PurePath
from typing import Callable, NamedTuple, Optional

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext as _

from activities.channels import CHANNELS, Undeliverable, addresses_for, fall_back
from activities.models import Delivery, Notification, ReminderScan
from kernel import table_versions

logger = logging.getLogger(__name__)
# A failing channel is tried this many times before the delivery is marked failed.
MAX_ATTEMPTS = 5
KIND_MAX_LENGTH = Notification._meta.get_field("kind").max_length
# A source runs in full at least this often, even when no table it read was written: writes
# from outside Django (psql, another program) and writes lost while Redis was down are seen
# within it.
FULL_EVERY = timedelta(hours=1)


class Reminder(NamedTuple):
    # A tuple, not a frozen dataclass: a city's scan builds 50,000 a minute, and a frozen
    # dataclass sets each field through object.__setattr__.
    subject_model: type
    subject_id: int
    recipient_id: int
    kind: str
    title: str
    body: str = ""
    url: str = ""
    message: Optional[dict] = None  # see reminder_text


def reminder_text(title, body="", **params):
    """title=, body= and message= of a Reminder from Chinese msgids and their values.

    The title and body are rendered now in the active (default) language, for mail and SMS;
    `message` keeps the msgids and values so the inbox renders them again in its reader's
    language. Dates and times are kept as ISO text and shown in the reader's format."""
    stored = {}
    for name, value in params.items():
        if isinstance(value, datetime):
            stored[name] = {"datetime": timezone.localtime(value).isoformat()}
        elif isinstance(value, date):
            stored[name] = {"date": value.isoformat()}
        else:
            stored[name] = value if isinstance(value, (int, float)) else str(value)
    message = {"title": title, "body": body, "params": stored}
    locale = shared("locale", _locale)  # a scan renders thousands in the same language
    return {"title": render_message(message, "title", locale),
            "body": render_message(message, "body", locale), "message": message}


def _locale():
    return get_language(), timezone.get_current_timezone_name()


def render_message(message, part, locale=None):
    """The title or body of a stored message in the active language (`locale`, the active
    language and time zone if already at hand: a scan renders thousands)."""
    msgid = message.get(part) or ""
    if not msgid:
        return ""
    language, zone = locale or _locale()
    values = {}
    for name, value in (message.get("params") or {}).items():
        if isinstance(value, dict) and ("datetime" in value or "date" in value):
            kind = "datetime" if "datetime" in value else "date"
            value = _shown(kind, value[kind], language, zone)
        values[name] = value
    try:
        return _translated(msgid, language) % values
    except (KeyError, TypeError, ValueError):  # a msgid changed since: its Chinese text
        return msgid % values if values else msgid


@lru_cache(maxsize=1024)
def _translated(msgid, language):
    # A scan renders the same few msgids for thousands of reminders; `gettext` looks the
    # active language up again each time.
    return gettext(msgid)


@lru_cache(maxsize=4096)
def _shown(kind, iso, language, zone):
    """A stored date or time in the active language's format, in the current time zone (both in
    the key): a scan formats the same few days for thousands of reminders."""
    if kind == "datetime":
        return formats.date_format(timezone.localtime(datetime.fromisoformat(iso)),
                                   "DATETIME_FORMAT")
    return formats.date_format(date.fromisoformat(iso))


def local_day(now):
    """The default clock of a source: what it finds changes with the day, not the hour."""
    return timezone.localdate(now).isoformat()


def timeless(now):
    """The clock of a source whose `since` finds what time makes due."""
    return ""


def every_tick(now):
    """The clock of a source that compares times (a vote opening at 14:00): run it every tick."""
    return now.isoformat()


@dataclass(frozen=True)
class Source:
    name: str
    scan: Callable
    is_current: Optional[Callable] = None
    # since(last tick, now): what time alone made due in between, the data being as it was.
    since: Optional[Callable] = None
    # clock(now): what of the moment the found reminders depend on besides the data.
    clock: Callable = local_day
    # Models read through a cache (whose queries a run may not make): the scan cannot see them.
    inputs: tuple = ()

    def input_tables(self):
        return {apps.get_model(label)._meta.db_table for label in self.inputs}


SOURCES = {}


# Rows several sources of one scan read alike (the four 发展党员 sources judge every candidate
# in the pipeline): computed once per scan (`shared`), afresh by the next.
_scan_memo = contextvars.ContextVar("reminder_scan_memo", default=None)


def shared(key, compute):
    """`compute()`, once per `scan` for every source that asks with the same key; outside a
    scan (a source run alone, `is_current`) on each call."""
    memo = _scan_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        with table_versions.reading() as tables:
            memo[key] = (compute(), tables)
    value, tables = memo[key]
    # A source that reuses the value read those tables too, though it made no query.
    table_versions.note_read(tables)
    return value


def register(name, is_current=None, *, since=None, clock=local_day, inputs=()):
    """Decorator: `@register("agreement_expiring")` on a `scan(now)` function."""
    def decorator(scan_function):
        SOURCES[name] = Source(name, scan_function, is_current, since, clock, tuple(inputs))
        return scan_function
    return decorator


def _insert_ignoring_conflicts(model, fields, rows):
    """INSERT … ON CONFLICT DO NOTHING for plain tuples. Model instances would cost more than
    the database does at 10,000 reminders a scan."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_ignoring_conflicts(cursor, table, columns, rows)
            return
        # SQLite's limit on variables needs chunks.
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        chunk = max(1, 900 // len(fields))
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES "
                           + ", ".join([row_sql] * len(part)) + " ON CONFLICT DO NOTHING",
                           [value for row in part for value in row])


def _copy_ignoring_conflicts(cursor, table, columns, rows):
    """PostgreSQL: COPY the rows into a scratch table, then insert those not there yet. The
    first scan of a city records 150,000 rows or more (and the 10th of a month, when the dues
    reminders go out): less time than one INSERT of their values."""
    # CSV, every text quoted: a quoted value is never NULL (the rows hold none) and may hold the
    # separators; the csv module writes it in C.
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(rows)
    buffer.seek(0)
    scratch = "reminder_scratch"
    with transaction.atomic():  # the scratch table goes with a failure
        cursor.execute(f"CREATE TEMPORARY TABLE {scratch} AS SELECT {columns} FROM {table} "
                       f"WITH NO DATA")
        cursor.cursor.copy_expert(f"COPY {scratch} ({columns}) FROM STDIN WITH (FORMAT csv)",
                                  buffer)
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {scratch} "
                       f"ON CONFLICT DO NOTHING")
        cursor.execute(f"DROP TABLE {scratch}")


NOTIFICATION_FIELDS = ["content_type", "object_id", "recipient", "kind", "category", "title",
                       "body", "url", "message", "created_at"]
DELIVERY_FIELDS = ["content_type", "object_id", "recipient", "kind", "channel", "address",
                   "status", "attempts", "error", "created_at"]


def record(reminders):
    """Create the Notification and per-channel Delivery rows that do not exist yet."""
    reminders = list(reminders)
    if not reminders:
        return 0
    content_types = ContentType.objects.get_for_models(*{r.subject_model for r in reminders})
    recorded = _recorded_keys(reminders, content_types)
    fresh = []
    for reminder in reminders:
        if len(reminder.kind) > KIND_MAX_LENGTH or ":" not in reminder.kind:
            raise ValueError(f"A reminder kind is '<source>:<occasion>', at most "
                             f"{KIND_MAX_LENGTH} characters: {reminder.kind!r}")
        key = (content_types[reminder.subject_model].pk, reminder.subject_id,
               reminder.recipient_id, reminder.kind)
        if key not in recorded:
            recorded.add(key)
            fresh.append((key, reminder))
    if not fresh:
        return 0
    channels = addresses_for({reminder.recipient_id for _key, reminder in fresh})
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    notifications, deliveries = [], []
    for key, reminder in fresh:
        notifications.append((*key, reminder.kind.split(":", 1)[0], reminder.title[:200],
                              reminder.body, reminder.url,
                              json.dumps(reminder.message or {}), now))
        for channel, address in channels.get(reminder.recipient_id, []):
            deliveries.append((*key, channel, address, Delivery.Status.PENDING.value, 0, "", now))
    _insert_ignoring_conflicts(Notification, NOTIFICATION_FIELDS, notifications)
    _insert_ignoring_conflicts(Delivery, DELIVERY_FIELDS, deliveries)
    return len(deliveries)


def _recorded_keys(reminders, content_types):
    """Keys already recorded for these subjects: one query per subject type, so a scan that
    finds the same due reminders every minute writes nothing."""
    subjects = {}
    for reminder in reminders:
        subjects.setdefault(content_types[reminder.subject_model].pk, set()).add(
            reminder.subject_id)
    recorded = set()
    for content_type_id, ids in subjects.items():
        recorded.update(Notification.objects.filter(content_type_id=content_type_id,
                                                    object_id__in=ids).order_by()
                        .values_list("content_type_id", "object_id", "recipient_id", "kind"))
    return recorded


def scan(now=None, sources=None):
    """Run the sources (all by default) and record what is due. Returns the reminders found:
    all that are due from a source run in full, what became due since the last tick from the
    others."""
    now = now or timezone.now()
    names = sources or list(SOURCES)
    # Versions before any query: a write committed while a source runs reads as written.
    table_versions.flush()  # this connection's own writes not committed yet (a shell, a test)
    versions = table_versions.versions(table_versions.watched_tables())
    settings_digest = _settings_digest()
    last = {row.source: row for row in ReminderScan.objects.filter(source__in=names)}
    found, ran = [], []
    token = _scan_memo.set({})
    try:
        for name in names:
            source = SOURCES[name]
            basis = {"clock": source.clock(now), "settings": settings_digest,
                     "code": _code_digest()}
            previous = last.get(name)
            if previous is not None and _unchanged(previous, basis, versions, now):
                basis = previous.basis
                if source.since:
                    with table_versions.reading() as tables:
                        found.extend(source.since(previous.ran_at, now))
                    # A full run that found nothing due may not have read what `since` reads
                    # (the attendees of a meeting): from now on they count too.
                    basis = {**basis, "tables": {**_read(tables, versions), **basis["tables"]}}
                ran.append(ReminderScan(source=name, ran_at=now, full_at=previous.full_at,
                                        basis=basis))
                continue
            with table_versions.reading() as tables:
                found.extend(source.scan(now))
            basis["tables"] = _read(tables | source.input_tables(), versions)
            ran.append(ReminderScan(source=name, ran_at=now, full_at=now, basis=basis))
    finally:
        _scan_memo.reset(token)
    record(found)
    # In the scan's transaction: rolled back with its records, it never claims what they lack.
    ReminderScan.objects.bulk_create(ran, update_conflicts=True, unique_fields=["source"],
                                     update_fields=["ran_at", "full_at", "basis"])
    return len(found)


def _read(tables, versions):
    """{table: version} of the tables read that have versions (the reminders' own records, read
    to leave out who was told already, have none: the scan writes them itself)."""
    return {table: versions[table] for table in sorted(tables) if table in versions}


def _unchanged(previous, basis, versions, now):
    """Whether the source's last full run still holds: same clock, code and settings, no table
    it read written since (a version the cache lost counts as written), not too long ago."""
    if not previous.ran_at <= now < previous.full_at + FULL_EVERY:
        return False
    stored = previous.basis
    if any(stored.get(key) != value for key, value in basis.items()):
        return False
    tables = stored.get("tables") or {}
    return all(version is not None and versions.get(table) == version
               for table, version in tables.items())


def _settings_digest():
    """A digest of the settings that are plain values: a deploy that changes one (a notice
    period, a cap) runs every source in full at the next tick."""
    plain = []
    for name in sorted(dir(settings)):
        if name.isupper():
            try:
                plain.append((name, json.dumps(getattr(settings, name), sort_keys=True,
                                               default=_plain)))
            except (TypeError, ValueError):  # classes, functions: not settings of a source
                continue
    return hashlib.sha1(repr(plain).encode()).hexdigest()[:12]


def _plain(value):
    if isinstance(value, (date, timedelta, Decimal, PurePath)):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(map(str, value))
    raise TypeError(type(value))


@lru_cache(maxsize=1)
def _code_digest():
    """A digest of the project's Python files: a deploy that changes how any source, or what it
    calls (a ledger, a time limit), finds reminders runs every source in full at the next tick.
    Read once per process, the same on every host running the same code."""
    root = Path(settings.BASE_DIR)
    files = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [name for name in subfolders if not name.startswith((".", "_"))
                         and name not in ("tests", "var", "node_modules", "static")]
        files += [Path(folder, name) for name in names if name.endswith(".py")]
    digest = hashlib.sha1()
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def pending_ids(limit=10000):
    return list(Delivery.objects.filter(status=Delivery.Status.PENDING)
                .order_by("created_at", "pk").values_list("pk", flat=True)[:limit])


def send_delivery(delivery_id, now=None):
    """Send one delivery if this caller wins the claim. Returns True when it was sent."""
    now = now or timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    delivery = Delivery.objects.get(pk=delivery_id)
    source = SOURCES.get(delivery.kind.split(":", 1)[0])
    if source and source.is_current and not source.is_current(delivery.object_id, delivery.kind,
                                                               now):
        _finish(delivery, Delivery.Status.VOID)
        return False
    notification = Notification.objects.get(
        content_type_id=delivery.content_type_id, object_id=delivery.object_id,
        recipient_id=delivery.recipient_id, kind=delivery.kind)
    try:
        CHANNELS[delivery.channel].send(delivery, notification)
    except Undeliverable as error:
        # No retry can help (the day's SMS cap, an unknown WeCom account): failed now, and
        # the reminder is shown in the inbox instead.
        _finish(delivery, Delivery.Status.FAILED, error=str(error)[:300])
        fall_back([delivery.pk])
        return False
    except Exception as error:
        # Give the row back so the retry (or the next scan) can claim it again.
        status = (Delivery.Status.FAILED if delivery.attempts >= MAX_ATTEMPTS
                  else Delivery.Status.PENDING)
        _finish(delivery, status, error=str(error)[:300])
        if status == Delivery.Status.FAILED:
            fall_back([delivery.pk])
        raise
    _finish(delivery, Delivery.Status.SENT, sent_at=timezone.now())
    return True


def _finish(delivery, status, **fields):
    # Only this claim: a worker that outlived the sweep must not finish a newer claim.
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING,
                            claimed_at=delivery.claimed_at).update(status=status, **fields)


def sweep_stuck(now=None):
    """Deliveries still "sending" DELIVERY_STUCK_MINUTES after their claim lost their worker.
    Back to pending for the next tick while attempts remain, else failed with the reason, where
    staff see them (the admin's 发送记录). Returns (requeued, failed).

    The worker may have died after the channel sent: in-app delivery happens once whatever the
    retries (it only fills the notification's delivered_at), and 企业微信 drops a duplicate;
    an email may then come twice, which is better than a reminder silently never sent. An SMS
    (`resend_when_stuck = False`) is never sent again: it is failed at once and, like every
    delivery failed here, shown in the inbox instead.
    """
    now = now or timezone.now()
    stuck = Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        claimed_at__lt=now - timedelta(minutes=settings.DELIVERY_STUCK_MINUTES))
    limit = settings.DELIVERY_STUCK_MAX_ATTEMPTS
    once_only = [code for code, channel in CHANNELS.items() if not channel.resend_when_stuck]
    failing = list(stuck.filter(attempts__gte=limit).values_list("pk", flat=True))
    failing_once_only = list(stuck.filter(attempts__lt=limit, channel__in=once_only)
                             .values_list("pk", flat=True))
    failed = stuck.filter(pk__in=failing).update(
        status=Delivery.Status.FAILED,
        error=_("工作进程在发送时中断，已达到最多尝试次数，不再重试。"))
    failed += stuck.filter(pk__in=failing_once_only).update(
        status=Delivery.Status.FAILED,
        error=_("工作进程在发送时中断，可能已经发出，为免重复不再重发。"))
    fall_back(failing + failing_once_only, now)
    requeued = stuck.filter(attempts__lt=limit).exclude(channel__in=once_only).update(
        status=Delivery.Status.PENDING)
    if requeued or failed:
        logger.warning("Deliveries whose worker stopped while sending: %d requeued, %d failed",
                       requeued, failed)
    return requeued, failed


def queue_sending(delivery_ids=None):
    """After the transaction commits, hand the pending deliveries to the workers.

    When the broker is down nothing is raised into the caller: the rows stay pending and
    the next beat tick queues them again.
    """
    from django.db import transaction

    from kernel.queueing import queue_task

    def enqueue():
        from activities.tasks import send_deliveries

        ids = pending_ids() if delivery_ids is None else list(delivery_ids)
        for start in range(0, len(ids), 200):
            if not queue_task(send_deliveries, ids[start:start + 200]):
                logger.warning("%d deliveries stay pending", len(ids) - start)
                return

    transaction.on_commit(enqueue)
