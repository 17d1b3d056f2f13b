"""Settings for `make run` on a developer's or tester's machine."""

import secrets

from .base import *  # noqa: F403
from .base import BASE_DIR, env


def _local_secret_key() -> str:
    # Kept under .data so sessions survive a restart; never committed.
    path = BASE_DIR / ".data" / "secret_key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()
# Serve static files straight from the app folders, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected here; whitenoise serves from the app folders
