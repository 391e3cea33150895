"""What the Google Cloud sources (Cloud Logging, Log Analytics) share: the endpoint option that points them
at an emulator, and the credentials they send."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from loggardener.errors import ExitCode, GardenerError

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

CREDENTIALS_HINT = (
    "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a "
    "service-account key file"
)


def endpoint_url(endpoint: str | None, service: str) -> str | None:
    """The endpoint without its trailing slash; a usage error unless it is an http(s) URL."""
    if endpoint is None:
        return None
    if not endpoint.startswith(("http://", "https://")):
        raise GardenerError(
            f"{service} endpoint {endpoint!r} must start with http:// or https://", ExitCode.BAD_INPUT
        )
    return endpoint.rstrip("/")


def is_emulator(endpoint: str | None) -> bool:
    """An http:// endpoint is an emulator or a test server: it gets anonymous credentials."""
    return endpoint is not None and endpoint.startswith("http://")


def credentials_for(endpoint: str | None, scopes: Sequence[str]) -> tuple[Credentials, str | None]:
    """Anonymous credentials for an emulator, else Application Default Credentials and the project they name;
    none found is one line saying how to get them."""
    import google.auth
    from google.auth.credentials import AnonymousCredentials
    from google.auth.exceptions import DefaultCredentialsError

    if is_emulator(endpoint):
        return AnonymousCredentials(), None  # type: ignore[no-untyped-call]
    try:
        credentials, project = google.auth.default(scopes=list(scopes))
    except DefaultCredentialsError as exc:
        detail = " ".join(str(exc).split())
        raise GardenerError(
            f"no Google Cloud credentials ({detail}); {CREDENTIALS_HINT}", ExitCode.CREDENTIALS
        ) from None
    return credentials, project
