"""CPR numbers: format and date check (the modulus-11 check was dropped in 2007)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CPR_PATTERN = re.compile(r"^(\d{6})-?(\d{4})$")


def normalise_cpr(value: str) -> str:
    """'010190-1234' or '0101901234' → '0101901234', or a Danish ValidationError."""
    match = CPR_PATTERN.match(value.strip().replace(" ", ""))
    if not match:
        raise ValidationError({"cpr": _("Skriv CPR-nummeret som 10 cifre, fx 010190-1234.")})
    cpr = match[1] + match[2]
    cpr_birth_date(cpr)
    return cpr


def cpr_birth_date(cpr: str) -> date:
    """The birth date in a CPR number; the 7th digit and the year give the century."""
    day, month, year, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year <= 36 else 1900
    else:
        century = 2000 if year <= 57 else 1800
    try:
        return date(century + year, month, day)
    except ValueError:
        raise ValidationError({"cpr": _("CPR-nummeret indeholder ikke en gyldig dato.")}) from None
