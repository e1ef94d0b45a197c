"""Managed lists the administrators keep. Case content is not in the admin."""

from django.contrib import admin

from cases.models import Cohort, CohortGroup, Shelter, SupportKind
from config.fields import HostileInputAdminMixin


@admin.register(Shelter)
class ShelterAdmin(HostileInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "active"]
    list_filter = ["active"]
    search_fields = ["name"]


@admin.register(SupportKind)
class SupportKindAdmin(HostileInputAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class CohortGroupInline(HostileInputAdminMixin, admin.TabularInline):
    model = CohortGroup
    extra = 1


@admin.register(Cohort)
class CohortAdmin(HostileInputAdminMixin, admin.ModelAdmin):
    list_display = ["name", "started_on"]
    inlines = [CohortGroupInline]
