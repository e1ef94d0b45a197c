"""The CSV import is master data only: its pages show no case content, its log lines
and audit entries carry ids and counts (never a name or an address from the file), and
its pages hold no inline style or script (the Content-Security-Policy)."""

import logging
import re

import pytest
from django.urls import reverse

from housing.models import ImportJob
from tests.housing import test_import as shared
from tests.housing.test_import import DEPARTMENT_HEADER

pytestmark = pytest.mark.django_db

admin_client, upload, confirm, world = shared.admin_client, shared.upload, shared.confirm, shared.world

SECRET_LINE = "BSS;101;Hemmelighedsgården;Nørrebro;Skjultvej 13;2200;120;ja;Beboer Jensen truer naboerne"


def test_log_lines_carry_ids_and_counts_only(upload, confirm, world, caplog):
    caplog.set_level(logging.INFO)
    confirm("department", upload("department", f"{DEPARTMENT_HEADER}\n{SECRET_LINE}", name="jensen-familien.csv"))
    lines = [record.getMessage() for record in caplog.records]
    assert any("housing import" in line and "done" in line for line in lines)
    for line in lines:
        for secret in ("Hemmelighedsgården", "Skjultvej", "Jensen", "jensen"):
            assert secret not in line, line


def test_a_failed_preview_logs_only_the_kind_of_error(upload, world, caplog, monkeypatch):
    from housing.imports import planning

    def broken(self, rows, **kwargs):
        raise RuntimeError("Skjultvej 13: Hemmelighedsgården")

    monkeypatch.setattr(planning.Planner, "plan", broken)
    caplog.set_level(logging.INFO)
    response = upload("department", f"{DEPARTMENT_HEADER}\n{SECRET_LINE}")
    assert response.context["job"].state == ImportJob.State.FAILED
    assert "Filen kunne ikke kontrolleres, og intet er importeret." in response.content.decode()
    lines = [record.getMessage() for record in caplog.records]
    assert any(line.endswith("failed: RuntimeError") for line in lines)
    assert not any("Skjultvej" in line for line in lines)
    assert all(record.exc_info is None for record in caplog.records)


def test_the_audit_entries_of_a_job_hold_no_text_from_the_file(upload, confirm, world):
    from auditlog.models import LogEntry

    preview = upload("department", f"{DEPARTMENT_HEADER}\n{SECRET_LINE}", name="jensen-familien.csv")
    confirm("department", preview)
    entries = LogEntry.objects.get_for_object(preview.context["job"])
    assert entries.count() == 5
    for entry in entries:
        text = f"{entry.object_repr} {entry.changes} {entry.additional_data}"
        assert "Jensen" not in text and "jensen" not in text and "Skjultvej" not in text


def test_the_import_pages_show_no_case_content(upload, confirm, world, concern):
    department = concern.department
    line = (
        f"{department.organisation.short_name};{department.number};{department.name} Nord;{department.district.name};"
        f"{department.address};{department.postal_code};{department.number_of_homes};nej;"
    )
    preview = upload("department", f"{DEPARTMENT_HEADER}\n{line}")
    result = confirm("department", preview)
    for response in (preview, result):
        body = response.content.decode()
        assert concern.reference not in body and "BH-" not in body
        assert "Nord" in body


INLINE_STYLE = re.compile(r"<[^>]+\sstyle=", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.I)


def assert_csp_clean(response) -> None:
    body = response.content.decode()
    assert not INLINE_STYLE.search(body), INLINE_STYLE.search(body).group(0)
    assert not INLINE_SCRIPT.search(body), INLINE_SCRIPT.search(body).group(0)
    assert not EVENT_HANDLER.search(body), EVENT_HANDLER.search(body).group(0)
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy


def test_every_import_page_holds_no_inline_style_or_script(admin_client, upload, confirm, world, settings):
    assert_csp_clean(admin_client.get(reverse("admin:housing_department_import")))
    assert_csp_clean(admin_client.get(reverse("admin:housing_department_changelist")))
    assert_csp_clean(upload("department", "just;wrong;headers\n1;2;3"))
    assert_csp_clean(upload("department", f"{DEPARTMENT_HEADER}\nBSS;1;A;Atlantis;Vej 1;2200;mange;nej;"))
    preview = upload("department", f"{DEPARTMENT_HEADER}\nBSS;1;A;Nørrebro;Vej 1;2200;10;nej;")
    assert_csp_clean(preview)
    assert_csp_clean(confirm("department", preview))
    settings.CSV_IMPORT_ASYNC_ROWS = 0
    from unittest import mock

    with mock.patch("housing.tasks.import_preview.delay"):
        running = upload("department", f"{DEPARTMENT_HEADER}\nBSS;2;B;Nørrebro;Vej 2;2200;10;nej;")
    assert running.context["job"].is_running
    assert_csp_clean(running)
    job_url = reverse("admin:housing_department_import_job", args=[running.context["job"].pk])
    assert_csp_clean(admin_client.get(job_url, headers={"HX-Request": "true"}))
