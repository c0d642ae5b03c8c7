"""Institutions' signing keys: ES256 pairs, private halves sealed with a configured secret.

The sealing key comes from ``CREDENTIALS_KEY`` in the configuration (falling back to
``SECRET_KEY``), stretched with HKDF into a Fernet key; the database holds only the sealed
private key. Rotating retires the current key and makes a new one; retired keys stay
published so that what they signed still verifies.
"""

from __future__ import annotations

import base64
import logging

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from joserfc.jwk import ECKey
from sqlalchemy import select

from coil.core.time import utcnow
from coil.credentials.models import SigningKey
from coil.extensions import db
from coil.institutions.models import Institution

log = logging.getLogger(__name__)
ALGORITHM = "ES256"


def _fernet() -> Fernet:
    secret = current_app.config.get("CREDENTIALS_KEY") or current_app.config["SECRET_KEY"]
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"coil signing keys"
    ).derive(str(secret).encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def new_key(institution: Institution) -> SigningKey:
    """Generate an ES256 key for ``institution``, retiring its current one (rotation)."""
    for old in active_keys(institution):
        old.retired_at = utcnow()
    pair = ECKey.generate_key("P-256")
    kid = pair.thumbprint()
    public = dict(pair.as_dict(private=False), kid=kid, alg=ALGORITHM, use="sig")
    sealed = _fernet().encrypt(pair.as_pem(private=True)).decode()
    key = SigningKey(
        institution_id=institution.id, kid=kid, public_jwk=public, private_sealed=sealed
    )
    db.session.add(key)
    db.session.flush()
    log.info("new signing key %s for institution %s", kid, institution.id)
    return key


def active_keys(institution: Institution) -> list[SigningKey]:
    """Return the institution's unretired keys (at most one in practice)."""
    return list(
        db.session.scalars(
            select(SigningKey).where(
                SigningKey.institution_id == institution.id, SigningKey.retired_at.is_(None)
            )
        )
    )


def signing_key(institution: Institution) -> SigningKey:
    """Return the key to sign with, creating the institution's first one when needed."""
    found = active_keys(institution)
    return found[0] if found else new_key(institution)


def private_key(key: SigningKey) -> ECKey:
    """Unseal ``key``'s private half (raises ``InvalidToken`` if the secret changed)."""
    pem = _fernet().decrypt(key.private_sealed.encode())
    return ECKey.import_key(pem)


def public_key(kid: str) -> SigningKey | None:
    """Return the key named ``kid`` (retired ones included), if it is ours."""
    return db.session.scalar(select(SigningKey).where(SigningKey.kid == kid))


def key_set(institution: Institution) -> dict[str, list[dict]]:
    """Return the institution's public keys as a JWK Set, retired ones included."""
    keys = db.session.scalars(
        select(SigningKey)
        .where(SigningKey.institution_id == institution.id)
        .order_by(SigningKey.id)
    )
    return {"keys": [dict(key.public_jwk) for key in keys]}


__all__ = ["InvalidToken", "key_set", "new_key", "private_key", "public_key", "signing_key"]
