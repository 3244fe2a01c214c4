"""Write side of consent: publishing the terms, recording a consent (one's own or facilitated), and asking for it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fieldapp.access import may_facilitate, viewer_of
from fieldapp.consent.models import Consent, TermsVersion
from fieldapp.errors import Forbidden, Invalid


def current_terms(session: Session) -> TermsVersion | None:
    """The newest version of the terms (None: the park has published none, and nobody is asked)."""
    return session.scalar(select(TermsVersion).order_by(TermsVersion.version.desc()).limit(1))


def publish_terms(session: Session, user: Any, body: str) -> TermsVersion:
    """A new version of the terms (admins): everyone is asked again at their next sign-in."""
    if user.role != "admin":
        raise Forbidden("Only admins publish the terms.")
    if not body.strip():
        raise Invalid("The terms need a text.", [{"path": "text", "message": "empty"}])
    version = (session.scalar(select(func.max(TermsVersion.version))) or 0) + 1
    terms = TermsVersion(version=version, text=body.strip(), published_by=user.id)
    session.add(terms)
    session.flush()
    return terms


def needs_consent(session: Session, user_id: int) -> TermsVersion | None:
    """The current terms, when the user has not agreed to them yet."""
    terms = current_terms(session)
    if terms is None:
        return None
    agreed = session.scalar(
        select(Consent.id).where(Consent.user_id == user_id, Consent.version == terms.version).limit(1)
    )
    return None if agreed is not None else terms


def agree(session: Session, user_id: int, version: int) -> Consent:
    """The user agrees to this version (it must be the current one)."""
    terms = current_terms(session)
    if terms is None or terms.version != version:
        raise Invalid("Those are not the current terms.", [{"path": "version", "message": "not current"}])
    consent = Consent(user_id=user_id, version=version, way="online")
    session.add(consent)
    session.flush()
    return consent


def record_facilitated(session: Session, user: Any, values: dict[str, Any]) -> Consent:
    """A facilitator records how someone they record for gave consent to the current terms, and by whom."""
    if not may_facilitate(session, viewer_of(user), values["dataset_id"]):
        raise Forbidden("Only the dataset's stewards and park staff record consent on someone's behalf.")
    terms = current_terms(session)
    if terms is None:
        raise Invalid("The park has published no terms yet.", [{"path": "version", "message": "none"}])
    consent = Consent(
        person_name=values["person"],
        version=terms.version,
        way=values["way"],
        recorded_by=user.id,
        dataset_id=values["dataset_id"],
    )
    session.add(consent)
    session.flush()
    return consent
