from django.contrib import admin
from import_export.admin import ImportMixin

from housing.models import Department, District, Dwelling, HousingOrganisation
from housing.resources import DanishCSV, DepartmentResource, DwellingResource


class CsvImportMixin(ImportMixin):
    """Import from a Danish CSV file: preview first, nothing saved if any row is bad."""

    import_formats = [DanishCSV]
    import_error_display = ("message", "row")


@admin.register(HousingOrganisation)
class HousingOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "cvr"]
    search_fields = ["name", "short_name", "cvr"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "is_disadvantaged"]
    list_filter = ["is_disadvantaged"]
    search_fields = ["name"]


class DwellingInline(admin.TabularInline):
    model = Dwelling
    fields = ["address", "unit", "kind", "rooms", "area_m2", "monthly_rent"]
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(CsvImportMixin, admin.ModelAdmin):
    resource_classes = [DepartmentResource]
    list_display = ["name", "organisation", "number", "district", "number_of_homes", "allocation_stop"]
    list_filter = ["allocation_stop", "district", "organisation"]
    list_select_related = ["organisation", "district"]
    search_fields = ["name", "number", "address", "organisation__short_name", "organisation__name"]
    autocomplete_fields = ["organisation", "district"]
    inlines = [DwellingInline]
    fieldsets = [
        (None, {"fields": ["organisation", "number", "name", "district"]}),
        ("Adresse", {"fields": ["address", "postal_code", "number_of_homes"]}),
        ("Anvisning", {"fields": ["allocation_stop", "allocation_stop_reason"]}),
    ]


@admin.register(Dwelling)
class DwellingAdmin(CsvImportMixin, admin.ModelAdmin):
    resource_classes = [DwellingResource]
    list_display = ["__str__", "department", "kind", "rooms", "area_m2", "monthly_rent"]
    list_filter = ["kind", "department__district", "department__organisation"]
    list_select_related = ["department__organisation"]
    search_fields = ["address", "unit", "department__name", "department__number"]
    autocomplete_fields = ["department"]
