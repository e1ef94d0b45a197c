from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Refuse passwords longer than max_length, so hashing cannot be abused (ASVS 2.1.2)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "Adgangskoden må højst være %(max_length)d tegn.",
                    "Adgangskoden må højst være %(max_length)d tegn.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return _("Adgangskoden må højst være %(max_length)d tegn.") % {"max_length": self.max_length}
