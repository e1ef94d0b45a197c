"""What each row of an import would do: a new department or dwelling, a change, nothing,
or an error, found for a batch of rows at a time with a constant number of queries.

The preview shows these plans; the import makes them again, batch by batch in short
transactions, and saves a row only when its plan is still the one the preview showed.
"""

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.imports.reading import Row
from housing.models import Department, District, Dwelling, HousingOrganisation, ImportJob, ImportRow
from housing.resources import COLUMNS, Column, Value

WHOLE_ROW = gettext_lazy("(hele rækken)")


@dataclass
class Plan:
    """What one row would do. changes: [[column, old, new], …] (old is None for a new row)."""

    number: int
    action: str = ImportRow.Action.UNCHANGED
    key: str = ""
    changes: list[list[Value]] = field(default_factory=list)
    errors: list[list[str]] = field(default_factory=list)
    instance: Model | None = None
    # An existing row as it was before the change, for the audit log's diff.
    original: Model | None = None
    natural_key: tuple[Any, ...] | None = None

    def error(self, column: str, message: str) -> None:
        self.errors.append([column, str(message)])
        self.action = ImportRow.Action.ERROR

    def same_as(self, previewed: ImportRow | None) -> bool:
        """True when the row would still do what the preview said (or now nothing at all)."""
        if self.action == ImportRow.Action.UNCHANGED:
            return True
        if previewed is None:
            return False
        return (self.action, self.changes) == (previewed.action, previewed.changes)


def _plain(value: Any) -> Value:
    """A value as the preview stores it (JSON) and compares it."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, Model):
        return str(getattr(value, "name", value))
    return value  # type: ignore[no-any-return]


def _for_update(queryset: QuerySet[Any], lock: bool) -> QuerySet[Any]:
    # SQLite has one writer at a time already; PostgreSQL locks the rows read for the batch.
    return queryset.select_for_update(of=("self",)) if lock and connection.features.has_select_for_update else queryset


class Planner:
    """Plans the rows of one file. It remembers each key it has seen, so a row that
    repeats an earlier row of the same file is an error."""

    model: type[Model]
    lookups: tuple[str, ...] = ()  # attributes filled from a lookup, not from full_clean

    def __init__(self, kind: str, columns: list[Column | None]):
        self.columns = COLUMNS[kind]
        self.file_columns = columns
        self.seen: dict[tuple[Any, ...], int] = {}
        self.organisations = {o.short_name.casefold(): o for o in HousingOrganisation.objects.all()}

    def plan(self, rows: list[Row], *, lock: bool = False) -> list[Plan]:
        cells = [self._cells(number, record) for number, record in rows]
        self._resolve(cells)
        for values, plan in cells:
            plan.natural_key = self._key(values, plan)
        existing = self._existing([plan.natural_key for _values, plan in cells if plan.natural_key], lock=lock)
        return [self._plan_row(plan, values, existing) for values, plan in cells]

    def still_current(self, plans: list[Plan], *, lock: bool) -> bool:
        """Whether the rows these plans were made from are still as they were: one query.
        Under the lock, this lets the planning itself happen before the transaction."""
        existing = self._existing([plan.natural_key for plan in plans if plan.natural_key], lock=lock)
        for plan in plans:
            if plan.natural_key is None:
                continue
            now = existing.get(plan.natural_key)
            if (now is None) != (plan.original is None):
                return False
            if now is not None and self._state(now) != self._state(plan.original):  # type: ignore[arg-type]
                return False
        return True

    def _state(self, instance: Model) -> tuple[Value, ...]:
        return tuple(_plain(getattr(instance, column.attribute)) for column in self.columns if not column.key)

    def _resolve(self, cells: list[tuple[dict[str, Any], Plan]]) -> None:
        """Turn names into the objects they name, for the whole batch at once."""

    def _cells(self, number: int, record: list[str]) -> tuple[dict[str, Any], Plan]:
        plan = Plan(number)
        if len(record) != len(self.file_columns):
            plan.error(
                str(WHOLE_ROW),
                _("Rækken har %(cells)s felter, men filen har %(columns)s kolonner. Tjek skilletegnene.")
                % {"cells": len(record), "columns": len(self.file_columns)},
            )
        values: dict[str, Any] = {}
        for column, cell in zip(self.file_columns, record, strict=False):
            if column is None:
                continue
            try:
                values[column.attribute] = column.read(cell.strip())
            except ValueError as error:
                plan.error(column.header, str(error))
        return values, plan

    def _existing(self, keys: list[tuple[Any, ...]], *, lock: bool) -> dict[tuple[Any, ...], Model]:
        raise NotImplementedError

    def _key(self, values: dict[str, Any], plan: Plan) -> tuple[Any, ...] | None:
        raise NotImplementedError

    def _plan_row(self, plan: Plan, values: dict[str, Any], existing: dict[tuple[Any, ...], Model]) -> Plan:
        key = plan.natural_key
        if key is None:
            return plan
        if (first := self.seen.setdefault(key, plan.number)) != plan.number:
            plan.error(str(WHOLE_ROW), _("Står også i række %(row)s i filen.") % {"row": first})
            return plan
        instance = existing.get(key)
        new = instance is None
        if instance is None:
            instance = self.model(**self._key_values(values))
        else:
            plan.original = copy.copy(instance)
        for column in self.columns:
            if column.key or column.attribute not in values:
                continue
            old, value = getattr(instance, column.attribute) if not new else None, values[column.attribute]
            if new or _plain(old) != _plain(value):
                plan.changes.append([column.header, None if new else _plain(old), _plain(value)])
            setattr(instance, column.attribute, value)
        try:
            instance.full_clean(exclude=self.lookups, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            headers = {column.attribute: column.header for column in self.columns}
            for attribute, messages in error.message_dict.items():
                header = str(WHOLE_ROW) if attribute == NON_FIELD_ERRORS else headers.get(attribute, attribute)
                for message in messages:
                    plan.error(header, message)
        if plan.errors:
            plan.changes = []
            return plan
        if new:
            plan.action = ImportRow.Action.NEW
        elif plan.changes:
            plan.action = ImportRow.Action.CHANGE
        plan.instance = instance
        return plan

    def _key_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {column.attribute: values[column.attribute] for column in self.columns if column.key}


class DepartmentPlanner(Planner):
    model = Department
    lookups = ("organisation", "district")

    def __init__(self, kind: str, columns: list[Column | None]):
        super().__init__(kind, columns)
        self.districts = {d.name.casefold(): d for d in District.objects.all()}

    def _cells(self, number: int, record: list[str]) -> tuple[dict[str, Any], Plan]:
        values, plan = super()._cells(number, record)
        if isinstance(name := values.get("organisation"), str):
            values["organisation"] = self.organisations.get(name.casefold())
            if values["organisation"] is None:
                plan.error("boligorganisation", _unknown_organisation(name))
        if isinstance(name := values.get("district"), str):
            values["district"] = self.districts.get(name.casefold())
            if values["district"] is None:
                plan.error("byområde", _('Byområdet "%(value)s" findes ikke.') % {"value": name})
        return values, plan

    def _key(self, values: dict[str, Any], plan: Plan) -> tuple[Any, ...] | None:
        organisation, number = values.get("organisation"), values.get("number")
        if organisation is None or not number:
            return None
        plan.key = _("%(organisation)s afd. %(number)s") % {"organisation": organisation.short_name, "number": number}
        return (organisation.pk, number)

    def _existing(self, keys: list[tuple[Any, ...]], *, lock: bool) -> dict[tuple[Any, ...], Model]:
        if not keys:
            return {}
        organisations, numbers = {key[0] for key in keys}, {key[1] for key in keys}
        queryset = Department.objects.filter(organisation__in=organisations, number__in=numbers)
        found = _for_update(queryset.select_related("organisation", "district"), lock)
        return {(department.organisation_id, department.number): department for department in found}


class DwellingPlanner(Planner):
    model = Dwelling
    lookups = ("department",)

    def __init__(self, kind: str, columns: list[Column | None]):
        super().__init__(kind, columns)
        self.departments: dict[tuple[int, str], Department] = {}

    def _cells(self, number: int, record: list[str]) -> tuple[dict[str, Any], Plan]:
        values, plan = super()._cells(number, record)
        if isinstance(name := values.pop("organisation", None), str):
            values["organisation"] = self.organisations.get(name.casefold())
            if values["organisation"] is None:
                plan.error("boligorganisation", _unknown_organisation(name))
        return values, plan

    def _resolve(self, cells: list[tuple[dict[str, Any], Plan]]) -> None:
        self._load_departments([values for values, _plan in cells])
        for values, plan in cells:
            organisation, number = values.get("organisation"), values.get("department")
            if organisation is None or not number:
                continue
            values["department"] = self.departments.get((organisation.pk, number))
            if values["department"] is None:
                plan.error(
                    "afdelingsnummer",
                    _("Afdeling %(value)s findes ikke i boligorganisationen %(organisation)s.")
                    % {"value": number, "organisation": organisation.short_name},
                )

    def _load_departments(self, rows: Iterable[dict[str, Any]]) -> None:
        wanted = {
            (values["organisation"].pk, values["department"])
            for values in rows
            if values.get("organisation") and isinstance(values.get("department"), str)
        }
        missing = wanted - set(self.departments)
        if not missing:
            return
        queryset = Department.objects.filter(
            organisation__in={organisation for organisation, _number in missing},
            number__in={number for _organisation, number in missing},
        ).select_related("organisation")
        for department in queryset:
            self.departments[(department.organisation_id, department.number)] = department

    def _key(self, values: dict[str, Any], plan: Plan) -> tuple[Any, ...] | None:
        department, address = values.get("department"), values.get("address")
        if not isinstance(department, Department) or not address or "unit" not in values:
            return None
        unit = values["unit"]
        where = f"{address}, {unit}" if unit else address
        plan.key = _("%(where)s (%(organisation)s afd. %(number)s)") % {
            "where": where,
            "organisation": department.organisation.short_name,
            "number": department.number,
        }
        return (department.pk, address, unit)

    def _key_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"department": values["department"], "address": values["address"], "unit": values["unit"]}

    def _existing(self, keys: list[tuple[Any, ...]], *, lock: bool) -> dict[tuple[Any, ...], Model]:
        if not keys:
            return {}
        departments, addresses = {key[0] for key in keys}, {key[1] for key in keys}
        found = _for_update(Dwelling.objects.filter(department__in=departments, address__in=addresses), lock)
        by_pk = {department.pk: department for department in self.departments.values()}
        result: dict[tuple[Any, ...], Model] = {}
        for dwelling in found:
            dwelling.department = by_pk[dwelling.department_id]
            result[(dwelling.department_id, dwelling.address, dwelling.unit)] = dwelling
        return result


def _unknown_organisation(name: str) -> str:
    return _('Boligorganisationen "%(value)s" findes ikke (brug det korte navn, fx FSB).') % {"value": name}


def planner_for(job: ImportJob, columns: list[Column | None]) -> Planner:
    planner = DepartmentPlanner if job.kind == ImportJob.Kind.DEPARTMENTS else DwellingPlanner
    return planner(job.kind, columns)
