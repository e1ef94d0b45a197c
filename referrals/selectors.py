"""Every read of concerns goes through here, filtered by who is asking.

Standing access follows relationships and is compiled into one query:
- a contact person sees the concerns they filed (and only as the reporter view);
- an advisor sees concerns from the districts they cover, those assigned to them,
  and those granted to them (or their group) through django-guardian.
Everyone else sees nothing. A concern the user may not see is a 404.
"""

from django.contrib.auth.models import Permission
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone

from config.access import get_visible_or_404
from contacts.models import ADVISOR_ROLES, Advisor
from contacts.roles import Role, role_of
from housing.models import Department, District
from referrals.models import (
    Referral,
    ReferralCategory,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    ReporterMessage,
)


def _granted(user, codename: str):
    """Exists() over django-guardian's direct-foreign-key grants for this user or their groups."""
    permission = Permission.objects.filter(content_type__app_label="referrals", codename=codename)
    return Exists(
        ReferralUserObjectPermission.objects.filter(
            content_object=OuterRef("pk"), user=user, permission__in=permission
        )
    ) | Exists(
        ReferralGroupObjectPermission.objects.filter(
            content_object=OuterRef("pk"), group__user=user, permission__in=permission
        )
    )


def referrals_visible_to(user) -> QuerySet[Referral]:
    """The concerns this user may see at all, as one queryset."""
    role = role_of(user)
    referrals = Referral.objects.all()
    if role is Role.CONTACT_PERSON:
        return referrals.filter(reporter=user)
    if role is Role.ADVISOR:
        covers = Exists(
            Advisor.districts.through.objects.filter(
                district=OuterRef("department__district"), advisor__user=user, advisor__active=True
            )
        )
        return referrals.filter(covers | Q(assigned_to=user) | _granted(user, "view_referral"))
    return referrals.none()


def get_referral_for(user, reference: str) -> Referral:
    """One concern the user may see, with what every detail page shows, or 404."""
    return get_visible_or_404(
        referrals_visible_to(user).select_related(
            "department__organisation", "department__district", "assigned_to", "duplicate_of"
        ),
        user=user,
        reference=reference,
    )


def is_reporter_view(user, referral: Referral) -> bool:
    """A contact person sees their own concern through the reporter's narrow window."""
    return role_of(user) is Role.CONTACT_PERSON and referral.reporter_id == user.pk


# --- The reporter's window -------------------------------------------------------


def reporter_referrals(user) -> QuerySet[Referral]:
    """'My concerns': reference, date, department and status only."""
    return (
        referrals_visible_to(user)
        .filter(reporter=user)
        .select_related("department")
        .only("reference", "created_at", "status", "department__name", "is_acute")
        .order_by("-created_at")
    )


def messages_for_reporter(referral: Referral) -> list[ReporterMessage]:
    """Advisor messages the reporter may read: shareable, and only while consent is recorded."""
    if not referral.consent_to_share:
        return []
    return list(referral.messages.filter(shareable=True).order_by("created_at"))


# --- The advisor's queue ----------------------------------------------------------

def advisor_queue(user) -> QuerySet[Referral]:
    """The advisor's queue before filters: acute first, then oldest, with what each row shows."""
    return (
        referrals_visible_to(user)
        .select_related("department__district", "assigned_to")
        .prefetch_related(Prefetch("categories", queryset=ReferralCategory.objects.order_by("code")))
        .defer("description", "resident_name", "acute_reasons")
        .order_by("-is_acute", "created_at", "pk")
    )


def queue_filter_choices(user) -> tuple[QuerySet, QuerySet]:
    """The districts and departments an advisor can filter the queue by."""
    districts = District.objects.filter(advisors__user=user, advisors__active=True).order_by("name")
    departments = Department.objects.filter(district__in=districts).select_related("organisation").order_by("name")
    return districts, departments


def queue_counts(user, *, now=None) -> dict[str, int]:
    """The numbers at the top of the queue, in one query."""
    now = now or timezone.now()
    received = Q(status=Referral.Status.RECEIVED)
    return referrals_visible_to(user).exclude(status=Referral.Status.CLOSED).aggregate(
        open=Count("pk"),
        unacknowledged=Count("pk", filter=received),
        overdue=Count("pk", filter=received & Q(acknowledge_due_at__lt=now)),
        acute=Count("pk", filter=Q(is_acute=True)),
        mine=Count("pk", filter=Q(assigned_to=user)),
    )


def earlier_referrals_same_place(user, referral: Referral) -> list[Referral]:
    """Other concerns about the same home that this advisor may see ("3 earlier concerns here")."""
    same_place = Q(department_id=referral.department_id, place_key=referral.place_key)
    if referral.dwelling_id:
        same_place |= Q(dwelling_id=referral.dwelling_id)
    return list(
        referrals_visible_to(user)
        .filter(same_place)
        .exclude(pk=referral.pk)
        .only("reference", "created_at", "status", "outcome")
        .order_by("-created_at")[:20]
    )


def colleagues_for_assignment(referral: Referral) -> QuerySet[Advisor]:
    """Advisors who can take the concern: those covering its district first, then the rest."""
    return (
        Advisor.objects.filter(active=True, user__is_active=True, role__in=ADVISOR_ROLES)
        .select_related("user", "team")
        .annotate(
            covers=Count("districts", filter=Q(districts=referral.department.district_id), distinct=True)
        )
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

