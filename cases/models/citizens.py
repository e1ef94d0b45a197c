"""Citizens and their cases: the homelessness plan from shelter to own home."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from cases.crypto import EncryptedTextField
from cases.validators import validate_birth_date, validate_not_future
from contacts.models import Team

SHELTER_GOAL_DAYS = 90
SHELTER_WARNING_DAYS = (60, 80)
JOURNAL_MAX_LENGTH = 10_000


class TargetGroup(models.TextChoices):
    FAMILY = "family", _("Familie")
    YOUTH = "youth", _("Ung (18–29 år)")
    SINGLE_ADULT = "single_adult", _("Enlig voksen")


class Citizen(models.Model):
    """A citizen in the homelessness plan or a housing-social case."""

    name = models.CharField(_("navn"), max_length=200)
    # Encrypted at rest; cpr_hash allows exact look-up without decrypting.
    cpr = EncryptedTextField(_("CPR-nummer"), blank=True)
    cpr_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("fødselsdato"), null=True, blank=True, validators=[validate_birth_date])
    phone = models.CharField(_("telefon"), max_length=20, blank=True)
    max_rent = models.PositiveIntegerField(
        _("betalingsevne (kr. pr. måned)"),
        help_text=_("Hvor meget borgeren kan betale i husleje om måneden."),
    )
    target_group = models.CharField(_("målgruppe"), max_length=20, choices=TargetGroup.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        constraints = [
            # One citizen per CPR number: a second registration finds the first.
            models.UniqueConstraint(fields=["cpr_hash"], condition=~Q(cpr_hash=""), name="citizen_cpr_once"),
        ]

    def __str__(self):
        return f"Borger {self.pk}"

    @property
    def masked_cpr(self) -> str:
        return f"{self.cpr[:6]}-XXXX" if self.cpr else ""

    @property
    def formatted_cpr(self) -> str:
        return f"{self.cpr[:6]}-{self.cpr[6:]}" if self.cpr else ""


class Case(models.Model):
    """A citizen's case, handled by a team; assigned workers get object permissions."""

    class Kind(models.TextChoices):
        HOUSING_SOCIAL = "housing_social", _("Boligsocial sag (fra bekymring)")
        HOMELESSNESS = "homelessness", _("Hjemløseforløb")

    class CloseReason(models.TextChoices):
        HOUSED = "housed", _("I egen bolig med støtte")
        SUPPORTED_ACCOMMODATION = "supported_accommodation", _("I botilbud")
        MOVED_AWAY = "moved_away", _("Fraflyttet kommunen")
        DECLINED = "declined", _("Borgeren ønsker ikke hjælp")
        OTHER = "other", _("Andet")

    reference = models.CharField(_("sagsnummer"), max_length=20, unique=True, editable=False)
    citizen = models.ForeignKey(Citizen, on_delete=models.PROTECT, related_name="cases")
    kind = models.CharField(_("sagstype"), max_length=20, choices=Kind.choices)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", verbose_name=_("team"))
    cohort_group = models.ForeignKey(
        "CohortGroup",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("forsøgsgruppe"),
    )
    opened_on = models.DateField(_("oprettet"), default=timezone.localdate)
    closed_on = models.DateField(_("lukket"), null=True, blank=True)
    close_reason = models.CharField(_("lukkeårsag"), max_length=30, choices=CloseReason.choices, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    # When the citizen entered the shelter they are in now (None: not in a shelter). Kept
    # by the stay services, so the case list can sort by it through an index instead of
    # looking up every open case's stay first.
    in_shelter_since = models.DateField(_("på herberg siden"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("sag")
        verbose_name_plural = _("sager")
        indexes = [
            models.Index(fields=["team", "closed_on"], name="case_team_open_idx"),
            # The case list's order (longest in a shelter first; ASC puts NULL last),
            # open cases only; team included so the visibility check needs no table.
            models.Index(
                fields=["in_shelter_since", "-opened_on", "id"],
                include=["team"],
                condition=Q(closed_on__isnull=True),
                name="case_open_list_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | ~Q(close_reason=""), name="case_closed_has_reason"
            ),
        ]

    def __str__(self):
        # Only the reference: this string reaches audit logs and e-mails.
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def ensure_open(self) -> None:
        """A closed case is a record: new plans, stays, support, consents and homes are
        refused. Journal notes and withdrawing a consent stay possible."""
        if not self.is_open:
            raise ValidationError(_("Sagen er lukket. Den kan ikke ændres."))


class CaseNote(models.Model):
    """A journal entry. Never edited: a correction is a new entry pointing at the old."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="journal")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_on = models.DateField(_("dato"), default=timezone.localdate, validators=[validate_not_future])
    text = models.TextField(_("notat"), validators=[MaxLengthValidator(JOURNAL_MAX_LENGTH)])
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections")
    created_at = models.DateTimeField(default=timezone.now)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Journalnotat {self.pk}"


class CaseConsent(models.Model):
    """The citizen's consent to share, with its scope, how it was given and by whom."""

    class Scope(models.TextChoices):
        REPORTER = "reporter", _("Dele forløbet med den, der meldte bekymringen")
        ASSOCIATION = "association", _("Dele med boligorganisationen")
        NGO = "ngo", _("Dele med en navngiven frivillig organisation")

    class Method(models.TextChoices):
        WRITTEN = "written", _("Skriftligt")
        ORAL = "oral", _("Mundtligt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("omfang"), max_length=20, choices=Scope.choices)
    ngo_name = models.CharField(_("organisation"), max_length=200, blank=True)
    method = models.CharField(_("hvordan"), max_length=10, choices=Method.choices)
    given_on = models.DateField(_("givet den"), default=timezone.localdate)
    withdrawn_on = models.DateField(_("trukket tilbage den"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["given_on", "pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Samtykke {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None


class Shelter(models.Model):
    """A managed list of shelters (herberger)."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("herberg")
        verbose_name_plural = _("herberger")

    def __str__(self):
        return self.name


class ShelterStay(models.Model):
    """A stay at a shelter. Goal: out within 90 days (Housing First)."""

    class Exit(models.TextChoices):
        OWN_HOME = "own_home", _("Flyttet i egen bolig")
        SUPPORTED_ACCOMMODATION = "supported_accommodation", _("Flyttet i botilbud")
        OTHER_SHELTER = "other_shelter", _("Flyttet til andet herberg")
        LEFT = "left", _("Forladt herberget uden aftale")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stays")
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    entered_on = models.DateField(_("indskrevet"))
    left_on = models.DateField(_("udskrevet"), null=True, blank=True)
    exit = models.CharField(_("udskrevet til"), max_length=30, choices=Exit.choices, blank=True)

    class Meta:
        ordering = ["-entered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
                name="shelter_stay_leaves_after_entering",
            ),
        ]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Herbergsophold {self.pk}"

    def days(self, today: date | None = None) -> int:
        end = self.left_on or today or timezone.localdate()
        return (end - self.entered_on).days

    @property
    def days_so_far(self) -> int:
        return self.days()

    @property
    def warning_level(self) -> int:
        """0, 60 or 80: the last warning threshold passed while still in the shelter."""
        if self.left_on:
            return 0
        return max((d for d in SHELTER_WARNING_DAYS if self.days_so_far >= d), default=0)


class ActionPlan(models.Model):
    """The action plan that must exist before discharge (handleplan)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="action_plans")
    made_on = models.DateField(_("dato"), default=timezone.localdate)
    goals = models.TextField(_("mål"), validators=[MaxLengthValidator(JOURNAL_MAX_LENGTH)])
    next_review_on = models.DateField(_("næste opfølgning"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-made_on", "-pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Handleplan {self.pk}"


# The housing-support methods of the homelessness plan; migration 0002 adds them.
DEFAULT_SUPPORT_KINDS = [
    ("CTI", "Critical Time Intervention"),
    ("ICM", "Individual Case Management"),
    ("ACT", "Assertive Community Treatment"),
    ("SEL85", "Socialpædagogisk støtte, serviceloven § 85"),
    ("SEL99", "Social støtte, serviceloven § 99"),
]


class SupportKind(models.Model):
    """A managed list: CTI, ICM, ACT, Serviceloven § 85, § 99."""

    code = models.CharField(_("kode"), max_length=20, unique=True)
    name = models.CharField(_("navn"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("støtteform")
        verbose_name_plural = _("støtteformer")

    def __str__(self):
        return f"{self.code} – {self.name}"


class SupportAssignment(models.Model):
    """Housing support that the citizen has been granted (visiteret)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="support")
    kind = models.ForeignKey(SupportKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("støtte"))
    granted_on = models.DateField(_("visiteret den"))
    ends_on = models.DateField(_("slutter"), null=True, blank=True)
    provider = models.CharField(
        _("udfører"), max_length=200, help_text=_("Kommunalt team eller frivillig organisation")
    )
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-granted_on", "-pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Bostøtte {self.pk}"


class Cohort(models.Model):
    """A pilot group with targets, e.g. the 2022 pilot of 50 citizens."""

    name = models.CharField(_("navn"), max_length=200, unique=True)
    started_on = models.DateField(_("start"))

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("forsøg")
        verbose_name_plural = _("forsøg")

    def __str__(self):
        return self.name


class CohortGroup(models.Model):
    """One target within a cohort: e.g. 20 young people."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("gruppe"), max_length=200)
    target = models.PositiveIntegerField(_("mål (antal borgere)"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["cohort", "pk"]

    def __str__(self):
        return f"{self.cohort.name}: {self.name}"


class CaseFileExport(models.Model):
    """A right-of-access PDF of a whole case, rendered by a Celery task."""

    class State(models.TextChoices):
        PENDING = "pending", _("I kø")
        RUNNING = "running", _("Samles")
        DONE = "done", _("Klar")
        FAILED = "failed", _("Fejlede")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the export was last handed to Celery: a hand-off the broker lost is repeated.
    queued_at = models.DateTimeField(null=True, blank=True)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Sagsakter {self.pk}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Assigned caseworkers and advisors: django-guardian grants on one case."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="user_grants")

    class Meta(UserObjectPermissionBase.Meta):
        pass


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        pass
