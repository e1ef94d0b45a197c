"""CVR numbers (the business register) through python-stdnum, and rents that can be real."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from stdnum.dk import cvr as stdnum_cvr


def cvr_is_valid(value: str) -> bool:
    """8 digits, not starting with 0, whose weighted sum is divisible by 11."""
    return value.isdigit() and stdnum_cvr.is_valid(value)


def validate_cvr(value: str) -> None:
    if not cvr_is_valid(value):
        raise ValidationError(_("CVR-nummeret er ikke gyldigt. Skriv de 8 cifre, fx 12345674."), code="invalid_cvr")


@deconstructible
class RentFloorValidator:
    """A monthly rent below the floor (RENT_FLOOR, 500 kr. by default) cannot be real:
    a typo such as 0 or 58 for 5800. The floor is read when validating, so changing the
    setting needs no migration."""

    def __call__(self, value: Decimal | int | None) -> None:
        if value is not None and value < settings.RENT_FLOOR:
            raise ValidationError(
                _("Huslejen skal være mindst %(floor)s kr. om måneden. Skriv hele månedslejen, fx 5800."),
                code="rent_floor",
                params={"floor": settings.RENT_FLOOR},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RentFloorValidator)


validate_rent = RentFloorValidator()
