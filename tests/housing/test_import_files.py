"""What the CSV import makes of a file before any work: its encoding (Danish Excel writes
Windows-1252), its headers and its size, each refused with a Danish message."""

import pytest
from django.urls import reverse

from housing.models import ImportJob
from tests.housing import test_import as shared
from tests.housing.test_import import DEPARTMENT_HEADER, DWELLING_HEADER

pytestmark = pytest.mark.django_db

# The fixtures of the import tests, shared.
admin_client, upload, world = shared.admin_client, shared.upload, shared.world

LINE = "BSS;101;Søbredden Ærø;Nørrebro;Åboulevard 10;2200;120;nej;"


def form_errors(response) -> str:
    assert response.status_code == 200
    assert ImportJob.objects.count() == 0  # nothing stored, nothing started
    return " ".join(str(message) for message in response.context["form"].errors["import_file"])


def no_traceback(response) -> None:
    body = response.content.decode()
    assert "Traceback" not in body and "/work/" not in body and "site-packages" not in body and ".py" not in body


@pytest.mark.parametrize(
    ("encoding", "said"),
    [("cp1252", "Windows-1252 (Excel)"), ("utf-8-sig", "UTF-8 (med BOM)"), ("utf-8", "UTF-8,")],
)
def test_the_encoding_is_found_and_said(upload, world, encoding, said):
    response = upload("department", f"{DEPARTMENT_HEADER}\n{LINE}", encoding=encoding)
    body = response.content.decode()
    assert f"Læst som</dt><dd>{said}" in body
    assert "»Søbredden Ærø«" in body and "»Åboulevard 10«" in body
    assert response.context["job"].state == ImportJob.State.PREVIEWED


def test_an_explicit_encoding_is_used_as_chosen(upload, world):
    response = upload("department", f"{DEPARTMENT_HEADER}\n{LINE}", encoding="cp1252", choice="cp1252")
    assert "Windows-1252 (Excel)" in response.content.decode()
    assert "»Søbredden Ærø«" in response.content.decode()


def test_a_windows_1252_file_said_to_be_utf8_is_refused_in_danish(upload, world):
    response = upload("department", f"{DEPARTMENT_HEADER}\n{LINE}", encoding="cp1252", choice="utf-8")
    assert "Filen er ikke skrevet i UTF-8. Vælg Windows-1252" in form_errors(response)


def test_wrong_headers_list_the_expected_columns(upload, world):
    header = DEPARTMENT_HEADER.replace("byområde", "bydel").replace(";begrundelse", "")
    response = upload("department", f"{header}\nBSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej")
    message = form_errors(response)
    assert "Der mangler: byområde, begrundelse." in message
    assert 'Ukendte kolonner: "bydel".' in message
    assert f"Forventede kolonner (i vilkårlig rækkefølge): {DEPARTMENT_HEADER}" in message
    no_traceback(response)


def test_headers_may_come_in_any_order_and_case(upload, world):
    header = (
        "Navn;BOLIGORGANISATION;afdelingsnummer;byområde;adresse;postnummer;antal_boliger;anvisningsstop;begrundelse"
    )
    response = upload("department", f"{header}\nLindegården;BSS;101;Nørrebro;Blågårdsvej 10;2200;120;nej;")
    assert response.context["job"].new_count == 1


def test_a_department_file_in_the_dwelling_import_is_refused(upload, world):
    message = form_errors(upload("dwelling", f"{DEPARTMENT_HEADER}\n{LINE}"))
    assert f"Forventede kolonner (i vilkårlig rækkefølge): {DWELLING_HEADER}" in message


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "Filen er tom."),
        (b"\n\n", "Den første række skal være kolonnernes navne"),
        (f"{DEPARTMENT_HEADER}\n;;;;;;;;\n".encode(), "Filen har kun kolonnernes navne"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x81\x8d\x8f\x90\x9d", "Er det en CSV-fil?"),
        (f'{DEPARTMENT_HEADER}\nBSS;"101;Lindegården'.encode(), "et citationstegn"),
    ],
)
def test_files_that_cannot_be_read_are_refused_in_danish(upload, world, data, said):
    response = upload("department", data)
    assert said in form_errors(response)
    no_traceback(response)


def test_a_row_with_too_few_cells_is_a_row_error(upload, world):
    response = upload("department", f"{DEPARTMENT_HEADER}\nBSS;101;Lindegården;Nørrebro")
    assert "Rækken har 4 felter, men filen har 9 kolonner. Tjek skilletegnene." in response.content.decode()


def test_too_many_rows_are_refused_before_any_work(upload, world, settings, monkeypatch):
    from housing.imports import planning

    monkeypatch.setattr(planning.Planner, "plan", lambda *a, **k: pytest.fail("planned rows"))
    settings.CSV_IMPORT_MAX_ROWS = 2
    text = "\n".join([DEPARTMENT_HEADER, *[f"BSS;{n};Afdeling {n};Nørrebro;Vej {n};2200;10;nej;" for n in range(3)]])
    message = form_errors(upload("department", text))
    assert message == "Filen har 3 rækker. Der kan højst importeres 2 rækker ad gangen: del filen op."


def test_too_big_a_file_is_refused_by_its_size_alone(upload, world, settings, monkeypatch):
    from housing.imports import reading

    monkeypatch.setattr(reading, "decode", lambda *a: pytest.fail("read the file"))
    settings.CSV_IMPORT_MAX_BYTES = 1_000_000
    response = upload("department", f"{DEPARTMENT_HEADER}\n" + LINE * 20_000)
    assert form_errors(response).startswith("Filen fylder 1,2 MB. Den må højst fylde 1,0 MB")


def test_the_upload_page_says_the_columns_and_the_limits(admin_client, settings):
    settings.CSV_IMPORT_MAX_ROWS = 50_000
    settings.CSV_IMPORT_MAX_BYTES = 10_000_000
    body = admin_client.get(reverse("admin:housing_dwelling_import")).content.decode()
    assert DWELLING_HEADER in body.replace("<wbr>", "")
    assert "Højst 50.000 rækker og 10,0 MB." in body
    assert "Windows-1252 (Excels almindelige CSV)" in body
