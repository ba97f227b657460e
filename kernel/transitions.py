"""One step of a reviewed workflow (a record the street accepts or returns: rectifications,
task items): a conditional UPDATE of `status`, so two clicks, two tabs or two officials move
the record once, and the loser is told why."""
from django.core.exceptions import ValidationError


def advance(record, *, allowed, to, refused, **changes):
    """Move `record` from one of the `allowed` states to `to`, writing `changes` with it.

    `refused(current)` gives the message when the record was not in an allowed state (it is
    called with the record as it is in the database). The record is refreshed on success."""
    model = type(record)
    claimed = model.objects.filter(pk=record.pk, status__in=allowed).update(status=to, **changes)
    if not claimed:
        raise ValidationError(refused(model.objects.get(pk=record.pk)))
    record.refresh_from_db()
    return record
