"""The people in the scheme: contact persons, advisors and their teams, association staff."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from housing.models import Department, District, HousingOrganisation


def _full_name(user) -> str:
    return user.get_full_name() or user.get_username()


class Team(models.Model):
    """A municipal team, e.g. the housing advisors of a district or Hjemløseenheden."""

    name = models.CharField(_("navn"), max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class Advisor(models.Model):
    """A municipal employee who receives concerns or works with citizens' cases."""

    class Function(models.TextChoices):
        HOUSING_ADVISOR = "housing_advisor", _("boligrådgiver")
        HOUSING_SOCIAL_WORKER = "housing_social_worker", _("boligsocial medarbejder")
        HOMELESSNESS_CASEWORKER = "homelessness_caseworker", _("sagsbehandler på hjemløseområdet")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="advisor",
        verbose_name=_("login"),
    )
    function = models.CharField(
        _("funktion"), max_length=30, choices=Function.choices, default=Function.HOUSING_ADVISOR
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="members", verbose_name=_("team"))
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    districts = models.ManyToManyField(
        District,
        blank=True,
        related_name="advisors",
        verbose_name=_("dækker byområder"),
        help_text=_("De byområder, hvis henvendelser rådgiveren modtager."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("rådgiver")
        verbose_name_plural = _("rådgivere")

    def __str__(self):
        return _full_name(self.user)


# The functions that receive and handle concerns (homelessness caseworkers do not).
CONCERN_FUNCTIONS = (Advisor.Function.HOUSING_ADVISOR, Advisor.Function.HOUSING_SOCIAL_WORKER)


class ContactPerson(models.Model):
    """A person appointed in one or more departments to pass concerns on to the advisors.

    A contact person does not take part in solving the problem.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_person",
        verbose_name=_("login"),
    )
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    departments = models.ManyToManyField(
        Department,
        through="Appointment",
        related_name="contact_persons",
        verbose_name=_("afdelinger"),
    )

    class Meta:
        ordering = ["user__first_name", "user__last_name"]
        verbose_name = _("kontaktperson")
        verbose_name_plural = _("kontaktpersoner")

    def __str__(self):
        return _full_name(self.user)


class Appointment(models.Model):
    """That a contact person serves a department, and in which capacity."""

    class Capacity(models.TextChoices):
        LEAD_CARETAKER = "lead_caretaker", _("ledende ejendomsfunktionær")
        BOARD_MEMBER = "board_member", _("medlem af afdelingsbestyrelsen")
        VOLUNTEER = "volunteer", _("frivillig beboer")

    contact_person = models.ForeignKey(
        ContactPerson,
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("kontaktperson"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="appointments",
        verbose_name=_("afdeling"),
    )
    capacity = models.CharField(_("rolle i afdelingen"), max_length=20, choices=Capacity.choices)
    appointed_on = models.DateField(_("udpeget den"), default=timezone.localdate)

    class Meta:
        ordering = ["department", "contact_person"]
        verbose_name = _("udpegning")
        verbose_name_plural = _("udpegninger")
        constraints = [
            models.UniqueConstraint(
                fields=["contact_person", "department"],
                name="appointment_once_per_department",
                violation_error_message=_("Kontaktpersonen er allerede udpeget i afdelingen."),
            ),
        ]

    def __str__(self):
        return f"{self.contact_person} – {self.department}"


class AssociationStaff(models.Model):
    """An employee of a housing association: sees its offers and aggregate figures only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="association_staff",
        verbose_name=_("login"),
    )
    organisation = models.ForeignKey(
        HousingOrganisation,
        on_delete=models.PROTECT,
        related_name="staff",
        verbose_name=_("boligorganisation"),
    )
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("medarbejder i boligorganisation")
        verbose_name_plural = _("medarbejdere i boligorganisationer")

    def __str__(self):
        return _full_name(self.user)


class RulesAcceptance(models.Model):
    """A contact person has read and accepted the scheme's confidentiality rules (tavshedspligt).

    Filing is blocked until then, and again a year after the last acceptance.
    """

    contact_person = models.ForeignKey(ContactPerson, on_delete=models.CASCADE, related_name="rules_acceptances")
    rules_version = models.CharField(_("version af reglerne"), max_length=20)
    accepted_at = models.DateTimeField(_("accepteret"), default=timezone.now)

    class Meta:
        ordering = ["-accepted_at"]
        verbose_name = _("accept af regler om tavshedspligt")
        verbose_name_plural = _("accept af regler om tavshedspligt")
        indexes = [models.Index(fields=["contact_person", "-accepted_at"], name="rules_acceptance_idx")]

    def __str__(self):
        return f"{self.contact_person} {self.accepted_at:%Y-%m-%d}"
