"""Demo data for the homelessness plan: shelters, the pilot cohort, citizens, vacancy offers.

All names are invented. Everything is found by a natural key first, so seed_demo can
run again without changing anything.
"""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import (
    DEFAULT_SUPPORT_KINDS,
    Case,
    Cohort,
    CohortGroup,
    Placement,
    Shelter,
    SupportKind,
    TargetGroup,
)
from cases.selectors.allocation import offers_for_case
from cases.services import allocation, citizens, stays
from housing.models import Dwelling, VacancyOffer

NAMESPACE = uuid.UUID("3b0f6d7e-2c8a-4f51-9d1e-6a7b8c9d0e1f")

SHELTERS = ["Bocentret Nørrelund", "Herberget Havnely", "Ungdomsherberget Lærkereden", "Natcaféen Sydhavn"]

COHORT = (
    "Forsøget 2022: 50 borgere i egen bolig",
    [
        ("Fra Bocentret Nørrelund", 20),
        ("Unge", 20),
        ("Uden behov for støtte", 10),
    ],
)

# (name, target group, rent ability, shelter index, days in shelter, cohort group index, support code)
CITIZENS = [
    ("Aksel Dammgaard", TargetGroup.SINGLE_ADULT, 4800, 0, 85, 0, "CTI"),
    ("Bettina Lykkeberg", TargetGroup.SINGLE_ADULT, 5200, 0, 64, 0, "ICM"),
    ("Casper Holmvig", TargetGroup.YOUTH, 2900, 2, 40, 1, "CTI"),
    ("Dunja Saabye", TargetGroup.YOUTH, 3100, 2, 12, 1, None),
    ("Egon Fjordside", TargetGroup.SINGLE_ADULT, 6100, 1, 30, 2, None),
    ("Frederikke Mølholm", TargetGroup.FAMILY, 7400, 1, 22, None, "SEL85"),
]


def seed_demo_cases() -> int:
    caseworker = get_user_model().objects.filter(username="hjem.sag").first()
    staff = get_user_model().objects.filter(username="bl.org").first()
    if caseworker is None or staff is None:
        return 0
    shelters = [Shelter.objects.get_or_create(name=name)[0] for name in SHELTERS]
    for code, name in DEFAULT_SUPPORT_KINDS:  # normally there from the migration
        SupportKind.objects.get_or_create(code=code, defaults={"name": name})
    cohort, _created = Cohort.objects.get_or_create(
        name=COHORT[0], defaults={"started_on": timezone.localdate().replace(month=1, day=1)}
    )
    groups = [
        CohortGroup.objects.get_or_create(cohort=cohort, name=name, defaults={"target": target})[0]
        for name, target in COHORT[1]
    ]
    today = timezone.localdate()
    for index, (name, group, rent, shelter, days, cohort_group, support) in enumerate(CITIZENS):
        token = uuid.uuid5(NAMESPACE, f"citizen-{index}")
        if Case.objects.filter(submission_token=token).exists():
            continue
        case = citizens.citizen_case_open(
            by=caseworker,
            name=name,
            max_rent=rent,
            target_group=group,
            phone=f"5{index}12 34{index}0",
            shelter=shelters[shelter],
            entered_on=today - timedelta(days=days),
            cohort_group=groups[cohort_group] if cohort_group is not None else None,
            submission_token=token,
        )
        if support:
            stays.support_grant(
                case=case,
                by=caseworker,
                kind=SupportKind.objects.get(code=support),
                granted_on=today - timedelta(days=max(days - 10, 1)),
                provider="Hjemløseenhedens bostøtteteam",
            )
        if index % 2 == 0:
            stays.action_plan_add(
                case=case,
                by=caseworker,
                made_on=today - timedelta(days=max(days - 5, 1)),
                goals="Egen bolig med bostøtte. Økonomi: budget og huslejebetaling via PBS.",
                next_review_on=today + timedelta(days=14 - index),
            )
        citizens.case_note_add(
            case=case,
            by=caseworker,
            text="Første samtale på herberget. Borgeren ønsker egen bolig i nærheden af sit netværk.",
            written_on=today - timedelta(days=days),
            submission_token=uuid.uuid5(NAMESPACE, f"note-{index}"),
        )
    _offers(staff)
    _placement(caseworker)
    return Case.objects.filter(
        submission_token__in=[uuid.uuid5(NAMESPACE, f"citizen-{i}") for i in range(len(CITIZENS))]
    ).count()


def _offers(staff) -> None:
    """A few vacancies offered by the demo association (bl.org's organisation)."""
    organisation = staff.association_staff.organisation
    dwellings = Dwelling.objects.filter(
        department__organisation=organisation, department__allocation_stop=False
    ).order_by("pk")
    today = timezone.localdate()
    for index, dwelling in enumerate(dwellings[:16:3]):
        token = uuid.uuid5(NAMESPACE, f"offer-{index}")
        if VacancyOffer.objects.filter(submission_token=token).exists():
            continue
        allocation.offer_submit(
            by=staff,
            dwelling=dwelling,
            monthly_rent=dwelling.monthly_rent - Decimal(400 if index % 2 else 0),
            available_from=today + timedelta(days=20 + index * 3),
            answer_by=today + timedelta(days=7 + index),
            submission_token=token,
        )


def _placement(caseworker) -> None:
    """Bettina has said yes to a home: the association sees the offer accepted, and the
    district's housing advisor sees the coming move-in on their start page."""
    case = Case.objects.filter(submission_token=uuid.uuid5(NAMESPACE, "citizen-1")).select_related("citizen").first()
    if case is None or Placement.objects.filter(case=case).exists():
        return
    offer = offers_for_case(caseworker, case).first()
    if offer is None:
        return
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker, move_in_on=offer.available_from)
