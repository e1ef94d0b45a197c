"""The case reminders Celery beat queues: once per due item, however often it runs."""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import SHELTER_GOAL_DAYS, SHELTER_WARNING_DAYS, ActionPlan, Case, Placement, RentSubsidy, ShelterStay
from notifications.services import ContextValue, notification_queue


def case_workers(case: Case) -> list[User]:
    """The users assigned to a case (django-guardian grants), who get its reminders."""
    grants = case.user_grants.filter(
        permission__codename="change_case", user__is_active=True, user__advisor__active=True
    ).select_related("user")
    return [grant.user for grant in grants]


def cases_remind(*, today: date | None = None) -> int:
    """Queue the case reminders that are due: a shelter stay at day 60 and 80 without a
    home the citizen said yes to, a rent subsidy ending within three months, an action
    plan due for review. Returns how many were queued."""
    today = today or timezone.localdate()
    queued = 0

    def queue(case: Case, template: str, *, key: str, **extra: ContextValue) -> None:
        nonlocal queued
        context = {"reference": case.reference, "link_path": reverse("cases:detail", args=[case.reference]), **extra}
        with transaction.atomic():
            for user in case_workers(case):
                if notification_queue(
                    recipient=user, template=template, context=context, dedupe_key=f"{key}:{user.pk}"
                ):
                    queued += 1

    for days in SHELTER_WARNING_DAYS:
        stays = (
            ShelterStay.objects.filter(
                left_on__isnull=True, entered_on__lte=today - timedelta(days=days), case__closed_on__isnull=True
            )
            .exclude(case__placements__status__in=Placement.ACCEPTED_OR_LATER)
            .select_related("case")
        )
        for stay in stays:
            queue(stay.case, "stay_warning", key=f"stay:{stay.pk}:day{days}", days=days, goal_days=SHELTER_GOAL_DAYS)
    ending = RentSubsidy.objects.filter(ends_on__lte=today + timedelta(days=91), ends_on__gte=today).select_related(
        "placement__case"
    )
    for subsidy in ending:
        queue(subsidy.placement.case, "subsidy_ending", key=f"subsidy:{subsidy.pk}:ending")
    plans = ActionPlan.objects.filter(next_review_on__lte=today, case__closed_on__isnull=True).select_related("case")
    for plan in plans:
        queue(plan.case, "plan_review_due", key=f"plan:{plan.pk}:review:{plan.next_review_on.isoformat()}")
    return queued
