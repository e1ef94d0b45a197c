"""The housing world: associations, the city's districts, their estates and homes."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from housing.validators import validate_cvr


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
                violation_error_message=_(
                    "Boligorganisationen har allerede en afdeling med dette nummer."
                ),
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
            raise ValidationError(
                {"allocation_stop_reason": _("Skriv en begrundelse for anvisningsstoppet.")}
            )


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
    rooms = models.PositiveSmallIntegerField(
        _("antal værelser"), validators=[MinValueValidator(1)], default=1
    )
    area_m2 = models.PositiveSmallIntegerField(_("areal i m²"), validators=[MinValueValidator(1)])
    monthly_rent = models.DecimalField(
        _("månedlig husleje (kr.)"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(0)],
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
