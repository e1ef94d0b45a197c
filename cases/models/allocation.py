"""The homelessness plan's way into a home: placements in offered dwellings, rent subsidies."""

from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.models import VacancyOffer

MAX_SUBSIDY_YEARS = 5


class Placement(models.Model):
    """A citizen's way into a home: proposed → accepted → lease signed → moved in."""

    class Kind(models.TextChoices):
        ORDINARY = "ordinary", _("Almindelig almen bolig")
        UNCONVENTIONAL = "unconventional", _("Skæv bolig")
        SUPPORTED_ACCOMMODATION = "supported_accommodation", _("Botilbud")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("foreslået")
        ACCEPTED = "accepted", _("accepteret af borgeren")
        LEASE_SIGNED = "lease_signed", _("lejekontrakt underskrevet")
        MOVED_IN = "moved_in", _("flyttet ind")
        MOVED_OUT = "moved_out", _("fraflyttet")
        DECLINED = "declined", _("takket nej")

    class MoveOutReason(models.TextChoices):
        OWN_WISH = "own_wish", _("Borgeren er flyttet efter eget ønske")
        OTHER_HOME = "other_home", _("Borgeren er flyttet til en anden bolig")
        SUPPORTED_ACCOMMODATION = "supported_accommodation", _("Borgeren er flyttet i botilbud")
        EVICTION = "eviction", _("Lejemålet er opsagt (udsættelse)")
        DEATH = "death", _("Borgeren er død")
        OTHER = "other", _("Andet")

    # A home on the way or reached: every status but declined and moved out. A citizen
    # has one at a time.
    ACTIVE = (Status.PROPOSED, Status.ACCEPTED, Status.LEASE_SIGNED, Status.MOVED_IN)
    # The citizen has said yes to the home (and may have signed and moved in since).
    ACCEPTED_OR_LATER = (Status.ACCEPTED, Status.LEASE_SIGNED, Status.MOVED_IN)
    # Each step a caseworker can take: the statuses it starts from, and where it leads.
    # The services check a step against this, and the case page offers the same steps.
    STEPS: ClassVar[dict[str, tuple[tuple[str, ...], str]]] = {
        "accept": ((Status.PROPOSED,), Status.ACCEPTED),
        "withdraw": ((Status.PROPOSED,), Status.DECLINED),
        "decline": ((Status.PROPOSED, Status.ACCEPTED), Status.DECLINED),
        "lease": ((Status.ACCEPTED,), Status.LEASE_SIGNED),
        "move_in": ((Status.ACCEPTED, Status.LEASE_SIGNED), Status.MOVED_IN),
        "move_out": ((Status.MOVED_IN,), Status.MOVED_OUT),
    }
    # A decision on supported accommodation has no lease or move-in to record here.
    STEPS_WITHOUT_OFFER = ("decline",)
    # A closed case is a record, but a move-out after it closed is still recorded: it
    # frees the dwelling for the next citizen.
    STEPS_ON_A_CLOSED_CASE = ("move_out",)

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="placements")
    offer = models.ForeignKey(VacancyOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="placements")
    kind = models.CharField(_("boligtype"), max_length=30, choices=Kind.choices, default=Kind.ORDINARY)
    provider = models.CharField(_("botilbud / udbyder"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    declined_reason = models.CharField(_("begrundelse for nej"), max_length=300, blank=True)
    move_in_on = models.DateField(_("indflytning"), null=True, blank=True)
    lease_signed_on = models.DateField(_("lejekontrakt underskrevet"), null=True, blank=True)
    moved_out_on = models.DateField(_("fraflytning"), null=True, blank=True)
    move_out_reason = models.CharField(
        _("årsag til fraflytning"), max_length=30, choices=MoveOutReason.choices, blank=True
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        # The table was created when allocation lived in the housing app.
        db_table = "housing_placement"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "move_in_on"], name="placement_status_move_in_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="supported_accommodation") | Q(offer__isnull=False),
                name="placement_home_needs_offer",
            ),
            models.CheckConstraint(
                condition=Q(moved_out_on__isnull=True) | Q(moved_out_on__gte=models.F("move_in_on")),
                name="placement_moves_out_after_moving_in",
            ),
        ]

    def __str__(self):
        return f"Anvisning {self.pk}"

    def allows(self, step: str) -> bool:
        """Whether the step can be taken from where the placement (and its case) is now."""
        from_statuses, _to = self.STEPS[step]
        return (
            self.status in from_statuses
            and (self.offer_id is not None or step in self.STEPS_WITHOUT_OFFER)
            and (self.case.is_open or step in self.STEPS_ON_A_CLOSED_CASE)
        )

    @property
    def allows_subsidy(self) -> bool:
        """A rent subsidy is for an offered home the citizen has said yes to."""
        return self.offer_id is not None and self.status in self.ACCEPTED_OR_LATER

    @property
    def next_steps(self) -> list[str]:
        """The steps the case page offers: the same rule the services check."""
        return [step for step in self.STEPS if self.allows(step)]


class RentSubsidy(models.Model):
    """Municipal rent subsidy (udslusningsbolig): part of the rent for up to 5 years."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="subsidies")
    monthly_amount = models.PositiveIntegerField(_("tilskud pr. måned (kr.)"), validators=[MinValueValidator(1)])
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til"))
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        db_table = "housing_rentsubsidy"
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="subsidy_ends_after_start"),
        ]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Huslejetilskud {self.pk}"

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on:
            try:
                limit = self.starts_on.replace(year=self.starts_on.year + MAX_SUBSIDY_YEARS)
            except ValueError:  # 29 February
                limit = self.starts_on.replace(year=self.starts_on.year + MAX_SUBSIDY_YEARS, day=28)
            if self.ends_on > limit:
                raise ValidationError(
                    {
                        "ends_on": _("Huslejetilskud kan højst gives i %(years)s år (til og med %(limit)s).")
                        % {"years": MAX_SUBSIDY_YEARS, "limit": limit.strftime("%d-%m-%Y")}
                    }
                )
