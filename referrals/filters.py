"""The advisor's queue filters (django-filter), applied to an already permission-filtered queryset."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DkfdsFormMixin
from housing.models import Department, District
from referrals.models import Category, Referral, ReferralCategory

STATUS_CHOICES = [("open", _("Åbne")), *Referral.Status.choices, ("all", _("Alle"))]
AGE_CHOICES = [
    ("today", _("Under 1 døgn")),
    ("week", _("1–7 døgn")),
    ("older", _("Over 7 døgn")),
]


class QueueFilterForm(DkfdsFormMixin, forms.Form):
    pass


class ReferralQueueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=STATUS_CHOICES, method="filter_status", empty_label=None
    )
    district = django_filters.ModelChoiceFilter(
        label=_("Byområde"), field_name="department__district", queryset=District.objects.none(), empty_label=_("Alle")
    )
    department = django_filters.ModelChoiceFilter(
        label=_("Afdeling"), queryset=Department.objects.none(), empty_label=_("Alle")
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
        data = data.copy() if data is not None else {}
        data.setdefault("status", "open")
        super().__init__(data, *args, **kwargs)
        self.filters["district"].queryset = districts
        self.filters["department"].queryset = departments

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
