"""Secrets we must read back (webhook signing keys), encrypted at rest with Fernet.

A tenant's webhook secret cannot be hashed: every callback is signed with it. So it is stored
encrypted (Fernet: AES-128-CBC with an HMAC-SHA256, from ``cryptography``) under a key that
never enters the database: ``SCRIBE_SECRET_KEY`` when set (any string; its SHA-256 makes the
key), else a key generated once into ``<data dir>/secret-key`` (mode 0600), which replicas
sharing the data volume share. Lose the key and the stored secrets cannot be read: rotate them
(``scribe webhooks rotate``)::

    box = box_for(settings)
    stored = box.encrypt("whsec_...")  # what the column holds
    box.decrypt(stored)  # "whsec_..."
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from scribe.config import Settings
from scribe.private import generated_secret

KEY_FILE = "secret-key"


class SecretKeyError(Exception):
    """A stored secret does not open with this key (SCRIBE_SECRET_KEY or the key file changed)."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode("ascii")

    def decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored.encode("ascii")).decode()
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise SecretKeyError(
                "a stored secret does not decrypt with this secret key: SCRIBE_SECRET_KEY (or "
                "the data dir's secret-key file) is not the one it was stored with"
            ) from exc


def key_from(configured: str | None, data_dir: Path) -> bytes:
    """The Fernet key: derived from the configured string, else the data dir's key file."""
    if configured:
        return base64.urlsafe_b64encode(hashlib.sha256(configured.encode()).digest())
    made = generated_secret(data_dir / KEY_FILE, lambda: Fernet.generate_key().decode("ascii"))
    return made.encode("ascii")


def load_box(configured: str | None, data_dir: Path) -> SecretBox:
    return SecretBox(key_from(configured, data_dir))


def box_for(settings: Settings) -> SecretBox:
    """The box of the configured key (SCRIBE_SECRET_KEY, or the data dir's key file)."""
    configured = settings.secret_key.get_secret_value() if settings.secret_key else None
    return load_box(configured, settings.data_dir)
