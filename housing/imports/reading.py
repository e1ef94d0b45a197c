"""Reading an uploaded CSV file: its size, encoding, separator, headers and rows.

Everything here is checked before any work is done, with a Danish message a person
can act on; nothing from Python (a traceback, a server path) reaches the page.
Danish Excel's "CSV (semikolonsepareret)" is Windows-1252; "CSV UTF-8" has a BOM.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.models import ImportJob
from housing.resources import COLUMNS, Column

# What was read, in words for the page.
ENCODING_NAMES = {
    "utf-8-sig": gettext_lazy("UTF-8 (med BOM)"),
    "utf-8": gettext_lazy("UTF-8"),
    "cp1252": gettext_lazy("Windows-1252 (Excel)"),
}
DELIMITER_NAMES = {";": gettext_lazy("semikolon (;)"), ",": gettext_lazy("komma (,)")}

Row = tuple[int, list[str]]  # the spreadsheet's row number (the header is row 1) and its cells


@dataclass(frozen=True)
class ReadFile:
    """An uploaded file that passed the checks: how to read it, and how many rows it has."""

    data: bytes
    encoding: str
    delimiter: str
    total_rows: int


def decode(data: bytes, choice: str) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (with or without BOM) first,
    then Windows-1252, unless the person chose one."""
    candidates = {
        ImportJob.Encoding.AUTO: ["utf-8", "cp1252"],
        ImportJob.Encoding.UTF8: ["utf-8"],
        ImportJob.Encoding.CP1252: ["cp1252"],
    }[ImportJob.Encoding(choice)]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" and text.startswith("\ufeff"):
            return text[1:], "utf-8-sig"
        return text, encoding
    if choice == ImportJob.Encoding.UTF8:
        raise ValidationError(
            _("Filen er ikke skrevet i UTF-8. Vælg Windows-1252, eller lad Bindeled finde ud af det."), code="encoding"
        )
    raise ValidationError(
        _(
            "Filen kan ikke læses som tekst i UTF-8 eller Windows-1252. Er det en CSV-fil? "
            'Gem regnearket i Excel som "CSV (semikolonsepareret)" og prøv igen.'
        ),
        code="encoding",
    )


def delimiter_of(text: str) -> str:
    """Danish Excel separates with ';', most other programs with ','."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") >= first_line.count(",") else ","


def expected_headers(kind: str) -> str:
    return ";".join(column.header for column in COLUMNS[kind])


def _check_headers(headers: list[str], kind: str) -> None:
    expected = [column.header for column in COLUMNS[kind]]
    found = [header.strip().casefold() for header in headers]
    missing = [header for header in expected if header not in found]
    unknown = [header.strip() for header in headers if header.strip().casefold() not in expected]
    repeated = sorted({header for header in found if found.count(header) > 1 and header})
    if not (missing or unknown or repeated):
        return
    problems = []
    if missing:
        problems.append(_("Der mangler: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(
            _("Ukendte kolonner: %(columns)s.") % {"columns": ", ".join(f'"{h}"' if h else _("(tom)") for h in unknown)}
        )
    if repeated:
        problems.append(_("To gange: %(columns)s.") % {"columns": ", ".join(repeated)})
    raise ValidationError(
        _(
            "Filens første række skal være kolonnernes navne, og de passer ikke. %(problems)s "
            "Forventede kolonner (i vilkårlig rækkefølge): %(expected)s"
        )
        % {"problems": " ".join(problems), "expected": expected_headers(kind)},
        code="headers",
    )


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error:
        raise ValidationError(
            _('Filen kan ikke læses som CSV: et citationstegn (") er ikke lukket. Ret filen og prøv igen.'),
            code="csv",
        ) from None


def read_upload(data: bytes, *, kind: str, encoding_choice: str) -> ReadFile:
    """Check a file before anything is stored: size, encoding, headers and row count."""
    if len(data) > settings.CSV_IMPORT_MAX_BYTES:
        raise ValidationError(too_big_message(len(data)), code="too_big")
    text, encoding = decode(data, encoding_choice)
    delimiter = delimiter_of(text)
    records = _records(text, delimiter)
    headers = next(records, None)
    if not headers or not any(cell.strip() for cell in headers):
        raise ValidationError(
            _("Filen er tom. Den første række skal være kolonnernes navne: %(expected)s")
            % {"expected": expected_headers(kind)},
            code="empty",
        )
    _check_headers(headers, kind)
    total = sum(1 for record in records if any(cell.strip() for cell in record))
    if total == 0:
        raise ValidationError(_("Filen har kun kolonnernes navne og ingen rækker at importere."), code="no_rows")
    if total > settings.CSV_IMPORT_MAX_ROWS:
        raise ValidationError(
            _("Filen har %(rows)s rækker. Der kan højst importeres %(limit)s rækker ad gangen: del filen op.")
            % {
                "rows": number_format(total, force_grouping=True),
                "limit": number_format(settings.CSV_IMPORT_MAX_ROWS, force_grouping=True),
            },
            code="too_many_rows",
        )
    return ReadFile(data=data, encoding=encoding, delimiter=delimiter, total_rows=total)


def too_big_message(size: int) -> str:
    return _("Filen fylder %(size)s MB. Den må højst fylde %(limit)s MB: del den op.") % {
        "size": number_format(size / 1_000_000, 1),
        "limit": number_format(settings.CSV_IMPORT_MAX_BYTES / 1_000_000, 1),
    }


def rows(job: ImportJob) -> tuple[list[Column | None], list[Row]]:
    """The job's file as rows, and the column of each cell (in the file's own order).

    Blank rows (Excel writes ";;;;" at the end) are skipped but keep their numbers.
    """
    encoding = "utf-8" if job.encoding == "utf-8-sig" else job.encoding
    text = bytes(job.data).decode(encoding).removeprefix("\ufeff")
    records = _records(text, job.delimiter)
    by_header = {column.header: column for column in COLUMNS[job.kind]}
    columns = [by_header.get(header.strip().casefold()) for header in next(records)]
    found = [(number, record) for number, record in enumerate(records, start=2) if any(c.strip() for c in record)]
    return columns, found
