"""The root URLconf: every app's pages under one roof."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from config import forms
from config.views import healthz
from portal import views as portal_views

urlpatterns = [
    path("", portal_views.start, name="start"),
    path("healthz", healthz, name="healthz"),
    # Required of a Danish public site, reachable without login from every page's footer.
    path("tilgaengelighed/", portal_views.accessibility, name="accessibility"),
    path("privatliv/", portal_views.privacy, name="privacy"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=forms.LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=forms.PasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(form_class=forms.PasswordChangeForm),
        name="password_change",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # The departments and who to call, and the allocation's offers, where they have always been.
    path("housing/offers/", include("cases.allocation_urls")),
    path("housing/", include("contacts.urls")),
    path("referrals/", include("referrals.urls")),
    path("cases/", include("cases.urls")),
]
