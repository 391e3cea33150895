"""A service account's key file for google-auth's own credentials, refreshing at a fake token service."""

from __future__ import annotations

import functools
import json
from pathlib import Path


@functools.cache
def _private_key() -> str:
    """One RSA key a process (of its own, made here): making one takes a good part of a second."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )


def service_account_key(directory: Path, token_uri: str, project: str = "my-project") -> Path:
    """`directory`/service-account.json: a key of `project` whose credentials refresh at `token_uri`."""
    key = directory / "service-account.json"
    key.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": project,
                "private_key_id": "test-key",
                "private_key": _private_key(),
                "client_email": f"gardener@{project.lower()}.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": token_uri,
            }
        ),
        encoding="utf-8",
    )
    return key
