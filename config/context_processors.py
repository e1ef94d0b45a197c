from django.conf import settings

from contacts.roles import role_of


def bindeled(request):
    """The signed-in user's role and the emergency numbers, for the base layout."""
    user = getattr(request, "user", None)
    return {
        "role": role_of(user) if user is not None and user.is_authenticated else None,
        "emergency": {
            "emergency": settings.EMERGENCY_NUMBER,
            "police": settings.POLICE_NUMBER,
            "social_name": settings.SOCIAL_EMERGENCY_NAME,
            "social": settings.SOCIAL_EMERGENCY_NUMBER,
        },
    }
