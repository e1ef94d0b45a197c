"""Every read of concerns goes through here, filtered by who is asking.

Standing access follows relationships and is compiled into one query:
- a contact person sees the concerns they filed (and only as the reporter view);
- an advisor sees concerns from the districts they cover, those assigned to them,
  and those granted to them (or their group) through django-guardian.
Everyone else sees nothing. A concern the user may not see is a 404.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from cases.models import CaseConsent
from config.access import get_visible_or_404
from config.grants import granted
from contacts.models import CONCERN_FUNCTIONS, Advisor, Appointment, ContactPerson
from contacts.roles import Role, role_of
from contacts.selectors import dwellings_served_by
from housing.models import Department, District, Dwelling
from referrals.models import (
    Referral,
    ReferralCategory,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    ReporterMessage,
)


def _granted(user: User, codename: str) -> Q:
    return granted(user, codename, user_grants=ReferralUserObjectPermission, group_grants=ReferralGroupObjectPermission)


def _covers_district(user: User) -> Exists:
    """Exists() over the districts this user covers as an active advisor."""
    return Exists(
        Advisor.districts.through.objects.filter(
            district=OuterRef("department__district"), advisor__user=user, advisor__active=True
        )
    )


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """The concerns this user may see at all, as one queryset."""
    role = role_of(user)
    referrals = Referral.objects.all()
    if role is Role.CONTACT_PERSON:
        return referrals.filter(reporter=user)
    if role is Role.ADVISOR:
        return referrals.filter(_covers_district(user) | Q(assigned_to=user) | _granted(user, "view_referral"))
    return referrals.none()


def referrals_changeable_by(user: User) -> QuerySet[Referral]:
    """The concerns this advisor may act on (acknowledge, assign, note, consent, message,
    close): their districts', those assigned to them, and those granted change_referral.

    A view-only grant lets a colleague read along without being able to change
    anything. Always a subset of what the user may see.
    """
    if role_of(user) is not Role.ADVISOR:
        return Referral.objects.none()
    return referrals_visible_to(user).filter(
        _covers_district(user) | Q(assigned_to=user) | _granted(user, "change_referral")
    )


_DETAIL_RELATED = ("department__organisation", "department__district", "assigned_to", "duplicate_of", "case")


def get_referral_for(user: User, reference: str) -> Referral:
    """One concern the user may see, with what every detail page shows, or 404."""
    return get_visible_or_404(
        referrals_visible_to(user).select_related(*_DETAIL_RELATED), user=user, reference=reference
    )


def get_referral_for_change(user: User, reference: str) -> Referral:
    """One concern the user may act on, or 404 (also when they may only see it)."""
    return get_visible_or_404(
        referrals_changeable_by(user).select_related(*_DETAIL_RELATED), user=user, reference=reference
    )


def may_change(user: User, referral: Referral) -> bool:
    """Whether the advisor's detail page offers the action forms."""
    return referrals_changeable_by(user).filter(pk=referral.pk).exists()


def is_reporter_view(user: User, referral: Referral) -> bool:
    """A contact person sees their own concern through the reporter's narrow window."""
    return role_of(user) is Role.CONTACT_PERSON and referral.reporter_id == user.pk


# --- The reporter's window -------------------------------------------------------


def reporter_referrals(user: User) -> QuerySet[Referral]:
    """'My concerns': reference, date, department, home, what worried them and the
    coarse status, so a contact person tells their concerns apart; never more."""
    return (
        referrals_visible_to(user)
        .filter(reporter=user)
        .select_related("department")
        .prefetch_related(Prefetch("categories", queryset=ReferralCategory.objects.order_by("code")))
        .only("reference", "created_at", "status", "department__name", "is_acute", "address", "unit")
        .order_by("-created_at")
    )


def reporter_may_hear_more(referral: Referral) -> bool:
    """Consent to share with the reporter: on the concern, or on the case it is linked to."""
    if referral.consent_to_share:
        return True
    if referral.case_id is None:
        return False
    return CaseConsent.objects.filter(
        case_id=referral.case_id, scope=CaseConsent.Scope.REPORTER, withdrawn_on__isnull=True
    ).exists()


def messages_for_reporter(referral: Referral) -> list[ReporterMessage]:
    """Advisor messages the reporter may read: shareable, and only while consent is recorded."""
    if not reporter_may_hear_more(referral):
        return []
    return list(referral.messages.filter(shareable=True).order_by("created_at"))


# --- The advisor's queue ----------------------------------------------------------


def advisor_queue(user: User) -> QuerySet[Referral]:
    """The advisor's queue before filters: acute first, then oldest, with what each row shows."""
    return (
        referrals_visible_to(user)
        .select_related("department__district", "assigned_to")
        .prefetch_related(Prefetch("categories", queryset=ReferralCategory.objects.order_by("code")))
        .defer("description", "resident_name", "acute_reasons")
        .order_by("-is_acute", "created_at", "pk")
    )


def queue_filter_choices(user: User) -> tuple[QuerySet[District], QuerySet[Department]]:
    """The districts and departments an advisor can filter the queue by."""
    districts = District.objects.filter(advisors__user=user, advisors__active=True).order_by("name")
    departments = Department.objects.filter(district__in=districts).select_related("organisation").order_by("name")
    return districts, departments


def queue_counts(user: User, *, now: datetime | None = None) -> dict[str, int]:
    """The numbers at the top of the queue, in one query."""
    now = now or timezone.now()
    received = Q(status=Referral.Status.RECEIVED)
    return (
        referrals_visible_to(user)
        .exclude(status=Referral.Status.CLOSED)
        .aggregate(
            open=Count("pk"),
            unacknowledged=Count("pk", filter=received),
            overdue=Count("pk", filter=received & Q(acknowledge_due_at__lt=now)),
            acute=Count("pk", filter=Q(is_acute=True)),
            mine=Count("pk", filter=Q(assigned_to=user)),
        )
    )


def other_referrals_same_place(user: User, referral: Referral) -> tuple[list[Referral], list[Referral]]:
    """The concerns about the same home that this advisor may see, filed before this one
    ("3 earlier concerns here") and, apart, those filed after it."""
    same_place = Q(department_id=referral.department_id, place_key=referral.place_key)
    if referral.dwelling_id:
        same_place |= Q(dwelling_id=referral.dwelling_id)
    others = (
        referrals_visible_to(user)
        .filter(same_place)
        .exclude(pk=referral.pk)
        .only("reference", "created_at", "status", "outcome")
        .order_by("-created_at")
    )
    earlier = list(others.filter(created_at__lt=referral.created_at)[:20])
    later = list(others.filter(created_at__gte=referral.created_at)[:20])
    return earlier, later


def reporter_of(referral: Referral) -> dict[str, Any]:
    """Who filed the concern, for the advisor to call back: name, capacity in the
    department (lead caretaker, board member, volunteer) and phone."""
    person = ContactPerson.objects.filter(user_id=referral.reporter_id).select_related("user").first()
    appointment = (
        Appointment.objects.filter(contact_person=person, department_id=referral.department_id).first()
        if person
        else None
    )
    return {
        "name": referral.reporter.get_full_name() or referral.reporter.get_username(),
        "capacity": appointment.get_capacity_display() if appointment else "",
        "phone": person.phone if person else "",
    }


def duplicate_candidates(user: User, referral: Referral) -> QuerySet[Referral]:
    """The concerns this one may be closed as a duplicate of: visible to the user and
    from the same district, so the link never shows a colleague covering the district
    the reference of a concern outside it. (The concern itself stays in, so closing it
    as its own duplicate gets the service's own message.)"""
    return referrals_visible_to(user).filter(department__district_id=referral.department.district_id)


def dwellings_for_department(user: User, department: str) -> QuerySet[Dwelling]:
    """htmx: the homes the contact person serves, narrowed to the department just chosen."""
    dwellings = dwellings_served_by(user)
    if department.isdigit():
        dwellings = dwellings.filter(department_id=int(department))
    return dwellings


def assignment_choices(user: User, referral: Referral) -> tuple[QuerySet[Advisor], Advisor | None]:
    """The advisors the concern can be assigned to, and the asking advisor among them
    (the form's default)."""
    colleagues = colleagues_for_assignment(referral)
    return colleagues, colleagues.filter(user=user).first()


def colleagues_for_assignment(referral: Referral) -> QuerySet[Advisor]:
    """Advisors who can take the concern: those covering its district first, then the rest."""
    return (
        Advisor.objects.filter(active=True, user__is_active=True, function__in=CONCERN_FUNCTIONS)
        .select_related("user", "team")
        .annotate(covers=Count("districts", filter=Q(districts=referral.department.district_id), distinct=True))
        .order_by("-covers", "user__first_name", "user__last_name")
    )


def referral_detail_for_advisor(referral: Referral) -> Referral:
    """Load what the advisor's detail page lists, in a fixed number of queries."""
    prefetch_related_objects(
        [referral],
        Prefetch("categories", queryset=ReferralCategory.objects.order_by("code")),
        "history__actor",
        "notes__author",
        "messages__author",
        "follow_ups",
        "consents__recorded_by",
    )
    return referral
