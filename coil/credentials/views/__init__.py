"""The credentials pages: badges per exchange, the wallet, public badge pages, the verifier."""

from coil.credentials.views import badges, public, verifying, wallet  # noqa: F401  (routes)
