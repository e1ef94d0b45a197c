"""Concerns listen to what happens on the cases they are linked to."""

from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_save
from django.dispatch import receiver

from cases.models import Case, CaseConsent
from cases.signals import reporter_consent_given
from housing.models import Department
from housing.signals import departments_updated
from referrals.models import Referral
from referrals.services.handling import news_for_reporter


@receiver(reporter_consent_given)
def tell_reporters_there_is_news(sender: Any, *, case: Case, consent: CaseConsent, **kwargs: Any) -> None:
    """Consent on the case lets the reporters of its concerns read the shared messages:
    those who could not read them before get an e-mail that there is news."""
    others = case.consents.filter(scope=CaseConsent.Scope.REPORTER, withdrawn_on__isnull=True).exclude(pk=consent.pk)
    if others.exists():
        return  # they could read them already
    for referral in case.referrals.filter(consent_to_share=False).select_related("department", "reporter"):
        news_for_reporter(referral, key=f"case-consent:{consent.pk}")


@receiver(post_save, sender=Department)
def follow_department_to_its_district(
    sender: Any, *, instance: Department, created: bool = False, raw: bool = False, **kwargs: Any
) -> None:
    """A department moved to another district takes its concerns along: the advisors
    of the new district see them in their queue, those of the old one no longer do.
    (On PostgreSQL the database does it too: referrals 0012.)"""
    if not raw and not created:
        _follow_districts([instance])


@receiver(departments_updated, sender=Department)
def follow_imported_departments_to_their_districts(
    sender: Any, *, departments: list[Department], fields: list[str], **kwargs: Any
) -> None:
    """The same for departments the CSV import moved (saved in bulk: no post_save)."""
    if "district" in fields:
        _follow_districts(departments)


def _follow_districts(departments: list[Department]) -> None:
    """One UPDATE for all of them: each concern takes its department's district."""
    district = Department.objects.filter(pk=OuterRef("department_id")).values("district_id")[:1]
    Referral.objects.filter(department__in=[department.pk for department in departments]).exclude(
        district_id=Subquery(district)
    ).update(district_id=Subquery(district))
