"""CPR numbers encrypted at rest in the application (not only disk encryption).

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`, with MultiFernet so keys can be
rotated: the first key in FIELD_ENCRYPTION_KEYS encrypts, every key decrypts. A keyed
hash (HMAC-SHA256) of the CPR number allows exact look-up without decrypting.
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    key = base64.urlsafe_b64decode(settings.FIELD_ENCRYPTION_KEYS[0])
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code only ever sees the plain value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
