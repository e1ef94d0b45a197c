"""Start pages: after login each role lands on its own."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from cases.selectors import case_counts
from contacts import selectors
from contacts.roles import Role, role_of
from housing.selectors import coming_move_ins
from referrals.selectors import queue_counts


@login_required
def start(request):
    """Send each role to its own start page."""
    role = role_of(request.user)
    if role is Role.ADMINISTRATOR:
        return redirect("admin:index")
    if role is Role.CONTACT_PERSON:
        return render(
            request,
            "contacts/start_contact_person.html",
            {"appointments": list(selectors.appointments_of(request.user))},
        )
    if role in (Role.ADVISOR, Role.CASEWORKER):
        template = "contacts/start_advisor.html" if role is Role.ADVISOR else "contacts/start_caseworker.html"
        return render(
            request,
            template,
            {
                "advisor": selectors.advisor_of(request.user),
                "districts": list(selectors.districts_covered_by(request.user)),
                "counts": queue_counts(request.user) if role is Role.ADVISOR else None,
                "move_ins": list(coming_move_ins(request.user)[:20]) if role is Role.ADVISOR else None,
                "case_counts": case_counts(request.user) if role is Role.CASEWORKER else None,
            },
        )
    if role is Role.ASSOCIATION_STAFF:
        return render(
            request,
            "contacts/start_association.html",
            {"staff": selectors.association_staff_of(request.user)},
        )
    return render(request, "contacts/no_role.html", status=403)
