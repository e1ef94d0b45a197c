"""CPR numbers encrypted at rest in the application (not only disk encryption).

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`, with MultiFernet so keys can be
rotated: the first key in FIELD_ENCRYPTION_KEYS encrypts, every key decrypts, and
`manage.py reencrypt_cpr` moves every CPR number to the first key. A keyed hash
(HMAC-SHA256 with its own key, CPR_LOOKUP_KEY) allows exact look-up without
decrypting; it does not change when the encryption keys rotate.
"""

import base64
import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@cache
def _lookup_key() -> bytes:
    return base64.urlsafe_b64decode(settings.CPR_LOOKUP_KEY)


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: Any) -> None:
    if setting in ("FIELD_ENCRYPTION_KEYS", "CPR_LOOKUP_KEY"):
        _fernet.cache_clear()
        _lookup_key.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def lookup_hash(value: str) -> str:
    """The CPR number's look-up hash: the same for the same number whatever key encrypts it."""
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code only ever sees the plain value."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
