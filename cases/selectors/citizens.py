"""Every read of citizens and cases, filtered by who is asking.

A case is visible to the homelessness caseworkers of its team and to those it is
assigned to (django-guardian grants, to a user or their group): a housing advisor sees
only the cases assigned to them, never the rest of their team's. Everyone else —
administrators, association staff, contact persons — sees nothing: 404.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.crypto import lookup_hash
from cases.models import (
    SHELTER_WARNING_DAYS,
    Case,
    CaseGroupObjectPermission,
    CaseUserObjectPermission,
    Cohort,
    CohortGroup,
    Placement,
    ShelterStay,
)
from config.access import get_visible_or_404
from config.audit import audit_read
from config.db import Casefold
from config.grants import granted
from contacts.models import CONCERN_FUNCTIONS, Advisor
from contacts.roles import Role, role_of

CASE_ROLES = (Role.CASEWORKER, Role.ADVISOR)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """The cases the user may see at all, as one queryset."""
    if role_of(user) not in CASE_ROLES:
        return Case.objects.none()
    same_team = Exists(
        Advisor.objects.filter(
            user=user, active=True, function=Advisor.Function.HOMELESSNESS_CASEWORKER, team=OuterRef("team")
        )
    )
    grants = granted(user, "view_case", user_grants=CaseUserObjectPermission, group_grants=CaseGroupObjectPermission)
    return Case.objects.filter(same_team | grants)


def get_case_for(user: User, reference: str) -> Case:
    """One case the user may see, with what its page shows first, or 404."""
    return get_visible_or_404(
        cases_visible_to(user).select_related("citizen", "team", "cohort_group__cohort"), user=user, reference=reference
    )


def assignable_advisors(case: Case) -> QuerySet[Advisor]:
    """Who the case can be handed to: its team, and the housing advisors of every team."""
    return (
        Advisor.objects.filter(active=True, user__is_active=True)
        .filter(Q(team=case.team_id) | Q(function__in=CONCERN_FUNCTIONS))
        .select_related("user", "team")
        .order_by("team__name", "user__first_name", "user__last_name")
    )


def _assigned(case: Case) -> QuerySet[CaseUserObjectPermission]:
    return case.user_grants.filter(permission__codename="change_case")


def can_see_full_cpr(user: User, case: Case) -> bool:
    """Only the people assigned to the case see the whole CPR number: its homelessness
    caseworkers and, on a housing-social case opened from a concern, the advisor who
    handles it. The rest of the team sees it masked."""
    return role_of(user) in CASE_ROLES and _assigned(case).filter(user=user).exists()


def can_assign(user: User, case: Case) -> bool:
    """Who may hand the case to a colleague: the people assigned to it. When nobody
    active is assigned any longer, a homelessness caseworker of the case's team may take
    it, so a case is never orphaned. Nobody can give themselves a case someone has."""
    if role_of(user) not in CASE_ROLES:
        return False
    if _assigned(case).filter(user=user).exists():
        return True
    still_assigned = _assigned(case).filter(user__is_active=True, user__advisor__active=True).exists()
    return (
        not still_assigned
        and Advisor.objects.filter(
            user=user, active=True, function=Advisor.Function.HOMELESSNESS_CASEWORKER, team=case.team_id
        ).exists()
    )


# The case list's shelter filter: everyone in a shelter, or there past a warning day.
SHELTER_FILTERS = {"shelter": 0, **{str(days): days for days in SHELTER_WARNING_DAYS}}
# Longest in a shelter first, then the newest case: the order of case_open_list_idx.
CASE_LIST_ORDER = (F("in_shelter_since").asc(nulls_last=True), "-opened_on", "pk")


def case_list_for(
    user: User, *, status: str = "open", search: str = "", cpr_hash: str = "", shelter: str = ""
) -> QuerySet[Case]:
    """The case list: open cases first by longest shelter stay, with what each row shows.

    search: every word must be in the name or the case number, in any order
    ("lykkeberg bettina", "00002"). shelter: only citizens in a shelter, or there for
    at least 60 / 80 days.
    """
    cases = cases_visible_to(user).select_related("citizen", "team")
    if status == "open":
        cases = cases.filter(closed_on__isnull=True)
    elif status == "closed":
        cases = cases.filter(closed_on__isnull=False)
    if cpr_hash:
        cases = cases.filter(citizen__cpr_hash=cpr_hash)
    if search:
        cases = cases.annotate(folded_name=Casefold("citizen__name"))
    for word in search.split()[:5]:
        cases = cases.filter(Q(reference__icontains=word) | Q(folded_name__contains=word.casefold()))
    if shelter in SHELTER_FILTERS:
        cases = cases.filter(in_shelter_since__lte=timezone.localdate() - timedelta(days=SHELTER_FILTERS[shelter]))
    return cases.prefetch_related(
        Prefetch(
            "user_grants",
            queryset=CaseUserObjectPermission.objects.filter(permission__codename="change_case").select_related("user"),
            to_attr="assignees",
        )
    ).order_by(*CASE_LIST_ORDER)


def case_detail(case: Case) -> Case:
    """Load what the case page shows, in a fixed number of queries."""
    prefetch_related_objects(
        [case],
        Prefetch("stays", queryset=ShelterStay.objects.select_related("shelter")),
        "action_plans",
        "support__kind",
        Prefetch(
            "placements",
            queryset=Placement.objects.select_related("offer__dwelling__department").prefetch_related("subsidies"),
        ),
        "journal__author",
        "journal__corrects",
        "consents__recorded_by",
        "referrals",
        Prefetch(
            "user_grants",
            queryset=CaseUserObjectPermission.objects.filter(permission__codename="change_case").select_related("user"),
            to_attr="assignees",
        ),
    )
    return case


def cohorts_with_progress(user: User) -> list[Cohort]:
    """Cohorts with, per group, how many of the user's visible cases are in it and housed."""
    visible = cases_visible_to(user)
    groups = CohortGroup.objects.annotate(
        members=Count("cases", filter=Q(cases__in=visible), distinct=True),
        housed=Count(
            "cases",
            filter=Q(cases__in=visible, cases__placements__status=Placement.Status.MOVED_IN),
            distinct=True,
        ),
    )
    return list(Cohort.objects.prefetch_related(Prefetch("groups", queryset=groups)))


def case_counts(user: User) -> dict[str, Any]:
    """The caseworker's start page: open cases, citizens in a shelter, and how many have
    been there past each warning day (60 and 80 of the 90)."""
    today = timezone.localdate()
    open_cases = cases_visible_to(user).filter(closed_on__isnull=True)
    in_shelter = ShelterStay.objects.filter(case__in=open_cases, left_on__isnull=True)
    counts = in_shelter.aggregate(
        in_shelter=Count("pk"),
        **{
            f"over_{days}": Count("pk", filter=Q(entered_on__lte=today - timedelta(days=days)))
            for days in SHELTER_WARNING_DAYS
        },
    )
    return {
        "open": open_cases.count(),
        "in_shelter": counts["in_shelter"],
        "over": [(days, counts[f"over_{days}"]) for days in SHELTER_WARNING_DAYS],
    }


def works_the_homelessness_plan(user: User) -> bool:
    """Registering citizens, proposing homes and returning offers is the homelessness
    unit's work; an advisor on a case sees the fitting homes but proposes none."""
    return role_of(user) is Role.CASEWORKER


def find_case_for(user: User, reference: str) -> Case | None:
    """A case the user may see, by its reference typed in a form (None when not visible)."""
    return cases_visible_to(user).filter(reference=reference.strip().upper()).first()


@dataclass(frozen=True)
class AlreadyRegistered:
    visible_case: Case | None  # a case of the citizen the user may open
    message: str


def citizen_already_registered(
    user: User, cpr: str, *, submission_token: uuid.UUID | None = None
) -> AlreadyRegistered | None:
    """A citizen with this CPR number is registered already. The message names a case
    only if the user may see it; otherwise it says whom to ask, and nothing else.
    The case this very form registered (the same one-time token) does not count."""
    cases = Case.objects.filter(citizen__cpr_hash=lookup_hash(cpr)).order_by("-opened_on", "-pk")
    if submission_token:
        cases = cases.exclude(submission_token=submission_token, created_by=user)
    latest = cases.select_related("team").first()
    if latest is None:
        return None
    visible = cases_visible_to(user).filter(pk__in=cases.values("pk")).order_by("-opened_on", "-pk").first()
    if visible is not None:
        message = _(
            "Borgeren er allerede registreret i sag %(reference)s. Åbn sagen i stedet for at oprette en ny."
        ) % {"reference": visible.reference}
        return AlreadyRegistered(visible_case=visible, message=message)
    # A hit on a case the user may not open is logged on that case, so the data
    # protection officer can see who looked a CPR number up (design.md: "read access to
    # a person's data is logged with purpose").
    audit_read(latest, by=user, purpose="cpr_match")
    if works_the_homelessness_plan(user):
        # The homelessness units hand citizens over to each other by team.
        message = _(
            "Borgeren er allerede registreret i Bindeled. Kontakt %(team)s, hvis du skal have adgang til sagen."
        ) % {"team": latest.team.name}
    else:
        # Naming the team would tell which kind of help the citizen gets.
        message = _(
            "Borgeren er allerede registreret i Bindeled i en sag, du ikke har adgang til. "
            "Spørg din leder, hvis du skal have adgang til sagen."
        )
    return AlreadyRegistered(visible_case=None, message=message)


def case_list_search(text: str) -> dict[str, str]:
    """What the case list's search keeps in the session: a whole CPR number only as its
    look-up hash (and masked for the search box), any other text as typed."""
    text = text.strip()[:100]
    digits = text.replace("-", "").replace(" ", "")
    if len(digits) == 10 and digits.isdigit():
        return {"cpr_hash": lookup_hash(digits), "shown": f"{digits[:6]}-XXXX"}
    return {"q": text, "shown": text}
