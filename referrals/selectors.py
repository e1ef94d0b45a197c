"""Every read of concerns goes through here, filtered by who is asking.

Standing access follows relationships and is compiled into one query:
- a contact person sees the concerns they filed (and only as the reporter view);
- an advisor sees concerns from the districts they cover, those assigned to them,
  and those granted to them (or their group) through django-guardian.
Everyone else sees nothing. A concern the user may not see is a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, prefetch_related_objects
from django.db.models.expressions import RawSQL
from django.utils import timezone

from cases.models import CaseConsent
from config.access import get_visible_or_404
from config.grants import InIds, granted, granted_ids
from contacts.models import CONCERN_FUNCTIONS, Advisor, Appointment, ContactPerson
from contacts.roles import Role, role_of
from contacts.selectors import dwellings_served_by
from housing.models import District, Dwelling
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
    """Exists() over the districts this user covers as an active advisor: the concern's
    own district (its department's, kept in step by the database), as the queue reads it."""
    return Exists(
        Advisor.districts.through.objects.filter(
            district=OuterRef("district"), advisor__user=user, advisor__active=True
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
#
# The queue must cost what the advisor sees, not what the country holds. An OR of
# "my districts", "assigned to me" and "granted to me" cannot use an index, so it
# would walk every open concern in the country. Instead the queue reads a UNION ALL
# of disjoint branches that one index serves each, in the queue's own order: one per
# district the advisor covers (referral_open_district_idx), the open concerns
# assigned to them outside those districts (referral_open_assigned_idx), and their
# django-guardian grants outside both (the grant tables' unique index, then the
# primary key). PostgreSQL merges the ordered branches (Merge Append), so a page
# reads its 25 rows, and page 100 its 2,500, whatever the country holds; the counts
# aggregate the same branches once, index-only. Django cannot select FROM a union,
# so those wrappers are SQL around the ORM's own union, every value a parameter.

_QUEUE_ORDER = ("-is_acute", "created_at", "pk")
_QUEUE_ORDER_SQL = '"is_acute" DESC, "created_at", "id"'


@dataclass(frozen=True)
class QueueScope:
    """What an advisor's queue covers, read once per request: the districts, and the
    districts and departments to filter by as (value, label) choices."""

    user: User
    districts: tuple[int, ...] = ()
    district_choices: list[tuple[str, str]] = field(default_factory=list)
    department_choices: list[tuple[str, str]] = field(default_factory=list)
    department_districts: dict[str, str] = field(default_factory=dict)  # department value → district value

    @property
    def is_advisor(self) -> bool:
        return role_of(self.user) is Role.ADVISOR


def queue_scope(user: User, *, choices: bool = True) -> QueueScope:
    """The advisor's queue scope in one query; with choices, the filter's too.

    Plain (value, label) choices: an advisor covering two districts of a big city has
    hundreds of departments, and a ModelChoiceField would build and render a model
    object for each.
    """
    if role_of(user) is not Role.ADVISOR:
        return QueueScope(user)
    covered = District.objects.filter(advisors__user=user, advisors__active=True)
    if not choices:
        return QueueScope(user, tuple(covered.order_by("pk").values_list("pk", flat=True)))
    rows = covered.order_by("name", "pk", "departments__name", "departments__pk").values_list(
        "pk", "name", "departments__pk", "departments__name", "departments__organisation__short_name",
        "departments__number",
    )  # fmt: skip
    districts: dict[int, str] = {}
    departments: list[tuple[str, str]] = []
    department_districts: dict[str, str] = {}
    for district_id, district_name, department_id, name, organisation, number in rows:
        districts[district_id] = district_name
        if department_id is not None:
            # The same label as str(Department).
            departments.append((str(department_id), f"{name} ({organisation} afd. {number})"))
            department_districts[str(department_id)] = str(district_id)
    departments.sort(key=lambda choice: choice[1])
    return QueueScope(
        user,
        districts=tuple(sorted(districts)),
        district_choices=[(str(pk), name) for pk, name in districts.items()],
        department_choices=departments,
        department_districts=department_districts,
    )


def _advisor_branches(scope: QueueScope) -> list[QuerySet[Referral]]:
    """What referrals_visible_to() lets an advisor see, as disjoint branches for a
    UNION ALL: each district covered, then what is assigned or granted outside them.

    Built once per scope (the counts and the page both read them); narrowing a branch
    clones it, so sharing them is safe.
    """
    if not scope.is_advisor:
        return []
    if "_branches" not in scope.__dict__:
        scope.__dict__["_branches"] = _build_branches(scope)
    return list(scope.__dict__["_branches"])


def _build_branches(scope: QueueScope) -> list[QuerySet[Referral]]:
    user = scope.user
    outside = ~Q(district_id__in=scope.districts) if scope.districts else Q()
    by_user, by_group = granted_ids(
        user, "view_referral", user_grants=ReferralUserObjectPermission, group_grants=ReferralGroupObjectPermission
    )
    return [
        *(Referral.objects.filter(district_id=district) for district in scope.districts),
        Referral.objects.filter(outside, assigned_to=user),
        Referral.objects.filter(outside, InIds("pk", by_user)).exclude(assigned_to=user),
        Referral.objects.filter(outside, InIds("pk", by_group)).exclude(assigned_to=user).exclude(pk__in=by_user),
    ]


def _union_sql(
    branches: list[QuerySet[Referral]], *columns: str, first: int | None = None
) -> tuple[str, tuple[Any, ...]]:
    """The branches' UNION ALL (they are disjoint) over the given columns, as SQL and
    parameters; with first=n, only each branch's first n in the queue's order.

    PostgreSQL does not merge the branches' ordered index scans by itself (a branch's
    district_id = … is not known to the whole union, so its index order does not
    match the queue's), but it does read an ordered, limited branch from its index.
    """
    if first is None or not connection.features.supports_slicing_ordering_in_compound:  # SQLite: the demo
        leaves = [branch.order_by().values_list(*columns) for branch in branches]
    else:
        leaves = [branch.order_by(*_QUEUE_ORDER).values_list(*columns)[:first] for branch in branches]
    return _union_all(leaves)


def _union_all(leaves: list[QuerySet[Any]]) -> tuple[str, tuple[Any, ...]]:
    head, *rest = leaves
    sql, params = head.union(*rest, all=True).query.sql_with_params()
    return sql, tuple(params)


def _scope_for(user: User, scope: QueueScope | None) -> QueueScope:
    if scope is None:
        return queue_scope(user, choices=False)
    if scope.user.pk != user.pk:
        raise ValueError("the queue scope of another user")
    return scope


def queue_counts(user: User, *, scope: QueueScope | None = None, now: datetime | None = None) -> dict[str, int]:
    """The numbers at the top of the queue, in one query over the advisor's open concerns:
    each branch counted on its own (index-only), the branches' counts added up."""
    now = now or timezone.now()
    received = Q(status=Referral.Status.RECEIVED)
    counted = {
        "open": Count("pk"),
        "unacknowledged": Count("pk", filter=received),
        "overdue": Count("pk", filter=received & Q(acknowledge_due_at__lt=now)),
        "acute": Count("pk", filter=Q(is_acute=True)),
        "mine": Count("pk", filter=Q(assigned_to=user)),
    }
    leaves = [
        # values() over a constant: one row of aggregates per branch, not one per concern.
        branch.exclude(status=Referral.Status.CLOSED)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(**counted)
        .values_list(*counted)
        for branch in _advisor_branches(_scope_for(user, scope))
    ]
    if not leaves:
        return dict.fromkeys(counted, 0)
    sql, params = _union_all(leaves)
    sums = ", ".join(f'COALESCE(SUM("{name}"), 0)' for name in counted)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sums} FROM ({sql}) AS branch", params)  # noqa: S608 (the ORM's SQL; values are parameters)
        row = cursor.fetchone()
    return dict(zip(counted, map(int, row), strict=True))


class AdvisorQueue:
    """The advisor's filtered queue as a Paginator sees it: count() and one slice.

    The page's rows and the number of matching concerns come back in one query; with
    the default filter (open concerns) the number is the counts' "open", known already.
    """

    def __init__(self, branches: list[QuerySet[Referral]], *, total: int | None, per_page: int, number: Any):
        self._branches = branches
        self._total = 0 if not branches else total
        self._cached: tuple[int, int, list[Referral]] | None = None
        try:
            self._expected = max(int(number), 1) if number is not None else 1
        except (TypeError, ValueError):
            self._expected = 1
        self._per_page = per_page

    def count(self) -> int:
        if self._total is None:
            # The page the paginator is about to ask for, and the total with it.
            start = (self._expected - 1) * self._per_page
            rows = self._rows(start, start + self._per_page, with_total=True)
            if rows:
                self._total = int(getattr(rows[0], "queue_total"))  # noqa: B009 (an annotation)
            elif start == 0:
                self._total = 0
            else:
                sql, params = _union_sql(self._branches, "id")
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS visible", params)  # noqa: S608 (the ORM's SQL)
                    self._total = int(cursor.fetchone()[0])
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[Referral]:
        if not isinstance(item, slice):
            raise TypeError("AdvisorQueue supports slices only")
        start, stop = item.start or 0, item.stop
        if self._cached and self._cached[0] == start and self._cached[1] >= stop:
            # The paginator asks for less than a full page at the end of the queue.
            return self._cached[2][: stop - start]
        return self._rows(start, stop, with_total=False)

    def _rows(self, start: int, stop: int, *, with_total: bool) -> list[Referral]:
        if not self._branches or stop <= start:
            return []
        sql, params = _union_sql(self._branches, "id", "is_acute", "created_at", first=stop)
        page_ids = RawSQL(
            f'SELECT "id" FROM ({sql}) AS visible ORDER BY {_QUEUE_ORDER_SQL} LIMIT %s OFFSET %s',  # noqa: S608
            (*params, stop - start, start),
        )
        visible: QuerySet[Referral] = Referral.objects.filter(pk__in=page_ids)
        if with_total:
            # A filtered queue needs its total too: an uncorrelated subquery, which
            # PostgreSQL runs once (an InitPlan), in the same round trip.
            count_sql, count_params = _union_sql(self._branches, "id")
            visible = visible.annotate(
                queue_total=RawSQL(f"SELECT COUNT(*) FROM ({count_sql}) AS visible", count_params)  # noqa: S608
            )
        rows = (
            visible.select_related("department__district", "assigned_to")
            .prefetch_related(Prefetch("categories", queryset=ReferralCategory.objects.order_by("code")))
            .defer("description", "resident_name", "acute_reasons")
            .order_by(*_QUEUE_ORDER)
        )
        result = list(rows)
        self._cached = (start, stop, result)
        return result


def advisor_queue(
    user: User,
    *,
    narrow: Callable[[QuerySet[Referral]], QuerySet[Referral]],
    counts: dict[str, int] | None,
    per_page: int,
    number: Any,
    scope: QueueScope | None = None,
) -> AdvisorQueue:
    """The advisor's queue, acute first then oldest, narrowed by the queue's filters.

    narrow() applies the filters to each branch; counts (from queue_counts) stands in
    for the paginator's COUNT when the filters are the default (open concerns).
    """
    branches = [narrow(branch) for branch in _advisor_branches(_scope_for(user, scope))]
    return AdvisorQueue(branches, total=counts["open"] if counts else None, per_page=per_page, number=number)


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


def dwelling_choices_for_filing(user: User, *, chosen: str) -> QuerySet[Dwelling]:
    """On a filing POST, only the home that was chosen, if the contact person serves it:
    validating it needs no more, and a department can have hundreds of homes."""
    if not chosen.isdigit():
        return Dwelling.objects.none()
    return dwellings_served_by(user).filter(pk=int(chosen))


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
