"""Dates that cannot be real in a citizen's case, refused with a Danish message on the field."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

OLDEST_CITIZEN_YEARS = 120
STAY_START_YEARS_BACK = 10


def _years_back(years: int) -> date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def validate_birth_date(value: date) -> None:
    """Not in the future, and not more than 120 years back."""
    if value > timezone.localdate():
        raise ValidationError(_("Fødselsdatoen kan ikke ligge i fremtiden."), code="future")
    if value < _years_back(OLDEST_CITIZEN_YEARS):
        raise ValidationError(
            _("Fødselsdatoen ligger mere end %(years)s år tilbage. Tjek årstallet."),
            code="too_old",
            params={"years": OLDEST_CITIZEN_YEARS},
        )


def validate_stay_start(value: date) -> None:
    """A shelter stay starts today or earlier, and not more than ten years back."""
    if value > timezone.localdate():
        raise ValidationError(_("Datoen kan ikke ligge i fremtiden."), code="future")
    if value < _years_back(STAY_START_YEARS_BACK):
        raise ValidationError(
            _("Opholdet kan ikke være begyndt for mere end %(years)s år siden. Tjek årstallet."),
            code="too_old",
            params={"years": STAY_START_YEARS_BACK},
        )


def validate_not_future(value: date) -> None:
    """A journal entry or a discharge is dated today or earlier."""
    if value > timezone.localdate():
        raise ValidationError(_("Datoen kan ikke ligge i fremtiden."), code="future")
