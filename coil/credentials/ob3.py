"""Build Open Badges 3.0 credentials from plain data (no Flask, no database).

The EU micro-credential elements (Council Recommendation 2022/C 243/02, Annex I) go where the
Dutch edubadges profile puts them, so that wallets already reading that profile show them:

- 1 learner: ``credentialSubject.identifier`` (salted SHA-256 of the e-mail), ``id`` (a DID);
- 2 title: ``achievement.name``; 3 country: ``issuer.address.addressCountryCode``;
- 4 awarding body: ``issuer`` (the institution's Profile); 5 date: ``validFrom``;
- 6 learning outcomes: ``achievement.alignment`` with ``targetType`` ``ext:LearningOutcome``;
- 7 workload: ``achievement.ECTS`` and ``creditsAvailable``; 8 level: alignment ``ext:EQF``;
- 9 assessment: ``achievement.assessmentType``; 10 participation: ``participationType``
  (online, with the synchronous and asynchronous hours);
- 11 quality assurance: alignment ``ext:QualityAssurance``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://raw.githubusercontent.com/educredentials/obv3-examples/refs/heads/main/contexts/educredential.json",
]
SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
EQF_URL = "https://europass.europa.eu/en/description-eight-eqf-levels"


@dataclass(frozen=True)
class Issuer:
    """The issuing institution, as a Profile."""

    id: str
    name: str
    country: str
    city: str
    url: str | None = None


@dataclass(frozen=True)
class Dimension:
    """A rubric dimension the badge is aligned to."""

    key: str
    name: str
    url: str
    framework: str


@dataclass(frozen=True)
class AchievementInput:
    """What a badge version certifies, resolved to plain values."""

    issuer: Issuer
    achievement_id: str
    name: str
    description: str
    criteria: str
    image_url: str
    learning_outcomes: list[str]
    ects: float
    eqf_level: int | None
    assessment_type: str
    participation: str
    sync_hours: float
    async_hours: float
    quality_assurance: str
    version: int
    language: str
    alignment: list[Dimension] = field(default_factory=list)
    criteria_url: str | None = None


@dataclass(frozen=True)
class EvidenceInput:
    """One piece of evidence: a page the holder made public (``url``), or what the record
    showed when the badge was awarded (no ``url``)."""

    name: str
    narrative: str
    url: str | None = None
    genre: str | None = None


@dataclass(frozen=True)
class CredentialInput:
    """One award: the badge version, the learner, the dates and the status list."""

    id: str
    badge: AchievementInput
    email: str
    salt: str
    awarded_at: datetime
    status_url: str
    valid_until: datetime | None = None
    did: str | None = None
    evidence: list[EvidenceInput] = field(default_factory=list)


def stamp(moment: datetime) -> str:
    """Return ``moment`` as an XSD dateTime in UTC with whole seconds (``...Z``)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def identity_hash(email: str, salt: str) -> str:
    """Return the OB 3.0 salted e-mail hash (``sha256$`` + hex of e-mail + salt)."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def issuer_profile(issuer: Issuer) -> dict:
    """Return the issuer's OB 3.0 ``Profile``."""
    profile: dict = {
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "address": {
            "type": ["Address"],
            "addressCountryCode": issuer.country,
            "addressLocality": issuer.city,
        },
    }
    if issuer.url:
        profile["url"] = issuer.url
    return profile


def participation_text(data: AchievementInput) -> str:
    """Word the form of participation with its hours (element 10)."""
    return (
        f"{data.participation}; {data.sync_hours:g} h synchronous, "
        f"{data.async_hours:g} h asynchronous"
    )


def _alignment(data: AchievementInput) -> list[dict]:
    out = [
        {
            "type": ["Alignment"],
            "targetType": "ext:RubricDimension",
            "targetName": dim.name,
            "targetCode": dim.key,
            "targetFramework": dim.framework,
            "targetUrl": dim.url,
        }
        for dim in data.alignment
    ]
    for number, outcome in enumerate(data.learning_outcomes, 1):
        out.append(
            {
                "type": ["Alignment"],
                "targetType": "ext:LearningOutcome",
                "targetName": outcome,
                "targetCode": f"LO{number}",
                "targetUrl": f"{data.achievement_id}#outcome-{number}",
            }
        )
    if data.eqf_level is not None:
        out.append(
            {
                "type": ["Alignment"],
                "targetType": "ext:EQF",
                "targetName": f"EQF level {data.eqf_level}",
                "targetCode": str(data.eqf_level),
                "targetUrl": EQF_URL,
            }
        )
    out.append(
        {
            "type": ["Alignment"],
            "targetType": "ext:QualityAssurance",
            "targetName": data.quality_assurance,
            "targetUrl": data.issuer.url or data.issuer.id,
        }
    )
    return out


def achievement(data: AchievementInput) -> dict:
    """Return the ``Achievement`` (what the badge certifies), EU elements included."""
    criteria: dict = {"narrative": data.criteria}
    if data.criteria_url:
        criteria["id"] = data.criteria_url
    return {
        "id": data.achievement_id,
        "type": ["Achievement", "EducredentialAchievement"],
        "achievementType": "MicroCredential",
        "name": data.name,
        "description": data.description,
        "criteria": criteria,
        "image": {"id": data.image_url, "type": "Image", "caption": data.name},
        "creator": issuer_profile(data.issuer),
        "alignment": _alignment(data),
        "creditsAvailable": data.ects,
        "ECTS": data.ects,
        "assessmentType": data.assessment_type,
        "participationType": participation_text(data),
        "inLanguage": data.language,
        "version": str(data.version),
    }


def build_credential(data: CredentialInput) -> dict:
    """Return the unsigned ``OpenBadgeCredential`` (VC Data Model 2.0)."""
    subject: dict = {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": True,
                "identityHash": identity_hash(data.email, data.salt),
                "identityType": "emailAddress",
                "salt": data.salt,
            }
        ],
        "achievement": achievement(data.badge),
    }
    if data.did:
        subject["id"] = data.did
    credential: dict = {
        "@context": list(CONTEXT),
        "id": data.id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data.badge.name,
        "issuer": issuer_profile(data.badge.issuer),
        "validFrom": stamp(data.awarded_at),
        "awardedDate": stamp(data.awarded_at),
        "credentialSubject": subject,
        "credentialStatus": {
            "id": data.status_url,
            "type": "1EdTechRevocationList",
        },
        "credentialSchema": [{"id": SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if data.valid_until is not None:
        credential["validUntil"] = stamp(data.valid_until)
    if data.evidence:
        credential["evidence"] = [evidence_object(item) for item in data.evidence]
    return credential


def evidence_object(item: EvidenceInput) -> dict:
    """Return one OB 3.0 ``Evidence`` object."""
    document: dict = {"type": ["Evidence"], "name": item.name, "narrative": item.narrative}
    if item.url:
        document["id"] = item.url
    if item.genre:
        document["genre"] = item.genre
    return document
