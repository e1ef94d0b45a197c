from django.contrib.admin.apps import AdminConfig


class BindeledAdminConfig(AdminConfig):
    default_site = "config.admin.BindeledAdminSite"
