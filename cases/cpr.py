"""CPR numbers through python-stdnum, with Danish messages on the field.

The modulus-11 check was dropped in 2007, so only the format and the birth date are
checked; a birth date in the future is refused.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.dk import cpr as stdnum_cpr
from stdnum.exceptions import InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError


def normalise_cpr(value: str) -> str:
    """'010190-1234' or '0101901234' → '0101901234', or a Danish ValidationError."""
    try:
        return stdnum_cpr.validate(value.replace(" ", ""))
    except InvalidComponent:
        try:
            stdnum_cpr.get_birth_date(value)
        except InvalidComponent:
            raise ValidationError({"cpr": _("CPR-nummeret indeholder ikke en gyldig dato.")}) from None
        raise ValidationError({"cpr": _("CPR-nummeret har en fødselsdato i fremtiden.")}) from None
    except StdnumError:
        raise ValidationError({"cpr": _("Skriv CPR-nummeret som 10 cifre, fx 010190-1234.")}) from None


def cpr_birth_date(cpr: str) -> date:
    """The birth date in a valid CPR number; the 7th digit and the year give the century."""
    return stdnum_cpr.get_birth_date(cpr)
