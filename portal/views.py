"""Start pages: after login each role lands on its own."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from cases.models import SHELTER_GOAL_DAYS
from cases.selectors.allocation import coming_move_ins
from cases.selectors.citizens import case_counts
from contacts import selectors
from contacts.roles import Role, role_of
from referrals.selectors import queue_counts

COMING_MOVE_INS_SHOWN = 20


@login_required
def start(request):
    """Send each role to its own start page."""
    role = role_of(request.user)
    if role is Role.ADMINISTRATOR:
        return redirect("admin:index")
    if role is Role.CONTACT_PERSON:
        return render(
            request,
            "portal/start_contact_person.html",
            {"appointments": list(selectors.appointments_of(request.user))},
        )
    if role is Role.ADVISOR:
        return render(
            request,
            "portal/start_advisor.html",
            {
                "advisor": selectors.advisor_of(request.user),
                "districts": list(selectors.districts_covered_by(request.user)),
                "counts": queue_counts(request.user),
                "move_ins": list(coming_move_ins(request.user)[:COMING_MOVE_INS_SHOWN]),
            },
        )
    if role is Role.CASEWORKER:
        return render(
            request,
            "portal/start_caseworker.html",
            {
                "advisor": selectors.advisor_of(request.user),
                "case_counts": case_counts(request.user),
                "goal_days": SHELTER_GOAL_DAYS,
            },
        )
    if role is Role.ASSOCIATION_STAFF:
        return render(request, "portal/start_association.html", {"staff": selectors.association_staff_of(request.user)})
    return render(request, "portal/no_role.html", status=403)


def accessibility(request):
    """The accessibility statement (tilgængelighedserklæring), open to everyone."""
    return render(
        request,
        "portal/accessibility.html",
        {
            "municipality_statement_url": settings.ACCESSIBILITY_STATEMENT_URL,
            "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
            "contact_phone": settings.ACCESSIBILITY_CONTACT_PHONE,
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        },
    )


def privacy(request):
    """How Bindeled handles personal data (privatlivserklæring), open to everyone."""
    return render(
        request,
        "portal/privacy.html",
        {
            "controller": settings.DATA_CONTROLLER_NAME,
            "dpo_email": settings.DATA_PROTECTION_OFFICER_EMAIL,
            "dpo_phone": settings.DATA_PROTECTION_OFFICER_PHONE,
        },
    )
