"""Demo concerns for seed_demo: invented situations, filed through the real services.

Every concern has a fixed submission token, so running seed_demo again finds it
instead of filing it twice. The demo contact persons kp.noerrebro and kp.amager are
left without an accepted set of rules, so the demo shows that step too.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from contacts.models import Appointment, RulesAcceptance
from contacts.selectors import advisor_users_covering
from referrals.models import Referral
from referrals.services import filing, handling

NAMESPACE = uuid.UUID("7d6f5a9e-0b1c-4c1e-9a55-1b2d3e4f5a6b")

# (district, days ago, categories, acute reasons, description, what the advisors did)
CONCERNS = [
    (
        "Nørrebro",
        0,
        ["smell", "neglected_tenancy"],
        [],
        "Der lugter kraftigt fra lejligheden, og posten hober sig op. Naboen har ikke set beboeren i to uger.",
        "new",
    ),
    (
        "Nørrebro",
        0,
        ["unsafe_behaviour"],
        ["domestic_disturbance"],
        "Høje råb og noget der blev smadret i nat. Politiet kom kl. 02. Der bor små børn i opgangen.",
        "new",
    ),
    (
        "Nørrebro",
        2,
        ["isolation", "dementia"],
        [],
        "Ældre beboer går rundt i opgangen om natten og kan ikke finde sin dør. Virker forvirret.",
        "new",
    ),
    (
        "Nørrebro",
        3,
        ["substance_abuse", "rent_arrears"],
        [],
        "Mange besøgende døgnet rundt og kanyler i kælderen. Afdelingen har sendt rykkere for husleje.",
        "acknowledged",
    ),
    (
        "Nørrebro",
        6,
        ["child_neglect"],
        [],
        "Børnene på 6 og 8 år er ofte alene hjemme til sent og spørger naboerne om mad.",
        "shared",
    ),
    (
        "Nørrebro",
        20,
        ["neighbour_conflict"],
        [],
        "Langvarig konflikt om støj mellem to familier. Begge har klaget til ejendomskontoret.",
        "closed",
    ),
    (
        "Bispebjerg",
        1,
        ["mental_illness"],
        [],
        "Ung beboer taler højt med sig selv på trappen og har skræmt de andre beboere.",
        "new",
    ),
    (
        "Bispebjerg",
        9,
        ["isolation"],
        [],
        "Beboeren har ikke åbnet for varmeaflæsning og svarer ikke på sedler.",
        "acknowledged",
    ),
    (
        "Amager Øst",
        0,
        ["other"],
        ["suicide_threat"],
        "Beboer sagde til viceværten, at han ikke orker mere. 112 er ringet op.",
        "new",
    ),
    (
        "Amager Øst",
        4,
        ["neglected_tenancy", "smell"],
        [],
        "Skrald på altanen og skadedyr i opgangen. Ejendomskontoret har set lejligheden.",
        "acknowledged",
    ),
    (
        "Amager Vest",
        12,
        ["rent_arrears"],
        [],
        "Beboeren har fået opsigelse på grund af restance og virker meget presset.",
        "closed",
    ),
]


def seed_demo_concerns() -> int:
    """File the demo concerns (once). Returns how many exist afterwards."""
    for index, concern in enumerate(CONCERNS):
        _file(index, *concern)
    demo = list(
        Referral.objects.filter(submission_token__in=[_token(i) for i in range(len(CONCERNS))]).values_list(
            "reference", flat=True
        )
    )
    return len(demo)


def _token(index: int) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"demo-concern-{index}")


def _file(index, district, days_ago, categories, acute_reasons, description, handled):
    if Referral.objects.filter(submission_token=_token(index)).exists():
        return
    appointment = (
        Appointment.objects.filter(
            department__district__name=district, contact_person__user__username__startswith="kp."
        )
        .exclude(contact_person__user__username__in=["kp.noerrebro", "kp.amager"])
        .select_related("contact_person__user", "department")
        .order_by("department__name", "pk")[index % 3]
    )
    reporter = appointment.contact_person.user
    if not RulesAcceptance.objects.filter(contact_person=appointment.contact_person).exists():
        RulesAcceptance.objects.create(contact_person=appointment.contact_person, rules_version=settings.RULES_VERSION)
    dwelling = appointment.department.dwellings.order_by("pk")[index % 8]
    referral, _created = filing.referral_file(
        reporter=reporter,
        department=appointment.department,
        dwelling=dwelling,
        categories=categories,
        acute_reasons=acute_reasons,
        description=description,
        source="own_observation" if index % 2 else "resident_told",
        children_present="yes" if "child_neglect" in categories else "unknown",
        submission_token=_token(index),
    )
    filed_at = timezone.now() - timedelta(days=days_ago, hours=index % 5)
    Referral.objects.filter(pk=referral.pk).update(
        created_at=filed_at, acknowledge_due_at=filing.acknowledge_deadline(filed_at, acute=referral.is_acute)
    )
    referral.history.update(at=filed_at)
    advisors = advisor_users_covering(referral.department.district_id)
    # Prefer the demo logins, so "assigned to you" shows something in the demo.
    advisor = next((a for a in advisors if a.username in ("raad.noerrebro", "raad.amager")), advisors[0])
    if handled in ("acknowledged", "shared", "closed"):
        handling.referral_assign(referral=referral, by=advisor, assignee=advisor)
    if handled == "shared":
        handling.referral_consent_record(referral=referral, by=advisor, given=True, method="written")
        handling.referral_message_send(
            referral=referral,
            by=advisor,
            text="Familien har fået tilbudt støtte fra kommunen, og vi følger op.",
            shareable=True,
        )
    if handled == "closed":
        handling.referral_close(referral=referral, by=advisor, outcome="handled_by_advisor")
