"""The upload form: a CSV file and, if the person knows it, its encoding."""

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from housing.imports import reading
from housing.models import ImportJob


class ImportUploadForm(forms.Form):
    import_file = forms.FileField(
        label=_("CSV-fil"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
        error_messages={
            "required": _("Vælg den CSV-fil, der skal importeres."),
            "empty": _("Filen er tom."),
            "invalid": _("Vælg en fil."),
        },
    )
    encoding = forms.ChoiceField(
        label=_("Tegnsæt"),
        choices=ImportJob.Encoding.choices,
        initial=ImportJob.Encoding.AUTO,
        widget=forms.RadioSelect,
        help_text=_('Gemmer du fra Excel som "CSV (semikolonsepareret)", er det Windows-1252.'),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["import_file"].help_text = _(
            "Højst %(rows)s rækker og %(size)s MB. Er filen større, så del den op."
        ) % {
            "rows": number_format(settings.CSV_IMPORT_MAX_ROWS, force_grouping=True),
            "size": number_format(settings.CSV_IMPORT_MAX_BYTES / 1_000_000, 1),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("import_file")
        if upload is None or "encoding" not in cleaned:
            return cleaned
        if upload.size > settings.CSV_IMPORT_MAX_BYTES:
            # Refused by its size alone: the file is not read.
            raise ValidationError({"import_file": reading.too_big_message(upload.size)})
        data = b"".join(upload.chunks())
        try:
            cleaned["upload"] = reading.read_upload(data, kind=self.kind, encoding_choice=cleaned["encoding"])
        except ValidationError as error:
            raise ValidationError({"import_file": error.messages}) from None
        return cleaned
