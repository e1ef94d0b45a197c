"""CSV import of departments and dwellings in the admin: preview, then all or nothing."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from housing.models import Department, Dwelling
from tests.factories import DepartmentFactory, DistrictFactory, HousingOrganisationFactory

pytestmark = pytest.mark.django_db

DEPARTMENT_HEADER = (
    "boligorganisation;afdelingsnummer;navn;byområde;adresse;postnummer;antal_boliger;anvisningsstop;begrundelse"
)


@pytest.fixture
def world(db):
    HousingOrganisationFactory(short_name="BSS", name="Boligselskabet Solsikken")
    DistrictFactory(name="Nørrebro")
    DistrictFactory(name="Valby")


def upload(client, model, text, *, name="afdelinger.csv"):
    url = reverse(f"admin:housing_{model}_import")
    return client.post(
        url,
        {
            "import_file": SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv"),
            "format": "0",
            "resource": "0",
        },
    )


def confirm(client, model, preview):
    form = preview.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(f"admin:housing_{model}_process_import"), data)


def test_good_department_file_is_previewed_then_imported(client, administrator, world):
    client.force_login(administrator)
    text = "\n".join(
        [
            DEPARTMENT_HEADER,
            "BSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;",
            "BSS;102;Egeparken;Valby;Toftegårds Allé 4;2500;64;ja;Beboersammensætning",
        ]
    )
    preview = upload(client, "department", text)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Lindegården" in body and "Egeparken" in body
    assert Department.objects.count() == 0  # the preview saves nothing

    response = confirm(client, "department", preview)
    assert response.status_code == 302
    assert Department.objects.count() == 2
    egeparken = Department.objects.get(number="102")
    assert egeparken.allocation_stop and egeparken.allocation_stop_reason == "Beboersammensætning"
    assert egeparken.district.name == "Valby"


def test_comma_separated_file_is_accepted_too(client, administrator, world):
    client.force_login(administrator)
    text = DEPARTMENT_HEADER.replace(";", ",") + "\nBSS,101,Lindegården,Nørrebro,Blågårdsvej 10,2200,120,nej,\n"
    confirm(client, "department", upload(client, "department", text))
    assert Department.objects.filter(name="Lindegården").exists()


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row(client, administrator, world):
    client.force_login(administrator)
    text = "\n".join(
        [
            DEPARTMENT_HEADER,
            "BSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;",
            "BSS;102;Egeparken;Atlantis;Toftegårds Allé 4;2500;64;nej;",
            "BSS;103;Pilegården;Valby;Vigerslevvej 2;2500;80;ja;",
        ]
    )
    response = upload(client, "department", text)
    assert response.status_code == 200
    body = response.content.decode()
    assert Department.objects.count() == 0
    # Each bad row is named by its number, the column and the Danish error.
    rows = {int(number): cells for number, cells in re.findall(r"<tr>\s*<td>(\d+)\s*</td>(.*?)</tr>", body, flags=re.S)}
    assert set(rows) == {2, 3}
    assert "byområde" in rows[2] and "Byområdet &quot;Atlantis&quot; findes ikke." in rows[2]
    assert "begrundelse" in rows[3] and "Skriv en begrundelse for anvisningsstoppet." in rows[3]
    # And there is no way to confirm an import with errors.
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None


def test_import_rolls_back_everything_even_when_called_directly(world):
    import tablib

    from housing.resources import DepartmentResource

    dataset = tablib.Dataset(headers=DEPARTMENT_HEADER.split(";"))
    dataset.append(["BSS", "101", "Lindegården", "Nørrebro", "Blågårdsvej 10", "2200", "120", "nej", ""])
    dataset.append(["BSS", "102", "Egeparken", "Nørrebro", "Blågårdsvej 12", "2200", "mange", "nej", ""])
    result = DepartmentResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [2]
    assert "er ikke et tal" in str(result.invalid_rows[0].error_dict)
    assert Department.objects.count() == 0


def test_reimporting_a_department_updates_it_instead_of_duplicating(client, administrator, world):
    client.force_login(administrator)
    line = "BSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;{homes};nej;"
    confirm(client, "department", upload(client, "department", f"{DEPARTMENT_HEADER}\n{line.format(homes=120)}"))
    confirm(client, "department", upload(client, "department", f"{DEPARTMENT_HEADER}\n{line.format(homes=140)}"))
    assert Department.objects.get().number_of_homes == 140


DWELLING_HEADER = "boligorganisation;afdelingsnummer;adresse;etage_dør;boligtype;værelser;m2;husleje"


def test_dwellings_import_by_organisation_and_department_number(client, administrator, world):
    department = DepartmentFactory(organisation__short_name="FØ", number="7")
    client.force_login(administrator)
    text = "\n".join(
        [
            DWELLING_HEADER,
            "FØ;7;Øresundsvej 4;2. th.;familiebolig;3;78;6.450,50",
            "FØ;7;Øresundsvej 4;st. tv.;ungdomsbolig;1;32;3100",
        ]
    )
    confirm(client, "dwelling", upload(client, "dwelling", text, name="lejemaal.csv"))
    dwellings = Dwelling.objects.filter(department=department).order_by("unit")
    assert [(d.unit, d.kind, str(d.monthly_rent)) for d in dwellings] == [
        ("2. th.", "family", "6450.50"),
        ("st. tv.", "youth", "3100.00"),
    ]


def test_dwelling_in_unknown_department_is_refused(client, administrator, world):
    DepartmentFactory(organisation__short_name="FØ", number="7")
    client.force_login(administrator)
    text = f"{DWELLING_HEADER}\nFØ;7;Øresundsvej 4;2. th.;familiebolig;3;78;6450\nFØ;99;Øresundsvej 6;1. th.;slot;3;78;6450"
    response = upload(client, "dwelling", text, name="lejemaal.csv")
    body = response.content.decode()
    assert "Afdeling 99 findes ikke i den angivne boligorganisation." in body
    assert "Ukendt værdi" in body
    assert Dwelling.objects.count() == 0


@pytest.mark.parametrize("persona", ["reporter", "advisor", "caseworker", "association_staff"])
def test_only_administrators_may_import(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("admin:housing_department_import")).status_code == 404
