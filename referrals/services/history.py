"""A concern's history line and its audit entry, written together by every service."""

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.urls import reverse

from config.audit import Value, audit
from notifications.services import ContextValue
from referrals.models import Referral, StatusChange


def record(
    referral: Referral,
    *,
    event: str,
    actor: User,
    from_status: str = "",
    detail: str = "",
    changes: Mapping[str, tuple[Value, Value]] | None = None,
    audited: bool = True,
) -> StatusChange:
    """Add a line to the concern's history (shown to the advisors, with who and when) and
    the audit entry of the change. The detail is for the history only; the audit log
    gets the event and the changed codes."""
    line = StatusChange.objects.create(
        referral=referral,
        event=event,
        actor=actor,
        from_status=from_status,
        to_status=referral.status,
        detail=detail[:200],
    )
    if audited:
        if from_status and from_status != referral.status:
            changes = {"status": (from_status, referral.status), **(changes or {})}
        audit(referral, by=actor, event=f"referral.{event}", changes=changes, created=event == StatusChange.Event.FILED)
    return line


def email_context(referral: Referral) -> dict[str, ContextValue]:
    """What an e-mail about a concern may say: reference, department, acute or not, a link."""
    return {
        "reference": referral.reference,
        "department": referral.department.name,
        "is_acute": referral.is_acute,
        "link_path": reverse("referrals:detail", args=[referral.reference]),
    }
