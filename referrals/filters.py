"""The advisor's queue filters (django-filter), applied to each permission branch of the queue."""

from datetime import timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from config.forms import DkfdsFormMixin
from referrals.models import CATEGORY_BITS, Category, Referral

STATUS_CHOICES = [("open", _("Åbne")), *Referral.Status.choices, ("all", _("Alle"))]
# More departments than this, and the department filter waits for a district.
DEPARTMENTS_OFFERED_MAX = 60
AGE_CHOICES = [
    ("today", _("Under 1 døgn")),
    ("week", _("1–7 døgn")),
    ("older", _("Over 7 døgn")),
]


class QueueFilterForm(DkfdsFormMixin, forms.Form):
    pass


class PlainSelect(forms.Widget):
    """A <select> rendered in one pass: an advisor covering two districts of a big city
    has a thousand departments to filter by, and Django renders each option through a
    template (or format_html), which cost tens of milliseconds per page. Its choices are
    a tuple shared by every copy (a forms.Select normalises and copies them per form)."""

    choices: tuple[tuple[str, str], ...] = ()
    dkfds_class = "form-select"  # DkfdsFormMixin: styled as a select, not as a text input

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, attrs)
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if v == selected else ""}>{escape(label)}</option>'
            for v, label in self.choices
        )
        attributes = "".join(
            f" {escape(key)}" if v is True else f' {escape(key)}="{escape(v)}"'
            for key, v in final.items()
            if v not in (None, False)
        )
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308 (escaped above)


class PlainChoiceField(forms.Field):
    """One of many (value, label) string pairs, given once and shared by every copy of
    the form (a ChoiceField deep-copies and normalises its choices per form)."""

    widget = PlainSelect
    default_error_messages = {"invalid_choice": forms.ChoiceField.default_error_messages["invalid_choice"]}

    def __init__(self, *, choices=(), valid=None, empty_label=None, **kwargs):
        """valid: the values accepted, when more than those offered (default: the choices')."""
        super().__init__(**kwargs)
        self.values = frozenset(valid if valid is not None else (value for value, _label in choices))
        self.widget.choices = ((("", empty_label),) if empty_label is not None else ()) + tuple(choices)

    def to_python(self, value):
        return "" if value in self.empty_values else str(value)

    def validate(self, value):
        super().validate(value)
        if value and value not in self.values:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


class PlainChoiceFilter(django_filters.Filter):
    field_class = PlainChoiceField


class ReferralQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    district = PlainChoiceFilter(label=_("Byområde"), field_name="district_id", empty_label=_("Alle"))
    department = PlainChoiceFilter(label=_("Afdeling"), field_name="department_id", empty_label=_("Alle"))
    category = django_filters.ChoiceFilter(
        label=_("Bekymring"), choices=Category.choices, method="filter_category", empty_label=_("Alle")
    )
    acute = django_filters.ChoiceFilter(
        label=_("Akut"),
        choices=[("yes", _("Kun akutte")), ("no", _("Ikke akutte"))],
        method="filter_acute",
        empty_label=_("Alle"),
    )
    age = django_filters.ChoiceFilter(label=_("Alder"), choices=AGE_CHOICES, method="filter_age", empty_label=_("Alle"))

    class Meta:
        model = Referral
        fields: list[str] = []
        form = QueueFilterForm

    def __init__(self, data=None, *args, districts, departments, department_districts=None, **kwargs):
        """districts and departments: (value, label) choices from queue_scope();
        department_districts: each department's district, to offer only the departments
        of the chosen district (and, when there are many, only once one is chosen)."""
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        self.filters["district"].extra["choices"] = districts
        offered, empty_label = departments, _("Alle")
        if department_districts is not None:
            chosen = str(data.get("district") or "")
            if chosen in dict(districts):
                offered = [choice for choice in departments if department_districts.get(choice[0]) == chosen]
            elif len(departments) > DEPARTMENTS_OFFERED_MAX:
                # A list of hundreds is no help on a phone or with a screen reader.
                current = str(data.get("department") or "")
                offered = [choice for choice in departments if choice[0] == current]
                # Said in the select itself, so the row of filters keeps its line.
                empty_label = _("Alle – vælg først et byområde")
        self.filters["department"].extra.update(
            choices=offered, valid=[value for value, _label in departments], empty_label=empty_label
        )

    def narrow(self, queryset):
        """Apply the valid filters to one branch of the queue (see selectors.advisor_queue)."""
        self.errors  # noqa: B018 (validates the form, as FilterSet.qs does)
        return self.filter_queryset(queryset)

    def is_default(self) -> bool:
        """Only the default filter (open concerns): the queue's "open" count is its length."""
        if not self.form.is_valid():
            return False
        return {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")} == {
            "status": "open"
        }

    def filter_status(self, queryset, name, value):
        if value == "open":
            return queryset.exclude(status=Referral.Status.CLOSED)
        if value in Referral.Status.values:
            return queryset.filter(status=value)
        return queryset

    def filter_category(self, queryset, name, value):
        # The category's bit, read from the queue's indexes (Referral.category_mask).
        return queryset.alias(in_category=F("category_mask").bitand(CATEGORY_BITS[value])).filter(in_category__gt=0)

    def filter_acute(self, queryset, name, value):
        return queryset.filter(is_acute=value == "yes")

    def filter_age(self, queryset, name, value):
        now = timezone.now()
        if value == "today":
            return queryset.filter(created_at__gt=now - timedelta(days=1))
        if value == "week":
            return queryset.filter(created_at__lte=now - timedelta(days=1), created_at__gt=now - timedelta(days=7))
        return queryset.filter(created_at__lte=now - timedelta(days=7))
