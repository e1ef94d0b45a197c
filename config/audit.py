"""The one way a change or a read is written to the audit log (django-auditlog).

Every service that changes state calls `audit()` once: who, what, when and which
object. Reads of a concern or a case call `audit_read()`. An entry holds codes,
dates, references and usernames, never personal text: a string with a space in it
(or longer than a username may be) is refused, so a description, a journal note or a
name cannot end up in the log.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model

Value = str | int | bool | date | Decimal | None
MAX_VALUE_LENGTH = 150  # a username's limit


def _plain(value: Value) -> str | int | bool | None:
    if isinstance(value, str) and (len(value) > MAX_VALUE_LENGTH or any(ch.isspace() for ch in value)):
        raise ValueError("The audit log takes codes, references and usernames, not text")
    if isinstance(value, date | datetime | Decimal):
        return str(value.isoformat() if isinstance(value, date | datetime) else value)
    return value


def audit(
    obj: Model,
    *,
    by: AbstractBaseUser | AnonymousUser | None,
    event: str,
    changes: Mapping[str, tuple[Value, Value]] | None = None,
    created: bool = False,
    **data: Value,
) -> LogEntry:
    """Write the audit entry of one state change.

    event names what happened ("placement.accept"); changes maps a field to its old
    and new value; data adds ids and codes that say more (the export's id, a purpose).
    by is None for the system itself (reminders, scheduled work).
    """
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.CREATE if created else LogEntry.Action.UPDATE,
        changes={field: [_plain(old), _plain(new)] for field, (old, new) in (changes or {}).items()},
        actor=by if by is not None and by.is_authenticated else None,
        additional_data={"event": event, **{key: _plain(value) for key, value in data.items()}},
        force_log=True,
    )


def audit_read(obj: Model, *, by: AbstractBaseUser | AnonymousUser, **data: Value) -> LogEntry:
    """Log that someone read a concern or a case (who, which, when), with a purpose if any."""
    return LogEntry.objects.log_create(
        obj,
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=by if by.is_authenticated else None,
        additional_data={key: _plain(value) for key, value in data.items()} or None,
        force_log=True,
    )
