"""What cases tell the apps above them, without knowing them (they listen)."""

from django.dispatch import Signal

# A citizen has consented to share their case with whoever reported a concern about
# them (CaseConsent.Scope.REPORTER). Sent with case= and consent= inside the transaction.
reporter_consent_given = Signal()
