"""Form fields and admin widgets that refuse hostile values with a Danish message
instead of a server error."""

from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import connections
from django.db.models import Field, QuerySet


def _fits(pk: Field, using: str, value: Any) -> bool:
    """Whether a posted id can be an id of the table at all (a number the column holds)."""
    try:
        pk.to_python(value)
    except Exception:  # noqa: BLE001 - Django's ValidationError, ValueError, …: not an id
        return False
    try:
        number = int(str(value))
    except ValueError:
        return True  # not a number, but valid for this key (e.g. a code)
    low, high = connections[using].ops.integer_field_range(pk.get_internal_type())
    return (low is None or number >= low) and (high is None or number <= high)


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows. Django asks the database with every id posted; an id
    too large for the column ('99999999999999999999999') breaks that query (SQLite:
    OverflowError, PostgreSQL: out of range) and the user got a 500. Such an id is not
    a choice: it is refused like any other invalid one."""

    def _check_values(self, value: Any) -> QuerySet:
        pk = self.queryset.model._meta.pk
        for item in value if isinstance(value, list | tuple) else []:
            if str(item) not in self.empty_values and not _fits(pk, self.queryset.db, item):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                )
        return super()._check_values(value)


class _SafeSelection:
    """An admin autocomplete shows the rows chosen when the form comes back with an
    error; it asks the database for every value posted, so a value that is no id at
    all broke the page. Only values that can be ids are looked up."""

    def optgroups(self, name: str, value: list[Any], attr: dict | None = None) -> list:
        pk = self.field.remote_field.model._meta.pk
        value = [v for v in value if _fits(pk, self.db or "default", v)]
        return super().optgroups(name, value, attr)


class SafeAutocompleteSelect(_SafeSelection, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_SafeSelection, AutocompleteSelectMultiple):
    pass


class HostileInputAdminMixin:
    """Admin pages that stay up whatever is posted to them: safe multiple choices and
    safe autocomplete widgets for the fields in autocomplete_fields."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if db_field.name in self.get_autocomplete_fields(request) and "widget" not in kwargs:
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)
