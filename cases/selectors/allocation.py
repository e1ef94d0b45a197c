"""Reads of the allocation: offers, the citizens who fit one, coming move-ins.

Association staff see their own organisation's offers and what became of them, never
a citizen. The municipality's caseworkers and advisors see every offer.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Greatest

from cases.models import Case, Placement
from cases.selectors.citizens import case_list_for, cases_visible_to
from config.access import get_visible_or_404
from contacts.models import AssociationStaff
from contacts.roles import Role, role_of
from housing.models import Dwelling, VacancyOffer

# Which target groups a kind of home suits (youth homes for the young; small family
# and elderly homes also for single adults).
FITTING_GROUPS = {
    "youth": ("youth",),
    "family": ("family", "single_adult"),
    "elderly": ("single_adult",),
}
MONEY = DecimalField(max_digits=9, decimal_places=2)
CANDIDATE_COUNT_COLUMNS = 500


def offers_visible_to(user: User) -> QuerySet[VacancyOffer]:
    """Association staff see their organisation's offers; the municipality's caseworkers all."""
    offers = VacancyOffer.objects.select_related("dwelling__department__organisation", "dwelling__department__district")
    role = role_of(user)
    if role in (Role.CASEWORKER, Role.ADVISOR):
        return offers
    if role is Role.ASSOCIATION_STAFF:
        return offers.filter(
            Exists(
                AssociationStaff.objects.filter(
                    user=user, active=True, organisation=OuterRef("dwelling__department__organisation")
                )
            )
        )
    return offers.none()


def get_offer_for(user: User, pk: int) -> VacancyOffer:
    """One offer the user may see, or 404."""
    return get_visible_or_404(offers_visible_to(user), user=user, pk=pk)


def offer_list_for(user: User, *, status: str = "") -> QuerySet[VacancyOffer]:
    """Offers in a list: caseworkers default to the open ones, association staff see all theirs."""
    offers = offers_visible_to(user)
    if status in VacancyOffer.Status.values:
        offers = offers.filter(status=status)
    elif role_of(user) is Role.CASEWORKER:
        offers = offers.filter(status=VacancyOffer.Status.OFFERED)
    return offers.select_related("dwelling__department__organisation").order_by("answer_by", "pk")


def dwellings_offerable_by(user: User) -> QuerySet[Dwelling]:
    """The dwellings association staff may offer: their own organisation's, less those
    already on offer (offered or with a citizen proposed) and those a citizen has (said
    yes, signed or moved in, with no move-out recorded)."""
    open_offer = VacancyOffer.objects.filter(dwelling=OuterRef("pk"), status__in=VacancyOffer.OPEN_STATUSES)
    taken = VacancyOffer.objects.filter(
        dwelling=OuterRef("pk"), status=VacancyOffer.Status.ACCEPTED, step__in=VacancyOffer.TAKEN_STEPS
    )
    return (
        Dwelling.objects.filter(
            department__organisation__staff__user=user, department__organisation__staff__active=True
        )
        .exclude(Exists(open_offer))
        .exclude(Exists(taken))
        .select_related("department")
        .order_by("department__name", "address", "unit")
    )


def _with_a_home_on_the_way() -> Exists:
    return Exists(Placement.objects.filter(case=OuterRef("pk"), status__in=Placement.ACTIVE))


def candidates_for_offer(user: User, offer: VacancyOffer) -> QuerySet[Case]:
    """Citizens who fit the dwelling: rent ability (plus the most subsidy we give) covers the
    rent, the target group fits, no home already on the way; longest in shelter first.
    Nobody fits a home in a department under allocation stop: it can only be returned."""
    if offer.dwelling.department.allocation_stop:
        return case_list_for(user).none()
    max_subsidy = settings.ALLOCATION_MAX_SUBSIDY
    return (
        case_list_for(user)
        .filter(
            citizen__max_rent__gte=offer.monthly_rent - max_subsidy,
            citizen__target_group__in=FITTING_GROUPS[offer.dwelling.kind],
            kind=Case.Kind.HOMELESSNESS,
        )
        .exclude(_with_a_home_on_the_way())
        .annotate(
            subsidy_needed=Greatest(
                Value(Decimal(0), output_field=MONEY),
                Value(offer.monthly_rent, output_field=MONEY) - Cast("citizen__max_rent", MONEY),
                output_field=MONEY,
            ),
        )
    )


def add_candidate_counts(user: User, offers: list[VacancyOffer]) -> None:
    """Set offer.candidates: how many of the user's citizens fit each offer, by the
    matching page's rules (rent ability plus the most subsidy covers the rent, the target
    group fits the kind of home, no home on the way). One query for the whole page: the
    pool of citizens is read once, counted per target group at each rent the page needs."""
    subsidy = settings.ALLOCATION_MAX_SUBSIDY
    needs = sorted({offer.monthly_rent - subsidy for offer in offers if not offer.dwelling.department.allocation_stop})
    counts: dict[str, dict[Decimal, int]] = {}
    pool = (
        cases_visible_to(user)
        .filter(closed_on__isnull=True, kind=Case.Kind.HOMELESSNESS)
        .exclude(_with_a_home_on_the_way())
        .order_by()
        .values("citizen__target_group")
    )
    # One column per rent: a page of offers needs one query; a longer list a query per
    # CANDIDATE_COUNT_COLUMNS rents (a query may have at most 1,664 columns).
    for start in range(0, len(needs), CANDIDATE_COUNT_COLUMNS):
        chunk = needs[start : start + CANDIDATE_COUNT_COLUMNS]
        names = [f"n{i}" for i in range(len(chunk))]
        rows = pool.annotate(
            **{
                name: Count("pk", filter=Q(citizen__max_rent__gte=need))
                for name, need in zip(names, chunk, strict=True)
            }
        ).values_list("citizen__target_group", *names)
        for group, *ns in rows:
            counts.setdefault(group, {}).update(zip(chunk, ns, strict=True))
    for offer in offers:
        count = 0  # nobody may be placed under allocation stop
        if not offer.dwelling.department.allocation_stop:
            needed = offer.monthly_rent - subsidy
            count = sum(counts.get(group, {}).get(needed, 0) for group in FITTING_GROUPS[offer.dwelling.kind])
        offer.candidates = count  # type: ignore[attr-defined]  # shown beside the offer in the list


def offers_for_case(user: User, case: Case) -> QuerySet[VacancyOffer]:
    """Open offers that fit a citizen, soonest answer deadline first."""
    kinds = [kind for kind, groups in FITTING_GROUPS.items() if case.citizen.target_group in groups]
    return (
        offers_visible_to(user)
        .filter(
            status=VacancyOffer.Status.OFFERED,
            monthly_rent__lte=case.citizen.max_rent + settings.ALLOCATION_MAX_SUBSIDY,
            dwelling__kind__in=kinds,
            dwelling__department__allocation_stop=False,
        )
        .annotate(
            subsidy_needed=Greatest(
                Value(Decimal(0), output_field=MONEY),
                F("monthly_rent") - Value(Decimal(case.citizen.max_rent), output_field=MONEY),
                output_field=MONEY,
            )
        )
        .order_by("answer_by", "pk")
    )


def coming_move_ins(user: User) -> QuerySet[Placement]:
    """Accepted placements into homes in the districts an advisor covers (move-in support)."""
    return (
        Placement.objects.filter(
            status__in=(Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED),
            offer__dwelling__department__district__advisors__user=user,
            offer__dwelling__department__district__advisors__active=True,
        )
        .select_related("offer__dwelling__department", "proposed_by__advisor")
        .order_by(F("move_in_on").asc(nulls_last=True), "pk")
    )


def can_offer(user: User) -> bool:
    """Association staff offer their organisation's vacant homes."""
    return role_of(user) is Role.ASSOCIATION_STAFF
