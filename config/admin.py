"""Our admin site: one login page for everyone, and a 404 for signed-in non-staff."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404


class BindeledAdminSite(admin.AdminSite):
    site_header = "Bindeled – administration"
    site_title = "Bindeled"
    index_title = "Stamdata"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            # A contact person or advisor must not learn that the admin exists.
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        guarded.admin_site = self
        return guarded

    def login(self, request, extra_context=None):
        """Send everyone through the one login page (with django-axes in front)."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise Http404
        return redirect_to_login(request.GET.get("next", request.path.replace("login/", "")))
