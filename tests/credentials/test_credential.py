"""The credential: OB 3.0 schema, signature checked by another library, and the verifier's
verdicts on tampering, wrong keys, algorithm tricks, expiry, revocation and bad input."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

import jwt as pyjwt
import pytest
from jsonschema import Draft201909Validator

from coil.core.time import utcnow
from coil.credentials import checking, exports, issuing, keys, services
from coil.credentials.verify import SCHEMA_FILE
from tests.credentials.conftest import badge_data

SCHEMA = Draft201909Validator(json.loads(SCHEMA_FILE.read_text()))


@pytest.fixture()
def award(kopi, badge, db):
    made = services.award_manually(kopi["lena"], badge, kopi["anna"], "Led the final talk.")
    db.session.commit()
    return made


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def parts(token: str) -> tuple[dict, dict, str]:
    head, body, sig = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return (
        json.loads(base64.urlsafe_b64decode(pad(head))),
        json.loads(base64.urlsafe_b64decode(pad(body))),
        sig,
    )


def test_the_credential_follows_the_official_schema_with_the_eu_elements(award, app):
    document = issuing.credential(award)
    assert list(SCHEMA.iter_errors(document)) == []
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["ECTS"] == 1.0 and "8 h synchronous" in achievement["participationType"]
    targets = {a["targetType"] for a in achievement["alignment"]}
    assert {"ext:LearningOutcome", "ext:EQF", "ext:QualityAssurance"} <= targets
    assert document["issuer"]["address"]["addressCountryCode"] == "NL"
    identity = document["credentialSubject"]["identifier"][0]
    assert identity["hashed"] and "anna" not in json.dumps(document)


def test_the_signature_verifies_with_another_library(award, app, client, db):
    token = issuing.signed(award)
    db.session.commit()  # the institution's first key
    header, _claims, _sig = parts(token)
    assert header["alg"] == "ES256"
    answer = client.get(header["kid"].replace(app.config["SITE_URL"], ""))
    assert answer.status_code == 200, answer.status_code
    jwk = json.loads(answer.data)
    key = pyjwt.PyJWK.from_dict(jwk)
    claims = pyjwt.decode(token, key.key, algorithms=["ES256"], options={"verify_aud": False})
    assert claims["jti"] == claims["id"] and claims["iss"] == claims["issuer"]["id"]
    jwks = json.loads(client.get(f"/issuers/{award.version.badge.institution_id}/jwks.json").data)
    assert jwks["keys"] == [jwk] and "d" not in jwk


def test_a_valid_credential_is_valid(award, app):
    verdict = checking.verify(issuing.signed(award))
    assert verdict.status == "valid", verdict.checks
    assert [c.step for c in verdict.checks] == [
        "format",
        "algorithm",
        "key",
        "signature",
        "claims",
        "schema",
        "period",
        "status",
    ]


@pytest.mark.parametrize(
    "change",
    [
        lambda c: c["credentialSubject"]["achievement"].update(name="Forged"),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["issuer"].update(name="Someone else"),
    ],
)
def test_tampering_with_any_field_fails(award, app, change):
    head, _body, sig = issuing.signed(award).split(".")
    _h, claims, _s = parts(issuing.signed(award))
    change(claims)
    verdict = checking.verify(f"{head}.{b64(claims)}.{sig}")
    assert verdict.status == "invalid" and verdict.checks[-1].step == "signature"


def test_algorithm_tricks_and_unknown_keys_are_refused(award, app):
    token = issuing.signed(award)
    header, claims, _sig = parts(token)
    none = f"{b64(dict(header, alg='none'))}.{b64(claims)}."
    assert checking.verify(none).checks[-1].step == "algorithm"
    # HS256 with the public key as the shared secret
    public = json.dumps(keys.public_key(header["kid"].rsplit("/", 1)[-1][:-5]).public_jwk)
    signing_input = f"{b64(dict(header, alg='HS256'))}.{b64(claims)}"
    mac = hmac.new(public.encode(), signing_input.encode(), hashlib.sha256).digest()
    hs = f"{signing_input}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    verdict = checking.verify(hs)
    assert verdict.status == "invalid" and verdict.checks[-1].step == "algorithm"
    unknown = f"{b64(dict(header, kid=header['kid'][:-8] + 'nope.json'))}.{token.split('.', 1)[1]}"
    assert checking.verify(unknown).checks[-1].step == "key"


def test_a_rotated_key_still_verifies_and_a_wrong_key_does_not(award, app, db):
    old = issuing.signed(award)
    institution = award.version.badge.institution
    keys.new_key(institution)
    assert checking.verify(old).status == "valid"
    new = issuing.signed(award)
    mixed = f"{old.split('.')[0]}.{new.split('.')[1]}.{new.split('.')[2]}"
    assert checking.verify(mixed).checks[-1].step == "signature"


def test_expired_and_not_yet_valid(kopi, db, app):
    badge = services.create_badge(kopi["lena"], kopi.exchange, badge_data(valid_months=1))
    services.decide(kopi["cora"], badge.latest, approve=True)
    made = services.award_manually(kopi["lena"], badge, kopi["anna"], "Led the final talk.")
    token = issuing.signed(made)
    assert checking.verify(token, now=utcnow() + timedelta(days=40)).status == "expired"
    assert checking.verify(token, now=utcnow() - timedelta(days=1)).status == "not_yet_valid"


def test_revocation_is_detected_with_its_reason(award, app, db, client):
    token = issuing.signed(award)
    services.revoke(award.version.badge.institution and _cora(award), award, "Plagiarism")
    db.session.commit()
    verdict = checking.verify(token)
    assert verdict.status == "revoked" and "Plagiarism" in verdict.checks[-1].message
    assert client.get(f"/badges/c/{award.uid}/ob2.json").status_code == 410


def _cora(award):
    from coil.accounts.models import User
    from coil.extensions import db

    return db.session.scalar(db.select(User).where(User.email == "cora@nl.example"))


@pytest.mark.parametrize(
    ("text", "step"),
    [
        ("not a token", "format"),
        ('{"type": "VerifiableCredential"}', "format"),
        ("a.b.c", "format"),
        (
            b64({"alg": "ES256"}) + "." + base64.urlsafe_b64encode(b"[" * 5000).decode() + ".x",
            "format",
        ),
        ("x" * (300 * 1024), "format"),
    ],
)
def test_bad_input_gets_a_verdict_not_a_crash(app, db, text, step):
    verdict = checking.verify(text)
    assert verdict.status == "invalid" and verdict.checks[-1].step == step


def test_the_json_endpoint_and_the_page(award, app, client, db):
    token = issuing.signed(award)
    db.session.commit()
    answer = client.post("/verify.json", data=token).get_json()
    assert answer["status"] == "valid"
    nested = client.post("/verify.json", json={"credential": token}).get_json()
    assert nested["status"] == "valid"
    page = client.get(f"/verify?badge={award.uid}")
    assert page.status_code == 200 and "Valid" in page.text
    address = f"{app.config['SITE_URL']}/badges/c/{award.uid}"
    assert checking.verify(address).status == "valid"  # a badge page's address, pasted
    assert checking.verify(address[:-4] + "0000").checks[-1].step == "format"


def test_ob2_and_elm_exports(award, app, client):
    ob2 = client.get(f"/badges/c/{award.uid}/ob2.json").get_json()
    assert ob2["type"] == "Assertion" and ob2["verification"] == {"type": "HostedBadge"}
    assert ob2["recipient"]["identity"].startswith("sha256$")
    badge_class = client.get(ob2["badge"].replace(app.config["SITE_URL"], "")).get_json()
    assert badge_class["type"] == "BadgeClass" and badge_class["name"] == award.version.name
    elm = exports.elm(issuing.credential_input(award), award.uid)
    spec = elm["credentialSubject"]["hasClaim"][0]["specifiedBy"]
    assert elm["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert spec["creditPoint"][0]["point"] == "1" and spec["volumeOfLearning"] == "PT28H"
    assert spec["eqfLevel"]["id"] == "http://data.europa.eu/snb/eqf/6"
    country = elm["issuer"]["location"][0]["address"][0]["countryCode"]["id"]
    assert country.endswith("/NLD")


def test_a_second_instance_trusting_the_first_verifies_and_sees_revocation(
    award, app, db, client, monkeypatch
):
    token = issuing.signed(award)
    db.session.commit()
    site = app.config["SITE_URL"]
    # the second instance lives elsewhere; it reads the first one's documents over the network
    monkeypatch.setitem(app.config, "SITE_URL", "http://127.0.0.1:5001")
    monkeypatch.setitem(app.config, "CREDENTIALS_TRUSTED_ISSUERS", [f"{site}/"])
    fetched: list[str] = []

    def over_the_network(url, trusted):
        assert trusted == [f"{site}/"]
        fetched.append(url)
        second = app.config["SITE_URL"]
        app.config["SITE_URL"] = site  # the first instance answers with its own addresses
        try:
            return json.loads(client.get(url.replace(site, "")).data)
        finally:
            app.config["SITE_URL"] = second

    monkeypatch.setattr(checking, "fetch_json", over_the_network)
    assert checking.verify(token).status == "valid"
    assert [url.rsplit("/", 1)[-1] for url in fetched][-1] == "revocations.json"
    monkeypatch.setitem(app.config, "SITE_URL", site)
    services.revoke(_cora(award), award, "Plagiarism")
    db.session.commit()
    monkeypatch.setitem(app.config, "SITE_URL", "http://127.0.0.1:5001")
    verdict = checking.verify(token)
    assert verdict.status == "revoked" and "Plagiarism" in verdict.checks[-1].message
    # without trust (or over plain HTTP elsewhere) the key is not fetched at all
    monkeypatch.undo()
    monkeypatch.setitem(app.config, "SITE_URL", "http://127.0.0.1:5001")
    assert checking.verify(token).checks[-1].step == "key"
