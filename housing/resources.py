"""CSV import of departments and dwellings (django-import-export).

An import is all or nothing: when any row is bad, no row is saved and every bad
row is named with its error, so an administrator can fix the file and try again.
Column headers are Danish, and Danish spreadsheets' semicolon separator is accepted.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV

from housing.models import Department, District, Dwelling, HousingOrganisation


class DanishCSV(CSV):
    """CSV with either ';' (Danish Excel) or ',' as separator, UTF-8 with or without BOM."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = in_stream.decode("utf-8-sig")
        in_stream = in_stream.lstrip("\ufeff")
        first_line = in_stream.split("\n", 1)[0]
        kwargs.setdefault("delimiter", ";" if first_line.count(";") > first_line.count(",") else ",")
        return super().create_dataset(in_stream, **kwargs)


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key looked up by a natural field, with a Danish error when missing."""

    def __init__(self, model, field, message):
        super().__init__(model, field=field)
        self.message = message

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            raise ValueError("Feltet skal udfyldes.")
        try:
            return super().clean(str(value).strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.message % {"value": value}) from None


class DepartmentInOrganisationWidget(LookupWidget):
    """A department named by the row's organisation short name and department number."""

    def __init__(self):
        super().__init__(
            Department,
            field="number",
            message="Afdeling %(value)s findes ikke i den angivne boligorganisation.",
        )

    def get_queryset(self, value, row, *args, **kwargs):
        return Department.objects.filter(organisation__short_name=(row or {}).get("boligorganisation", ""))


class DanishBooleanWidget(widgets.BooleanWidget):
    TRUE_VALUES = ["ja", "Ja", "JA", "1", 1, True, "true", "TRUE", "True", "x", "X"]
    FALSE_VALUES = ["nej", "Nej", "NEJ", "0", 0, False, "false", "FALSE", "False"]
    NULL_VALUES = ["", None]

    def clean(self, value, row=None, **kwargs):
        if value in self.NULL_VALUES:
            return False
        if value not in self.TRUE_VALUES and value not in self.FALSE_VALUES:
            raise ValueError('Skriv "ja" eller "nej".')
        return super().clean(value, row, **kwargs)


class DanishNumberWidget(widgets.Widget):
    """A number written the Danish way ("6.450,50") or plainly ("6450.50")."""

    def __init__(self, *, whole: bool = False):
        super().__init__()
        self.whole = whole

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().replace(" ", "")
        if not text:
            raise ValueError("Feltet skal udfyldes.")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f'"{value}" er ikke et tal.') from None
        if self.whole:
            if number != number.to_integral_value():
                raise ValueError(f'"{value}" skal være et helt tal.')
            return int(number)
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ChoiceLabelWidget(widgets.Widget):
    """Accept a choice by its Danish label ("familiebolig") or its code ("family")."""

    def __init__(self, choices):
        super().__init__()
        self.by_text = {}
        for code, label in choices:
            self.by_text[str(code).lower()] = code
            self.by_text[str(label).lower()] = code

    def clean(self, value, row=None, **kwargs):
        code = self.by_text.get(str(value or "").strip().lower())
        if code is None:
            allowed = ", ".join(sorted({k for k, v in self.by_text.items() if k != v}))
            raise ValueError(f'Ukendt værdi "{value}". Brug en af: {allowed}.')
        return code

    def render(self, value, obj=None, **kwargs):
        return value


class AllOrNothingResource(resources.ModelResource):
    """Roll back every row when any row is invalid, whoever calls the import."""

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if result.validation_error is not None:
            # Name the spreadsheet's column, not the model field, in each error.
            columns = {field.attribute: field.column_name for field in self.get_import_fields()}
            result.validation_error = ValidationError(
                {columns.get(key, key): messages for key, messages in result.validation_error.message_dict.items()}
            )
        return result

    def get_instance(self, instance_loader, row):
        # A bad lookup in an id column is reported as that row's field error below.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


class DepartmentResource(AllOrNothingResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="boligorganisation",
        widget=LookupWidget(
            HousingOrganisation,
            field="short_name",
            message='Boligorganisationen "%(value)s" findes ikke (brug det korte navn, fx FSB).',
        ),
    )
    number = fields.Field(attribute="number", column_name="afdelingsnummer")
    name = fields.Field(attribute="name", column_name="navn")
    district = fields.Field(
        attribute="district",
        column_name="byområde",
        widget=LookupWidget(District, field="name", message='Byområdet "%(value)s" findes ikke.'),
    )
    address = fields.Field(attribute="address", column_name="adresse")
    postal_code = fields.Field(attribute="postal_code", column_name="postnummer")
    number_of_homes = fields.Field(
        attribute="number_of_homes", column_name="antal_boliger", widget=DanishNumberWidget(whole=True)
    )
    allocation_stop = fields.Field(
        attribute="allocation_stop", column_name="anvisningsstop", widget=DanishBooleanWidget()
    )
    allocation_stop_reason = fields.Field(attribute="allocation_stop_reason", column_name="begrundelse")

    class Meta:
        model = Department
        import_id_fields = ("organisation", "number")
        fields = (
            "organisation",
            "number",
            "name",
            "district",
            "address",
            "postal_code",
            "number_of_homes",
            "allocation_stop",
            "allocation_stop_reason",
        )
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class DwellingResource(AllOrNothingResource):
    department = fields.Field(
        attribute="department",
        column_name="afdelingsnummer",
        widget=DepartmentInOrganisationWidget(),
    )
    address = fields.Field(attribute="address", column_name="adresse")
    unit = fields.Field(attribute="unit", column_name="etage_dør")
    kind = fields.Field(attribute="kind", column_name="boligtype", widget=ChoiceLabelWidget(Dwelling.Kind.choices))
    rooms = fields.Field(attribute="rooms", column_name="værelser", widget=DanishNumberWidget(whole=True))
    area_m2 = fields.Field(attribute="area_m2", column_name="m2", widget=DanishNumberWidget(whole=True))
    monthly_rent = fields.Field(attribute="monthly_rent", column_name="husleje", widget=DanishNumberWidget())

    class Meta:
        model = Dwelling
        import_id_fields = ("department", "address", "unit")
        fields = ("department", "address", "unit", "kind", "rooms", "area_m2", "monthly_rent")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_import(self, dataset, **kwargs):
        if "boligorganisation" not in (dataset.headers or []):
            raise ValueError('Filen mangler kolonnen "boligorganisation".')
