"""A version per table in the cache, replaced when a transaction that wrote the table commits: a
reader that kept the versions of the tables it read knows, by reading them again, whether any
was written since (the reminder scan, activities/reminders.py, runs a source again only then).

Every statement Django runs passes `_watch` (put on each new connection by `install`): an INSERT,
UPDATE, DELETE or TRUNCATE notes its table on the connection, and the tables noted get new
versions when the transaction commits (at once outside a transaction). So writes of every kind
count: save(), update(), bulk_create(), raw SQL through Django's connection, a data migration.
Not counted: the tables in IGNORED, and a login stamping `last_login` (both written all day,
read by no reader of versions).

Not seen: writes from outside Django (psql, another program); writes made while the cache was
down (kernel/cache.py then clears the cache when Redis answers again, and a cleared version reads
as written). Readers that must not miss those run in full now and then anyway.
"""
import contextvars
import logging
import re
import uuid
from contextlib import contextmanager

from django.apps import apps
from django.core.cache import cache
from django.db import connections

logger = logging.getLogger(__name__)

# Django quotes every name; raw SQL may not, and may start with blanks or a comment.
_LEAD = r'\s*(?:/\*.*?\*/\s*|--[^\n]*\n\s*)*'
_NAME = r'"?(\w+)"?'
_WRITE = re.compile(_LEAD + r'(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+' + _NAME,
                    re.IGNORECASE | re.DOTALL)
_TRUNCATE = re.compile(_LEAD + r'TRUNCATE\b(?:\s+TABLE\b)?(.*?)(?:\bRESTART\b|\bCASCADE\b|;|$)',
                       re.IGNORECASE | re.DOTALL)
_READ = re.compile(r'\b(?:FROM|JOIN)\s+' + _NAME, re.IGNORECASE)
# A login stamps the user's last_login: no reader cares, and it happens all day.
_UNSEEN = re.compile(r'\s*UPDATE\s+"auth_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE\b',
                     re.IGNORECASE)
# Tables written all day whose writes no reader of versions cares about: sessions, login
# attempts, the audit log, and the reminders' own records (the scan writes them itself).
IGNORED = frozenset({"django_session", "axes_accessattempt", "axes_accessattemptexpiration",
                     "axes_accesslog", "axes_accessfailurelog", "auditlog_logentry",
                     "activities_notification", "activities_delivery", "activities_reminderscan"})


def _key(table):
    return f"table:version:{table}"


def written_table(sql):
    """The tables an INSERT, UPDATE, DELETE or TRUNCATE statement writes (empty for others)."""
    truncate = _TRUNCATE.match(sql)
    if truncate:
        return {name.strip().strip('"') for name in truncate.group(1).split(",") if name.strip()}
    match = _WRITE.match(sql)
    return {match.group(1)} if match and not _UNSEEN.match(sql) else set()


def read_tables(sql):
    """The tables a statement reads (FROM and JOIN, subqueries included)."""
    return set(_READ.findall(sql))


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if not sql.startswith("SELECT"):  # most statements are; the rest go to the expressions
        tables = written_table(sql) - IGNORED
        if tables:
            _note(context["connection"], tables)
    return result


def _note(connection, tables):
    pending = connection.__dict__.setdefault("_written_tables", set())
    pending |= tables
    if not connection.in_atomic_block:
        _renew(pending)
        connection._written_tables = set()
        return
    # One callback per transaction; a rolled-back savepoint drops it, so look again.
    callback = connection.__dict__.get("_written_callback")
    if callback is None or not any(entry[1] is callback for entry in connection.run_on_commit):
        callback = connection._written_callback = lambda: _committed(connection)
        # robust: a failure here must not stop the other callbacks of the commit.
        connection.on_commit(callback, robust=True)


def _committed(connection):
    tables = connection.__dict__.get("_written_tables", set()) | connection.__dict__.get(
        "_renew_at_commit", set())
    connection._written_tables, connection._renew_at_commit = set(), set()
    _renew(tables)


def flush(connection=None):
    """New versions now for the tables this connection wrote and has not committed yet: a reader
    in the same transaction (a test, a shell, a scan inside a larger transaction) then sees its
    own writes. They are renewed again at the commit, which others wait for."""
    connection = connection or connections["default"]
    pending = connection.__dict__.get("_written_tables")
    if pending:
        connection._written_tables = set()
        connection.__dict__.setdefault("_renew_at_commit", set()).update(pending)
        _renew(pending)


def _renew(tables):
    if not tables:
        return
    try:
        cache.set_many({_key(table): uuid.uuid4().hex for table in tables}, timeout=None)
    except Exception:  # the write is done: not a reason to fail its request
        logger.exception("Table versions not renewed: %s", sorted(tables))


def versions(tables):
    """{table: version} now; a table without one gets one. None for all while the cache is down."""
    tables = sorted(tables)
    found = cache.get_many([_key(table) for table in tables])
    result = {}
    for table in tables:
        key = _key(table)
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
        result[table] = found[key]
    return result


def watched_tables():
    """Every model's table (many-to-many tables included) whose writes get new versions."""
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)} - IGNORED


_reading = contextvars.ContextVar("tables_read", default=None)


@contextmanager
def reading():
    """Yields the set of tables the block's statements read on the default connection; a block
    inside another adds its tables to the outer one's too."""
    outer = _reading.get()
    tables = set()
    token = _reading.set(tables)
    try:
        if outer is None:
            with connections["default"].execute_wrapper(_collect):
                yield tables
        else:
            yield tables
    finally:
        _reading.reset(token)
        if outer is not None:
            outer |= tables


def note_read(tables):
    """Count these tables as read by the current `reading()` block: a value computed from them
    earlier (a memo) is reused without a query."""
    current = _reading.get()
    if current is not None:
        current |= tables


def _collect(execute, sql, params, many, context):
    tables = _reading.get()
    if tables is not None:
        tables |= read_tables(sql)
    return execute(sql, params, many, context)


def install(sender=None, connection=None, **kwargs):
    """connection_created receiver: watch the new connection's writes."""
    if _watch not in connection.execute_wrappers:
        # First: Django's `execute_wrapper()` removes the last wrapper when its block ends.
        connection.execute_wrappers.insert(0, _watch)
