"""The housing world: associations, the city's districts, their estates and homes."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.validators import validate_cvr, validate_rent


class HousingOrganisation(models.Model):
    """A social-housing association (boligorganisation), e.g. SAB, DAB, FA09."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("kort navn"), max_length=20, unique=True)
    cvr = models.CharField(
        _("CVR-nummer"),
        max_length=8,
        unique=True,
        validators=[validate_cvr],
        help_text=_("8 cifre. Kontrolleres med modulus 11."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("boligorganisation")
        verbose_name_plural = _("boligorganisationer")

    def __str__(self):
        return f"{self.name} ({self.short_name})"


class District(models.Model):
    """A part of the city (byområde / bydel)."""

    name = models.CharField(_("navn"), max_length=100, unique=True)
    is_disadvantaged = models.BooleanField(
        _("udsat byområde"),
        default=False,
        help_text=_("Et af byens udsatte byområder med boligsocial indsats."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("byområde")
        verbose_name_plural = _("byområder")

    def __str__(self):
        return self.name


class Department(models.Model):
    """One estate of an association (boligafdeling), with its own tenants' board."""

    organisation = models.ForeignKey(
        HousingOrganisation,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("boligorganisation"),
    )
    number = models.CharField(
        _("afdelingsnummer"),
        max_length=20,
        help_text=_("Unikt inden for boligorganisationen."),
    )
    name = models.CharField(_("navn"), max_length=200)
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name=_("byområde"),
    )
    address = models.CharField(_("adresse"), max_length=200)
    postal_code = models.CharField(_("postnummer"), max_length=4, blank=True)
    number_of_homes = models.PositiveIntegerField(_("antal boliger"), default=0)
    allocation_stop = models.BooleanField(
        _("anvisningsstop"),
        default=False,
        help_text=_("Kommunen må ikke anvise boliger i afdelingen."),
    )
    allocation_stop_reason = models.TextField(_("begrundelse for anvisningsstop"), blank=True)

    class Meta:
        ordering = ["organisation__short_name", "number"]
        verbose_name = _("boligafdeling")
        verbose_name_plural = _("boligafdelinger")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"],
                name="department_number_unique_in_organisation",
                violation_error_message=_("Boligorganisationen har allerede en afdeling med dette nummer."),
            ),
            models.CheckConstraint(
                condition=Q(allocation_stop=False) | ~Q(allocation_stop_reason=""),
                name="department_allocation_stop_has_reason",
                violation_error_message=_("Skriv en begrundelse for anvisningsstoppet."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation.short_name} afd. {self.number})"

    def clean(self):
        super().clean()
        self.allocation_stop_reason = self.allocation_stop_reason.strip()
        if self.allocation_stop and not self.allocation_stop_reason:
            raise ValidationError({"allocation_stop_reason": _("Skriv en begrundelse for anvisningsstoppet.")})


class Dwelling(models.Model):
    """One rented home (lejemål): an address and a unit such as "2. th."."""

    class Kind(models.TextChoices):
        FAMILY = "family", _("familiebolig")
        YOUTH = "youth", _("ungdomsbolig")
        ELDERLY = "elderly", _("ældrebolig")

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="dwellings",
        verbose_name=_("boligafdeling"),
    )
    address = models.CharField(_("adresse"), max_length=200)
    unit = models.CharField(_("etage og dør"), max_length=30, blank=True, help_text=_('Fx "2. th."'))
    kind = models.CharField(_("boligtype"), max_length=10, choices=Kind.choices, default=Kind.FAMILY)
    rooms = models.PositiveSmallIntegerField(_("antal værelser"), validators=[MinValueValidator(1)], default=1)
    area_m2 = models.PositiveSmallIntegerField(_("areal i m²"), validators=[MinValueValidator(1)])
    monthly_rent = models.DecimalField(
        _("månedlig husleje (kr.)"), max_digits=9, decimal_places=2, validators=[validate_rent]
    )

    class Meta:
        ordering = ["department", "address", "unit"]
        verbose_name = _("lejemål")
        verbose_name_plural = _("lejemål")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "address", "unit"],
                name="dwelling_unique_address_in_department",
                violation_error_message=_("Afdelingen har allerede et lejemål med denne adresse."),
            ),
        ]

    def __str__(self):
        return f"{self.address}, {self.unit}" if self.unit else self.address


class VacancyOffer(models.Model):
    """A vacant dwelling an association offers to the municipality's allocation (anvisning).

    In Copenhagen the municipality may allocate every third vacancy.
    """

    class Status(models.TextChoices):
        OFFERED = "offered", _("tilbudt")
        MATCHED = "matched", _("borger foreslået")
        ACCEPTED = "accepted", _("accepteret")
        RETURNED = "returned", _("returneret")
        WITHDRAWN = "withdrawn", _("trukket tilbage")

    # Waiting for the municipality: the dwelling cannot be offered again meanwhile.
    OPEN_STATUSES = (Status.OFFERED, Status.MATCHED)
    # The association may take an offer back until a citizen has said yes to it.
    WITHDRAWABLE = OPEN_STATUSES

    class Step(models.TextChoices):
        """How far an accepted offer has come; the association prepares the lease by it."""

        ACCEPTED = "accepted", _("borgeren har sagt ja")
        LEASE_SIGNED = "lease_signed", _("lejekontrakt underskrevet")
        MOVED_IN = "moved_in", _("flyttet ind")
        MOVED_OUT = "moved_out", _("fraflyttet")

    # A citizen has the home (said yes, signed or moved in): the dwelling cannot be
    # offered again until a move-out is recorded or the placement ends in a no.
    TAKEN_STEPS = (Step.ACCEPTED, Step.LEASE_SIGNED, Step.MOVED_IN)

    class ReturnReason(models.TextChoices):
        RENT_TOO_HIGH = "rent_too_high", _("Huslejen er for høj for målgruppen")
        UNSUITABLE = "unsuitable", _("Boligen er ikke egnet")
        ALLOCATION_STOP = "allocation_stop", _("Anvisningsstop i afdelingen")
        NO_CANDIDATE = "no_candidate", _("Ingen kandidat i tide")
        OTHER = "other", _("Andet")

    dwelling = models.ForeignKey(Dwelling, on_delete=models.PROTECT, related_name="offers", verbose_name=_("lejemål"))
    offered_on = models.DateField(_("tilbudt den"), default=timezone.localdate)
    monthly_rent = models.DecimalField(
        _("månedlig husleje (kr.)"), max_digits=9, decimal_places=2, validators=[validate_rent]
    )
    available_from = models.DateField(_("ledig fra"))
    answer_by = models.DateField(_("svarfrist"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OFFERED)
    return_reason = models.CharField(
        _("årsag til returnering"), max_length=20, choices=ReturnReason.choices, blank=True
    )
    # The outcome, kept on the offer by the allocation: never who the citizen is.
    step = models.CharField(_("forløb"), max_length=20, choices=Step.choices, blank=True)
    move_in_on = models.DateField(_("indflytning"), null=True, blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answer_by", "pk"]
        verbose_name = _("ledig bolig til anvisning")
        verbose_name_plural = _("ledige boliger til anvisning")
        indexes = [
            models.Index(fields=["status", "monthly_rent"], name="offer_status_rent_idx"),
            # The offer list and a case's fitting offers: open offers by deadline.
            models.Index(fields=["status", "answer_by", "id"], name="offer_status_answer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""), name="offer_returned_has_reason"
            ),
            models.CheckConstraint(condition=Q(answer_by__gte=models.F("offered_on")), name="offer_answer_after_offer"),
        ]

    def __str__(self):
        return f"Tilbud {self.pk}"

    @property
    def rent_difference(self) -> Decimal:
        """How much the offered rent differs from the dwelling's rent in the master data."""
        return self.monthly_rent - self.dwelling.monthly_rent
