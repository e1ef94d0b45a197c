"""Master data about people, and their logins.

An administrator (staff, not superuser) manages logins and who has which role, but
must never be able to act as one of them: they cannot set or learn a password, cannot
point an existing login's e-mail (and so its password-reset link) at themselves, and
cannot give a role to their own login or to another staff login. Superusers can.
"""

import secrets

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from config.fields import HostileInputAdminMixin
from contacts.models import Advisor, Appointment, AssociationStaff, ContactPerson, Team


class RoleLinkForm(forms.ModelForm):
    """Refuse a role for the administrator's own login, or for any staff login.

    A role gives access to concerns and cases; an administrator who could give one to
    a login they control could read what separation of duties keeps from them.
    """

    acting_user = None  # set per request by RoleLinkAdminMixin.get_form

    def clean_user(self):
        user = self.cleaned_data["user"]
        other_roles = [
            model._meta.verbose_name
            for model in (Advisor, ContactPerson, AssociationStaff)
            if model is not self._meta.model and model.objects.filter(user=user).exists()
        ]
        if other_roles:
            raise forms.ValidationError(
                _("Login'et har allerede en anden rolle (%(roles)s). Ét login har én rolle: opret et nyt login.")
                % {"roles": ", ".join(str(role) for role in other_roles)}
            )
        acting = self.acting_user
        if acting is None or acting.is_superuser:
            return user
        own_email = (acting.email or "").strip().casefold()
        if user.pk == acting.pk or (own_email and (user.email or "").strip().casefold() == own_email):
            raise forms.ValidationError(_("Du kan ikke give dig selv en rolle."))
        if user.is_staff or user.is_superuser:
            raise forms.ValidationError(_("Et login med adgang til administrationen kan ikke få en rolle."))
        return user


class RoleLinkAdminMixin:
    form = RoleLinkForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})


@admin.register(Team)
class TeamAdmin(HostileInputAdminMixin, admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Advisor)
class AdvisorAdmin(HostileInputAdminMixin, RoleLinkAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "function", "team", "phone", "active"]
    list_filter = ["active", "function", "team", "districts"]
    list_select_related = ["user", "team"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "user__email"]
    autocomplete_fields = ["user", "team", "districts"]


class AppointmentInline(HostileInputAdminMixin, admin.TabularInline):
    model = Appointment
    autocomplete_fields = ["department"]
    extra = 1


@admin.register(ContactPerson)
class ContactPersonAdmin(HostileInputAdminMixin, RoleLinkAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "phone", "active"]
    list_filter = ["active", "appointments__capacity", "departments__district"]
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
class AssociationStaffAdmin(HostileInputAdminMixin, RoleLinkAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "organisation", "phone", "active"]
    list_filter = ["active", "organisation"]
    list_select_related = ["user", "organisation"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


class InvitedUserCreationForm(forms.ModelForm):
    """A new login created by an administrator: no password fields.

    The login gets a long random password nobody is shown, so the person chooses
    their own through "Har du glemt din adgangskode?". (Not an unusable password:
    Django's password reset skips logins without a usable one.)
    """

    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.required = True
        email.help_text = _(
            "Personen vælger selv sin adgangskode via ”Har du glemt din adgangskode?” "
            "på login-siden. Linket sendes til denne adresse."
        )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        # The reset link goes to this address: one already in use (the administrator's
        # own, say) would hand the new login to whoever reads that mailbox.
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("Der findes allerede et login med den e-mailadresse."))
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(secrets.token_urlsafe(32))
        if commit:
            user.save()
        return user


class BindeledUserAdmin(HostileInputAdminMixin, UserAdmin):
    """Logins for contact persons, advisors and staff, without privilege escalation.

    Only a superuser may grant superuser status, raw permissions or groups, set a
    password, or see and edit staff logins; an administrator manages everyone else's
    login, but the person alone chooses its password.
    """

    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    invited_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email")}),)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "is_staff", "user_permissions", "groups", "last_login", "date_joined"]
            if obj is not None:
                # The password-reset link goes to the e-mail address, and the username
                # is what one signs in with: changing either would hand over the login.
                readonly += ["username", "email"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return self.invited_fieldsets
        # No password field: its "reset password" button leads to a page they may not use.
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "password"]})
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = InvitedUserCreationForm
        return super().get_form(request, obj, **kwargs)

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(is_superuser=False).filter(Q(is_staff=False) | Q(pk=request.user.pk))

    def user_change_password(self, request, id, form_url=""):
        # Whoever sets a password can sign in as that person: superusers only.
        if not request.user.is_superuser:
            raise Http404
        return super().user_change_password(request, id, form_url)


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), BindeledUserAdmin)
