from django.contrib import admin

from contacts.models import Advisor, Appointment, AssociationStaff, ContactPerson, Team


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Advisor)
class AdvisorAdmin(admin.ModelAdmin):
    list_display = ["__str__", "role", "team", "phone", "active"]
    list_filter = ["active", "role", "team", "districts"]
    list_select_related = ["user", "team"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "user__email"]
    autocomplete_fields = ["user", "team", "districts"]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    autocomplete_fields = ["department"]
    extra = 1


@admin.register(ContactPerson)
class ContactPersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "phone", "active"]
    list_filter = ["active", "appointments__role", "departments__district"]
    list_select_related = ["user"]
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__username",
        "user__email",
        "departments__name",
    ]
    autocomplete_fields = ["user"]
    inlines = [AppointmentInline]


@admin.register(AssociationStaff)
class AssociationStaffAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "phone", "active"]
    list_filter = ["active", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
