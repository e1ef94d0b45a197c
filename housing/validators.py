"""CVR numbers (the business register) through python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.dk import cvr as stdnum_cvr


def cvr_is_valid(value: str) -> bool:
    """8 digits, not starting with 0, whose weighted sum is divisible by 11."""
    return value.isdigit() and stdnum_cvr.is_valid(value)


def validate_cvr(value: str) -> None:
    if not cvr_is_valid(value):
        raise ValidationError(_("CVR-nummeret er ikke gyldigt. Skriv de 8 cifre, fx 12345674."), code="invalid_cvr")
