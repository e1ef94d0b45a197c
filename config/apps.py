from django.contrib.admin.apps import AdminConfig


class BindeledAdminConfig(AdminConfig):
    default_site = "config.admin.BindeledAdminSite"

    def ready(self):
        super().ready()
        # config has no app of its own: register its database helpers here, before the
        # first connection is made.
        from config import db  # noqa: F401
