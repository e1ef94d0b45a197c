"""Permission-filtered reads of the housing world."""

from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Greatest

from config.access import get_visible_or_404
from contacts.models import Advisor, Appointment, AssociationStaff
from contacts.roles import Role, role_of
from housing.models import Department, District, Dwelling, Placement, VacancyOffer


def departments_visible_to(user) -> QuerySet[Department]:
    """Departments the user may look up (who to call, addresses): one query, no id lists.

    Contact persons see the departments they serve, advisors the departments in the
    districts they cover, association staff their organisation's departments.
    Caseworkers and administrators work city-wide and see all.
    """
    departments = Department.objects.select_related("organisation", "district")
    role = role_of(user)
    if role in (Role.ADMINISTRATOR, Role.CASEWORKER):
        return departments
    if role is Role.NONE:
        return departments.none()
    return departments.filter(
        Q(
            Exists(
                Appointment.objects.filter(
                    department=OuterRef("pk"),
                    contact_person__user=user,
                    contact_person__active=True,
                )
            )
        )
        | Q(
            Exists(
                Advisor.districts.through.objects.filter(
                    district=OuterRef("district"), advisor__user=user, advisor__active=True
                )
            )
        )
        | Q(Exists(AssociationStaff.objects.filter(organisation=OuterRef("organisation"), user=user, active=True)))
    )


def department_list_for(user, *, search: str = "", district_id: int | None = None) -> QuerySet[Department]:
    """The department list page: visible departments, optionally searched and filtered."""
    departments = departments_visible_to(user).annotate(
        contact_person_count=Count("appointments", filter=Q(appointments__contact_person__active=True), distinct=True)
    )
    if search:
        departments = departments.filter(
            Q(name__icontains=search)
            | Q(address__icontains=search)
            | Q(number__iexact=search)
            | Q(organisation__short_name__iexact=search)
        )
    if district_id:
        departments = departments.filter(district_id=district_id)
    return departments.order_by("name", "organisation__short_name")


def get_department_for(user, pk: int) -> Department:
    """One department the user may see, or 404."""
    return get_visible_or_404(departments_visible_to(user), user=user, pk=pk)


# --- Allocation -----------------------------------------------------------------------

# Which target groups a kind of home suits (youth homes for the young; small family
# and elderly homes also for single adults).
FITTING_GROUPS = {
    "youth": ("youth",),
    "family": ("family", "single_adult"),
    "elderly": ("single_adult",),
}
HOUSED = ("proposed", "accepted", "lease_signed", "moved_in")
MONEY = DecimalField(max_digits=9, decimal_places=2)


def offers_visible_to(user) -> QuerySet[VacancyOffer]:
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


def get_offer_for(user, pk: int) -> VacancyOffer:
    return get_visible_or_404(offers_visible_to(user), user=user, pk=pk)


def offer_outcome(offer: VacancyOffer) -> Placement | None:
    """The placement an accepted offer led to, for its step and move-in date only: the
    association prepares the lease from it. Never used for who the citizen is."""
    if offer.status != VacancyOffer.Status.ACCEPTED:
        return None
    return (
        offer.placements.exclude(status=Placement.Status.DECLINED)
        .only("pk", "offer_id", "status", "move_in_on")
        .first()
    )


def dwellings_offerable_by(user) -> QuerySet[Dwelling]:
    """The dwellings association staff may offer: their own organisation's, less those
    already on offer (offered or with a citizen proposed)."""
    open_offer = VacancyOffer.objects.filter(dwelling=OuterRef("pk"), status__in=VacancyOffer.OPEN_STATUSES)
    return (
        Dwelling.objects.filter(
            department__organisation__staff__user=user, department__organisation__staff__active=True
        )
        .exclude(Exists(open_offer))
        .select_related("department")
        .order_by("department__name", "address", "unit")
    )


def candidates_for_offer(user, offer: VacancyOffer):
    """Citizens who fit the dwelling: rent ability (plus the most subsidy we give) covers the
    rent, the target group fits, no home already on the way; longest in shelter first."""
    from cases.models import ShelterStay
    from cases.selectors import case_list_for

    max_subsidy = settings.ALLOCATION_MAX_SUBSIDY
    return (
        case_list_for(user)
        .filter(
            citizen__max_rent__gte=offer.monthly_rent - max_subsidy,
            citizen__target_group__in=FITTING_GROUPS[offer.dwelling.kind],
            kind="homelessness",
        )
        .exclude(Exists(Placement.objects.filter(case=OuterRef("pk"), status__in=HOUSED)))
        .annotate(
            subsidy_needed=Greatest(
                Value(Decimal(0), output_field=MONEY),
                Value(offer.monthly_rent, output_field=MONEY) - Cast("citizen__max_rent", MONEY),
                output_field=MONEY,
            ),
            in_shelter=Exists(ShelterStay.objects.filter(case=OuterRef("pk"), left_on__isnull=True)),
        )
    )


def add_candidate_counts(user, offers) -> None:
    """Set offer.candidates: how many of the user's citizens fit each offer, by the
    matching page's rules (rent ability plus the most subsidy covers the rent, the target
    group fits the kind of home, no home on the way). One grouped query for the whole
    pool of citizens, then a binary search per offer: constant queries per page."""
    from bisect import bisect_left
    from itertools import accumulate

    from cases.selectors import cases_visible_to

    rows = (
        cases_visible_to(user)
        .filter(closed_on__isnull=True, kind="homelessness")
        .exclude(Exists(Placement.objects.filter(case=OuterRef("pk"), status__in=HOUSED)))
        .order_by()
        .values_list("citizen__target_group", "citizen__max_rent")
        .annotate(n=Count("pk"))
    )
    by_group: dict[str, list[tuple[int, int]]] = {}
    for group, rent, n in rows:
        by_group.setdefault(group, []).append((rent, n))
    tables = {}
    for group, pairs in by_group.items():
        pairs.sort()
        rents = [rent for rent, _n in pairs]
        # at_least[i]: citizens in the group whose rent ability is at least rents[i]
        at_least = list(accumulate(reversed([n for _rent, n in pairs])))[::-1] + [0]
        tables[group] = (rents, at_least)
    for offer in offers:
        offer.candidates = 0  # nobody may be placed under allocation stop
        if offer.dwelling.department.allocation_stop:
            continue
        needed = offer.monthly_rent - settings.ALLOCATION_MAX_SUBSIDY
        for group in FITTING_GROUPS[offer.dwelling.kind]:
            if group in tables:
                rents, at_least = tables[group]
                offer.candidates += at_least[bisect_left(rents, needed)]


def offers_for_case(user, case) -> QuerySet[VacancyOffer]:
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


def coming_move_ins(user) -> QuerySet[Placement]:
    """Accepted placements into homes in the districts an advisor covers (move-in support)."""
    return (
        Placement.objects.filter(
            status__in=("accepted", "lease_signed"),
            offer__dwelling__department__district__advisors__user=user,
            offer__dwelling__department__district__advisors__active=True,
        )
        .select_related("offer__dwelling__department", "proposed_by__advisor")
        .order_by(F("move_in_on").asc(nulls_last=True), "pk")
    )


def districts_for_search() -> QuerySet[District]:
    """Districts are public geography: every role may filter by them."""
    return District.objects.order_by("name")


def offer_list_for(user, *, status: str = "") -> QuerySet[VacancyOffer]:
    """Offers in a list: caseworkers default to the open ones, association staff see all theirs."""
    offers = offers_visible_to(user)
    if status in VacancyOffer.Status.values:
        offers = offers.filter(status=status)
    elif role_of(user) is Role.CASEWORKER:
        offers = offers.filter(status=VacancyOffer.Status.OFFERED)
    return offers.select_related("dwelling__department__organisation").order_by("answer_by", "pk")
