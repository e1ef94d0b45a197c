"""The pages a contact person uses: filing a concern, the receipt and 'my concerns'."""

import uuid

import pytest
from django.urls import reverse

from notifications.models import Notification
from referrals.models import Referral
from tests.factories import DepartmentFactory, DwellingFactory, referral_form_data

pytestmark = pytest.mark.django_db


# --- Filing --------------------------------------------------------------------------


def test_the_form_is_blocked_until_the_rules_are_accepted(client, reporter):
    client.force_login(reporter)
    body = client.get(reverse("referrals:new")).content.decode()
    assert "Læs reglerne først" in body
    assert reverse("referrals:rules") in body
    assert 'name="description"' not in body


def test_accepting_the_rules_opens_the_form(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("referrals:rules"), {"next": reverse("referrals:new")})
    assert "Sæt kryds for at bekræfte" in response.content.decode()
    response = client.post(reverse("referrals:rules"), {"accept": "on", "next": reverse("referrals:new")})
    assert response.status_code == 302 and response.url == reverse("referrals:new")
    body = client.get(reverse("referrals:new")).content.decode()
    assert 'name="description"' in body


def test_the_rules_page_refuses_a_foreign_next_url(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("referrals:rules"), {"accept": "on", "next": "https://evil.example/"})
    assert response.url == reverse("referrals:new")


@pytest.mark.parametrize("hostile", ["abc", "//evil.example/", "/\\evil.example", "javascript:alert(1)", " "])
def test_the_rules_page_takes_only_a_path_here_as_its_return_address(client, reporter, hostile):
    client.force_login(reporter)
    assert client.get(reverse("referrals:rules"), {"next": hostile}).status_code == 200
    response = client.post(reverse("referrals:rules"), {"accept": "on", "next": hostile})
    assert response.status_code == 302 and response.url == reverse("referrals:new")


def test_the_rules_page_returns_to_a_page_here(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("referrals:rules"), {"accept": "on", "next": "/referrals/"})
    assert response.url == "/referrals/"


def test_the_form_shows_emergency_numbers_first(client, accepted_reporter):
    client.force_login(accepted_reporter)
    body = client.get(reverse("referrals:new")).content.decode()
    assert body.index("112") < body.index('name="description"')
    assert "Den Sociale Døgnvagt" in body


def test_the_only_department_is_preselected_and_others_are_not_offered(
    client, accepted_reporter, department, other_department
):
    client.force_login(accepted_reporter)
    form = client.get(reverse("referrals:new")).context["form"]
    assert form["department"].value() == str(department.pk)
    assert str(other_department.pk) not in dict(form.fields["department"].choices)


def test_filing_leads_to_the_receipt(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    response = client.post(reverse("referrals:new"), referral_form_data(department))
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:receipt", args=[referral.reference])
    body = client.get(response.url).content.decode()
    assert referral.reference in body
    assert "Tavshedspligt" in body
    assert "børnene er alene" not in body  # the receipt does not repeat the description


def test_posting_the_same_form_twice_makes_one_concern(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    data = referral_form_data(department)
    first = client.post(reverse("referrals:new"), data)
    second = client.post(reverse("referrals:new"), data)
    assert Referral.objects.count() == 1
    assert first.url == second.url


def test_the_same_concern_sent_again_with_a_fresh_form_shows_the_first(client, accepted_reporter, department):
    """The back button brings the form back with a new one-time token: the content
    (reporter, department, home, words) tells it is the same concern."""
    client.force_login(accepted_reporter)
    first = client.post(reverse("referrals:new"), referral_form_data(department))
    emails = Notification.objects.count()
    again = referral_form_data(department, description="Følsom beskrivelse:  børnene er alene hjemme om natten. ")
    second = client.post(reverse("referrals:new"), again, follow=True)
    assert Referral.objects.count() == 1 and Notification.objects.count() == emails
    assert second.redirect_chain[0][0] == first.url
    assert "Du har allerede sendt denne bekymring" in second.content.decode()


def test_sending_again_with_the_acute_situation_ticked_files_a_new_concern(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    client.post(reverse("referrals:new"), referral_form_data(department))
    client.post(reverse("referrals:new"), referral_form_data(department, acute_reasons=["weapon"]))
    assert Referral.objects.count() == 2 and Referral.objects.filter(is_acute=True).count() == 1


def test_a_different_concern_about_the_same_home_is_filed(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    client.post(reverse("referrals:new"), referral_form_data(department))
    client.post(reverse("referrals:new"), referral_form_data(department, description="Nu råber de også om natten."))
    assert Referral.objects.count() == 2


def test_errors_are_danish_listed_at_the_top_and_keep_what_was_typed(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    data = referral_form_data(department, categories=[], source="", address="")
    data["description"] = "Min tekst med æøå & <tegn>"
    response = client.post(reverse("referrals:new"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Der er problemer" in body
    assert 'href="#id_categories_0"' in body
    assert "Vælg mindst én ting, du er bekymret for." in body
    assert "Vælg, hvordan det kom til din viden." in body
    assert "Vælg lejemålet på listen, eller skriv adressen." in body
    assert "Min tekst med æøå &amp; &lt;tegn&gt;" in body  # kept, and escaped
    assert 'value="Hemmelig Beboersen"' in body
    assert not Referral.objects.exists()


def test_a_description_over_10000_characters_is_refused_politely(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    response = client.post(reverse("referrals:new"), referral_form_data(department, description="å" * 10_001))
    assert response.status_code == 200
    assert "Teksten må højst være 10000 tegn. Du har skrevet 10001." in response.content.decode()
    assert not Referral.objects.exists()


def test_a_huge_post_gets_a_danish_error_page_not_a_500(client, accepted_reporter, department, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000
    client.force_login(accepted_reporter)
    response = client.post(reverse("referrals:new"), referral_form_data(department, description="x" * 60_000))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_date_in_the_future_is_refused(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    response = client.post(reverse("referrals:new"), referral_form_data(department, observed_on="2099-01-01"))
    assert "Datoen kan ikke ligge i fremtiden." in response.content.decode()


def test_a_dwelling_from_another_department_cannot_be_smuggled_in(client, accepted_reporter, department):
    foreign = DwellingFactory(department=DepartmentFactory())
    client.force_login(accepted_reporter)
    response = client.post(reverse("referrals:new"), referral_form_data(department, dwelling=str(foreign.pk)))
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_the_receipt_pdf_downloads(client, file_referral, accepted_reporter):
    referral = file_referral()
    client.force_login(accepted_reporter)
    response = client.get(reverse("referrals:receipt_pdf", args=[referral.reference]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"kvittering-{referral.reference}.pdf" in response["Content-Disposition"]


# --- The reporter's window -------------------------------------------------------------


def test_my_concerns_shows_reference_date_department_and_coarse_status_only(
    client, file_referral, accepted_reporter, advisor
):
    referral = file_referral()
    from referrals.services import handling

    handling.referral_acknowledge(referral=referral, by=advisor)
    client.force_login(accepted_reporter)
    body = client.get(reverse("referrals:list")).content.decode()
    assert referral.reference in body
    assert "Under behandling" in body
    assert "Hemmelig Beboersen" not in body and "drikker" not in body


def test_reporter_sees_a_message_only_when_shareable_and_consented(client, file_referral, accepted_reporter, advisor):
    from referrals.services import handling

    referral = file_referral()
    handling.referral_message_send(referral=referral, by=advisor, text="Ikke til deling", shareable=False)
    handling.referral_message_send(referral=referral, by=advisor, text="Hun har fået hjælp", shareable=True)
    client.force_login(accepted_reporter)
    url = reverse("referrals:detail", args=[referral.reference])
    body = client.get(url).content.decode()
    assert "Hun har fået hjælp" not in body and "Ikke til deling" not in body
    assert "tavshedspligten" in body

    handling.referral_consent_record(referral=referral, by=advisor, given=True, method="written")
    body = client.get(url).content.decode()
    assert "Hun har fået hjælp" in body
    assert "Ikke til deling" not in body

    handling.referral_consent_record(referral=referral, by=advisor, given=False, method="oral")
    assert "Hun har fået hjælp" not in client.get(url).content.decode()


def test_reporter_never_sees_internal_notes_names_or_history(client, file_referral, accepted_reporter, advisor):
    from referrals.services import handling

    referral = file_referral()
    handling.referral_note_add(referral=referral, by=advisor, text="Intern: kendt af psykiatrien")
    handling.referral_assign(referral=referral, by=advisor, assignee=advisor)
    client.force_login(accepted_reporter)
    body = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "psykiatrien" not in body
    assert advisor.get_full_name() not in body
    assert "Historik" not in body


def test_reporter_adds_a_follow_up_once(client, file_referral, accepted_reporter, advisor):
    referral = file_referral()
    client.force_login(accepted_reporter)
    url = reverse("referrals:follow_up", args=[referral.reference])
    data = {"followup-text": "Det er ikke blevet bedre.", "followup-submission_token": str(uuid.uuid4())}
    client.post(url, data)
    client.post(url, data)
    assert referral.follow_ups.count() == 1
    assert Notification.objects.filter(template="followup_added", recipient=advisor).count() == 1


def test_with_two_departments_the_reporter_must_choose_one(client, accepted_reporter, department):
    from contacts.models import Appointment
    from tests.factories import DepartmentFactory

    second = DepartmentFactory(district=department.district, name="Tranehaven")
    Appointment.objects.create(contact_person=accepted_reporter.contact_person, department=second, capacity="volunteer")
    client.force_login(accepted_reporter)
    form = client.get(reverse("referrals:new")).context["form"]
    assert form["department"].value() is None
    assert list(form.fields["department"].choices)[0][0] == ""
    data = referral_form_data(department)
    data["department"] = ""
    response = client.post(reverse("referrals:new"), data)
    assert "Vælg den afdeling, bekymringen handler om." in response.content.decode()


def test_dwelling_options_follow_the_chosen_department(client, accepted_reporter, department):
    from contacts.models import Appointment
    from tests.factories import DepartmentFactory

    second = DepartmentFactory(district=department.district, name="Tranehaven")
    Appointment.objects.create(contact_person=accepted_reporter.contact_person, department=second, capacity="volunteer")
    DwellingFactory(department=department, address="Lindevej 1")
    DwellingFactory(department=second, address="Tranevej 9")
    foreign = DwellingFactory(address="Fremmedvej 5")
    client.force_login(accepted_reporter)
    url = reverse("referrals:dwelling_options")
    body = client.get(url, {"department": department.pk}, headers={"HX-Request": "true"}).content.decode()
    assert "Lindevej 1" in body and "Tranevej 9" not in body
    assert 'id="id_dwelling"' in body
    assert "Fremmedvej 5" not in client.get(url, {"department": foreign.department.pk}).content.decode()
