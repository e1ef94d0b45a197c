"""Concerns (bekymringshenvendelser) about residents, and what happens to them."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from housing.models import Department, District, Dwelling

DESCRIPTION_MAX_LENGTH = 10_000
TEXT_MAX_LENGTH = 5_000


class Category(models.TextChoices):
    """What is worrying: the situations the scheme names, plus a few that advisors meet often."""

    ISOLATION = "isolation", _("Isolerer sig fra omgivelserne")
    SMELL = "smell", _("Det lugter fra lejemålet")
    DEMENTIA = "dementia", _("Tegn på demens")
    MENTAL_ILLNESS = "mental_illness", _("Tegn på psykiske problemer")
    SUBSTANCE_ABUSE = "substance_abuse", _("Massivt misbrug")
    UNSAFE_BEHAVIOUR = "unsafe_behaviour", _("Utryghedsskabende eller truende adfærd")
    CHILD_NEGLECT = "child_neglect", _("Børn der mistrives eller omsorgssvigt")
    NEGLECTED_TENANCY = "neglected_tenancy", _("Misligholdt lejemål")
    RENT_ARREARS = "rent_arrears", _("Huslejerestance")
    NEIGHBOUR_CONFLICT = "neighbour_conflict", _("Konflikt med naboer")
    OTHER = "other", _("Andet")


# Each category's bit in Referral.category_mask. Never reorder: a new category takes
# the next bit (the mask is stored).
CATEGORY_BITS = {code: 1 << bit for bit, code in enumerate(Category.values)}


def category_mask(codes) -> int:
    """The bits of these category codes, OR-ed."""
    mask = 0
    for code in codes:
        mask |= CATEGORY_BITS[code]
    return mask


class AcuteReason(models.TextChoices):
    """Situations where 112 / 114 / Den Sociale Døgnvagt come first, before the advisors."""

    VIOLENCE_AGAINST_CHILDREN = "violence_against_children", _("Vold mod børn")
    DOMESTIC_DISTURBANCE = "domestic_disturbance", _("Husspektakel")
    WEAPON = "weapon", _("En beboer med våben")
    THROWING_OBJECTS = "throwing_objects", _("Tunge ting kastet ud ad vinduet")
    SUICIDE_THREAT = "suicide_threat", _("Trusler om selvmord eller andet livstruende")


class Referral(models.Model):
    """A concern about a resident, filed by a contact person to the district's advisors."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("modtaget")
        IN_PROGRESS = "in_progress", _("under behandling")
        CLOSED = "closed", _("afsluttet")

    class Outcome(models.TextChoices):
        NO_ACTION = "no_action", _("Ingen handling nødvendig")
        HANDLED_BY_ADVISOR = "handled_by_advisor", _("Håndteret af boligrådgiveren")
        OTHER_SOCIAL_SERVICES = "other_social_services", _("Sendt videre til andre sociale tilbud")
        OTHER_AUTHORITY = "other_authority", _("Sendt videre til en anden myndighed")
        DUPLICATE = "duplicate", _("Dublet af en anden henvendelse")
        CASE_OPENED = "case_opened", _("Der er oprettet en sag")

    class Children(models.TextChoices):
        YES = "yes", _("Ja")
        NO = "no", _("Nej")
        UNKNOWN = "unknown", _("Ved ikke")

    class Source(models.TextChoices):
        OWN_OBSERVATION = "own_observation", _("Jeg har selv set eller hørt det")
        RESIDENT_TOLD = "resident_told", _("En beboer har fortalt det")
        OTHER = "other", _("Andet")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="filed_referrals",
        verbose_name=_("indberetter"),
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("afdeling")
    )
    # The department's district, kept on the concern so the advisor's queue reads one
    # ordered index per district it covers (selectors.py). Set on the first save; when
    # a department moves, PostgreSQL moves its concerns (a composite foreign key,
    # migration 0012) and receivers.py does it on SQLite.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # referral_open_district_idx leads with it
        verbose_name=_("byområde"),
    )
    dwelling = models.ForeignKey(
        Dwelling,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("lejemål"),
    )
    address = models.CharField(_("adresse"), max_length=200)
    unit = models.CharField(_("etage og dør"), max_length=30, blank=True)
    # Normalised address + unit, so earlier concerns about the same home are found
    # even when one was typed and another picked from the list.
    place_key = models.CharField(max_length=240, db_index=True, editable=False)
    resident_name = models.CharField(_("beboerens navn"), max_length=200, blank=True)
    children_present = models.CharField(
        _("bor der børn"), max_length=10, choices=Children.choices, default=Children.UNKNOWN
    )
    description = models.TextField(_("hvad er der sket"), validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)])
    observed_on = models.DateField(_("observeret den"), null=True, blank=True)
    source = models.CharField(_("hvordan kom det til din viden"), max_length=20, choices=Source.choices)
    is_acute = models.BooleanField(_("akut"), default=False)
    # The categories (ReferralCategory, which every page reads) as bits, so the queue's
    # category filter is read from the queue's own indexes. Set at filing; categories
    # never change after that.
    category_mask = models.PositiveIntegerField(default=0, editable=False)
    acute_reasons = models.JSONField(_("akutte forhold"), default=list, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    acknowledge_due_at = models.DateTimeField(_("frist for kvittering"))
    acknowledged_at = models.DateTimeField(_("kvitteret"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_referrals",
        verbose_name=_("tildelt"),
    )
    consent_to_share = models.BooleanField(
        _("samtykke til at dele med indberetteren"),
        default=False,
        help_text=_("Afledt af seneste samtykke-registrering."),
    )
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    outcome = models.CharField(_("udfald"), max_length=30, choices=Outcome.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals")
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("modtaget"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_acute", "created_at"]
        verbose_name = _("bekymringshenvendelse")
        verbose_name_plural = _("bekymringshenvendelser")
        indexes = [
            models.Index(fields=["status", "-is_acute", "created_at"], name="referral_queue_idx"),
            models.Index(fields=["department", "status"], name="referral_department_status_idx"),
            models.Index(fields=["reporter", "-created_at"], name="referral_reporter_idx"),
            models.Index(fields=["department", "place_key"], name="referral_place_idx"),
            # The advisor's queue reads open concerns only, acute first then oldest:
            # a partial index keeps it fast when most concerns are long closed.
            models.Index(
                fields=["-is_acute", "created_at", "id"],
                condition=~Q(status="closed"),
                name="referral_open_queue_idx",
            ),
            # The advisor's queue reads a UNION ALL of what they may see (selectors.py):
            # each district they cover, and (outside those) the concerns assigned to
            # them. Each branch walks one of these in the queue's order, so the page
            # reads 25 rows whatever the country holds, and the columns the counts
            # need are included, so the counts never touch the table.
            models.Index(
                fields=["district", "-is_acute", "created_at", "id"],
                include=["status", "assigned_to", "acknowledge_due_at", "category_mask"],
                condition=~Q(status="closed"),
                name="referral_open_district_idx",
            ),
            models.Index(
                fields=["assigned_to", "-is_acute", "created_at", "id"],
                include=["status", "district", "acknowledge_due_at", "category_mask"],
                condition=~Q(status="closed"),
                name="referral_open_assigned_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""),
                name="referral_closed_has_outcome",
            ),
        ]

    def __str__(self):
        # Only the reference: this string reaches audit logs and e-mails.
        return self.reference

    def save(self, *args, **kwargs):
        if self.district_id is None and self.department_id is not None:
            self.district_id = self.department.district_id
        super().save(*args, **kwargs)

    @property
    def coarse_status(self) -> str:
        """What the reporter may know: received, being handled or closed (tavshedspligt)."""
        return {
            self.Status.RECEIVED: _("Modtaget"),
            self.Status.IN_PROGRESS: _("Under behandling"),
            self.Status.CLOSED: _("Afsluttet"),
        }[self.status]

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    def is_overdue(self, now=None) -> bool:
        """Not acknowledged by the deadline (default one working day)."""
        return self.status == self.Status.RECEIVED and (now or timezone.now()) > self.acknowledge_due_at

    @property
    def acute_reason_labels(self) -> list[str]:
        return [AcuteReason(code).label for code in self.acute_reasons if code in AcuteReason.values]

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    @property
    def place(self) -> str:
        return f"{self.address}, {self.unit}" if self.unit else self.address


class ReferralCategory(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="categories")
    code = models.CharField(max_length=30, choices=Category.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "code"], name="referral_category_once"),
        ]
        indexes = [models.Index(fields=["code", "referral"], name="referral_category_code_idx")]

    def __str__(self):
        # Category(...).label, not get_code_display(): that one rebuilds the choices
        # dict on every call, and a page of 25 concerns shows about 50 categories.
        return str(Category(self.code).label) if self.code in Category.values else self.code


class StatusChange(models.Model):
    """The history of a concern: every change with who and when. No sensitive text here."""

    class Event(models.TextChoices):
        FILED = "filed", _("Modtaget")
        ACKNOWLEDGED = "acknowledged", _("Kvitteret")
        ASSIGNED = "assigned", _("Tildelt")
        NOTE_ADDED = "note_added", _("Intern note")
        CONSENT_GIVEN = "consent_given", _("Samtykke givet")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Samtykke trukket tilbage")
        MESSAGE_SENT = "message_sent", _("Besked til indberetter")
        FOLLOW_UP = "follow_up", _("Opfølgning fra indberetter")
        CASE_LINKED = "case_linked", _("Knyttet til en sag")
        CLOSED = "closed", _("Afsluttet")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    event = models.CharField(max_length=30, choices=Event.choices)
    from_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Referral.Status.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.referral} {self.event}"


class InternalNote(models.Model):
    """An advisor's note on a concern; never shown to the reporter."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Intern note {self.pk}"


class ReporterMessage(models.Model):
    """A message from the advisor to the reporter.

    The reporter sees it only when it is marked shareable and the resident's consent
    to share is recorded (tavshedspligt: no details to the reporter without consent).
    """

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    shareable = models.BooleanField(default=False)
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Besked {self.pk}"


class FollowUp(models.Model):
    """The reporter's follow-up, e.g. "the situation has not improved"."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="follow_ups")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Opfølgning {self.pk}"


class ConsentRecord(models.Model):
    """The resident's consent to share progress with the reporter: given or withdrawn."""

    class Method(models.TextChoices):
        WRITTEN = "written", _("Skriftligt")
        ORAL = "oral", _("Mundtligt")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="consents")
    given = models.BooleanField()
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The form's one-time token: a double submit records the consent once.
    submission_token = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self):
        # Only an id: this string reaches the audit log.
        return f"Samtykkeregistrering {self.pk}"


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """Exceptional per-object grants, e.g. a concern assigned across districts."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass
