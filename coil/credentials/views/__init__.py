"""The credentials pages: badges per exchange, the wallet, public badge pages, the verifier."""

from coil.credentials.views import wallet  # noqa: F401  (attaches the routes)
