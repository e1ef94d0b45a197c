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


class ImportJob(models.Model):
    """One CSV file of departments or dwellings on its way in: preview, confirmation, result.

    The file is kept here (not on disk) so that a Celery worker on another machine can
    read it; it is emptied when the job is finished. Only ids and counts reach a log.
    """

    class Kind(models.TextChoices):
        DEPARTMENTS = "departments", _("boligafdelinger")
        DWELLINGS = "dwellings", _("lejemål")

    class State(models.TextChoices):
        PENDING = "pending", _("venter på forhåndsvisning")
        PREVIEWING = "previewing", _("forhåndsvises")
        PREVIEWED = "previewed", _("klar til import")
        INVALID = "invalid", _("fejl i filen")
        IMPORTING = "importing", _("importeres")
        DONE = "done", _("importeret")
        FAILED = "failed", _("fejlede")

    class Encoding(models.TextChoices):
        AUTO = "auto", _("Find selv ud af det (UTF-8, ellers Windows-1252)")
        UTF8 = "utf-8", _("UTF-8")
        CP1252 = "cp1252", _("Windows-1252 (Excels almindelige CSV)")

    # The states in which a worker is busy with the job: its page shows progress.
    RUNNING_STATES = (State.PENDING, State.PREVIEWING, State.IMPORTING)

    kind = models.CharField(_("indhold"), max_length=12, choices=Kind.choices)
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("filnavn"), max_length=255)
    data = models.BinaryField(editable=False)
    size = models.PositiveIntegerField(_("størrelse i bytes"), default=0)
    encoding_choice = models.CharField(max_length=8, choices=Encoding.choices, default=Encoding.AUTO)
    # What was read: "utf-8-sig" (UTF-8 with BOM), "utf-8" or "cp1252".
    encoding = models.CharField(_("tegnsæt"), max_length=10)
    delimiter = models.CharField(_("skilletegn"), max_length=1)
    total_rows = models.PositiveIntegerField(_("rækker"), default=0)
    # How far the preview and the import have come through the file's rows.
    previewed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    new_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    invalid_count = models.PositiveIntegerField(default=0)
    # After the import: rows saved, and rows left alone because the data changed after the preview.
    saved_count = models.PositiveIntegerField(default=0)
    conflict_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    previewed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the job was last handed to Celery: a hand-off the broker lost is repeated.
    queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("CSV-import")
        verbose_name_plural = _("CSV-importer")
        indexes = [models.Index(fields=["created_by", "kind", "-created_at"], name="importjob_user_kind_idx")]

    def __str__(self) -> str:
        # Only an id: this string reaches the audit log.
        return f"Import {self.pk}"

    @property
    def is_running(self) -> bool:
        return self.state in self.RUNNING_STATES

    @property
    def done_rows(self) -> int:
        return self.imported_rows if self.state == self.State.IMPORTING else self.previewed_rows

    @property
    def percent(self) -> int:
        return min(100, self.done_rows * 100 // self.total_rows) if self.total_rows else 0


class ImportRow(models.Model):
    """One row of an import's preview that says something: new, changed or in error.

    Rows the file leaves as they are get no ImportRow. The import compares each row with
    its preview again and saves only what the preview said (outcome "saved"); a row the
    data moved away from since the preview is left alone (outcome "conflict").
    """

    class Action(models.TextChoices):
        NEW = "new", _("ny")
        CHANGE = "change", _("ændres")
        UNCHANGED = "unchanged", _("uændret")
        ERROR = "error", _("fejl")

    class Outcome(models.TextChoices):
        PENDING = "", _("ikke importeret endnu")
        SAVED = "saved", _("gemt")
        CONFLICT = "conflict", _("ændret siden forhåndsvisningen")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    # The row in the spreadsheet: the header is row 1.
    number = models.PositiveIntegerField(_("række"))
    action = models.CharField(max_length=10, choices=Action.choices)
    key = models.CharField(_("afdeling eller lejemål"), max_length=300)
    # [[column, old, new], ...] for new and changed rows; [[column, message], ...] for errors.
    changes = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING, blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [models.UniqueConstraint(fields=["job", "number"], name="importrow_unique_number_in_job")]
        indexes = [models.Index(fields=["job", "action", "number"], name="importrow_job_action_idx")]

    def __str__(self) -> str:
        return f"Import {self.job_id} række {self.number}"
