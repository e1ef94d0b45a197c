"""Managed lists the administrators keep. Case content is not in the admin."""

from django.contrib import admin

from cases.models import Cohort, CohortGroup, Shelter, SupportKind


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin):
    list_display = ["name", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(SupportKind)
class SupportKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class CohortGroupInline(admin.TabularInline):
    model = CohortGroup
    extra = 1


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "started_on"]
    inlines = [CohortGroupInline]
