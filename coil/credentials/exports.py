"""The same award in older and other shapes: Open Badges 2.0 hosted, and the European Learning
Model (ELM 3) as JSON-LD for an institution's EDC issuer to seal. Plain data in, dicts out.

Europass wallets accept only European Digital Credentials sealed with an eIDAS seal; this
export is the unsealed input for the institution's EDC issuer, built on a best-effort reading
of the ELM 3 vocabulary (see docs/credentials.md).
"""

from __future__ import annotations

import math

import pycountry

from coil.credentials.ob3 import (
    AchievementInput,
    CredentialInput,
    Issuer,
    identity_hash,
    participation_text,
    stamp,
)

OB2_CONTEXT = "https://w3id.org/openbadges/v2"
ELM_CONTEXT = [
    "https://www.w3.org/2018/credentials/v1",
    "http://data.europa.eu/snb/model/context/edc-ap",
]
ECTS = "http://data.europa.eu/snb/education-credit/6fcec5c5af"
COUNTRY = "http://publications.europa.eu/resource/authority/country"


def ob2_assertion(data: CredentialInput, assertion_url: str, badge_url: str) -> dict:
    """Return the OB 2.0 hosted assertion (served at ``assertion_url``; 410 once revoked)."""
    assertion = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": data.salt,
            "identity": identity_hash(data.email, data.salt),
        },
        "badge": badge_url,
        "verification": {"type": "HostedBadge"},
        "issuedOn": stamp(data.awarded_at),
    }
    if data.valid_until is not None:
        assertion["expires"] = stamp(data.valid_until)
    return assertion


def ob2_badge_class(data: AchievementInput, badge_url: str, issuer_url: str) -> dict:
    """Return the OB 2.0 BadgeClass of the award's badge version."""
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": badge_url,
        "name": data.name,
        "description": data.description,
        "image": data.image_url,
        "criteria": {"id": data.criteria_url or data.achievement_id, "narrative": data.criteria},
        "issuer": issuer_url,
        "alignment": [
            {
                "targetName": dim.name,
                "targetUrl": dim.url,
                "targetCode": dim.key,
                "targetFramework": dim.framework,
            }
            for dim in data.alignment
        ],
        "tags": ["MicroCredential", f"ECTS {data.ects:g}"],
    }


def ob2_issuer(issuer: Issuer, issuer_url: str) -> dict:
    """Return the OB 2.0 issuer Profile."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer_url,
        "name": issuer.name,
        "url": issuer.url or issuer.id,
    }


def _concept(uri: str, label: str, scheme: str | None = None) -> dict:
    concept: dict = {"id": uri, "type": "Concept", "prefLabel": {"en": [label]}}
    if scheme:
        concept["inScheme"] = {"id": scheme, "type": "ConceptScheme"}
    return concept


def _duration(hours: float) -> str:
    return f"PT{math.ceil(hours)}H"


def elm(data: CredentialInput, uid: str) -> dict:
    """Return the award as an unsealed European Digital Credential (ELM 3 JSON-LD)."""
    badge = data.badge
    country = pycountry.countries.get(alpha_2=badge.issuer.country)
    alpha3 = country.alpha_3 if country else badge.issuer.country
    organisation = {
        "id": f"urn:epass:org:{badge.issuer.id}",
        "type": "Organisation",
        "legalName": {"en": [badge.issuer.name]},
        "homepage": [{"id": badge.issuer.url or badge.issuer.id, "type": "WebResource"}],
        "location": [
            {
                "id": f"urn:epass:location:{uid}",
                "type": "Location",
                "address": [
                    {
                        "id": f"urn:epass:address:{uid}",
                        "type": "Address",
                        "countryCode": _concept(
                            f"{COUNTRY}/{alpha3}", country.name if country else alpha3, COUNTRY
                        ),
                    }
                ],
            }
        ],
    }
    specification: dict = {
        "id": f"urn:epass:learningAchievementSpec:{badge.achievement_id}",
        "type": "LearningAchievementSpecification",
        "title": {"en": [badge.name]},
        "description": {"en": [badge.description]},
        "learningOutcome": [
            {
                "id": f"urn:epass:learningOutcome:{uid}:{n}",
                "type": "LearningOutcome",
                "title": {"en": [text]},
            }
            for n, text in enumerate(badge.learning_outcomes, 1)
        ],
        "creditPoint": [
            {
                "id": f"urn:epass:creditPoint:{uid}",
                "type": "CreditPoint",
                "framework": _concept(ECTS, "European Credit Transfer System"),
                "point": f"{badge.ects:g}",
            }
        ],
        "volumeOfLearning": _duration(badge.sync_hours + badge.async_hours),
        "additionalNote": [
            {
                "id": f"urn:epass:note:{uid}:assessment",
                "type": "Note",
                "noteLiteral": {"en": [f"Assessment: {badge.assessment_type}"]},
            },
            {
                "id": f"urn:epass:note:{uid}:participation",
                "type": "Note",
                "noteLiteral": {"en": [f"Participation: {participation_text(badge)}"]},
            },
            {
                "id": f"urn:epass:note:{uid}:qa",
                "type": "Note",
                "noteLiteral": {"en": [f"Quality assurance: {badge.quality_assurance}"]},
            },
        ],
    }
    if badge.eqf_level is not None:
        specification["eqfLevel"] = _concept(
            f"http://data.europa.eu/snb/eqf/{badge.eqf_level}", f"Level {badge.eqf_level}"
        )
    credential: dict = {
        "@context": list(ELM_CONTEXT),
        "id": f"urn:credential:{uid}",
        "type": ["VerifiableCredential", "EuropeanDigitalCredential"],
        "credentialSchema": [
            {
                "id": "http://data.europa.eu/snb/model/ap/edc-generic-full",
                "type": "ShaclValidator2017",
            }
        ],
        "issuer": organisation,
        "issuanceDate": stamp(data.awarded_at),
        "validFrom": stamp(data.awarded_at),
        "credentialSubject": {
            "id": f"urn:epass:person:{uid}",
            "type": "Person",
            "hasClaim": [
                {
                    "id": f"urn:epass:learningAchievement:{uid}",
                    "type": "LearningAchievement",
                    "title": {"en": [badge.name]},
                    "awardedBy": {
                        "id": f"urn:epass:awardingProcess:{uid}",
                        "type": "AwardingProcess",
                        "awardingBody": [organisation],
                        "awardingDate": stamp(data.awarded_at),
                    },
                    "specifiedBy": specification,
                }
            ],
        },
    }
    if data.valid_until is not None:
        credential["expirationDate"] = stamp(data.valid_until)
    return credential
