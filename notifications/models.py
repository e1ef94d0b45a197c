"""The outbox: one e-mail to send, written in the same transaction as its event."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One e-mail in the outbox.

    `context` is what the e-mail may say, stored when the notification is queued: a
    reference, a department's name, a date, a link path. Never a description, a
    resident's name or any other personal data (see CONTEXT_KEYS in services).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("afventer")
        SENT = "sent", _("sendt")
        FAILED = "failed", _("opgivet")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    template = models.CharField(max_length=60)
    context = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=200, blank=True)
    # For reminders: the same due item never makes a second notification.
    dedupe_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table was created when the outbox lived in the concerns app.
        db_table = "referrals_notification"
        indexes = [models.Index(fields=["state", "next_try_at"], name="notification_due_idx")]

    def __str__(self):
        return f"{self.template} → {self.recipient_id} ({self.state})"
