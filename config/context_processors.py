from django.conf import settings
from django.http import HttpRequest


def emergency(request: HttpRequest) -> dict[str, dict[str, str]]:
    """The emergency numbers, shown in every page's footer and first on the concern form."""
    return {
        "emergency": {
            "emergency": settings.EMERGENCY_NUMBER,
            "police": settings.POLICE_NUMBER,
            "social_name": settings.SOCIAL_EMERGENCY_NAME,
            "social": settings.SOCIAL_EMERGENCY_NUMBER,
        },
    }
