from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from config.fields import HostileInputAdminMixin
from housing.imports import reading, selectors, services
from housing.imports.forms import ImportUploadForm
from housing.models import Department, District, Dwelling, HousingOrganisation, ImportJob
from housing.resources import COLUMNS, describe_row

RECENT_IMPORTS = 5
JOB_TITLES = {
    ImportJob.State.PENDING: _("Filen kontrolleres"),
    ImportJob.State.PREVIEWING: _("Filen kontrolleres"),
    ImportJob.State.PREVIEWED: _("Forhåndsvisning af importen"),
    ImportJob.State.INVALID: _("Filen har fejl"),
    ImportJob.State.IMPORTING: _("Importen er i gang"),
    ImportJob.State.DONE: _("Importen er færdig"),
    ImportJob.State.FAILED: _("Importen fejlede"),
}


class CsvImportMixin:
    """Import rows from a Danish CSV file: upload, preview, confirm, result.

    A file of more than CSV_IMPORT_ASYNC_ROWS rows is previewed and imported by a Celery
    task while the job's page shows the progress (htmx); a smaller one in the request.
    Nothing is saved before the administrator has confirmed a preview without errors.
    """

    import_kind: str
    change_list_template = "admin/housing/change_list_import.html"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="{}_{}_import".format(*info)),
            path("import/<int:job_id>/", view(self.import_job_view), name="{}_{}_import_job".format(*info)),
            path(
                "import/<int:job_id>/bekraeft/",
                view(self.import_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            *super().get_urls(),
        ]

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def _url(self, name: str, *args) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _render(self, request, template: str, **context) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, "kind": self.import_kind, **context}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, template, context)

    def import_view(self, request):
        """Upload a CSV file: it is checked at once, and its rows on the next page."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None, kind=self.import_kind)
        if request.method == "POST" and form.is_valid():
            job = services.import_job_create(
                by=request.user,
                kind=self.import_kind,
                upload=form.cleaned_data["upload"],
                file_name=form.cleaned_data["import_file"].name,
                encoding_choice=form.cleaned_data["encoding"],
            )
            return redirect(self._url("import_job", job.pk))
        return self._render(
            request,
            "admin/housing/import.html",
            title=_("Importér %(things)s fra en CSV-fil") % {"things": self.opts.verbose_name_plural},
            form=form,
            columns=COLUMNS[self.import_kind],
            recent=selectors.import_jobs_visible_to(request.user, kind=self.import_kind)[:RECENT_IMPORTS],
        )

    def import_job_view(self, request, job_id: int):
        """An import's progress, then its preview (or its errors), then its result."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = selectors.get_import_job_for(request.user, job_id, kind=self.import_kind)
        if request.htmx:
            if job.is_running:
                return self._render(request, "admin/housing/_import_progress.html", job=job)
            return HttpResponseClientRefresh()  # the whole page changes: preview or result
        page = None if job.is_running else selectors.import_rows_page(job, request.GET.get("side"))
        rows = [(row, describe_row(job.kind, row.action, row.changes)) for row in page] if page else []
        return self._render(
            request,
            "admin/housing/import_job.html",
            title=JOB_TITLES[job.state],
            job=job,
            page=page,
            rows=rows,
            encoding_name=reading.ENCODING_NAMES.get(job.encoding, job.encoding),
            delimiter_name=reading.DELIMITER_NAMES.get(job.delimiter, job.delimiter),
        )

    @method_decorator(require_POST)
    def import_confirm_view(self, request, job_id: int):
        """Import what the preview showed."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        job = selectors.get_import_job_for(request.user, job_id, kind=self.import_kind)
        try:
            services.import_job_confirm(job=job, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(self._url("import_job", job.pk))


@admin.register(HousingOrganisation)
class HousingOrganisationAdmin(HostileInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "short_name", "cvr"]
    search_fields = ["name", "short_name", "cvr"]


@admin.register(District)
class DistrictAdmin(HostileInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "is_disadvantaged"]
    list_filter = ["is_disadvantaged"]
    search_fields = ["name"]


class DwellingInline(HostileInputAdminMixin, admin.TabularInline):
    model = Dwelling
    fields = ["address", "unit", "kind", "rooms", "area_m2", "monthly_rent"]
    extra = 0
    show_change_link = True


@admin.register(Department)
class DepartmentAdmin(HostileInputAdminMixin, CsvImportMixin, admin.ModelAdmin):
    import_kind = ImportJob.Kind.DEPARTMENTS
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
class DwellingAdmin(HostileInputAdminMixin, CsvImportMixin, admin.ModelAdmin):
    import_kind = ImportJob.Kind.DWELLINGS
    list_display = ["__str__", "department", "kind", "rooms", "area_m2", "monthly_rent"]
    list_filter = ["kind", "department__district", "department__organisation"]
    list_select_related = ["department__organisation"]
    search_fields = ["address", "unit", "department__name", "department__number"]
    autocomplete_fields = ["department"]
