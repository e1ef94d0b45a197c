"""The columns of the CSV files of departments and dwellings.

Each column has its Danish header, the model field it fills, how a cell is read (a
Danish error when it cannot be) and how a change to it is said in the preview
("ændrer navn fra … til …"). Headers are Danish, as Danish spreadsheets write them.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from housing.models import Dwelling, ImportJob

Value = str | int | bool | None


def read_text(value: str) -> str:
    return value


def read_required_text(value: str) -> str:
    if not value:
        raise ValueError(_("Feltet skal udfyldes."))
    return value


THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+")


def _read_number(value: str) -> Decimal:
    """A number written the Danish way ("6.450,50") or plainly ("6450.50")."""
    text = value.replace(" ", "").replace("\xa0", "")
    if not text:
        raise ValueError(_("Feltet skal udfyldes."))
    if "," in text or THOUSANDS.fullmatch(text):
        # Danish: "." groups thousands ("6.600") and "," starts the decimals ("6.450,50").
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_('"%(value)s" er ikke et tal.') % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_('"%(value)s" er ikke et tal.') % {"value": value})
    return number


def read_whole_number(value: str) -> int:
    number = _read_number(value)
    if number != number.to_integral_value():
        raise ValueError(_('"%(value)s" skal være et helt tal.') % {"value": value})
    return int(number)


def read_money(value: str) -> Decimal:
    return _read_number(value)


YES = {"ja", "j", "1", "x", "true", "sand"}
NO = {"nej", "n", "0", "false", "falsk", ""}


def read_yes_no(value: str) -> bool:
    text = value.casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(_('Skriv "ja" eller "nej".'))


@functools.lru_cache
def _dwelling_kinds(language: str) -> dict[str, str]:
    return {
        **{code: code for code in Dwelling.Kind.values},
        **{str(label).casefold(): code for code, label in Dwelling.Kind.choices},
    }


def read_dwelling_kind(value: str) -> str:
    """A kind of home by its Danish name ("familiebolig") or its code ("family")."""
    if code := _dwelling_kinds(get_language() or "").get(value.casefold()):
        return code
    allowed = ", ".join(str(label) for _code, label in Dwelling.Kind.choices)
    raise ValueError(_('Ukendt boligtype "%(value)s". Brug en af: %(allowed)s.') % {"value": value, "allowed": allowed})


# How the values of a column are shown in the preview.
TEXT, CODE, NUMBER, MONEY, AREA, YES_NO, KIND = "text", "code", "number", "money", "area", "yes_no", "kind"


@dataclass(frozen=True)
class Column:
    header: str
    attribute: str
    read: Callable[[str], Any]
    shown_as: str = CODE
    # How the preview says a change: %(old)s and %(new)s are the values as shown.
    change: Any = None
    # Part of the row's natural key: the import finds the row by it and never changes it.
    key: bool = False


def show(column: Column, value: Value) -> str:
    """A value as the preview shows it, in the current language."""
    if value is None or value == "":
        return _("(tom)")
    if column.shown_as == YES_NO:
        return _("ja") if value else _("nej")
    if column.shown_as == KIND:
        return str(Dwelling.Kind(str(value)).label)
    if column.shown_as == MONEY:
        return _("%(amount)s kr.") % {"amount": number_format(Decimal(str(value)), 2, force_grouping=True)}
    if column.shown_as == AREA:
        return _("%(area)s m²") % {"area": value}
    if column.shown_as == NUMBER:
        return number_format(value, force_grouping=True)
    if column.shown_as == TEXT:
        return f"»{value}«"
    return str(value)


def describe_change(column: Column, old: Value, new: Value) -> str:
    """One change in words: "flytter byområde fra Nørrebro til Valby"."""
    if column.shown_as == YES_NO and column.attribute == "allocation_stop":
        return str(_("indfører anvisningsstop") if new else _("ophæver anvisningsstop"))
    return str(column.change) % {"old": show(column, old), "new": show(column, new)}


DEPARTMENT_COLUMNS = (
    Column("boligorganisation", "organisation", read_required_text, key=True),
    Column("afdelingsnummer", "number", read_required_text, key=True),
    Column("navn", "name", read_required_text, TEXT, gettext_lazy("ændrer navn fra %(old)s til %(new)s")),
    Column("byområde", "district", read_required_text, CODE, gettext_lazy("flytter byområde fra %(old)s til %(new)s")),
    Column("adresse", "address", read_required_text, TEXT, gettext_lazy("ændrer adresse fra %(old)s til %(new)s")),
    Column("postnummer", "postal_code", read_text, CODE, gettext_lazy("ændrer postnummer fra %(old)s til %(new)s")),
    Column(
        "antal_boliger",
        "number_of_homes",
        read_whole_number,
        NUMBER,
        gettext_lazy("ændrer antal boliger fra %(old)s til %(new)s"),
    ),
    Column("anvisningsstop", "allocation_stop", read_yes_no, YES_NO),
    Column(
        "begrundelse",
        "allocation_stop_reason",
        read_text,
        TEXT,
        gettext_lazy("ændrer begrundelsen for anvisningsstop fra %(old)s til %(new)s"),
    ),
)

DWELLING_COLUMNS = (
    Column("boligorganisation", "organisation", read_required_text, key=True),
    Column("afdelingsnummer", "department", read_required_text, key=True),
    Column("adresse", "address", read_required_text, TEXT, key=True),
    Column("etage_dør", "unit", read_text, TEXT, key=True),
    Column("boligtype", "kind", read_dwelling_kind, KIND, gettext_lazy("ændrer boligtype fra %(old)s til %(new)s")),
    Column(
        "værelser", "rooms", read_whole_number, NUMBER, gettext_lazy("ændrer antal værelser fra %(old)s til %(new)s")
    ),
    Column("m2", "area_m2", read_whole_number, AREA, gettext_lazy("ændrer areal fra %(old)s til %(new)s")),
    Column("husleje", "monthly_rent", read_money, MONEY, gettext_lazy("ændrer husleje fra %(old)s til %(new)s")),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportJob.Kind.DEPARTMENTS: DEPARTMENT_COLUMNS,
    ImportJob.Kind.DWELLINGS: DWELLING_COLUMNS,
}


def describe_row(kind: str, action: str, changes: list[list[Value]]) -> str:
    """What a row of the preview does, in words: "ny afdeling: navn »Lindegården«, …" or
    "ændrer navn fra »Lindegården« til »Lindehaven«, flytter byområde fra Nørrebro til Valby"."""
    columns = {column.header: column for column in COLUMNS[kind]}
    if action == "new":
        what = _("ny afdeling") if kind == ImportJob.Kind.DEPARTMENTS else _("nyt lejemål")
        values = ", ".join(f"{header} {show(columns[str(header)], new)}" for header, _old, new in changes)
        return f"{what}: {values}"
    return ", ".join(describe_change(columns[str(header)], old, new) for header, old, new in changes)
