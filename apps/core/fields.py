from django.db import models

from apps.core import pii


class EncryptedTextField(models.TextField):
    """A text column that holds AES-GCM ciphertext; Python code sees the plaintext.

    It cannot be filtered on: pair it with a keyed-hash column for exact look-ups.
    """

    def from_db_value(self, value, expression, connection):
        return pii.decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return pii.encrypt(value) if value else value
