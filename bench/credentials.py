"""Issue, sign and verify Open Badges 3.0 credentials in bulk, on one core.

    .venv/bin/python bench/credentials.py [--count 10000]

Issuing is the pure path an award takes once its data are read: build the OpenBadgeCredential
(``coil.credentials.ob3``) and sign it as a VC-JWT with the institution's ES256 key (joserfc).
Verifying is the full verifier (``coil.credentials.verify.verify_token``): parse, algorithm,
key (an in-memory resolver standing for the key table), signature, claims, the official JSON
Schema, the validity period and the revocation list (an in-memory set). It prints credentials
per second for each; targets: 500 issued and 1,000 verified per second per core.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from flask import Flask
from flask_babel import Babel
from joserfc import jwt
from joserfc.jwk import ECKey

from coil.credentials import ob3
from coil.credentials.verify import verify_token

SITE = "https://coil.example"


def inputs(count: int) -> list[ob3.CredentialInput]:
    issuer = ob3.Issuer(f"{SITE}/issuers/1", "Hogeschool Amstelland", "NL", "Amsterdam")
    badge = ob3.AchievementInput(
        issuer=issuer,
        achievement_id=f"{SITE}/badges/achievements/1",
        name="Intercultural Marketing Collaborator",
        description="Worked in an international team.",
        criteria="Attend two live sessions and complete the self-assessment.",
        image_url=f"{SITE}/badges/achievements/1/image.svg",
        learning_outcomes=["Plans shared work across time zones."],
        ects=1.0,
        eqf_level=6,
        assessment_type="Portfolio",
        participation="online",
        sync_hours=8,
        async_hours=20,
        quality_assurance="Institutional",
        version=1,
        language="en",
        alignment=[ob3.Dimension("curiosity", "Curiosity", f"{SITE}/r#c", "VALUE")],
    )
    return [
        ob3.CredentialInput(
            id=f"{SITE}/badges/c/{n:08d}",
            badge=badge,
            email=f"student{n}@example.org",
            salt=f"{n:016x}",
            awarded_at=datetime(2027, 5, 1, tzinfo=UTC),
            status_url=f"{SITE}/issuers/1/revocations.json",
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    count = parser.parse_args().count
    key = ECKey.generate_key("P-256")
    kid = f"{SITE}/issuers/1/keys/{key.thumbprint()}.json"
    header = {"alg": "ES256", "kid": kid, "typ": "JWT"}
    data = inputs(count)

    started = time.perf_counter()
    tokens = []
    for item in data:
        document = ob3.build_credential(item)
        claims = dict(document, iss=document["issuer"]["id"], jti=document["id"], nbf=0)
        tokens.append(jwt.encode(header, claims, key, algorithms=["ES256"]))
    issued = time.perf_counter() - started

    public = key.as_dict(private=False)
    owner = f"{SITE}/issuers/1"
    now = datetime(2027, 6, 1, tzinfo=UTC)
    app = Flask(__name__)
    Babel(app)
    with app.app_context():  # the verdicts' wording goes through the (English) catalogue
        started = time.perf_counter()
        statuses: dict[str, int] = {}
        for token in tokens:
            verdict = verify_token(
                token,
                resolve_key=lambda _kid: (public, owner),
                resolve_status=lambda _url, _id: (False, None),
                now=now,
            )
            statuses[verdict.status] = statuses.get(verdict.status, 0) + 1
        verified = time.perf_counter() - started
    print(f"issued and signed {count} in {issued:.2f} s: {count / issued:,.0f} per second")
    print(f"verified {count} in {verified:.2f} s: {count / verified:,.0f} per second {statuses}")


if __name__ == "__main__":
    main()
