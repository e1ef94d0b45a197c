"""Case and allocation pages: who gets in, who gets 404, what each sees, query counts."""

import io
import uuid
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from pypdf import PdfReader

from cases.models import Case, CaseFileExport
from cases.services import allocation, citizens
from housing.models import VacancyOffer
from tests.factories import DwellingFactory, VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db

OUTSIDERS = [
    "administrator",
    "association_staff",
    "reporter",
    "caseworker_elsewhere",
    "advisor_elsewhere",
    "no_role_user",
]


def test_case_pages_require_login(client, case):
    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.reference]), reverse("cases:new")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_outsiders_get_404_on_the_case_and_never_see_it_listed(client, request, persona, case):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 404
    assert client.post(reverse("cases:journal", args=[case.reference]), {"journal-text": "x"}).status_code == 404
    assert client.post(reverse("cases:export_start", args=[case.reference])).status_code == 404
    listing = client.get(reverse("cases:list"))
    assert listing.status_code in (200, 404)
    assert case.citizen.name not in listing.content.decode()


def test_team_colleague_sees_the_case_with_masked_cpr(client, colleague, case):
    client.force_login(colleague)
    body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Aksel Dammgaard" in body
    assert "010190-XXXX" in body and "010190-1234" not in body


def test_assigned_caseworker_sees_the_full_cpr(client, caseworker, case):
    client.force_login(caseworker)
    body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "010190-1234" in body


def test_assignment_across_teams_opens_one_case(client, caseworker, caseworker_elsewhere, case, shelter):
    other = open_case(by=caseworker, name="Anden Borger")
    citizens.case_assign(case=case, by=caseworker, user=caseworker_elsewhere)
    client.force_login(caseworker_elsewhere)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other.reference])).status_code == 404


def test_reads_of_a_case_are_logged(client, caseworker, case):
    client.force_login(caseworker)
    client.get(reverse("cases:detail", args=[case.reference]))
    entries = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS)
    assert [(entry.actor, entry.object_repr) for entry in entries] == [(caseworker, case.reference)]


def test_register_a_citizen_through_the_form(client, caseworker, shelter):
    client.force_login(caseworker)
    data = {
        "name": "Ny Borger",
        "cpr": "0101901234",
        "max_rent": "4800",
        "target_group": "single_adult",
        "shelter": str(shelter.pk),
        "entered_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "submission_token": str(uuid.uuid4()),
    }
    first = client.post(reverse("cases:new"), data)
    second = client.post(reverse("cases:new"), data)
    case = Case.objects.get()
    assert first.url == second.url == reverse("cases:detail", args=[case.reference])
    assert case.stays.get().shelter == shelter


def test_register_form_errors_are_danish_and_keep_the_input(client, caseworker):
    client.force_login(caseworker)
    response = client.post(reverse("cases:new"), {"name": "Ny Borger", "cpr": "3102901234", "max_rent": "abc"})
    body = response.content.decode()
    assert "Der er problemer" in body
    assert "gyldig dato" in body
    assert 'value="Ny Borger"' in body
    assert not Case.objects.exists()


def test_discharge_refusal_lists_what_is_missing_on_the_page(client, caseworker, case):
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:stay_end", args=[case.reference]),
        {"stayend-left_on": timezone.localdate().isoformat(), "stayend-exit": "own_home"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Der mangler" in body and "en handleplan" in body


def test_case_file_pdf_has_everything_with_the_journal_in_order(
    client, caseworker, case, django_capture_on_commit_callbacks
):
    for text in ("Første notat om boligønsker", "Andet notat efter mødet", "Tredje notat ved indflytning"):
        citizens.case_note_add(case=case, by=caseworker, text=text)
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cases:export_start", args=[case.reference]))
    export = CaseFileExport.objects.get()
    assert response.url == reverse("cases:export", args=[case.reference, export.pk])
    status = client.get(response.url).content.decode()
    assert "Sagsakterne er klar" in status
    pdf = client.get(reverse("cases:export_download", args=[case.reference, export.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "Aksel Dammgaard" in text and "010190-1234" in text and "Bocentret Nørrelund" in text
    positions = [text.index(note) for note in ("Første notat", "Andet notat", "Tredje notat")]
    assert positions == sorted(positions)
    logged = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS)
    assert any((entry.additional_data or {}).get("purpose") == "aktindsigt" for entry in logged)


def test_only_the_requester_can_download_an_export(
    client, caseworker, colleague, case, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cases:export_start", args=[case.reference]))
    export = CaseFileExport.objects.get()
    client.force_login(colleague)
    assert client.get(reverse("cases:export_download", args=[case.reference, export.pk])).status_code == 404


def test_case_list_query_count_does_not_grow(client, caseworker, shelter, django_assert_max_num_queries):
    for n in range(3):
        open_case(by=caseworker, name=f"Borger {n}", shelter=shelter, entered_on=timezone.localdate())
    client.force_login(caseworker)
    client.get(reverse("cases:list"))
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("cases:list"))
    for n in range(20):
        open_case(by=caseworker, name=f"Flere {n}", shelter=shelter, entered_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("cases:list")).status_code == 200


# --- Vacancy offers ---------------------------------------------------------------------------


def test_association_staff_offer_a_dwelling_and_see_the_outcome_without_the_citizen(
    client, association_staff, caseworker, case, department
):
    dwelling = DwellingFactory(department=department)
    client.force_login(association_staff)
    response = client.post(
        reverse("allocation:offer_new"),
        {
            "dwelling": str(dwelling.pk),
            "monthly_rent": "4200",
            "available_from": (timezone.localdate() + timedelta(days=20)).isoformat(),
            "answer_by": (timezone.localdate() + timedelta(days=7)).isoformat(),
            "submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 302
    offer = VacancyOffer.objects.get()

    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    move_in = timezone.localdate() + timedelta(days=25)
    allocation.placement_accept(placement=placement, by=caseworker, move_in_on=move_in)
    for url in (reverse("allocation:offer_list"), reverse("allocation:offer_detail", args=[offer.pk])):
        body = client.get(url).content.decode()
        assert "ccepteret" in body
        assert "Aksel" not in body and "Dammgaard" not in body and case.reference not in body
        assert "010190" not in body
    # The association prepares the lease: it sees when, never who.
    assert (
        date_format(move_in, "j. F Y")
        in client.get(reverse("allocation:offer_detail", args=[offer.pk])).content.decode()
    )


@pytest.mark.parametrize(
    "persona", ["association_staff_elsewhere", "reporter", "advisor", "administrator", "no_role_user"]
)
def test_others_cannot_see_an_associations_offer(client, request, persona, department):
    offer = VacancyOfferFactory(dwelling=DwellingFactory(department=department))
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("allocation:offer_detail", args=[offer.pk])).status_code == 404


def test_caseworker_sees_candidates_and_proposes(client, caseworker, case):
    offer = VacancyOfferFactory(monthly_rent=4000)
    client.force_login(caseworker)
    body = client.get(reverse("allocation:offer_detail", args=[offer.pk])).content.decode()
    assert case.reference in body and "Aksel Dammgaard" in body
    response = client.post(reverse("allocation:offer_propose", args=[offer.pk]), {"case": case.reference})
    assert response.url == reverse("cases:detail", args=[case.reference])
    offer.refresh_from_db()
    assert offer.status == VacancyOffer.Status.MATCHED


def test_case_page_lists_fitting_offers_and_the_subsidy_each_would_need(client, caseworker, case):
    """The citizen can pay 5,000 kr.; the municipality tops up at most 1,500 kr."""
    affordable = VacancyOfferFactory(monthly_rent=4000, dwelling__address="Billigvej 1")
    with_subsidy = VacancyOfferFactory(monthly_rent=6200, dwelling__address="Tilskudsvej 2")
    VacancyOfferFactory(monthly_rent=6600, dwelling__address="Dyrevej 3")
    client.force_login(caseworker)
    body = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    rows = {
        offer.dwelling.address: body.split(offer.dwelling.address, 1)[1].split("</tr>", 1)[0]
        for offer in (affordable, with_subsidy)
    }
    assert "kræver tilskud" not in rows["Billigvej 1"]
    assert "kræver tilskud 1200 kr." in rows["Tilskudsvej 2"]
    assert "Dyrevej 3" not in body


def test_proposing_in_a_department_under_allocation_stop_shows_a_clear_message(client, caseworker, case):
    from tests.factories import DepartmentFactory

    stopped = DepartmentFactory(allocation_stop=True, allocation_stop_reason="Beboersammensætning", name="Stopparken")
    offer = VacancyOfferFactory(dwelling=DwellingFactory(department=stopped), monthly_rent=4000)
    client.force_login(caseworker)
    response = client.post(reverse("allocation:offer_propose", args=[offer.pk]), {"case": case.reference}, follow=True)
    assert "Stopparken har anvisningsstop" in response.content.decode()
    assert not case.placements.exists()


def test_offer_detail_query_count_does_not_grow_with_candidates(
    client, caseworker, shelter, django_assert_max_num_queries
):
    offer = VacancyOfferFactory(monthly_rent=4000)
    open_case(by=caseworker, name="Kandidat", shelter=shelter, entered_on=timezone.localdate())
    client.force_login(caseworker)
    url = reverse("allocation:offer_detail", args=[offer.pk])
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    for n in range(15):
        open_case(by=caseworker, name=f"Kandidat {n}", shelter=shelter, entered_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_advisor_opens_a_case_from_a_concern(client, advisor, reporter, department):
    from tests.factories import ReferralFactory

    referral = ReferralFactory(reporter=reporter, department=department, resident_name="Hemmelig Beboersen")
    client.force_login(advisor)
    page = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "Opret sag ud fra henvendelsen" in page
    response = client.post(
        reverse("referrals:open_case", args=[referral.reference]),
        {
            "case-name": "Hemmelig Beboersen",
            "case-max_rent": "4500",
            "case-target_group": "single_adult",
            "case-submission_token": str(uuid.uuid4()),
        },
    )
    case = Case.objects.get()
    assert response.url == reverse("cases:detail", args=[case.reference])
    referral.refresh_from_db()
    assert referral.case == case and referral.outcome == "case_opened"
    assert client.get(response.url).status_code == 200  # the advisor is assigned


def test_advisor_links_a_concern_to_a_visible_case_only(client, advisor, reporter, department, caseworker):
    from tests.factories import ReferralFactory

    referral = ReferralFactory(reporter=reporter, department=department)
    foreign = open_case(by=caseworker, name="Andet Team")
    client.force_login(advisor)
    url = reverse("referrals:link_case", args=[referral.reference])
    response = client.post(url, {"link-reference": foreign.reference})
    assert response.status_code == 400
    assert "som du har adgang til" in response.content.decode()
    own = open_case(by=advisor, name="Egen Sag")
    assert client.post(url, {"link-reference": own.reference.lower()}).status_code == 302
    referral.refresh_from_db()
    assert referral.case == own


def test_case_search_finds_words_in_any_order_and_part_of_the_case_number(client, caseworker, case):
    open_case(by=caseworker, name="Bodil Andersen")
    client.force_login(caseworker)
    for term in ("dammgaard aksel", case.reference.rsplit("-", 1)[-1], case.reference.lower()):
        response = client.post(reverse("cases:list"), {"q": term, "status": "open"})
        body = client.get(response.url).content.decode()
        assert "Aksel Dammgaard" in body and "Bodil Andersen" not in body, term


def test_the_start_page_numbers_open_the_cases_behind_them(client, caseworker, shelter):
    today = timezone.localdate()
    open_case(by=caseworker, name="Firs-fem Dage", shelter=shelter, entered_on=today - timedelta(days=85))
    open_case(by=caseworker, name="Tres-fem Dage", shelter=shelter, entered_on=today - timedelta(days=65))
    open_case(by=caseworker, name="Ti Dage", shelter=shelter, entered_on=today - timedelta(days=10))
    open_case(by=caseworker, name="Ikke Herberg")
    client.force_login(caseworker)
    start = client.get(reverse("start")).content.decode()
    expected = {
        "shelter": {"Firs-fem Dage", "Tres-fem Dage", "Ti Dage"},
        "60": {"Firs-fem Dage", "Tres-fem Dage"},
        "80": {"Firs-fem Dage"},
    }
    names = {"Firs-fem Dage", "Tres-fem Dage", "Ti Dage", "Ikke Herberg"}
    for value, shown in expected.items():
        url = f"{reverse('cases:list')}?herberg={value}"
        assert f'href="{url}"' in start
        body = client.get(url).content.decode()
        assert {name for name in names if name in body} == shown, value


def test_the_offer_list_shows_how_many_citizens_fit_each_offer(
    client, caseworker, shelter, django_assert_max_num_queries
):
    from housing.models import Dwelling

    cheap = VacancyOfferFactory(monthly_rent=4000, dwelling=DwellingFactory(kind=Dwelling.Kind.FAMILY))
    dear = VacancyOfferFactory(monthly_rent=20000, dwelling=DwellingFactory(kind=Dwelling.Kind.FAMILY))
    youth = VacancyOfferFactory(monthly_rent=3000, dwelling=DwellingFactory(kind=Dwelling.Kind.YOUTH))
    for n in range(3):
        open_case(by=caseworker, name=f"Voksen {n}", max_rent=5000, target_group="single_adult")
    housed = open_case(by=caseworker, name="Har bolig", max_rent=5000, target_group="single_adult")

    allocation.placement_propose(case=housed, offer=VacancyOfferFactory(monthly_rent=4000), by=caseworker)
    client.force_login(caseworker)
    client.get(reverse("allocation:offer_list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("allocation:offer_list"))
    counts = {offer.pk: offer.candidates for offer in response.context["page"].object_list}
    assert counts[cheap.pk] == 3  # the housed citizen no longer counts
    assert counts[dear.pk] == 0  # rent beyond ability plus the most subsidy
    assert counts[youth.pk] == 0  # youth homes are for young people
    from cases.selectors.allocation import candidates_for_offer

    for offer in (cheap, dear, youth):  # the same rules as the matching page
        assert counts[offer.pk] == candidates_for_offer(caseworker, offer).count()
    body = response.content.decode()
    assert "3 borgere" in body and "Borgere, der passer" in body


def test_amounts_are_read_as_people_type_them_and_refused_in_danish(client, caseworker):
    client.force_login(caseworker)
    data = {"name": "Ny Borger", "target_group": "single_adult", "submission_token": str(uuid.uuid4())}
    response = client.post(reverse("cases:new"), {**data, "max_rent": "90.000"})
    assert "Beløbet kan højst være 50000 kr." in response.content.decode()
    response = client.post(reverse("cases:new"), {**data, "max_rent": "fire tusind"})
    assert "Skriv et helt antal kroner, fx 4800." in response.content.decode()
    response = client.post(reverse("cases:new"), {**data, "max_rent": "4.800 kr."})
    assert response.status_code == 302
    assert Case.objects.get().citizen.max_rent == 4800
