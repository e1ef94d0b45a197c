"""Concerns (bekymringshenvendelser). The form itself arrives with the concerns issue."""

from django.shortcuts import render

from contacts.roles import Role, role_required


@role_required(Role.CONTACT_PERSON)
def referral_new(request):
    """Placeholder: emergency numbers first, then a note that the form is coming."""
    return render(request, "referrals/new_placeholder.html")
