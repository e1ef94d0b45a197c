"""The advisor's queue filters (django-filter), applied to each permission branch of the queue."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from config.forms import DkfdsFormMixin
from referrals.models import Category, Referral, ReferralCategory

STATUS_CHOICES = [("open", _("Åbne")), *Referral.Status.choices, ("all", _("Alle"))]
AGE_CHOICES = [
    ("today", _("Under 1 døgn")),
    ("week", _("1–7 døgn")),
    ("older", _("Over 7 døgn")),
]


class QueueFilterForm(DkfdsFormMixin, forms.Form):
    pass


class PlainSelect(forms.Select):
    """A <select> rendered in Python: the department filter can have hundreds of options,
    and Django's template per option costs milliseconds per page."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, attrs)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((str(v), " selected" if str(v) == selected else "", label) for v, label in self.choices),
        )
        attributes = format_html_join("", ' {}="{}"', ((key, v) for key, v in final.items() if v not in (None, False)))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class ReferralQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    district = django_filters.ChoiceFilter(
        label=_("Byområde"), field_name="department__district_id", empty_label=_("Alle"), widget=PlainSelect
    )
    department = django_filters.ChoiceFilter(
        label=_("Afdeling"), field_name="department_id", empty_label=_("Alle"), widget=PlainSelect
    )
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

    def __init__(self, data=None, *args, districts, departments, **kwargs):
        """districts and departments: (value, label) choices from queue_filter_choices()."""
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        self.filters["district"].extra["choices"] = districts
        self.filters["department"].extra["choices"] = departments

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
        return queryset.filter(Exists(ReferralCategory.objects.filter(referral=OuterRef("pk"), code=value)))

    def filter_acute(self, queryset, name, value):
        return queryset.filter(is_acute=value == "yes")

    def filter_age(self, queryset, name, value):
        now = timezone.now()
        if value == "today":
            return queryset.filter(created_at__gt=now - timedelta(days=1))
        if value == "week":
            return queryset.filter(created_at__lte=now - timedelta(days=1), created_at__gt=now - timedelta(days=7))
        return queryset.filter(created_at__lte=now - timedelta(days=7))
