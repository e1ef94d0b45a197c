"""CSV import of departments and dwellings in the admin: preview, then confirm; nothing
is saved from a file with a bad row, and a change to an existing row is said in words."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from housing.models import Department, Dwelling, ImportJob, ImportRow
from tests.factories import DepartmentFactory, DistrictFactory, DwellingFactory, HousingOrganisationFactory

pytestmark = pytest.mark.django_db

DEPARTMENT_HEADER = (
    "boligorganisation;afdelingsnummer;navn;byområde;adresse;postnummer;antal_boliger;anvisningsstop;begrundelse"
)
DWELLING_HEADER = "boligorganisation;afdelingsnummer;adresse;etage_dør;boligtype;værelser;m2;husleje"


@pytest.fixture
def world(db):
    HousingOrganisationFactory(short_name="BSS", name="Boligselskabet Solsikken")
    DistrictFactory(name="Nørrebro")
    DistrictFactory(name="Valby")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def upload(admin_client, django_capture_on_commit_callbacks):
    """Post a file to the import page and follow to the job's page (small files are
    previewed in the request, right after the job is saved)."""

    def post(model, text, *, name="afdelinger.csv", encoding="utf-8-sig", choice="auto"):
        data = text.encode(encoding) if isinstance(text, str) else text
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse(f"admin:housing_{model}_import"),
                {"import_file": SimpleUploadedFile(name, data, content_type="text/csv"), "encoding": choice},
            )
        if response.status_code != 302:
            return response
        return admin_client.get(response["Location"])

    return post


@pytest.fixture
def confirm(admin_client, django_capture_on_commit_callbacks):
    def post(model, preview):
        job = preview.context["job"]
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(reverse(f"admin:housing_{model}_import_confirm", args=[job.pk]))
        assert response.status_code == 302
        return admin_client.get(response["Location"])

    return post


def table_rows(response):
    """{row number: the rest of the row's html} from the page's table."""
    body = response.content.decode()
    return {int(n): cells for n, cells in re.findall(r'<th scope="row">(\d+)</th>(.*?)</tr>', body, flags=re.S)}


def test_good_department_file_is_previewed_then_imported(upload, confirm, world):
    text = "\n".join(
        [
            DEPARTMENT_HEADER,
            "BSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;",
            "BSS;102;Egeparken;Valby;Toftegårds Allé 4;2500;64;ja;Beboersammensætning",
        ]
    )
    preview = upload("department", text)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Forhåndsvisning af importen" in body
    assert "Lindegården" in body and "Egeparken" in body
    assert "Ny afdeling: navn »Lindegården«, byområde Nørrebro" in body
    assert Department.objects.count() == 0  # the preview saves nothing

    result = confirm("department", preview)
    assert "Importen er færdig: 2 rækker er gemt." in result.content.decode()
    assert Department.objects.count() == 2
    egeparken = Department.objects.get(number="102")
    assert egeparken.allocation_stop and egeparken.allocation_stop_reason == "Beboersammensætning"
    assert egeparken.district.name == "Valby"


def test_comma_separated_file_is_accepted_too(upload, confirm, world):
    text = DEPARTMENT_HEADER.replace(";", ",") + "\nBSS,101,Lindegården,Nørrebro,Blågårdsvej 10,2200,120,nej,\n"
    preview = upload("department", text)
    assert "komma (,)" in preview.content.decode()
    confirm("department", preview)
    assert Department.objects.filter(name="Lindegården").exists()


def test_a_file_with_bad_rows_imports_nothing_and_names_every_bad_row_and_column(upload, world):
    text = "\n".join(
        [
            DEPARTMENT_HEADER,
            "BSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;",
            "BSS;102;Egeparken;Atlantis;Toftegårds Allé 4;2500;64;nej;",
            "BSS;103;Pilegården;Valby;Vigerslevvej 2;2500;80;ja;",
            "BSS;104;Tranehaven;Valby;Vigerslevvej 4;2500;mange;måske;",
            "BSS;101;Lindegården igen;Nørrebro;Blågårdsvej 10;2200;120;nej;",
        ]
    )
    response = upload("department", text)
    assert response.status_code == 200
    body = response.content.decode()
    assert Department.objects.count() == 0
    assert "4 rækker har fejl, så intet er importeret." in body
    # The spreadsheet's row numbers (the header is row 1), each with its column and a Danish error.
    rows = table_rows(response)
    assert set(rows) == {3, 4, 5, 6}
    assert "<strong>byområde</strong>: Byområdet &quot;Atlantis&quot; findes ikke." in rows[3]
    assert "<strong>begrundelse</strong>: Skriv en begrundelse for anvisningsstoppet." in rows[4]
    assert "<strong>antal_boliger</strong>: &quot;mange&quot; er ikke et tal." in rows[5]
    assert "<strong>anvisningsstop</strong>: Skriv &quot;ja&quot; eller &quot;nej&quot;." in rows[5]
    assert "Står også i række 2 i filen." in rows[6]
    # And there is no way to confirm an import with errors.
    assert "import_confirm" not in body and "Bekræft og importér" not in body
    job = response.context["job"]
    assert job.state == ImportJob.State.INVALID


def test_an_invalid_job_cannot_be_confirmed(admin_client, upload, world):
    response = upload("department", f"{DEPARTMENT_HEADER}\nBSS;102;Egeparken;Atlantis;Toftegårds Allé 4;2500;64;nej;")
    job = response.context["job"]
    response = admin_client.post(reverse("admin:housing_department_import_confirm", args=[job.pk]), follow=True)
    assert "Importen kan ikke bekræftes" in response.content.decode()
    assert Department.objects.count() == 0


def test_reimporting_a_department_says_what_changes_in_words_and_changes_only_that(upload, confirm, world):
    department = DepartmentFactory(
        organisation__short_name="FØ",
        number="7",
        name="Lindegården",
        district=DistrictFactory(name="Nørrebro"),
        address="Blågårdsvej 10",
        postal_code="2200",
        number_of_homes=120,
    )
    unchanged = DepartmentFactory(organisation=department.organisation, number="8", district=department.district)
    text = "\n".join(
        [
            DEPARTMENT_HEADER,
            "FØ;7;Lindehaven;Valby;Blågårdsvej 10;2200;140;nej;",
            f"FØ;8;{unchanged.name};Nørrebro;{unchanged.address};{unchanged.postal_code};120;nej;",
        ]
    )
    preview = upload("department", text)
    rows = table_rows(preview)
    assert set(rows) == {2}  # the unchanged row is not listed
    assert (
        "Ændrer navn fra »Lindegården« til »Lindehaven«, flytter byområde fra Nørrebro til Valby, "
        "ændrer antal boliger fra 120 til 140"
    ) in rows[2]
    assert "0 nye, 1 ændrer noget, der findes, og 1 står allerede sådan" in preview.content.decode()
    department.refresh_from_db()
    assert department.name == "Lindegården"  # not before the confirmation

    confirm("department", preview)
    department.refresh_from_db()
    assert (department.name, department.district.name, department.number_of_homes) == ("Lindehaven", "Valby", 140)
    assert Department.objects.count() == 2


def test_stopping_allocation_is_said_in_words(upload, world):
    DepartmentFactory(organisation__short_name="FØ", number="7", name="Lindegården", district__name="Valby")
    department = Department.objects.get()
    line = f"FØ;7;Lindegården;Valby;{department.address};{department.postal_code};120;ja;Helhedsplan"
    rows = table_rows(upload("department", f"{DEPARTMENT_HEADER}\n{line}"))
    assert "Indfører anvisningsstop, ændrer begrundelsen for anvisningsstop fra (tom) til »Helhedsplan«" in rows[2]


def test_dwellings_import_by_organisation_and_department_number(upload, confirm, world):
    department = DepartmentFactory(organisation__short_name="FØ", number="7")
    text = "\n".join(
        [
            DWELLING_HEADER,
            "FØ;7;Øresundsvej 4;2. th.;familiebolig;3;78;6.450,50",
            "FØ;7;Øresundsvej 4;st. tv.;ungdomsbolig;1;32;3100",
        ]
    )
    preview = upload("dwelling", text, name="lejemaal.csv")
    assert "Nyt lejemål: boligtype familiebolig, værelser 3, m2 78 m², husleje 6.450,50 kr." in preview.content.decode()
    confirm("dwelling", preview)
    dwellings = Dwelling.objects.filter(department=department).order_by("unit")
    assert [(d.unit, d.kind, str(d.monthly_rent)) for d in dwellings] == [
        ("2. th.", "family", "6450.50"),
        ("st. tv.", "youth", "3100.00"),
    ]


def test_a_changed_dwelling_is_said_in_words(upload, confirm, world):
    dwelling = DwellingFactory(
        department__organisation__short_name="FØ",
        department__number="7",
        address="Øresundsvej 4",
        unit="2. th.",
        rooms=3,
        area_m2=78,
        monthly_rent="6450.00",
    )
    line = "FØ;7;Øresundsvej 4;2. th.;familiebolig;4;78;6.600"
    preview = upload("dwelling", f"{DWELLING_HEADER}\n{line}", name="lejemaal.csv")
    rows = table_rows(preview)
    assert "Ændrer antal værelser fra 3 til 4, ændrer husleje fra 6.450,00 kr. til 6.600,00 kr." in rows[2]
    assert "Øresundsvej 4, 2. th. (FØ afd. 7)" in rows[2]
    confirm("dwelling", preview)
    dwelling.refresh_from_db()
    assert (dwelling.rooms, str(dwelling.monthly_rent)) == (4, "6600.00")


def test_a_row_changed_after_the_preview_is_left_alone_and_reported(upload, confirm, world):
    department = DepartmentFactory(organisation__short_name="FØ", number="7", name="Lindegården")
    other = DepartmentFactory(organisation=department.organisation, number="8", name="Egeparken")
    text = "\n".join(
        [
            DEPARTMENT_HEADER,
            f"FØ;7;Lindehaven;{department.district.name};{department.address};{department.postal_code};120;nej;",
            f"FØ;8;Egebakken;{other.district.name};{other.address};{other.postal_code};120;nej;",
        ]
    )
    preview = upload("department", text)
    # Someone renames the department in the admin before the import is confirmed.
    department.name = "Lindelyst"
    department.save(update_fields=["name"])

    result = confirm("department", preview)
    body = result.content.decode()
    assert "1 række er ikke gemt, fordi data er ændret siden forhåndsvisningen." in body
    assert "Ikke gemt: ændret siden forhåndsvisningen." in table_rows(result)[2]
    department.refresh_from_db()
    other.refresh_from_db()
    assert department.name == "Lindelyst"  # the preview said "Lindegården → Lindehaven", not this
    assert other.name == "Egebakken"
    job = result.context["job"]
    assert (job.saved_count, job.conflict_count) == (1, 1)
    assert ImportRow.objects.get(job=job, number=2).outcome == ImportRow.Outcome.CONFLICT


def test_dwelling_in_unknown_department_is_refused(upload, world):
    DepartmentFactory(organisation__short_name="FØ", number="7")
    text = f"{DWELLING_HEADER}\nFØ;7;Øresundsvej 4;2. th.;familiebolig;3;78;6450\nFØ;99;Øresundsvej 6;1. th.;slot;3;78;6450"
    body = upload("dwelling", text, name="lejemaal.csv").content.decode()
    assert "Afdeling 99 findes ikke i boligorganisationen FØ." in body
    assert "Ukendt boligtype &quot;slot&quot;. Brug en af: familiebolig, ungdomsbolig, ældrebolig." in body
    assert Dwelling.objects.count() == 0


def test_a_file_that_changes_nothing_has_nothing_to_confirm(upload, world):
    department = DepartmentFactory(organisation__short_name="FØ", number="7", number_of_homes=120)
    line = f"FØ;7;{department.name};{department.district.name};{department.address};{department.postal_code};120;nej;"
    body = upload("department", f"{DEPARTMENT_HEADER}\n{line}").content.decode()
    assert "Filen ændrer ingenting" in body
    assert "Bekræft og importér" not in body


def test_import_writes_the_audit_log_with_who_and_ids(upload, confirm, administrator, world):
    from auditlog.models import LogEntry

    preview = upload("department", f"{DEPARTMENT_HEADER}\nBSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;")
    job = preview.context["job"]
    confirm("department", preview)
    department = Department.objects.get()
    entry = LogEntry.objects.get_for_object(department).get()
    assert entry.actor == administrator and entry.action == LogEntry.Action.CREATE
    assert entry.additional_data == {"event": "import.save", "import": job.pk}
    assert entry.changes["name"] == ["None", "Lindegården"]
    # The job's own entries: one per state change, ids, codes and counts only.
    events = list(LogEntry.objects.get_for_object(job).order_by("pk").values_list("additional_data__event", flat=True))
    assert events == ["import.upload", "import.preview_start", "import.preview", "import.confirm", "import.finish"]
    for job_entry in LogEntry.objects.get_for_object(job):
        assert "Lindegården" not in str(job_entry.changes) + str(job_entry.additional_data)
    assert job_entry.object_repr == f"Import {job.pk}"


def test_the_admin_history_shows_the_import(upload, confirm, admin_client, world):
    confirm(
        "department",
        upload("department", f"{DEPARTMENT_HEADER}\nBSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;"),
    )
    department = Department.objects.get()
    history = admin_client.get(reverse("admin:housing_department_history", args=[department.pk]))
    assert "Tilføjet." in history.content.decode()


@pytest.mark.parametrize("persona", ["reporter", "advisor", "caseworker", "association_staff"])
@pytest.mark.parametrize("name", ["admin:housing_department_import", "admin:housing_dwelling_import"])
def test_only_administrators_may_import(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 404


def test_the_import_needs_a_login(client):
    response = client.get(reverse("admin:housing_department_import"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


def test_administrator_reaches_the_import_from_the_list(admin_client):
    body = admin_client.get(reverse("admin:housing_dwelling_changelist")).content.decode()
    assert reverse("admin:housing_dwelling_import") in body and "Importér fra CSV" in body


def test_nobody_else_sees_an_import_job(client, upload, world):
    from contacts.services import administrators_group_ensure
    from tests.factories import UserFactory

    job = upload(
        "department", f"{DEPARTMENT_HEADER}\nBSS;101;Lindegården;Nørrebro;Blågårdsvej 10;2200;120;nej;"
    ).context["job"]
    colleague = UserFactory(username="kollega", is_staff=True)
    colleague.groups.add(administrators_group_ensure())
    client.force_login(colleague)
    assert client.get(reverse("admin:housing_department_import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("admin:housing_department_import_confirm", args=[job.pk])).status_code == 404
    # Nor under the other model's address.
    client.force_login(job.created_by)
    assert client.get(reverse("admin:housing_dwelling_import_job", args=[job.pk])).status_code == 404
    assert Department.objects.count() == 0


def test_a_department_the_import_moves_takes_its_concerns_to_the_new_districts_queue(upload, confirm, world, client):
    from housing.models import District
    from tests.factories import AdvisorFactory, ReferralFactory

    department = DepartmentFactory(
        organisation__short_name="FØ", number="7", name="Lindegården", district=District.objects.get(name="Nørrebro"),
        address="Blågårdsvej 10", postal_code="2200", number_of_homes=120,
    )  # fmt: skip
    concern = ReferralFactory(department=department)
    confirm(
        "department", upload("department", f"{DEPARTMENT_HEADER}\nFØ;7;Lindegården;Valby;Blågårdsvej 10;2200;120;nej;")
    )
    valby_advisor = AdvisorFactory(districts=[District.objects.get(name="Valby")]).user
    client.force_login(valby_advisor)
    response = client.get(reverse("referrals:list"))
    assert [r.reference for r in response.context["page"].object_list] == [concern.reference]
