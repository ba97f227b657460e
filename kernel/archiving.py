"""Nothing is deleted by a click: a record is archived with a time and a reason, and restored.

For models with `archived_at` and `archive_reason` (organization nodes, co-building units); each
app says what still holds one of its records (the blockers) and what a restore requires.
"""
from django.core.exceptions import ValidationError
from django.utils import timezone

FIELDS = ["archived_at", "archive_reason"]


def archive(record, *, reason, blockers=()):
    """Archive `record` now for `reason`; refused, naming them, while there are `blockers`."""
    if blockers:
        raise ValidationError(list(blockers))
    record.archived_at = timezone.now()
    record.archive_reason = reason
    record.save(update_fields=FIELDS)
    return record


def restore(record):
    record.archived_at = None
    record.archive_reason = ""
    record.save(update_fields=FIELDS)
    return record
