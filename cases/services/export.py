"""The right-of-access case file (aktindsigt) as a PDF, rendered by a Celery task."""

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Case, CaseFileExport
from cases.selectors.citizens import can_see_full_cpr
from config.audit import audit_read
from config.pdf import render_pdf
from config.submissions import existing_submission, save_once

logger = logging.getLogger("bindeled.cases")


@transaction.atomic
def case_file_export_request(*, case: Case, by: User, submission_token: uuid.UUID | None = None) -> CaseFileExport:
    """Start a right-of-access export. The export is a read of the whole case: it is
    logged with its purpose."""
    if existing := existing_submission(CaseFileExport, submission_token, case=case, requested_by=by):
        return existing
    export, created = save_once(
        CaseFileExport(case=case, requested_by=by, submission_token=submission_token), case=case, requested_by=by
    )
    if not created:
        return export
    audit_read(case, by=by, purpose="aktindsigt", export_id=export.pk)
    transaction.on_commit(lambda: _hand_to_celery(export.pk), robust=True)
    return export


# An export handed to Celery that has not started after this long is handed over again.
REQUEUE_AFTER = timedelta(minutes=2)


def _hand_to_celery(export_id: int) -> None:
    from cases.tasks import case_file_render  # the task module imports this one

    CaseFileExport.objects.filter(pk=export_id).update(queued_at=timezone.now())
    case_file_render.delay(export_id)


def case_file_exports_requeue(*, now: datetime | None = None) -> int:
    """Hand over again the exports whose hand-off to Celery was lost (the broker was
    down), so a waiting page never waits for ever. Rendering twice is harmless."""
    now = now or timezone.now()
    before = now - REQUEUE_AFTER
    stale = CaseFileExport.objects.filter(state=CaseFileExport.State.PENDING).filter(
        Q(queued_at__lt=before) | Q(queued_at__isnull=True, created_at__lt=before)
    )
    count = 0
    for export_id in stale.values_list("pk", flat=True):
        try:
            _hand_to_celery(export_id)
        except Exception:  # noqa: BLE001 - the broker is still down: the next sweep tries again
            logger.warning("case file export %s: broker unavailable, requeue later", export_id)
            break
        count += 1
    return count


def _export_finish(export_id: int, **fields: Any) -> None:
    export = CaseFileExport.objects.get(pk=export_id)
    for name, value in fields.items():
        setattr(export, name, value)
    export.save(update_fields=list(fields))


def case_file_render(*, export_id: int) -> bool:
    """Render one requested export. Idempotent: a finished export is left as it is."""
    with transaction.atomic():
        export = (
            CaseFileExport.objects.select_for_update(of=("self",))
            .select_related("case__citizen", "requested_by")
            .get(pk=export_id)
        )
        if export.state == CaseFileExport.State.DONE:
            return False
        export.state, export.progress = CaseFileExport.State.RUNNING, 10
        export.save(update_fields=["state", "progress"])
    try:
        context = case_file_context(export.case, full_cpr=can_see_full_cpr(export.requested_by, export.case))
        pdf = render_pdf("cases/pdf/case_file.html", context)
    except Exception:
        logger.exception("case file export %s failed", export_id)
        _export_finish(export_id, state=CaseFileExport.State.FAILED, progress=100)
        raise
    _export_finish(export_id, state=CaseFileExport.State.DONE, progress=100, pdf=pdf, finished_at=timezone.now())
    return True


def case_file_context(case: Case, *, full_cpr: bool = False) -> dict[str, Any]:
    """Everything in the case, in the order the citizen would read it. The CPR number
    is printed whole only for someone assigned to the case, as on the case page."""
    return {
        "case": case,
        "full_cpr": full_cpr,
        "citizen": case.citizen,
        "stays": list(case.stays.select_related("shelter").order_by("entered_on")),
        "plans": list(case.action_plans.order_by("made_on", "pk")),
        "support": list(case.support.select_related("kind").order_by("granted_on", "pk")),
        "placements": list(
            case.placements.select_related("offer__dwelling__department")
            .prefetch_related("subsidies")
            .order_by("created_at")
        ),
        "journal": list(case.journal.select_related("author", "corrects").order_by("created_at", "pk")),
        "consents": list(case.consents.select_related("recorded_by").order_by("given_on", "pk")),
        "printed_at": timezone.localtime(),
    }
