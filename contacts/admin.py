from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

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


class BindeledUserAdmin(UserAdmin):
    """Logins for contact persons, advisors and staff, without privilege escalation.

    Only a superuser may grant superuser status, raw permissions or groups, or edit a
    superuser; an administrator manages everyone else's login.
    """

    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions", "groups", "last_login", "date_joined"]
        return readonly

    def get_queryset(self, request):
        users = super().get_queryset(request)
        return users if request.user.is_superuser else users.filter(is_superuser=False)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), BindeledUserAdmin)
