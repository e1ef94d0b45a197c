"""Double submits save one row: each form carries a one-time token (SubmissionTokenMixin)
and each model it creates keeps the token unique."""

import uuid
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)


def existing_submission(model: type[M], submission_token: uuid.UUID | None, **scope: Any) -> M | None:
    """The row a form with this one-time token already saved, within scope (the same
    concern and author): a token from someone else's form never returns their row."""
    if not submission_token:
        return None
    return model._default_manager.filter(submission_token=submission_token, **scope).first()


def save_once(row: M, **scope: Any) -> tuple[M, bool]:
    """Save a new row carrying a submission token. Returns (row, created).

    When the other post of a double submit commits between our look-up and our
    insert, the unique token refuses the insert: answer with the row it saved. The
    savepoint keeps the surrounding transaction usable after the refusal.
    """
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        model, token = type(row), getattr(row, "submission_token", None)
        existing = existing_submission(model, token, **scope)
        if existing is not None:
            return existing, False
        if token and model._default_manager.filter(submission_token=token).exists():
            # Someone else's token: refuse politely rather than fail with a 500.
            raise ValidationError(_("Formularen er allerede brugt. Indlæs siden igen, og prøv igen.")) from None
        raise
    return row, True
